import type { Address } from '../modules/orders/index.js';

/** A demo buyer: who they are and where their parcels go (example.com addresses, made-up numbers). */
export interface DemoBuyer {
  name: string;
  email: string;
  phone: string;
  address: Address;
}

const PLACES = [
  { province: 'Shanghai', city: 'Shanghai', district: 'Pudong', line1: '88 Century Avenue' },
  { province: 'Guangdong', city: 'Guangzhou', district: 'Tianhe', line1: '208 Tianhe Road' },
  { province: 'Beijing', city: 'Beijing', district: 'Chaoyang', line1: '1 Jianguomenwai Avenue' },
  { province: 'Zhejiang', city: 'Hangzhou', district: 'Xihu', line1: '18 Wensan Road' },
  { province: 'Guangdong', city: 'Shenzhen', district: 'Nanshan', line1: '9 Keyuan Road' },
  { province: 'Sichuan', city: 'Chengdu', district: 'Jinjiang', line1: '3 Chunxi Road' },
  { province: 'Jiangsu', city: 'Nanjing', district: 'Gulou', line1: '22 Zhongshan North Road' },
  { province: 'Hubei', city: 'Wuhan', district: 'Wuchang', line1: '66 Zhongnan Road' },
] as const;

const NAMES = [
  ['王芳', 'wang.fang'],
  ['李娜', 'li.na'],
  ['张伟', 'zhang.wei'],
  ['刘洋', 'liu.yang'],
  ['陈静', 'chen.jing'],
  ['杨磊', 'yang.lei'],
  ['赵敏', 'zhao.min'],
  ['黄丽', 'huang.li'],
  ['周杰', 'zhou.jie'],
  ['吴婷', 'wu.ting'],
  ['Emily Chen', 'emily.chen'],
  ['Daniel Wu', 'daniel.wu'],
  ['孙悦', 'sun.yue'],
  ['马超', 'ma.chao'],
  ['朱琳', 'zhu.lin'],
  ['胡斌', 'hu.bin'],
] as const;

/** Sixteen buyers across eight cities, the same on every run. */
export const DEMO_BUYERS: readonly DemoBuyer[] = NAMES.map(([name, handle], i) => {
  const place = PLACES[i % PLACES.length]!;
  const phone = `+86138${String(10_000_000 + i * 7_919).padStart(8, '0')}`;
  return {
    name,
    email: `${handle}@example.com`,
    phone,
    address: { name, phone, country: 'CN', ...place, line2: `Room ${101 + i * 3}` },
  };
});

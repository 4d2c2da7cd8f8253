import type { AttributeDefinition, AttributeValues } from './catalog.schemas.js';

/** The demo catalog as data; demo-catalog.ts loads it. Prices in CNY fen (19900 = ¥199.00). */

export interface DemoCategory {
  slug: string;
  name: string;
  parent?: string;
  attributes: AttributeDefinition[];
}

export interface DemoVariant {
  /** Appended to the product's SKU base; '' for a product's only variant. */
  code: string;
  title: string;
  options: Record<string, string>;
  price: number;
}

export interface DemoProduct {
  category: string;
  sku: string;
  title: string;
  description: string;
  attributes: AttributeValues;
  variants: DemoVariant[];
}

const enumOf = (name: string, label: string, values: string[], required = true): AttributeDefinition => ({
  name,
  label,
  type: 'enum',
  required,
  values,
});
const typed = (name: string, label: string, type: 'string' | 'number' | 'boolean', required = true) => ({
  name,
  label,
  type,
  required,
});

export const DEMO_CATEGORIES: DemoCategory[] = [
  {
    slug: 'apparel',
    name: 'Apparel',
    attributes: [
      enumOf('material', 'Material', ['cotton', 'linen', 'wool', 'silk', 'denim', 'polyester', 'down']),
      enumOf('gender', 'Gender', ['men', 'women', 'unisex']),
      enumOf('fit', 'Fit', ['slim', 'regular', 'relaxed'], false),
    ],
  },
  {
    slug: 't-shirts',
    name: 'T-shirts',
    parent: 'apparel',
    attributes: [enumOf('neckline', 'Neckline', ['crew', 'v-neck', 'henley'])],
  },
  {
    slug: 'outerwear',
    name: 'Outerwear',
    parent: 'apparel',
    attributes: [typed('waterproof', 'Waterproof', 'boolean')],
  },
  {
    slug: 'electronics',
    name: 'Electronics',
    attributes: [
      typed('brand', 'Brand', 'string'),
      typed('warrantyMonths', 'Warranty (months)', 'number'),
      typed('wireless', 'Wireless', 'boolean'),
    ],
  },
  {
    slug: 'audio',
    name: 'Audio',
    parent: 'electronics',
    attributes: [
      typed('noiseCancelling', 'Noise cancelling', 'boolean'),
      typed('batteryHours', 'Battery life (hours)', 'number', false),
    ],
  },
  {
    slug: 'home-kitchen',
    name: 'Home & Kitchen',
    attributes: [
      typed('material', 'Material', 'string'),
      typed('dishwasherSafe', 'Dishwasher safe', 'boolean'),
    ],
  },
  {
    slug: 'cookware',
    name: 'Cookware',
    parent: 'home-kitchen',
    attributes: [
      typed('inductionReady', 'Induction ready', 'boolean'),
      typed('capacityLitres', 'Capacity (litres)', 'number', false),
    ],
  },
  {
    slug: 'teaware',
    name: 'Teaware',
    parent: 'home-kitchen',
    attributes: [typed('capacityMl', 'Capacity (ml)', 'number')],
  },
];

const one = (price: number): DemoVariant[] => [{ code: '', title: '', options: {}, price }];

/** One variant per size and colour, e.g. code "M-WHT", title "M / White". */
function sizes(list: string[], colours: [code: string, name: string][], price: number): DemoVariant[] {
  const several = colours.length > 1;
  return colours.flatMap(([code, colour]) =>
    list.map(
      (size): DemoVariant => ({
        code: several ? `${size}-${code}` : size,
        title: several ? `${size} / ${colour}` : size,
        options: several ? { size, colour } : { size },
        price,
      }),
    ),
  );
}

function choices(option: string, list: [code: string, name: string, price: number][]): DemoVariant[] {
  return list.map(([code, name, price]) => ({ code, title: name, options: { [option]: name }, price }));
}

const SML = ['S', 'M', 'L'];
const SMLXL = ['S', 'M', 'L', 'XL'];

export const DEMO_PRODUCTS: DemoProduct[] = [
  {
    category: 't-shirts',
    sku: 'TEE-ORG',
    title: 'Organic Cotton Crew T-shirt',
    description:
      'A midweight 180 g/m² organic cotton tee with a ribbed crew neck. Pre-washed, so it keeps its shape.',
    attributes: { material: 'cotton', gender: 'unisex', fit: 'regular', neckline: 'crew' },
    variants: sizes(
      SMLXL,
      [
        ['WHT', 'White'],
        ['BLK', 'Black'],
      ],
      9900,
    ),
  },
  {
    category: 't-shirts',
    sku: 'TEE-CN',
    title: '纯棉圆领短袖T恤',
    description: '新疆长绒棉，亲肤透气，宽松版型。Pure Xinjiang long-staple cotton, relaxed fit.',
    attributes: { material: 'cotton', gender: 'men', fit: 'relaxed', neckline: 'crew' },
    variants: sizes(['M', 'L', 'XL'], [['WHT', '白色']], 5900),
  },
  {
    category: 't-shirts',
    sku: 'TEE-VNK',
    title: 'Slim Fit V-neck Tee',
    description:
      'A fitted v-neck in soft cotton jersey with a touch of stretch, cut to layer under a blazer.',
    attributes: { material: 'cotton', gender: 'women', fit: 'slim', neckline: 'v-neck' },
    variants: sizes(['XS', 'S', 'M', 'L'], [['NVY', 'Navy']], 7900),
  },
  {
    category: 'apparel',
    sku: 'SHIRT-LIN',
    title: 'Linen Shirt',
    description:
      'Garment-dyed European linen with a camp collar and mother-of-pearl buttons. Cool in summer heat.',
    attributes: { material: 'linen', gender: 'men', fit: 'regular' },
    variants: sizes(
      SML,
      [
        ['WHT', 'White'],
        ['BLU', 'Sky blue'],
      ],
      29900,
    ),
  },
  {
    category: 'apparel',
    sku: 'SWTR-MER',
    title: 'Merino Wool Crew Sweater',
    description:
      'Fine-gauge extra-fine merino that regulates warmth and resists odour. Machine washable on wool cycle.',
    attributes: { material: 'wool', gender: 'unisex', fit: 'regular' },
    variants: sizes(SMLXL, [['CHR', 'Charcoal']], 49900),
  },
  {
    category: 'apparel',
    sku: 'DRS-SLK',
    title: '真丝印花连衣裙',
    description:
      '22 姆米桑蚕丝，手绘花卉印花，收腰设计。A 22-momme mulberry silk dress with a hand-painted floral print.',
    attributes: { material: 'silk', gender: 'women', fit: 'slim' },
    variants: sizes(SML, [['FLR', 'Floral']], 89900),
  },
  {
    category: 'apparel',
    sku: 'JEAN-SLV',
    title: 'Selvedge Denim Jeans',
    description:
      '13.5 oz Japanese selvedge denim, raw and unwashed, in a slim tapered leg that fades to your wear.',
    attributes: { material: 'denim', gender: 'men', fit: 'slim' },
    variants: sizes(['30', '32', '34', '36'], [['IND', 'Indigo']], 39900),
  },
  {
    category: 'outerwear',
    sku: 'JKT-DWN',
    title: 'Lightweight Down Jacket',
    description: '700-fill responsibly sourced down in a packable shell that stuffs into its own pocket.',
    attributes: { material: 'down', gender: 'unisex', fit: 'regular', waterproof: false },
    variants: sizes(
      SMLXL,
      [
        ['BLK', 'Black'],
        ['NVY', 'Navy'],
      ],
      69900,
    ),
  },
  {
    category: 'outerwear',
    sku: 'JKT-RAIN',
    title: 'Waterproof Rain Shell',
    description: 'A three-layer waterproof, breathable shell with taped seams and an adjustable hood.',
    attributes: { material: 'polyester', gender: 'unisex', fit: 'relaxed', waterproof: true },
    variants: sizes(['M', 'L', 'XL'], [['OLV', 'Olive']], 45900),
  },
  {
    category: 'electronics',
    sku: 'CHG-65W',
    title: 'USB-C Fast Charger 65W',
    description:
      'A compact GaN charger with two USB-C ports and one USB-A port; charges a laptop and a phone at once.',
    attributes: { brand: 'Voltix', warrantyMonths: 18, wireless: false },
    variants: one(19900),
  },
  {
    category: 'electronics',
    sku: 'KBD-87',
    title: 'Mechanical Keyboard, 87 keys',
    description:
      'A tenkeyless keyboard with hot-swappable switches, PBT keycaps and Bluetooth or 2.4 GHz wireless.',
    attributes: { brand: 'Keyforge', warrantyMonths: 24, wireless: true },
    variants: choices('switch', [
      ['RED', 'Linear red', 59900],
      ['BRN', 'Tactile brown', 62900],
    ]),
  },
  {
    category: 'electronics',
    sku: 'MSE-WL',
    title: 'Ergonomic Wireless Mouse',
    description:
      'A sculpted mouse with silent clicks, a 4000 DPI sensor and a battery that lasts about 70 days.',
    attributes: { brand: 'Keyforge', warrantyMonths: 12, wireless: true },
    variants: choices('colour', [
      ['BLK', 'Black', 12900],
      ['WHT', 'White', 12900],
    ]),
  },
  {
    category: 'electronics',
    sku: 'MON-156',
    title: 'Portable 4K Monitor 15.6"',
    description:
      'A 4K IPS panel in a 6 mm aluminium body, powered over a single USB-C cable. Folio stand included.',
    attributes: { brand: 'Lumio', warrantyMonths: 24, wireless: false },
    variants: one(189900),
  },
  {
    category: 'electronics',
    sku: 'BAND-FIT',
    title: '智能运动手环',
    description: '心率、血氧与睡眠监测，续航 14 天。A fitness band with heart-rate, SpO2 and sleep tracking.',
    attributes: { brand: 'Lumio', warrantyMonths: 12, wireless: true },
    variants: choices('colour', [
      ['BLK', '曜石黑', 24900],
      ['PNK', '樱花粉', 24900],
    ]),
  },
  {
    category: 'audio',
    sku: 'HP-ANC',
    title: 'Noise-Cancelling Over-Ear Headphones',
    description:
      'Adaptive noise cancelling, 30 hours of battery and memory-foam ear cushions for long flights.',
    attributes: {
      brand: 'Sonora',
      warrantyMonths: 24,
      wireless: true,
      noiseCancelling: true,
      batteryHours: 30,
    },
    variants: choices('colour', [
      ['BLK', 'Black', 129900],
      ['SLV', 'Silver', 129900],
    ]),
  },
  {
    category: 'audio',
    sku: 'EAR-TWS',
    title: 'True Wireless Earbuds',
    description:
      'Light earbuds with a pocketable charging case, IPX4 sweat resistance and 6 hours per charge.',
    attributes: {
      brand: 'Sonora',
      warrantyMonths: 12,
      wireless: true,
      noiseCancelling: false,
      batteryHours: 6,
    },
    variants: choices('colour', [
      ['WHT', 'White', 39900],
      ['BLK', 'Black', 39900],
    ]),
  },
  {
    category: 'audio',
    sku: 'SPK-BT',
    title: 'Bluetooth Bookshelf Speakers',
    description:
      'A pair of powered speakers with walnut veneer cabinets, Bluetooth 5.3 and an optical input.',
    attributes: { brand: 'Sonora', warrantyMonths: 24, wireless: true, noiseCancelling: false },
    variants: choices('finish', [
      ['WAL', 'Walnut', 89900],
      ['WHT', 'Matte white', 86900],
    ]),
  },
  {
    category: 'home-kitchen',
    sku: 'BRD-BMB',
    title: 'Bamboo Cutting Board Set',
    description:
      'Three boards of solid Moso bamboo in small, medium and large, with juice grooves. Hand wash.',
    attributes: { material: 'bamboo', dishwasherSafe: false },
    variants: one(15900),
  },
  {
    category: 'home-kitchen',
    sku: 'TWL-LIN',
    title: 'Linen Tea Towels, set of 4',
    description: 'Stonewashed linen towels that dry glasses without lint and get softer with every wash.',
    attributes: { material: 'linen', dishwasherSafe: false },
    variants: choices('colour', [
      ['NAT', 'Natural', 8900],
      ['GRY', 'Grey', 8900],
    ]),
  },
  {
    category: 'cookware',
    sku: 'SKL-CI',
    title: 'Cast Iron Skillet',
    description: 'A pre-seasoned cast iron skillet that goes from hob to oven and will outlive its owner.',
    attributes: { material: 'cast iron', dishwasherSafe: false, inductionReady: true },
    variants: choices('diameter', [
      ['20', '20 cm', 19900],
      ['26', '26 cm', 25900],
      ['30', '30 cm', 32900],
    ]),
  },
  {
    category: 'cookware',
    sku: 'POT-SS8',
    title: 'Stainless Steel Stockpot 8 L',
    description:
      'Tri-ply 18/10 stainless steel with an aluminium core for even heat; for stocks, soups and pasta.',
    attributes: {
      material: 'stainless steel',
      dishwasherSafe: true,
      inductionReady: true,
      capacityLitres: 8,
    },
    variants: one(34900),
  },
  {
    category: 'cookware',
    sku: 'PAN-NS',
    title: 'Non-stick Frying Pan',
    description: 'A PFOA-free ceramic non-stick pan with a stay-cool handle, for eggs, fish and pancakes.',
    attributes: { material: 'aluminium', dishwasherSafe: false, inductionReady: false },
    variants: choices('diameter', [
      ['24', '24 cm', 12900],
      ['28', '28 cm', 15900],
    ]),
  },
  {
    category: 'teaware',
    sku: 'TPT-YX',
    title: 'Yixing Clay Teapot',
    description:
      'A hand-thrown zisha clay teapot from Yixing that seasons with every brew of oolong or pu-erh.',
    attributes: { material: 'clay', dishwasherSafe: false, capacityMl: 200 },
    variants: one(26800),
  },
  {
    category: 'teaware',
    sku: 'TEA-CEL',
    title: '青瓷茶具套装',
    description: '龙泉青瓷一壶四杯，釉色温润。A Longquan celadon set of one teapot and four cups.',
    attributes: { material: 'porcelain', dishwasherSafe: true, capacityMl: 150 },
    variants: one(39800),
  },
  {
    category: 'teaware',
    sku: 'MUG-DW',
    title: 'Double-Wall Glass Mugs, set of 2',
    description:
      'Borosilicate glass mugs with an insulating air gap: the tea stays hot and the outside stays cool.',
    attributes: { material: 'glass', dishwasherSafe: true, capacityMl: 350 },
    variants: one(9900),
  },
  {
    category: 'teaware',
    sku: 'KTL-PO',
    title: 'Pour-Over Coffee Kettle',
    description:
      'A gooseneck kettle with a built-in thermometer for a slow, precise pour over coffee grounds.',
    attributes: { material: 'stainless steel', dishwasherSafe: true, capacityMl: 1000 },
    variants: choices('colour', [
      ['BLK', 'Matte black', 22900],
      ['SLV', 'Brushed steel', 21900],
    ]),
  },
];

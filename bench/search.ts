/**
 * npm run bench:search — GET /v1/products?q= on 10,000 products with Chinese titles, on PGlite and on
 * PostgreSQL. The product-list cache is off, so every request searches. Per set-up: the products are
 * inserted (straight into the tables, in batches), a warm-up runs, then BENCH_REQUESTS requests one
 * after another over HTTP, cycling through queries that find words inside titles (茶具 in
 * 青瓷茶具套装), single characters, prefixes, Latin words and nothing. Prints p50/p95/p99 per query
 * and overall; the target is p95 < 50 ms.
 *
 *   BENCH_PRODUCTS (10000)  BENCH_REQUESTS (700)  BENCH_SETUPS (pglite,postgres)
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { Pool } from 'undici';
import { buildApp } from '../src/app.js';
import { modules } from '../src/modules.js';
import { createApiKey } from '../src/platform/auth/api-keys.js';
import { loadConfig } from '../src/platform/config.js';
import { connectDatabase } from '../src/platform/db/connect.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { newId } from '../src/platform/ids.js';
import { ADMIN_KEY, apiCaller, freshDatabase, percentile } from './lib/api.js';
import { fmt } from './lib/load.js';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 700);
const SETUPS = (process.env.BENCH_SETUPS ?? 'pglite,postgres').split(',');
const QUERIES = ['茶具', '瓷茶', '杯', '保温杯', '手工茶具', '青瓷', 'linen', '不存在的词'];

const MATERIALS = [
  '青瓷',
  '白瓷',
  '紫砂',
  '玻璃',
  '不锈钢',
  '竹制',
  '陶瓷',
  '骨瓷',
  '铸铁',
  '木质',
  '亚麻',
  '纯棉',
];
const ITEMS = [
  '茶具套装',
  '茶杯',
  '茶壶',
  '茶盘',
  '花瓶',
  '餐盘',
  '饭碗',
  '水杯',
  '保温杯',
  '咖啡杯',
  '砂锅',
  '汤锅',
  '筷子',
  '托盘',
  '桌布',
  '餐巾',
];
const TRAITS = ['礼盒装', '家用', '办公室', '旅行便携', '新款', '复古', '手工', '加厚', ''];
const LATIN = ['Linen', 'Cotton', 'Porcelain', 'Bamboo', 'Steel', 'Glass', 'Clay', 'Oak', 'Iron', 'Jade'];
const pick = <T>(list: readonly T[], i: number) => list[i % list.length]!;

/** 10,000 products of 12 × 16 × 9 titles, numbered, with a description of other words. */
function productRows(categoryId: string) {
  return Array.from({ length: PRODUCTS }, (_, i) => {
    const title = `${pick(MATERIALS, i)}${pick(ITEMS, Math.floor(i / 12))}${pick(TRAITS, Math.floor(i / 192))} ${i}`;
    const description = `${pick(TRAITS, i + 3)}${pick(MATERIALS, i + 5)}制品，适合${pick(ITEMS, i + 7)}搭配。${pick(LATIN, i)} No. ${i}`;
    return {
      product: {
        id: newId(),
        category_id: categoryId,
        title,
        description,
        status: 'active' as const,
        min_price: 1000 + (i % 500) * 10,
        max_price: 1000 + (i % 500) * 10,
      },
      sku: `BS-${i}`,
    };
  });
}

async function runSetup(kind: string) {
  const handle =
    kind === 'postgres'
      ? await connectDatabase({ databaseUrl: await freshDatabase('ordersync_bench_search'), poolSize: 10 })
      : await connectDatabase({});
  await migrateToLatest(handle.db, modules);
  const config = {
    ...loadConfig({ LOG_LEVEL: 'silent', SANDBOX_PAYMENT_SECRET: randomBytes(16).toString('hex') }),
    catalogCacheMs: 0,
  };
  const app = await buildApp({ db: handle.db, dbKind: handle.kind, config, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  await createApiKey(handle.db, { name: 'bench', role: 'admin', key: ADMIN_KEY });

  const categoryId = newId();
  await handle.db
    .insertInto('categories')
    .values({ id: categoryId, name: '餐厨', slug: 'bench-kitchen', path: `/${categoryId}/` })
    .execute();
  const rows = productRows(categoryId);
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    await handle.db
      .insertInto('products')
      .values(batch.map((r) => r.product))
      .execute();
    await handle.db
      .insertInto('variants')
      .values(
        batch.map((r) => ({
          id: newId(),
          product_id: r.product.id,
          sku: r.sku,
          title: '',
          price: r.product.min_price,
          currency: 'CNY',
        })),
      )
      .execute();
  }
  const loadMs = performance.now() - t0;

  const pool = new Pool(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, { connections: 1 });
  const call = apiCaller(pool);
  const times = new Map<string, number[]>(QUERIES.map((q) => [q, []]));
  const counts = new Map<string, number>();
  for (let i = 0; i < REQUESTS + QUERIES.length * 5; i++) {
    const q = QUERIES[i % QUERIES.length]!;
    const answer = await call('GET', `/v1/products?q=${encodeURIComponent(q)}&limit=20`);
    if (answer.status !== 200) throw new Error(`q=${q}: ${answer.status} ${JSON.stringify(answer.json)}`);
    counts.set(q, answer.json.data.length);
    if (i >= QUERIES.length * 5) times.get(q)!.push(answer.ms); // the first rounds warm up
  }
  await pool.close();
  await app.close();
  await handle.close();

  const row = (label: string, ms: number[]) => {
    const sorted = [...ms].sort((a, b) => a - b);
    return `${label.padEnd(12)} n=${String(sorted.length).padStart(4)}  p50 ${fmt(percentile(sorted, 0.5))} ms  p95 ${fmt(percentile(sorted, 0.95))} ms  p99 ${fmt(percentile(sorted, 0.99))} ms`;
  };
  console.log(
    `\n${kind}: ${PRODUCTS} products loaded in ${fmt(loadMs / 1000)} s; load average ${os
      .loadavg()
      .map((l) => fmt(l))
      .join(' ')} on ${os.availableParallelism()} cores`,
  );
  for (const q of QUERIES)
    console.log(`  ${row(`q=${q}`, times.get(q)!)}  (${counts.get(q)} on the first page)`);
  const all = [...times.values()].flat();
  console.log(
    `  ${row('all', all)}  ${
      percentile(
        [...all].sort((a, b) => a - b),
        0.95,
      ) < 50
        ? 'OK'
        : 'ABOVE'
    } (target p95 < 50 ms)`,
  );
}

for (const kind of SETUPS) await runSetup(kind);

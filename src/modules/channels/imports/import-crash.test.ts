import { createReadStream, createWriteStream, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileChannel, uciExpectations } from '../../../../test/channels/uci-expectations.js';
import { useTestApp } from '../../../../test/helpers/test-app.js';
import { schemaUrl, WorkerProcess } from '../../../../test/helpers/worker-process.js';
import { newId } from '../../../platform/ids.js';
import { UCI_ONLINE_RETAIL } from './column-mapping.js';
import { importRunnerFor } from './import-runner.js';
import { getImport } from './import-view.js';
import { findImport, insertImport } from './imports.repository.js';

const onPglite = (process.env.TEST_DB ?? 'pglite') === 'pglite';
// The first 40,000 lines of the UCI file, kept in the repository so the suite runs wherever it is cloned.
const UCI = 'test/fixtures/uci-online-retail.first40000.csv.gz';
// Three batches of the import (5,000 lines each): the kill comes after the first is committed, with
// two still to read, which is all the takeover needs to show; more lines only cost time.
const LINES = 15_000;
const KILL_AFTER = 5_000;

/** The first `lines` lines of the UCI file (header included), as a plain CSV. */
async function headOfUci(lines: number): Promise<string> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ordersync-crash-')), 'uci-head.csv');
  const out = createWriteStream(file);
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(UCI).pipe(createGunzip()) })) {
    if (n++ > lines) break;
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return file;
}

// PostgreSQL only: the worker is a real second process on the test's schema (PGlite lives in one process).
describe.skipIf(onPglite)('a file import whose worker is killed (SIGKILL) mid-file', () => {
  const t = useTestApp();
  let worker: WorkerProcess | undefined;
  afterAll(() => worker?.kill());

  it('is taken over at its checkpoint and ends with every invoice once, as a run without a crash', async () => {
    const file = await headOfUci(LINES);
    const expected = await uciExpectations(file);
    const job = await insertImport(t().db, {
      id: newId(),
      channel_id: await createFileChannel((o) => t().request(o), 'uci'),
      channel_code: 'uci',
      currency: 'GBP',
      format: 'csv',
      gzipped: false,
      file_path: path.resolve(file),
      file_bytes: statSync(file).size,
      mapping: JSON.stringify(UCI_ONLINE_RETAIL),
      dry_run: false,
      historical: true,
      status: 'queued',
    });
    // The worker's job `resume file imports` finds it (nobody holds it) and starts reading.
    worker = new WorkerProcess({
      DATABASE_URL: schemaUrl(t().database.schema),
      SCHEDULER_INTERVAL_MS: '100',
      IMPORT_LEASE: '2',
    });
    await worker.start();
    let seen = await findImport(t().db, job.id);
    while ((seen?.rows_read ?? 0) < KILL_AFTER) {
      await new Promise((r) => setTimeout(r, 20));
      seen = await findImport(t().db, job.id);
    }
    await worker.kill();
    const killed = (await findImport(t().db, job.id))!;
    console.log(`killed at line ${killed.checkpoint_line}, ${killed.orders_placed} orders written`);
    expect(killed.status).toBe('running');
    expect(killed.checkpoint_line).toBeLessThan(expected.lines);

    // This process takes it over once the dead worker's lease has lapsed.
    const runner = importRunnerFor(t().app.services);
    while ((await runner.resumeStalled()) === 0) await new Promise((r) => setTimeout(r, 200));
    await runner.idle();
    const done = await getImport(t().db, job.id);
    console.log('after the takeover:', JSON.stringify({ progress: done.progress, rejected: done.rejected }));
    expect(done).toMatchObject({ status: 'completed', attempts: 2 });
    expect(done.progress).toMatchObject({
      rowsRead: expected.lines,
      ordersRead: expected.invoices,
      ordersPlaced: expected.placed,
      ordersAlreadyThere: 0,
    });
    expect(done.rejected.orders).toEqual({
      'cancelled order': expected.cancelled,
      ...(expected.noGoods ? { 'no product lines': expected.noGoods } : {}),
    });
    const { rows } = await t()
      .db.selectFrom('orders')
      .innerJoin('order_lines', 'order_lines.order_id', 'orders.id')
      .select((eb) => [
        eb.fn.count<number>('orders.id').distinct().as('orders'),
        eb.fn.count<number>('order_lines.id').as('lines'),
      ])
      .where('orders.channel', '=', 'uci')
      .execute()
      .then((r) => ({ rows: r[0]! }));
    expect({ orders: Number(rows.orders), lines: Number(rows.lines) }).toEqual({
      orders: expected.placed,
      lines: expected.goodsLines,
    });
  });
});

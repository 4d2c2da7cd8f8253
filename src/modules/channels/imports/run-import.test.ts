import { copyFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileChannel, uciExpectations } from '../../../../test/channels/uci-expectations.js';
import { useTestApp } from '../../../../test/helpers/test-app.js';
import { newId } from '../../../platform/ids.js';
import { type ColumnMapping, UCI_ONLINE_RETAIL } from './column-mapping.js';
import { importRunnerFor } from './import-runner.js';
import { getImport } from './import-view.js';
import { insertImport } from './imports.repository.js';
import type { FileFormat } from './record-reader.js';

// The first 300 lines of the UCI file: 34 invoices, 3 of them cancellations, all on 2010-12-01.
const FIRST_300 = 'test/fixtures/uci-online-retail.first300.csv';

describe('running a file import', () => {
  const t = useTestApp();
  const dir = mkdtempSync(path.join(tmpdir(), 'ordersync-import-'));
  let channelId: string | undefined;

  /** An import nobody holds yet, as if its uploader died at once: the runner's job takes it. */
  async function importFile(
    source: string,
    options: { dryRun?: boolean; mapping?: ColumnMapping; format?: FileFormat } = {},
  ) {
    const file = path.join(dir, `${newId()}${path.extname(source)}`);
    copyFileSync(source, file);
    channelId ??= await createFileChannel((o) => t().request(o), 'uci');
    const job = await insertImport(t().db, {
      id: newId(),
      channel_id: channelId,
      channel_code: 'uci',
      currency: 'GBP',
      format: options.format ?? 'csv',
      gzipped: false,
      file_path: file,
      file_bytes: statSync(file).size,
      mapping: JSON.stringify(options.mapping ?? UCI_ONLINE_RETAIL),
      dry_run: options.dryRun ?? false,
      historical: true,
      status: 'queued',
    });
    const runner = importRunnerFor(t().app.services);
    expect(await runner.resumeStalled()).toBe(1);
    await runner.idle();
    return getImport(t().db, job.id);
  }

  it('makes every invoice one completed order or a counted rejection, as worked out apart, and adds nothing again', async () => {
    const expected = await uciExpectations(FIRST_300);
    const dry = await importFile(FIRST_300, { dryRun: true });
    expect(dry.progress.ordersPlaced).toBe(expected.placed);
    const orders = () => t().request({ method: 'GET', url: '/v1/orders?channel=uci&limit=200' });
    expect((await orders()).json().data).toHaveLength(0);

    const first = await importFile(FIRST_300);
    console.log('first 300 lines:', JSON.stringify({ progress: first.progress, rejected: first.rejected }));
    expect(first).toMatchObject({ status: 'completed', attempts: 1, error: null });
    expect(first.progress).toMatchObject({
      rowsRead: expected.lines,
      ordersRead: expected.invoices,
      ordersPlaced: expected.placed,
      ordersAlreadyThere: 0,
      etaSeconds: 0,
    });
    expect(first.rejected.orders).toEqual({ 'cancelled order': expected.cancelled });
    expect(expected.placed + expected.cancelled + expected.noGoods).toBe(expected.invoices);
    // Every line is a goods line of a placed order, postage, or rejected with its reason.
    expect(first.errors.filter((e) => e.reason === 'cancellation')).toHaveLength(
      first.rejected.lines.cancellation!,
    );

    const list = (await orders()).json().data as {
      number: string;
      status: string;
      totals: { grandTotal: number };
    }[];
    expect(list).toHaveLength(expected.placed);
    expect(list.every((o) => o.status === 'completed')).toBe(true);
    expect(list.reduce((sum, o) => sum + o.totals.grandTotal, 0)).toBe(expected.pence);
    // Worked out from the file by hand: 7 lines, £139.12; December, so UK time is UTC.
    expect(list.find((o) => o.number === 'UCI-536365')).toMatchObject({
      placedAt: '2010-12-01T08:26:00.000Z',
      totals: { subtotal: 13912, shipping: 0, grandTotal: 13912 },
    });

    const again = await importFile(FIRST_300);
    expect(again.progress).toMatchObject({ ordersPlaced: 0, ordersAlreadyThere: expected.placed });
    expect((await orders()).json().data).toHaveLength(expected.placed);
  });
});

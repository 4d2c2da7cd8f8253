import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UCI_ONLINE_RETAIL } from '../../src/modules/channels/index.js';
import { expectProblem, useTestApp } from '../helpers/test-app.js';
import { createFileChannel, uciExpectations } from './uci-expectations.js';

// The first 300 lines of the UCI file: 34 invoices, 3 of them cancellations, all on 2010-12-01.
const FIRST_300 = 'test/fixtures/uci-online-retail.first300.csv';
const MAPPING = encodeURIComponent(JSON.stringify(UCI_ONLINE_RETAIL));

describe('file imports over HTTP (POST and GET /v1/channels/{id}/imports, GET /v1/imports/{id})', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ordersync-imports-'));
  const t = useTestApp({ dataDir });
  const uploads = () => readdirSync(path.join(dataDir, 'imports'));

  async function upload(channel: string, body: Buffer | string, contentType: string, query = '') {
    return t().request({
      method: 'POST',
      url: `/v1/channels/${channel}/imports?mapping=${MAPPING}${query}`,
      headers: { 'content-type': contentType },
      payload: body,
    });
  }

  async function finished(id: string) {
    for (;;) {
      const res = await t().request({ method: 'GET', url: `/v1/imports/${id}` });
      expect(res.statusCode).toBe(200);
      if (['completed', 'failed'].includes(res.json().status)) return res.json();
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('imports a gzipped CSV as completed orders, every invoice placed or rejected with its reason; again adds nothing', async () => {
    const channel = await createFileChannel((o) => t().request(o), 'uci');
    const expected = await uciExpectations(FIRST_300);
    const gz = gzipSync(readFileSync(FIRST_300));
    const res = await upload(channel, gz, 'application/gzip', '&format=csv&historical=true');
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({
      channelId: channel,
      gzipped: true,
      historical: true,
      fileBytes: gz.length,
    });
    const done = await finished(res.json().id);
    expect(done).toMatchObject({ status: 'completed', error: null });
    expect(done.progress).toMatchObject({
      rowsRead: expected.lines,
      ordersRead: expected.invoices,
      ordersPlaced: expected.placed,
      percent: 100,
    });
    expect(done.rejected.orders).toEqual({ 'cancelled order': expected.cancelled });
    const orders = await t().request({ method: 'GET', url: '/v1/orders?channel=uci&limit=200' });
    expect(orders.json().data).toHaveLength(expected.placed);

    const again = await finished(
      (await upload(channel, gz, 'application/gzip', '&format=csv&historical=true')).json().id,
    );
    expect(again.progress).toMatchObject({ ordersPlaced: 0, ordersAlreadyThere: expected.placed });

    // The channel's imports, newest first, a page at a time.
    const first = await t().request({ method: 'GET', url: `/v1/channels/${channel}/imports?limit=1` });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().data.map((i: { id: string }) => i.id)).toEqual([again.id]);
    const second = await t().request({
      method: 'GET',
      url: `/v1/channels/${channel}/imports?limit=1&cursor=${first.json().nextCursor}`,
    });
    expect(second.json()).toMatchObject({
      data: [{ id: res.json().id, status: 'completed' }],
      nextCursor: null,
    });
  });

  it('rejects broken rows one by one, at their lines, and a dry run writes no order', async () => {
    const channel = await createFileChannel((o) => t().request(o), 'dirty');
    const header = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
    const csv = [
      header,
      '600001,85123A,HEART,6,2011-06-01 08:26:00,2.55,17850,United Kingdom',
      '600001,71053,LANTERN,six,2011-06-01 08:26:00,3.39,17850,United Kingdom',
      '600002,71053,LANTERN,1,2011-06-01 09:00:00',
      // A stray quote costs its field only, not the rest of the file.
      '600003,22000,"BROKEN "QUOTE",1,2011-06-01 09:10:00,1.00,,France',
      ',22001,NO INVOICE,1,2011-06-01 09:20:00,1.00,,France',
      '600004,22002,BAD DATE,1,yesterday,1.00,,France',
    ].join('\n');
    const res = await upload(channel, csv, 'text/csv', '&dry_run=true&historical=true');
    expect(res.statusCode, res.body).toBe(202);
    const done = await finished(res.json().id);
    expect(done.progress).toMatchObject({ rowsRead: 6, ordersPlaced: 2, ordersRead: 3 });
    expect(done.errors).toEqual([
      { line: 3, externalId: '600001', reason: 'quantity is not a whole number' },
      { line: 4, externalId: '', reason: 'not a CSV record' },
      { line: 6, externalId: '', reason: 'no order id' },
      { line: 7, externalId: '600004', reason: 'date is not readable' },
      { line: 7, externalId: '600004', reason: 'no product lines' },
    ]);
    const orders = await t().request({ method: 'GET', url: '/v1/orders?channel=dirty' });
    expect(orders.json().data).toEqual([]);
  });

  it('reads JSON Lines into live channel orders through the intake: an unknown SKU holds its order', async () => {
    const channel = await createFileChannel((o) => t().request(o), 'jsonl');
    const row = (InvoiceNo: string, StockCode: string) =>
      JSON.stringify({
        InvoiceNo,
        StockCode,
        Description: 'x',
        Quantity: 1,
        InvoiceDate: '2011-06-01T08:00:00Z',
        UnitPrice: 2.5,
      });
    const body = `${row('700001', 'NO-SUCH-SKU')}\nnot json\n${row('700001', 'NO-SUCH-SKU-2')}\n`;
    const res = await upload(channel, body, 'application/x-ndjson');
    expect(res.statusCode, res.body).toBe(202);
    const done = await finished(res.json().id);
    expect(done).toMatchObject({ status: 'completed', historical: false });
    expect(done.progress).toMatchObject({ rowsRead: 3, ordersRead: 1, ordersHeld: 1 });
    expect(done.errors).toEqual([{ line: 2, externalId: '', reason: 'not a JSON object' }]);
    const again = await finished((await upload(channel, body, 'application/x-ndjson')).json().id);
    expect(again.progress).toMatchObject({ ordersPlaced: 0, ordersHeld: 0, ordersAlreadyThere: 1 });
  });

  it('refuses what it cannot take with a 4xx, keeping no file and no import', async () => {
    const channel = await createFileChannel((o) => t().request(o), 'refused');
    const csv = readFileSync(FIRST_300);
    const before = uploads().length;
    expectProblem(await upload('0190a0a0-0000-7000-8000-000000000000', csv, 'text/csv'), 404);
    expectProblem(await upload(channel, csv, 'application/json'), 415);
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/channels/${channel}/imports?mapping=%7Bnope`,
        headers: { 'content-type': 'text/csv' },
        payload: csv,
      }),
      400,
    );
    const noColumn = await upload(channel, 'a,b\n1,2\n', 'text/csv');
    expect(expectProblem(noColumn, 422).errors[0].message).toMatch(/no column "InvoiceNo"/);
    expectProblem(
      await upload(channel, gzipSync(csv).subarray(0, 2000), 'application/gzip', '&format=csv'),
      422,
    );
    expectProblem(await upload(channel, csv, 'application/gzip'), 400);
    const config = t().app.services.config;
    const limit = config.importMaxBytes;
    config.importMaxBytes = 4096;
    try {
      expectProblem(await upload(channel, csv, 'text/csv'), 413);
    } finally {
      config.importMaxBytes = limit;
    }
    expect(uploads()).toHaveLength(before);
    const imports = await t()
      .db.selectFrom('channel_imports')
      .select('id')
      .where('channel_id', '=', channel)
      .execute();
    expect(imports).toEqual([]);
  });
});

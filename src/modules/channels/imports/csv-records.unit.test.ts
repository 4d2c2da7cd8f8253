import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CsvItem, CsvRecords, MAX_RECORD_CHARS } from './csv-records.js';

/** All records of a text given in chunks of `size` characters (every boundary a chunk can fall on). */
function read(text: string, size = text.length || 1): CsvItem[] {
  const csv = new CsvRecords();
  const out: CsvItem[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...csv.push(text.slice(i, i + size)));
  out.push(...csv.end());
  return out;
}

const HEADER = 'id,sku,title\n';

describe('CSV records', () => {
  it('reads plain, quoted, escaped and multi-line fields at the line each record ends on, chunked anyhow', () => {
    const text = `\ufeff${HEADER}1,A,plain\r\n\n2,B,"comma, inside"\n3,C,"say ""hi"""\n4,D,"two\nlines"\n5,E,last`;
    const expected = [
      { line: 2, record: { id: '1', sku: 'A', title: 'plain' } },
      { line: 4, record: { id: '2', sku: 'B', title: 'comma, inside' } },
      { line: 5, record: { id: '3', sku: 'C', title: 'say "hi"' } },
      { line: 7, record: { id: '4', sku: 'D', title: 'two\nlines' } },
      { line: 8, record: { id: '5', sku: 'E', title: 'last' } },
    ];
    for (const size of [1, 2, 3, 5, 7, 11, 64, text.length]) expect(read(text, size)).toEqual(expected);
  });

  it('takes a stray quote as text: it costs its field, not the records after it', () => {
    const text = `${HEADER}1,A,"BROKEN "QUOTE"\n2,B"x,y\n3,C,ok\n`;
    for (const size of [1, 4, text.length])
      expect(read(text, size)).toEqual([
        { line: 2, record: { id: '1', sku: 'A', title: '"BROKEN "QUOTE"' } },
        { line: 3, record: { id: '2', sku: 'B"x', title: 'y' } },
        { line: 4, record: { id: '3', sku: 'C', title: 'ok' } },
      ]);
  });

  it('calls a record with too few or too many fields, or a quote never closed, broken at its line and reads on', () => {
    const text = `${HEADER}1,A\n2,B,c,d\n3,C,"never closed\n4,D,ok\n`;
    for (const size of [1, 3, text.length])
      expect(read(text, size)).toEqual([
        { line: 2, broken: true },
        { line: 3, broken: true },
        { line: 4, broken: true },
        { line: 5, record: { id: '4', sku: 'D', title: 'ok' } },
      ]);
  });

  it('calls a record past the size limit broken instead of holding the file', () => {
    const long = 'x'.repeat(MAX_RECORD_CHARS + 10);
    expect(read(`${HEADER}1,A,${long}\n2,B,ok\n`, 4096)).toEqual([
      { line: 2, broken: true },
      { line: 3, record: { id: '2', sku: 'B', title: 'ok' } },
    ]);
    expect(read(`${HEADER}1,A,"${long}\n2,B,ok\n`, 4096)).toEqual([
      { line: 2, broken: true },
      { line: 3, record: { id: '2', sku: 'B', title: 'ok' } },
    ]);
  });

  it('reads the UCI sample as csv-parse did: the same records at the same lines', () => {
    const text = readFileSync('test/fixtures/uci-online-retail.first300.csv', 'utf8');
    const items = read(text, 1000);
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    expect(items).toHaveLength(lines.length - 1);
    expect(items.every((i) => i.record && Object.keys(i.record).length === 8)).toBe(true);
    // A description with a comma inside quotes stays one field.
    const quoted = items.find((i) => i.record?.Description?.includes(','));
    if (quoted) expect(quoted.record!.Country).not.toBe('');
    expect(items.at(-1)!.line).toBe(lines.length);
  });
});

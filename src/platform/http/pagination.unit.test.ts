import { describe, expect, it } from 'vitest';
import { decodeCursor, IdCursor, pageOf } from './pagination.js';

describe('pageOf', () => {
  const rows = ['01936f1e-0000-7000-8000-000000000001', '01936f1e-0000-7000-8000-000000000002'].map((id) => ({
    id,
  }));

  it('serves `limit` rows and, when one more was read, the cursor of the last row served', () => {
    const page = pageOf(
      rows,
      1,
      (r) => r.id.slice(-1),
      (last) => [last.id],
    );
    expect(page.data).toEqual(['1']);
    // the format the hand-rolled lists gave out: base64url of the JSON keyset values
    expect(page.nextCursor).toBe(Buffer.from(JSON.stringify([rows[0]!.id])).toString('base64url'));
    expect(decodeCursor(page.nextCursor!, IdCursor)).toEqual([rows[0]!.id]);
  });

  it('gives no cursor on the last page', () => {
    expect(
      pageOf(
        rows,
        2,
        (r) => r.id,
        (last) => [last.id],
      ).nextCursor,
    ).toBeNull();
    expect(
      pageOf(
        [],
        2,
        (r: { id: string }) => r.id,
        (last) => [last.id],
      ),
    ).toEqual({
      data: [],
      nextCursor: null,
    });
  });
});

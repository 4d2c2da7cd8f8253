import { describe, expect, it } from 'vitest';
import type { BuyInput } from './campaigns.schemas.js';
import { IntakeQueue } from './intake-queue.js';

const input = {} as BuyInput;

describe('intake queue', () => {
  it('refuses places past its bound and frees them as jobs finish', async () => {
    const release: Array<() => void> = [];
    const handled: string[] = [];
    const queue = new IntakeQueue(
      3,
      (ticket) =>
        new Promise<void>((resolve) => {
          handled.push(ticket);
          release.push(resolve);
        }),
      1,
    );
    expect([queue.reserveSlot(), queue.reserveSlot(), queue.reserveSlot(), queue.reserveSlot()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    queue.push('a', 'c', input, false);
    queue.push('b', 'c', input, false);
    queue.releaseSlot(); // the third buyer was refused after all
    expect(queue.depth()).toBe(2);
    expect(handled).toEqual(['a']); // one at a time
    release.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(handled).toEqual(['a', 'b']);
    expect(queue.reserveSlot()).toBe(true);
    queue.releaseSlot();
    release.shift()!();
    await queue.drained();
    expect(queue.depth()).toBe(0);
  });
});

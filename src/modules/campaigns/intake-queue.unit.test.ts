import { describe, expect, it } from 'vitest';
import { IntakeQueue } from './intake-queue.js';

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
    expect([queue.reserve(), queue.reserve(), queue.reserve(), queue.reserve()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    await queue.submit('a');
    await queue.submit('b');
    queue.release(); // the third buyer was refused after all
    expect(await queue.depth()).toBe(2);
    expect(handled).toEqual(['a']); // one at a time
    release.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(handled).toEqual(['a', 'b']);
    expect(queue.reserve()).toBe(true);
    queue.release();
    release.shift()!();
    await queue.close();
    expect(await queue.depth()).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { serverProcess } from './server-memory.js';

describe('the server process for memory (bin/ordersync.js)', () => {
  it('caps the old generation when ORDERSYNC_MAX_HEAP_MB is set; on PostgreSQL nothing else', () => {
    expect(serverProcess({ DATABASE_URL: 'postgres://x/y', ORDERSYNC_MAX_HEAP_MB: '160' })).toEqual({
      nodeArgs: ['--max-old-space-size=160'],
      env: {},
    });
    expect(serverProcess({ DATABASE_URL: 'postgres://x/y', ORDERSYNC_MAX_HEAP_MB: '0' }).nodeArgs).toEqual(
      [],
    );
  });

  it('on embedded PGlite, small young generations and two malloc arenas, unless already set', () => {
    expect(serverProcess({})).toEqual({
      nodeArgs: ['--max-semi-space-size=1'],
      env: { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '32768' },
    });
    expect(
      serverProcess({
        NODE_OPTIONS: '--max-semi-space-size=16',
        MALLOC_ARENA_MAX: '8',
        MALLOC_MMAP_THRESHOLD_: '',
      }),
    ).toEqual({ nodeArgs: [], env: {} });
  });
});

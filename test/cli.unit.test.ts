import { describe, expect, it } from 'vitest';
import { ordersync } from './helpers/cli.js';

describe('the ordersync command line', () => {
  it('prints its usage to stdout and exits 0 when asked for help', async () => {
    const runs = await Promise.all(['--help', '-h', 'help'].map((flag) => ordersync([flag])));
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^usage: ordersync <command>/);
      expect(run.stdout).toContain('worker');
      expect(run.stderr).toBe('');
    }
  });

  it('names an unknown command, and fails', async () => {
    const run = await ordersync(['strat']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ordersync: unknown command "strat"\n/);
    expect(run.stderr).toContain('usage: ordersync <command>');
    expect(run.stdout).toBe('');
  });

  it('answers help even when the configuration is bad', async () => {
    const run = await ordersync(['--help'], { PORT: 'not-a-port' });
    expect(run.code).toBe(0);
  });
});

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import { notificationsModule } from './index.js';

const depsOf = (env: NodeJS.ProcessEnv) =>
  ({ config: loadConfig(env), db: {} as Db, log: pino({ level: 'silent' }) }) as unknown as Parameters<
    typeof notificationsModule.jobs
  >[0];

const consumerNames = (env: NodeJS.ProcessEnv) =>
  notificationsModule.consumes(depsOf(env)).map((c) => c.name);
const jobNames = (env: NodeJS.ProcessEnv) => notificationsModule.jobs(depsOf(env)).map((j) => j.name);

describe('switching notifications', () => {
  it('makes and sends them by default, in a process that runs the relay', () => {
    expect(consumerNames({})).toEqual(['notifications']);
    expect(jobNames({})).toEqual(['payment reminders', 'send notifications']);
    expect(notificationsModule.worker(depsOf({}))).toBeDefined();
  });

  it('NOTIFICATIONS_ENABLED=false: no consumer, no sending, no reminders', () => {
    const off = { NOTIFICATIONS_ENABLED: 'false' };
    expect(consumerNames(off)).toEqual([]);
    expect(jobNames(off)).toEqual([]);
    expect(notificationsModule.worker(depsOf(off))).toBeUndefined();
    expect(() => loadConfig({ NOTIFICATIONS_ENABLED: 'no' })).toThrow(
      /NOTIFICATIONS_ENABLED: expected true or false/,
    );
  });

  it('an API process beside workers (RELAY_IN_PROCESS=false) reminds but leaves sending to them', () => {
    expect(jobNames({ RELAY_IN_PROCESS: 'false' })).toEqual(['payment reminders']);
  });
});

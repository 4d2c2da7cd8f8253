import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('intake configuration', () => {
  it('queues in RabbitMQ once AMQP_URL is set, in the process otherwise', () => {
    expect(loadConfig({}).intake).toBe('memory');
    const amqp = loadConfig({ AMQP_URL: 'amqp://127.0.0.1' });
    expect(amqp).toMatchObject({ intake: 'amqp', intakeAmqpQueue: 'ordersync.campaign-intake' });
    expect(loadConfig({ AMQP_URL: 'amqp://127.0.0.1', INTAKE: 'memory' }).intake).toBe('memory');
  });

  it('refuses an amqp intake without RabbitMQ, and unknown values', () => {
    expect(() => loadConfig({ INTAKE: 'amqp' })).toThrow(ConfigError);
    expect(() => loadConfig({ INTAKE: 'kafka' })).toThrow(/INTAKE: expected memory or amqp/);
    expect(() => loadConfig({ AMQP_URL: 'amqp://x', AMQP_INTAKE_QUEUE: 'a b' })).toThrow(/AMQP_INTAKE_QUEUE/);
  });
});

describe('API processes', () => {
  it('runs one by default, several only on PostgreSQL', () => {
    expect(loadConfig({}).apiProcesses).toBe(1);
    expect(loadConfig({ API_PROCESSES: '2', DATABASE_URL: 'postgres://x/db' }).apiProcesses).toBe(2);
    expect(() => loadConfig({ API_PROCESSES: '2' })).toThrow(
      /API_PROCESSES: more than one process needs DATABASE_URL/,
    );
    expect(() => loadConfig({ API_PROCESSES: '0', DATABASE_URL: 'postgres://x/db' })).toThrow(
      /API_PROCESSES/,
    );
  });
});

describe('WEBHOOK_ALLOWED_HOSTS', () => {
  it('allows nothing but public addresses by default, and takes names, addresses and CIDR ranges', () => {
    expect(loadConfig({}).sync.webhookAllowedHosts).toEqual([]);
    expect(
      loadConfig({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.0/8, ::1,hooks.internal' }).sync.webhookAllowedHosts,
    ).toEqual(['127.0.0.0/8', '::1', 'hooks.internal']);
    expect(() => loadConfig({ WEBHOOK_ALLOWED_HOSTS: '10.0.0.0/99,http://x' })).toThrow(
      /WEBHOOK_ALLOWED_HOSTS: "10.0.0.0\/99", "http:\/\/x" is not/,
    );
  });
});

describe('PGLITE_SETTINGS', () => {
  it('adds name=value settings to the embedded database, none by default', () => {
    expect(loadConfig({}).pgliteSettings).toEqual([]);
    expect(loadConfig({ PGLITE_SETTINGS: 'shared_buffers=64MB, work_mem=4MB' }).pgliteSettings).toEqual([
      'shared_buffers=64MB',
      'work_mem=4MB',
    ]);
  });

  it('refuses anything but name=value, so nothing else reaches the command line', () => {
    expect(() => loadConfig({ PGLITE_SETTINGS: 'shared_buffers 64MB' })).toThrow(/PGLITE_SETTINGS/);
    expect(() => loadConfig({ PGLITE_SETTINGS: 'work_mem=4MB -D /tmp' })).toThrow(/PGLITE_SETTINGS/);
  });
});

describe('IMPORT_BATCH_LINES', () => {
  it('writes 5,000 lines a transaction on PostgreSQL and 1,000 on embedded PGlite, unless told', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://127.0.0.1/x' }).importBatchLines).toBe(5000);
    expect(loadConfig({}).importBatchLines).toBe(1000);
    expect(loadConfig({ IMPORT_BATCH_LINES: '2500' }).importBatchLines).toBe(2500);
    expect(() => loadConfig({ IMPORT_BATCH_LINES: '0' })).toThrow(/IMPORT_BATCH_LINES/);
  });
});

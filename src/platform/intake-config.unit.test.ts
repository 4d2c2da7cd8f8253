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

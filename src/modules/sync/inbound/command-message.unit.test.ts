import { describe, expect, it } from 'vitest';
import { toInboundMessage } from './command-consumer.js';

const message = (content: unknown, properties: Record<string, unknown>) =>
  ({
    content: Buffer.from(typeof content === 'string' ? content : JSON.stringify(content)),
    properties,
  }) as never;

describe('reading an inbound command', () => {
  it('takes the CloudEvents AMQP binding (binary) headers first', () => {
    expect(
      toInboundMessage(
        message(
          { sku: 'A' },
          {
            headers: {
              'cloudEvents:id': 'm-1',
              'cloudEvents:type': 'inventory.stock_counted',
              'cloudEvents:source': '/wms/sh',
            },
          },
        ),
      ),
    ).toEqual({
      messageId: 'm-1',
      type: 'inventory.stock_counted',
      source: '/wms/sh',
      payload: { sku: 'A' },
    });
  });

  it('takes structured CloudEvents JSON', () => {
    const e = {
      specversion: '1.0',
      id: 'm-2',
      source: '/wms/bj',
      type: 'inventory.stock_counted',
      data: { sku: 'B' },
    };
    expect(toInboundMessage(message(e, { contentType: 'application/cloudevents+json' }))).toEqual({
      messageId: 'm-2',
      source: '/wms/bj',
      type: 'inventory.stock_counted',
      payload: { sku: 'B' },
    });
  });

  it('takes plain AMQP properties, and refuses what cannot be deduplicated or read', () => {
    expect(toInboundMessage(message({}, { messageId: 'm-3', type: 't', appId: 'wms' }))).toMatchObject({
      source: 'wms',
    });
    expect(toInboundMessage(message({}, { type: 't' }))).toMatch(/no message id/);
    expect(toInboundMessage(message({}, { messageId: 'm-4' }))).toMatch(/no command type/);
    expect(toInboundMessage(message('not json', { messageId: 'm-5', type: 't' }))).toMatch(/not JSON/);
  });
});

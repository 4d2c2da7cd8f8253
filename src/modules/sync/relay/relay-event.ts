import type { CloudEvent } from '../events.schemas.js';

/**
 * An event as the relay carries it: the CloudEvents attributes, and the data still as the JSON text
 * the database holds (`data::text`). Transports splice that text into what they send, so a relay does
 * not parse and re-serialize every payload.
 */
export interface RelayEvent {
  id: string;
  source: string;
  type: string;
  subject: string;
  sequence: number;
  time: Date;
  dataJson: string;
}

export type CloudEventAttributes = Omit<CloudEvent, 'data'>;

export const cloudEventAttributes = (e: RelayEvent): CloudEventAttributes => ({
  specversion: '1.0',
  id: e.id,
  source: e.source,
  type: e.type,
  subject: e.subject,
  time: e.time.toISOString(),
  sequence: Number(e.sequence),
  datacontenttype: 'application/json',
});

/** The structured-mode CloudEvent JSON (webhooks, NATS): the attributes, then `"data": <the stored JSON>`. */
export function structuredCloudEvent(e: RelayEvent): string {
  const attributes = JSON.stringify(cloudEventAttributes(e));
  return `${attributes.slice(0, -1)},"data":${e.dataJson}}`;
}

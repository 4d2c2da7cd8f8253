import type { CloudEvent } from './events.schemas.js';

/** The columns of an outbox row that make a CloudEvent, besides its data. */
export interface EventAttributes {
  id: string;
  source: string;
  type: string;
  subject: string;
  sequence: number;
  time: Date;
}

/** An outbox row with its data parsed: what the feed serves. */
export interface EventRow extends EventAttributes {
  data: unknown;
}

/**
 * An event as the relay carries it: the data still as the JSON text the database holds
 * (`data::text`). Transports splice that text into what they send, so a relay does not parse and
 * re-serialize every payload.
 */
export interface RelayEvent extends EventAttributes {
  dataJson: string;
}

export type CloudEventAttributes = Omit<CloudEvent, 'data'>;

/** The CloudEvents 1.0 attributes of an event: the one place they are spelled out. */
export const cloudEventAttributes = (e: EventAttributes): CloudEventAttributes => ({
  specversion: '1.0',
  id: e.id,
  source: e.source,
  type: e.type,
  subject: e.subject,
  time: e.time.toISOString(),
  sequence: Number(e.sequence),
  datacontenttype: 'application/json',
});

/** An outbox row as a CloudEvents 1.0 event (the feed, `GET /v1/events`). */
export const toCloudEvent = (row: EventRow): CloudEvent => ({ ...cloudEventAttributes(row), data: row.data });

/** The structured-mode CloudEvent JSON (webhooks, NATS): the attributes, then `"data": <the stored JSON>`. */
export function structuredCloudEvent(e: RelayEvent): string {
  const attributes = JSON.stringify(cloudEventAttributes(e));
  return `${attributes.slice(0, -1)},"data":${e.dataJson}}`;
}

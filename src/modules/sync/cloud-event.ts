import type { CloudEvent } from './events.schemas.js';

/** The columns of an outbox row that make a CloudEvent. */
export interface EventRow {
  id: string;
  source: string;
  type: string;
  subject: string;
  sequence: number;
  time: Date;
  data: unknown;
}

/** An outbox row as a CloudEvents 1.0 event: what the feed serves and every transport carries. */
export function toCloudEvent(row: EventRow): CloudEvent {
  return {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    subject: row.subject,
    time: row.time.toISOString(),
    sequence: row.sequence,
    datacontenttype: 'application/json',
    data: row.data,
  };
}

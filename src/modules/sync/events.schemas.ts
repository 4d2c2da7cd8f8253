import { type Static, Type } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';

export const CloudEvent = Type.Object({
  specversion: Type.Literal('1.0'),
  id: Type.String(),
  source: Type.String(),
  type: Type.String(),
  subject: Type.String(),
  time: Type.String({ format: 'date-time' }),
  sequence: Type.Integer({ description: 'Per-subject (per-order), gap-free, starting at 1' }),
  datacontenttype: Type.Literal('application/json'),
  data: Type.Unknown(),
});
export type CloudEvent = Static<typeof CloudEvent>;

export const EventFeedQuery = Type.Object({
  after: Type.Optional(
    Type.String({ pattern: UUID_PATTERN, description: 'The id of the last event you have' }),
  ),
  subject: Type.Optional(Type.String({ maxLength: 200 })),
  type: Type.Optional(
    Type.String({ maxLength: 200, description: 'Full type, e.g. com.ordersync.order.placed' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});

export const EventFeed = Type.Object({
  data: Type.Array(CloudEvent),
  next: Type.Union([Type.String(), Type.Null()], { description: 'Pass as ?after= to continue' }),
});

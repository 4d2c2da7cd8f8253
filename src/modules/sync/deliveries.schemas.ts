import { type Static, Type } from 'typebox';
import { Page, PageQuery } from '../../platform/http/pagination.js';
import { DateTime, StringEnum, Uuid } from '../../platform/schemas.js';
import { DELIVERY_STATUSES } from './sync.tables.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const Delivery = Type.Object({
  id: Type.String(),
  subscriptionId: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  subject: Type.String(),
  sequence: Type.Integer(),
  status: StringEnum(DELIVERY_STATUSES, { description: 'pending (incl. waiting to retry), delivered, dead' }),
  attempts: Type.Integer(),
  // null when delivered, dead, or parked (its subscription paused or disabled)
  nextAttemptAt: Nullable(DateTime()),
  lastError: Nullable(Type.String()),
  lastResponseStatus: Nullable(Type.Integer()),
  createdAt: DateTime(),
  deliveredAt: Nullable(DateTime()),
});
export type Delivery = Static<typeof Delivery>;

export const DeliveryListQuery = Type.Object({
  status: Type.Optional(StringEnum(DELIVERY_STATUSES)),
  subscription: Type.Optional(Uuid()),
  subject: Type.Optional(Type.String({ maxLength: 200, description: 'An order id' })),
  ...PageQuery,
});
export type DeliveryListQuery = Static<typeof DeliveryListQuery>;
export const DeliveryPage = Page(Delivery);
export const DeliveryParams = Type.Object({ id: Uuid() });

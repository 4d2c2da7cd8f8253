import { type Static, Type } from 'typebox';
import { DateTime, StringEnum, Uuid } from '../../platform/schemas.js';
import { CARRIER_CODES } from './carriers.js';
import { SHIPMENT_STATUSES, TRACKING_STATUSES } from './shipment-state.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const Shipment = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  kind: StringEnum(['order', 'replacement'] as const),
  returnId: Nullable(Type.String()),
  status: StringEnum(SHIPMENT_STATUSES),
  warehouse: Type.String(),
  shipTo: Type.String(),
  carrier: Nullable(Type.String()),
  trackingNumber: Nullable(Type.String()),
  lines: Type.Array(Type.Object({ lineId: Type.String(), sku: Type.String(), quantity: Type.Integer() })),
  tracking: Type.Array(
    Type.Object({
      time: DateTime(),
      status: StringEnum(TRACKING_STATUSES),
      description: Type.String(),
      location: Nullable(Type.String()),
    }),
  ),
  createdAt: DateTime(),
  shippedAt: Nullable(DateTime()),
  deliveredAt: Nullable(DateTime()),
});
export type Shipment = Static<typeof Shipment>;

export const CreateShipmentBody = Type.Object(
  {
    warehouse: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Warehouse code or id holding the reservations; default: the delivery plan’s',
      }),
    ),
    carrier: Type.Optional(
      StringEnum(CARRIER_CODES, {
        description: 'The carrier it will leave with; default: the delivery plan’s',
      }),
    ),
    lineIds: Type.Optional(
      Type.Array(Uuid(), {
        minItems: 1,
        maxItems: 100,
        description: 'Order lines to ship; default: all reserved there',
      }),
    ),
    shipTo: Type.Optional(
      Type.String({ maxLength: 32, description: 'Address key, when lines go to several' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateShipmentBody = Static<typeof CreateShipmentBody>;

export const ShipBody = Type.Object(
  {
    carrier: Type.Optional(
      StringEnum(CARRIER_CODES, { description: 'Default: the one the shipment was prepared for' }),
    ),
    trackingNumber: Type.String({ minLength: 4, maxLength: 40 }),
  },
  { additionalProperties: false },
);
export type ShipBody = Static<typeof ShipBody>;

export const Carrier = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kuaidi100: Nullable(Type.String()),
  trackingNumber: Type.Object(
    {
      format: Type.String({ description: 'The format in words' }),
      pattern: Type.String({ description: 'The regular expression a number must match' }),
      ignoreCase: Type.Boolean({ description: 'Whether letters match in either case' }),
      example: Type.String(),
    },
    { description: 'What POST /v1/shipments/{id}/ship accepts as this carrier’s tracking number' },
  ),
});

export const DeliverBody = Type.Object(
  {
    reason: Type.String({
      minLength: 1,
      maxLength: 500,
      description: 'Why the shipment is marked delivered by hand (kept in the order timeline)',
    }),
    deliveredAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'When it was delivered (not in the future); default now',
      }),
    ),
  },
  { additionalProperties: false },
);
export type DeliverBody = Static<typeof DeliverBody>;

export const ShipmentIdParams = Type.Object({ id: Uuid() });
export const OrderIdParams = Type.Object({ id: Uuid() });
export const CarrierParams = Type.Object({
  carrier: StringEnum([...CARRIER_CODES, 'kuaidi100'] as const, {
    description: 'A carrier code, or kuaidi100 for its subscription pushes',
  }),
});

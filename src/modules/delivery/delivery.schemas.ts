import { type Static, Type } from 'typebox';
import { DateTime, Uuid } from '../../platform/schemas.js';

export const WarehouseParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, description: 'warehouse id or code' }),
});
export const PickListParams = Type.Object({ id: Uuid() });

export const BinLocationsBody = Type.Object(
  {
    locations: Type.Array(
      Type.Object(
        {
          sku: Type.String({ minLength: 1, maxLength: 64 }),
          location: Type.String({
            pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$',
            description: 'Bin, e.g. A-03-2 (aisle, shelf, level): pick lists walk them in natural order',
          }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
export type BinLocationsBody = Static<typeof BinLocationsBody>;

export const CreatePickListsBody = Type.Object(
  {
    day: Type.Optional(
      Type.String({
        format: 'date',
        description: 'UTC day whose prepared shipments are batched (default today)',
      }),
    ),
    maxShipments: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 500, description: 'Shipments per pick list (default 50)' }),
    ),
  },
  { additionalProperties: false },
);
export type CreatePickListsBody = Static<typeof CreatePickListsBody>;

export const PickList = Type.Object({
  id: Type.String(),
  warehouse: Type.String({ description: 'warehouse code' }),
  day: Type.String(),
  createdBy: Type.String(),
  createdAt: DateTime(),
  shipments: Type.Array(
    Type.Object({
      shipmentId: Type.String(),
      orderId: Type.String(),
      shipTo: Type.String(),
      carrier: Type.Union([Type.String(), Type.Null()], { description: 'as the delivery plan chose' }),
    }),
  ),
  lines: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      location: Type.Union([Type.String(), Type.Null()], { description: 'null: no bin known (last)' }),
      sku: Type.String(),
      quantity: Type.Integer(),
      shipments: Type.Array(Type.Object({ shipmentId: Type.String(), quantity: Type.Integer() })),
    }),
    { description: 'In walking order: by bin location, naturally (A-2 before A-10)' },
  ),
});
export type PickList = Static<typeof PickList>;

export const CarrierLane = Type.Object({
  carrier: Type.String(),
  country: Type.String(),
  province: Type.String(),
  deliveries: Type.Integer(),
  onTime: Type.Integer(),
  onTimeRate: Type.Number(),
  meanDays: Type.Number(),
});

export const DeliveryPlanSection = Type.Array(
  Type.Object({
    address: Type.String(),
    warehouses: Type.Array(Type.String()),
    carrier: Type.Union([Type.String(), Type.Null()]),
    service: Type.Union([Type.String(), Type.Null()]),
    reason: Type.String(),
  }),
);

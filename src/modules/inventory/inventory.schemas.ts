import { type Static, Type } from 'typebox';
import { Page, PageQuery } from '../../platform/http/pagination.js';

/** Reasons a person may give for changing on-hand stock. */
export const ADJUSTMENT_REASONS = ['receipt', 'count', 'damage', 'return', 'correction'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];
/** Reasons found in the history: the manual ones, plus shipments committed by fulfilment. */
export const MOVEMENT_REASONS = [...ADJUSTMENT_REASONS, 'shipment'] as const;
export type MovementReason = (typeof MOVEMENT_REASONS)[number];

const AdjustmentReasonSchema = (options: { default?: AdjustmentReason } = {}) =>
  Type.Enum(ADJUSTMENT_REASONS, options);
const MovementReasonSchema = Type.Enum(MOVEMENT_REASONS);

const Quantity = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });
const Sku = Type.String({ minLength: 1, maxLength: 100 });
const WarehouseRef = Type.String({ minLength: 1, maxLength: 64, description: 'A warehouse code or id' });
const Note = Type.String({ maxLength: 500 });

// ---- warehouses

const WarehouseCode = Type.String({
  pattern: '^[A-Z0-9-]{1,32}$',
  description: 'Upper-case letters, digits, "-"',
});
const priority = (options: { default?: number } = {}) =>
  Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Lower is preferred', ...options });
const active = (options: { default?: boolean } = {}) =>
  Type.Boolean({ description: 'Inactive warehouses are never allocated from', ...options });
const WarehouseFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
  region: Type.String({ minLength: 1, maxLength: 100, description: "Province-level name, e.g. 'Guangdong'" }),
  priority: priority(),
  active: active(),
};

export const Warehouse = Type.Object({
  id: Type.String(),
  code: Type.String(),
  ...WarehouseFields,
  createdAt: Type.String({ format: 'date-time' }),
});
export type Warehouse = Static<typeof Warehouse>;

export const CreateWarehouseBody = Type.Object(
  {
    code: WarehouseCode,
    name: WarehouseFields.name,
    country: WarehouseFields.country,
    region: WarehouseFields.region,
    priority: Type.Optional(priority({ default: 100 })),
    active: Type.Optional(active({ default: true })),
  },
  { additionalProperties: false },
);
export type CreateWarehouseBody = Static<typeof CreateWarehouseBody>;

export const UpdateWarehouseBody = Type.Object(
  {
    name: Type.Optional(WarehouseFields.name),
    country: Type.Optional(WarehouseFields.country),
    region: Type.Optional(WarehouseFields.region),
    priority: Type.Optional(WarehouseFields.priority),
    active: Type.Optional(WarehouseFields.active),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWarehouseBody = Static<typeof UpdateWarehouseBody>;

export const WarehouseParams = Type.Object({ warehouse: WarehouseRef });
export const WarehouseListQuery = Type.Object({ active: Type.Optional(Type.Boolean()), ...PageQuery });
/** Where a warehouse page ends: the last code. */
export const WarehouseCursor = Type.Tuple([Type.String({ minLength: 1, maxLength: 64 })]);
export type WarehouseListQuery = Static<typeof WarehouseListQuery>;
export const WarehousePage = Page(Warehouse);

// ---- stock levels

export const StockLevel = Type.Object({
  sku: Type.String(),
  warehouseId: Type.String(),
  warehouseCode: Type.String(),
  warehouseActive: Type.Boolean(),
  onHand: Type.Integer(),
  reserved: Type.Integer(),
  available: Type.Integer({ description: 'onHand − reserved' }),
  safetyStock: Type.Integer(),
  sellable: Type.Integer({ description: 'max(0, available − safetyStock)' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type StockLevel = Static<typeof StockLevel>;

export const StockTotal = Type.Object({
  sku: Type.String(),
  onHand: Type.Integer(),
  reserved: Type.Integer(),
  available: Type.Integer(),
  sellable: Type.Integer({ description: 'Sellable over active warehouses only: what can be ordered' }),
});
export type StockTotal = Static<typeof StockTotal>;

export const StockQuery = Type.Object({
  sku: Type.Optional(Sku),
  warehouse: Type.Optional(WarehouseRef),
  ...PageQuery,
});
export type StockQuery = Static<typeof StockQuery>;
/** Where a stock page ends: the last row's SKU and warehouse code. */
export const StockCursor = Type.Tuple([Sku, Type.String({ minLength: 1, maxLength: 64 })]);

export const StockPage = Type.Object({
  data: Type.Array(StockLevel),
  totals: Type.Array(StockTotal, {
    description: "Per SKU on this page, over all of the SKU's (filtered) warehouses",
  }),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const StockParams = Type.Object({ sku: Sku, warehouse: WarehouseRef });

export const SetStockBody = Type.Object(
  {
    onHand: Quantity,
    safetyStock: Type.Optional(Quantity),
    reason: Type.Optional(AdjustmentReasonSchema({ default: 'count' })),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);
export type SetStockBody = Static<typeof SetStockBody>;

// ---- adjustments

export const AdjustmentBody = Type.Object(
  {
    sku: Sku,
    warehouse: WarehouseRef,
    delta: Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000, description: 'Not zero' }),
    reason: AdjustmentReasonSchema(),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);
export type AdjustmentBody = Static<typeof AdjustmentBody>;

export const Adjustment = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  warehouseId: Type.String(),
  warehouseCode: Type.String(),
  delta: Type.Integer(),
  onHandAfter: Type.Integer(),
  reason: MovementReasonSchema,
  note: Type.Union([Type.String(), Type.Null()]),
  actor: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Adjustment = Static<typeof Adjustment>;

export const AdjustmentCreated = Type.Object({ ...Adjustment.properties, stock: StockLevel });

export const AdjustmentQuery = Type.Object({
  sku: Type.Optional(Sku),
  warehouse: Type.Optional(WarehouseRef),
  ...PageQuery,
});
export type AdjustmentQuery = Static<typeof AdjustmentQuery>;
export const AdjustmentPage = Page(Adjustment);

import { Type } from 'typebox';
import { type CommandHandlers, commandHandler } from '../../platform/module.js';
import { applyStockCount } from './stock-count.js';

export const StockCounted = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 100 }),
    warehouse: Type.String({ minLength: 1, maxLength: 64, description: 'Warehouse code or id' }),
    onHand: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

/** The commands inventory takes from the command queue: a WMS's stock count. */
export const inventoryCommands: CommandHandlers = {
  'inventory.stock_counted': commandHandler({
    schema: StockCounted,
    apply: (trx, data, context) => applyStockCount(trx, data, `inbox:${context.source}`),
  }),
};

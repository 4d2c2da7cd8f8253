import { type Static, type TSchema, Type } from 'typebox';
import type { Trx } from '../../../platform/db/database.js';
import { applyStockCount } from '../../inventory/index.js';

export interface CommandContext {
  source: string;
  messageId: string;
}

/** How one command type is checked and applied, inside the transaction that records it in the inbox. */
export interface CommandHandler<S extends TSchema = TSchema> {
  schema: S;
  apply(trx: Trx, data: Static<S>, context: CommandContext): Promise<unknown>;
}

export type CommandHandlers = Record<string, CommandHandler>;

/** Keeps a handler's data type tied to its schema while storing it in a plain map. */
export const commandHandler = <S extends TSchema>(handler: CommandHandler<S>): CommandHandler =>
  handler as unknown as CommandHandler;

export const StockCounted = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 100 }),
    warehouse: Type.String({ minLength: 1, maxLength: 64, description: 'Warehouse code or id' }),
    onHand: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

/**
 * The commands OrderSync takes from the command queue. More (a WMS reporting `shipment.shipped` with a
 * tracking number) are added by passing `extra`: the module that owns the change supplies its handler.
 */
export function inboundCommandHandlers(extra: CommandHandlers = {}): CommandHandlers {
  return {
    'inventory.stock_counted': commandHandler({
      schema: StockCounted,
      apply: (trx, data, context) => applyStockCount(trx, data, `inbox:${context.source}`),
    }),
    ...extra,
  };
}

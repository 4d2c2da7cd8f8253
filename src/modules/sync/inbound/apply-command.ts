import { Value } from 'typebox/value';
import type { Db } from '../../../platform/db/database.js';
import { inTransaction } from '../../../platform/db/transaction.js';
import { AppError } from '../../../platform/errors.js';
import type { CommandHandlers } from '../../../platform/module.js';
import { ownValue } from '../../../platform/own-value.js';
import { EVENT_TYPE_PREFIX } from '../event-catalogue.js';
import { type InboundMessage, recordInbound, settleInbound } from './inbox.js';

export type CommandResult = { outcome: 'applied' | 'duplicate' } | { outcome: 'rejected'; reason: string };

/**
 * Applies one inbound command once: recorded in the inbox and applied in one transaction, so a repeat of
 * the same (source, message id) finds the row and changes nothing. A command that cannot be applied (an
 * unknown type, a payload that does not fit, a change the domain refuses) is recorded as rejected, also
 * once, and not retried. Anything else (the database away) is thrown: the message stays unacknowledged
 * and comes back.
 */
export async function applyCommand(
  db: Db,
  message: InboundMessage,
  handlers: CommandHandlers,
): Promise<CommandResult> {
  const type = message.type.startsWith(EVENT_TYPE_PREFIX)
    ? message.type.slice(EVENT_TYPE_PREFIX.length)
    : message.type;
  const key = { source: message.source, messageId: message.messageId };
  try {
    return await inTransaction(db, async (trx) => {
      if (!(await recordInbound(trx, message))) return { outcome: 'duplicate' as const };
      const handler = ownValue(handlers, type);
      if (!handler) throw new AppError('unprocessable', `Unknown command type ${message.type}`);
      if (!Value.Check(handler.schema, message.payload)) {
        const problems = [...Value.Errors(handler.schema, message.payload)]
          .slice(0, 5)
          .map((e) => `${e.instancePath || '/'} ${e.message}`);
        throw new AppError('unprocessable', `The ${type} payload is not valid: ${problems.join('; ')}`);
      }
      await handler.apply(trx, message.payload, key);
      await settleInbound(trx, key, 'applied');
      return { outcome: 'applied' as const };
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const reason = error.message;
    const first = await inTransaction(db, async (trx) => {
      const isNew = await recordInbound(trx, message);
      if (isNew) await settleInbound(trx, key, 'rejected', reason);
      return isNew;
    });
    return first ? { outcome: 'rejected', reason } : { outcome: 'duplicate' };
  }
}

import type { Db } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { toProblem } from '../../platform/http/problem.js';
import type { ScheduledJob } from '../../platform/scheduler.js';
import { buyerOf, ticketRequest } from './campaign-views.js';
import { failStaleTickets } from './campaigns.repository.js';
import type { FlashGate } from './flash-gate.js';

const BATCH = 500;

/**
 * Fails tickets still `queued` after `timeoutSeconds` and gives their gate units back, so no buyer
 * polls for ever. A ticket gets there when its message never reached the intake and it could not be
 * failed at once either (RabbitMQ refused the message while the database was failing). Should its
 * message turn up after all, the worker finds the ticket handled and places nothing.
 */
export function staleTicketSweeper(
  db: Db,
  gate: FlashGate | undefined,
  timeoutSeconds: number,
): ScheduledJob {
  return {
    name: 'fail stale campaign tickets',
    async run(now) {
      const problem = toProblem(
        new AppError('service_unavailable', `Not placed within ${timeoutSeconds} s; try buying again`),
      );
      const failed = await failStaleTickets(
        db,
        new Date(now.getTime() - timeoutSeconds * 1000),
        problem,
        BATCH,
      );
      for (const t of failed) {
        const { input, gated } = ticketRequest(t);
        const { customer, quantity } = buyerOf(input);
        if (gated) await gate?.giveBack(t.campaign_id, customer, quantity);
      }
      return failed.length;
    },
  };
}

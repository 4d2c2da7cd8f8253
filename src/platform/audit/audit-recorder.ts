import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Conn, Db, Trx } from '../db/database.js';
import { newId } from '../ids.js';
import { withoutPersonalData } from '../privacy/personal-fields.js';
import { insertAuditRow } from './audit.repository.js';
import {
  type AuditActor,
  actorOf,
  currentActor,
  currentRequestId,
  registerAuditScope,
} from './audit-context.js';

export interface AuditedChange {
  /** What was done, `<resource>.<verb>`: `order.cancel`, `stock.adjust`, `api_key.revoke`. */
  action: string;
  resource: string;
  resourceId: string;
  /** The state before and after, as the service sees it (personal fields are removed). */
  before?: unknown;
  after?: unknown;
  detail?: unknown;
}

const json = (value: unknown, resource: string): string | null =>
  value === undefined ? null : JSON.stringify(withoutPersonalData(value, resource));

function actorColumns(actor: AuditActor) {
  return { actor_key_id: actor.keyId, actor_role: actor.role, actor_name: actor.name };
}

/**
 * Records a change with its before and after, in the transaction that makes it (so both commit or
 * neither). Who and which request come from the request this runs in; outside one, the system.
 */
export async function recordChange(trx: Trx, change: AuditedChange): Promise<void> {
  await insertAuditRow(trx, {
    id: newId(),
    kind: 'change',
    ...actorColumns(currentActor()),
    request_id: currentRequestId(),
    action: change.action,
    resource: change.resource,
    resource_id: change.resourceId,
    outcome: null,
    before: json(change.before, change.resource),
    after: json(change.after, change.resource),
    detail: json(change.detail, change.resource),
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * false: the route's requests are not request-audited. For the sandbox's pay, which stands in for a
     * provider's callback (the callback itself is kept once per message in payment_callbacks).
     */
    audit?: boolean;
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Whose writes are administrative: every role but the storefront's. A shopper's cart, checkout and
 * payment intent through a storefront key are the shop's traffic, not an operator's action (issue
 * #17's list: catalog, prices, stock, refunds, cancellations, roles and keys, subscriptions, channels,
 * data requests, PII views); the orders they make keep their own timeline and events.
 */
const audited = (request: FastifyRequest): boolean =>
  request.principal !== null &&
  request.principal.role !== 'storefront' &&
  WRITES.has(request.method) &&
  request.routeOptions.config.audit !== false;

/** The resource of a route: `/v1/orders/:id/cancel` → `orders`. */
const resourceOf = (route: string): string => route.split('/')[2] ?? route;

async function recordRequest(conn: Conn, request: FastifyRequest, status: number): Promise<void> {
  const route = request.routeOptions.url ?? request.url;
  const params = (request.params ?? {}) as Record<string, unknown>;
  const firstParam = Object.values(params)[0];
  await insertAuditRow(conn, {
    id: newId(),
    kind: 'request',
    ...actorColumns(actorOf(request)),
    request_id: request.id,
    action: `${request.method} ${route}`,
    resource: resourceOf(route),
    resource_id: typeof firstParam === 'string' ? firstParam : null,
    outcome: status,
    before: null,
    after: null,
    detail: json(
      { params, query: request.query ?? undefined, body: request.body ?? undefined },
      resourceOf(route),
    ),
  });
}

/**
 * Audits every administrative write (see `audited`): a request record (route, parameters, body without personal
 * data or secrets, caller, request id, status) once the answer is sent, beside the change records
 * services write in their own transactions (`recordChange`). The request record is written after the
 * reply, not inside the command's transaction (a route may run several, or none); a process that dies
 * in between loses the request record but never a change record.
 */
export function registerAudit(app: FastifyInstance, db: Db): void {
  registerAuditScope(app);
  app.addHook('onResponse', async (request, reply) => {
    if (!audited(request)) return;
    try {
      await recordRequest(db, request, reply.statusCode);
    } catch (error) {
      request.log.error({ err: error }, 'audit record not written');
    }
  });
}

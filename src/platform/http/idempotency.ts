import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/database.js';
import { AppError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null;
  }
}

const WAIT_FOR_FIRST_MS = 15_000;
const POLL_MS = 20;

const requestHash = (request: FastifyRequest): string =>
  createHash('sha256')
    .update(
      `${request.method} ${request.routeOptions.url}\n${request.url}\n${JSON.stringify(request.body ?? null)}`,
    )
    .digest('hex');

/**
 * `Idempotency-Key` on POST: the first request with a key claims it and its response is stored; a
 * repeat with the same body gets that stored response, with another body a 422. Repeats that arrive
 * while the first is still running wait for it. 5xx answers are not stored, so a retry runs again.
 */
export function registerIdempotency(app: FastifyInstance, db: Db): void {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof key !== 'string' || !request.routeOptions.url) return;
    if (key.length < 1 || key.length > 255) {
      throw new AppError('validation_failed', 'Idempotency-Key must be 1 to 255 characters', {
        errors: [{ field: 'headers.idempotency-key', message: 'must be 1 to 255 characters' }],
      });
    }
    const scope = request.principal?.keyId ?? `ip:${request.ip}`;
    const hash = requestHash(request);
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const claimed = await db
        .insertInto('idempotency_keys')
        .values({ scope, key, request_hash: hash })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (claimed) {
        request.idempotency = { scope, key };
        return;
      }
      const row = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('scope', '=', scope)
        .where('key', '=', key)
        .executeTakeFirst();
      // Gone: the first attempt ended in a 5xx and let the key go, so claim it again.
      if (!row) continue;
      if (row.request_hash !== hash) {
        throw new AppError(
          'idempotency_key_reused',
          'This Idempotency-Key was used with a different request',
        );
      }
      if (row.state === 'done') {
        return reply
          .status(row.response_status ?? 200)
          .header('idempotent-replayed', 'true')
          .type(row.response_content_type ?? 'application/json')
          .send(row.response_body);
      }
      if (Date.now() > deadline) {
        throw new AppError(
          'idempotency_in_progress',
          'A request with this Idempotency-Key is still being processed',
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = null;
    if (reply.statusCode >= 500) {
      await db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', claim.scope)
        .where('key', '=', claim.key)
        .execute();
    } else {
      await db
        .updateTable('idempotency_keys')
        .set({
          state: 'done',
          response_status: reply.statusCode,
          response_body: typeof payload === 'string' ? payload : JSON.stringify(payload ?? null),
          response_content_type: String(reply.getHeader('content-type') ?? 'application/json'),
          updated_at: new Date(),
        })
        .where('scope', '=', claim.scope)
        .where('key', '=', claim.key)
        .execute();
    }
    return payload;
  });
}

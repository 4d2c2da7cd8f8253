import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RawBuilder } from 'kysely';
import type { Db } from '../db/database.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import {
  CLAIM_LOST,
  claimKey,
  committedWrites,
  findKey,
  type KeyClaim,
  releaseKey,
  storeResponse,
  takeOverKey,
} from './idempotency-keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: KeyClaim | null;
  }
  interface FastifyContextConfig {
    idempotency?: {
      /**
       * The answer for what a first attempt committed (see `committedWrites`) when its own answer was
       * never stored: its process died between commit and reply.
       */
      recover?: (resource: string) => Promise<{ status: number; body: unknown }>;
      /**
       * Fields of the answer that are secrets (a new API key, a signing secret): never stored, so a
       * repeat gets a 409 naming what was created instead of the secret again.
       */
      secretFields?: readonly string[];
      /**
       * Issues the secret fields anew for a repeat of a request that succeeded (an order's access
       * token), given what it created: the repeat gets the stored answer with these instead of a 409.
       */
      reissue?: (resource: string) => Promise<Record<string, unknown>>;
    };
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

const withoutFields = (body: string, fields: readonly string[]): string => {
  const value = JSON.parse(body) as Record<string, unknown>;
  for (const f of fields) delete value[f];
  return JSON.stringify(value);
};

/**
 * `Idempotency-Key` on POST: the first request with a key claims it and its response is stored; a
 * repeat with the same body gets that stored response, with another body a 422. Repeats that arrive
 * while the first is still running wait for it. 5xx answers are not stored, so a retry runs again.
 *
 * A claim is a lease (`leaseSeconds`): when its attempt died (SIGKILL, a lost host) the key is not
 * stuck. A command that records its key in its own statement (`idempotentCommit`, as placing an order
 * does) tells a retry whether it committed: if it did, the retry gets what it made (`recover`); if not,
 * the retry takes the key over and runs again, and the old attempt, should it still be running, can no
 * longer commit. Other commands run again after the lease, refused by their own state checks if they
 * had committed. Secret fields are never stored (`secretFields`).
 */
export function registerIdempotency(app: FastifyInstance, db: Db, options: { leaseSeconds: number }): void {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof key !== 'string' || !request.routeOptions.url) return;
    if (key.length < 1 || key.length > 255) {
      throw new AppError('validation_failed', 'Idempotency-Key must be 1 to 255 characters', {
        errors: [{ field: 'headers.idempotency-key', message: 'must be 1 to 255 characters' }],
      });
    }
    const mine: KeyClaim = { scope: request.principal?.keyId ?? `ip:${request.ip}`, key, claim: newId() };
    const hash = requestHash(request);
    const config = request.routeOptions.config.idempotency;
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      if (await claimKey(db, mine, hash, options.leaseSeconds)) {
        request.idempotency = mine;
        return;
      }
      const row = await findKey(db, mine.scope, key);
      // Gone: the first attempt ended in a 5xx and let the key go, so claim it again.
      if (!row) continue;
      if (row.request_hash !== hash) {
        throw new AppError(
          'idempotency_key_reused',
          'This Idempotency-Key was used with a different request',
        );
      }
      if (row.state === 'done') {
        const status = row.response_status ?? 200;
        if (config?.secretFields && status < 300) {
          if (config.reissue && row.resource !== null && row.response_body) {
            const fresh = await config.reissue(row.resource);
            return reply
              .status(status)
              .header('idempotent-replayed', 'true')
              .send({ ...(JSON.parse(row.response_body) as object), ...fresh });
          }
          throw new AppError(
            'conflict',
            'The request with this Idempotency-Key succeeded already; the secret it returned is shown only once and is not kept (revoke or rotate it if it was lost)',
            { created: row.response_body ? JSON.parse(row.response_body) : null },
          );
        }
        return reply
          .status(status)
          .header('idempotent-replayed', 'true')
          .type(row.response_content_type ?? 'application/json')
          .send(row.response_body);
      }
      if (row.resource !== null && config?.recover) {
        const recovered = await config.recover(row.resource);
        return reply.status(recovered.status).header('idempotent-replayed', 'true').send(recovered.body);
      }
      if (row.resource === null && (await takeOverKey(db, mine, options.leaseSeconds))) {
        request.idempotency = mine;
        return;
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
      await releaseKey(db, claim);
    } else {
      const body = typeof payload === 'string' ? payload : JSON.stringify(payload ?? null);
      const secretFields = request.routeOptions.config.idempotency?.secretFields;
      await storeResponse(db, claim, {
        status: reply.statusCode,
        body: secretFields && reply.statusCode < 300 ? withoutFields(body, secretFields) : body,
        contentType: String(reply.getHeader('content-type') ?? 'application/json'),
      });
    }
    return payload;
  });
}

/**
 * The writes that tie a command's statement to this request's Idempotency-Key (none without one):
 * `resource` is what the statement creates, e.g. `(select id from o)`.
 */
export function idempotentCommit(
  request: FastifyRequest,
  resource: RawBuilder<unknown>,
): { ctes: RawBuilder<unknown>; check: RawBuilder<boolean> } | undefined {
  return request.idempotency ? committedWrites(request.idempotency, resource) : undefined;
}

/** The command's statement was refused because a retry took its key over: this attempt lost. */
export function claimLost(error: unknown): AppError | undefined {
  const e = error as { code?: string; message?: string };
  if (e.code !== 'P0001' || e.message !== CLAIM_LOST) return undefined;
  return new AppError(
    'idempotency_in_progress',
    'This request took longer than its Idempotency-Key lease and a retry took the key over; that retry decides',
  );
}

import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Who did it, as the audit trail records it. */
export interface AuditActor {
  keyId: string | null;
  role: string;
  name: string | null;
}

interface RequestScope {
  request: FastifyRequest;
}

const scope = new AsyncLocalStorage<RequestScope>();

/** Work done outside any request: scheduled jobs, consumers, the CLI. */
export const SYSTEM_ACTOR: AuditActor = { keyId: null, role: 'system', name: null };

/**
 * Puts each request in an async scope, so a service deep inside it can record who asked without the
 * principal being passed down every call (as @fastify/request-context does: `run` around `done`).
 */
export function registerAuditScope(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    scope.run({ request }, done);
  });
}

/** The caller of the request this code runs in, or the system. */
export function currentActor(): AuditActor {
  const request = scope.getStore()?.request;
  return request ? actorOf(request) : SYSTEM_ACTOR;
}

/** The caller of a request, or the system for one without an API key. */
export function actorOf(request: FastifyRequest): AuditActor {
  const principal = request.principal;
  return principal ? { keyId: principal.keyId, role: principal.role, name: principal.name } : SYSTEM_ACTOR;
}

export const currentRequestId = (): string | null => scope.getStore()?.request.id ?? null;

import type { FastifyInstance, RouteOptions } from 'fastify';
import { ROLES, type Role } from './roles.js';
import { allowedRoles } from './route-roles.js';

/**
 * Which `/v1` operations each role may call, learnt from the routes as they register (through
 * `allowedRoles`, the reading the auth hook enforces), so a client can show only what will work.
 * Operations read as in the OpenAPI document: `POST /v1/payments/{id}/refunds`.
 */
export class RoleOperations {
  readonly #byRole = new Map<Role, Set<string>>(ROLES.map((r) => [r, new Set<string>()]));

  /** Listens for routes; call before the routes register. */
  static collect(app: FastifyInstance): RoleOperations {
    const operations = new RoleOperations();
    app.addHook('onRoute', (route) => operations.#add(route));
    return operations;
  }

  for(role: Role): string[] {
    return [...(this.#byRole.get(role) ?? [])].sort();
  }

  #add(route: RouteOptions): void {
    const allowed = allowedRoles(route.url, route.config ?? {});
    if (allowed === 'public') return;
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    for (const role of allowed)
      for (const method of methods) this.#byRole.get(role)!.add(`${method} ${path}`);
  }
}

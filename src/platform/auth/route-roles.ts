import type { FastifySchema } from 'fastify';
import { ROLES, type Role } from './roles.js';

/** What a route declares about who may call it (its `config`). */
export interface RouteAccess {
  roles?: readonly Role[];
  public?: boolean;
}

/**
 * Who may call a route: nobody needs a key for a public one (health, docs, signed provider callbacks)
 * or one outside /v1; otherwise admin and the roles it lists. The one reading of a route's declared
 * roles: the auth hook enforces it, the OpenAPI document and the README's table show it.
 */
export function allowedRoles(url: string, access: RouteAccess): readonly Role[] | 'public' {
  if (access.public || !url.startsWith('/v1')) return 'public';
  return ROLES.filter((role) => role === 'admin' || access.roles?.includes(role));
}

/** The line each operation's description starts with. */
export function rolesLine(allowed: readonly Role[] | 'public'): string {
  if (allowed === 'public') return 'Roles: public, no API key.';
  if (allowed.length === 1) return 'Roles: admin only.';
  return `Roles: ${allowed.join(', ')}.`;
}

interface SwaggerRoute {
  schema?: FastifySchema;
  url: string;
  route: { config?: RouteAccess };
}

/**
 * @fastify/swagger's `transform`: every operation gets `x-roles` (public: an empty list and no
 * security requirement) and a first description line naming them, both from the route's config.
 */
export function documentRoles({ schema, url, route }: SwaggerRoute) {
  const allowed = allowedRoles(url, route.config ?? {});
  const given = (schema as { description?: string } | undefined)?.description;
  const description = [rolesLine(allowed), given].filter(Boolean).join('\n\n');
  return {
    url,
    schema: {
      ...schema,
      description,
      'x-roles': allowed === 'public' ? [] : allowed,
      ...(allowed === 'public' ? { security: [] } : {}),
    },
  };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { 'x-roles'?: readonly string[] }>>;
}

/** The README's table of who may call what, one row per operation of the OpenAPI document. */
export function rolesTable(doc: OpenApiDocument): string {
  const rows = [`| operation | ${ROLES.join(' | ')} |`, `|---|${ROLES.map(() => '---|').join('')}`];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const roles = operation['x-roles'] ?? [];
      const name = `\`${method.toUpperCase()} ${path}\`${roles.length === 0 ? ' (public, no key)' : ''}`;
      const cells = ROLES.map((role) => (roles.length === 0 || roles.includes(role) ? '✓' : ''));
      rows.push(`| ${name} | ${cells.join(' | ')} |`);
    }
  }
  return `${rows.join('\n')}\n`;
}

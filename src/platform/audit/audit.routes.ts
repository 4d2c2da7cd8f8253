import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../db/database.js';
import { decodeCursor, Page, PageQuery, pageOf } from '../http/pagination.js';
import { DateTime, Uuid } from '../schemas.js';
import type { AuditRow } from './audit.repository.js';
import { findAuditRows } from './audit.repository.js';
import { verifyAuditTrail } from './audit-chain.js';

const AuditEntry = Type.Object({
  id: Type.String(),
  seq: Type.String({ description: 'Order of recording' }),
  recordedAt: DateTime(),
  kind: Type.String({ description: '`request` (one per write request) or `change` (before/after)' }),
  actor: Type.Object({
    keyId: Type.Union([Type.String(), Type.Null()]),
    role: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
  }),
  requestId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  resource: Type.String(),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union([Type.Integer(), Type.Null()], { description: 'HTTP status of a request record' }),
  before: Type.Unknown(),
  after: Type.Unknown(),
  detail: Type.Unknown(),
});

const AuditQuery = Type.Object(
  {
    ...PageQuery,
    actor: Type.Optional(Uuid({ description: 'The API key id that acted' })),
    role: Type.Optional(Type.String({ maxLength: 32 })),
    action: Type.Optional(
      Type.String({ maxLength: 200, description: '`order.cancel`, `POST /v1/api-keys`' }),
    ),
    resource: Type.Optional(Type.String({ maxLength: 64 })),
    resourceId: Type.Optional(Type.String({ maxLength: 128 })),
    from: Type.Optional(DateTime()),
    to: Type.Optional(DateTime()),
  },
  { additionalProperties: false },
);

const ChainCheck = Type.Object({
  intact: Type.Boolean(),
  sealed: Type.Integer(),
  unsealed: Type.Integer(),
  broken: Type.Union([
    Type.Object({ position: Type.String(), seq: Type.String(), reason: Type.String() }),
    Type.Null(),
  ]),
});

const toEntry = (r: AuditRow) => ({
  id: r.id,
  seq: String(r.seq),
  recordedAt: r.recorded_at.toISOString(),
  kind: r.kind,
  actor: { keyId: r.actor_key_id, role: r.actor_role, name: r.actor_name },
  requestId: r.request_id,
  action: r.action,
  resource: r.resource,
  resourceId: r.resource_id,
  outcome: r.outcome,
  before: r.before,
  after: r.after,
  detail: r.detail,
});

const SeqCursor = Type.Tuple([Type.String({ pattern: '^[0-9]{1,19}$' })]);

/** The audit trail, for admins only: who did what, newest first, and the hash chain's check. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ deps: { db: Db } }> = async (app, { deps }) => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['platform'],
        summary: 'The audit trail: every write by an API key, newest first',
        querystring: AuditQuery,
        response: { 200: Page(AuditEntry) },
      },
    },
    async (request) => {
      const { limit = 50, cursor, ...filter } = request.query;
      const after = decodeCursor(cursor, SeqCursor);
      const rows = await findAuditRows(deps.db, { ...filter, beforeSeq: after?.[0], limit: limit + 1 });
      return pageOf(rows, limit, toEntry, (last) => [String(last.seq)]);
    },
  );

  app.get(
    '/audit/verify',
    {
      schema: {
        tags: ['platform'],
        summary: 'Recompute the audit hash chain and say whether every sealed row is as it was sealed',
        response: { 200: ChainCheck },
      },
    },
    async () => verifyAuditTrail(deps.db),
  );
};

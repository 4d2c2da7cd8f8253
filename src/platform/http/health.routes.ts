import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { DatabaseKind } from '../db/connect.js';
import type { Db } from '../db/database.js';

const Check = Type.Object({ name: Type.String(), ok: Type.Boolean(), detail: Type.Optional(Type.String()) });

/** What the health routes use; each configured broker answers for itself. */
export interface HealthDeps {
  db: Db;
  dbKind: DatabaseKind;
  brokers: { readiness(): Promise<Array<{ name: string; ok: boolean; detail?: string }>> };
}

export const healthRoutes: FastifyPluginAsyncTypebox<{ deps: HealthDeps }> = async (app, { deps }) => {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: { tags: ['ops'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        tags: ['ops'],
        response: {
          200: Type.Object({ status: Type.String(), checks: Type.Array(Check) }),
          503: Type.Object({ status: Type.String(), checks: Type.Array(Check) }),
        },
      },
    },
    async (_request, reply) => {
      const checks = [];
      try {
        await sql`select 1`.execute(deps.db);
        checks.push({ name: `database (${deps.dbKind})`, ok: true });
      } catch (error) {
        checks.push({ name: `database (${deps.dbKind})`, ok: false, detail: (error as Error).message });
      }
      // Each configured broker (RabbitMQ, NATS): not ready while the relay could not publish to it.
      checks.push(...(await deps.brokers.readiness()));
      const ok = checks.every((c) => c.ok);
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks });
    },
  );
};

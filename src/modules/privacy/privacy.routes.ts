import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { Uuid } from '../../platform/schemas.js';
import { CustomerIdParams, PrivacyRequest, toPrivacyRequest } from './privacy.schemas.js';
import type { PrivacyRequestKind } from './privacy.tables.js';
import { getPrivacyRequest, requestPrivacyJob, runQueuedRequests } from './privacy-requests.js';

export interface PrivacyDeps {
  db: Db;
  log: FastifyBaseLogger;
}

const DESCRIPTIONS: Record<PrivacyRequestKind, { summary: string; description: string }> = {
  export: {
    summary: 'Export everything held about a customer (a job; GET the request for its archive)',
    description:
      'Queues a job that gathers the profile, addresses, notes, orders, payments (without provider actions), shipments, returns, notifications and channel copies of the customer (and the customers merged into it) into one JSON archive, and announces `customer.data_requested` to connected systems.',
  },
  erase: {
    summary: "Erase a customer's personal data everywhere it was copied (a job)",
    description:
      "Queues a job that removes or irreversibly pseudonymizes the customer's contact, names and streets in orders, events, deliveries, notifications, idempotency records, channel copies and search indexes, keeping amounts, SKUs, dates and province/city; then `customer.redacted` tells connected systems. 409 names the customer's orders that are still open. See docs/privacy.md.",
  },
};

export const privacyRoutes: FastifyPluginAsyncTypebox<{ deps: PrivacyDeps }> = async (app, { deps }) => {
  // The job runs at once in this process; the scheduled job picks up whatever a process left queued.
  const runSoon = () =>
    setImmediate(() => {
      runQueuedRequests(deps.db).catch((error) => deps.log.error({ err: error }, 'privacy request failed'));
    });

  for (const kind of ['export', 'erase'] as const) {
    app.post(
      `/customers/:id/${kind}`,
      {
        config: { roles: [] },
        schema: {
          tags: ['privacy'],
          ...DESCRIPTIONS[kind],
          params: CustomerIdParams,
          response: { 202: PrivacyRequest },
        },
      },
      async (request, reply) => {
        const job = await requestPrivacyJob(deps.db, kind, request.params.id);
        runSoon();
        return reply
          .status(202)
          .header('location', `/v1/privacy-requests/${job.id}`)
          .send(toPrivacyRequest(job));
      },
    );
  }

  app.get(
    '/privacy-requests/:id',
    {
      config: { roles: [] },
      schema: {
        tags: ['privacy'],
        summary: 'A data subject request: its status, and where an export is downloaded',
        params: Type.Object({ id: Uuid() }, { additionalProperties: false }),
        response: { 200: PrivacyRequest },
      },
    },
    async (request) => toPrivacyRequest(await getPrivacyRequest(deps.db, request.params.id)),
  );

  app.get(
    '/privacy-requests/:id/archive',
    {
      config: { roles: [] },
      schema: {
        tags: ['privacy'],
        summary: "An export's archive: one JSON document of everything held about the customer",
        params: Type.Object({ id: Uuid() }, { additionalProperties: false }),
        response: { 200: Type.Object({}, { additionalProperties: true }) },
      },
    },
    async (request, reply) => {
      const job = await getPrivacyRequest(deps.db, request.params.id);
      if (job.kind !== 'export')
        throw new AppError('not_found', `Privacy request ${job.id} is not an export`);
      if (job.status !== 'done')
        throw new AppError('conflict', `The export is ${job.status}`, { currentStatus: job.status });
      if (job.archive === null)
        throw new AppError('not_found', `The archive of ${job.id} expired or its customer was erased`);
      return reply
        .header('content-disposition', `attachment; filename="customer-${job.customer_id}.json"`)
        .send(job.archive as Record<string, unknown>);
    },
  );
};

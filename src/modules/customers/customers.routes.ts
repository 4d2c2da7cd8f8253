import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../../platform/db/database.js';
import { invalid } from '../../platform/errors.js';
import { Page } from '../../platform/http/pagination.js';
import { Uuid } from '../../platform/schemas.js';
import { expectedVersion, type OrderHooks } from '../orders/index.js';
import { isTimeZone } from './customer-defaults.js';
import { mergeCustomers } from './customer-merge.js';
import { getCustomerOverview } from './customer-overview.js';
import { openCustomerPersonalData } from './customer-pii-views.js';
import { getCustomerDetail, searchCustomers } from './customer-queries.js';
import { CUSTOMER_SERVICE_ROLES } from './customer-section.js';
import { changeCustomer } from './customer-updates.js';
import { customerDetailFor, customerRecordFor } from './customer-views.js';
import {
  Customer,
  CustomerDetail,
  CustomerIdParams,
  CustomerOverview,
  CustomerPersonalData,
  ListCustomersQuery,
  MergeCustomerBody,
  NoteBody,
  PatchCustomerBody,
  PiiViewBody,
  SupportNote,
} from './customers.schemas.js';
import { addCustomerNote, addOrderNote } from './support-notes.js';

/** What these routes use. */
export interface CustomerDeps {
  db: Db;
  orderHooks: OrderHooks;
}

const actorOf = (request: FastifyRequest) => request.principal?.name ?? 'anonymous';
const roles = CUSTOMER_SERVICE_ROLES;
const MASKED =
  'Support sees phones (138****0000), e-mails, names and streets masked, also in the orders listed; POST /v1/customers/{id}/pii-views opens them with a reason.';

/** A customer's page as the caller may see it, with its version as the ETag. */
async function detailFor(deps: CustomerDeps, request: FastifyRequest, id: string) {
  return customerDetailFor(request.principal?.role, await getCustomerDetail(deps.db, id));
}

export const customerRoutes: FastifyPluginAsyncTypebox<{ deps: CustomerDeps }> = async (app, { deps }) => {
  app.get(
    '/customers',
    {
      config: { roles },
      schema: {
        tags: ['customers'],
        summary: 'Find customers by name, e-mail or phone (any common spelling), or tag; newest first',
        description: `Matches the full e-mail or phone also for support, which gets the answers masked. ${MASKED}`,
        querystring: ListCustomersQuery,
        response: { 200: Page(Customer) },
      },
    },
    async (request) => {
      const page = await searchCustomers(deps.db, request.query);
      return { ...page, data: page.data.map((c) => customerRecordFor(request.principal?.role, c)) };
    },
  );

  app.get(
    '/customers/:id',
    {
      config: { roles },
      schema: {
        tags: ['customers'],
        summary: 'A customer: contact, addresses, orders, lifetime value per currency, tags, notes, timeline',
        description: `A merged customer answers as the customer it was merged into. ${MASKED}`,
        params: CustomerIdParams,
        response: { 200: CustomerDetail },
      },
    },
    async (request, reply) => {
      const customer = await detailFor(deps, request, request.params.id);
      return reply.header('etag', `"${customer.version}"`).send(customer);
    },
  );

  app.patch(
    '/customers/:id',
    {
      config: { roles },
      schema: {
        tags: ['customers'],
        summary: 'Change name, locale, time zone, tags or marketing preferences',
        params: CustomerIdParams,
        body: PatchCustomerBody,
        response: { 200: CustomerDetail },
      },
    },
    async (request, reply) => {
      const { version, timeZone, ...changes } = request.body;
      if (timeZone && !isTimeZone(timeZone))
        throw invalid([{ field: 'body.timeZone', message: 'is not an IANA time zone (e.g. Asia/Shanghai)' }]);
      await changeCustomer(
        deps.db,
        request.params.id,
        { ...changes, timeZone },
        actorOf(request),
        expectedVersion(request, version),
      );
      const customer = await detailFor(deps, request, request.params.id);
      return reply.header('etag', `"${customer.version}"`).send(customer);
    },
  );

  app.post(
    '/customers/:id/merge',
    {
      config: { roles },
      schema: {
        tags: ['customers'],
        summary: 'Merge another customer into this one: its orders, contacts, addresses and notes follow',
        params: CustomerIdParams,
        body: MergeCustomerBody,
        response: { 200: CustomerDetail },
      },
    },
    async (request) => {
      await mergeCustomers(deps.db, request.params.id, request.body.customerId, actorOf(request));
      return detailFor(deps, request, request.params.id);
    },
  );

  app.get(
    '/customers/:id/overview',
    {
      config: { roles },
      schema: {
        tags: ['customers'],
        summary: "Customer service's one page: the customer, and their newest orders in full",
        description: MASKED,
        params: CustomerIdParams,
        response: { 200: CustomerOverview },
      },
    },
    async (request) =>
      getCustomerOverview(deps.db, request.params.id, deps.orderHooks, request.principal?.role),
  );

  app.post(
    '/customers/:id/pii-views',
    {
      config: { roles },
      schema: {
        tags: ['customers'],
        summary:
          "Open a customer's contact and addresses in full, with a reason (recorded in the audit trail)",
        description:
          'Support sees a customer with phone (138****0000), e-mail, name and streets masked; this answers them in full and records who asked and why (action customer.pii_view in GET /v1/audit).',
        params: CustomerIdParams,
        body: PiiViewBody,
        response: { 200: CustomerPersonalData },
      },
    },
    async (request) => openCustomerPersonalData(deps.db, request.params.id, request.body.reason),
  );

  app.post(
    '/customers/:id/notes',
    {
      config: { roles },
      schema: {
        tags: ['customers'],
        summary: 'Add a support note to a customer (timeline, customer.note_added event)',
        params: CustomerIdParams,
        body: NoteBody,
        response: { 201: SupportNote },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await addCustomerNote(deps.db, request.params.id, request.body.body, actorOf(request))),
  );

  app.post(
    '/orders/:id/notes',
    {
      config: { roles },
      schema: {
        tags: ['orders'],
        summary: "Add a support note to an order (the order's timeline for staff, order.note_added event)",
        params: Type.Object({ id: Uuid() }),
        body: NoteBody,
        response: { 201: SupportNote },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await addOrderNote(deps.db, request.params.id, request.body.body, actorOf(request))),
  );
};

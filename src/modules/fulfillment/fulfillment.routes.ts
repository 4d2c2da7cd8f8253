import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import { keepRawBodies } from '../../platform/http/raw-body.js';
import type { OrderHooks } from '../orders/index.js';
import { CARRIERS, carrierView } from './carriers.js';
import {
  Carrier,
  CarrierParams,
  CreateShipmentBody,
  DeliverBody,
  OrderIdParams,
  ShipBody,
  Shipment,
  ShipmentIdParams,
} from './fulfillment.schemas.js';
import { createShipment, getShipment, type ShippingPlans, shipShipment } from './shipments.service.js';
import { applyTrackingPush, markShipmentDelivered } from './tracking.service.js';
import { parseGenericPush, parseKuaidi100Push } from './tracking-formats.js';

const actorOf = (request: FastifyRequest) => request.principal?.name ?? 'anonymous';

/** What these routes use. */
export interface FulfillmentDeps {
  db: Db;
  config: Pick<Config, 'providers'>;
  orderHooks: OrderHooks;
  /** The delivery plan's parcels, the default warehouse and carrier of a new shipment. */
  shippingPlans: ShippingPlans;
}

export const fulfillmentRoutes: FastifyPluginAsyncTypebox<{ deps: FulfillmentDeps }> = async (
  app,
  { deps },
) => {
  app.get(
    '/carriers',
    {
      config: { roles: ['warehouse', 'support'] },
      schema: {
        tags: ['fulfillment'],
        summary: 'Carriers a shipment can leave with, and the tracking-number format of each',
        response: { 200: Type.Array(Carrier) },
      },
    },
    async () => CARRIERS.map(carrierView),
  );

  app.post(
    '/orders/:id/shipments',
    {
      config: { roles: ['warehouse', 'support'] },
      schema: {
        tags: ['fulfillment'],
        summary: 'Prepare a shipment of reserved lines from one warehouse to one address',
        params: OrderIdParams,
        body: CreateShipmentBody,
        response: { 201: Shipment },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await createShipment(
            deps.db,
            deps.shippingPlans,
            request.params.id,
            request.body,
            actorOf(request),
          ),
        ),
  );

  app.get(
    '/shipments/:id',
    {
      config: { roles: ['warehouse', 'support', 'storefront'] },
      schema: { tags: ['fulfillment'], params: ShipmentIdParams, response: { 200: Shipment } },
    },
    async (request) => getShipment(deps.db, request.params.id),
  );

  app.post(
    '/shipments/:id/ship',
    {
      config: { roles: ['warehouse'] },
      schema: {
        tags: ['fulfillment'],
        summary: 'Hand the shipment to a carrier: stock is committed, the order moves on',
        params: ShipmentIdParams,
        body: ShipBody,
        response: { 200: Shipment },
      },
    },
    async (request) =>
      shipShipment(deps.db, deps.orderHooks, request.params.id, request.body, actorOf(request)),
  );

  app.post(
    '/shipments/:id/deliver',
    {
      config: { roles: ['warehouse'] },
      schema: {
        tags: ['fulfillment'],
        summary: 'Mark a shipment delivered by hand, with a reason, when no carrier push will',
        description:
          'For installs without carrier pushes, or a push that never came. The reason is kept in the shipment’s tracking and the order timeline; the order moves on as on a carrier’s "delivered".',
        params: ShipmentIdParams,
        body: DeliverBody,
        response: { 200: Shipment },
      },
    },
    async (request) =>
      markShipmentDelivered(deps.db, deps.orderHooks, request.params.id, request.body, actorOf(request)),
  );
};

const KUAIDI100_OK = JSON.stringify({ result: true, returnCode: '200', message: '成功' });

/**
 * POST /v1/callbacks/carriers/{carrier}: tracking pushes, public and signed. A form with `param`
 * and `sign` is a Kuaidi100 subscription push; JSON is the generic format with X-Carrier-Signature.
 */
export const carrierCallbackRoutes: FastifyPluginAsyncTypebox<{ deps: FulfillmentDeps }> = async (
  app,
  { deps },
) => {
  keepRawBodies(app);
  app.post(
    '/callbacks/carriers/:carrier',
    {
      config: { public: true },
      schema: {
        tags: ['callbacks'],
        summary: 'Carrier tracking pushes (Kuaidi100 subscription push, or generic signed JSON)',
        description:
          'Kuaidi100: form fields param (JSON with lastResult) and sign = MD5(param + salt), uppercase hex. Generic: JSON {trackingNumber, events[]} with X-Carrier-Signature: t=<unix>,v1=hex(HMAC-SHA256(secret, "t.body")). A bad signature is a 401 and changes nothing; the same push twice adds nothing.',
        params: CarrierParams,
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: Type.String(),
        response: {
          200: Type.Object({
            result: Type.Boolean(),
            returnCode: Type.String(),
            message: Type.String(),
            shipmentId: Type.Optional(Type.String()),
            added: Type.Optional(Type.Integer()),
            status: Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (request) => {
      const providers = deps.config.providers;
      const isForm = String(request.headers['content-type'] ?? '').startsWith(
        'application/x-www-form-urlencoded',
      );
      const push = isForm
        ? parseKuaidi100Push(request.body, providers.kuaidi100Salt)
        : parseGenericPush(
            request.body,
            request.headers['x-carrier-signature'] as string | undefined,
            providers.carrierSecret,
            new Date(),
          );
      const result = await applyTrackingPush(deps.db, deps.orderHooks, request.params.carrier, push);
      return { ...JSON.parse(KUAIDI100_OK), ...result };
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../../platform/db/database.js';
import { listCarrierLanes, refreshCarrierLanes } from './carrier-lanes.repository.js';
import {
  BinLocationsBody,
  CarrierLane,
  CreatePickListsBody,
  PickList,
  PickListParams,
  WarehouseParams,
} from './delivery.schemas.js';
import { createPickLists, getPickList, setBinLocations } from './pick-lists.js';

export interface DeliveryDeps {
  db: Db;
}

export const deliveryRoutes: FastifyPluginAsyncTypebox<{ deps: DeliveryDeps }> = async (app, { deps }) => {
  const tags = ['delivery'];
  const actorOf = (request: { principal?: { name: string } | null }) =>
    request.principal?.name ?? 'anonymous';

  app.get(
    '/carrier-lanes',
    {
      config: { roles: ['warehouse', 'support'] },
      schema: {
        tags,
        summary: "Each carrier's measured record per destination (last 90 days), as delivery choices read it",
        response: { 200: Type.Array(CarrierLane) },
      },
    },
    async () =>
      (await listCarrierLanes(deps.db)).map((l) => ({
        carrier: l.carrier,
        country: l.country,
        province: l.province,
        deliveries: l.deliveries,
        onTime: l.on_time,
        onTimeRate: l.deliveries ? l.on_time / l.deliveries : 0,
        meanDays: l.deliveries ? l.lead_hours / l.deliveries / 24 : 0,
      })),
  );

  app.post(
    '/carrier-lanes/refresh',
    {
      config: { roles: [] },
      schema: {
        tags,
        summary: 'Recompute the carrier records now (a job does it every 10 minutes)',
        response: { 200: Type.Object({ lanes: Type.Integer() }) },
      },
    },
    async () => ({ lanes: await refreshCarrierLanes(deps.db, { force: true }) }),
  );

  app.put(
    '/warehouses/:id/bin-locations',
    {
      config: { roles: ['warehouse'] },
      schema: {
        tags,
        summary: 'Set where SKUs sit in a warehouse (bin locations for pick lists)',
        params: WarehouseParams,
        body: BinLocationsBody,
        response: { 200: Type.Object({ updated: Type.Integer() }) },
      },
    },
    async (request) => setBinLocations(deps.db, request.params.id, request.body),
  );

  app.post(
    '/warehouses/:id/pick-lists',
    {
      config: { roles: ['warehouse'] },
      schema: {
        tags,
        summary: "Batch the day's prepared shipments of a warehouse into pick lists ordered by bin",
        params: WarehouseParams,
        body: CreatePickListsBody,
        response: { 201: Type.Array(PickList) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createPickLists(deps.db, request.params.id, request.body ?? {}, actorOf(request))),
  );

  app.get(
    '/pick-lists/:id',
    {
      config: { roles: ['warehouse'] },
      schema: { tags, summary: 'A pick list', params: PickListParams, response: { 200: PickList } },
    },
    async (request) => getPickList(deps.db, request.params.id),
  );
};

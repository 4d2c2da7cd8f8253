import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Role } from '../../platform/auth/roles.js';
import type { Db } from '../../platform/db/database.js';
import {
  AdjustmentBody,
  AdjustmentCreated,
  AdjustmentPage,
  AdjustmentQuery,
  CreateWarehouseBody,
  SetStockBody,
  StockLevel,
  StockPage,
  StockParams,
  StockQuery,
  UpdateWarehouseBody,
  Warehouse,
  WarehouseListQuery,
  WarehousePage,
  WarehouseParams,
} from './inventory.schemas.js';
import { adjustStock, listAdjustmentPage, listStock, setStock } from './stock.service.js';
import { changeWarehouse, createWarehouse, getWarehouse, listWarehousePage } from './warehouses.service.js';

const READ: readonly Role[] = ['warehouse', 'support', 'channel', 'storefront', 'finance'];
const WRITE: readonly Role[] = ['warehouse'];
const tags = ['inventory'];

/** What these routes use. */
export interface InventoryDeps {
  db: Db;
  /** Product-list pages cached by catalog, forgotten when stock changes (in-stock filter). */
  productLists: { forget(): void };
}

export const inventoryRoutes: FastifyPluginAsyncTypebox<{ deps: InventoryDeps }> = async (app, { deps }) => {
  const { db } = deps;
  // Stock set here shows in this process's product lists (in_stock) at once.
  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') deps.productLists.forget();
    return payload;
  });

  app.get(
    '/warehouses',
    {
      config: { roles: READ },
      schema: {
        tags,
        summary: 'List warehouses',
        querystring: WarehouseListQuery,
        response: { 200: WarehousePage },
      },
    },
    async (request) => listWarehousePage(db, request.query),
  );

  app.post(
    '/warehouses',
    {
      config: { roles: WRITE },
      schema: {
        tags,
        summary: 'Create a warehouse',
        body: CreateWarehouseBody,
        response: { 201: Warehouse },
      },
    },
    async (request, reply) => reply.status(201).send(await createWarehouse(db, request.body)),
  );

  app.get(
    '/warehouses/:warehouse',
    {
      config: { roles: READ },
      schema: {
        tags,
        summary: 'A warehouse, by code or id',
        params: WarehouseParams,
        response: { 200: Warehouse },
      },
    },
    async (request) => getWarehouse(db, request.params.warehouse),
  );

  app.patch(
    '/warehouses/:warehouse',
    {
      config: { roles: WRITE },
      schema: {
        tags,
        summary: 'Change a warehouse (e.g. deactivate it: it is then never allocated from)',
        params: WarehouseParams,
        body: UpdateWarehouseBody,
        response: { 200: Warehouse },
      },
    },
    async (request) => changeWarehouse(db, request.params.warehouse, request.body),
  );

  app.get(
    '/inventory',
    {
      config: { roles: READ },
      schema: {
        tags,
        summary: 'Stock levels per SKU and warehouse, with per-SKU totals',
        querystring: StockQuery,
        response: { 200: StockPage },
      },
    },
    async (request) => listStock(db, request.query),
  );

  app.put(
    '/inventory/:sku/:warehouse',
    {
      config: { roles: WRITE },
      schema: {
        tags,
        summary: 'Set the on-hand count of a SKU in a warehouse (refused below what is reserved)',
        params: StockParams,
        body: SetStockBody,
        response: { 200: StockLevel },
      },
    },
    async (request) =>
      setStock(
        db,
        request.params.sku,
        request.params.warehouse,
        request.body,
        request.principal?.name ?? null,
      ),
  );

  app.post(
    '/inventory/adjustments',
    {
      config: { roles: WRITE },
      schema: {
        tags,
        summary: 'Move on hand by a delta, with a reason (refused below what is reserved)',
        body: AdjustmentBody,
        response: { 201: AdjustmentCreated },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await adjustStock(db, request.body, request.principal?.name ?? null)),
  );

  app.get(
    '/inventory/adjustments',
    {
      config: { roles: READ },
      schema: {
        tags,
        summary: 'Stock movement history, newest first',
        querystring: AdjustmentQuery,
        response: { 200: AdjustmentPage },
      },
    },
    async (request) => listAdjustmentPage(db, request.query),
  );
};

// CONTRACT (filled in by the inventory work): the only file other modules import from inventory.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SelectQueryBuilder } from 'kysely';
import type { AppDeps } from '../../app.js';
import type { Conn, Database, Db, Trx } from '../../platform/db/database.js';

export interface ReservationRequest {
  lineId: string;
  sku: string;
  quantity: number;
  /** Where the line ships to, for nearest-warehouse allocation. */
  destination: { country: string; province?: string | null };
}

export interface ReservationView {
  id: string;
  lineId: string | null;
  sku: string;
  warehouseId: string;
  warehouseCode: string;
  quantity: number;
  status: 'active' | 'released' | 'committed';
}

export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

export type ReserveResult = { ok: true; reservations: ReservationView[] } | { ok: false; shortages: Shortage[] };

/**
 * Reserves every line of an order inside the caller's transaction, all or nothing: on a shortage it
 * leaves no change behind and reports each short SKU with what is available.
 */
export async function reserveForOrder(_trx: Trx, _orderId: string, _lines: ReservationRequest[]): Promise<ReserveResult> {
  throw new Error('not implemented');
}

/** Releases the order's active reservations (once: a second call finds none) and returns them. */
export async function releaseForOrder(_trx: Trx, _orderId: string): Promise<ReservationView[]> {
  throw new Error('not implemented');
}

export async function listReservationsForOrder(_db: Conn, _orderId: string): Promise<ReservationView[]> {
  throw new Error('not implemented');
}

/** Sellable units per SKU across active warehouses (on hand − reserved − safety stock, not below 0). */
export async function availableBySku(_db: Conn, _skus: readonly string[]): Promise<Map<string, number>> {
  throw new Error('not implemented');
}

/** A subquery selecting `sku` for every SKU with sellable stock, for catalog's in-stock filter. */
export function inStockSkus(_db: Conn): SelectQueryBuilder<Database, 'stock_levels', { sku: string }> {
  throw new Error('not implemented');
}

export async function seedDemoInventory(_db: Db, _skus: readonly string[]): Promise<{ warehouses: number }> {
  throw new Error('not implemented');
}

export const inventoryRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async () => {};

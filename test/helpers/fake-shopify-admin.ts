import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenBucket } from '../../src/modules/channels/token-bucket.js';

/**
 * A fake Shopify Admin GraphQL API for stock: `inventorySetQuantities` (compare-and-set, all or
 * nothing: one stale compareQuantity fails the call with COMPARE_QUANTITY_STALE), `productVariants`
 * by `sku:` query with each variant's inventory item and available quantity, `locations`. Every answer
 * carries `extensions.cost` with the shop's leaky bucket in `throttleStatus`; a call whose requested
 * cost the bucket does not hold is answered `THROTTLED` (HTTP 200, as Shopify's GraphQL does), nothing
 * done. Costs: a mutation 10 points, a connection of `first: n` with nested objects 2 + 3n.
 */
export interface FakeShopifyAdmin {
  url: string;
  accessToken: string;
  locationId: string;
  /** Adds a variant with this SKU (its inventory item holds `available`). */
  addSku(sku: string, available?: number): void;
  available(sku: string): number | undefined;
  /** Every quantity set per SKU, in the order the shop applied them. */
  history: Map<string, number[]>;
  /** When each quantity in `history` was applied (Date.now()), per SKU, in the same order. */
  historyAt: Map<string, number[]>;
  calls: { setQuantities: number; lookups: number; throttled: number; stale: number; unauthorized: number };
  /** A sale on the shop itself: its quantity moves without OrderSync (the next compare is stale). */
  sell(sku: string, quantity: number): void;
  close(): Promise<void>;
}

const API_PATH = /^\/admin\/api\/\d{4}-\d{2}\/graphql\.json$/;

export async function startFakeShopifyAdmin(
  options: { maximumAvailable?: number; restoreRate?: number } = {},
): Promise<FakeShopifyAdmin> {
  const maximumAvailable = options.maximumAvailable ?? 1000;
  const restoreRate = options.restoreRate ?? 100;
  const bucket = new TokenBucket(restoreRate, maximumAvailable);
  const locationId = 'gid://shopify/Location/1';
  const bySku = new Map<string, { item: string; available: number }>();
  const byItem = new Map<string, string>();
  let nextItem = 1000;

  const fake: FakeShopifyAdmin = {
    url: '',
    accessToken: 'shpat_fake_admin_token',
    locationId,
    addSku(sku, available = 0) {
      const item = `gid://shopify/InventoryItem/${nextItem++}`;
      bySku.set(sku, { item, available });
      byItem.set(item, sku);
    },
    available: (sku) => bySku.get(sku)?.available,
    history: new Map(),
    historyAt: new Map(),
    calls: { setQuantities: 0, lookups: 0, throttled: 0, stale: 0, unauthorized: 0 },
    sell(sku, quantity) {
      const v = bySku.get(sku);
      if (v) v.available -= quantity;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const costOf = (query: string, variables: Record<string, unknown>) => {
    if (query.includes('inventorySetQuantities')) return 10;
    const first = Number(variables.first ?? /first:\s*(\d+)/.exec(query)?.[1] ?? 1);
    return 2 + 3 * first;
  };

  function setQuantities(variables: Record<string, unknown>) {
    fake.calls.setQuantities++;
    const input = variables.input as {
      name?: string;
      ignoreCompareQuantity?: boolean;
      quantities?: Array<{
        inventoryItemId: string;
        locationId: string;
        quantity: number;
        compareQuantity?: number | null;
      }>;
    };
    const quantities = input?.quantities ?? [];
    const userErrors: Array<{ code: string; field: string[]; message: string }> = [];
    if (input?.name !== 'available' && input?.name !== 'on_hand')
      userErrors.push({
        code: 'INVALID_NAME',
        field: ['input', 'name'],
        message: "The quantity name must be either 'available' or 'on_hand'.",
      });
    if (quantities.length > 250)
      userErrors.push({
        code: 'INVALID_QUANTITY_TOO_HIGH',
        field: ['input', 'quantities'],
        message: 'At most 250 quantities.',
      });
    quantities.forEach((q, i) => {
      const sku = byItem.get(q.inventoryItemId);
      const at = ['input', 'quantities', String(i)];
      if (!sku)
        userErrors.push({
          code: 'INVALID_INVENTORY_ITEM',
          field: [...at, 'inventoryItemId'],
          message: 'The specified inventory item could not be found.',
        });
      else if (q.locationId !== locationId)
        userErrors.push({
          code: 'INVALID_LOCATION',
          field: [...at, 'locationId'],
          message: 'The specified location could not be found.',
        });
      else if (!Number.isInteger(q.quantity) || q.quantity < 0)
        userErrors.push({
          code: 'INVALID_QUANTITY_NEGATIVE',
          field: [...at, 'quantity'],
          message: "The quantity can't be negative.",
        });
      else if (!input.ignoreCompareQuantity) {
        if (q.compareQuantity === undefined || q.compareQuantity === null)
          userErrors.push({
            code: 'COMPARE_QUANTITY_REQUIRED',
            field: [...at, 'compareQuantity'],
            message:
              'The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.',
          });
        else if (q.compareQuantity !== bySku.get(sku)!.available) {
          fake.calls.stale++;
          userErrors.push({
            code: 'COMPARE_QUANTITY_STALE',
            field: [...at, 'compareQuantity'],
            message: 'The compareQuantity value does not match persisted value.',
          });
        }
      }
    });
    if (userErrors.length) return { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors } };
    const now = Date.now();
    for (const q of quantities) {
      const sku = byItem.get(q.inventoryItemId)!;
      bySku.get(sku)!.available = q.quantity;
      fake.history.set(sku, [...(fake.history.get(sku) ?? []), q.quantity]);
      fake.historyAt.set(sku, [...(fake.historyAt.get(sku) ?? []), now]);
    }
    return { inventorySetQuantities: { inventoryAdjustmentGroup: { reason: 'correction' }, userErrors: [] } };
  }

  function productVariants(variables: Record<string, unknown>) {
    fake.calls.lookups++;
    const wanted = [...String(variables.query ?? '').matchAll(/sku:("(?:[^"\\]|\\.)*"|\S+)/g)].map((m) =>
      m[1]!.startsWith('"') ? (JSON.parse(m[1]!) as string) : m[1]!,
    );
    const first = Math.min(250, Number(variables.first ?? 50));
    const nodes = wanted
      .filter((sku) => bySku.has(sku))
      .slice(0, first)
      .map((sku) => {
        const v = bySku.get(sku)!;
        const level = variables.location === locationId ? { quantities: [{ quantity: v.available }] } : null;
        return { sku, inventoryItem: { id: v.item, inventoryLevel: level } };
      });
    return { productVariants: { nodes } };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || !API_PATH.test(new URL(req.url ?? '/', 'http://x').pathname))
        return send(404, { errors: 'Not Found' });
      if (req.headers['x-shopify-access-token'] !== fake.accessToken) {
        fake.calls.unauthorized++;
        return send(401, {
          errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
        });
      }
      let body: { query?: string; variables?: Record<string, unknown> };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString());
      } catch {
        return send(400, { errors: { query: 'Required parameter missing or invalid' } });
      }
      const query = String(body.query ?? '');
      const variables = body.variables ?? {};
      const requested = costOf(query, variables);
      const status = () => ({
        maximumAvailable: maximumAvailable,
        currentlyAvailable: Math.floor(bucket.available()),
        restoreRate,
      });
      if (!bucket.tryTake(requested)) {
        fake.calls.throttled++;
        return send(200, {
          errors: [
            {
              message: 'Throttled',
              extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
            },
          ],
          extensions: {
            cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status() },
          },
        });
      }
      const data = query.includes('inventorySetQuantities')
        ? setQuantities(variables)
        : query.includes('productVariants')
          ? productVariants(variables)
          : query.includes('locations')
            ? { locations: { nodes: [{ id: locationId }] } }
            : undefined;
      if (!data)
        return send(200, {
          errors: [{ message: 'Field does not exist', extensions: { code: 'undefinedField' } }],
        });
      send(200, {
        data,
        extensions: {
          cost: { requestedQueryCost: requested, actualQueryCost: requested, throttleStatus: status() },
        },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

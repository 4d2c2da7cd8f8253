import { TokenBucket } from '../token-bucket.js';
import {
  emptyOutcome,
  type PushItem,
  type PushOutcome,
  type StockAdapter,
  type StockTarget,
} from './stock-targets.js';

export const SHOPIFY_API_VERSION = '2025-01';

const SET_QUANTITIES = `mutation SetStock($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason }
    userErrors { code field message }
  }
}`;

const FIND_ITEMS = `query FindStockItems($query: String!, $first: Int!, $location: ID!) {
  productVariants(first: $first, query: $query) {
    nodes { sku inventoryItem { id inventoryLevel(locationId: $location) { quantities(names: ["available"]) { quantity } } } }
  }
}`;

const FIRST_LOCATION = 'query FirstLocation { locations(first: 1) { nodes { id } } }';

interface Cost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}
interface GraphqlAnswer<D> {
  data?: D;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  extensions?: { cost?: Cost };
}

export class ShopifyApiError extends Error {}

/**
 * Shopify's Admin GraphQL API for stock: `inventorySetQuantities` (absolute levels, compare-and-set,
 * 250 quantities a call). Calls are paced by Shopify's calculated query cost: the bucket the answers
 * report in `extensions.cost.throttleStatus` is mirrored here, and a call waits until the bucket holds
 * its requested cost, so in steady state no call is THROTTLED.
 */
export class ShopifyInventory implements StockTarget {
  readonly batchSize = 250;
  private bucket: TokenBucket | undefined;
  private location: string | undefined;
  /** SKU → InventoryItem gid (null: not sold there), learned once per process (and kept by the caller). */
  readonly items = new Map<string, string | null>();
  throttled = 0;

  constructor(
    private readonly shop: { apiUrl: string; accessToken: string; locationId?: string | null },
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    this.location = shop.locationId ?? undefined;
  }

  async locationId(): Promise<string> {
    if (this.location) return this.location;
    const data = await this.graphql<{ locations: { nodes: Array<{ id: string }> } }>(FIRST_LOCATION, {}, 3);
    const id = data.locations.nodes[0]?.id;
    if (!id) throw new ShopifyApiError('the shop has no location');
    this.location = id;
    return id;
  }

  /**
   * Finds the inventory items of these SKUs and what each holds now (up to 50 variants a query).
   * `first` is as many as are asked for: Shopify charges the query by it (2 + 3 a variant), and the
   * bucket waits for that charge, so a re-read of a few stale SKUs costs a few points, not 152.
   */
  async lookUp(skus: readonly string[]): Promise<Map<string, { item: string; available: number } | null>> {
    const location = await this.locationId();
    const found = new Map<string, { item: string; available: number } | null>(skus.map((s) => [s, null]));
    for (let i = 0; i < skus.length; i += 50) {
      const part = skus.slice(i, i + 50);
      const query = part.map((s) => `sku:${JSON.stringify(s)}`).join(' OR ');
      const data = await this.graphql<{
        productVariants: {
          nodes: Array<{
            sku: string | null;
            inventoryItem: { id: string; inventoryLevel: { quantities: Array<{ quantity: number }> } | null };
          }>;
        };
      }>(FIND_ITEMS, { query, first: part.length, location }, 2 + part.length * 3);
      for (const node of data.productVariants.nodes) {
        if (!node.sku || !found.has(node.sku)) continue;
        found.set(node.sku, {
          item: node.inventoryItem.id,
          available: node.inventoryItem.inventoryLevel?.quantities[0]?.quantity ?? 0,
        });
      }
    }
    for (const [sku, v] of found) this.items.set(sku, v?.item ?? null);
    return found;
  }

  async push(items: readonly PushItem[]): Promise<PushOutcome> {
    const outcome: PushOutcome = emptyOutcome();
    const before = this.throttled;
    const unknown = items.filter((i) => !this.items.has(i.sku) || i.compare === null).map((i) => i.sku);
    const current = unknown.length ? await this.lookUp(unknown) : new Map();
    const location = await this.locationId();
    const sendable: Array<PushItem & { item: string; compare: number }> = [];
    for (const i of items) {
      const item = this.items.get(i.sku);
      if (!item) {
        outcome.absent.push(i.sku);
        continue;
      }
      const compare = current.get(i.sku)?.available ?? i.compare;
      sendable.push({ ...i, item, compare: compare ?? 0 });
    }
    if (sendable.length) {
      const data = await this.graphql<{
        inventorySetQuantities: {
          userErrors: Array<{ code: string | null; field: string[] | null; message: string }>;
        };
      }>(
        SET_QUANTITIES,
        {
          input: {
            name: 'available',
            reason: 'correction',
            referenceDocumentUri: 'ordersync://stock-push',
            ignoreCompareQuantity: false,
            quantities: sendable.map((s) => ({
              inventoryItemId: s.item,
              locationId: location,
              quantity: s.level,
              compareQuantity: s.compare,
            })),
          },
        },
        10,
      );
      const errors = data.inventorySetQuantities.userErrors;
      const staleAt = errors
        .filter((e) => e.code === 'COMPARE_QUANTITY_STALE')
        .map((e) => Number(e.field?.[2]))
        .filter((n) => Number.isInteger(n));
      if (errors.length > staleAt.length)
        throw new ShopifyApiError(
          `inventorySetQuantities: ${errors.map((e) => e.code ?? e.message).join(', ')}`,
        );
      if (staleAt.length) {
        // The mutation is all or nothing: nothing was set. Read what the stale ones hold now.
        const fresh = await this.lookUp(staleAt.map((n) => sendable[n]!.sku));
        for (const [sku, v] of fresh) if (v) outcome.stale.push({ sku, current: v.available });
      } else outcome.acked.push(...sendable.map((s) => s.sku));
    }
    outcome.throttled = this.throttled - before;
    return outcome;
  }

  /** One GraphQL call, after waiting for `cost` points; THROTTLED answers are waited out and retried. */
  private async graphql<D>(query: string, variables: Record<string, unknown>, cost: number): Promise<D> {
    for (let attempt = 1; attempt <= 8; attempt++) {
      // A tenth more than the cost: our copy of Shopify's bucket is a round trip old.
      if (this.bucket) await this.bucket.take(Math.min(cost * 1.1 + 1, this.bucket.burst));
      const res = await this.fetchFn(
        new URL(`/admin/api/${SHOPIFY_API_VERSION}/graphql.json`, this.shop.apiUrl),
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-shopify-access-token': this.shop.accessToken },
          body: JSON.stringify({ query, variables }),
          redirect: 'manual',
          signal: AbortSignal.timeout(30_000),
        },
      );
      const answer = (await res.json().catch(() => ({}))) as GraphqlAnswer<D>;
      const status = answer.extensions?.cost?.throttleStatus;
      if (status) {
        this.bucket ??= new TokenBucket(status.restoreRate, status.maximumAvailable);
        this.bucket.sync(status.currentlyAvailable);
      }
      const throttled = res.status === 429 || answer.errors?.some((e) => e.extensions?.code === 'THROTTLED');
      if (throttled) {
        this.throttled++;
        const wait = status ? ((cost - status.currentlyAvailable) / status.restoreRate) * 1000 : 1000;
        await new Promise((r) => setTimeout(r, Math.max(50, wait)));
        continue;
      }
      if (!res.ok) throw new ShopifyApiError(`Shopify answered HTTP ${res.status}`);
      if (answer.errors?.length || !answer.data)
        throw new ShopifyApiError(`Shopify: ${answer.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
      return answer.data;
    }
    throw new ShopifyApiError('Shopify kept answering THROTTLED');
  }
}

/**
 * Shopify channels' stock API from their account: the shop's URL and its admin access token
 * (`accessToken`, and `locationId` when the shop has several locations), over the channels' guarded
 * fetch (WEBHOOK_ALLOWED_HOSTS: tests' loopback fakes). Compare-and-set: the deadline is not needed.
 */
export const shopifyStockAdapter: StockAdapter = (channel, { clients }) => {
  if (!channel.api_url || !channel.credentials_enc) return undefined;
  const credentials = clients.secrets.open<Record<string, string>>(channel.id, channel.credentials_enc);
  if (!credentials.accessToken) return undefined;
  return new ShopifyInventory(
    { apiUrl: channel.api_url, accessToken: credentials.accessToken, locationId: credentials.locationId },
    clients.fetch,
  );
};

import { type Static, Type } from 'typebox';
import { ChannelCode } from '../../platform/auth/roles.js';
import { Page, PageQuery } from '../../platform/http/pagination.js';
import { Currency, DateTime, StringEnum, Uuid } from '../../platform/schemas.js';
import { CHANNEL_KINDS } from './channels.tables.js';

export const StockPolicySchema = Type.Object(
  {
    safetyStock: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Units never offered' }),
    buffer: Type.Object(
      {
        kind: StringEnum(['absolute', 'percent'] as const),
        value: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Units, or percent (≤ 100)' }),
      },
      { additionalProperties: false },
    ),
    capShare: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'At most this percent of what is available' }),
    ),
    requestsPerSecond: Type.Optional(
      Type.Number({
        minimum: 0.1,
        maximum: 100,
        description:
          'Stock API requests a second at most (WooCommerce: what its host allows; default 5). Shopify follows the limit it reports',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Credentials are a flat map; which keys a kind needs is REQUIRED_CREDENTIALS (channel-accounts.ts). */
const Credentials = Type.Record(
  Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }),
  Type.String({ minLength: 1, maxLength: 4096 }),
  { maxProperties: 20, additionalProperties: false, description: 'Stored encrypted; never returned' },
);
const WebhookSecret = Type.String({ minLength: 8, maxLength: 512 });
const Warehouses = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  maxItems: 50,
  uniqueItems: true,
});
const ApiUrl = Type.String({
  pattern: '^https?://[^\\s]+$',
  maxLength: 500,
  description: 'Where the channel API answers (Shopify shop, WooCommerce site, SP-API endpoint)',
});

export const CreateChannelBody = Type.Object(
  {
    code: ChannelCode,
    kind: StringEnum(CHANNEL_KINDS),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    apiUrl: Type.Optional(ApiUrl),
    credentials: Type.Optional(Credentials),
    webhookSecret: Type.Optional(WebhookSecret),
    warehouses: Type.Optional(Warehouses),
    currency: Currency(),
    stockPolicy: Type.Optional(StockPolicySchema),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateChannelBody = Static<typeof CreateChannelBody>;

export const UpdateChannelBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    apiUrl: Type.Optional(Type.Union([ApiUrl, Type.Null()])),
    credentials: Type.Optional(Credentials),
    webhookSecret: Type.Optional(WebhookSecret),
    warehouses: Type.Optional(Warehouses),
    currency: Type.Optional(Currency()),
    stockPolicy: Type.Optional(StockPolicySchema),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateChannelBody = Static<typeof UpdateChannelBody>;

export const Channel = Type.Object({
  id: Type.String(),
  code: Type.String(),
  kind: StringEnum(CHANNEL_KINDS),
  name: Type.String(),
  apiUrl: Type.Union([Type.String(), Type.Null()]),
  credentialFields: Type.Array(Type.String(), { description: 'Names of the stored credentials, not values' }),
  hasWebhookSecret: Type.Boolean(),
  warehouses: Type.Array(Type.String()),
  currency: Type.String(),
  stockPolicy: StockPolicySchema,
  enabled: Type.Boolean(),
  version: Type.Integer(),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});
export type ChannelView = Static<typeof Channel>;

export const ChannelWithSecret = Type.Intersect([
  Channel,
  Type.Object({
    webhookSecret: Type.Optional(
      Type.String({ description: 'Generated here when none was given: shown this once, never again' }),
    ),
  }),
]);

export const ChannelParams = Type.Object({ id: Uuid() }, { additionalProperties: false });
export const ChannelListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export const ChannelPage = Page(Channel);

export const SkuMapEntry = Type.Object(
  {
    channelSku: Type.String({ minLength: 1, maxLength: 128, description: 'The channel SKU or variant id' }),
    sku: Type.String({ minLength: 1, maxLength: 64, description: 'Our SKU' }),
  },
  { additionalProperties: false },
);
export const PutSkuMapBody = Type.Object(
  { entries: Type.Array(SkuMapEntry, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export const DeleteSkuMapBody = Type.Object(
  { channelSkus: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export const SkuMapQuery = Type.Object(
  { ...PageQuery, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) },
  { additionalProperties: false },
);
export const SkuMapPage = Page(SkuMapEntry);

export const ChannelOrderView = Type.Object({
  id: Type.String(),
  externalId: Type.String(),
  state: StringEnum(['held', 'placed'] as const),
  holdReason: Type.Union([Type.String(), Type.Null()]),
  orderId: Type.Union([Type.String(), Type.Null()]),
  channelUpdatedAt: DateTime(),
  receivedAt: DateTime(),
});
export const ChannelOrderListQuery = Type.Object(
  { ...PageQuery, state: Type.Optional(StringEnum(['held', 'placed'] as const)) },
  { additionalProperties: false },
);
export const ChannelOrderPage = Page(ChannelOrderView);
export const ChannelOrderParams = Type.Object(
  { id: Uuid(), channelOrderId: Uuid() },
  { additionalProperties: false },
);

const Time = Type.Union([DateTime(), Type.Null()]);
export const ChannelHealth = Type.Object({
  lastOrderReceivedAt: Time,
  lastReconciledAt: Time,
  nextReconcileAt: Time,
  lagSeconds: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Age of the reconciliation watermark',
  }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  errorsLastHour: Type.Integer(),
  throttledLastHour: Type.Integer({ description: '429 answers from the channel API in the last hour' }),
  pendingDeliveries: Type.Integer(),
  failedDeliveries: Type.Integer(),
  heldOrders: Type.Integer(),
  orderCounts: Type.Array(
    Type.Object({
      day: Type.String({ format: 'date' }),
      channelCount: Type.Integer({ description: 'Orders the channel says were created that UTC day' }),
      ourCountBefore: Type.Integer({
        description: 'Channel orders OrderSync held before the check re-read the day',
      }),
      ourCount: Type.Integer({
        description: 'After the re-read; below channelCount is a mismatch to look into',
      }),
      checkedAt: Type.String({ format: 'date-time' }),
    }),
    { description: 'The daily count check, the last 7 days checked, newest first' },
  ),
  amazonFeeds: Type.Optional(
    Type.Object(
      {
        cancellationsWaiting: Type.Integer({
          description: 'Cancellations due or in a feed not yet reported',
        }),
        cancellationsDead: Type.Integer({
          description: 'Cancellations Amazon was never told of after the last try (see the order timeline)',
        }),
        feedsInFlight: Type.Integer({ description: 'Feeds whose processing report is not read yet' }),
        skusRefused: Type.Integer({ description: 'SKUs whose last level Amazon refused (retried)' }),
      },
      { description: 'Amazon channels: what the feed job has to send or to read back' },
    ),
  ),
});
export type ChannelHealth = Static<typeof ChannelHealth>;
export const ChannelWithHealth = Type.Intersect([Channel, Type.Object({ health: ChannelHealth })]);

const NullableTime = Type.Union([DateTime(), Type.Null()]);

export const StockPushStatusQuery = Type.Object(
  { ...PageQuery, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) },
  { additionalProperties: false },
);
export type StockPushStatusQuery = Static<typeof StockPushStatusQuery>;

export const StockPushStatus = Type.Object({
  pushedTotal: Type.Integer({ description: 'levels the channel acknowledged, ever' }),
  throttledTotal: Type.Integer({ description: 'pushes the channel throttled (429), ever' }),
  staleTotal: Type.Integer({ description: 'pushes refused because the channel had sold meanwhile, ever' }),
  failedTotal: Type.Integer({
    description:
      "items the channel refused one by one (a batch answer's per-item error), ever; they are tried again",
  }),
  lastPushedAt: NullableTime,
  lastError: Type.Union([Type.String(), Type.Null()]),
  lastErrorAt: NullableTime,
  due: Type.Integer({ description: 'SKUs whose newest level the channel has not acknowledged yet' }),
  notOnChannel: Type.Integer({
    description: 'SKUs the channel does not sell (no item there by SKU or SKU map): nothing is sent for them',
  }),
  skus: Page(
    Type.Object({
      sku: Type.String(),
      pushedLevel: Type.Union([Type.Integer(), Type.Null()], { description: 'null: never pushed' }),
      pushedAt: NullableTime,
      changedAt: Type.String({
        format: 'date-time',
        description: 'the oldest change not yet acknowledged, or the last one',
      }),
      due: Type.Boolean({ description: 'a newer level waits for the next push' }),
      onChannel: Type.Boolean({ description: 'false: the channel had no item for the SKU at the last push' }),
    }),
  ),
});
export type StockPushStatus = Static<typeof StockPushStatus>;

import { type Static, Type } from 'typebox';
import { DateTime, Money, StringEnum, Uuid } from '../../platform/schemas.js';
import { REASON_CODES, REASON_GROUPS, RETURN_STATUSES, RETURN_TYPES } from './return-state.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const KbArticle = Type.Object({
  id: Type.String(),
  title: Type.String(),
  body: Type.String(),
  tags: Type.Array(Type.String()),
  reasonCodes: Type.Array(StringEnum(REASON_CODES)),
  updatedAt: DateTime(),
});
export type KbArticle = Static<typeof KbArticle>;

export const CreateKbArticleBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    body: Type.String({ minLength: 1, maxLength: 20_000 }),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20 })),
    reasonCodes: Type.Optional(Type.Array(StringEnum(REASON_CODES), { maxItems: 6 })),
  },
  { additionalProperties: false },
);
export type CreateKbArticleBody = Static<typeof CreateKbArticleBody>;

export const KbQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Full-text search in title, tags and body' }),
    ),
    reason: Type.Optional(StringEnum(REASON_CODES)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  },
  { additionalProperties: false },
);
export type KbQuery = Static<typeof KbQuery>;

export const ReturnLine = Type.Object({
  lineId: Type.String(),
  sku: Type.String(),
  quantity: Type.Integer(),
  unitPrice: Money(),
  exchangeSku: Nullable(Type.String()),
});

export const Return = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  type: StringEnum(RETURN_TYPES),
  stage: StringEnum(['before_shipment', 'after_delivery'] as const),
  status: StringEnum(RETURN_STATUSES),
  reason: StringEnum(REASON_CODES),
  note: Nullable(Type.String()),
  photos: Type.Array(Type.String()),
  region: Type.String(),
  decisionNote: Nullable(Type.String()),
  refundAmount: Nullable(Money()),
  shippingRefund: Money(),
  lines: Type.Array(ReturnLine),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});
export type Return = Static<typeof Return>;

export const ReturnDetail = Type.Intersect([
  Return,
  Type.Object({
    suggestedArticles: Type.Array(KbArticle, { description: 'Knowledge-base articles for its reason' }),
  }),
]);

export const CreateReturnBody = Type.Object(
  {
    type: StringEnum(RETURN_TYPES),
    reason: StringEnum(REASON_CODES),
    lines: Type.Array(
      Type.Object(
        {
          lineId: Uuid(),
          quantity: Type.Integer({ minimum: 1, maximum: 999 }),
          exchangeSku: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 64,
              description: 'exchange: the SKU wanted instead (default: the same)',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    photos: Type.Optional(Type.Array(Type.String({ format: 'uri', maxLength: 2000 }), { maxItems: 9 })),
  },
  { additionalProperties: false },
);
export type CreateReturnBody = Static<typeof CreateReturnBody>;

export const DecisionBody = Type.Object(
  { note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) },
  { additionalProperties: false },
);
export const RejectBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);
export const ReceiveBody = Type.Object(
  {
    sellable: Type.Optional(
      Type.Boolean({ default: true, description: 'false: the goods are not restocked' }),
    ),
    warehouse: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'Where sellable goods are restocked' }),
    ),
  },
  { additionalProperties: false },
);
export type ReceiveBody = Static<typeof ReceiveBody>;
export const ReturnRefundBody = Type.Object(
  {
    amount: Type.Optional(
      Money({ minimum: 1, description: 'Default and maximum: the lines plus shipping by rule' }),
    ),
  },
  { additionalProperties: false },
);

export const ReturnRuleSchema = Type.Object({
  region: Type.String({
    pattern: '^(\\*|[A-Z]{2})$',
    description: 'Country code of the shipping address, or * for the default',
  }),
  reasonGroup: StringEnum(REASON_GROUPS),
  windowDays: Type.Integer({ minimum: 0, maximum: 3650 }),
});

export const ListReturnsQuery = Type.Object(
  {
    orderId: Type.Optional(Uuid()),
    status: Type.Optional(StringEnum(RETURN_STATUSES)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type ListReturnsQuery = Static<typeof ListReturnsQuery>;

export const ReturnIdParams = Type.Object({ id: Uuid() });
export const OrderIdParams = Type.Object({ id: Uuid() });

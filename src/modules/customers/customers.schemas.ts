import { type Static, Type } from 'typebox';
import { PageQuery } from '../../platform/http/pagination.js';
import { Currency, DateTime, Money, StringEnum, Uuid } from '../../platform/schemas.js';
import { OrderDetail, OrderSummary } from '../orders/index.js';
import { CUSTOMER_LOCALES } from './customer-defaults.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** Per channel (CONTACT_CHANNELS): may the customer be contacted. */
const ChannelAnswers = Type.Object({ email: Type.Boolean(), sms: Type.Boolean() });
const ChannelSwitches = Type.Object(
  { email: Type.Optional(Type.Boolean()), sms: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const Customer = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String({ description: 'Normalized: trimmed, lower-case' })),
  phone: Nullable(Type.String({ description: 'E.164' })),
  locale: StringEnum(CUSTOMER_LOCALES),
  timeZone: Nullable(Type.String({ description: 'IANA time zone; null when not known' })),
  preferences: Type.Object(
    {
      transactional: ChannelAnswers,
      delivery_updates: ChannelAnswers,
      reminders: ChannelAnswers,
      marketing: ChannelAnswers,
    },
    {
      description:
        'May the customer be contacted, per category and channel: transactional always; delivery updates and reminders until switched off; marketing only once switched on (opt-in)',
    },
  ),
  tags: Type.Array(Type.String()),
  mergedInto: Nullable(Type.String()),
  version: Type.Integer(),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});

export const CustomerAddress = Type.Object({
  id: Type.String(),
  name: Type.String(),
  phone: Type.String(),
  country: Type.String(),
  province: Nullable(Type.String()),
  city: Type.String(),
  district: Nullable(Type.String()),
  line1: Type.String(),
  line2: Nullable(Type.String()),
  postalCode: Nullable(Type.String()),
  lastUsedAt: DateTime(),
});

export const LifetimeValue = Type.Object({
  currency: Currency(),
  orders: Type.Integer({ description: 'Orders placed in this currency, cancelled ones included' }),
  paid: Money({ description: 'Money received, minor units' }),
  refunded: Money(),
  net: Money({ description: 'paid − refunded' }),
});

export const SupportNote = Type.Object({
  id: Type.String(),
  author: Type.String(),
  body: Type.String(),
  orderId: Nullable(Type.String()),
  customerId: Nullable(Type.String()),
  createdAt: DateTime(),
});

export const CustomerTimelineEntry = Type.Object({
  id: Type.String(),
  at: DateTime(),
  kind: Type.String(),
  actor: Nullable(Type.String()),
  message: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
});

export const CustomerDetail = Type.Intersect([
  Customer,
  Type.Object({
    addresses: Type.Array(CustomerAddress),
    orders: Type.Array(OrderSummary, { description: 'Newest first, at most 100' }),
    orderCount: Type.Integer(),
    lifetimeValue: Type.Array(LifetimeValue, { description: 'Per currency' }),
    notes: Type.Array(SupportNote),
    timeline: Type.Array(CustomerTimelineEntry),
  }),
]);

export const CustomerOverview = Type.Object({
  customer: CustomerDetail,
  orders: Type.Array(OrderDetail, {
    description:
      'The 20 newest orders with payments, shipments (tracking), returns (knowledge-base suggestions) and whatever other modules add to an order (notifications sent)',
  }),
});

export const CustomerIdParams = Type.Object({ id: Uuid() });

export const ListCustomersQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 254,
        description:
          'Name (contains), e-mail (exact, any case) or phone in any common spelling (138 0000 0000, +86 13800000000)',
      }),
    ),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  },
  { additionalProperties: false },
);
export type ListCustomersQuery = Static<typeof ListCustomersQuery>;

const Tag = Type.String({ minLength: 1, maxLength: 32, pattern: '\\S' });

export const PatchCustomerBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    locale: Type.Optional(StringEnum(CUSTOMER_LOCALES)),
    timeZone: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'IANA, e.g. Asia/Shanghai' })),
    ),
    tags: Type.Optional(Type.Array(Tag, { maxItems: 20 })),
    preferences: Type.Optional(
      Type.Object(
        {
          delivery_updates: Type.Optional(ChannelSwitches),
          reminders: Type.Optional(ChannelSwitches),
          marketing: Type.Optional(ChannelSwitches),
        },
        {
          additionalProperties: false,
          description:
            'Switchable categories only (delivery_updates, reminders, marketing): transactional cannot be switched off',
        },
      ),
    ),
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Optimistic concurrency: the version you read' }),
    ),
  },
  { additionalProperties: false },
);
export type PatchCustomerBody = Static<typeof PatchCustomerBody>;

export const MergeCustomerBody = Type.Object(
  {
    customerId: Uuid({
      description: 'The customer absorbed into this one: its orders, contacts, addresses and notes follow',
    }),
  },
  { additionalProperties: false },
);

export const NoteBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 4000, pattern: '\\S' }) },
  { additionalProperties: false },
);

export const PiiViewBody = Type.Object(
  { reason: Type.String({ minLength: 3, maxLength: 500, description: 'Why the data is needed' }) },
  { additionalProperties: false },
);

export const CustomerPersonalData = Type.Object({
  customerId: Type.String(),
  customer: Type.Object({
    name: Nullable(Type.String()),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String()),
  }),
  addresses: Type.Array(CustomerAddress),
});

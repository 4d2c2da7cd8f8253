import { type Static, Type } from 'typebox';
import { Page, PageQuery } from '../../platform/http/pagination.js';
import { DateTime, StringEnum, Uuid } from '../../platform/schemas.js';
import { EVENT_PATTERN } from './event-patterns.js';
import { EXTERNAL_TRANSPORTS, SUBSCRIPTION_STATUSES, TRANSPORTS } from './sync.tables.js';
import { SECRET_PATTERN } from './transports/webhook-signature.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** Where to start: `now`, `beginning`, a time (RFC 3339) or the id of an event (that event included). */
export const StartPoint = Type.Union([Type.Literal('now'), Type.Literal('beginning'), DateTime(), Uuid()], {
  description: '"now", "beginning", a time, or an event id (that event included)',
});
export type StartPoint = Static<typeof StartPoint>;

export const Subscription = Type.Object({
  id: Type.String(),
  name: Type.String(),
  transport: StringEnum(TRANSPORTS),
  url: Nullable(Type.String()),
  eventTypes: Type.Array(Type.String()),
  status: StringEnum(SUBSCRIPTION_STATUSES),
  disabledReason: Nullable(Type.String()),
  failingSince: Nullable(DateTime()),
  previousSecretExpiresAt: Nullable(DateTime()),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});
export type Subscription = Static<typeof Subscription>;

export const SubscriptionWithSecret = Type.Object({
  ...Subscription.properties,
  secret: Nullable(Type.String({ description: 'Shown here once: keep it' })),
  backfilled: Type.Integer({ description: 'Deliveries created for past events (a start before now)' }),
});

export const CreateSubscriptionBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    transport: StringEnum(EXTERNAL_TRANSPORTS),
    url: Type.Optional(
      Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000, description: 'Webhooks only' }),
    ),
    secret: Type.Optional(
      Type.String({ pattern: SECRET_PATTERN, description: 'whsec_…; generated when missing (webhooks)' }),
    ),
    eventTypes: Type.Array(Type.String({ pattern: EVENT_PATTERN, maxLength: 100 }), {
      minItems: 1,
      maxItems: 50,
      description: 'e.g. ["order.*", "payment.refunded"]; "*" is every event',
    }),
    from: Type.Optional(StartPoint),
  },
  { additionalProperties: false },
);
export type CreateSubscriptionBody = Static<typeof CreateSubscriptionBody>;

export const RotateSecretBody = Type.Object(
  {
    secret: Type.Optional(Type.String({ pattern: SECRET_PATTERN })),
    previousValidForSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 7 * 86400,
        default: 86400,
        description: 'How long the old secret keeps signing too',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ReplayBody = Type.Object({ from: StartPoint }, { additionalProperties: false });
export const ReplayResult = Type.Object({
  subscription: Subscription,
  replayed: Type.Integer({ description: 'Deliveries set to be sent again (or created)' }),
});

export const SubscriptionParams = Type.Object({ id: Uuid() });
export const SubscriptionListQuery = Type.Object({
  status: Type.Optional(StringEnum(SUBSCRIPTION_STATUSES)),
  ...PageQuery,
});
export const SubscriptionPage = Page(Subscription);

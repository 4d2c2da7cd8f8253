import { type Static, Type } from 'typebox';
import { DateTime, StringEnum, Uuid } from '../../platform/schemas.js';
import { CONTACT_CHANNELS } from '../customers/index.js';
import { CATEGORIES, CHANNELS, KIND_NAMES, LOCALES } from './notification-kinds.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const KindSchema = StringEnum(KIND_NAMES);
export const LocaleSchema = StringEnum(LOCALES);
export const ChannelSchema = StringEnum(CHANNELS);
export const CategorySchema = StringEnum(CATEGORIES);

const SmsParams = Type.Record(
  Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,31}$' }),
  Type.String({ maxLength: 500 }),
  {
    maxProperties: 20,
    description: 'Aliyun template variable → Liquid text; each renders to at most 35 characters',
  },
);

export const TemplateBody = Type.Object(
  {
    subject: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 500 }))),
    body: Type.String({
      minLength: 1,
      maxLength: 20_000,
      description: 'Liquid; for SMS the text of the approved template, for reference',
    }),
    smsTemplateCode: Type.Optional(Nullable(Type.String({ pattern: '^SMS_[0-9]{1,20}$' }))),
    smsParams: Type.Optional(Nullable(SmsParams)),
  },
  { additionalProperties: false },
);
export type TemplateBody = Static<typeof TemplateBody>;

export const TemplateKey = Type.Object(
  { kind: KindSchema, locale: LocaleSchema, channel: ChannelSchema },
  { additionalProperties: false },
);

export const TemplateView = Type.Object({
  kind: KindSchema,
  locale: LocaleSchema,
  channel: ChannelSchema,
  version: Type.Integer({ description: '0 is the shipped default' }),
  subject: Nullable(Type.String()),
  body: Type.String(),
  smsTemplateCode: Nullable(Type.String()),
  smsParams: Nullable(Type.Record(Type.String(), Type.String())),
  createdBy: Nullable(Type.String()),
  createdAt: Nullable(DateTime()),
});

export const TemplateQuery = Type.Object(
  {
    kind: Type.Optional(KindSchema),
    locale: Type.Optional(LocaleSchema),
    channel: Type.Optional(ChannelSchema),
  },
  { additionalProperties: false },
);

export const PreviewBody = Type.Object(
  {
    kind: KindSchema,
    locale: LocaleSchema,
    channel: ChannelSchema,
    orderId: Uuid(),
    template: Type.Optional(TemplateBody),
  },
  { additionalProperties: false },
);

export const PreviewView = Type.Object({
  subject: Nullable(Type.String()),
  body: Type.String(),
  smsTemplateCode: Nullable(Type.String()),
  smsParams: Nullable(Type.Record(Type.String(), Type.String())),
  templateVersion: Nullable(Type.Integer()),
});

export const NotificationView = Type.Object({
  id: Type.String(),
  kind: KindSchema,
  category: CategorySchema,
  channel: ChannelSchema,
  locale: LocaleSchema,
  orderId: Type.String(),
  customerId: Nullable(Type.String()),
  recipient: Nullable(Type.String()),
  status: StringEnum(['pending', 'sent', 'failed', 'skipped'] as const),
  skipReason: Nullable(Type.String()),
  subject: Nullable(Type.String()),
  body: Nullable(Type.String()),
  templateVersion: Nullable(Type.Integer()),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(DateTime()),
  lastError: Nullable(Type.String()),
  resendOf: Nullable(Type.String()),
  createdAt: DateTime(),
  sentAt: Nullable(DateTime()),
});

export const NotificationQuery = Type.Object(
  {
    orderId: Type.Optional(Uuid()),
    customerId: Type.Optional(Uuid()),
    status: Type.Optional(StringEnum(['pending', 'sent', 'failed', 'skipped'] as const)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Uuid() }, { additionalProperties: false });

export const TokenQuery = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);
export const UnsubscribedView = Type.Object({
  category: CategorySchema,
  channels: Type.Array(StringEnum(CONTACT_CHANNELS), { description: 'Where it is switched off' }),
  unsubscribed: Type.Boolean(),
});

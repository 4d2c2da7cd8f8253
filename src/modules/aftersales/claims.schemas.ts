import { type Static, Type } from 'typebox';
import { PageQuery } from '../../platform/http/pagination.js';
import { DateTime, Money, StringEnum, Uuid } from '../../platform/schemas.js';
import { KbArticle } from './aftersales.schemas.js';
import { CLAIM_KINDS, CLAIM_RESOLUTIONS, CLAIM_STATUSES } from './claim-state.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** A photo the buyer took, hosted where a browser can fetch it safely. */
const PhotoUrl = Type.String({
  format: 'uri',
  pattern: '^https://[^\\s/?#]+\\.[^\\s/?#]+([/?#][^\\s]*)?$',
  maxLength: 2000,
  description: 'an https URL of the photo',
});

export const OpenClaimBody = Type.Object(
  {
    kind: StringEnum(CLAIM_KINDS),
    lines: Type.Array(
      Type.Object(
        { lineId: Uuid(), quantity: Type.Integer({ minimum: 1, maximum: 999 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    photos: Type.Optional(
      Type.Array(PhotoUrl, {
        maxItems: 9,
        description: 'Required for damaged and wrong items: what arrived',
      }),
    ),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type OpenClaimBody = Static<typeof OpenClaimBody>;

export const ResolveClaimBody = Type.Object(
  {
    resolution: StringEnum(CLAIM_RESOLUTIONS),
    amount: Type.Optional(
      Money({ minimum: 1, description: 'compensation: the amount, at most what is left to refund' }),
    ),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type ResolveClaimBody = Static<typeof ResolveClaimBody>;

export const RejectClaimBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

export const Claim = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  kind: StringEnum(CLAIM_KINDS),
  status: StringEnum(CLAIM_STATUSES),
  note: Nullable(Type.String()),
  photos: Type.Array(Type.String()),
  lines: Type.Array(Type.Object({ lineId: Type.String(), sku: Type.String(), quantity: Type.Integer() })),
  resolution: Nullable(StringEnum(CLAIM_RESOLUTIONS)),
  amount: Nullable(Money({ description: 'what was refunded or paid as compensation' })),
  decisionNote: Nullable(Type.String()),
  suggestedArticles: Type.Array(KbArticle, { description: 'Knowledge-base articles for its kind' }),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});
export type Claim = Static<typeof Claim>;

/** A claim in the queue: without its suggestions, which GET /v1/claims/{id} adds. */
export const ClaimSummary = Type.Omit(Claim, ['suggestedArticles']);
export type ClaimSummary = Static<typeof ClaimSummary>;

export const ListClaimsQuery = Type.Object(
  { status: Type.Optional(StringEnum(CLAIM_STATUSES)), ...PageQuery },
  { additionalProperties: false },
);
export type ListClaimsQuery = Static<typeof ListClaimsQuery>;

export const ClaimIdParams = Type.Object({ id: Uuid() });

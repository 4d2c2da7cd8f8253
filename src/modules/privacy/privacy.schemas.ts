import type { Selectable } from 'kysely';
import { Type } from 'typebox';
import { DateTime, StringEnum, Uuid } from '../../platform/schemas.js';
import {
  PRIVACY_REQUEST_KINDS,
  PRIVACY_REQUEST_STATUSES,
  type PrivacyRequestsTable,
} from './privacy.tables.js';

export const PrivacyRequest = Type.Object({
  id: Uuid(),
  kind: StringEnum(PRIVACY_REQUEST_KINDS),
  customerId: Uuid(),
  status: StringEnum(PRIVACY_REQUEST_STATUSES, {
    description: 'queued until the job ran; done, or failed with `error` (erasure: an order still open)',
  }),
  requestedBy: Type.String(),
  orderIds: Type.Array(Type.String(), { description: 'The orders the request covers (once it ran)' }),
  error: Type.Union([Type.String(), Type.Null()]),
  archiveUrl: Type.Union([Type.String(), Type.Null()], {
    description: 'An export that is done: where its JSON archive is downloaded (until it expires)',
  }),
  createdAt: DateTime(),
  finishedAt: Type.Union([DateTime(), Type.Null()]),
});

export const CustomerIdParams = Type.Object({ id: Uuid() }, { additionalProperties: false });

/** A request as the API shows it (the archive is downloaded apart). */
export function toPrivacyRequest(row: Selectable<PrivacyRequestsTable>) {
  return {
    id: row.id,
    kind: row.kind,
    customerId: row.customer_id,
    status: row.status,
    requestedBy: row.requested_by,
    orderIds: row.order_ids,
    error: row.error,
    archiveUrl:
      row.kind === 'export' && row.status === 'done' && row.archive !== null
        ? `/v1/privacy-requests/${row.id}/archive`
        : null,
    createdAt: new Date(row.created_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  };
}

import { type Static, Type } from 'typebox';
import { DateTime, StringEnum, Uuid } from '../../../platform/schemas.js';
import { IMPORT_STATUSES } from './imports.tables.js';
import { FILE_FORMATS } from './record-reader.js';

export const ImportParams = Type.Object({ id: Uuid() }, { additionalProperties: false });

export const ImportQuery = Type.Object(
  {
    mapping: Type.String({
      maxLength: 8000,
      description:
        'The column mapping as JSON: {"columns":{"externalId","sku","title"?,"quantity","unitPrice","placedAt","customer"?,"country"?},"cancelledPrefix"?,"shippingSkus"?,"nonProductSkus"?,"timeZone"?}',
    }),
    format: Type.Optional(
      StringEnum(FILE_FORMATS, {
        description: 'csv or jsonl; needed when the body is application/gzip or octet-stream',
      }),
    ),
    dry_run: Type.Optional(
      Type.Boolean({ default: false, description: 'true: check every row, write no order' }),
    ),
    historical: Type.Optional(
      Type.Boolean({ default: false, description: 'true: orders imported as completed, stock untouched' }),
    ),
  },
  { additionalProperties: false },
);
export type ImportQuery = Static<typeof ImportQuery>;

const Counts = Type.Record(Type.String(), Type.Integer());

export const ImportView = Type.Object(
  {
    id: Type.String(),
    channelId: Type.String(),
    status: StringEnum(IMPORT_STATUSES),
    format: StringEnum(FILE_FORMATS),
    gzipped: Type.Boolean(),
    dryRun: Type.Boolean(),
    historical: Type.Boolean(),
    fileBytes: Type.Integer(),
    progress: Type.Object({
      rowsRead: Type.Integer(),
      bytesRead: Type.Integer(),
      percent: Type.Number(),
      ordersRead: Type.Integer({
        description: 'Orders of the file seen whole: placed, already there or rejected',
      }),
      ordersPlaced: Type.Integer({ description: 'New orders (in a dry run: orders that would be placed)' }),
      ordersAlreadyThere: Type.Integer(),
      ordersHeld: Type.Integer({
        description: 'Live imports: placed, but held with a reason (an unknown SKU)',
      }),
      rowsRejected: Type.Integer(),
      etaSeconds: Type.Union([Type.Number(), Type.Null()]),
    }),
    rejected: Type.Object({ lines: Counts, orders: Counts }, { description: 'What was left out, by reason' }),
    errors: Type.Array(
      Type.Object({ line: Type.Integer(), externalId: Type.String(), reason: Type.String() }),
      { description: 'The first rejections (up to 100 shown, 1000 kept), by line' },
    ),
    attempts: Type.Integer(),
    error: Type.Union([Type.String(), Type.Null()]),
    createdAt: DateTime(),
    finishedAt: Type.Union([DateTime(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type ImportView = Static<typeof ImportView>;

import { randomBytes } from 'node:crypto';
import type { Conn, Db } from '../../platform/db/database.js';
import { AppError, type FieldError, notFound } from '../../platform/errors.js';
import { decodeCursor, encodeCursor, IdCursor } from '../../platform/http/pagination.js';
import { newId } from '../../platform/ids.js';
import { findWarehouse } from '../inventory/index.js';
import type { ChannelSecrets } from './channel-secrets.js';
import {
  type ChannelRow,
  deleteChannelWithoutOrders,
  findChannelByCode,
  findChannelById,
  insertChannel,
  listChannels,
  updateChannel,
} from './channels.repository.js';
import type { ChannelView, CreateChannelBody, UpdateChannelBody } from './channels.schemas.js';
import type { ChannelKind, StockPolicy } from './channels.tables.js';

/** The credentials each kind of channel cannot work without (more may be given, e.g. a seller id). */
export const REQUIRED_CREDENTIALS: Record<ChannelKind, readonly string[]> = {
  shopify: ['accessToken'],
  woocommerce: ['consumerKey', 'consumerSecret'],
  amazon: ['clientId', 'clientSecret', 'refreshToken'],
  file: [],
};

/** Channels that send signed webhooks: a secret is made for them when none is given. */
const SIGNED_WEBHOOKS: ReadonlySet<ChannelKind> = new Set(['shopify', 'woocommerce']);

export const DEFAULT_STOCK_POLICY: StockPolicy = { safetyStock: 0, buffer: { kind: 'absolute', value: 0 } };

export function toChannelView(row: ChannelRow, secrets: ChannelSecrets): ChannelView {
  return {
    id: row.id,
    code: row.code,
    kind: row.kind,
    name: row.name,
    apiUrl: row.api_url,
    credentialFields: row.credentials_enc
      ? Object.keys(secrets.open<Record<string, string>>(row.id, row.credentials_enc)).sort()
      : [],
    hasWebhookSecret: row.webhook_secret_enc !== null,
    warehouses: row.warehouses,
    currency: row.currency.trim(),
    stockPolicy: row.stock_policy,
    enabled: row.enabled,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function checkCredentials(kind: ChannelKind, credentials: Record<string, string> | undefined, field: string) {
  const missing = REQUIRED_CREDENTIALS[kind].filter((k) => !credentials?.[k]);
  if (missing.length) {
    throw new AppError('unprocessable', `A ${kind} channel needs the credentials ${missing.join(', ')}`, {
      errors: missing.map((k) => ({ field: `${field}.${k}`, message: 'is required' })),
    });
  }
}

function checkStockPolicy(policy: StockPolicy | undefined, field: string) {
  if (policy?.buffer.kind === 'percent' && policy.buffer.value > 100) {
    throw new AppError('unprocessable', 'A percentage buffer is at most 100', {
      errors: [{ field: `${field}.buffer.value`, message: 'must be at most 100 for a percent buffer' }],
    });
  }
}

async function checkWarehouses(db: Conn, codes: readonly string[] | undefined, field: string) {
  const errors: FieldError[] = [];
  for (const [i, code] of (codes ?? []).entries()) {
    if (!(await findWarehouse(db, code)))
      errors.push({ field: `${field}[${i}]`, message: `no warehouse ${code}` });
  }
  if (errors.length) throw new AppError('unprocessable', 'Some warehouses do not exist', { errors });
}

export async function createChannel(
  db: Db,
  secrets: ChannelSecrets,
  body: CreateChannelBody,
): Promise<ChannelView & { webhookSecret?: string }> {
  checkCredentials(body.kind, body.credentials, 'body.credentials');
  checkStockPolicy(body.stockPolicy, 'body.stockPolicy');
  await checkWarehouses(db, body.warehouses, 'body.warehouses');
  if (await findChannelByCode(db, body.code)) {
    throw new AppError('conflict', `A channel with the code ${body.code} already exists`);
  }
  const id = newId();
  const generated =
    body.webhookSecret === undefined && SIGNED_WEBHOOKS.has(body.kind)
      ? randomBytes(24).toString('base64url')
      : undefined;
  const webhookSecret = body.webhookSecret ?? generated;
  const row = await insertChannel(db, {
    id,
    code: body.code,
    kind: body.kind,
    name: body.name,
    api_url: body.apiUrl ?? null,
    credentials_enc: body.credentials ? secrets.seal(id, body.credentials) : null,
    webhook_secret_enc: webhookSecret ? secrets.seal(id, webhookSecret) : null,
    warehouses: body.warehouses ?? [],
    currency: body.currency,
    stock_policy: JSON.stringify(body.stockPolicy ?? DEFAULT_STOCK_POLICY),
    enabled: body.enabled ?? true,
  });
  const view = toChannelView(row, secrets);
  return generated ? { ...view, webhookSecret: generated } : view;
}

export async function getChannelRow(db: Conn, id: string): Promise<ChannelRow> {
  const row = await findChannelById(db, id);
  if (!row) throw notFound('Channel', id);
  return row;
}

export async function listChannelPage(
  db: Conn,
  secrets: ChannelSecrets,
  query: { limit?: number; cursor?: string },
) {
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, IdCursor)?.[0];
  const rows = await listChannels(db, after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    data: page.map((r) => toChannelView(r, secrets)),
    nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.id]) : null,
  };
}

export async function changeChannel(
  db: Db,
  secrets: ChannelSecrets,
  id: string,
  body: UpdateChannelBody,
): Promise<ChannelView> {
  const current = await getChannelRow(db, id);
  if (body.credentials) checkCredentials(current.kind, body.credentials, 'body.credentials');
  checkStockPolicy(body.stockPolicy, 'body.stockPolicy');
  await checkWarehouses(db, body.warehouses, 'body.warehouses');
  const row = await updateChannel(db, id, {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.apiUrl !== undefined ? { api_url: body.apiUrl } : {}),
    ...(body.credentials ? { credentials_enc: secrets.seal(id, body.credentials) } : {}),
    ...(body.webhookSecret ? { webhook_secret_enc: secrets.seal(id, body.webhookSecret) } : {}),
    ...(body.warehouses ? { warehouses: body.warehouses } : {}),
    ...(body.currency ? { currency: body.currency } : {}),
    ...(body.stockPolicy ? { stock_policy: JSON.stringify(body.stockPolicy) } : {}),
    ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
  });
  if (!row) throw notFound('Channel', id);
  return toChannelView(row, secrets);
}

/** A channel that took orders stays (its orders name it, and its dedupe must hold): disable it instead. */
export async function removeChannel(db: Db, id: string): Promise<void> {
  await getChannelRow(db, id);
  if (!(await deleteChannelWithoutOrders(db, id))) {
    throw new AppError('conflict', 'The channel has orders and cannot be deleted; disable it instead', {
      hint: 'PATCH /v1/channels/{id} with {"enabled": false}',
    });
  }
}

/** The channel's API credentials, decrypted, for its adapters (never for an answer). */
export function channelCredentials(secrets: ChannelSecrets, row: ChannelRow): Record<string, string> {
  return row.credentials_enc ? secrets.open<Record<string, string>>(row.id, row.credentials_enc) : {};
}

/** The channel's webhook secret, decrypted, to verify a delivery's signature. */
export function channelWebhookSecret(secrets: ChannelSecrets, row: ChannelRow): string | undefined {
  return row.webhook_secret_enc ? secrets.open<string>(row.id, row.webhook_secret_enc) : undefined;
}

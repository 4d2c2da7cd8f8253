import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { boundChannel } from '../../platform/auth/channel-scope.js';
import type { Principal } from '../../platform/auth/roles.js';
import type { Conn } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import { UUID_PATTERN } from '../../platform/ids.js';
import { findOrderAccess, setOrderAccessTokenHash } from './orders.repository.js';

/**
 * A storefront key is shared by every buyer of a shop front, so it proves nothing about who is asking.
 * What a buyer holds is the order's access token, returned once when the order is placed (as the key
 * in Shopify's order-status URL); the order keeps only its SHA-256 (192 random bits need no slow hash).
 */
export const ORDER_TOKEN_HEADER = 'order-access-token';

const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

export function newOrderAccessToken(): { token: string; hash: string } {
  const token = `oat_${randomBytes(24).toString('base64url')}`;
  return { token, hash: hashToken(token).toString('hex') };
}

/**
 * A new token for an order whose placement answer was lost (a crash between commit and reply): the
 * retry that recovers the order is the only one to have asked for it, and nobody holds the first.
 */
export async function reissueOrderAccessToken(db: Conn, orderId: string): Promise<string> {
  const access = newOrderAccessToken();
  await setOrderAccessTokenHash(db, orderId, access.hash);
  return access.token;
}

const Token = Type.String({ minLength: 1, maxLength: 100 });
const tokenUse =
  "The order's access token (accessToken, returned when it was placed): what a storefront key needs to reach the order";

/** The header and query parameter a buyer may send the token in, for the operations that take it. */
export const OrderAccessSchema = {
  headers: Type.Object({ [ORDER_TOKEN_HEADER]: Type.Optional({ ...Token, description: tokenUse }) }),
  querystring: Type.Object(
    {
      accessToken: Type.Optional({
        ...Token,
        description: `${tokenUse}; or send it as the ${ORDER_TOKEN_HEADER} header`,
      }),
    },
    { additionalProperties: false },
  ),
};

function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers[ORDER_TOKEN_HEADER];
  if (typeof header === 'string' && header) return header;
  const query = (request.query as { accessToken?: unknown } | undefined)?.accessToken;
  return typeof query === 'string' && query ? query : undefined;
}

const UUID = new RegExp(UUID_PATTERN);

/** What of an order the access check reads. */
type AccessRow = { channel: string | null; access_token_hash: string | null };

/** A storefront key without a token is refused before any order is read. */
function needsOrderRow(who: Principal | null, token: string | undefined): boolean {
  if (who?.role !== 'storefront' && who?.role !== 'channel') return false;
  if (who.role === 'storefront' && !token)
    throw new AppError(
      'forbidden',
      `A storefront key reaches an order only with its access token (accessToken, returned when it was placed): send it as the ${ORDER_TOKEN_HEADER} header or the accessToken query parameter`,
    );
  return true;
}

function assertOrderAccess(
  who: Principal | null,
  orderId: string,
  token: string | undefined,
  order: AccessRow | undefined,
): void {
  if (!needsOrderRow(who, token)) return;
  if (who!.role === 'channel') {
    if (order?.channel !== boundChannel(who!)) throw notFound('Order', orderId);
    return;
  }
  const stored = order?.access_token_hash ? Buffer.from(order.access_token_hash, 'hex') : undefined;
  const given = hashToken(token!);
  if (!stored || stored.length !== given.length || !timingSafeEqual(stored, given))
    throw notFound('Order', orderId);
}

/**
 * Whether the caller may act on order `orderId`: staff roles may (the route's roles decide which);
 * a channel key only on its channel's orders; a storefront key only with the order's token. An order
 * the caller may not see answers as one that does not exist.
 */
export async function checkOrderAccess(
  db: Conn,
  who: Principal | null,
  orderId: string,
  token: string | undefined,
): Promise<void> {
  if (!needsOrderRow(who, token)) return;
  assertOrderAccess(who, orderId, token, await findOrderAccess(db, orderId));
}

/** The access check on the order row a command has read itself (it locks the order anyway). */
export type OrderAccessCheck = (order: AccessRow | undefined) => void;

export function orderAccessCheck(request: FastifyRequest): OrderAccessCheck {
  const { principal } = request;
  const id = (request.params as { id: string }).id;
  const token = presentedToken(request);
  return (order) => assertOrderAccess(principal, id, token, order);
}

/**
 * The `onRequest` hook of an operation on the order in `:id`: checked before the body is read and
 * before an Idempotency-Key could replay a stored answer. A malformed id is left to validation.
 * `checkedByCommand`: the command checks the order it locks (orderAccessCheck), so a request that no
 * stored answer can precede (no Idempotency-Key) costs no read of its own here.
 */
export const orderAccessHook =
  (db: Conn, options: { checkedByCommand?: boolean } = {}) =>
  async (request: FastifyRequest): Promise<void> => {
    const id = (request.params as { id?: string }).id;
    if (!id || !UUID.test(id)) return;
    const token = presentedToken(request);
    if (options.checkedByCommand && request.headers['idempotency-key'] === undefined) {
      needsOrderRow(request.principal, token);
      return;
    }
    await checkOrderAccess(db, request.principal, id, token);
  };

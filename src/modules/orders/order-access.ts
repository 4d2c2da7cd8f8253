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
  if (who?.role !== 'storefront' && who?.role !== 'channel') return;
  if (who.role === 'storefront' && !token)
    throw new AppError(
      'forbidden',
      `A storefront key reaches an order only with its access token (accessToken, returned when it was placed): send it as the ${ORDER_TOKEN_HEADER} header or the accessToken query parameter`,
    );
  const order = await findOrderAccess(db, orderId);
  if (who.role === 'channel') {
    if (order?.channel !== boundChannel(who)) throw notFound('Order', orderId);
    return;
  }
  const stored = order?.access_token_hash ? Buffer.from(order.access_token_hash, 'hex') : undefined;
  const given = hashToken(token!);
  if (!stored || stored.length !== given.length || !timingSafeEqual(stored, given))
    throw notFound('Order', orderId);
}

/**
 * The `onRequest` hook of an operation on the order in `:id`: checked before the body is read and
 * before an Idempotency-Key could replay a stored answer. A malformed id is left to validation.
 */
export const orderAccessHook =
  (db: Conn) =>
  async (request: FastifyRequest): Promise<void> => {
    const id = (request.params as { id?: string }).id;
    if (!id || !UUID.test(id)) return;
    await checkOrderAccess(db, request.principal, id, presentedToken(request));
  };

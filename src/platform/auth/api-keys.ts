import { createHash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { recordChange } from '../audit/audit-recorder.js';
import type { Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { newId } from '../ids.js';
import type { Principal, Role } from './roles.js';

// Keys carry 192 random bits, so a fast hash is enough: there is nothing to brute-force.
export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export const generateKey = (): string => `osk_${randomBytes(24).toString('base64url')}`;

export async function createApiKey(
  db: Db,
  input: { name: string; role: Role; key?: string; channel?: string | undefined },
) {
  const key = input.key ?? generateKey();
  const row = await inTransaction(db, async (trx) => {
    const created = await trx
      .insertInto('api_keys')
      .values({
        id: newId(),
        name: input.name,
        role: input.role,
        key_prefix: key.slice(0, 8),
        key_hash: hashKey(key),
        channel: input.channel ?? null,
      })
      .returning(['id', 'name', 'role', 'key_prefix', 'created_at', 'channel'])
      .executeTakeFirstOrThrow();
    const { id, role, channel, key_prefix } = created;
    await recordChange(trx, {
      action: 'api_key.create',
      resource: 'api_key',
      resourceId: id,
      after: { role, channel, keyPrefix: key_prefix, label: created.name },
    });
    return created;
  });
  return { ...row, key };
}

export async function listApiKeys(db: Db) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'name', 'role', 'key_prefix', 'created_at', 'revoked_at', 'channel'])
    .orderBy('created_at')
    .execute();
}

export async function revokeApiKey(db: Db, id: string): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const revoked = await trx
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning(['role', 'channel', 'revoked_at'])
      .executeTakeFirst();
    if (!revoked) return false;
    await recordChange(trx, {
      action: 'api_key.revoke',
      resource: 'api_key',
      resourceId: id,
      before: { role: revoked.role, channel: revoked.channel, revokedAt: null },
      after: { role: revoked.role, channel: revoked.channel, revokedAt: revoked.revoked_at },
    });
    return true;
  });
}

export async function countApiKeys(db: Db): Promise<number> {
  const r = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Resolves a presented key to its principal. A short-lived cache keeps the hot path off the database:
 * least recently used keys leave it first, so a flood of unknown keys cannot push every known key out
 * at once. A key revoked through this process stops working here at once; other processes keep it for
 * up to CACHE_MS.
 */
export class ApiKeyResolver {
  static readonly CACHE_MS = 10_000;
  // Unknown keys are cached too (as null), so repeating one does not reach the database.
  readonly #cache: LRUCache<string, { principal: Principal | null }>;
  constructor(
    private readonly db: Db,
    cacheSize = 10_000,
  ) {
    this.#cache = new LRUCache({ max: cacheSize, ttl: ApiKeyResolver.CACHE_MS });
  }

  async resolve(key: string): Promise<Principal | null> {
    const hash = hashKey(key);
    const hit = this.#cache.get(hash);
    if (hit) return hit.principal;
    const row = await this.db
      .selectFrom('api_keys')
      .select(['id', 'name', 'role', 'channel'])
      .where('key_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const principal = row
      ? { keyId: row.id, name: row.name, role: row.role as Role, channel: row.channel }
      : null;
    this.#cache.set(hash, { principal });
    return principal;
  }

  /** Keys held in the cache now. */
  get cached(): number {
    return this.#cache.size;
  }

  forget(): void {
    this.#cache.clear();
  }
}

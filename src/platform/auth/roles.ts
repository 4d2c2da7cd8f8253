import { Type } from 'typebox';

export const ROLES = ['admin', 'support', 'warehouse', 'finance', 'channel', 'storefront'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

/** Who is calling: the API key's id (the idempotency scope), its role, and a channel key's channel. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  channel?: string | null;
}

/** A sales channel's code, as orders and channel keys name it. */
export const ChannelCode = Type.String({ pattern: '^[a-z0-9_-]{1,32}$' });

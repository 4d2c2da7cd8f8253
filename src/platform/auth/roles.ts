import { Type } from 'typebox';

export const ROLES = ['admin', 'support', 'warehouse', 'finance', 'channel', 'storefront'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

/** Who is calling: the API key's id (the idempotency scope) and its role. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
}

import type { ColumnType } from 'kysely';
import type { CreatedAt, Generated, JsonDefault } from '../../platform/db/columns.js';
import type { ContactPreferences } from './contact-preferences.js';
import type { CustomerLocale } from './customer-defaults.js';

export interface CustomersTable {
  id: string;
  name: string | null;
  /** Lower-case, trimmed. */
  email: string | null;
  /** E.164. */
  phone: string | null;
  locale: CustomerLocale;
  /** IANA zone; null when not known (a country with several zones). */
  time_zone: string | null;
  contact_preferences: JsonDefault<ContactPreferences>;
  tags: JsonDefault<string[]>;
  merged_into: ColumnType<string | null, string | null | undefined, string | null>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export type IdentityKind = 'email' | 'phone';

export interface CustomerIdentitiesTable {
  kind: IdentityKind;
  value: string;
  customer_id: string;
  created_at: CreatedAt;
}

export type MatchedBy = IdentityKind | 'new' | 'merge';

export interface CustomerOrdersTable {
  order_id: string;
  customer_id: string;
  matched_by: MatchedBy;
  linked_at: CreatedAt;
}

export interface CustomerAddressesTable {
  id: string;
  customer_id: string;
  fingerprint: string;
  name: string;
  phone: string;
  country: string;
  province: string | null;
  city: string;
  district: string | null;
  line1: string;
  line2: string | null;
  postal_code: string | null;
  last_used_at: CreatedAt;
}

export interface CustomerNotesTable {
  id: string;
  customer_id: string | null;
  order_id: string | null;
  author: string;
  body: string;
  created_at: CreatedAt;
}

export interface CustomerTimelineTable {
  id: string;
  customer_id: string;
  at: CreatedAt;
  kind: string;
  actor: string | null;
  message: string;
  data: JsonDefault<Record<string, unknown>>;
}

export interface CustomersTables {
  customers: CustomersTable;
  customer_identities: CustomerIdentitiesTable;
  customer_orders: CustomerOrdersTable;
  customer_addresses: CustomerAddressesTable;
  customer_notes: CustomerNotesTable;
  customer_timeline: CustomerTimelineTable;
}

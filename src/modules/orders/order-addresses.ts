import type { Address } from './orders.schemas.js';
import type { OrderAddressesTable } from './orders.tables.js';
import { normalizePhone } from './phone-number.js';

/**
 * An order's addresses as a placement or an edit gives them, as order_addresses rows: phones in
 * E.164 where they parse (in the address's country), as every stored order phone is.
 */
export function toAddressRows(
  orderId: string,
  addresses: Readonly<Record<string, Address>>,
): OrderAddressesTable[] {
  return Object.entries(addresses).map(([key, a]) => ({
    order_id: orderId,
    key,
    name: a.name,
    phone: normalizePhone(a.phone, a.country),
    country: a.country,
    province: a.province ?? null,
    city: a.city,
    district: a.district ?? null,
    line1: a.line1,
    line2: a.line2 ?? null,
    postal_code: a.postalCode ?? null,
  }));
}

import type { Promotion, ShippingZone, TaxRate } from './pricing.schemas.js';

/** What priceOrder takes: a cart, and the rules in force. */
export interface PricingLine {
  sku: string;
  categoryId?: string | null;
  /** The product's tax category ('standard' unless the catalog says otherwise). */
  taxCategory: string;
  unitPrice: number;
  quantity: number;
  weightGrams?: number | null;
  /** The key of the address it ships to. */
  shipTo: string;
}

export interface PricingAddress {
  country: string;
  province?: string | null;
  city?: string | null;
}

export interface PricingInput {
  currency: string;
  channel: string;
  at: Date;
  lines: readonly PricingLine[];
  addresses: Readonly<Record<string, PricingAddress>>;
  couponCodes?: readonly string[];
  customer?: {
    tags?: readonly string[];
    /** Whether this e-mail has no order yet; only needed when a first-order promotion exists. */
    firstOrder?: boolean;
    /** The customer's uses so far, by promotion id (for per-customer limits). */
    uses?: Readonly<Record<string, number>>;
  };
  /** The chosen option (carrier:service) per address key; the cheapest when not given. */
  shipping?: Readonly<Record<string, string>>;
  paymentMethod?: string;
}

/** The rules in force: automatic promotions plus the coupons the input names, zones, tax rates. */
export interface PricingRules {
  promotions: readonly Promotion[];
  zones: readonly ShippingZone[];
  taxRates: readonly TaxRate[];
}

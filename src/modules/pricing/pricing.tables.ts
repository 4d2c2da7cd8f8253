import type { CreatedAt, Generated, Json, JsonDefault } from '../../platform/db/columns.js';
import type { PromotionAction, PromotionConditions, Region, ShippingRate } from './pricing.schemas.js';

export interface PromotionsTable {
  id: string;
  name: string;
  code: string | null;
  currency: string;
  active: boolean;
  starts_at: Date | null;
  ends_at: Date | null;
  priority: number;
  exclusive: boolean;
  conditions: JsonDefault<PromotionConditions>;
  action: Json<PromotionAction>;
  usage_limit: number | null;
  per_customer_limit: number | null;
  used: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface PromotionCustomerUsesTable {
  promotion_id: string;
  customer: string;
  uses: number;
}

export interface ShippingZonesTable {
  id: string;
  name: string;
  currency: string | null;
  regions: Json<Region[]>;
  rates: Json<ShippingRate[]>;
  cod: Json<{ fee: number; limit?: number } | null>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface TaxRatesTable {
  id: string;
  country: string;
  province: string | null;
  category: string;
  basis_points: number;
  inclusive: boolean;
  name: string;
  created_at: CreatedAt;
}

export interface PricingTables {
  promotions: PromotionsTable;
  promotion_customer_uses: PromotionCustomerUsesTable;
  shipping_zones: ShippingZonesTable;
  tax_rates: TaxRatesTable;
}

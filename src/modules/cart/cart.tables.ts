import type { CreatedAt, Generated } from '../../platform/db/columns.js';

export interface CartsTable {
  id: string;
  currency: string | null;
  status: Generated<'open' | 'checked_out'>;
  order_id: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface CartItemsTable {
  id: string;
  cart_id: string;
  sku: string;
  quantity: number;
  created_at: CreatedAt;
}

export interface CartTables {
  carts: CartsTable;
  cart_items: CartItemsTable;
}

import type { CreatedAt, JsonDefault } from '../../platform/db/columns.js';
import type { AttributeDefinition } from './catalog.schemas.js';

export interface CategoriesTable {
  id: string;
  parent_id: string | null;
  name: string;
  slug: string;
  path: string;
  attributes: JsonDefault<AttributeDefinition[]>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ProductsTable {
  id: string;
  category_id: string;
  title: string;
  description: string;
  status: 'draft' | 'active' | 'archived';
  attributes: JsonDefault<Record<string, string | number | boolean>>;
  images: JsonDefault<string[]>;
  min_price: number | null;
  max_price: number | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface VariantsTable {
  id: string;
  product_id: string;
  sku: string;
  title: string;
  options: JsonDefault<Record<string, string>>;
  price: number;
  currency: string;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface CatalogTables {
  categories: CategoriesTable;
  products: ProductsTable;
  variants: VariantsTable;
}

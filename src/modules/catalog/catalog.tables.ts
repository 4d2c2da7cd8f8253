import type { ColumnType } from 'kysely';
import type { CreatedAt, Generated, JsonDefault } from '../../platform/db/columns.js';
import type { AttributeDefinition, AttributeValues, ProductStatus } from './catalog.schemas.js';

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
  status: ProductStatus;
  attributes: JsonDefault<AttributeValues>;
  images: JsonDefault<string[]>;
  /** Which tax rates apply (pricing); 'standard' unless said. */
  tax_category: Generated<string>;
  min_price: number | null;
  max_price: number | null;
  /** Generated from title (weight A) and description (B) with the 'simple' configuration. */
  search: ColumnType<string, never, never>;
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
  weight_grams: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface CatalogTables {
  categories: CategoriesTable;
  products: ProductsTable;
  variants: VariantsTable;
}

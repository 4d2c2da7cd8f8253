import { type Static, Type } from 'typebox';
import { PageQuery } from '../../platform/http/pagination.js';
import { UUID_PATTERN } from '../../platform/ids.js';

export const Id = Type.String({ pattern: UUID_PATTERN });

export const ATTRIBUTE_TYPES = ['string', 'number', 'boolean', 'enum'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export const PRODUCT_STATUSES = ['draft', 'active', 'archived'] as const;
export const ProductStatus = Type.Enum(PRODUCT_STATUSES);
export type ProductStatus = Static<typeof ProductStatus>;

export const MAX_VARIANTS = 100;
/** 10 billion in major units: far above any price, far below where bigint or a double would strain. */
const MAX_PRICE = 1_000_000_000_000;

export const SORTS = ['relevance', 'price_asc', 'price_desc', 'newest'] as const;
export type ProductSort = (typeof SORTS)[number];

/** Names attributes share with JSON keys and `attr.<name>` query parameters. */
export const ATTRIBUTE_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_]{0,63}$';
const AttributeName = Type.String({ pattern: ATTRIBUTE_NAME_PATTERN, maxLength: 64 });

export const AttributeDefinition = Type.Object(
  {
    name: AttributeName,
    type: Type.Enum(ATTRIBUTE_TYPES),
    required: Type.Boolean(),
    values: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
        minItems: 1,
        maxItems: 200,
        uniqueItems: true,
        description: 'The allowed values; only for type enum, and required there',
      }),
    ),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type AttributeDefinition = Static<typeof AttributeDefinition>;

export const AttributeValue = Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean()]);
export type AttributeValue = Static<typeof AttributeValue>;
export type AttributeValues = Record<string, AttributeValue>;
// Keys are not restricted here: an unknown or misspelt attribute is reported by name as a 422.
const AttributeValues = Type.Record(Type.String({ maxLength: 64 }), AttributeValue, { maxProperties: 100 });

export const CreateCategoryBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    slug: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 64 }),
    parentId: Type.Optional(Id),
    attributes: Type.Optional(
      Type.Array(AttributeDefinition, {
        maxItems: 50,
        default: [],
        description:
          "This category's own attributes; products also get its ancestors' (a child overrides a name)",
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateCategoryBody = Static<typeof CreateCategoryBody>;

export const Category = Type.Object({
  id: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  slug: Type.String(),
  path: Type.String({ description: "Ancestors' ids and its own, as '/rootId/…/id/'" }),
  depth: Type.Integer({ description: '0 for a root category' }),
  attributes: Type.Array(AttributeDefinition),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Category = Static<typeof Category>;

export const CategoryList = Type.Object(
  { data: Type.Array(Category) },
  { description: 'The whole tree as a flat list ordered by path, so every parent comes before its children' },
);

const Images = Type.Array(Type.String({ format: 'uri', maxLength: 2048 }), { maxItems: 20 });

export const CreateVariantBody = Type.Object(
  {
    sku: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', maxLength: 64 }),
    title: Type.Optional(Type.String({ maxLength: 200 })),
    options: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.String({ maxLength: 100 }), {
        maxProperties: 20,
      }),
    ),
    price: Type.Integer({ minimum: 0, maximum: MAX_PRICE, description: 'Minor units (fen, cents)' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217; one currency per product' }),
    weightGrams: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Shipping weight, for rates by weight' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateVariantBody = Static<typeof CreateVariantBody>;

export const CreateProductBody = Type.Object(
  {
    categoryId: Type.Optional(
      Type.String({ pattern: UUID_PATTERN, description: 'The category id; or give category' }),
    ),
    category: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'The category id or slug, as the product filters take it; one of this or categoryId',
      }),
    ),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    status: Type.Optional(Type.Enum(PRODUCT_STATUSES, { default: 'draft' })),
    attributes: Type.Optional(AttributeValues),
    images: Type.Optional(Images),
    taxCategory: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{1,32}$',
        description: 'Which tax rates apply (GET /v1/tax-rates); default standard',
      }),
    ),
    variants: Type.Array(CreateVariantBody, { minItems: 1, maxItems: MAX_VARIANTS }),
  },
  { additionalProperties: false },
);
export type CreateProductBody = Static<typeof CreateProductBody>;

export const UpdateVariantBody = Type.Object(
  {
    price: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_PRICE, description: 'Minor units, in the product currency' }),
    ),
    title: Type.Optional(Type.String({ maxLength: 200 })),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'A new price applies to orders placed from now on; placed orders keep theirs',
  },
);
export type UpdateVariantBody = Static<typeof UpdateVariantBody>;

export const UpdateProductBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    status: Type.Optional(ProductStatus),
    attributes: Type.Optional(AttributeValues),
    images: Type.Optional(Images),
    taxCategory: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{1,32}$',
        description: 'Which tax rates apply (GET /v1/tax-rates); default standard',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Fields given replace the stored ones; attributes are replaced as a whole and validated again',
  },
);
export type UpdateProductBody = Static<typeof UpdateProductBody>;

export const ProductIdParams = Type.Object({ id: Id });
export const VariantParams = Type.Object({
  id: Id,
  sku: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', maxLength: 64 }),
});

export const Variant = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  title: Type.String(),
  options: Type.Record(Type.String(), Type.String()),
  price: Type.Integer(),
  currency: Type.String(),
  weightGrams: Type.Union([Type.Integer(), Type.Null()]),
});
export type Variant = Static<typeof Variant>;

const productFields = {
  id: Type.String(),
  categoryId: Type.String(),
  title: Type.String(),
  status: ProductStatus,
  attributes: Type.Record(Type.String(), AttributeValue),
  images: Type.Array(Type.String()),
  taxCategory: Type.String(),
  minPrice: Type.Integer(),
  maxPrice: Type.Integer(),
  currency: Type.String(),
  variants: Type.Array(Variant),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
};

export const Product = Type.Object({ ...productFields, description: Type.String() });
export type Product = Static<typeof Product>;

export const ProductSummary = Type.Object(productFields, {
  description: 'A product without its description',
});
export type ProductSummary = Static<typeof ProductSummary>;

export const ProductPage = Type.Object({
  data: Type.Array(ProductSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const ProductSearchQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'Words matched as prefixes in title and description; Chinese, Japanese and Korean also inside words (茶具 finds 青瓷茶具套装)',
      }),
    ),
    category: Type.Optional(
      Type.String({ maxLength: 64, description: 'A category id or slug; its descendants are included' }),
    ),
    price_min: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Products whose price range reaches this' }),
    ),
    price_max: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Products whose price range starts at or below' }),
    ),
    in_stock: Type.Optional(Type.Boolean({ description: 'true: only products with a SKU in stock' })),
    status: Type.Optional(
      Type.Enum([...PRODUCT_STATUSES, 'any'], { description: "Default active; 'any' for every status" }),
    ),
    sort: Type.Optional(Type.Enum(SORTS, { description: 'Default relevance when q is given, else newest' })),
    ...PageQuery,
  },
  {
    // attr.<name>=value filters: jsonb containment, typed by the attribute's declared type.
    patternProperties: { '^attr\\.[A-Za-z][A-Za-z0-9_]{0,63}$': Type.String({ maxLength: 500 }) },
    additionalProperties: false,
    description: 'attr.<name>=v1,v2 filters by attribute (values of one name OR, names AND)',
  },
);
export type ProductSearchQuery = Static<typeof ProductSearchQuery>;

import type { FieldError } from '../../platform/errors.js';
import type { AttributeDefinition, AttributeValues } from './catalog.schemas.js';

export type AttributeSchema = Map<string, AttributeDefinition>;

/**
 * The attribute schema a product of a category answers to: its ancestors' definitions and its own,
 * given root first, merged so that a descendant's definition replaces an ancestor's of the same name.
 */
export function mergeAttributeSchemas(
  rootFirst: readonly (readonly AttributeDefinition[])[],
): AttributeSchema {
  const schema: AttributeSchema = new Map();
  for (const definitions of rootFirst) for (const d of definitions) schema.set(d.name, d);
  return schema;
}

/** The rules TypeBox cannot state: unique names, and `values` exactly when the type is enum. */
export function checkAttributeDefinitions(
  definitions: readonly AttributeDefinition[],
  field: string,
): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  definitions.forEach((d, i) => {
    if (seen.has(d.name))
      errors.push({ field: `${field}[${i}].name`, message: `repeats the attribute ${d.name}` });
    seen.add(d.name);
    if (d.type === 'enum' && !d.values) {
      errors.push({ field: `${field}[${i}].values`, message: 'is required for an enum attribute' });
    }
    if (d.type !== 'enum' && d.values) {
      errors.push({ field: `${field}[${i}].values`, message: 'is only allowed for an enum attribute' });
    }
  });
  return errors;
}

function valueError(definition: AttributeDefinition, value: unknown): string | undefined {
  switch (definition.type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'enum': {
      const allowed = definition.values ?? [];
      if (typeof value === 'string' && allowed.includes(value)) return undefined;
      return `must be one of: ${allowed.join(', ')}`;
    }
  }
}

/**
 * Checks a product's attributes against its schema and names every bad one: unknown, of the wrong
 * type or outside its enum (in the order given), then each missing required attribute.
 */
export function validateAttributes(
  schema: AttributeSchema,
  values: AttributeValues,
  field = 'body.attributes',
): FieldError[] {
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(values)) {
    const definition = schema.get(name);
    const message = definition ? valueError(definition, value) : 'is not an attribute of this category';
    if (message) errors.push({ field: `${field}.${name}`, message });
  }
  for (const definition of schema.values()) {
    if (definition.required && !Object.hasOwn(values, definition.name)) {
      errors.push({ field: `${field}.${definition.name}`, message: 'is required by the category' });
    }
  }
  return errors;
}

import { describe, expect, it } from 'vitest';
import type { AttributeDefinition } from './catalog.schemas.js';
import {
  checkAttributeDefinitions,
  mergeAttributeSchemas,
  validateAttributes,
} from './product-attributes.js';

const root: AttributeDefinition[] = [
  { name: 'material', type: 'enum', required: true, values: ['cotton', 'linen'] },
  { name: 'size', type: 'string', required: false },
];
const child: AttributeDefinition[] = [
  { name: 'size', type: 'number', required: true },
  { name: 'organic', type: 'boolean', required: false },
];

describe('mergeAttributeSchemas', () => {
  it("adds a child's definitions to its ancestors', the child winning on a shared name", () => {
    const schema = mergeAttributeSchemas([root, child]);
    expect([...schema.keys()]).toEqual(['material', 'size', 'organic']);
    expect(schema.get('size')).toMatchObject({ type: 'number', required: true });
  });
});

describe('validateAttributes', () => {
  const schema = mergeAttributeSchemas([root, child]);

  it('accepts values that fit, leaving out optional ones', () => {
    expect(validateAttributes(schema, { material: 'linen', size: 42 })).toEqual([]);
  });

  it('names every bad attribute: unknown, wrong type, outside the enum, missing', () => {
    const errors = validateAttributes(schema, { material: 'silk', organic: 'yes', colour: 'red' });
    expect(errors).toEqual([
      { field: 'body.attributes.material', message: 'must be one of: cotton, linen' },
      { field: 'body.attributes.organic', message: 'must be true or false' },
      { field: 'body.attributes.colour', message: 'is not an attribute of this category' },
      { field: 'body.attributes.size', message: 'is required by the category' },
    ]);
  });

  it('does not take a number for a string, nor a string for a number', () => {
    const s = mergeAttributeSchemas([[{ name: 'brand', type: 'string', required: true }], child]);
    const fields = validateAttributes(s, { brand: 7, size: '42' }).map((e) => e.field);
    expect(fields).toEqual(['body.attributes.brand', 'body.attributes.size']);
  });

  it('lets an empty schema take no attributes', () => {
    expect(validateAttributes(new Map(), {})).toEqual([]);
  });
});

describe('checkAttributeDefinitions', () => {
  it('wants values on an enum only, and each name once', () => {
    const errors = checkAttributeDefinitions(
      [
        { name: 'a', type: 'enum', required: true },
        { name: 'b', type: 'string', required: true, values: ['x'] },
        { name: 'a', type: 'number', required: false },
      ],
      'body.attributes',
    );
    expect(errors.map((e) => e.field)).toEqual([
      'body.attributes[0].values',
      'body.attributes[1].values',
      'body.attributes[2].name',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { encodeCursor } from '../../platform/http/pagination.js';
import type { AttributeType } from './catalog.schemas.js';
import {
  attributeParams,
  buildPrefixTsQuery,
  decodeSearchCursor,
  effectiveSort,
  encodeSearchCursor,
  typeAttributeFilters,
} from './product-search.js';

describe('buildPrefixTsQuery', () => {
  it('makes each word a prefix and ANDs them', () => {
    expect(buildPrefixTsQuery('Linen  shi')).toBe('linen:* & shi:*');
  });

  it('keeps only letters and digits, so tsquery syntax cannot get through', () => {
    expect(buildPrefixTsQuery("a&b | !c:* 'd' (e)")).toBe('a:* & b:* & c:* & d:* & e:*');
    expect(buildPrefixTsQuery('T-shirt 65W')).toBe('t:* & shirt:* & 65w:*');
  });

  it('keeps letters of any script', () => {
    expect(buildPrefixTsQuery('Café Ελιά')).toBe('café:* & ελιά:*');
  });

  it('finds CJK words inside longer ones by their character bigrams, adjacent, or one character', () => {
    expect(buildPrefixTsQuery('茶具')).toBe('(茶具:* | 茶具)');
    expect(buildPrefixTsQuery('茶具套')).toBe('(茶具套:* | (茶具 <-> 具套))');
    expect(buildPrefixTsQuery('杯')).toBe('(杯:* | 杯)');
    expect(buildPrefixTsQuery('纯棉 Café')).toBe('(纯棉:* | 纯棉) & café:*');
    expect(buildPrefixTsQuery('iPhone手机壳')).toBe('(iphone手机壳:* | iphone:* & (手机 <-> 机壳))');
    expect(buildPrefixTsQuery('和風の茶碗')).toBe('(和風の茶碗:* | (和風 <-> 風の <-> の茶 <-> 茶碗))');
  });

  it('is no filter when nothing is left', () => {
    expect(buildPrefixTsQuery(undefined)).toBeUndefined();
    expect(buildPrefixTsQuery('')).toBeUndefined();
    expect(buildPrefixTsQuery(' !!! :* ')).toBeUndefined();
  });

  it('takes at most 16 words', () => {
    expect(buildPrefixTsQuery('w '.repeat(40))?.split(' & ')).toHaveLength(16);
  });
});

describe('attribute filters', () => {
  const declared = new Map<string, Set<AttributeType>>([
    ['warrantyMonths', new Set(['number'])],
    ['wireless', new Set(['boolean'])],
    ['material', new Set(['enum', 'string'])],
  ]);

  it('picks attr.<name> parameters out of a query', () => {
    const params = attributeParams({ q: 'x', 'attr.wireless': 'true', 'attr.material': 'linen', limit: 5 });
    expect([...params]).toEqual([
      ['wireless', 'true'],
      ['material', 'linen'],
    ]);
  });

  it('types values by the declared type', () => {
    const params = new Map([
      ['warrantyMonths', '12,24'],
      ['wireless', 'true'],
      ['material', 'linen, wool'],
    ]);
    expect(typeAttributeFilters(params, declared)).toEqual([
      { name: 'warrantyMonths', anyOf: [12, 24] },
      { name: 'wireless', anyOf: [true] },
      { name: 'material', anyOf: ['linen', 'wool'] },
    ]);
  });

  it('refuses a name no category declares, naming it', () => {
    expect(() => typeAttributeFilters(new Map([['colour', '42']]), declared)).toThrow(AppError);
    try {
      typeAttributeFilters(
        new Map([
          ['colour', '42'],
          ['constructor', 'x'],
        ]),
        declared,
      );
    } catch (error) {
      expect((error as AppError).extra.errors).toEqual([
        { field: 'querystring.attr.colour', message: 'no category has the attribute colour' },
        { field: 'querystring.attr.constructor', message: 'no category has the attribute constructor' },
      ]);
    }
  });

  it('refuses values that fit no declared type, naming the parameter', () => {
    try {
      typeAttributeFilters(
        new Map([
          ['warrantyMonths', 'twelve'],
          ['wireless', 'yes'],
        ]),
        declared,
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).extra.errors?.map((e) => e.field)).toEqual([
        'querystring.attr.warrantyMonths',
        'querystring.attr.wireless',
      ]);
    }
  });

  it('tries every declared type when categories disagree', () => {
    const mixed = new Map<string, Set<AttributeType>>([['size', new Set(['number', 'string'])]]);
    expect(typeAttributeFilters(new Map([['size', '42,L']]), mixed)).toEqual([
      { name: 'size', anyOf: [42, '42', 'L'] },
    ]);
  });
});

describe('sort and cursor', () => {
  it('sorts by relevance only when there are words to rank by', () => {
    expect(effectiveSort(undefined, true)).toBe('relevance');
    expect(effectiveSort(undefined, false)).toBe('newest');
    expect(effectiveSort('relevance', false)).toBe('newest');
    expect(effectiveSort('price_desc', true)).toBe('price_desc');
  });

  it('round-trips each kind of position', () => {
    const id = '01938a5e-7c1f-7b3a-9d2e-4f5a6b7c8d9e';
    for (const position of [
      { sort: 'newest' as const, createdAt: '2026-11-22T02:33:37.044123Z', id },
      { sort: 'price_asc' as const, minPrice: 9900, id },
      { sort: 'price_desc' as const, minPrice: 0, id },
      { sort: 'relevance' as const, offset: 40 },
    ]) {
      expect(decodeSearchCursor(position.sort, encodeSearchCursor(position))).toEqual(position);
    }
  });

  it("refuses another sort's cursor and values that would reach SQL malformed", () => {
    const id = '01938a5e-7c1f-7b3a-9d2e-4f5a6b7c8d9e';
    const price = encodeSearchCursor({ sort: 'price_asc', minPrice: 1, id });
    expect(() => decodeSearchCursor('price_desc', price)).toThrow(AppError);
    expect(() => decodeSearchCursor('newest', price)).toThrow(AppError);
    expect(() => decodeSearchCursor('newest', encodeCursor(['newest', '1', id]))).toThrow(AppError);
    expect(() => decodeSearchCursor('price_asc', encodeCursor(['price_asc', 1.5, id]))).toThrow(AppError);
    expect(() => decodeSearchCursor('price_asc', encodeCursor(['price_asc', 1, 'x']))).toThrow(AppError);
    expect(() => decodeSearchCursor('relevance', encodeCursor(['relevance', -1]))).toThrow(AppError);
    expect(() => decodeSearchCursor('relevance', 'not a cursor')).toThrow(AppError);
    expect(decodeSearchCursor('newest', undefined)).toBeUndefined();
  });
});

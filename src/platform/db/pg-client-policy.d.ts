import type pg from 'pg';

export declare const pgTypes: pg.CustomTypesConfig;

export declare function preparingQuery<T>(
  query: (text: unknown, values?: unknown[]) => T,
): (text: unknown, values?: unknown[]) => T;

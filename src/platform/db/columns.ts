import type { ColumnType, Generated } from 'kysely';

/** A timestamptz the database fills in: read as Date, optional on insert, free to update. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** A nullable timestamptz. */
export type NullableTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** A jsonb column: objects in, objects out (both drivers parse jsonb). */
export type Json<T> = ColumnType<T, string, string>;
/** A jsonb column with a database default. */
export type JsonDefault<T> = ColumnType<T, string | undefined, string>;
export type { Generated };

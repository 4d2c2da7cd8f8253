import { uuidv7 } from 'uuidv7';

/** Every entity id is a UUIDv7: unique, and sortable by creation time. */
export const newId = (): string => uuidv7();

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

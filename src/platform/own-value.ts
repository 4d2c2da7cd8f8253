/**
 * `record[key]` for a key that came from outside (a client, a carrier, a broker): only the record's
 * own properties count, so `constructor`, `toString` or `__proto__` find nothing instead of
 * Object.prototype's members.
 */
export const ownValue = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

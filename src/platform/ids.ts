import { randomFillSync } from 'node:crypto';
import { V7Generator } from 'uuidv7';

/**
 * Random words for ids, 4 KB at a time: uuidv7's own buffer holds 8 words, so it asked Web Crypto
 * again every third id, about 1.5 % of a busy server's CPU (bench:checkout's profile).
 */
const words = new Uint32Array(1024);
let next = words.length;
const generator = new V7Generator({
  nextUint32() {
    if (next === words.length) {
      randomFillSync(words);
      next = 0;
    }
    return words[next++]!;
  },
});

/** Every entity id is a UUIDv7: unique, and sortable by creation time. */
export const newId = (): string => generator.generate().toString();

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

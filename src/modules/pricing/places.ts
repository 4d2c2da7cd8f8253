/** Place names compare without case or surrounding spaces; an absent one equals an empty one. */
export const samePlace = (a: string | null | undefined, b: string | null | undefined): boolean =>
  (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

// Id generation: random UUID strings, so workbooks from two districts can be merged without clashes.

/** A fresh, globally unique id. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

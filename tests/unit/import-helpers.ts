// Helpers shared by the import tests: fixture bytes, text as bytes, and Result unwrapping.

import { readFileSync } from 'node:fs';
import type { Result } from '../../src/domain/model';

/** The bytes of a file under tests/fixtures/import. */
export const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url)));

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The value of an ok result; a failed one fails the test with its problem. */
export function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
}

/** The problem code of a failed result, null for an ok one. */
export const code = <T>(r: Result<T>): string | null => (r.ok ? null : r.error.code);

// Storage failures as values, for every repository: which browser errors mean "storage is full",
// what the browser said otherwise, and the one wrapper every exported write runs in, so that no
// write of db/ rejects and each refusal reaches the user as a problem code.

import type { Problem, Result } from '../domain/model';
import { ok } from '../domain/model';

/**
 * Thrown inside a write by the repository itself when the write must not happen (the record is
 * gone, a rule of the model refuses it): writeSafely gives back its problem, and the transaction
 * it aborted wrote nothing.
 */
export class Refusal extends Error {
  constructor(readonly problem: Problem) {
    super(problem.code);
    this.name = 'Refusal';
  }
}

const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);

/** Whether the error (bare, or wrapped by Dexie: an AbortError with `inner`, a BulkError with `failures`) means storage is full. */
export function isQuotaError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 8) return false;
  const e = err as { name?: unknown; inner?: unknown; cause?: unknown; failures?: unknown };
  if (typeof e.name === 'string' && QUOTA_NAMES.has(e.name)) return true;
  const failures = e.failures && typeof e.failures === 'object' ? Object.values(e.failures) : [];
  return [e.inner, e.cause, ...failures].some((inner) => isQuotaError(inner, depth + 1));
}

/** What the browser said, as one line: "Name: message", or the value itself. */
export function describeError(err: unknown): string {
  const e = err as { name?: string; message?: string } | null | undefined;
  return e?.message ? `${e.name ?? 'Error'}: ${e.message}` : String(err);
}

/**
 * Runs a write and resolves to its outcome; never rejects. A Refusal thrown by the body gives its
 * problem; storage full gives `quota` (each write names the sentence that fits it); any other
 * failure (database closed, record the browser cannot store) gives 'db.write-failed' with what
 * the browser said.
 */
export async function writeSafely<T>(quota: Problem, body: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await body());
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, error: err.problem };
    if (isQuotaError(err)) return { ok: false, error: quota };
    return { ok: false, error: { code: 'db.write-failed', params: { detail: describeError(err) } } };
  }
}

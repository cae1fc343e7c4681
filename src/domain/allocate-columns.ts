// Allocation requests and results as columns, for crossing the worker boundary cheaply: criterion
// values as typed arrays (transferred, not cloned), per-recipient settings as a sparse list, and
// the parts back as typed arrays. Converting to and from the object form is exact and lossless.

import type { Result } from './model';
import { ok } from './model';
import { splitEnvelope, type AllocationRecipient, type AllocationResult, type AllocationRule, type Bound } from './allocate';

/** A rule whose recipients are columns: ids, one Float64Array per criterion key (NaN = unknown). */
export interface AllocationRequest {
  rule: Omit<AllocationRule, 'recipients'>;
  ids: string[];
  values: Record<string, Float64Array>;
  /** Only the recipients with settings of their own. */
  settings: { index: number; eligible?: boolean; pinned?: number; floor?: number; cap?: number }[];
}

export const BOUNDS: readonly Bound[] = ['none', 'floor', 'cap', 'pinned', 'ineligible', 'reserved', 'residue'];

/** The parts as columns, in the recipients' order. */
export interface AllocationColumns {
  amount: Float64Array;
  score: Float64Array;
  exact: Float64Array;
  /** Index into BOUNDS. */
  bound: Uint8Array;
  reserved: AllocationResult['reserved'];
  residue: AllocationResult['residue'];
  distributable: number;
}

/** The columnar form of a rule (its recipients' criterion keys become columns). */
export function toRequest(rule: AllocationRule): AllocationRequest {
  const { recipients, ...rest } = rule;
  const keys = new Set<string>();
  for (const r of recipients) for (const k of Object.keys(r.values)) keys.add(k);
  const values: Record<string, Float64Array> = {};
  for (const k of keys) values[k] = Float64Array.from(recipients, (r) => r.values[k] ?? Number.NaN);
  const settings: AllocationRequest['settings'] = [];
  recipients.forEach((r, index) => {
    if (r.eligible !== undefined || r.pinned !== undefined || r.floor !== undefined || r.cap !== undefined)
      settings.push({ index, eligible: r.eligible, pinned: r.pinned, floor: r.floor, cap: r.cap });
  });
  return { rule: rest, ids: recipients.map((r) => r.id), values, settings };
}

/** The object form of a columnar rule (NaN values read back as unknown). */
export function fromRequest(req: AllocationRequest): AllocationRule {
  const keys = Object.keys(req.values);
  const recipients: AllocationRecipient[] = req.ids.map((id, i) => {
    const values: AllocationRecipient['values'] = {};
    for (const k of keys) {
      const v = req.values[k][i];
      values[k] = Number.isNaN(v) ? null : v;
    }
    return { id, values };
  });
  for (const s of req.settings) {
    const r = recipients[s.index];
    if (s.eligible !== undefined) r.eligible = s.eligible;
    if (s.pinned !== undefined) r.pinned = s.pinned;
    if (s.floor !== undefined) r.floor = s.floor;
    if (s.cap !== undefined) r.cap = s.cap;
  }
  return { ...req.rule, recipients };
}

/** Splits a columnar rule; the parts come back as columns (same guarantees as splitEnvelope). */
export function splitColumns(req: AllocationRequest): Result<AllocationColumns> {
  const r = splitEnvelope(fromRequest(req));
  if (!r.ok) return r;
  const n = r.value.parts.length;
  const out: AllocationColumns = {
    amount: new Float64Array(n),
    score: new Float64Array(n),
    exact: new Float64Array(n),
    bound: new Uint8Array(n),
    reserved: r.value.reserved,
    residue: r.value.residue,
    distributable: r.value.distributable,
  };
  r.value.parts.forEach((p, i) => {
    out.amount[i] = p.amount;
    out.score[i] = p.score;
    out.exact[i] = p.exact;
    out.bound[i] = BOUNDS.indexOf(p.bound);
  });
  return ok(out);
}

/** The object form of columnar parts, with the recipients' ids. */
export function fromColumns(ids: readonly string[], c: AllocationColumns): AllocationResult {
  return {
    parts: ids.map((id, i) => ({ id, amount: c.amount[i], score: c.score[i], exact: c.exact[i], bound: BOUNDS[c.bound[i]] })),
    reserved: c.reserved,
    residue: c.residue,
    distributable: c.distributable,
  };
}

/** Buffers to transfer with a request or a result. */
export function requestBuffers(req: AllocationRequest): ArrayBuffer[] {
  return Object.values(req.values).map((a) => a.buffer as ArrayBuffer);
}
export function columnsBuffers(c: AllocationColumns): ArrayBuffer[] {
  return [c.amount, c.score, c.exact, c.bound].map((a) => a.buffer as ArrayBuffer);
}

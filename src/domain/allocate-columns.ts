// Allocation requests and results as columns, for crossing the worker boundary cheaply: criterion
// values as typed arrays, per-recipient settings as a sparse list, and the parts back as typed
// arrays (transferred, not cloned). The split itself works on these columns (splitColumns in
// ./allocate); this module converts a whole rule to and from them, exactly and losslessly, and
// lists the buffers a result transfers.

import type { AllocationColumns, AllocationRecipient, AllocationRequest, AllocationRule } from './allocate';

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

/** Buffers to transfer with a result. */
export function columnsBuffers(c: AllocationColumns): ArrayBuffer[] {
  return [c.amount, c.score, c.exact, c.bound].map((a) => a.buffer as ArrayBuffer);
}

// Between saved allocation rules, the places sheet and the plan: the engine's rule built from a
// rule record and the places, and the line changes that applying a split makes (one undo step).

import type { AllocationRuleRecord, Id, Line, Place } from './model';
import type { AllocationResult, AllocationRule } from './allocate';
import type { RecordChange } from './edit';
import { blankLine } from './edit';

/** The engine's rule for a record: every place is a recipient, with the record's per-place overrides. */
export function ruleFromRecord(rec: AllocationRuleRecord, places: readonly Place[]): AllocationRule {
  return {
    envelope: rec.envelope,
    unit: rec.unit,
    criteria: rec.criteria.filter((c) => c.weight !== 0),
    reserved: rec.reserved.map((r) => ({ id: r.id, label: r.label, amount: r.amount, percent: r.percent })),
    floor: rec.floor,
    cap: rec.cap,
    eligibility: rec.minimum ? { minimum: rec.minimum } : undefined,
    recipients: places.map((p) => {
      const o = rec.overrides[p.id] ?? {};
      return { id: p.id, values: p.values, eligible: o.eligible, pinned: o.pinned, floor: o.floor, cap: o.cap };
    }),
  };
}

/** Lines a rule wrote earlier, by recipient key. */
export function linesOfRule(lines: readonly Line[], ruleId: Id): Map<string, Line> {
  const out = new Map<string, Line>();
  for (const l of lines) if (l.allocation?.ruleId === ruleId) out.set(l.allocation.key, l);
  return out;
}

/**
 * The line changes that write a split into the plan: one line per recipient with money and per
 * reserve, under the rule's budget line, source, capital type and year. A recipient's earlier line
 * is updated (a zero amount sets its plan to 0, never deletes what the user may have annotated).
 */
export function linesForSplit(
  rec: AllocationRuleRecord,
  result: AllocationResult,
  lines: readonly Line[],
  places: readonly Place[],
  newId: () => Id,
): RecordChange<Line>[] {
  const existing = linesOfRule(lines, rec.id);
  const placeById = new Map(places.map((p) => [p.id, p]));
  const out: RecordChange<Line>[] = [];
  let order = Math.max(0, ...lines.filter((l) => l.nodeId === rec.nodeId).map((l) => l.order + 1));
  const write = (key: string, amount: number, unit: string, placeId: Id | null, label: string) => {
    const before = existing.get(key) ?? null;
    if (!before && amount === 0) return;
    const base = before ?? { ...blankLine(newId(), rec.nodeId, order++, rec.year), allocation: { ruleId: rec.id, key } };
    const after: Line = { ...base, plan: amount, unit, placeId, label: before?.label || label, source: rec.source, capital: rec.capital, vintage: rec.year };
    if (!before || before.plan !== after.plan || before.unit !== after.unit || before.source !== after.source || before.capital !== after.capital || before.vintage !== after.vintage)
      out.push({ before, after });
  };
  for (const part of result.parts) write(part.id, part.amount, placeById.get(part.id)?.name ?? part.id, placeById.has(part.id) ? part.id : null, rec.name);
  for (const r of result.reserved) {
    const label = rec.reserved.find((x) => x.id === r.id)?.label ?? r.id;
    write(`reserve:${r.id}`, r.amount, label, null, rec.name);
  }
  return out;
}

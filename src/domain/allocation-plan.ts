// Between saved allocation rules, the places sheet and the plan: the engine's rule built from a
// rule record and the places (as objects, or as the columns the worker splits), the line changes
// that applying a split makes (one undo step), how a fresh split differs from what the plan holds,
// and allocation problems worded with names.

import type { AllocationRuleRecord, CriterionDef, Id, Line, Place, Problem } from './model';
import { columnKeys, readColumns, type AllocationRequest, type AllocationResult, type AllocationRule, type RecipientSettings, type SplitRule } from './allocate';
import type { RecordChange } from './edit';
import { blankLine } from './edit';

/** The engine's rule for a record: every place is a recipient, with the record's per-place overrides. */
export function ruleFromRecord(rec: AllocationRuleRecord, places: readonly Place[]): AllocationRule {
  return {
    ...splitRuleOf(rec),
    recipients: places.map((p) => {
      const o = rec.overrides[p.id] ?? {};
      return { id: p.id, values: p.values, eligible: o.eligible, pinned: o.pinned, floor: o.floor, cap: o.cap };
    }),
  };
}

/**
 * The rule of ruleFromRecord as columns read straight from the places, with no object per place:
 * what the worker splits (only the columns the rule reads; settings only for overridden places).
 * Splits exactly as ruleFromRecord does. Columns are read once per places array and shared by
 * every request for it, so treat both as read-only: the session replaces the array whenever a place
 * changes, and the worker client sends a column it has sent before as "unchanged".
 */
export function requestFromRecord(rec: AllocationRuleRecord, places: readonly Place[]): AllocationRequest {
  const rule = splitRuleOf(rec);
  const settings: RecipientSettings[] = [];
  const overrides = new Map(Object.entries(rec.overrides));
  if (overrides.size > 0) {
    for (let index = 0; index < places.length; index++) {
      const o = overrides.get(places[index].id);
      if (o && (o.eligible !== undefined || o.pinned !== undefined || o.floor !== undefined || o.cap !== undefined))
        settings.push({ index, eligible: o.eligible, pinned: o.pinned, floor: o.floor, cap: o.cap });
    }
  }
  return { rule, ...columnsOfPlaces(places, columnKeys(rule)), settings };
}

// Columns read from a places array, kept while the array lives (see requestFromRecord).
const placeColumns = new WeakMap<readonly Place[], { ids: readonly string[]; values: Map<string, Float64Array> }>();

function columnsOfPlaces(places: readonly Place[], keys: readonly string[]): Pick<AllocationRequest, 'ids' | 'values'> {
  let kept = placeColumns.get(places);
  const missing = kept ? keys.filter((key) => !kept!.values.has(key)) : keys;
  if (!kept || missing.length > 0) {
    const read = readColumns(places, missing);
    if (!kept) placeColumns.set(places, (kept = { ids: read.ids, values: new Map() }));
    for (const key of missing) kept.values.set(key, read.values[key]);
  }
  const values: Record<string, Float64Array> = {};
  for (const key of keys) values[key] = kept.values.get(key)!;
  return { ids: kept.ids, values };
}

/** A record's rule without its recipients. */
function splitRuleOf(rec: AllocationRuleRecord): SplitRule {
  return {
    envelope: rec.envelope,
    unit: rec.unit,
    criteria: rec.criteria.filter((c) => c.weight !== 0),
    reserved: rec.reserved.map((r) => ({ id: r.id, label: r.label, amount: r.amount, percent: r.percent })),
    floor: rec.floor,
    cap: rec.cap,
    eligibility: rec.minimum ? { minimum: rec.minimum } : undefined,
  };
}

/** Lines a rule wrote earlier, by recipient key. */
export function linesOfRule(lines: readonly Line[], ruleId: Id): Map<string, Line> {
  const out = new Map<string, Line>();
  for (const l of lines) if (l.allocation?.ruleId === ruleId) out.set(l.allocation.key, l);
  return out;
}

/** The key of a reserve's line (recipients' lines are keyed by place id). */
export const reserveKey = (id: string): string => `reserve:${id}`;

/**
 * The line changes that write a split into the plan: one line per recipient with money and per
 * reserve, under the rule's budget line, source, capital type and year. A recipient's earlier line
 * is updated (a zero amount sets its plan to 0, never deletes what the user may have annotated);
 * so is the line of a place or reserve no longer in the split, which gets 0, so that the rule's
 * lines always sum to its envelope. In `replace` mode the line(s) the envelope sat in go (or keep
 * their figures at plan 0, see keepsFigures), so the budget line's total stays the envelope.
 */
export function linesForSplit(
  rec: AllocationRuleRecord,
  result: AllocationResult,
  lines: readonly Line[],
  places: readonly Place[],
  newId: () => Id,
  mode: WriteMode = 'add',
): RecordChange<Line>[] {
  const existing = linesOfRule(lines, rec.id);
  const placeById = new Map(places.map((p) => [p.id, p]));
  const out: RecordChange<Line>[] = [];
  const sources = envelopeLines(lines, rec);
  // New lines carry the settings of the line the envelope came from (else of the rule's own lines):
  // its vintage, expected rate, projection method and carry-over eligibility.
  const template = sources[0] ?? existing.values().next().value ?? null;
  let order = Math.max(0, ...lines.filter((l) => l.nodeId === rec.nodeId).map((l) => l.order + 1));
  const write = (key: string, amount: number, unit: string, placeId: Id | null, label: string) => {
    const before = existing.get(key) ?? null;
    if (!before && amount === 0) return;
    const base = before ?? { ...blankLine(newId(), rec.nodeId, order++, rec.year), ...inherited(template), allocation: { ruleId: rec.id, key } };
    const after: Line = { ...base, plan: amount, unit, placeId, label: before?.label || label, source: rec.source, capital: rec.capital };
    if (!before || before.plan !== after.plan || before.unit !== after.unit || before.source !== after.source || before.capital !== after.capital) out.push({ before, after });
  };
  for (const part of result.parts) write(part.id, part.amount, placeById.get(part.id)?.name ?? part.id, placeById.has(part.id) ? part.id : null, rec.name);
  for (const r of result.reserved) {
    const label = rec.reserved.find((x) => x.id === r.id)?.label ?? r.id;
    write(reserveKey(r.id), r.amount, label, null, rec.name);
  }
  const inSplit = keysOfSplit(result);
  for (const [key, before] of existing) if (!inSplit.has(key) && before.plan !== 0) out.push({ before, after: { ...before, plan: 0 } });
  if (mode === 'replace') for (const l of sources) out.push({ before: l, after: keepsFigures(l) ? { ...l, plan: 0 } : null });
  return out;
}

/** Whether a split is written in place of the line(s) holding its envelope, or added beside them. */
export type WriteMode = 'replace' | 'add';

/**
 * The lines a rule's envelope sits in before it is split: lines of the rule's budget line with its
 * source and capital type and some plan, not written by an allocation.
 */
export function envelopeLines(lines: readonly Line[], rec: Pick<AllocationRuleRecord, 'nodeId' | 'source' | 'capital'>): Line[] {
  return lines.filter((l) => l.nodeId === rec.nodeId && !l.allocation && l.source === rec.source && l.capital === rec.capital && l.plan !== 0);
}

/** What writing a split does to its budget line's total, either way, for the user to choose. */
export function splitEffect(
  rec: AllocationRuleRecord,
  result: AllocationResult,
  lines: readonly Line[],
): { before: number; replace: number; add: number; sources: Line[]; kept: Line[] } {
  let before = 0;
  let ruleLines = 0;
  for (const l of lines) {
    if (l.nodeId !== rec.nodeId) continue;
    before += l.plan;
    if (l.allocation?.ruleId === rec.id) ruleLines += l.plan;
  }
  let split = 0;
  for (const p of result.parts) split += p.amount;
  for (const r of result.reserved) split += r.amount;
  const sources = envelopeLines(lines, rec);
  const sourceSum = sources.reduce((a, l) => a + l.plan, 0);
  const add = before - ruleLines + split;
  return { before, add, replace: add - sourceSum, sources, kept: sources.filter(keepsFigures) };
}

/** A source line that holds more than its plan (disbursement, months, a confirmed carry-over) is kept at plan 0, not deleted. */
function keepsFigures(l: Line): boolean {
  return l.disbursed !== 0 || (l.months?.some((m) => m !== null && m !== 0) ?? false) || (l.carryConfirmed ?? 0) !== 0 || !!l.stated;
}

function inherited(template: Line | null): Partial<Line> {
  if (!template) return {};
  const out: Partial<Line> = { vintage: template.vintage, expectedRate: template.expectedRate };
  if (template.method !== undefined) out.method = template.method;
  if (template.carryEligible !== undefined) out.carryEligible = template.carryEligible;
  return out;
}

/** Every line key a split writes: its recipients' ids and its reserves' keys. */
function keysOfSplit(result: AllocationResult): Set<string> {
  const keys = new Set<string>();
  for (const p of result.parts) keys.add(p.id);
  for (const r of result.reserved) keys.add(reserveKey(r.id));
  return keys;
}

/**
 * How many amounts a fresh split would change in the plan: recipients and reserves whose amount
 * differs from the plan of the line the rule wrote for them (no line counts as 0), and lines of
 * recipients no longer in the split that still hold money. 0 means the plan matches the split.
 */
export function countMoved(result: AllocationResult, written: ReadonlyMap<string, Line>): number {
  let moved = 0;
  // Lines holding money, less those the split has a key for, are the lines it would set to 0
  // (counted without a set of the split's keys, which at 100 000 recipients costs more than this).
  let holding = 0;
  for (const l of written.values()) if (l.plan !== 0) holding++;
  const compare = (key: string, amount: number) => {
    const plan = written.get(key)?.plan ?? 0;
    if (plan !== 0) holding--;
    if (amount !== plan) moved++;
  };
  for (const p of result.parts) compare(p.id, p.amount);
  for (const r of result.reserved) compare(reserveKey(r.id), r.amount);
  return moved + holding;
}

const AMOUNT_PARAMS = new Set(['reserved', 'pinned', 'envelope', 'floors', 'caps', 'available']);

/**
 * An allocation problem ready to be worded for a reader: amounts (đồng) formatted by `money`, a
 * recipient named by its place's name and a criterion by its column's label instead of their keys.
 */
export function nameAllocationProblem(problem: Problem, places: readonly Place[], criteria: readonly CriterionDef[], money: (dong: number) => string): Problem {
  if (!problem.params) return problem;
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(problem.params)) {
    if (typeof v === 'number' && AMOUNT_PARAMS.has(k)) params[k] = money(v);
    else if (k === 'recipient') params[k] = places.find((p) => p.id === v)?.name || v;
    else if (k === 'column') params[k] = criteria.find((c) => c.key === v)?.label ?? v;
    else params[k] = v;
  }
  return { ...problem, params };
}

// Saved rules against the plan: what a fresh split would move, the lines re-applying writes, the
// checks that flag a rule whose inputs changed (split again only when needed), problems by name.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AllocationRuleRecord, Line, Place } from '../../src/domain/model';
import { fromColumns, splitColumns, splitEnvelope, type AllocationRequest, type AllocationResult, type AllocationRule } from '../../src/domain/allocate';
import { ok as okResult } from '../../src/domain/model';
import { countMoved, linesForSplit, linesOfRule, nameAllocationProblem, requestFromRecord, ruleFromRecord, splitEffect } from '../../src/domain/allocation-plan';
import { blankLine } from '../../src/domain/edit';
import { RuleChecks } from '../../src/state/rule-checks.svelte';
import { expectSameSplit } from './same-split';

const TR = 1_000_000;
const place = (id: string, poor: number | null): Place => ({ id, workbookId: 'wb', parentId: null, code: '', name: `Xã ${id}`, kind: 'commune', values: { poor }, order: 0 });
const rule: AllocationRuleRecord = {
  id: 'r1',
  workbookId: 'wb',
  scenarioId: 's',
  name: 'Quy tắc',
  nodeId: 'n1',
  source: 'central',
  capital: 'recurrent',
  year: 2024,
  envelope: 100 * TR,
  unit: TR,
  criteria: [{ key: 'poor', weight: 1 }],
  reserved: [{ id: 'k', label: 'Phòng', percent: 10 }],
  overrides: {},
  createdAt: 0,
  updatedAt: 0,
};
const places = [place('a', 10), place('b', 30), place('c', 50)];

function splitOf(rec: AllocationRuleRecord, ps: readonly Place[]): AllocationResult {
  const r = splitEnvelope(ruleFromRecord(rec, ps));
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
}

/** The plan after applying a split to `lines`. */
function applied(rec: AllocationRuleRecord, ps: readonly Place[], lines: Line[]): Line[] {
  let n = 0;
  const byId = new Map(lines.map((l) => [l.id, l]));
  for (const c of linesForSplit(rec, splitOf(rec, ps), lines, ps, () => `new-${n++}-${byId.size}`)) byId.set(c.after!.id, c.after!);
  return [...byId.values()];
}

describe('countMoved', () => {
  it('is 0 right after applying, counts each recipient or reserve whose line differs, and a missing line as 0', () => {
    const lines = applied(rule, places, [blankLine('other', 'n1', 0, 2024)]);
    const result = splitOf(rule, places);
    expect(countMoved(result, linesOfRule(lines, 'r1'))).toBe(0);
    const edited = lines.map((l) => (l.allocation?.key === 'b' ? { ...l, plan: 1 } : l));
    expect(countMoved(result, linesOfRule(edited, 'r1'))).toBe(1);
    expect(
      countMoved(
        result,
        linesOfRule(
          lines.filter((l) => l.allocation?.key !== 'reserve:k'),
          'r1',
        ),
      ),
    ).toBe(1);
    expect(countMoved(splitOf(rule, [place('a', 40), ...places.slice(1)]), linesOfRule(lines, 'r1'))).toBe(3);
  });

  it('counts the line of a place no longer in the split while it holds money; re-applying sets it to 0', () => {
    const lines = applied(rule, places, []);
    const fewer = places.slice(1);
    expect(countMoved(splitOf(rule, fewer), linesOfRule(lines, 'r1'))).toBe(3); // a's line, b and c grow
    const again = applied(rule, fewer, lines);
    const written = linesOfRule(again, 'r1');
    expect(written.get('a')!.plan).toBe(0);
    expect([...written.values()].reduce((s, l) => s + l.plan, 0)).toBe(100 * TR);
    expect(countMoved(splitOf(rule, fewer), written)).toBe(0);
  });
});

/** What the worker does with either form the checks send: the split, parts as objects. */
function split(r: AllocationRule | AllocationRequest) {
  if (!('ids' in r)) return splitEnvelope(r);
  const c = splitColumns(r);
  return c.ok ? okResult(fromColumns(r.ids, c.value)) : c;
}

describe('RuleChecks', () => {
  it('splits a rule again only when the rule or the places changed; plan edits only compare', async () => {
    let splits = 0;
    const checks = new RuleChecks(async (r) => (splits++, split(r)));
    let lines = applied(rule, places, []);
    await checks.refresh([rule], places, lines);
    expect(checks.statuses.get('r1')).toEqual({ kind: 'current' });
    lines = lines.map((l) => (l.allocation?.key === 'a' ? { ...l, plan: 0 } : l));
    await checks.refresh([rule], places, lines);
    expect(checks.statuses.get('r1')).toEqual({ kind: 'stale', moved: 1 });
    expect(splits).toBe(1);
    const morePoor = [place('a', 90), ...places.slice(1)];
    await checks.refresh([rule], morePoor, lines);
    expect(splits).toBe(2);
    expect(checks.statuses.get('r1')?.kind).toBe('stale');
    await checks.refresh([{ ...rule }], morePoor, lines);
    expect(splits).toBe(3);
  });

  it('a rule that can no longer be split says why, naming the place and the criterion', async () => {
    const checks = new RuleChecks(async (r) => split(r));
    const broken = [place('a', -5), ...places.slice(1)];
    await checks.refresh([rule], broken, applied(rule, places, []));
    const status = checks.statuses.get('r1');
    expect(status).toEqual({ kind: 'failed', problem: { code: 'allocation.bad-value', params: { recipient: 'a', column: 'poor' } } });
    if (status?.kind !== 'failed') return;
    expect(nameAllocationProblem(status.problem, broken, [{ key: 'poor', label: 'Hộ nghèo', kind: 'count' }], String).params).toEqual({
      recipient: 'Xã a',
      column: 'Hộ nghèo',
    });
  });

  it('a refresh superseded while it waits for the worker writes nothing', async () => {
    const waiting: (() => void)[] = [];
    const checks = new RuleChecks((r) => new Promise((resolve) => waiting.push(() => resolve(split(r)))));
    const lines = applied(rule, places, []);
    const older = checks.refresh([rule], [place('a', 0), ...places.slice(1)], lines);
    const newer = checks.refresh([rule], places, lines);
    waiting.forEach((go) => go());
    await Promise.all([older, newer]);
    expect(checks.statuses.get('r1')).toEqual({ kind: 'current' });
  });
});

describe('nameAllocationProblem', () => {
  it('formats amounts in the reader unit and leaves other params as they are', () => {
    const p = nameAllocationProblem({ code: 'allocation.floors-exceed', params: { floors: 120 * TR, available: 90 * TR } }, places, [], (d) => `${d / TR} triệu đồng`);
    expect(p.params).toEqual({ floors: '120 triệu đồng', available: '90 triệu đồng' });
    expect(nameAllocationProblem({ code: 'allocation.need-envelope' }, places, [], String)).toEqual({ code: 'allocation.need-envelope' });
  });
});

describe('requestFromRecord', () => {
  const valueArb = fc.option(fc.integer({ min: 0, max: 500 }), { nil: null, freq: 12 });
  const recordArb = fc.record({
    envelope: fc.integer({ min: 0, max: 1e12 }),
    weights: fc.tuple(fc.constantFrom(0, 1, 2.5), fc.constantFrom(0, 1), fc.constantFrom(0, 1)),
    minimum: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    values: fc.array(fc.tuple(valueArb, valueArb), { minLength: 1, maxLength: 25 }),
    overrides: fc.array(
      fc.record({
        at: fc.nat(),
        pinned: fc.option(fc.integer({ min: 0, max: 1e6 }), { nil: undefined }),
        cap: fc.option(fc.integer({ min: 0, max: 1e11 }), { nil: undefined }),
        eligible: fc.option(fc.boolean(), { nil: undefined }),
      }),
      { maxLength: 5 },
    ),
  });

  it('splits exactly as ruleFromRecord: values, unknown values, overrides, minimums and failures', () => {
    let splits = 0;
    fc.assert(
      fc.property(recordArb, (g) => {
        const ps = g.values.map(([poor, nearPoor], i) => ({ ...place(`p${(i * 7) % 25}-${i}`, poor), values: { poor, nearPoor } }));
        const rec: AllocationRuleRecord = {
          ...rule,
          envelope: g.envelope,
          criteria: [
            { key: 'poor', weight: g.weights[0] },
            { key: 'nearPoor', weight: g.weights[1] },
            { key: 'equal', weight: g.weights[2] },
          ],
          minimum: g.minimum === undefined ? undefined : { nearPoor: g.minimum },
          overrides: Object.fromEntries(g.overrides.map(({ at, ...o }) => [ps[at % ps.length].id, o])),
        };
        if (expectSameSplit(splitEnvelope(ruleFromRecord(rec, ps)), requestFromRecord(rec, ps))) splits++;
      }),
      { numRuns: 1000 },
    );
    expect(splits).toBeGreaterThan(200);
  });

  it('reads a places array once: the same array gives the same columns, a new array reads again', () => {
    const first = requestFromRecord(rule, places);
    expect(requestFromRecord({ ...rule, envelope: 1 }, places).values.poor).toBe(first.values.poor);
    const edited = places.map((p) => (p.id === 'b' ? place('b', 7) : p));
    expect([...requestFromRecord(rule, edited).values.poor]).toEqual([10, 7, 50]);
    // A key the earlier requests did not read is read when a rule needs it.
    const withHouseholds = requestFromRecord({ ...rule, criteria: [...rule.criteria, { key: 'households', weight: 1 }] }, places);
    expect(withHouseholds.values.poor).toBe(first.values.poor);
    expect([...withHouseholds.values.households]).toEqual([NaN, NaN, NaN]);
  });
});

describe('writing a split where the envelope already sits', () => {
  const envelope: Line = { ...blankLine('env', 'n1', 0, 2024), plan: 100 * TR, vintage: 2023, expectedRate: 80, carryEligible: true };
  const other: Line = { ...blankLine('inv', 'n1', 1, 2024), capital: 'investment', plan: 7 * TR };

  it('replacing keeps the item at its total; adding shows the double before it is written', () => {
    const e = splitEffect(rule, splitOf(rule, places), [envelope, other]);
    expect(e.before).toBe(107 * TR);
    expect(e.replace).toBe(107 * TR);
    expect(e.add).toBe(207 * TR);
    expect(e.sources.map((l) => l.id)).toEqual(['env']);
    const changes = linesForSplit(
      rule,
      splitOf(rule, places),
      [envelope, other],
      places,
      (() => {
        let n = 0;
        return () => `n${n++}`;
      })(),
      'replace',
    );
    // The envelope line held only its plan: it goes; the investment line of another capital type stays.
    expect(changes.find((c) => c.before?.id === 'env')?.after).toBeNull();
    expect(changes.some((c) => c.before?.id === 'inv')).toBe(false);
    const written = changes.filter((c) => !c.before).map((c) => c.after!);
    expect(written.reduce((a, l) => a + l.plan, 0)).toBe(100 * TR);
    // Each split line carries the envelope line's vintage, expected rate and carry-over eligibility.
    for (const l of written) expect([l.vintage, l.expectedRate, l.carryEligible]).toEqual([2023, 80, true]);
  });

  it('a source line holding disbursements is kept at plan 0, so no disbursement is lost', () => {
    const spent = { ...envelope, disbursed: 15 * TR };
    const changes = linesForSplit(
      rule,
      splitOf(rule, places),
      [spent],
      places,
      (() => {
        let n = 0;
        return () => `n${n++}`;
      })(),
      'replace',
    );
    expect(changes.find((c) => c.before?.id === 'env')?.after).toMatchObject({ plan: 0, disbursed: 15 * TR });
  });
});

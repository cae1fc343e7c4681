// The incremental roll-up (domain/rollup-state) against rolling everything up again: for random
// plans and random batches of edits, every figure equal to the đồng, whether read from the state or
// from a copy kept up to date by its patches; and the full pass against the first, slow reading.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rollUp, type ColumnEdit, type ColumnField, type PlanColumns, type Rollup } from '../../src/domain/rollup';
import { applyRollupUpdate, copyRollup, RollupState, updateAfter, type RollupPatch, type RollupUpdate } from '../../src/domain/rollup-state';
import { DEFAULT_PROJECTION, dayNumber, projectionParams, type ProjectionParams } from '../../src/domain/projection';
import { MONTH_COUNT, type ProjectionMethod } from '../../src/domain/model';
import { referenceRollUp } from './rollup-reference';

const YEAR = 2023;

/** The first figure where two roll-ups differ (Object.is: 0 and −0 differ too), or null. */
function difference(got: Rollup, want: Rollup): string | null {
  for (const key of Object.keys(want) as (keyof Rollup)[]) {
    const a = got[key];
    const b = want[key];
    if (!ArrayBuffer.isView(b)) {
      if (!Object.is(a, b)) return `${key}: ${String(a)} ≠ ${String(b)}`;
      continue;
    }
    const x = a as Float64Array;
    const y = b as Float64Array;
    if (x.length !== y.length) return `${key}: length ${x.length} ≠ ${y.length}`;
    for (let i = 0; i < y.length; i++) if (!Object.is(x[i], y[i])) return `${key}[${i}]: ${x[i]} ≠ ${y[i]}`;
  }
  return null;
}

/** The update a service sends for what state.edit returned. */
const updateOf = (state: RollupState, patch: ReturnType<RollupState['edit']>): RollupUpdate =>
  patch ? { kind: 'patch', patch } : { kind: 'full', rollup: copyRollup(state.rollup) };

const day = (iso: string) => dayNumber(iso);
const amount = (huge: boolean) => (huge ? fc.integer({ min: -4e15, max: 4e15 }) : fc.oneof(fc.integer({ min: -1e9, max: 1e12 }), fc.constantFrom(0, 1, -1, 1000)));
const rate = fc.oneof(
  fc.constant(NaN),
  fc.integer({ min: 0, max: 12_000 }).map((x) => x / 100),
);
const asOf = fc.oneof(fc.constant(NaN), fc.integer({ min: day('2022-12-20'), max: day('2024-01-10') }));
const month = fc.oneof(fc.constant(NaN), fc.integer({ min: -1e9, max: 1e11 }));

interface PlanSpec {
  parents: number[];
  lines: {
    node: number;
    plan: number;
    disbursed: number;
    expected: number;
    source: number;
    capital: number;
    vintage: number;
    method: number;
    asOfDay: number;
    eligible: number;
    slot: number;
    months: number[] | null;
  }[];
  counterpart: [number, number];
  method: ProjectionMethod;
  asOf: string | null;
  lastYear: number[] | null;
  huge: boolean;
}

/** Plans of at most maxLines lines. */
const planArbOf = (maxLines: number, minLines = 0): fc.Arbitrary<PlanSpec> =>
  fc.boolean().chain((huge) =>
    fc.integer({ min: 1, max: 6 }).chain((nodes) =>
      fc.record({
        // Parents precede their children; −1 = a root.
        parents: fc.tuple(...Array.from({ length: nodes }, (_, k) => fc.integer({ min: -1, max: k - 1 }))),
        lines: fc.array(
          fc.record({
            node: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: nodes - 1 }) }, { weight: 1, arbitrary: fc.constant(-1) }),
            plan: amount(huge),
            disbursed: amount(huge),
            expected: rate,
            source: fc.integer({ min: 0, max: 2 }),
            capital: fc.integer({ min: 0, max: 1 }),
            vintage: fc.integer({ min: YEAR - 2, max: YEAR + 1 }),
            method: fc.integer({ min: -1, max: 4 }),
            asOfDay: asOf,
            eligible: fc.integer({ min: 0, max: 1 }),
            slot: fc.integer({ min: 0, max: 3 }),
            months: fc.option(fc.array(month, { minLength: MONTH_COUNT, maxLength: MONTH_COUNT }), { nil: null }),
          }),
          { minLength: minLines, maxLength: maxLines },
        ),
        counterpart: fc.tuple(fc.constantFrom(0, 173, 500, 10_000), fc.constantFrom(0, 250)),
        method: fc.constantFrom<ProjectionMethod>('expected', 'linear', 'backloaded', 'custom', 'lastYear'),
        asOf: fc.option(fc.constantFrom('2023-03-31', '2023-06-30', '2023-10-15', '2023-11-15', '2023-12-31'), { nil: null }),
        lastYear: fc.option(fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 12, maxLength: 12 }), { nil: null }),
        huge: fc.constant(huge),
      }),
    ),
  );
const planArb = planArbOf(60);

function paramsOf(spec: Pick<PlanSpec, 'method' | 'asOf' | 'lastYear'>): ProjectionParams {
  return projectionParams({ year: YEAR, settings: { asOf: spec.asOf, projection: { ...DEFAULT_PROJECTION, method: spec.method, lastYearMonths: spec.lastYear } } });
}

function columnsOf(spec: PlanSpec): PlanColumns {
  const n = spec.lines.length;
  const withMonths = spec.lines.filter((l) => l.months);
  const cols: PlanColumns = {
    nodeParent: Int32Array.from(spec.parents),
    lineNode: Int32Array.from(spec.lines, (l) => l.node),
    plan: Float64Array.from(spec.lines, (l) => l.plan),
    disbursed: Float64Array.from(spec.lines, (l) => l.disbursed),
    expected: Float64Array.from(spec.lines, (l) => l.expected),
    source: Uint8Array.from(spec.lines, (l) => l.source),
    capital: Uint8Array.from(spec.lines, (l) => l.capital),
    counterpartBp: Float64Array.from(spec.counterpart),
    vintage: Int32Array.from(spec.lines, (l) => l.vintage),
    method: Int8Array.from(spec.lines, (l) => l.method),
    asOfDay: Float64Array.from(spec.lines, (l) => l.asOfDay),
    eligible: Uint8Array.from(spec.lines, (l) => l.eligible),
    slot: Int32Array.from(spec.lines, (l) => l.slot),
    monthRow: new Int32Array(n).fill(-1),
    months: new Float64Array(withMonths.length * MONTH_COUNT).fill(NaN),
    params: paramsOf(spec),
  };
  let row = 0;
  spec.lines.forEach((l, i) => {
    if (!l.months) return;
    cols.monthRow[i] = row;
    cols.months.set(l.months, row * MONTH_COUNT);
    row++;
  });
  return cols;
}

/** An edit of a random field of a random line (index taken modulo the plan's lines). */
const editArb = (huge: boolean): fc.Arbitrary<Omit<ColumnEdit, 'line'> & { at: number }> =>
  fc
    .oneof(
      fc.record({ field: fc.constantFrom<ColumnField>('plan', 'disbursed'), value: amount(huge) }),
      fc.record({ field: fc.constant<ColumnField>('expected'), value: rate }),
      fc.record({ field: fc.constant<ColumnField>('source'), value: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ field: fc.constant<ColumnField>('capital'), value: fc.integer({ min: 0, max: 1 }) }),
      fc.record({ field: fc.constant<ColumnField>('vintage'), value: fc.integer({ min: YEAR - 2, max: YEAR + 1 }) }),
      fc.record({ field: fc.constant<ColumnField>('method'), value: fc.integer({ min: -1, max: 4 }) }),
      fc.record({ field: fc.constant<ColumnField>('asOfDay'), value: asOf }),
      fc.record({ field: fc.constant<ColumnField>('eligible'), value: fc.integer({ min: 0, max: 1 }) }),
      fc.record({ field: fc.constant<ColumnField>('slot'), value: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ field: fc.constant<ColumnField>('month'), value: month, month: fc.integer({ min: 0, max: MONTH_COUNT - 1 }) }),
    )
    .chain((e) => fc.nat().map((at) => ({ ...e, at })));

describe('incremental roll-up', () => {
  it('property: after every batch of edits, the state and a copy patched from it equal rollUp of the edited columns, figure by figure', () => {
    fc.assert(
      fc.property(
        planArb.chain((spec) =>
          fc.tuple(
            fc.constant(spec),
            // Mostly a few edits; now and then a batch large enough to be rolled up again whole.
            fc.array(
              fc.oneof(
                { weight: 5, arbitrary: fc.array(editArb(spec.huge), { minLength: 1, maxLength: 6 }) },
                { weight: 1, arbitrary: fc.array(editArb(spec.huge), { minLength: 7, maxLength: 120 }) },
              ),
              { minLength: 1, maxLength: 6 },
            ),
            fc.option(
              fc.record({
                after: fc.nat(5),
                method: fc.constantFrom<ProjectionMethod>('expected', 'linear', 'backloaded'),
                asOf: fc.constantFrom('2023-06-30', '2023-11-15'),
              }),
              { nil: null },
            ),
          ),
        ),
        ([spec, batches, reconfigure]) => {
          const n = spec.lines.length;
          const state = new RollupState(columnsOf(spec));
          expect(difference(state.rollup, rollUp(state.cols))).toBeNull();
          let held: Rollup = copyRollup(state.rollup);
          batches.forEach((batch, b) => {
            if (reconfigure && reconfigure.after === b) {
              state.configure(paramsOf({ ...reconfigure, lastYear: spec.lastYear }));
              held = copyRollup(state.rollup);
            }
            const edits = n ? batch.map(({ at, ...e }) => ({ ...e, line: at % n })) : [];
            const update = updateOf(state, state.edit(edits));
            // Amounts this size never near 2^53: a few lines edited are always patched, never rolled up again.
            if (!spec.huge && batch.length <= 6) expect(update.kind).toBe('patch');
            const fresh = rollUp(state.cols);
            expect(difference(state.rollup, fresh)).toBeNull();
            held = applyRollupUpdate(held, update);
            expect(difference(held, fresh)).toBeNull();
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('property: several batches answered as one update (a formula writing after an edit) patch a copy as applying each in turn would', () => {
    fc.assert(
      fc.property(
        planArb.chain((spec) => fc.tuple(fc.constant(spec), fc.array(fc.array(editArb(spec.huge), { maxLength: 4 }), { minLength: 0, maxLength: 4 }))),
        ([spec, batches]) => {
          const n = spec.lines.length;
          const state = new RollupState(columnsOf(spec));
          const held = copyRollup(state.rollup);
          const patches: (RollupPatch | null)[] = batches.map((batch) => state.edit(n ? batch.map(({ at, ...e }) => ({ ...e, line: at % n })) : []));
          const merged = applyRollupUpdate(held, updateAfter(state, patches));
          expect(difference(merged, rollUp(state.cols))).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: new projection settings, after edits or none, give at once what rollUp gives for the columns under them', () => {
    fc.assert(
      fc.property(
        planArb.chain((spec) =>
          fc.tuple(
            fc.constant(spec),
            fc.array(editArb(spec.huge), { maxLength: 6 }),
            fc.record({
              method: fc.constantFrom<ProjectionMethod>('expected', 'linear', 'backloaded', 'custom', 'lastYear'),
              asOf: fc.option(fc.constantFrom('2023-06-30', '2023-11-15', '2023-12-31'), { nil: null }),
              year: fc.constantFrom(YEAR, YEAR, YEAR + 1),
            }),
          ),
        ),
        ([spec, edits, settings]) => {
          const n = spec.lines.length;
          const state = new RollupState(columnsOf(spec));
          if (n) state.edit(edits.map(({ at, ...e }) => ({ ...e, line: at % n })));
          state.configure({ ...paramsOf({ ...settings, lastYear: spec.lastYear }), year: settings.year });
          const fresh = rollUp(state.cols);
          expect(difference(state.rollup, fresh)).toBeNull();
          // And it carries on from there: one more edit of the first line still matches.
          if (n) {
            state.edit([{ line: 0, field: 'plan', value: 7_000 }]);
            expect(difference(state.rollup, rollUp(state.cols))).toBeNull();
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('property: the full pass gives what the first, line-by-line reading gave', () => {
    fc.assert(
      fc.property(planArb, (spec) => {
        const cols = columnsOf(spec);
        const want = referenceRollUp(cols);
        // Past 2^53 the order of additions shows in the last digits: only the flag must agree there.
        if (spec.huge) expect(rollUp(cols).overflow).toBe(want.overflow);
        else expect(difference(rollUp(cols), want)).toBeNull();
      }),
      { numRuns: 400 },
    );
  });

  it('property: so does the full pass of a plan of thousands of lines, which it projects and sums a block of lines at a time', () => {
    fc.assert(
      fc.property(planArbOf(4_000, 1_500), (spec) => {
        const cols = columnsOf(spec);
        const want = referenceRollUp(cols);
        if (spec.huge) expect(rollUp(cols).overflow).toBe(want.overflow);
        else expect(difference(rollUp(cols), want)).toBeNull();
      }),
      { numRuns: 12 },
    );
  });
});

describe('incremental roll-up, cases', () => {
  // A project (node 0) with one sub-project (node 1), and a second project (node 2).
  const params = paramsOf({ method: 'expected', asOf: '2023-11-15', lastYear: null });
  const line = (over: Partial<PlanSpec['lines'][number]>): PlanSpec['lines'][number] => ({
    node: 1,
    plan: 100,
    disbursed: 0,
    expected: 50,
    source: 0,
    capital: 0,
    vintage: YEAR,
    method: -1,
    asOfDay: NaN,
    eligible: 0,
    slot: 0,
    months: null,
    ...over,
  });
  const stateOf = (lines: PlanSpec['lines']) => {
    const cols = columnsOf({ parents: [-1, 0, -1], lines, counterpart: [0, 0], method: 'expected', asOf: '2023-11-15', lastYear: null, huge: false });
    cols.params = params;
    return new RollupState(cols);
  };
  const total = (s: RollupState) => ({ carry: s.rollup.carryOver[3], lapse: s.rollup.lapse[3] });

  it('a line moved to another budget cell stops drawing on its old cell: what the old cell keeps lapses', () => {
    // Investment money of one cell: last year's 100 (nothing expected) is spent first, by this year's projection.
    const s = stateOf([line({ vintage: YEAR - 1, expected: 0 }), line({ expected: 100 })]);
    expect(Array.from(s.rollup.lineUnspent)).toEqual([0, 100]);
    expect(total(s)).toEqual({ carry: 100, lapse: 0 });
    const patch = s.edit([{ line: 1, field: 'source', value: 1 }]);
    expect(patch).not.toBeNull();
    // Now local money of a cell of its own: it spends its own 100, and last year's 100 is left to lapse.
    expect(Array.from(s.rollup.lineUnspent)).toEqual([100, 0]);
    expect(total(s)).toEqual({ carry: 0, lapse: 100 });
    expect([s.rollup.central[3], s.rollup.local[3]]).toEqual([100, 100]);
    expect(Array.from(patch!.lines).sort()).toEqual([0, 1]);
    expect(difference(s.rollup, rollUp(s.cols))).toBeNull();
  });

  it('a vintage edit reorders its cell: the line made older is drawn first', () => {
    const s = stateOf([line({ expected: 50 }), line({ vintage: YEAR - 1, expected: 50 })]);
    // Last year's line (1) is drawn first; this year's keeps 100 and carries it over.
    expect(Array.from(s.rollup.lineUnspent)).toEqual([100, 0]);
    expect(total(s)).toEqual({ carry: 100, lapse: 0 });
    expect(s.edit([{ line: 0, field: 'vintage', value: YEAR - 2 }])).not.toBeNull();
    // Line 0 is now the oldest: drawn first; line 1 keeps 100 of money carried in, which lapses.
    expect(Array.from(s.rollup.lineUnspent)).toEqual([0, 100]);
    expect(total(s)).toEqual({ carry: 0, lapse: 100 });
    expect(s.rollup.carriedIn[3]).toBe(200);
    expect(difference(s.rollup, rollUp(s.cols))).toBeNull();
  });

  it('a patch names the edited line, its node and the nodes above it, nothing else', () => {
    const s = stateOf([line({}), line({ node: 2 }), line({ slot: 1 })]);
    const patch = s.edit([{ line: 0, field: 'plan', value: 300 }])!;
    expect(Array.from(patch.nodes)).toEqual([0, 1, 3]);
    expect(Array.from(patch.lines)).toEqual([0]);
    expect(s.rollup.plan[3]).toBe(500);
    const held = applyRollupUpdate(copyRollup(stateOf([line({}), line({ node: 2 }), line({ slot: 1 })]).rollup), { kind: 'patch', patch });
    expect(difference(held, s.rollup)).toBeNull();
  });

  it('a batch moving many lines to other cells regroups the cells; the next edit is patched against them', () => {
    const lines = Array.from({ length: 48 }, (_, i) => line({ vintage: YEAR - (i % 2), expected: 30 + i }));
    const s = stateOf(lines);
    const batch: ColumnEdit[] = lines.map((_, i) => ({ line: i, field: i % 3 ? 'source' : 'vintage', value: i % 3 ? 1 + (i % 2) : YEAR + 1 }));
    expect(s.edit(batch)).toBeNull();
    expect(difference(s.rollup, rollUp(s.cols))).toBeNull();
    expect(
      s.edit([
        { line: 5, field: 'plan', value: 7 },
        { line: 6, field: 'slot', value: 2 },
      ]),
    ).not.toBeNull();
    expect(difference(s.rollup, rollUp(s.cols))).toBeNull();
  });

  it('a sum passing 2^53 đồng rolls everything up again and says so; back under, edits are patched again', () => {
    const s = stateOf([line({ plan: 5e15, expected: NaN }), line({ plan: 0, expected: NaN })]);
    expect(s.rollup.overflow).toBe(false);
    expect(s.edit([{ line: 1, field: 'plan', value: 5e15 }])).toBeNull();
    expect(s.rollup.overflow).toBe(true);
    expect(s.edit([{ line: 1, field: 'plan', value: 0 }])).toBeNull();
    expect(s.rollup.overflow).toBe(false);
    expect(s.rollup.plan[3]).toBe(5e15);
    expect(s.edit([{ line: 1, field: 'plan', value: 7 }])).not.toBeNull();
    expect(s.rollup.plan[3]).toBe(5e15 + 7);
  });
});

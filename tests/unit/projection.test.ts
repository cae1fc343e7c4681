import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyColumnEdits, buildColumns, lineColumnEdits, rollUp, SlotTable } from '../../src/domain/rollup';
import { orderTree, instantiateTree } from '../../src/domain/tree';
import { blankLine, setLineField } from '../../src/domain/edit';
import { buildDemoWorkbook } from '../../src/domain/demo';
import {
  cumulativeAt,
  cumulativeFromMonthly,
  dayNumber,
  deadlineOf,
  DEFAULT_PROJECTION,
  FLAG_EXPECTED_EQUALS_REACHED,
  FLAG_FAR_FROM_PROFILE,
  FLAG_NO_PROFILE,
  METHOD_CODE,
  monthStarts,
  monthsLeft,
  profileTable,
  projectionParams,
} from '../../src/domain/projection';
import type { CapitalType, Line, ProjectionMethod, ProjectionSettings, Workbook } from '../../src/domain/model';

const TR = 1_000_000;
const tree = orderTree(instantiateTree('wb'));
const leaf = tree.nodes.find((n) => n.code === 'DA7.TDA2')!;
const other = tree.nodes.find((n) => n.code === 'DA2')!;

function wb(year: number, asOf: string | null, projection: Partial<ProjectionSettings> = {}): Pick<Workbook, 'year' | 'settings'> {
  return { year, settings: { asOf, projection: { ...DEFAULT_PROJECTION, ...projection } } };
}

function line(over: Partial<Line>, i = 0): Line {
  return { ...blankLine(`l${i}`, leaf.id, i, over.vintage ?? 2023), ...over };
}

function project(lines: Line[], w = wb(2023, '2023-11-15')) {
  const cols = buildColumns(tree, lines, new Float64Array(2), projectionParams(w));
  return { cols, r: rollUp(cols) };
}

describe('profiles and dates', () => {
  it('linear profile: half the year by 30 June, all of it by 31 December', () => {
    const profiles = profileTable(DEFAULT_PROJECTION);
    const starts = monthStarts(2023);
    expect(cumulativeAt(profiles, METHOD_CODE.linear, starts, dayNumber('2023-06-30'))).toBeCloseTo(0.5, 10);
    expect(cumulativeAt(profiles, METHOD_CODE.linear, starts, dayNumber('2023-12-31'))).toBe(1);
    expect(cumulativeAt(profiles, METHOD_CODE.linear, starts, dayNumber('2022-12-31'))).toBe(0);
    expect(monthsLeft(starts, dayNumber('2023-10-31'))).toBe(2);
    expect(monthsLeft(starts, dayNumber('2023-11-15'))).toBe(1.5);
    expect(monthsLeft(starts, dayNumber('2023-12-31'))).toBe(0);
  });

  it('an unusable profile (last year unknown, or all zeros) is NaN, never a guess', () => {
    const profiles = profileTable({ ...DEFAULT_PROJECTION, lastYearMonths: null });
    expect(cumulativeAt(profiles, METHOD_CODE.lastYear, monthStarts(2023), dayNumber('2023-06-30'))).toBeNaN();
    expect(cumulativeFromMonthly(new Array(12).fill(0))).toBeNull();
    expect(cumulativeFromMonthly([1, 2, -3, 4, 5, 6, 7, 8, 9, 10, 11, 12])).toBeNull();
  });

  it('deadlines: investment 31/01 of N+1 (31/12 with the extension), eligible recurrent 31/12 of N+1, carried-in money 31/12 of N', () => {
    const w = wb(2023, null);
    expect(deadlineOf({ vintage: 2023, capital: 'investment' }, w)).toBe('2024-01-31');
    expect(deadlineOf({ vintage: 2023, capital: 'investment' }, wb(2023, null, { investmentExtended: true }))).toBe('2024-12-31');
    expect(deadlineOf({ vintage: 2023, capital: 'recurrent', carryEligible: true }, w)).toBe('2024-12-31');
    expect(deadlineOf({ vintage: 2023, capital: 'recurrent' }, w)).toBe('2023-12-31');
    expect(deadlineOf({ vintage: 2022, capital: 'investment' }, w)).toBe('2023-12-31');
  });
});

describe('seed figures', () => {
  it('2022 Cao Lộc: 5.589 planned, 1.338,216 disbursed at year end → 4.250,784 carried over exactly', () => {
    const l = line({ vintage: 2022, plan: 5589 * TR, disbursed: 1_338_216_000, carryEligible: true });
    const { r } = project([l], wb(2022, '2022-12-31', { method: 'linear' }));
    expect(r.lineCarry[0]).toBe(4_250_784_000);
    expect(r.lineLapse[0]).toBe(0);
    expect(r.carryOver[r.nodeCount]).toBe(4_250_784_000);
  });

  it('flags the demo line whose expected 17 % is the 17 % already reached in November (DA4.TDA1)', () => {
    const d = buildDemoWorkbook();
    const t = orderTree(d.nodes);
    const cols = buildColumns(t, d.lines, new Float64Array(2), projectionParams(d.workbook));
    const r = rollUp(cols);
    const i = d.lines.findIndex((l) => l.unit === 'Trung tâm GDNN-GDTX');
    expect(r.lineFlags[i] & FLAG_EXPECTED_EQUALS_REACHED).toBeTruthy();
    const ok = d.lines.findIndex((l) => l.unit === 'Trung tâm Y tế huyện');
    expect(r.lineFlags[ok] & FLAG_EXPECTED_EQUALS_REACHED).toBeFalsy();
  });
});

describe('projection by method', () => {
  it('linear at 30 June doubles what is disbursed; back-loaded projects more from the same figure', () => {
    const l = line({ plan: 1000 * TR, disbursed: 200 * TR, expectedRate: 90 });
    const lin = project([{ ...l, method: 'linear' }], wb(2023, '2023-06-30')).r;
    expect(lin.lineProjected[0]).toBe(400 * TR);
    const back = project([{ ...l, method: 'backloaded' }], wb(2023, '2023-06-30')).r;
    expect(back.lineProjected[0]).toBe(1000 * TR); // 200 / 16 % → 1.250, capped at the plan
  });

  it('a line with its own as-of date uses it instead of the workbook default', () => {
    const l = line({ plan: 1000 * TR, disbursed: 200 * TR, method: 'linear', asOf: '2023-03-31' });
    expect(project([l], wb(2023, '2023-06-30')).r.lineProjected[0]).toBe(800 * TR);
  });

  it('run-rate: 80 % of 100 from 20 with two months left is 30 a month', () => {
    const l = line({ plan: 100 * TR, disbursed: 20 * TR, expectedRate: 80 });
    const { r } = project([l], wb(2023, '2023-10-31'));
    expect(r.lineRunRate[0]).toBe(30 * TR);
    expect(r.runRate[r.nodeCount]).toBe(30 * TR);
  });

  it('flags an expected rate far from what the profile makes likely, and a profile with no data', () => {
    const far = line({ plan: 100 * TR, disbursed: 5 * TR, expectedRate: 100 });
    expect(project([far], wb(2023, '2023-06-30', { method: 'linear' })).r.lineFlags[0] & FLAG_FAR_FROM_PROFILE).toBeTruthy();
    const near = line({ plan: 100 * TR, disbursed: 45 * TR, expectedRate: 90 });
    expect(project([near], wb(2023, '2023-06-30', { method: 'linear' })).r.lineFlags[0] & FLAG_FAR_FROM_PROFILE).toBeFalsy();
    const noData = line({ plan: 100 * TR, disbursed: 5 * TR, method: 'lastYear' });
    const r = project([noData]).r;
    expect(r.lineFlags[0] & FLAG_NO_PROFILE).toBeTruthy();
    expect(r.lineProjected[0]).toBe(5 * TR);
  });

  it("last year's months shape the projection", () => {
    const months = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50, 50].map((v) => v * TR); // all in Nov–Dec
    const l = line({ plan: 1000 * TR, disbursed: 300 * TR, method: 'lastYear' });
    const r = project([l], wb(2023, '2023-11-30', { lastYearMonths: months })).r;
    expect(r.lineProjected[0]).toBe(600 * TR);
  });

  it('monthly actuals roll up by month', () => {
    const a = line({ plan: 100 * TR, months: [1 * TR, 2 * TR, ...new Array(11).fill(null)] }, 0);
    const b = line({ plan: 100 * TR, months: [3 * TR, null, ...new Array(11).fill(null)] }, 1);
    const { r } = project([a, b]);
    const k = r.nodeCount;
    expect(r.months[k * 13]).toBe(4 * TR);
    expect(r.months[k * 13 + 1]).toBe(2 * TR);
    expect(r.monthsKnown[k]).toBe(2);
  });
});

describe('vintages: oldest money is spent first', () => {
  it('disbursement recorded on this year’s line draws last year’s carried-in money first; carried-in money left lapses', () => {
    const old = line({ vintage: 2022, plan: 300 * TR, disbursed: 0, expectedRate: 100 }, 0);
    const cur = line({ vintage: 2023, plan: 700 * TR, disbursed: 200 * TR, expectedRate: 50, carryEligible: true }, 1);
    const { r } = project([cur, old]);
    // Projected: 300 (2022 line at 100 %) + 350 (2023 line at 50 %) = 650, drawn 300 from 2022 then 350 from 2023.
    expect(r.lineUnspent[1]).toBe(0);
    expect(r.lineUnspent[0]).toBe(350 * TR);
    expect(r.lineCarry[0]).toBe(350 * TR);
    expect(r.lapse[r.nodeCount]).toBe(0);
    const { r: r2 } = project([
      { ...cur, expectedRate: null },
      { ...old, expectedRate: null },
    ]);
    // Only 200 spent: all of it from 2022's 300, whose remaining 100 lapses; 2023's 700 carries over.
    expect(r2.lineLapse[1]).toBe(100 * TR);
    expect(r2.lineCarry[0]).toBe(700 * TR);
  });

  it('recurrent money not marked eligible lapses; investment money carries over', () => {
    const rec = line({ capital: 'recurrent', plan: 100 * TR, disbursed: 40 * TR }, 0);
    const inv = line({ capital: 'investment', plan: 100 * TR, disbursed: 40 * TR }, 1);
    const { r } = project([rec, inv]);
    expect(r.lineLapse[0]).toBe(60 * TR);
    expect(r.lineCarry[1]).toBe(60 * TR);
  });

  const methods: (ProjectionMethod | null)[] = [null, 'expected', 'linear', 'backloaded', 'custom', 'lastYear'];
  const arbLine = fc.record({
    node: fc.boolean(),
    unit: fc.constantFrom('', 'A', 'B'),
    source: fc.constantFrom('central', 'local', 'other') as fc.Arbitrary<Line['source']>,
    capital: fc.constantFrom<CapitalType>('investment', 'recurrent'),
    vintage: fc.integer({ min: 2020, max: 2024 }),
    plan: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1e14 })),
    disbursedShare: fc.double({ min: 0, max: 1.2, noNaN: true }),
    expected: fc.option(fc.integer({ min: 0, max: 10000 }).map((x) => x / 100)),
    method: fc.constantFrom(...methods),
    eligible: fc.boolean(),
    asOf: fc.option(fc.date({ min: new Date('2022-12-01'), max: new Date('2024-02-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))),
  });

  it('property: projection within [disbursed, available]; drawn + carry-over + lapse = plan per line; FIFO; totals agree to the đồng', () => {
    fc.assert(
      fc.property(
        fc.array(arbLine, { minLength: 1, maxLength: 30 }),
        fc.constantFrom<ProjectionMethod>('expected', 'linear', 'backloaded', 'custom', 'lastYear'),
        fc.option(fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 12, maxLength: 12 })),
        (specs, method, lastYear) => {
          const lines = specs.map((s, i) =>
            line(
              {
                nodeId: s.node ? leaf.id : other.id,
                unit: s.unit,
                source: s.source,
                capital: s.capital,
                vintage: s.vintage,
                plan: s.plan,
                disbursed: Math.round(s.plan * s.disbursedShare),
                expectedRate: s.expected,
                method: s.method,
                carryEligible: s.eligible,
                asOf: s.asOf,
              },
              i,
            ),
          );
          const { r } = project(lines, wb(2023, '2023-11-15', { method, lastYearMonths: lastYear }));
          const cells = new Map<string, number[]>();
          lines.forEach((l, i) => {
            const p = r.lineProjected[i];
            expect(p).toBeGreaterThanOrEqual(l.disbursed);
            expect(p).toBeLessThanOrEqual(Math.max(l.plan, l.disbursed));
            expect(Number.isSafeInteger(p)).toBe(true);
            const unspent = r.lineUnspent[i];
            if (unspent >= 0) expect(r.lineCarry[i] + r.lineLapse[i]).toBe(unspent);
            else expect(r.lineCarry[i] + r.lineLapse[i]).toBe(0);
            expect(r.lineCarry[i] === 0 || r.lineLapse[i] === 0).toBe(true);
            if (r.lineCarry[i] > 0) expect(l.vintage >= 2023 && (l.capital === 'investment' || l.carryEligible)).toBe(true);
            const key = [l.nodeId, l.unit, l.source, l.capital].join('|');
            cells.set(key, [...(cells.get(key) ?? []), i]);
          });
          for (const members of cells.values()) {
            const drawn = (i: number) => lines[i].plan - r.lineUnspent[i];
            const sumProj = members.reduce((a, i) => a + r.lineProjected[i], 0);
            expect(members.reduce((a, i) => a + drawn(i), 0)).toBe(sumProj);
            // FIFO: a newer vintage draws nothing while an older line of the cell still has money left.
            for (const i of members)
              for (const j of members) if (lines[j].vintage > lines[i].vintage && r.lineUnspent[i] > 0 && lines[j].plan > 0 && members.at(-1) !== j) expect(drawn(j)).toBe(0);
          }
          const k = r.nodeCount;
          const plan = lines.reduce((a, l) => a + l.plan, 0);
          expect(r.projected[k] + r.unspent[k]).toBe(plan);
          const negative = lines.reduce((a, _, i) => a + Math.min(r.lineUnspent[i], 0), 0);
          expect(r.carryOver[k] + r.lapse[k] + negative).toBe(r.unspent[k]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('edits of vintage, method, eligibility, unit and months through columns give the same roll-up as a full rebuild', () => {
    const slots = new SlotTable();
    const base = [line({ plan: 500 * TR, disbursed: 100 * TR, expectedRate: 60 }, 0), line({ vintage: 2022, plan: 200 * TR, disbursed: 0 }, 1)];
    const params = projectionParams(wb(2023, '2023-11-15'));
    const cols = buildColumns(tree, base, new Float64Array(2), params, slots);
    let after = setLineField(base[0], 'method', 'linear');
    after = setLineField(after, 'carryEligible', true);
    after = setLineField(after, 'm3', 7 * TR);
    after = setLineField(after, 'unit', 'X');
    const after1 = setLineField(base[1], 'vintage', 2023);
    applyColumnEdits(cols, [...lineColumnEdits(0, base[0], after, slots), ...lineColumnEdits(1, base[1], after1, slots)]);
    const fresh = rollUp(buildColumns(tree, [after, after1], new Float64Array(2), params, new SlotTable()));
    const edited = rollUp(cols);
    for (const key of ['lineProjected', 'lineUnspent', 'lineCarry', 'lineLapse', 'months', 'carryOver', 'lapse'] as const)
      expect(Array.from(edited[key])).toEqual(Array.from(fresh[key]));
  });
});

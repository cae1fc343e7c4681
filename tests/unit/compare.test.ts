import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  COMPARE_DIMENSIONS,
  COMPARE_MEASURES,
  COMPARE_TOTAL,
  compareScenarios,
  deltaPercent,
  groupRow,
  requestBuffers,
  rowDelta,
  rowValue,
  type CompareDimension,
  type CompareRowOptions,
  type Comparison,
} from '../../src/domain/compare';
import { compareRequest, groupLines, prepareComparison, type ScenarioPlan } from '../../src/domain/compare-request';
import { buildColumns, counterpartColumn, rollUp } from '../../src/domain/rollup';
import { projectionParams } from '../../src/domain/projection';
import { instantiateTree, orderTree, type OrderedTree } from '../../src/domain/tree';
import { buildDemoWorkbook } from '../../src/domain/demo';
import type { CapitalType, Line, Place, Source, Workbook } from '../../src/domain/model';

const TR = 1_000_000;
const ALL_ROWS: CompareRowOptions = { measures: [...COMPARE_MEASURES], onlyChanged: false, sortByChange: false };

/** Compares plans rolled up by a dimension, through the request builder the app uses. */
function compare(tree: OrderedTree, plans: ScenarioPlan[], dimension: CompareDimension, places: Place[] = [], rows = ALL_ROWS) {
  const prepared = prepareComparison(tree, plans);
  const groups = dimension === 'project' ? null : groupLines(prepared, dimension, places);
  return { prepared, groups, c: compareScenarios(compareRequest(prepared, dimension, groups, rows)) };
}

// ---- generated plans ---------------------------------------------------------------------------

const wbId = 'wb';
const tree = orderTree(instantiateTree(wbId));
const leaves = tree.nodes.filter((_, k) => !tree.hasChildren[k]);
const UNITS = ['', 'Phòng LĐ-TB&XH', 'Phòng LÐ-TB&XH', 'Trung tâm Y tế', 'UBND xã'];
const PLACES: Place[] = ['p1', 'p2', 'p3'].map((id, i) => ({ id, workbookId: wbId, parentId: null, code: id, name: `Xã ${i}`, kind: 'commune', values: {}, order: i }));

const workbook: Pick<Workbook, 'year' | 'counterpart' | 'settings'> = {
  year: 2024,
  counterpart: [
    { year: 2024, capital: 'recurrent', percent: 1.73 },
    { year: 2024, capital: 'investment', percent: 5 },
  ],
  settings: { asOf: '2024-11-15' },
};

const lineArb = fc.record({
  leaf: fc.nat({ max: leaves.length - 1 }),
  unit: fc.constantFrom(...UNITS),
  place: fc.constantFrom(null, 'p1', 'p2', 'p3', 'gone'),
  source: fc.constantFrom<Source>('central', 'local', 'other'),
  capital: fc.constantFrom<CapitalType>('investment', 'recurrent'),
  vintage: fc.constantFrom(2023, 2024),
  plan: fc.integer({ min: 0, max: 5e11 }),
  share: fc.double({ min: 0, max: 1.2, noNaN: true }),
  expected: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  eligible: fc.boolean(),
});

type LineSpec = typeof lineArb extends fc.Arbitrary<infer T> ? T : never;

function toLine(spec: LineSpec, i: number): Line {
  return {
    id: `l${i}`,
    nodeId: leaves[spec.leaf].id,
    order: i,
    label: `Dòng ${i}`,
    unit: spec.unit,
    placeId: spec.place,
    source: spec.source,
    capital: spec.capital,
    vintage: spec.vintage,
    plan: spec.plan,
    disbursed: Math.round(spec.plan * spec.share),
    asOf: null,
    expectedRate: spec.expected,
    carryEligible: spec.eligible,
  };
}

/** An edit a variant may make to a line of its source: change amounts, move it, or drop it. */
const editArb = fc.record({
  drop: fc.boolean(),
  plan: fc.option(fc.integer({ min: 0, max: 5e11 }), { nil: undefined }),
  leaf: fc.option(fc.nat({ max: leaves.length - 1 }), { nil: undefined }),
  unit: fc.option(fc.constantFrom(...UNITS), { nil: undefined }),
  expected: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
});

/** A base plan and two to three more scenarios derived from it (edited, shuffled, with new lines). */
const scenariosArb = fc
  .record({
    base: fc.array(lineArb, { maxLength: 30 }),
    variants: fc.array(fc.record({ edits: fc.array(editArb, { maxLength: 30 }), added: fc.array(lineArb, { maxLength: 4 }), ratio: fc.constantFrom(0, 1.73, 10) }), {
      minLength: 1,
      maxLength: 3,
    }),
  })
  .map(({ base, variants }) => {
    const baseLines = base.map(toLine);
    const plans: ScenarioPlan[] = [{ workbook, lines: baseLines }];
    variants.forEach((v, k) => {
      const lines: Line[] = [];
      baseLines.forEach((l, i) => {
        const e = v.edits[i];
        if (!e) return lines.push({ ...l });
        if (e.drop) return;
        lines.push({
          ...l,
          ...(e.plan !== undefined ? { plan: e.plan } : {}),
          ...(e.leaf !== undefined ? { nodeId: leaves[e.leaf].id } : {}),
          ...(e.unit !== undefined ? { unit: e.unit } : {}),
          ...(e.expected !== undefined ? { expectedRate: e.expected } : {}),
        });
      });
      v.added.forEach((spec, j) => lines.push({ ...toLine(spec, 1000 * (k + 1) + j), id: `v${k}-${j}` }));
      const counterpart = [{ year: 2024, capital: 'recurrent' as const, percent: v.ratio }];
      plans.push({ workbook: { ...workbook, counterpart }, lines: lines.reverse() });
    });
    return plans;
  });

// ---- helpers over a comparison -----------------------------------------------------------------

const groupCodes = (c: Comparison) => Array.from({ length: c.groupCount }, (_, g) => groupRow(g));
const lineCodes = (c: Comparison) => Array.from({ length: c.lineCount }, (_, i) => i);

describe('compareScenarios: properties', () => {
  it('comparing a scenario with itself gives all-zero deltas, in every dimension', () => {
    fc.assert(
      fc.property(scenariosArb, fc.constantFrom(...COMPARE_DIMENSIONS), (plans, dim) => {
        const { c } = compare(tree, [plans[0], plans[0], plans[0]], dim, PLACES);
        for (const m of COMPARE_MEASURES)
          for (let s = 1; s < 3; s++) for (const code of [...lineCodes(c), ...groupCodes(c), COMPARE_TOTAL]) expect(rowDelta(c, m, s, code)).toBe(0);
        // Nothing changed, so "only changed lines" keeps the total alone.
        const only = compareScenarios(compareRequest(prepareComparison(tree, [plans[0], plans[0]]), 'project', null, { ...ALL_ROWS, onlyChanged: true }));
        expect(Array.from(only.rows)).toEqual([COMPARE_TOTAL]);
      }),
      { numRuns: 60 },
    );
  });

  it('the deltas of the parts sum exactly to the delta of the total (lines, nodes, groups)', () => {
    fc.assert(
      fc.property(scenariosArb, fc.constantFrom(...COMPARE_DIMENSIONS), (plans, dim) => {
        const { c } = compare(tree, plans, dim, PLACES);
        for (const m of COMPARE_MEASURES)
          for (let s = 0; s < c.scenarioCount; s++) {
            const total = rowDelta(c, m, s, COMPARE_TOTAL);
            const roots = dim === 'project' ? groupCodes(c).filter((code) => c.nodeParent[-code - 2] < 0) : groupCodes(c);
            expect(roots.reduce((a, code) => a + rowDelta(c, m, s, code), 0)).toBe(total);
            // Every line of every scenario belongs to a node of the tree here, so the lines sum to the total too.
            expect(lineCodes(c).reduce((a, i) => a + rowDelta(c, m, s, i), 0)).toBe(total);
            if (dim === 'project')
              for (let k = 0; k < c.nodeCount; k++) {
                const kids = groupCodes(c).filter((code) => c.nodeParent[-code - 2] === k);
                const own = plans[s].lines.filter((l) => tree.indexOf.get(l.nodeId) === k);
                const ownSum = own.reduce((a, l) => a + rowValue(c, m, s, lineIndexOf(c, plans, l.id)), 0);
                expect(kids.reduce((a, code) => a + rowValue(c, m, s, code), ownSum)).toBe(rowValue(c, m, s, groupRow(k)));
              }
          }
        expect(c.overflow).toBe(false);
      }),
      { numRuns: 80 },
    );
  });

  it('a line only in one scenario counts as 0 in the others, and each line keeps its own scenario roll-up', () => {
    fc.assert(
      fc.property(scenariosArb, (plans) => {
        const { prepared, c } = compare(tree, plans, 'project');
        plans.forEach((plan, s) => {
          const own = prepared.scenarios[s];
          const wb = plan.workbook;
          const r = rollUp(buildColumns(tree, own.lines, counterpartColumn(wb.counterpart, wb.year), projectionParams(wb)));
          const held = new Map(own.lines.map((l, j) => [l.id, j]));
          prepared.lines.forEach((l, i) => {
            const j = held.get(l.id);
            expect(c.present[s * c.lineCount + i]).toBe(j === undefined ? 0 : 1);
            const want =
              j === undefined ? [0, 0, 0, 0, 0, 0] : [own.lines[j].plan, r.lineProjected[j], r.lineCarry[j], r.lineLapse[j], r.lineRequired[j], own.lines[j].disbursed];
            expect(COMPARE_MEASURES.map((m) => rowValue(c, m, s, i))).toEqual(want);
          });
          // The scenario's total is its own grid's total.
          expect(rowValue(c, 'projected', s, COMPARE_TOTAL)).toBe(r.projected[r.nodeCount]);
          expect(rowValue(c, 'requiredLocal', s, COMPARE_TOTAL)).toBe(r.requiredLocal[r.nodeCount]);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('only changed lines keeps exactly the changed lines, and their groups; sorted rows are the same rows', () => {
    fc.assert(
      fc.property(scenariosArb, fc.constantFrom(...COMPARE_DIMENSIONS), fc.subarray([...COMPARE_MEASURES], { minLength: 1 }), (plans, dim, measures) => {
        const rows = { measures, onlyChanged: true, sortByChange: false };
        const { c } = compare(tree, plans, dim, PLACES, rows);
        const changed = (code: number) => measures.some((m) => Array.from({ length: c.scenarioCount }, (_, s) => rowDelta(c, m, s, code)).some((d) => d !== 0));
        const shownLines = Array.from(c.rows).filter((r) => r >= 0);
        expect(shownLines.sort((a, b) => a - b)).toEqual(lineCodes(c).filter((i) => c.lineGroup[i] >= 0 && changed(i)));
        // A group that did not change itself is shown only for what changed below it, which follows it.
        c.rows.forEach((code, at) => {
          if (code >= COMPARE_TOTAL || changed(code)) return;
          const next = c.rows[at + 1];
          expect(next >= 0 || (dim === 'project' && next < COMPARE_TOTAL && c.nodeParent[-next - 2] === -code - 2)).toBe(true);
        });
        const sorted = compare(tree, plans, dim, PLACES, { ...rows, sortByChange: true }).c;
        expect(Array.from(sorted.rows).sort((a, b) => a - b)).toEqual(Array.from(c.rows).sort((a, b) => a - b));
      }),
      { numRuns: 60 },
    );
  });
});

function lineIndexOf(c: Comparison, plans: ScenarioPlan[], id: string): number {
  const prepared = prepareComparison(tree, plans);
  const i = prepared.lines.findIndex((l) => l.id === id);
  expect(i).toBeLessThan(c.lineCount);
  return i;
}

// ---- the demo: DA2 raised by 10 % ------------------------------------------------------------

describe('the demo with DA2 raised by 10 %', () => {
  const d = buildDemoWorkbook();
  const demoTree = orderTree(d.nodes);
  const da2 = d.nodes.find((n) => n.code === 'DA2')!;
  const variant = d.lines.map((l) => (l.nodeId === da2.id ? { ...l, plan: Math.round(l.plan * 1.1) } : l));
  const plans: ScenarioPlan[] = [
    { workbook: d.workbook, lines: d.lines },
    { workbook: d.workbook, lines: variant },
  ];
  const lineOf = (c: { prepared: { lines: Line[] } }, nodeId: string) => c.prepared.lines.findIndex((l) => l.nodeId === nodeId);

  it('DA2, its project row and the total show +543,6 triệu (10 %), every other row none', () => {
    const r = compare(demoTree, plans, 'project');
    const { c } = r;
    const da2Line = lineOf(r, da2.id);
    const da2Row = groupRow(demoTree.indexOf.get(da2.id)!);
    for (const code of [da2Line, da2Row, COMPARE_TOTAL]) expect(rowDelta(c, 'plan', 1, code)).toBe(543.6 * TR);
    expect(deltaPercent(rowValue(c, 'plan', 1, da2Line), rowValue(c, 'plan', 0, da2Line))).toBeCloseTo(10, 10);
    expect(deltaPercent(rowValue(c, 'plan', 1, COMPARE_TOTAL), rowValue(c, 'plan', 0, COMPARE_TOTAL))).toBeCloseTo((543.6 / 13_819) * 100, 10);
    for (const code of [...lineCodes(c), ...groupCodes(c)]) if (code !== da2Line && code !== da2Row) expect(rowDelta(c, 'plan', 1, code)).toBe(0);
    // DA2's 2022 money is projected at 100 %: the projection rises by the same 543,6 triệu.
    expect(rowDelta(c, 'projected', 1, da2Line)).toBe(543.6 * TR);
    // Counterpart: 1,73 % of the added central money.
    expect(rowDelta(c, 'requiredLocal', 1, COMPARE_TOTAL)).toBe(Math.round(543.6 * TR * 0.0173));
  });

  it('shows only DA2 (the project row and its line) and the total when only changed lines are asked for', () => {
    const r = compare(demoTree, plans, 'project', [], { measures: ['plan'], onlyChanged: true, sortByChange: false });
    expect(Array.from(r.c.rows)).toEqual([groupRow(demoTree.indexOf.get(da2.id)!), lineOf(r, da2.id), COMPARE_TOTAL]);
  });

  it('sorts projects and lines by the size of their change', () => {
    const da7 = d.nodes.find((n) => n.code === 'DA7.TDA2')!;
    const more = variant.map((l) => (l.nodeId === da7.id ? { ...l, plan: l.plan - 1000 * TR } : l));
    const r = compare(demoTree, [plans[0], { workbook: d.workbook, lines: more }], 'project', [], { measures: ['plan'], onlyChanged: true, sortByChange: true });
    const codes = Array.from(r.c.rows).map((code) => (code >= 0 ? r.prepared.lines[code].nodeId : code === COMPARE_TOTAL ? 'total' : demoTree.nodes[-code - 2].code));
    expect(codes).toEqual(['DA7', 'DA7.TDA2', da7.id, 'DA2', da2.id, 'total']);
  });

  it('moving a line to another implementing unit moves its money between their groups', () => {
    const line = d.lines.find((l) => l.unit === 'Trung tâm Y tế huyện')!;
    const moved = d.lines.map((l) => (l.id === line.id ? { ...l, unit: 'Phòng LĐ-TB&XH-DT' } : l));
    const { c, groups, prepared } = compare(demoTree, [plans[0], { workbook: d.workbook, lines: moved }], 'unit');
    const g = (label: string) => groupRow(groups!.labels.indexOf(label));
    expect(rowDelta(c, 'plan', 1, g('Trung tâm Y tế huyện'))).toBe(-566 * TR);
    expect(rowDelta(c, 'plan', 1, g('Phòng LĐ-TB&XH-DT'))).toBe(566 * TR);
    expect(rowDelta(c, 'plan', 1, COMPARE_TOTAL)).toBe(0);
    // The line is shown under the group it has in the reference scenario.
    expect(c.lineGroup[prepared.lines.findIndex((l) => l.id === line.id)]).toBe(groups!.labels.indexOf('Trung tâm Y tế huyện'));
  });
});

describe('groupLines', () => {
  const d = buildDemoWorkbook();
  const t = orderTree(d.nodes);

  it('matches units written alike, sorts them in Vietnamese order, and puts lines without a unit last', () => {
    const lines = d.lines.map((l, i) => (i === 7 ? { ...l, unit: ' Phòng LÐ-TB&XH-DT ' } : l));
    const g = groupLines(prepareComparison(t, [{ workbook: d.workbook, lines }]), 'unit');
    expect(g.labels).toEqual(['Phòng LĐ-TB&XH-DT', 'Phòng Văn hoá và Thông tin', 'Trung tâm GDNN-GDTX', 'Trung tâm Y tế huyện', '']);
    expect(new Set(g.codes[0]).size).toBe(5);
  });

  it('orders places as the places sheet does, unknown ids after them and no place last', () => {
    const lines = d.lines.map((l, i) => ({ ...l, placeId: [null, 'p3', 'p1', 'zz', 'p1', null, 'p2', 'p3'][i] }));
    const g = groupLines(prepareComparison(t, [{ workbook: d.workbook, lines }]), 'place', PLACES);
    expect(g.keys).toEqual(['p1', 'p2', 'p3', 'zz', '']);
    expect(g.labels).toEqual(['Xã 0', 'Xã 1', 'Xã 2', 'zz', '']);
  });

  it('lists only the sources and capital types in use, in their fixed order', () => {
    const lines = d.lines.map((l, i) => (i === 2 ? { ...l, source: 'other' as const, capital: 'investment' as const } : l));
    const p = prepareComparison(t, [{ workbook: d.workbook, lines }]);
    expect(groupLines(p, 'source').keys).toEqual(['central', 'other']);
    expect(groupLines(p, 'capital').keys).toEqual(['investment', 'recurrent']);
  });
});

describe('compareRequest', () => {
  const d = buildDemoWorkbook();
  const t = orderTree(d.nodes);

  it('builds the union by id, the first scenario first, and transfers copies', () => {
    const extra: Line = { ...d.lines[0], id: 'new', plan: 7 * TR };
    const prepared = prepareComparison(t, [
      { workbook: d.workbook, lines: d.lines },
      { workbook: d.workbook, lines: [extra, ...d.lines.slice(1)] },
    ]);
    expect(prepared.lines.map((l) => l.id)).toEqual([...d.lines.map((l) => l.id), 'new']);
    expect(Array.from(prepared.scenarios[1].lineIndex)).toEqual([8, 1, 2, 3, 4, 5, 6, 7]);
    const req = compareRequest(prepared, 'project', null, ALL_ROWS);
    const buffers = requestBuffers(req);
    expect(new Set(buffers).size).toBe(buffers.length);
    expect(buffers).not.toContain(prepared.scenarios[0].cols.plan.buffer);
    structuredClone(req, { transfer: buffers });
    // The prepared columns are intact after the request's copies were moved away.
    expect(prepared.scenarios[0].cols.plan.length).toBe(8);
  });

  it('refuses groups of another dimension (a bug in the caller)', () => {
    const prepared = prepareComparison(t, [{ workbook: d.workbook, lines: d.lines }]);
    expect(() => compareRequest(prepared, 'unit', groupLines(prepared, 'source'), ALL_ROWS)).toThrow();
  });
});

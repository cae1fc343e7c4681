import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildColumns, rollUp, projectLine, applyColumnEdits, rateOf, counterpartColumn, isCounterpartShort } from '../../src/domain/rollup';
import { orderTree, instantiateTree } from '../../src/domain/tree';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { statedForYear } from '../../src/domain/edit';
import type { Line } from '../../src/domain/model';

const TR = 1_000_000;

function demoRollup() {
  const d = buildDemoWorkbook();
  const tree = orderTree(d.nodes);
  const cols = buildColumns(tree, d.lines);
  return { d, tree, cols, r: rollUp(cols) };
}

describe('demo workbook roll-up', () => {
  it('sums the eight lines to 13.819 triệu, against the stated 13.392 (Δ +427)', () => {
    const { d, r } = demoRollup();
    const total = r.plan[r.nodeCount];
    expect(total).toBe(13_819 * TR);
    expect(statedForYear(d.workbook).plan).toBe(13_392 * TR);
    expect(total - statedForYear(d.workbook).plan!).toBe(427 * TR);
  });

  it('rolls sub-projects into their projects', () => {
    const { tree, r } = demoRollup();
    const at = (code: string) => tree.indexOf.get(tree.nodes.find((n) => n.code === code)!.id)!;
    expect(r.plan[at('DA7')]).toBe((520 + 278) * TR);
    expect(r.plan[at('DA3')]).toBe((2398 + 566) * TR);
    expect(r.disbursed[at('DA3')]).toBe(153 * TR + 77_040_000);
    expect(r.plan[at('DA1')]).toBe(0);
  });

  it('disbursed total is exact to the đồng and the rate is derived', () => {
    const { r } = demoRollup();
    const k = r.nodeCount;
    expect(r.disbursed[k]).toBe(3_709_040_000);
    expect(rateOf(r.disbursed[k], r.plan[k])).toBeCloseTo(26.84, 2);
    expect(r.central[k]).toBe(13_819 * TR);
    expect(r.local[k]).toBe(0);
    expect(r.recurrent[k]).toBe(13_819 * TR);
  });

  it('projects each line from its expected rate (DA3.TDA2: 80 % of 566 = 452,8)', () => {
    const { d, cols, r } = demoRollup();
    const i = d.lines.findIndex((l) => l.unit === 'Trung tâm Y tế huyện');
    expect(cols.plan[i]).toBe(566 * TR);
    expect(r.lineProjected[i]).toBe(452_800_000);
    expect(r.lineUnspent[i]).toBe(113_200_000);
  });

  it('an edit of DA7.TDA2 changes DA7 and the total by the same amount', () => {
    const { d, tree, cols, r } = demoRollup();
    const before = { total: r.plan[r.nodeCount], da7: r.plan[tree.indexOf.get(d.nodes.find((n) => n.code === 'DA7')!.id)!] };
    const i = d.lines.findIndex((l) => l.nodeId === d.nodes.find((n) => n.code === 'DA7.TDA2')!.id);
    applyColumnEdits(cols, [{ line: i, field: 'plan', value: 300 * TR }]);
    const r2 = rollUp(cols);
    expect(r2.plan[r2.nodeCount] - before.total).toBe(22 * TR);
    expect(r2.plan[tree.indexOf.get(d.nodes.find((n) => n.code === 'DA7')!.id)!] - before.da7).toBe(22 * TR);
  });
});

describe('projectLine', () => {
  it.each([
    [100, 20, 80, 80],
    [100, 90, 80, 90], // never below what is already disbursed
    [100, 120, 80, 120], // over-disbursed stays as disbursed
    [100, 20, NaN, 20], // no expectation: nothing more projected
    [566_000_000, 77_040_000, 80, 452_800_000],
    [333, 0, 33.33, 111], // 110,9889 rounds to 111
  ])('plan %d, disbursed %d, expected %d %% → %d', (plan, disbursed, expected, want) => {
    expect(projectLine(plan, disbursed, expected)).toBe(want);
  });

  it('never exceeds the money available nor falls below what is disbursed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e14 }), fc.integer({ min: 0, max: 1e14 }), fc.double({ min: 0, max: 100, noNaN: true }), (plan, d0, rate) => {
        const disbursed = Math.min(d0, plan);
        const p = projectLine(plan, disbursed, rate);
        return Number.isSafeInteger(p) && p >= disbursed && p <= plan;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('rollUp invariants', () => {
  const lineArb = fc.record({
    node: fc.nat(),
    plan: fc.integer({ min: -1e12, max: 1e12 }),
    disbursed: fc.integer({ min: 0, max: 1e12 }),
    source: fc.constantFrom('central', 'local', 'other'),
    capital: fc.constantFrom('investment', 'recurrent'),
    expected: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  });

  it('the total is the exact sum of the lines, by source and by capital type too', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 200 }), (specs) => {
        const nodes = instantiateTree('wb');
        const tree = orderTree(nodes);
        const lines: Line[] = specs.map((s, i) => ({
          id: `l${i}`,
          nodeId: nodes[s.node % nodes.length].id,
          order: i,
          label: '',
          unit: '',
          placeId: null,
          source: s.source as Line['source'],
          capital: s.capital as Line['capital'],
          vintage: 2024,
          plan: s.plan,
          disbursed: s.disbursed,
          asOf: null,
          expectedRate: s.expected,
        }));
        const r = rollUp(buildColumns(tree, lines));
        const k = r.nodeCount;
        const sum = lines.reduce((a, l) => a + l.plan, 0);
        expect(r.plan[k]).toBe(sum);
        expect(r.central[k] + r.local[k] + r.other[k]).toBe(sum);
        expect(r.investment[k] + r.recurrent[k]).toBe(sum);
        expect(r.projected[k] + r.unspent[k]).toBe(sum);
        // Each project is the sum of its own lines and its sub-projects'.
        for (let n = 0; n < tree.nodes.length; n++) {
          const kids = [...tree.parentIndex.keys()].filter((c) => tree.parentIndex[c] === n);
          const own = lines.filter((l) => l.nodeId === tree.nodes[n].id).reduce((a, l) => a + l.plan, 0);
          expect(r.plan[n]).toBe(own + kids.reduce((a, c) => a + r.plan[c], 0));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('flags sums beyond 2^53 đồng instead of showing a wrong figure silently', () => {
    const nodes = instantiateTree('wb');
    const tree = orderTree(nodes);
    const big = (i: number): Line => ({
      id: `b${i}`,
      nodeId: nodes[1].id,
      order: i,
      label: '',
      unit: '',
      placeId: null,
      source: 'central',
      capital: 'recurrent',
      vintage: 2024,
      plan: 5e15,
      disbursed: 0,
      asOf: null,
      expectedRate: null,
    });
    expect(rollUp(buildColumns(tree, [big(1), big(2)])).overflow).toBe(true);
    expect(rollUp(buildColumns(tree, [big(1)])).overflow).toBe(false);
  });
});

describe('demo places (illustrative)', () => {
  it('add up exactly to the district totals the report states, in its poverty-rate bands', async () => {
    const { buildDemoPlaces } = await import('../../src/domain/demo');
    const places = buildDemoPlaces('wb');
    const sum = (k: string) => places.reduce((a, p) => a + (p.values[k] ?? 0), 0);
    expect(places).toHaveLength(22);
    expect(sum('households')).toBe(19_820);
    expect(sum('poor')).toBe(1_644);
    expect(sum('nearPoor')).toBe(2_023);
    expect(places.filter((p) => p.name.startsWith('Thị trấn')).reduce((a, p) => a + p.values.poor!, 0)).toBe(62);
    const rates = places.map((p) => (p.values.poor! / p.values.households!) * 100);
    expect(rates.filter((r) => r > 50)).toHaveLength(2);
    expect(rates.filter((r) => r > 30 && r <= 50)).toHaveLength(1);
    expect(rates.filter((r) => r >= 10 && r <= 30)).toHaveLength(6);
    expect(rates.filter((r) => r < 10)).toHaveLength(13);
    for (const name of ['Lộc Yên', 'Xuân Long', 'Thanh Lò', 'Bình Trung', 'Hoà Cư', 'Phú Xá', 'Công Sơn', 'Thạch Đạn', 'Mẫu Sơn', 'Cao Lâu', 'Bảo Lâm'])
      expect(places.some((p) => p.name === name)).toBe(true);
  });
});

describe('counterpart funds', () => {
  it('requires 1,73 % of the demo central plan as local money and finds none planned', () => {
    const d = buildDemoWorkbook();
    const tree = orderTree(d.nodes);
    const r = rollUp(buildColumns(tree, d.lines, counterpartColumn(d.workbook.counterpart, 2023)));
    const k = r.nodeCount;
    expect(r.requiredLocal[k]).toBe(d.lines.reduce((a, l) => a + Math.round((l.plan * 173) / 10_000), 0));
    expect(r.requiredLocal[k]).toBe(239_068_700);
    expect(isCounterpartShort(r, k)).toBe(true);
  });

  it('local lines are not counted as needing counterpart, and enough local money clears the shortfall', () => {
    const d = buildDemoWorkbook();
    const tree = orderTree(d.nodes);
    const da2 = d.nodes.find((n) => n.code === 'DA2')!;
    const local = { ...d.lines[0], id: 'local', source: 'local' as const, plan: 100 * TR };
    const r = rollUp(buildColumns(tree, [d.lines[0], local], counterpartColumn(d.workbook.counterpart, 2023)));
    const k = tree.indexOf.get(da2.id)!;
    expect(r.requiredLocal[k]).toBe(Math.round((5436 * TR * 173) / 10_000));
    expect(r.lineRequired[1]).toBe(0);
    expect(isCounterpartShort(r, k)).toBe(false);
  });

  it('a year without a ratio requires nothing', () => {
    const d = buildDemoWorkbook();
    const r = rollUp(buildColumns(orderTree(d.nodes), d.lines, counterpartColumn(d.workbook.counterpart, 2030)));
    expect(r.requiredLocal[r.nodeCount]).toBe(0);
  });
});

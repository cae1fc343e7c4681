// The plan checks: on the demo, every check the report's figures call for fires with the numbers
// worked out from those figures; table-driven cases for the other kinds; and on workbooks generated
// consistent (random trees, exact sums, stated = computed), nothing fires.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildDemoWorkbook, buildEmptyWorkbook } from '../../src/domain/demo';
import { checkPlan, fingerprintOf, type CheckEntry } from '../../src/domain/checks';
import { describeCheck } from '../../src/domain/check-text';
import { buildColumns, counterpartColumn, rateOf, rollUp } from '../../src/domain/rollup';
import { orderTree } from '../../src/domain/tree';
import { orderLines } from '../../src/domain/compare-request';
import { projectionParams } from '../../src/domain/projection';
import { mulDivRound } from '../../src/domain/money';
import type { Line, Place, Source, TreeNode, WorkbookData } from '../../src/domain/model';
import { DEFAULT_CRITERIA } from '../../src/domain/model';

const TR = 1_000_000;
const VI = { lang: 'vi', unit: 'trieu', locale: 'vi' } as const;
const EN = { lang: 'en', unit: 'trieu', locale: 'en' } as const;

function demo() {
  const d = buildDemoWorkbook();
  const entries = checkPlan(d);
  const node = (code: string) => d.nodes.find((n) => n.code === code)!;
  const line = (code: string) => d.lines.find((l) => l.nodeId === node(code).id)!;
  const find = (kind: string, target: { kind: string; id: string | null }, measure?: string) =>
    entries.filter((e) => e.kind === kind && e.target.kind === target.kind && e.target.id === target.id && (measure === undefined || e.measure === measure));
  const one = (kind: string, target: { kind: string; id: string | null }, measure?: string): CheckEntry => {
    const found = find(kind, target, measure);
    expect(found, `${kind} on ${target.kind} ${target.id} ${measure ?? ''}`).toHaveLength(1);
    return found[0];
  };
  return { d, entries, node, line, find, one, total: { kind: 'total', id: null } };
}

const nums = (e: CheckEntry) => Object.fromEntries(e.numbers.map((n) => [n.key, n.value]));

describe('checks on the demo (Cao Lộc 2023 as the report states it)', () => {
  it("the stated total 13.392 is not the sum of the lines, 13.819 (Δ +427), pointing at the total row's stated plan", () => {
    const { one, total } = demo();
    const e = one('stated-amount', total, 'plan');
    expect(e.severity).toBe('error');
    expect(e.target).toEqual({ kind: 'total', id: null, field: 'statedPlan' });
    expect(nums(e)).toEqual({ stated: 13_392 * TR, computed: 13_819 * TR, delta: 427 * TR });
    expect(describeCheck(e, VI)).toBe(
      'Tổng cộng chương trình: kế hoạch vốn ghi trong báo cáo là 13.392 triệu đồng, nhưng cộng các dòng bên dưới được 13.819 triệu đồng (chênh lệch +427 triệu đồng).',
    );
    expect(describeCheck(e, EN)).toBe('Program total: the stated plan is 13,392 million đồng, but its lines add up to 13,819 million đồng (difference +427 million đồng).');
  });

  it('NSTW + NSĐP as stated make the stated total (13.164 + 228 = 13.392), but neither is what the lines hold', () => {
    const { find, one, total } = demo();
    expect(find('stated-split', total)).toHaveLength(0);
    expect(nums(one('stated-amount', total, 'central'))).toEqual({ stated: 13_164 * TR, computed: 13_819 * TR, delta: 655 * TR });
    expect(nums(one('stated-amount', total, 'local'))).toEqual({ stated: 228 * TR, computed: 0, delta: -228 * TR });
    expect(find('computed-split', total)).toHaveLength(0);
  });

  it("the stated 3.168 disbursed is not the lines' 3.709,04, and its 23,66 % comes from the stated amounts", () => {
    const { one, total } = demo();
    expect(nums(one('stated-amount', total, 'disbursed'))).toEqual({ stated: 3_168 * TR, computed: 3_709_040_000, delta: 541_040_000 });
    const rate = one('stated-rate', total);
    const n = nums(rate);
    expect(n.stated).toBe(23.66);
    expect(n.computed).toBeCloseTo(26.8401, 4);
    expect(n.numerator).toBe(3_709_040_000);
    expect(n.base).toBe(13_819 * TR);
    expect([n.statedNumerator, n.statedBase]).toEqual([3_168 * TR, 13_392 * TR]);
    expect(rate.message).toBe('check.stated-rate.stated');
    // The lines hold money of both years: 10.075 carried in from 2022, 3.744 of 2023.
    expect(describeCheck(rate, VI)).toContain('3.709,04 triệu đồng / 13.819 triệu đồng (kế hoạch năm nay và số năm trước chuyển sang) = 26,84 %');
    expect(describeCheck(rate, VI)).toContain('(3.168 triệu đồng / 13.392 triệu đồng)');
  });

  it('DA3.TDA1: the stated 43,60 % is not 153 / 2.398 (the carried-in amount) = 6,38 %, and no base gives it', () => {
    const { one, line } = demo();
    const e = one('stated-rate', { kind: 'line', id: line('DA3.TDA1').id });
    expect(e.severity).toBe('warning');
    expect(e.target.field).toBe('disbursed');
    const n = nums(e);
    expect([n.stated, n.numerator, n.base]).toEqual([43.6, 153 * TR, 2_398 * TR]);
    expect(n.computed).toBeCloseTo(6.3803, 4);
    expect(e.message).toBe('check.stated-rate.none');
    expect(describeCheck(e, VI)).toContain('tỷ lệ giải ngân ghi trong báo cáo 43,60 % không khớp với 153 triệu đồng / 2.398 triệu đồng (số năm trước chuyển sang) = 6,38 %');
    expect(describeCheck(e, EN)).toContain('43.60% does not match 153 million đồng / 2,398 million đồng (the carried-in amount) = 6.38%');
  });

  it('DA2: 100 % stated against 2.000 / 5.436 = 36,79 %', () => {
    const { one, line } = demo();
    const n = nums(one('stated-rate', { kind: 'line', id: line('DA2').id }));
    expect([n.stated, n.numerator, n.base]).toEqual([100, 2_000 * TR, 5_436 * TR]);
    expect(n.computed).toBeCloseTo(36.7918, 4);
  });

  it('DA6.TDA1: 22,31 % is 500 / 2.241, the whole line the demo holds (2022 money and 2023 money in one line), so nothing fires', () => {
    const { find, line } = demo();
    expect(rateOf(500 * TR, 2_241 * TR)).toBeCloseTo(22.3115, 4);
    expect(find('stated-rate', { kind: 'line', id: line('DA6.TDA1').id })).toHaveLength(0);
  });

  it('the rates 74,14 %, 61,54 % and 43,88 % match their amounts within 0,005 points', () => {
    const { find, line } = demo();
    for (const code of ['DA6.TDA2', 'DA7.TDA1', 'DA7.TDA2']) expect(find('stated-rate', { kind: 'line', id: line(code).id })).toHaveLength(0);
  });

  it('DA4.TDA1: 17 % is 365 / 2.148 = 16,99 % rounded (info), and an expected 17 % equals the rate reached in November', () => {
    const { one, line } = demo();
    const target = { kind: 'line', id: line('DA4.TDA1').id };
    const rate = one('stated-rate', target);
    expect(rate.severity).toBe('info');
    expect(rate.message).toBe('check.stated-rate.rounded');
    expect(nums(rate).computed).toBeCloseTo(16.9926, 4);
    const eq = one('expected-equals-reached', target);
    expect(eq.severity).toBe('warning');
    expect(eq.target.field).toBe('expectedRate');
    expect(nums(eq).expected).toBe(17);
    expect(describeCheck(eq, VI)).toContain('tỷ lệ dự kiến cuối năm 17 % bằng tỷ lệ đã đạt đến ngày 15/11/2023 (16,99 %)');
  });

  it("the stated expected 80 % is not what the lines' expected rates give: 11.624,66 / 13.819 = 84,12 %", () => {
    const { one, total } = demo();
    const n = nums(one('stated-expected', total));
    expect(n.stated).toBe(80);
    expect(n.expectedAmount).toBe(11_624_660_000);
    expect(n.computed).toBeCloseTo(84.1208, 4);
  });

  it('multi-year totals: DA2 7.531, DA3.TDA1 3.304, DA4.TDA1 3.750 against the one year each holds', () => {
    const { one, node } = demo();
    // The years left over are the report's 2022 figures for DA2 (2.095) and DA3.TDA1 (906); for
    // DA4.TDA1 the report's own 2022 figures (552,476 at 50,14 %, a plan of about 1.101,9) do not make 1.602.
    for (const [code, stated, held] of [
      ['DA2', 7_531, 5_436],
      ['DA3.TDA1', 3_304, 2_398],
      ['DA4.TDA1', 3_750, 2_148],
    ] as const) {
      const e = one('multi-year', { kind: 'node', id: node(code).id });
      expect(e.severity).toBe('info');
      expect(nums(e)).toEqual({ stated: stated * TR, computed: held * TR, delta: (held - stated) * TR, missing: (stated - held) * TR });
    }
  });

  it('the money carried in on the lines (10.075) is not the 4.250,784 the report carried out of 2022', () => {
    const { one, total } = demo();
    expect(nums(one('carry-in', total))).toEqual({ stated: 4_250_784_000, computed: 10_075 * TR, delta: 5_824_216_000 });
  });

  it('no local money against a required 1,73 % of 13.819 central', () => {
    const { one, entries, total } = demo();
    const e = one('counterpart', total);
    expect(nums(e)).toMatchObject({ required: 239_068_700, local: 0, shortfall: 239_068_700, central: 13_819 * TR });
    expect(entries.filter((x) => x.kind === 'counterpart')).toHaveLength(1);
    expect(describeCheck(e, VI)).toContain('(1,73 % của vốn NSTW 13.819 triệu đồng); còn thiếu 239,0687 triệu đồng');
  });

  it('2022 as stated agrees with itself (23,94 % of 5.589; 4.250,784 carried out), and nothing else fires', () => {
    const { entries } = demo();
    expect(entries.filter((e) => e.year === 2022)).toHaveLength(0);
    expect(entries.map((e) => e.kind).sort()).toEqual(
      [
        'carry-in',
        'counterpart',
        'expected-equals-reached',
        'multi-year',
        'multi-year',
        'multi-year',
        'stated-amount',
        'stated-amount',
        'stated-amount',
        'stated-amount',
        'stated-expected',
        'stated-rate',
        'stated-rate',
        'stated-rate',
        'stated-rate',
      ].sort(),
    );
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  });

  it('ids and fingerprints are stable; a fingerprint follows the numbers', () => {
    const d = buildDemoWorkbook();
    const a = checkPlan(d);
    const b = checkPlan(d);
    expect(b.map((e) => [e.id, fingerprintOf(e)])).toEqual(a.map((e) => [e.id, fingerprintOf(e)]));
    const changed = checkPlan({ ...d, lines: d.lines.map((l, i) => (i === 0 ? { ...l, plan: l.plan + TR } : l)) });
    const before = a.find((e) => e.id === 'stated-amount:total:plan')!;
    const after = changed.find((e) => e.id === 'stated-amount:total:plan')!;
    expect(fingerprintOf(after)).not.toBe(fingerprintOf(before));
    expect(fingerprintOf(changed.find((e) => e.id === 'stated-amount:total:local')!)).toBe(fingerprintOf(a.find((e) => e.id === 'stated-amount:total:local')!));
  });
});

// ---- the other kinds, on small workbooks -----------------------------------------------------

function small(lines: Partial<Line>[], opts: { nodes?: (w: WorkbookData) => void; places?: Place[] } = {}): { data: WorkbookData; entries: CheckEntry[] } {
  const data = buildEmptyWorkbook('Thử', 2024, 0);
  const leaf = (code: string) => data.nodes.find((n) => n.code === code)!.id;
  data.lines = lines.map((l, i) => ({
    id: `l${i}`,
    nodeId: leaf('DA2'),
    order: i,
    label: `Dòng ${i}`,
    unit: '',
    placeId: null,
    source: 'central',
    capital: 'recurrent',
    vintage: 2024,
    plan: 100 * TR,
    disbursed: 10 * TR,
    asOf: null,
    expectedRate: null,
    ...l,
    ...(l.nodeId ? { nodeId: leaf(l.nodeId) } : {}),
  }));
  opts.nodes?.(data);
  data.places = opts.places ?? [];
  return { data, entries: checkPlan(data) };
}

describe('checks of each kind', () => {
  it('a stated rate explained by the row’s own stated plan: 2.202 / 6.792 = 32,42 %', () => {
    const { entries } = small([{ plan: 7_000 * TR, disbursed: 2_202 * TR, stated: { plan: 6_792 * TR, rate: 32.42 } }]);
    const rate = entries.find((e) => e.kind === 'stated-rate' && e.target.id === 'l0')!;
    expect(rate.message).toBe('check.stated-rate.match');
    expect(rate.params.matchMsg).toBe('check.base.stated-plan');
    expect(nums(rate).matchBase).toBe(6_792 * TR);
    expect(describeCheck(rate, VI)).toContain('kế hoạch ghi trong báo cáo');
  });

  it('negative amounts, over-disbursed lines and expected rates below what is reached', () => {
    const { entries } = small([{ plan: -5 * TR }, { disbursed: -1 }, { plan: 50 * TR, disbursed: 60 * TR, expectedRate: 100 }, { disbursed: 40 * TR, expectedRate: 30 }]);
    const kinds = entries.map((e) => `${e.kind}:${e.target.id}:${e.target.field}`);
    expect(kinds).toContain('negative:l0:plan');
    expect(kinds).toContain('negative:l1:disbursed');
    expect(kinds).toContain('over-disbursed:l2:disbursed');
    expect(kinds).toContain('expected-below-reached:l3:expectedRate');
    expect(kinds.filter((k) => k.startsWith('expected-below-reached'))).toHaveLength(1);
    const over = entries.find((e) => e.kind === 'over-disbursed' && e.target.id === 'l2')!;
    expect(nums(over)).toEqual({ disbursed: 60 * TR, available: 50 * TR, delta: 10 * TR });
  });

  it('a description copied from the row above on another item fires; lines of one item differing by place do not', () => {
    const { entries } = small([
      { nodeId: 'DA2', label: 'Mô hình chăn nuôi' },
      { nodeId: 'DA3.TDA1', label: 'Mô hình chăn nuôi', plan: 200 * TR },
      { nodeId: 'DA3.TDA1', label: 'Mô hình chăn nuôi', plan: 300 * TR, placeId: 'p1' },
    ]);
    const repeated = entries.filter((e) => e.kind === 'repeated-label');
    expect(repeated.map((e) => e.target.id)).toEqual(['l1']);
    expect(describeCheck(repeated[0], VI)).toContain('dòng ngay trên (DA2, dòng «Mô hình chăn nuôi»)');
  });

  it('the same plan and disbursed as the row above fire; equal splits an allocation wrote do not', () => {
    const alloc = { ruleId: 'r', key: 'x' };
    const { entries } = small([
      { nodeId: 'DA2', plan: 120 * TR, disbursed: 30 * TR },
      { nodeId: 'DA3.TDA1', plan: 120 * TR, disbursed: 30 * TR },
      { nodeId: 'DA3.TDA2', plan: 50 * TR, disbursed: 5 * TR, allocation: alloc, placeId: 'a' },
      { nodeId: 'DA3.TDA2', plan: 50 * TR, disbursed: 5 * TR, allocation: alloc, placeId: 'b' },
    ]);
    expect(entries.filter((e) => e.kind === 'repeated-figures').map((e) => e.target.id)).toEqual(['l1']);
  });

  it('stated figures on a node and a line, a stated split that does not add up, a multi-year total below its years', () => {
    const { entries, data } = small(
      [
        { nodeId: 'DA3.TDA1', plan: 200 * TR, stated: { plan: 210 * TR } },
        { nodeId: 'DA3.TDA2', plan: 50 * TR },
      ],
      {
        nodes: (w) => {
          w.nodes = w.nodes.map((n) => (n.code === 'DA3' ? { ...n, stated: { plan: 240 * TR, multiYearTotal: 230 * TR } } : n));
          w.workbook.stated = [{ year: 2024, figures: { plan: 250 * TR, central: 200 * TR, local: 40 * TR } }];
        },
      },
    );
    const da3 = data.nodes.find((n) => n.code === 'DA3')!.id;
    const by = (kind: string, id: string | null) => entries.find((e) => e.kind === kind && e.target.id === id)!;
    expect(nums(by('stated-amount', 'l0'))).toEqual({ stated: 210 * TR, computed: 200 * TR, delta: -10 * TR });
    expect(by('stated-amount', 'l0').message).toBe('check.stated-amount.line');
    expect(nums(by('stated-amount', da3))).toEqual({ stated: 240 * TR, computed: 250 * TR, delta: 10 * TR });
    const my = by('multi-year', da3);
    expect(my.severity).toBe('error');
    expect(nums(my)).toMatchObject({ stated: 230 * TR, computed: 250 * TR });
    const split = entries.find((e) => e.kind === 'stated-split')!;
    expect(nums(split)).toMatchObject({ stated: 250 * TR, computed: 240 * TR, delta: -10 * TR, central: 200 * TR, local: 40 * TR, other: 0 });
    expect(describeCheck(split, VI)).toContain('NSTW 200 triệu đồng + NSĐP 40 triệu đồng + nguồn khác 0 triệu đồng = 240 triệu đồng');
  });

  it("a stated rate names the base that would match: this year's plan of a line holding carried-in money too", () => {
    // DA6.TDA1 as it should be entered: 2022 money and 2023 money on two lines of one item.
    const { entries } = small([
      { nodeId: 'DA6.TDA1', vintage: 2023, plan: 600 * TR, disbursed: 500 * TR, stated: { rate: 22.31 } },
      { nodeId: 'DA6.TDA1', vintage: 2024, plan: 1_641 * TR, disbursed: 0 },
    ]);
    const e = entries.find((x) => x.kind === 'stated-rate')!;
    expect(e.message).toBe('check.stated-rate.match-node');
    expect(nums(e)).toMatchObject({ numerator: 500 * TR, base: 600 * TR, matchBase: 2_241 * TR });
    expect(describeCheck(e, VI)).toContain('khớp nếu tính trên kế hoạch năm nay và số năm trước chuyển sang của cả mục DA6.TDA1 (2.241 triệu đồng)');
    expect(describeCheck(e, EN)).toContain("it matches when computed against this year's plan and the carried-in amount of the whole item DA6.TDA1 (2,241 million đồng)");
  });

  it('a stated past year that disagrees with itself', () => {
    const { entries } = small([{}], {
      nodes: (w) => {
        w.workbook.stated = [{ year: 2023, figures: { plan: 1_000 * TR, disbursed: 300 * TR, rate: 25, carriedOut: 600 * TR } }];
      },
    });
    const past = entries.filter((e) => e.year === 2023);
    expect(past.map((e) => e.kind).sort()).toEqual(['carried-out', 'stated-rate']);
    expect(nums(past.find((e) => e.kind === 'carried-out')!)).toMatchObject({ stated: 600 * TR, computed: 700 * TR });
    expect(new Set(past.map((e) => e.id)).size).toBe(2);
    expect(past.every((e) => e.id.endsWith(':2023'))).toBe(true);
  });

  it('a parent place whose households are not the sum of its communes', () => {
    const mk = (id: string, parentId: string | null, households: number | null): Place => ({
      id,
      workbookId: 'w',
      parentId,
      code: id,
      name: id,
      kind: parentId ? 'commune' : 'district',
      values: { households, poor: 1 },
      order: 0,
    });
    const { entries } = small([{}], {
      places: [mk('H', null, 100), mk('A', 'H', 60), mk('B', 'H', 30), mk('C', 'H', 10)].map((p, i) => (i === 3 ? { ...p, values: { households: 11, poor: 1 } } : p)),
    });
    const e = entries.filter((x) => x.kind === 'place-sum');
    expect(e).toHaveLength(2);
    expect(e.map((x) => [x.target.field, nums(x).delta])).toEqual([
      ['households', 1],
      ['poor', 2],
    ]);
  });
});

// ---- consistent workbooks ----------------------------------------------------------------------

/**
 * A workbook whose figures agree: a random tree, lines with distinct amounts and descriptions,
 * expected rates no lower than what is reached, local money covering the counterpart under every
 * item, and stated figures (some nodes, some lines, the program, last year) equal to what the lines give.
 */
const consistentWorkbook = fc
  .record({
    parents: fc.array(fc.nat(), { minLength: 1, maxLength: 10 }),
    lines: fc.array(
      fc.record({
        node: fc.nat(),
        plan: fc.integer({ min: 1, max: 5_000 }),
        spent: fc.integer({ min: 0, max: 100 }),
        carried: fc.boolean(),
        source: fc.constantFrom<Source>('central', 'local', 'other'),
        capital: fc.constantFrom('investment', 'recurrent' as const),
        expected: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
        stated: fc.boolean(),
      }),
      { maxLength: 25 },
    ),
    ratio: fc.constantFrom(0, 1.73, 5),
    statedNodes: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
    lastYear: fc.integer({ min: 0, max: 3_000 }),
    places: fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 5 }),
  })
  .map((g): WorkbookData => {
    const data = buildEmptyWorkbook('Sinh ngẫu nhiên', 2024, 0);
    const nodes: TreeNode[] = g.parents.map((p, i) => ({
      id: `n${i}`,
      workbookId: data.workbook.id,
      parentId: i && p % (i + 1) < i ? `n${p % i}` : null,
      code: `N${i}`,
      name: `Mục ${i}`,
      order: i,
    }));
    data.nodes = nodes;
    data.workbook.counterpart = g.ratio
      ? [
          { year: 2024, capital: 'investment', percent: g.ratio },
          { year: 2024, capital: 'recurrent', percent: g.ratio },
        ]
      : [];
    data.workbook.settings = { asOf: null };
    const lines: Line[] = g.lines.map((s, i) => {
      // Distinct plans (a million apart plus the index) so no line repeats the amounts of another.
      const plan = (s.plan * 1_000 + i) * 1_000;
      const disbursed = Math.floor((plan * s.spent) / 100 / 1_000) * 1_000;
      const reached = rateOf(disbursed, plan);
      return {
        id: `l${i}`,
        nodeId: nodes[s.node % nodes.length].id,
        order: i,
        label: `Dòng ${i}`,
        unit: '',
        placeId: null,
        source: s.source,
        capital: s.capital,
        vintage: s.carried ? 2023 : 2024,
        plan,
        disbursed,
        asOf: null,
        expectedRate: s.expected === null ? null : Math.max(s.expected, Math.ceil(reached)),
      };
    });
    // Local money under every item that holds central money, at least the counterpart its lines require.
    const bp = Math.round(g.ratio * 100);
    for (const n of nodes) {
      const required = lines.filter((l) => l.nodeId === n.id && l.source === 'central').reduce((a, l) => a + mulDivRound(l.plan, bp, 10_000), 0);
      const local = lines.filter((l) => l.nodeId === n.id && l.source === 'local').reduce((a, l) => a + l.plan, 0);
      if (required > local)
        lines.push({
          ...lines[0],
          id: `local-${n.id}`,
          nodeId: n.id,
          order: 1_000 + lines.length,
          label: `Đối ứng ${n.code}`,
          source: 'local',
          vintage: 2024,
          plan: required - local,
          disbursed: 0,
          expectedRate: null,
        });
    }
    const tree = orderTree(nodes);
    const ordered = orderLines(tree, lines);
    const r = rollUp(buildColumns(tree, ordered, counterpartColumn(data.workbook.counterpart, 2024), projectionParams(data.workbook)));
    const figures = (k: number) => ({
      plan: r.plan[k],
      central: r.central[k],
      local: r.local[k],
      other: r.other[k],
      disbursed: r.disbursed[k],
      carriedIn: r.carriedIn[k],
      ...(r.plan[k] ? { rate: rateOf(r.disbursed[k], r.plan[k]), expectedRate: (r.expectedAmount[k] / r.plan[k]) * 100 } : {}),
    });
    data.nodes = tree.nodes.map((n, k) => (g.statedNodes[k % 10] ? { ...n, stated: { ...figures(k), multiYearTotal: r.plan[k] } } : n));
    data.lines = ordered.map((l, i) =>
      g.lines[i]?.stated ? { ...l, stated: { plan: l.plan, disbursed: l.disbursed, multiYearTotal: l.plan, ...(l.plan ? { rate: rateOf(l.disbursed, l.plan) } : {}) } } : l,
    );
    // Last year: what it left unspent is what the lines carry in.
    const carried = r.carriedIn[r.nodeCount];
    const last = { plan: carried + g.lastYear * TR, central: carried + g.lastYear * TR, disbursed: g.lastYear * TR, carriedOut: carried };
    data.workbook.stated = [
      { year: 2024, figures: { ...figures(r.nodeCount), multiYearTotal: r.plan[r.nodeCount] - r.carriedIn[r.nodeCount] + last.plan } },
      { year: 2023, figures: last.plan ? { ...last, rate: rateOf(last.disbursed, last.plan) } : last },
    ];
    // A district whose households are exactly its communes'.
    const communes: Place[] = g.places.map((h, i) => ({
      id: `c${i}`,
      workbookId: data.workbook.id,
      parentId: 'd',
      code: `X${i}`,
      name: `Xã ${i}`,
      kind: 'commune',
      values: { households: h, poor: null },
      order: i + 1,
    }));
    const district: Place = {
      id: 'd',
      workbookId: data.workbook.id,
      parentId: null,
      code: 'H',
      name: 'Huyện',
      kind: 'district',
      values: { households: g.places.reduce((a, b) => a + b, 0), poor: 3 },
      order: 0,
    };
    data.places = communes.length ? [district, ...communes] : [];
    data.workbook.criteria = DEFAULT_CRITERIA.map((c) => ({ ...c }));
    return data;
  });

describe('consistent workbooks', () => {
  it('fire no check', () => {
    fc.assert(
      fc.property(consistentWorkbook, (data) => {
        const entries = checkPlan(data);
        expect(entries.map((e) => describeCheck(e, VI))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('and one changed figure fires (the generator is not blind)', () => {
    fc.assert(
      fc.property(consistentWorkbook, (data) => {
        const stated = data.workbook.stated.find((s) => s.year === 2024)!;
        const broken = { ...data, workbook: { ...data.workbook, stated: [{ ...stated, figures: { ...stated.figures, plan: stated.figures.plan! + 1_000 } }] } };
        expect(checkPlan(broken).some((e) => e.id === 'stated-amount:total:plan')).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

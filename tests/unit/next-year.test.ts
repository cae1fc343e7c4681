import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { confirmProjectedCarry, draftNextYear, leftByLine, nextYearName } from '../../src/domain/next-year';
import { buildDemoWorkbook, buildEmptyWorkbook } from '../../src/domain/demo';
import { buildColumns, counterpartColumn, rollUp } from '../../src/domain/rollup';
import { orderTree } from '../../src/domain/tree';
import { blankLine } from '../../src/domain/edit';
import { describeProblem } from '../../src/domain/messages';
import { projectionParams } from '../../src/domain/projection';
import type { AllocationRuleRecord, CapitalType, Line, Problem, Result, Source, WorkbookData } from '../../src/domain/model';

const TR = 1_000_000;

/** An empty workbook of a year with the given lines under the node of `code`. */
function workbook(year: number, lines: Partial<Line>[], code = 'DA2'): WorkbookData {
  const data = buildEmptyWorkbook(`Cao Lộc ${year}`, year, 0);
  const nodeId = data.nodes.find((n) => n.code === code)!.id;
  data.lines = lines.map((over, i) => ({ ...blankLine(`line-${i}`, nodeId, i, year), ...over }));
  return data;
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.code}`);
  return r.value;
}

function problemOf<T>(r: Result<T>): Problem {
  if (r.ok) throw new Error('expected a problem');
  return r.error;
}

function rollupOf(data: WorkbookData) {
  const cols = buildColumns(orderTree(data.nodes), data.lines, counterpartColumn(data.workbook.counterpart, data.workbook.year), projectionParams(data.workbook));
  return rollUp(cols);
}

const codeOf = (data: WorkbookData, line: Line) => data.nodes.find((n) => n.id === line.nodeId)!.code;

describe('next year draft: the seed case', () => {
  it('2022 Cao Lộc: 5.589 planned, 1.338,216 disbursed, 4.250,784 confirmed → 2023 holds 4.250.784.000 đ of 2022 money and an empty 2023 line', () => {
    const y2022 = workbook(2022, [
      { label: 'Vốn sự nghiệp 2022', unit: 'Phòng LĐ-TB&XH', source: 'central', capital: 'recurrent', carryEligible: true, plan: 5_589 * TR, disbursed: 1_338_216_000 },
    ]);
    // Projected at year end with nothing more spent, then confirmed: the report's 4.250,784 triệu.
    y2022.workbook.settings.asOf = '2022-12-31';
    const confirm = confirmProjectedCarry(y2022.lines, rollupOf(y2022).lineCarry);
    expect(confirm.map((c) => c.after!.carryConfirmed)).toEqual([4_250_784_000]);
    y2022.lines = confirm.map((c) => c.after!);

    const draft = value(draftNextYear(y2022, { name: 'Cao Lộc 2023', now: 1 }));
    expect(draft.workbook.year).toBe(2023);
    const [carried, fresh] = draft.lines;
    expect(draft.lines).toHaveLength(2);
    expect(carried).toMatchObject({
      vintage: 2022,
      plan: 4_250_784_000,
      disbursed: 0,
      carryEligible: false,
      source: 'central',
      capital: 'recurrent',
      unit: 'Phòng LĐ-TB&XH',
      label: 'Vốn sự nghiệp 2022',
    });
    expect(fresh).toMatchObject({ vintage: 2023, plan: 0, disbursed: 0, source: 'central', capital: 'recurrent', unit: 'Phòng LĐ-TB&XH', label: 'Vốn sự nghiệp 2022' });
    expect(codeOf(draft, carried)).toBe('DA2');
    expect(codeOf(draft, fresh)).toBe('DA2');
    const r = rollupOf(draft);
    expect(r.carriedIn[r.nodeCount]).toBe(4_250_784_000);
    expect(r.plan[r.nodeCount]).toBe(4_250_784_000);
  });
});

describe('next year draft: what it keeps', () => {
  function demoWithRule(): { demo: WorkbookData; rule: AllocationRuleRecord } {
    const demo = buildDemoWorkbook(0);
    const node = demo.nodes.find((n) => n.code === 'DA3.TDA1')!;
    const place = demo.places![2];
    const rule: AllocationRuleRecord = {
      id: 'rule-1',
      workbookId: demo.workbook.id,
      scenarioId: demo.workbook.baselineScenarioId,
      name: 'Phân bổ',
      nodeId: node.id,
      source: 'central',
      capital: 'recurrent',
      year: 2023,
      envelope: 2_398 * TR,
      unit: TR,
      criteria: [{ key: 'poor', weight: 1 }],
      reserved: [],
      overrides: { [place.id]: { floor: 10 * TR } },
      createdAt: 0,
      updatedAt: 0,
    };
    demo.rules = [rule];
    demo.lines.push({ ...blankLine('ruled', node.id, 99, 2023), placeId: place.id, plan: 300 * TR, allocation: { ruleId: rule.id, key: place.id } });
    return { demo, rule };
  }

  it('the same tree, places, criteria and scenarios under fresh ids; ratios, rules and settings moved to next year', () => {
    const { demo } = demoWithRule();
    demo.lines[0] = { ...demo.lines[0], months: [TR, 2 * TR, null, ...new Array(9).fill(0), 5 * TR] };
    demo.lines[1] = { ...demo.lines[1], months: [3 * TR, ...new Array(11).fill(null), 7 * TR] };
    demo.workbook.settings.projection = {
      method: 'linear',
      backloaded: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50, 100],
      custom: new Array(12).fill(100 / 12),
      lastYearMonths: null,
      investmentExtended: true,
      flagGap: 15,
    };
    const before = structuredClone(demo);
    const draft = value(draftNextYear(demo, { name: 'Cao Lộc 2024', now: 42 }));
    expect(demo).toEqual(before);

    const wb = draft.workbook;
    expect(wb).toMatchObject({ year: 2024, name: 'Cao Lộc 2024', createdAt: 42, demo: false, placeName: demo.workbook.placeName, placesIllustrative: true });
    expect(wb.id).not.toBe(demo.workbook.id);
    expect(wb.criteria).toEqual(demo.workbook.criteria);
    expect(wb.note).toBeUndefined();
    expect(wb.settings.asOf).toBeNull();
    // Year N's months (January to December, not January of N+1) summed over the lines.
    expect(wb.settings.projection).toEqual({ ...demo.workbook.settings.projection, lastYearMonths: [4 * TR, 2 * TR, ...new Array(10).fill(0)] });
    // Every ratio kept; 2023's copied to 2024 as a starting point.
    expect(wb.counterpart).toEqual(
      expect.arrayContaining([...demo.workbook.counterpart!, { year: 2024, capital: 'recurrent', percent: 1.73 }, { year: 2024, capital: 'investment', percent: 1.73 }]),
    );
    expect(wb.counterpart).toHaveLength(6);
    // Stated figures are year N's (and earlier): none is brought or invented.
    expect(wb.stated).toEqual([]);
    expect(draft.nodes.some((n) => n.stated)).toBe(false);
    expect(draft.lines.some((l) => l.stated)).toBe(false);

    expect(draft.nodes.map((n) => [n.code, n.name])).toEqual(demo.nodes.map((n) => [n.code, n.name]));
    const nodeIds = new Set(draft.nodes.map((n) => n.id));
    for (const n of draft.nodes) expect(n.workbookId).toBe(wb.id);
    for (const l of draft.lines) expect(nodeIds.has(l.nodeId)).toBe(true);
    expect(draft.places!.map((p) => [p.name, p.values])).toEqual(demo.places!.map((p) => [p.name, p.values]));
    expect(wb.baselineScenarioId).toBe(draft.scenarios[0].id);
  });

  it('rules move to next year with their envelope; the empty line of a ruled cell stays linked to the copied rule', () => {
    const { demo, rule } = demoWithRule();
    const draft = value(draftNextYear(demo, { name: 'x' }));
    const [copied] = draft.rules!;
    expect(copied).toMatchObject({ year: 2024, envelope: 2_398 * TR, name: rule.name, workbookId: draft.workbook.id });
    expect(copied.id).not.toBe(rule.id);
    const place = draft.places![2];
    expect(copied.overrides).toEqual({ [place.id]: { floor: 10 * TR } });
    const ruled = draft.lines.filter((l) => l.allocation);
    expect(ruled).toHaveLength(1);
    expect(ruled[0]).toMatchObject({ plan: 0, vintage: 2024, placeId: place.id, allocation: { ruleId: copied.id, key: place.id } });
  });

  it("one empty line of next year per budget cell, with the label of the cell's first line; carried lines first", () => {
    const data = workbook(2023, [
      { label: 'Tập huấn', unit: 'A', plan: 100 * TR, order: 0 },
      { label: 'Giám sát', unit: 'A', plan: 50 * TR, order: 1, carryConfirmed: 20 * TR, carryEligible: true },
      { label: 'Khác', unit: 'B', plan: 10 * TR, order: 2 },
      { label: 'Đầu tư', unit: 'A', capital: 'investment', plan: 10 * TR, order: 3 },
      { label: 'NSĐP', unit: 'A', source: 'local', plan: 10 * TR, order: 4 },
    ]);
    const draft = value(draftNextYear(data, { name: 'x' }));
    expect(draft.lines.map((l) => [l.label, l.unit, l.source, l.capital, l.vintage, l.plan, l.order])).toEqual([
      ['Giám sát', 'A', 'central', 'recurrent', 2023, 20 * TR, 0],
      ['Tập huấn', 'A', 'central', 'recurrent', 2024, 0, 1],
      ['Khác', 'B', 'central', 'recurrent', 2024, 0, 2],
      ['Đầu tư', 'A', 'central', 'investment', 2024, 0, 3],
      ['NSĐP', 'A', 'local', 'recurrent', 2024, 0, 4],
    ]);
    expect(new Set(draft.lines.map((l) => l.id)).size).toBe(5);
    for (const l of draft.lines) expect(l).toMatchObject({ disbursed: 0, expectedRate: null, asOf: null });
    expect(draft.lines.some((l) => l.months || l.carryConfirmed !== undefined)).toBe(false);
  });

  it('money carried in earlier keeps its own vintage when its carry-over is confirmed again', () => {
    const data = workbook(2023, [{ vintage: 2022, plan: 100 * TR, disbursed: 30 * TR, carryConfirmed: 70 * TR }]);
    const draft = value(draftNextYear(data, { name: 'x' }));
    expect(draft.lines.map((l) => [l.vintage, l.plan])).toEqual([
      [2022, 70 * TR],
      [2024, 0],
    ]);
  });

  it('names: the year in the name moves on; a name without it is prefixed', () => {
    expect(nextYearName('Cao Lộc 2023', 2024)).toBe('Cao Lộc 2024');
    expect(nextYearName('Kế hoạch 2023 (bản 2)', 2024)).toBe('Kế hoạch 2024 (bản 2)');
    expect(nextYearName('KH-2023', 2024)).toBe('KH-2024');
    expect(nextYearName('Cao Lộc 20230', 2024)).toBe('Dự thảo kế hoạch 2024 — Cao Lộc 20230');
    expect(nextYearName('Cao Lộc', 2024)).toBe('Dự thảo kế hoạch 2024 — Cao Lộc');
  });
});

describe('next year draft: refusals', () => {
  it('nothing to draft from: a workbook without lines', () => {
    const r = draftNextYear(workbook(2023, []), { name: 'x' });
    expect(r).toEqual({ ok: false, error: { code: 'draft.nothing', params: { name: 'Cao Lộc 2023' } } });
    expect(describeProblem(problemOf(r), 'vi')).toContain('"Cao Lộc 2023"');
  });

  it('a confirmed carry-over above what the line has left names the line; no draft at all', () => {
    const data = workbook(
      2023,
      [
        { label: 'Đủ', plan: 100 * TR, disbursed: 20 * TR, carryConfirmed: 80 * TR },
        { label: 'Mô hình sinh kế', unit: 'X', plan: 100 * TR, disbursed: 30 * TR, carryConfirmed: 70 * TR + 1 },
      ],
      'DA3.TDA1',
    );
    const r = draftNextYear(data, { name: 'x' });
    expect(r).toEqual({
      ok: false,
      error: { code: 'draft.carry-exceeds-left', params: { code: 'DA3.TDA1', label: 'Mô hình sinh kế', confirmed: 70 * TR + 1, left: 70 * TR } },
    });
    for (const lang of ['vi', 'en'] as const) {
      const sentence = describeProblem(problemOf(r), lang);
      expect(sentence).toContain('"Mô hình sinh kế" (DA3.TDA1)');
      expect(sentence).not.toMatch(/\{\w+\}/);
    }
  });

  it('in a cell holding two vintages, disbursement is drawn from the older money first', () => {
    const lines = workbook(2023, [
      { vintage: 2022, plan: 100 * TR, disbursed: 0, order: 0 },
      { vintage: 2023, plan: 100 * TR, disbursed: 80 * TR, order: 1 },
    ]).lines;
    const left = leftByLine(lines);
    expect([left.get(lines[0].id), left.get(lines[1].id)]).toEqual([20 * TR, 100 * TR]);
  });
});

describe('confirming the projected carry-over', () => {
  const lines = workbook(2023, [{ carryConfirmed: 5 }, {}, { carryConfirmed: 7 }, {}]).lines;
  const carry = Float64Array.from([10, 20, 0, 0]);

  it('fills only what the user has not confirmed, leaving lines without carry-over unconfirmed', () => {
    const changes = confirmProjectedCarry(lines, carry);
    expect(changes.map((c) => [c.before!.id, c.after!.carryConfirmed])).toEqual([['line-1', 20]]);
  });

  it('or overwrites every confirmation with the projection', () => {
    const changes = confirmProjectedCarry(lines, carry, false);
    expect(changes.map((c) => [c.before!.id, c.after!.carryConfirmed])).toEqual([
      ['line-0', 10],
      ['line-1', 20],
      ['line-2', null],
    ]);
  });
});

describe('next year draft: properties', () => {
  interface Spec {
    node: string;
    unit: string;
    source: Source;
    capital: CapitalType;
    vintage: number;
    plan: number;
    disbursedShare: number;
    confirm: number | null;
    order: number;
  }
  const lineArb: fc.Arbitrary<Spec> = fc.record({
    node: fc.constantFrom('DA2', 'DA3.TDA1', 'DA7.TDA2'),
    unit: fc.constantFrom('', 'A', 'B'),
    source: fc.constantFrom<Source>('central', 'local', 'other'),
    capital: fc.constantFrom<CapitalType>('investment', 'recurrent'),
    vintage: fc.constantFrom(2022, 2023),
    plan: fc.integer({ min: 0, max: 4_000_000_000_000 }),
    disbursedShare: fc.double({ min: 0, max: 1.2, noNaN: true }),
    confirm: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    order: fc.integer({ min: 0, max: 5 }),
  });

  /** A 2023 workbook of the lines, in display order (by order, then id) as the session holds them. */
  function build(specs: Spec[]): WorkbookData {
    const data = workbook(2023, []);
    const nodeOf = (code: string) => data.nodes.find((n) => n.code === code)!.id;
    data.lines = specs
      .map((s, i) => ({
        ...blankLine(`l${String(i).padStart(2, '0')}`, nodeOf(s.node), s.order, s.vintage),
        unit: s.unit,
        source: s.source,
        capital: s.capital,
        plan: s.plan,
        disbursed: Math.floor(s.plan * s.disbursedShare),
      }))
      .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
    // Confirmed amounts within what each line has left (a fraction of it), or none.
    const left = leftByLine(data.lines);
    const confirm = new Map(specs.map((s, i) => [`l${String(i).padStart(2, '0')}`, s.confirm]));
    data.lines = data.lines.map((l) => {
      const share = confirm.get(l.id) ?? null;
      return share === null ? l : { ...l, carryConfirmed: Math.floor(Math.max(0, left.get(l.id)!) * share) };
    });
    return data;
  }

  it('carried in = Σ confirmed exactly; only confirmed lines carry; one empty line per budget cell', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 30 }), (specs) => {
        const data = build(specs);
        const draft = value(draftNextYear(data, { name: 'x' }));
        const confirmed = data.lines.filter((l) => (l.carryConfirmed ?? 0) > 0);
        const sum = confirmed.reduce((s, l) => s + l.carryConfirmed!, 0);
        const r = rollupOf(draft);
        expect(r.carriedIn[r.nodeCount]).toBe(sum);
        expect(r.plan[r.nodeCount]).toBe(sum);
        expect(r.disbursed[r.nodeCount]).toBe(0);
        const carried = draft.lines.filter((l) => l.vintage < 2024);
        expect(carried.map((l) => l.plan).sort()).toEqual(confirmed.map((l) => l.carryConfirmed).sort());
        const cell = (l: Line, d: WorkbookData) => [codeOf(d, l), l.unit, l.source, l.capital].join('|');
        const fresh = draft.lines.filter((l) => l.vintage === 2024);
        expect(fresh.every((l) => l.plan === 0)).toBe(true);
        expect(fresh.map((l) => cell(l, draft)).sort()).toEqual([...new Set(data.lines.map((l) => cell(l, data)))].sort());
      }),
      { numRuns: 200 },
    );
  });

  it('confirming the projection never asks for more than a line has left, so the draft always succeeds', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 100 }), (specs, rate) => {
        const data = build(specs);
        data.lines = data.lines.map((l) => ({ ...l, carryConfirmed: null, expectedRate: rate, carryEligible: rate % 2 === 0 }));
        const projected = rollupOf(data).lineCarry;
        const confirmed = confirmProjectedCarry(data.lines, projected).map((c) => c.after!);
        const byId = new Map(confirmed.map((l) => [l.id, l]));
        data.lines = data.lines.map((l) => byId.get(l.id) ?? l);
        const r = draftNextYear(data, { name: 'x' });
        expect(r.ok).toBe(true);
        const total = Array.from(projected).reduce((s, v) => s + v, 0);
        const draft = value(r);
        expect(rollupOf(draft).carriedIn[draft.nodes.length]).toBe(total);
      }),
      { numRuns: 200 },
    );
  });
});

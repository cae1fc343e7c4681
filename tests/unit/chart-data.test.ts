import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { orderTree } from '../../src/domain/tree';
import { buildColumns, rollUp } from '../../src/domain/rollup';
import { BACKLOADED_PRESET, cumulativeFromPercents, projectionParams } from '../../src/domain/projection';
import type { Line, ProjectionSettings, WorkbookData } from '../../src/domain/model';
import {
  amountText,
  barsSubtitle,
  barsSummary,
  curveHeading,
  curveOf,
  curvePoints,
  curveSubtitle,
  curveSummary,
  monthLabel,
  pngFileName,
  projectBars,
  resolveTarget,
  wrapText,
  type ChartSource,
  type CurveInput,
} from '../../src/ui/charts/chart-data';
import type { ViewSettings } from '../../src/ui/grid/columns';

const TR = 1_000_000;
const VI: ViewSettings = { unit: 'trieu', locale: 'vi', lang: 'vi' };
const EN: ViewSettings = { unit: 'ty', locale: 'en', lang: 'en' };
const BACKLOADED = cumulativeFromPercents(BACKLOADED_PRESET)!;

function input(over: Partial<CurveInput>): CurveInput {
  return { year: 2023, asOf: '2023-11-15', disbursed: 300 * TR, projected: 800 * TR, months: null, nextJanuary: false, profile: null, ...over };
}

/** A session-like source for a workbook, as WorkbookSession would hold it once the roll-up arrives. */
function sourceOf(data: WorkbookData, edit: (lines: Line[]) => Line[] = (l) => l, projection?: Partial<ProjectionSettings>): ChartSource {
  const workbook = projection ? { ...data.workbook, settings: { ...data.workbook.settings, projection: projection as ProjectionSettings } } : data.workbook;
  const tree = orderTree(data.nodes);
  const lines = edit(data.lines);
  const rollup = rollUp(buildColumns(tree, lines, new Float64Array(2), projectionParams(workbook)));
  return { workbook, tree, lines, lineNode: Int32Array.from(lines, (l) => tree.indexOf.get(l.nodeId) ?? -1), rollup };
}

const demo = buildDemoWorkbook(0);

describe('curvePoints', () => {
  it('no monthly actuals: one actual point at the as-of date, a straight projection to the year-end figure', () => {
    const c = curvePoints(input({}));
    expect(c.xMax).toBe(12);
    expect(c.asOfX).toBeCloseTo(10.5, 10); // the end of 15 November: half of November gone
    expect(c.actual).toEqual([{ x: c.asOfX, y: 300 * TR }]);
    expect(c.projection[0]).toEqual({ x: c.asOfX, y: 300 * TR });
    expect(c.projection.map((p) => p.x)).toEqual([c.asOfX, 11, 12]);
    expect(c.projection[1].y).toBe(300 * TR + Math.round(500 * TR * (0.5 / 1.5)));
    expect(c.projection.at(-1)).toEqual({ x: 12, y: 800 * TR });
  });

  it('a profile shapes the projection: unclamped, it is the profile scaled to the year-end figure', () => {
    const share = 0.33 + (0.45 - 0.33) * 0.5; // back-loaded preset: 33 % end of October, 45 % end of November
    const projected = Math.round((300 * TR) / share);
    const c = curvePoints(input({ profile: BACKLOADED, projected }));
    expect(c.projection.map((p) => p.x)).toEqual([c.asOfX, 11, 12]);
    expect(Math.abs(c.projection[1].y - projected * BACKLOADED[11])).toBeLessThan(2);
    expect(c.projection.at(-1)!.y).toBe(projected);
  });

  it('monthly actuals: cumulative from 0 on 1 January, months ending before the as-of date, then the as-of figure', () => {
    const months = new Float64Array(13).fill(NaN);
    months.set([10 * TR, NaN, 20 * TR, 30 * TR], 0);
    months[10] = 99 * TR; // November: after the as-of month's start, the as-of figure stands for it
    const c = curvePoints(input({ months, asOf: '2023-11-15', disbursed: 300 * TR }));
    expect(c.actual).toEqual([
      { x: 0, y: 0 },
      { x: 1, y: 10 * TR },
      { x: 2, y: 10 * TR },
      { x: 3, y: 30 * TR },
      { x: 4, y: 60 * TR },
      { x: 5, y: 60 * TR },
      { x: 6, y: 60 * TR },
      { x: 7, y: 60 * TR },
      { x: 8, y: 60 * TR },
      { x: 9, y: 60 * TR },
      { x: 10, y: 60 * TR },
      { x: c.asOfX, y: 300 * TR },
    ]);
  });

  it('an as-of date at a month end replaces that month: the reported figure wins', () => {
    const months = Float64Array.from({ length: 13 }, (_, m) => (m < 10 ? 10 * TR : NaN));
    const c = curvePoints(input({ months, asOf: '2023-10-31', disbursed: 120 * TR }));
    expect(c.asOfX).toBe(10);
    expect(c.actual.at(-2)).toEqual({ x: 9, y: 90 * TR });
    expect(c.actual.at(-1)).toEqual({ x: 10, y: 120 * TR });
    expect(c.projection.map((p) => p.x)).toEqual([10, 11, 12]);
  });

  it('investment money shows January of the next year; an as-of date then has no projection left', () => {
    const c = curvePoints(input({ nextJanuary: true, asOf: '2024-01-16' }));
    expect(c.xMax).toBe(13);
    expect(c.asOfX).toBeGreaterThan(12);
    expect(c.asOfX).toBeLessThan(13);
    expect(c.projection).toEqual([]);
    expect(monthLabel(13, 2023, 'vi')).toBe('T1/2024');
    expect(monthLabel(13, 2023, 'en')).toBe('Jan 2024');
    expect(monthLabel(13, 2023, 'vi', true)).toBe('T1/24');
    expect(monthLabel(13, 2023, 'en', true)).toBe("Jan '24");
  });

  it('no as-of date: actual months as known, the projection a single point at 31 December', () => {
    const months = Float64Array.from({ length: 13 }, (_, m) => (m < 3 ? 5 * TR : NaN));
    const c = curvePoints(input({ asOf: null, months }));
    expect(c.asOfX).toBeNaN();
    expect(c.actual.map((p) => p.y)).toEqual([0, 5 * TR, 10 * TR, 15 * TR]);
    expect(c.projection).toEqual([{ x: 12, y: 800 * TR }]);
  });

  it('property: the projection runs from disbursed to projected in whole đồng, never falling, never outside them', () => {
    const day = fc.integer({ min: 0, max: 364 }).map((d) => new Date(Date.UTC(2023, 0, 1 + d)).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.nat(1e12), fc.nat(1e12), fc.boolean(), (asOf, a, b, shaped) => {
        const [disbursed, projected] = a <= b ? [a, b] : [b, a];
        const c = curvePoints(input({ asOf, disbursed, projected, profile: shaped ? BACKLOADED : null }));
        if (asOf === '2023-12-31') return c.projection.length === 0 || c.projection.at(-1)!.y === projected;
        const ys = c.projection.map((p) => p.y);
        expect(ys[0]).toBe(disbursed);
        expect(ys.at(-1)).toBe(projected);
        for (let i = 1; i < ys.length; i++) expect(ys[i]).toBeGreaterThanOrEqual(ys[i - 1]);
        for (const y of ys) expect(Number.isInteger(y) && y >= disbursed && y <= projected).toBe(true);
      }),
    );
  });
});

describe('curveOf on the demo workbook (Cao Lộc 2023)', () => {
  const src = sourceOf(demo);
  const total = src.rollup.nodeCount;

  it('the program total: the roll-up figures, the workbook as-of date, recurrent money only (no next January)', () => {
    const c = curveOf(src, { kind: 'total' });
    expect(c.plan).toBe(src.rollup.plan[total]);
    expect(c.disbursed).toBe(src.rollup.disbursed[total]);
    expect(c.projected).toBe(src.rollup.projected[total]);
    expect(c.expected).toBe(src.rollup.expectedAmount[total]);
    expect(c.disbursed).toBe(3_709_040_000);
    expect(c.asOf).toBe('2023-11-15');
    expect(c.xMax).toBe(12);
    expect(c.method).toBe('expected');
    expect(c.profiled).toBe(false);
    expect(c.actual).toEqual([{ x: c.asOfX, y: c.disbursed }]);
    expect(curveHeading(c, 'vi')).toBe('Tổng cộng chương trình');
  });

  it('a line: its node code and unit as the title, its own figures and expected level', () => {
    const i = src.lines.findIndex((l) => l.unit === 'Trung tâm Y tế huyện');
    const c = curveOf(src, { kind: 'line', index: i });
    expect(curveHeading(c, 'vi')).toBe('DA3.TDA2 — Trung tâm Y tế huyện');
    expect(c.plan).toBe(566 * TR);
    expect(c.expected).toBe(452_800_000); // 80 % of 566
    expect(c.projected).toBe(src.rollup.lineProjected[i]);
  });

  it('a node under the back-loaded profile: shaped projection, the method labelled as an assumption', () => {
    const s = sourceOf(demo, undefined, { method: 'backloaded', backloaded: [...BACKLOADED_PRESET] });
    const k = s.tree.nodes.findIndex((n) => n.code === 'DA7');
    const c = curveOf(s, { kind: 'node', index: k });
    expect(c.profiled).toBe(true);
    expect(c.projection.at(-1)!.y).toBe(s.rollup.projected[k]);
    expect(curveSubtitle(c, VI)).toBe('Dự báo theo hồ sơ: Dồn cuối năm (giả định) · Số liệu đến 15/11/2023');
    expect(curveHeading(c, 'en')).toBe('DA7 — Nâng cao năng lực và giám sát, đánh giá Chương trình');
  });

  it("a node's months: summed over its lines, trailing empty months not shown as flat", () => {
    const s = sourceOf(demo, (lines) =>
      lines.map((l) => (l.unit === 'Trung tâm Y tế huyện' ? { ...l, months: [10 * TR, 20 * TR, null, null, null, null, null, null, null, null, null, null, null] } : l)),
    );
    const k = s.tree.nodes.findIndex((n) => n.code === 'DA3');
    const c = curveOf(s, { kind: 'node', index: k });
    expect(c.monthsKnown).toBe(1);
    expect(c.actual).toEqual([
      { x: 0, y: 0 },
      { x: 1, y: 10 * TR },
      { x: 2, y: 30 * TR },
      { x: c.asOfX, y: s.rollup.disbursed[k] },
    ]);
    expect(curveSubtitle(c, EN)).toContain('monthly actuals of 1 line(s)');
  });

  it('investment money below a node brings January of the next year onto the axis', () => {
    const s = sourceOf(demo, (lines) => lines.map((l, i) => (i === 0 ? { ...l, capital: 'investment' } : l)));
    expect(curveOf(s, { kind: 'total' }).xMax).toBe(13);
    expect(curveOf(s, { kind: 'line', index: 1 }).xMax).toBe(12);
  });

  it('a target gone since (rows deleted) falls back to the program total', () => {
    expect(resolveTarget(src, { kind: 'line', index: 999 })).toEqual({ kind: 'total' });
    expect(resolveTarget(src, { kind: 'node', index: -1 })).toEqual({ kind: 'total' });
    expect(curveOf(src, { kind: 'node', index: 999 }).kind).toBe('total');
  });

  it('the text alternative names the row, the key figures and the unit, in the chosen language', () => {
    const c = curveOf(src, { kind: 'total' });
    const vi = curveSummary(c, VI);
    expect(vi).toContain('Tổng cộng chương trình');
    expect(vi).toContain('Đã giải ngân 3.709,04');
    expect(vi).toContain('(triệu đồng)');
    const en = curveSummary(c, EN);
    expect(en).toContain('Program total');
    expect(en).toContain('(billion đồng)');
  });
});

describe('projectBars', () => {
  const src = sourceOf(demo);
  const bars = projectBars(src);

  it('one bar group per project with money, in tree order; empty projects counted, not drawn', () => {
    expect(bars.codes).toEqual(['DA2', 'DA3', 'DA4', 'DA6', 'DA7']);
    expect(bars.hidden).toBe(2);
    expect(bars.plan[1]).toBe((2398 + 566) * TR);
  });

  it('disbursed + still to disburse + carry-over + lapse = plan, to the đồng', () => {
    bars.codes.forEach((_, i) => {
      expect(bars.disbursed[i] + bars.toDisburse[i] + bars.carryOver[i] + bars.lapse[i]).toBe(bars.plan[i]);
      expect(bars.disbursed[i] + bars.toDisburse[i]).toBe(bars.projected[i]);
    });
  });

  it('summary in the unit and language of the view', () => {
    expect(barsSummary(bars, VI)).toMatch(/^Kế hoạch và dự kiến giải ngân theo dự án \(triệu đồng\): 5 dự án; Kế hoạch vốn 13\.819,/);
    expect(barsSummary(bars, VI)).toContain('2 dự án không có vốn không hiển thị');
    expect(barsSummary(bars, EN)).toContain('(billion đồng): 5 project(s); Plan 13.819,');
    expect(barsSubtitle(demo.workbook, 'vi')).toBe('Huyện Cao Lộc, tỉnh Lạng Sơn · kế hoạch năm 2023');
    expect(barsSubtitle({ ...demo.workbook, placeName: '' }, 'en')).toBe('Cao Lộc 2023 · plan year 2023');
  });
});

describe('words and file names', () => {
  it('amounts follow the unit and locale, rounded to the đồng first', () => {
    expect(amountText(1_234_500_000, VI)).toBe('1.234,5');
    expect(amountText(1_234_500_000.0000002, EN)).toBe('1.2345');
    expect(monthLabel(11, 2023, 'vi')).toBe('T11');
    expect(monthLabel(11, 2023, 'en')).toBe('Nov');
    expect(monthLabel(10.5, 2023, 'vi')).toBe('');
  });

  it('file names are plain ASCII', () => {
    expect(pngFileName('giai-ngan', 'DA3.TDA2 Trung tâm Y tế huyện', 2023)).toBe('giai-ngan-DA3.TDA2-Trung-tam-Y-te-huyen-2023.png');
    expect(pngFileName('Đường', 'LĐ-TB&XH')).toBe('Duong-LD-TB-XH.png');
    expect(pngFileName('', '…')).toBe('chart.png');
  });

  it('long titles wrap at spaces and are cut after the last line', () => {
    expect(wrapText('a bb ccc dddd', 6, 3)).toEqual(['a bb', 'ccc', 'dddd']);
    expect(wrapText('a bb ccc dddd', 6, 2)).toEqual(['a bb', 'ccc…']);
  });
});

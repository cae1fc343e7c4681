import { describe, expect, it } from 'vitest';
import { compareScenarios, COMPARE_TOTAL, groupRow, type CompareDimension, type CompareMeasure } from '../../src/domain/compare';
import { compareRequest, groupLines, prepareComparison } from '../../src/domain/compare-request';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { orderTree } from '../../src/domain/tree';
import type { Line, Scenario } from '../../src/domain/model';
import type { CompareOutcome } from '../../src/state/compare.svelte';
import { compareCellText, compareColumns, compareHeaders, rowLabel } from '../../src/ui/compare/compare-columns';
import { compareTable } from '../../src/ui/compare/compare-table';
import { compareBars, compareBarsSummary } from '../../src/ui/charts/compare-chart-data';
import type { ViewSettings } from '../../src/ui/grid/columns';
import { writeTableCsv } from '../../src/io/export-csv';

const TR = 1_000_000;
const VI: ViewSettings = { unit: 'trieu', locale: 'vi', lang: 'vi' };
const EN: ViewSettings = { unit: 'ty', locale: 'en', lang: 'en' };

const d = buildDemoWorkbook();
const tree = orderTree(d.nodes);
const code = (c: string) => d.nodes.find((n) => n.code === c)!.id;
const scenario = (id: string, name: string, extra: Partial<Scenario> = {}): Scenario => ({ id, workbookId: d.workbook.id, name, createdAt: 0, ...extra });
const baseline = scenario(d.workbook.baselineScenarioId, 'Kịch bản gốc');

/** The demo against a variant: DA2 +10 %, DA7.TDA2 − 100 triệu, DA3.TDA2 dropped, one new DA5 line. */
function outcome(dimension: CompareDimension = 'project', measures: CompareMeasure[] = ['plan'], onlyChanged = false): CompareOutcome {
  const added: Line = { ...d.lines[0], id: 'new', nodeId: code('DA5'), label: '=HYPERLINK("x")', unit: 'UBND xã', plan: 100 * TR, disbursed: 0 };
  const variant = d.lines
    .filter((l) => l.nodeId !== code('DA3.TDA2'))
    .map((l) => (l.nodeId === code('DA2') ? { ...l, plan: Math.round(l.plan * 1.1) } : l.nodeId === code('DA7.TDA2') ? { ...l, plan: l.plan - 100 * TR } : l))
    .concat(added);
  const prepared = prepareComparison(tree, [
    { workbook: d.workbook, lines: d.lines },
    { workbook: d.workbook, lines: variant },
  ]);
  const groups = dimension === 'project' ? null : groupLines(prepared, dimension, d.places);
  const comparison = compareScenarios(compareRequest(prepared, dimension, groups, { measures, onlyChanged, sortByChange: false }));
  const choice = { scenarioIds: [baseline.id, 'v'], measures, dimension, onlyChanged, sortByChange: false };
  return { choice, scenarios: [baseline, scenario('v', 'Biến thể', { kind: 'variant' })], baselineId: baseline.id, prepared, groups, comparison };
}

const lineRow = (o: CompareOutcome, id: string) => o.prepared.lines.findIndex((l) => l.id === id);
const nodeRow = (c: string) => groupRow(tree.indexOf.get(code(c))!);

describe('compare grid cells', () => {
  const o = outcome('project', ['plan', 'projected']);
  const cols = compareColumns(['plan', 'projected'], 2);
  const col = (key: string) => cols.find((c) => c.key === key)!;
  const text = (row: number, key: string, view = VI) => compareCellText(o, row, col(key), view);
  const da2 = lineRow(o, d.lines.find((l) => l.nodeId === code('DA2'))!.id);
  const dropped = lineRow(o, d.lines.find((l) => l.nodeId === code('DA3.TDA2'))!.id);

  it('lays out each measure as reference, scenario, Δ, Δ % under a header spanning them', () => {
    expect(cols.map((c) => c.key)).toEqual(['code', 'name', 'plan:0', 'plan:1', 'plan:d1', 'plan:p1', 'projected:0', 'projected:1', 'projected:d1', 'projected:p1']);
    const [top, bottom] = compareHeaders(cols, ['Gốc', 'Biến thể'], 'vi');
    expect(top).toEqual([
      { label: '', colspan: 2 },
      { label: 'Kế hoạch vốn', colspan: 4 },
      { label: 'Dự kiến giải ngân cuối năm', colspan: 4 },
    ]);
    expect(bottom.slice(0, 6)).toEqual(['Mã', 'Nội dung', 'Gốc', 'Biến thể', 'Δ', 'Δ %']);
  });

  it('shows values in the unit, changes with ▲ / ▼ and a sign, and nothing where nothing changed', () => {
    expect([text(da2, 'plan:0'), text(da2, 'plan:1'), text(da2, 'plan:d1'), text(da2, 'plan:p1')]).toEqual(['5.436', '5.979,6', '▲ +543,6', '+10,00 %']);
    expect(text(nodeRow('DA7'), 'plan:d1')).toBe('▼ -100');
    expect(text(nodeRow('DA7'), 'plan:p1')).toBe('-12,53 %');
    expect(text(nodeRow('DA4'), 'plan:d1')).toBe('');
    expect(text(nodeRow('DA4'), 'plan:p1')).toBe('');
    expect(text(da2, 'plan:d1', EN)).toBe('▲ +0.5436');
  });

  it('marks a line a scenario lacks with "—" and a change from nothing as new', () => {
    expect(text(dropped, 'plan:1')).toBe('—');
    expect(text(dropped, 'plan:d1')).toBe('▼ -566');
    const added = lineRow(o, 'new');
    expect([text(added, 'plan:0'), text(added, 'plan:d1'), text(added, 'plan:p1')]).toEqual(['—', '▲ +100', 'mới']);
    expect(text(nodeRow('DA5'), 'plan:p1', EN)).toBe('new');
  });

  it('labels nodes by code and name, lines by their text (or unit), groups by their key, and the total', () => {
    expect(rowLabel(o, nodeRow('DA3.TDA1'), 'vi')).toMatchObject({ kind: 'group', code: 'DA3.TDA1', depth: 1 });
    expect(rowLabel(o, dropped, 'vi')).toMatchObject({ kind: 'line', code: '', name: 'Trung tâm Y tế huyện', depth: 2 });
    expect(rowLabel(o, COMPARE_TOTAL, 'en').name).toBe('Program total');
    const bySource = outcome('source');
    expect(rowLabel(bySource, groupRow(0), 'vi').name).toBe('NSTW');
    expect(rowLabel(bySource, 0, 'vi')).toMatchObject({ kind: 'line', code: 'DA2', depth: 1 });
    const byUnit = outcome('unit');
    expect(byUnit.groups!.keys.at(-1)).toBe('');
    expect(rowLabel(byUnit, groupRow(byUnit.groups!.keys.length - 1), 'vi').name).toBe('(không ghi đơn vị)');
  });
});

describe('compare table (exports)', () => {
  it('names the workbook, the scenarios, the roll-up and the unit, and keeps numbers as numbers', () => {
    const o = outcome('project', ['plan'], true);
    const table = compareTable(o, VI, 'Cao Lộc 2023');
    expect(table.title).toBe('So sánh kịch bản: Cao Lộc 2023');
    expect(table.subtitle).toBe('Tham chiếu: Kịch bản gốc (gốc) · So với 2: Biến thể · Tổng hợp theo: Dự án (cây mục)');
    expect(table.unitLine).toBe('ĐVT: triệu đồng');
    expect(table.headers).toEqual([
      'Mã',
      'Nội dung',
      'Kế hoạch vốn — Kịch bản gốc (gốc)',
      'Kế hoạch vốn — Biến thể',
      'Kế hoạch vốn — Δ Biến thể',
      'Kế hoạch vốn — Δ % Biến thể',
    ]);
    const total = table.rows.at(-1)!;
    expect(total.kind).toBe('total');
    expect(total.cells).toEqual([
      '',
      'Tổng cộng chương trình',
      { amount: 13_819 * TR },
      { amount: (13_819 + 543.6 - 100 - 566 + 100) * TR },
      { amount: -22.4 * TR },
      { percent: (-22.4 / 13_819) * 100, decimals: 2 },
    ]);
    const added = table.rows.find((r) => r.cells[1] === '=HYPERLINK("x")')!;
    expect(added.cells.slice(2)).toEqual([null, { amount: 100 * TR }, { amount: 100 * TR }, null]);
    expect(table.rows[0]).toMatchObject({ kind: 'parent', depth: 0 });
  });

  it('writes a CSV with the scenario names and the unit in the header, vi numbers split by ";" as Excel in Vietnamese reads them, and inert text', () => {
    const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(
      writeTableCsv(compareTable(outcome('project', ['plan'], true), VI, 'Cao Lộc 2023'), { locale: 'vi', lang: 'vi' }),
    );
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      '\uFEFFMã;Nội dung;Kế hoạch vốn — Kịch bản gốc (gốc) (triệu đồng);Kế hoạch vốn — Biến thể (triệu đồng);Kế hoạch vốn — Δ Biến thể (triệu đồng);Kế hoạch vốn — Δ % Biến thể',
    );
    expect(lines).toContain(`;"'=HYPERLINK(""x"")";;100;100;`);
    expect(lines).toContain(';Tổng cộng chương trình;13819;13796,6;-22,4;-0,16');
  });
});

describe('compare charts data', () => {
  it('draws the projects holding money, the deltas exactly as differences, and leaves out empty ones', () => {
    const o = outcome();
    const bars = compareBars(o, 'plan', 'vi');
    expect(bars.categories).toEqual(['DA2', 'DA3', 'DA4', 'DA5', 'DA6', 'DA7']);
    expect(bars.hidden).toBe(1);
    expect(bars.deltas[0]).toEqual(bars.values[1].map((v, i) => v - bars.values[0][i]));
    expect(bars.deltas[0]).toEqual([543.6 * TR, -566 * TR, 0, 100 * TR, 0, -100 * TR]);
    expect(compareBarsSummary(bars, 'T', VI, true)).toContain('DA5 — Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo trên địa bàn các huyện nghèo: Biến thể +100');
  });

  it('keeps the largest groups beyond the limit, in their order', () => {
    const bars = compareBars(outcome('unit'), 'plan', 'vi', 2);
    expect(bars.titles).toEqual(['Phòng Văn hoá và Thông tin', '(không ghi đơn vị)']);
    expect(bars.hidden).toBe(4);
  });
});

// Reading back what the app exports (io/export-plan.ts as .xlsx or CSV): the exact column mapping
// from its headers, each item's lines listed under it, and every amount to the đồng.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readImport, type ImportReading } from '../../src/io/import-plan';
import { plainAmount } from '../../src/io/import-cells';
import { parseAmount } from '../../src/domain/amount';
import { exportPlanXlsx } from '../../src/io/export-xlsx';
import { exportPlanCsv } from '../../src/io/export-csv';
import { buildDemoWorkbook, buildEmptyWorkbook } from '../../src/domain/demo';
import type { AmountUnit, Lang, Line, NumberLocale, WorkbookData } from '../../src/domain/model';
import { utf8, value } from './import-helpers';

const target = buildEmptyWorkbook('Đích', 2023);
const context = { workbookId: target.workbook.id, year: 2023, nodes: target.nodes };
const read = async (bytes: Uint8Array, name: string) => value(await readImport(bytes, name, context));

/** The fields the plan export writes, by node code, in the file's order. */
const written = (codeOf: (id: string) => string | undefined, l: Line) => ({
  code: codeOf(l.nodeId),
  label: l.label,
  unit: l.unit,
  source: l.source,
  capital: l.capital,
  vintage: l.vintage,
  plan: l.plan,
  disbursed: l.disbursed,
  asOf: l.asOf,
  expectedRate: l.expectedRate,
});
const expected = (data: WorkbookData) => {
  const code = (id: string) => data.nodes.find((n) => n.id === id)?.code;
  const order = new Map(data.nodes.map((n) => [n.id, n.code]));
  return [...data.lines]
    .sort((a, b) => (order.get(a.nodeId)! < order.get(b.nodeId)! ? -1 : order.get(a.nodeId)! > order.get(b.nodeId)! ? 1 : a.order - b.order))
    .map((l) => written(code, l));
};
const imported = (r: ImportReading) => {
  const code = (id: string) => r.result.nodes.find((n) => n.node.id === id)?.node.code;
  return r.result.lines.map((l) => written(code, l.line));
};

describe('the demo exported by the app reads back exactly', () => {
  const demo = buildDemoWorkbook();

  it.each([
    ['xlsx, vi', async () => exportPlanXlsx(demo), 'demo.xlsx'],
    ['xlsx, en in nghìn', async () => exportPlanXlsx(demo, { unit: 'nghin', locale: 'en', lang: 'en' }), 'demo.xlsx'],
    ['CSV, vi with semicolons', async () => exportPlanCsv(demo, { unit: 'trieu', locale: 'vi', lang: 'vi', separator: ';' }), 'demo.csv'],
    ['CSV, en with commas in tỷ', async () => exportPlanCsv(demo, { unit: 'ty', locale: 'en', lang: 'en', separator: ',' }), 'demo.csv'],
  ])('%s: every line to the đồng, no item added, the stated total kept', async (_, make, name) => {
    const r = await read(await make(), name);
    expect(imported(r)).toEqual(expected(demo));
    expect(r.result.lines.every((l) => l.invalid.length === 0)).toBe(true);
    expect(r.result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(r.result.nodes.filter((n) => n.status === 'new')).toEqual([]);
    // Item rows show the sums of their lines: computed again, not kept as stated figures.
    expect(r.result.nodes.filter((n) => n.stated)).toEqual([]);
    expect(r.result.totals).toMatchObject([{ scope: 'table', figures: { plan: 13_392_000_000 } }]);
    expect(r.mapping.columns.map((c) => c.field)).toEqual([
      'code',
      'name',
      'unit',
      'source',
      'capital',
      'vintage',
      'plan',
      'disbursed',
      'asOf',
      'ignore',
      'expectedRate',
      'ignore',
      'ignore',
      'ignore',
      'statedPlan',
      'ignore',
    ]);
  });
});

describe('a file the app exported, after a user has worked on it', () => {
  const demo = buildDemoWorkbook();
  /** The export as CSV rows, edited as people do. */
  const edited = (edit: (rows: string[][]) => string[][]) => {
    const text = new TextDecoder().decode(exportPlanCsv(demo, { unit: 'trieu', locale: 'vi', lang: 'vi', separator: ';' })).replace(/^\uFEFF/, '');
    const rows = text
      .split('\r\n')
      .filter((r) => r !== '')
      .map((r) => r.split(';'));
    return utf8(
      edit(rows)
        .map((r) => r.join(';'))
        .join('\r\n'),
    );
  };
  const headerAt = (rows: string[][]) => rows.findIndex((r) => r[0] === 'Mã');

  it.each([
    [
      'a "Ghi chú" column added at the right',
      (rows: string[][]) => rows.map((r, i) => (i === headerAt(rows) ? [...r, 'Ghi chú'] : i > headerAt(rows) + 2 ? [...r, 'đã rà soát'] : r)),
    ],
    ['a note typed in one cell far to the right', (rows: string[][]) => rows.map((r, i) => (i === headerAt(rows) + 4 ? [...r, '', '', '', '', '', 'xem lại số này'] : r))],
    ['a blank row inserted in the table', (rows: string[][]) => [...rows.slice(0, headerAt(rows) + 3), [], ...rows.slice(headerAt(rows) + 3)]],
  ])('still reads every line to the đồng: %s', async (_, edit) => {
    const r = await read(edited(edit), 'demo-edited.csv');
    expect(r.mapping.columns.slice(0, 16).map((c) => c.field)).toEqual([
      'code',
      'name',
      'unit',
      'source',
      'capital',
      'vintage',
      'plan',
      'disbursed',
      'asOf',
      'ignore',
      'expectedRate',
      'ignore',
      'ignore',
      'ignore',
      'statedPlan',
      'ignore',
    ]);
    expect(imported(r).map(({ label: _l, ...rest }) => rest)).toEqual(expected(demo).map(({ label: _l, ...rest }) => rest));
    expect(r.result.lines.reduce((a, l) => a + l.line.plan, 0)).toBe(13_819_000_000);
    expect(r.result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });
});

describe('random plans exported as CSV read back exactly', () => {
  const leaves = target.nodes.filter((n) => !target.nodes.some((c) => c.parentId === n.id));
  const line = fc.record({
    leaf: fc.integer({ min: 0, max: leaves.length - 1 }),
    label: fc.constantFrom('', 'Hỗ trợ 12 hộ', 'Tập huấn; 3 lớp', '"Mô hình" = 5', '-Ghi chú'),
    unit: fc.constantFrom('', 'UBND xã Lộc Yên', 'Phòng LĐ-TB&XH'),
    source: fc.constantFrom('central' as const, 'local' as const, 'other' as const),
    capital: fc.constantFrom('investment' as const, 'recurrent' as const),
    vintage: fc.integer({ min: 2020, max: 2024 }),
    plan: fc.integer({ min: 0, max: 9_999_999_999_999 }),
    disbursed: fc.integer({ min: 0, max: 999_999_999_999 }),
  });
  const settings = fc.record({
    unit: fc.constantFrom<AmountUnit>('dong', 'nghin', 'trieu', 'ty'),
    locale: fc.constantFrom<NumberLocale>('vi', 'en'),
    lang: fc.constantFrom<Lang>('vi', 'en'),
    separator: fc.constantFrom(',' as const, ';' as const, '\t' as const),
  });

  it('the same lines, to the đồng, in any unit, number format, language and separator', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 15 }), settings, async (rows, s) => {
        const data: WorkbookData = {
          ...target,
          lines: rows.map((r, i) => ({
            id: `l${i}`,
            nodeId: leaves[r.leaf].id,
            order: i,
            label: r.label,
            unit: r.unit,
            placeId: null,
            source: r.source,
            capital: r.capital,
            vintage: r.vintage,
            plan: r.plan,
            disbursed: r.disbursed,
            asOf: null,
            expectedRate: null,
          })),
        };
        const r = await read(exportPlanCsv(data, s), s.separator === '\t' ? 'plan.tsv' : 'plan.csv');
        // A line with no description and no unit has nothing but numbers: still a line.
        expect(imported(r)).toEqual(expected(data));
      }),
      { numRuns: 100, endOnFailure: true },
    );
  });
});

describe('a district table listing lines under coded items', () => {
  it('reads a detail row as a line of the item above, a coded leaf with money as a line, zeros as no line', async () => {
    const r = await read(
      utf8(
        [
          'ĐVT: triệu đồng',
          'Mã,Nội dung,Kế hoạch vốn',
          'DA3,Dự án 3,2964',
          'DA3.TDA1,Hỗ trợ sản xuất,2398',
          ',Xã Lộc Yên,500',
          ',Xã Thanh Lò,1898',
          'DA3.TDA2,Dinh dưỡng,566',
          'DA5,Nhà ở,0',
        ].join('\n'),
      ),
      'huyen.csv',
    );
    const code = (id: string) => r.result.nodes.find((n) => n.node.id === id)?.node.code;
    expect(r.result.lines.map((l) => [code(l.line.nodeId), l.line.label, l.line.plan])).toEqual([
      ['DA3.TDA1', 'Xã Lộc Yên', 500_000_000],
      ['DA3.TDA1', 'Xã Thanh Lò', 1_898_000_000],
      ['DA3.TDA2', '', 566_000_000],
    ]);
    expect(r.result.nodes.filter((n) => n.status === 'new')).toEqual([]);
  });
});

describe('plainAmount, the short path for plain numbers', () => {
  it('reads exactly what parseAmount reads, or leaves the text to it', () => {
    const text = fc.tuple(fc.stringMatching(/^\d{1,17}$/), fc.option(fc.stringMatching(/^\d{1,17}$/)), fc.constantFrom('.', ','));
    fc.assert(
      fc.property(text, fc.constantFrom<AmountUnit>('dong', 'nghin', 'trieu', 'ty'), fc.constantFrom<NumberLocale>('vi', 'en'), ([int, frac, mark], unit, locale) => {
        const written = frac === null ? int : `${int}${mark}${frac}`;
        const fast = plainAmount(written, unit, locale);
        const full = parseAmount(written, { unit, locale });
        if (fast !== null) expect(full.ok && full.value.value).toBe(fast);
        // Every plain number the parser reads to a value in the column's own decimal mark takes the short path.
        else if (full.ok && (frac === null || mark === (locale === 'vi' ? ',' : '.')) && int.length <= 16 && (frac ?? '').length <= 16)
          expect(full.value.value).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
      }),
      { numRuns: 2000 },
    );
  });
});

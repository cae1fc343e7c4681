// The plan as CSV, parsed back with papaparse: BOM, separators, vi/en numbers exact to the đồng,
// quoting, and text that a spreadsheet would run as a formula made inert (numbers left alone).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Papa from 'papaparse';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { parseAmount, parseRate } from '../../src/domain/amount';
import type { NumberLocale } from '../../src/domain/model';
import { exportPlanCsv, exportTableCsv, neutraliseCsvText, type CsvSeparator } from '../../src/io/export-csv';
import { PLAN_EXPORT_COLUMNS, planViewOf } from '../../src/io/export-plan';

const COL = Object.fromEntries(PLAN_EXPORT_COLUMNS.map((c, i) => [c.key, i])) as Record<string, number>;

function parse(bytes: Uint8Array, delimiter: CsvSeparator): string[][] {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  expect(text.startsWith('\uFEFF')).toBe(true);
  const r = Papa.parse<string[]>(text.slice(1), { delimiter, skipEmptyLines: true });
  expect(r.errors).toEqual([]);
  return r.data;
}

const dong = (text: string, locale: NumberLocale) => {
  const r = parseAmount(text, { unit: 'trieu', locale });
  if (!r.ok) throw new Error(text);
  return r.value.value;
};

describe('exportPlanCsv', () => {
  it.each([
    [',', 'vi'],
    [';', 'vi'],
    ['\t', 'vi'],
    [',', 'en'],
  ] as [CsvSeparator, NumberLocale][])('writes the demo with separator %j and %s numbers, read back exact to the đồng', (sep, locale) => {
    const view = planViewOf(buildDemoWorkbook());
    const rows = parse(exportPlanCsv(view, { unit: 'trieu', locale, lang: 'vi', separator: sep }), sep);
    expect(rows[0][COL.plan]).toBe('Kế hoạch (triệu đồng)');
    expect(rows[0][COL.rate]).toBe('Tỷ lệ GN');
    expect(rows).toHaveLength(1 + 18 + 8 + 1);
    const lineRows = rows.slice(1).filter((r) => r[COL.source] !== '');
    expect(lineRows).toHaveLength(8);
    lineRows.forEach((r, i) => {
      const l = view.lines[i];
      expect(r[COL.name]).toBe(l.label);
      expect(dong(r[COL.plan], locale)).toBe(l.plan);
      expect(dong(r[COL.disbursed], locale)).toBe(l.disbursed);
      expect(dong(r[COL.unspent], locale)).toBe(view.rollup.lineUnspent[i]);
      expect(r[COL.vintage]).toBe(String(l.vintage));
      const rate = parseRate(r[COL.expected], { locale });
      expect(rate.ok && rate.value.value).toBe(l.expectedRate);
    });
    const total = rows[rows.length - 1];
    expect(total[COL.name]).toBe('Tổng cộng chương trình');
    expect(dong(total[COL.plan], locale)).toBe(13_819_000_000);
    expect(dong(total[COL.disbursed], locale)).toBe(3_709_040_000);
    expect(dong(total[COL.statedPlan], locale)).toBe(13_392_000_000);
    expect(total[COL.rate]).toBe(locale === 'vi' ? '26,84' : '26.84');
  });

  it('ends lines with CRLF and writes English headers with the unit', () => {
    const bytes = exportPlanCsv(buildDemoWorkbook(), { unit: 'nghin', locale: 'en', lang: 'en', separator: ',' });
    const text = new TextDecoder().decode(bytes);
    expect(text).toMatch(/\r\n$/);
    expect(text.split('\r\n')[0]).toContain('Plan (thousand đồng)');
    expect(text).toContain(',3709040,');
  });
});

describe('CSV injection', () => {
  it.each([
    ['=HYPERLINK("http://example.com","x")', `'=HYPERLINK("http://example.com","x")`],
    ['+1+2', `'+1+2`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['\tcmd', `'\tcmd`],
    ['\rcmd', `'\rcmd`],
    ['Phòng LĐ-TB&XH', 'Phòng LĐ-TB&XH'],
    ['', ''],
  ])('neutraliseCsvText(%j)', (input, out) => {
    expect(neutraliseCsvText(input)).toBe(out);
  });

  it('makes text cells inert and leaves numbers, negative ones included, as numbers', () => {
    const data = buildDemoWorkbook();
    data.lines[0] = { ...data.lines[0], label: '=1+1', unit: '@cmd', plan: 5_000_000, disbursed: 7_500_000 };
    data.lines[1] = { ...data.lines[1], label: '-nothing', unit: '+x' };
    const rows = parse(exportPlanCsv(data, { unit: 'trieu', locale: 'vi', lang: 'vi', separator: ';' }), ';');
    const lines = rows.filter((r) => r[COL.source] !== '' && r !== rows[0]);
    expect(lines[0].slice(COL.name, COL.unit + 1)).toEqual(["'=1+1", "'@cmd"]);
    expect(lines[1].slice(COL.name, COL.unit + 1)).toEqual(["'-nothing", "'+x"]);
    // The first line's projection leaves a negative unspent amount: a number, written as one.
    expect(lines[0][COL.unspent]).toBe('-2,5');

    const generic = exportTableCsv(['Mục', 'Số tiền', 'Số'], [{ cells: ['=cmd|x', { amount: -1_500_000 }, -3] }], { unit: 'trieu', separator: ',' });
    expect(parse(generic, ',')[1]).toEqual(["'=cmd|x", '-1,5', '-3']);
  });

  it('quotes separators, quotes and line breaks so any text reads back (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'ệ', ',', ';', '\t', '"', '\n', '\r\n', ' ', '=', '-', "'") }),
        fc.constantFrom<CsvSeparator>(',', ';', '\t'),
        (text, sep) => {
          const rows = parse(exportTableCsv(['A', 'B'], [{ cells: [text, 'end'] }], { separator: sep }), sep);
          expect(rows[1]).toEqual([neutraliseCsvText(text), 'end']);
        },
      ),
    );
  });
});

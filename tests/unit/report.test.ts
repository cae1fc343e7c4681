// The monitoring report: rows per project and sub-project, the narrative's every number read back
// out of the text and compared with the figures the grid shows (Vietnamese and English, several
// units), stated figures never used in the text, and the HTML export escaped.
import { describe, expect, it } from 'vitest';
import { buildDemoWorkbook, buildGeneratedWorkbook } from '../../src/domain/demo';
import { buildReport, writeNarrative, type Report } from '../../src/domain/report';
import { buildColumns, counterpartColumn, rateOf, rollUp, type Rollup } from '../../src/domain/rollup';
import { orderTree, type OrderedTree } from '../../src/domain/tree';
import { orderLines } from '../../src/domain/compare-request';
import { projectionParams } from '../../src/domain/projection';
import { formatAmount, formatRate, parseAmount, parseRate } from '../../src/domain/amount';
import type { AmountUnit, Lang, NumberLocale, WorkbookData } from '../../src/domain/model';
import { reportTable } from '../../src/ui/report/report-table';
import { escapeHtml, reportHtml, reportText, type ReportDocument } from '../../src/ui/report/report-html';

const TR = 1_000_000;

function plan(data: WorkbookData): { tree: OrderedTree; r: Rollup; report: Report } {
  const tree = orderTree(data.nodes);
  const lines = orderLines(tree, data.lines);
  const r = rollUp(buildColumns(tree, lines, counterpartColumn(data.workbook.counterpart, data.workbook.year), projectionParams(data.workbook)));
  return { tree, r, report: buildReport(data.workbook, tree, lines, r) };
}

const UNIT_WORDS: Record<Lang, Record<AmountUnit, string>> = {
  vi: { dong: 'đồng', nghin: 'nghìn đồng', trieu: 'triệu đồng', ty: 'tỷ đồng' },
  en: { dong: 'đồng', nghin: 'thousand đồng', trieu: 'million đồng', ty: 'billion đồng' },
};

/**
 * Reads every number back out of a paragraph: amounts (followed by the unit), rates (followed by
 * %), and the years and dates the text names; fails on any other number.
 */
function numbersIn(text: string, lang: Lang, unit: AmountUnit): { amounts: number[]; rates: number[] } {
  const locale: NumberLocale = lang;
  let rest = text.replace(/\b\d{2}\/\d{2}\/\d{4}\b|\b\d{4}-\d{2}-\d{2}\b/g, ' ');
  const amounts: number[] = [];
  const rates: number[] = [];
  rest = rest.replace(new RegExp(`(\\d[\\d.,]*\\d|\\d) ${UNIT_WORDS[lang][unit]}`, 'g'), (_, n: string) => {
    const v = parseAmount(n, { unit, locale });
    if (!v.ok) throw new Error(`unreadable amount ${n}`);
    amounts.push(v.value.value);
    return ' ';
  });
  rest = rest.replace(/(\d[\d.,]*\d|\d)%/g, (_, n: string) => {
    const v = parseRate(n, { locale });
    if (!v.ok) throw new Error(`unreadable rate ${n}`);
    rates.push(v.value.value);
    return ' ';
  });
  rest = rest.replace(/\b20(2[0-9])\b/g, ' ');
  expect(rest, 'a number that is neither an amount, a rate, a year nor a date').not.toMatch(/\d/);
  return { amounts, rates };
}

/** What the grid shows for a row k (node index, or nodeCount for the total), as numbers read back from its text. */
function gridFigures(r: Rollup, k: number, unit: AmountUnit, locale: NumberLocale) {
  const shown = (v: number) => {
    const p = parseAmount(formatAmount(v, unit, locale), { unit, locale });
    return p.ok ? p.value.value : NaN;
  };
  const rate = (v: number) => {
    const p = parseRate(formatRate(v, locale), { locale });
    return p.ok ? p.value.value : NaN;
  };
  return {
    amounts: new Set(
      [r.plan[k], r.central[k], r.local[k], r.other[k], r.carriedIn[k], r.plan[k] - r.carriedIn[k], r.disbursed[k], r.expectedAmount[k], r.carryOver[k]].map(shown),
    ),
    plan: shown(r.plan[k]),
    disbursed: shown(r.disbursed[k]),
    rate: rate(rateOf(r.disbursed[k], r.plan[k])),
    expectedRate: rate(rateOf(r.expectedAmount[k], r.plan[k])),
  };
}

function expectNarrativeMatchesGrid(data: WorkbookData, lang: Lang, unit: AmountUnit): void {
  const { tree, r, report } = plan(data);
  const paragraphs = writeNarrative(report, { lang, unit });
  expect(paragraphs).toHaveLength(report.rows.length);
  for (const p of paragraphs) {
    const k = p.nodeId === null ? r.nodeCount : tree.indexOf.get(p.nodeId)!;
    const grid = gridFigures(r, k, unit, lang);
    const found = numbersIn(p.text, lang, unit);
    for (const a of found.amounts) expect(grid.amounts, `${p.heading}: ${a}`).toContain(a);
    expect(found.amounts, p.heading).toContain(grid.plan);
    expect(found.amounts, p.heading).toContain(grid.disbursed);
    if (r.plan[k]) expect(found.rates.sort(), p.heading).toEqual([grid.rate, grid.expectedRate].sort());
  }
}

describe('the narrative', () => {
  for (const lang of ['vi', 'en'] as const)
    for (const unit of ['trieu', 'dong', 'nghin'] as const)
      it(`numbers equal the grid's: demo, ${lang}, ${unit}`, () => expectNarrativeMatchesGrid(buildDemoWorkbook(), lang, unit));

  for (const lang of ['vi', 'en'] as const)
    it(`numbers equal the grid's: a generated 400-line plan with three sources and two vintages, ${lang}`, () => {
      const data = buildGeneratedWorkbook(400, 0);
      data.lines = data.lines.map((l, i) => (i % 11 === 3 ? { ...l, source: 'other' } : l));
      expectNarrativeMatchesGrid(data, lang, 'trieu');
    });

  it('reads like the seed report, from the computed figures, never the stated ones', () => {
    const { report } = plan(buildDemoWorkbook());
    const vi = writeNarrative(report, { lang: 'vi', unit: 'trieu' });
    const text = vi.map((p) => `${p.heading}\n${p.text}`).join('\n');
    expect(vi[0].text).toContain('Tổng kế hoạch vốn năm 2023: 13.819 triệu đồng, toàn bộ từ nguồn vốn Trung ương');
    expect(vi[0].text).toContain('Tính đến ngày 15/11/2023 giải ngân được 3.709,04 triệu đồng, đạt 26,84% kế hoạch.');
    expect(vi[0].text).toContain('10.075 triệu đồng nguồn vốn năm 2022 chuyển sang');
    const tda2 = vi.find((p) => p.heading === '- Tiểu dự án 2: Cải thiện dinh dưỡng')!;
    expect(tda2.text).toContain('Đơn vị được giao thực hiện là Trung tâm Y tế huyện, với tổng kinh phí 566 triệu đồng.');
    expect(tda2.text).toContain('đã giải ngân được 77,04 triệu đồng, đạt 13,61% kế hoạch. Dự kiến hết năm 2023 giải ngân 452,8 triệu đồng, đạt 80% kế hoạch');
    expect(vi.map((p) => p.heading.slice(0, 2)).filter((h) => /^[a-z]\)/.test(h))).toEqual(['a)', 'b)', 'c)', 'd)', 'e)']);
    for (const stated of ['13.392', '3.168', '23,66', '13.164', '43,6']) expect(text).not.toContain(stated);
    expect(text).not.toMatch(/Dự án 1|Dự án 5/);
  });
});

describe('the report table', () => {
  it('has the total, then each project with money and its sub-projects, with the stated figures and their differences', () => {
    const { report } = plan(buildDemoWorkbook());
    expect(report.rows.map((r) => r.code)).toEqual([
      '',
      'DA2',
      'DA3',
      'DA3.TDA1',
      'DA3.TDA2',
      'DA4',
      'DA4.TDA1',
      'DA6',
      'DA6.TDA1',
      'DA6.TDA2',
      'DA7',
      'DA7.TDA1',
      'DA7.TDA2',
    ]);
    const view = { lang: 'vi', unit: 'trieu', locale: 'vi' } as const;
    const table = reportTable(report, view);
    expect(table.headers).not.toContain('KH nguồn khác');
    const col = (h: string) => table.headers.indexOf(h);
    const total = table.rows[0].cells;
    expect(total[col('Tổng KH vốn')]).toEqual({ amount: 13_819 * TR });
    expect(total[col('KH theo báo cáo')]).toEqual({ amount: 13_392 * TR });
    expect(total[col('Chênh lệch KH')]).toEqual({ amount: 427 * TR });
    expect(total[col('Chênh lệch tỷ lệ (điểm %)')]).toBe(3.18);
    // The stated rate of a sub-project entered as one line is that line's.
    const tda1 = table.rows[report.rows.findIndex((r) => r.code === 'DA3.TDA1')].cells;
    expect(tda1[col('Tỷ lệ theo báo cáo')]).toEqual({ percent: 43.6, decimals: 2 });
    expect(tda1[col('Trong đó: năm trước chuyển sang')]).toEqual({ amount: 2_398 * TR });
  });

  it('exports as HTML with every text escaped, and as text with the checks and their notes', () => {
    const { report } = plan(buildDemoWorkbook());
    const view = { lang: 'vi', unit: 'trieu', locale: 'vi' } as const;
    const doc: ReportDocument = {
      title: 'Báo cáo <năm 2023>',
      subtitle: 'Huyện Cao Lộc',
      unitLine: 'ĐVT: triệu đồng',
      table: reportTable(report, view),
      tableCaption: 'Bảng',
      narrativeTitle: 'Thuyết minh',
      paragraphs: writeNarrative(report, { lang: 'vi', unit: 'trieu' }),
      checksTitle: 'Kiểm tra',
      checks: [{ sentence: 'Tổng: 13.392 ≠ 13.819 "x" & <y>', review: 'Đã xem xét: theo QĐ <số 1>' }],
    };
    const html = reportHtml(doc, view);
    expect(html).toContain('<title>Báo cáo &lt;năm 2023&gt;</title>');
    expect(html).toContain('Phòng LĐ-TB&amp;XH-DT');
    expect(html).not.toContain('LĐ-TB&XH');
    expect(html).toContain('Tổng: 13.392 ≠ 13.819 &quot;x&quot; &amp; &lt;y&gt;');
    expect(html).toContain('@page { size: A4 landscape');
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
    const text = reportText(doc);
    expect(text).toContain('Đã xem xét: theo QĐ <số 1>');
    expect(reportText(doc, false)).not.toContain('Kiểm tra');
  });
});

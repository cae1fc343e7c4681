import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import * as XLSX from '@e965/xlsx';
import { readImport } from '../../src/io/import-plan';
import { readWorkbook } from '../../src/io/workbook-read';
import type { ImportReading, WorkbookContext } from '../../src/io/import-plan';
import { instantiateTree } from '../../src/domain/tree';
import { describeProblem } from '../../src/domain/messages';
import { importChange } from '../../src/domain/import-change';
import { computeWorkbookFormulas } from '../../src/domain/formula/workbook-formulas';
import { problemWithMoney } from '../../src/io/import-types';
import { planTable, planViewOf } from '../../src/io/export-plan';
import { writeTableXlsx } from '../../src/io/export-xlsx';
import type { Line } from '../../src/domain/model';
import { demoWithFormulas } from '../fixtures/demo-formulas';
import { value } from './import-helpers';

type Cell = string | number | null | { f: string; v: number; pct?: boolean };

/** An .xlsx whose sheet "Biểu 01" holds the cells given row by row from A1 (a formula with the
 * value the file saves for it), beside a sheet "Khác" whose A1 holds 122. */
async function workbook(rows: Cell[][]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Biểu 01');
  rows.forEach((cells, r) =>
    cells.forEach((c, k) => {
      if (c === null) return;
      const cell = ws.getCell(r + 1, k + 1);
      if (typeof c === 'object') {
        cell.value = { formula: c.f, result: c.v };
        if (c.pct) cell.numFmt = '0.00%';
      } else cell.value = c;
    }),
  );
  wb.addWorksheet('Khác').getCell('A1').value = 122;
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const context = (): WorkbookContext => ({ workbookId: 'wb', year: 2023, nodes: instantiateTree('wb') });
const read = async (rows: Cell[][], ctx = context()) =>
  value(await readImport(await workbook(rows), 'bieu.xlsx', ctx, { defaults: { source: 'central', capital: 'recurrent' } }));

const HEAD: Cell[][] = [
  ['BIỂU KẾ HOẠCH VỐN CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG NĂM 2023'],
  [null, null, null, null, null, 'ĐVT: triệu đồng'],
  ['STT', 'Nội dung', 'Đơn vị thực hiện', 'Kế hoạch vốn năm 2023', 'Giải ngân', 'Dự kiến giải ngân cả năm (%)'],
];

/** A district's table in triệu đồng: sums on its group and total rows, formulas on its lines. */
const TABLE: Cell[][] = [
  ...HEAD,
  [null, 'TỔNG CỘNG', null, { f: 'SUM(D5,D6,D9,D12)', v: 9999 }, null],
  ['I', 'Dự án 2: Đa dạng hóa sinh kế', 'Phòng NN', 5436, { f: 'D5/2', v: 999 }],
  ['II', 'Dự án 3: Hỗ trợ phát triển sản xuất, cải thiện dinh dưỡng', null, { f: 'SUM(D7:D8)', v: 2964 }, { f: 'SUM(E7:E8)', v: 230.04 }],
  ['1', 'Tiểu dự án 1: Hỗ trợ phát triển sản xuất', 'Phòng NN', 2398, 153, { f: 'E7/D7', v: 153 / 2398, pct: true }],
  ['2', 'Tiểu dự án 2: Cải thiện dinh dưỡng', 'Trung tâm Y tế huyện', { f: 'ROUND(D7*0.236,0)', v: 566 }, { f: 'D7*0.1+D7*0.2-642.36', v: 2398 * 0.1 + 2398 * 0.2 - 642.36 }],
  ['III', 'Dự án 7: Nâng cao năng lực và giám sát, đánh giá', null, { f: 'D10+D11', v: 798 }, { f: 'SUM(E10:E11)', v: 442.008 }],
  ['1', 'Tiểu dự án 1: Nâng cao năng lực', 'Phòng LĐ-TB&XH', 520, { f: 'D10*61.54%', v: 320.008 }],
  ['2', 'Tiểu dự án 2: Giám sát, đánh giá', 'Phòng LĐ-TB&XH', { f: 'D10-242', v: 278 }, { f: "'Khác'!A1", v: 122 }],
  ['IV', 'Dự án 4: Phát triển giáo dục nghề nghiệp', 'Trung tâm GDNN', { f: 'D6*10%', v: 296.4 }, { f: 'MEDIAN(E5,E7)', v: 1076.5 }],
  ['V', 'Dự án 6: Truyền thông', 'Phòng VH', { f: 'D3*2', v: 0 }, { f: 'SUM(D3:D5)', v: 15435 }],
];

/** Each line by its sheet row: its figures, and its formulas with references named by sheet row or item code. */
function linesByRow(r: ImportReading) {
  const rowOf = new Map(r.result.lines.map((l) => [l.line.id, l.row]));
  const codeOf = new Map(r.result.nodes.map((n) => [n.node.id, n.node.code]));
  const named = (text: string) =>
    text.replace(/\[#line:([^\]]+)\]/g, (_, id: string) => `[row ${rowOf.get(id)}]`).replace(/\[#item:([^\]]+)\]/g, (_, id: string) => `[${codeOf.get(id)}]`);
  return new Map(
    r.result.lines.map((l) => [
      l.row,
      {
        plan: l.line.plan,
        disbursed: l.line.disbursed,
        expectedRate: l.line.expectedRate,
        formulas: Object.fromEntries(Object.entries(l.line.formulas ?? {}).map(([f, x]) => [f, `${named(x.text)} (${x.unit})`])),
      },
    ]),
  );
}

const said = (r: ImportReading, code: string) => r.result.problems.filter((p) => p.problem.code === code);
const sentence = (p: ImportReading['result']['problems'][number], lang: 'vi' | 'en' = 'vi') =>
  describeProblem(
    problemWithMoney(p.problem, (d) => `${(d / 1e6).toLocaleString('vi-VN')} triệu đồng`),
    lang,
  );

/** The same sheet as an OpenDocument spreadsheet (LibreOffice's own format), formulas saved with their values. */
function odsWorkbook(rows: Cell[][]): Uint8Array {
  const ws: XLSX.WorkSheet = {};
  rows.forEach((cells, r) =>
    cells.forEach((c, k) => {
      if (c === null) return;
      const ref = XLSX.utils.encode_cell({ r, c: k });
      ws[ref] = typeof c === 'object' ? { t: 'n', v: c.v, f: c.f } : typeof c === 'number' ? { t: 'n', v: c } : { t: 's', v: c };
    }),
  );
  ws['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: rows.length - 1, c: 5 } });
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, 'Biểu 01');
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([[122]]), 'Khác');
  return new Uint8Array(XLSX.write(wb, { type: 'buffer', bookType: 'ods' }));
}

describe('formulas an .xlsx keeps on its lines', () => {
  it('an .ods keeps them as an .xlsx does: the formulas over other lines, and each one that does not map said with its cell', async () => {
    const rows = TABLE.map((cells) => cells.map((c) => (c && typeof c === 'object' && c.pct ? { f: c.f, v: c.v } : c)));
    const r = value(await readImport(odsWorkbook(rows), 'bieu.ods', context(), { defaults: { source: 'central', capital: 'recurrent' } }));
    const lines = linesByRow(r);
    expect(lines.get(8)!.formulas).toEqual({ plan: '=ROUND([row 7]*0.236, 0) (trieu)', disbursed: '=[row 7]*0.1 + [row 7]*0.2 - 642.36 (trieu)' });
    expect(lines.get(12)).toMatchObject({ plan: 296_400_000, formulas: { plan: '=[DA3]*10% (trieu)' } });
    expect(said(r, 'import.formulas-kept')[0].problem.params).toMatchObject({ sheet: 'Biểu 01' });
    // The formula over another sheet keeps the saved value, and says so with its cell.
    expect(said(r, 'import.formula-other-sheet').map((p) => p.cell)).toContain('E11');
  });

  it('a formula over other lines becomes the line’s formula, its cells named as the lines and items they import as, in its column’s unit', async () => {
    const lines = linesByRow(await read(TABLE));
    expect(lines.get(8)!.formulas).toEqual({ plan: '=ROUND([row 7]*0.236, 0) (trieu)', disbursed: '=[row 7]*0.1 + [row 7]*0.2 - 642.36 (trieu)' });
    expect(lines.get(10)!.formulas).toEqual({ disbursed: '=[row 10]*61.54% (trieu)' });
    expect(lines.get(11)!.formulas).toEqual({ plan: '=[row 10] - 242 (trieu)' });
    // D6 is Dự án 3's own row: the item's plan, whatever lines it holds once imported.
    expect(lines.get(12)!.formulas).toEqual({ plan: '=[DA3]*10% (trieu)' });
    // A rate cell formatted as a percentage holds the fraction the app's rate formulas give.
    expect(lines.get(7)!.formulas).toEqual({ expectedRate: '=[row 7].disbursed/[row 7] (trieu)' });
  });

  it('the value is what the engine computes, exactly, rounded once to the đồng', async () => {
    const lines = linesByRow(await read(TABLE));
    expect(lines.get(8)).toMatchObject({ plan: 566_000_000, disbursed: 77_040_000 });
    expect(lines.get(10)).toMatchObject({ disbursed: 320_008_000 });
    expect(lines.get(12)).toMatchObject({ plan: 296_400_000 });
    expect(lines.get(7)).toMatchObject({ expectedRate: 6.38 });
  });

  it('where the computed value differs from the one the file saved, the line takes the computed one and the user is told', async () => {
    const r = await read(TABLE);
    expect(linesByRow(r).get(5)).toMatchObject({ disbursed: 2_718_000_000, formulas: { disbursed: '=[row 5]/2 (trieu)' } });
    // The preview shows what the line will hold, and the formula it keeps.
    expect(r.preview.find((p) => p.row === 5)!.cells[4]).toEqual({ raw: 999, value: 2_718_000_000, problem: null, formula: '=D5/2' });
    const differs = said(r, 'import.formula-differs');
    // 0,1 × 2 398 + 0,2 × 2 398 − 642,36 is 77,04 to the đồng, not a difference (the file saved 77,04000000000008).
    expect(differs.map((p) => p.cell)).toEqual(['E5']);
    expect(sentence(differs[0])).toBe(
      'Ô E5: công thức =D5/2 được giữ trên dòng; Planbench tính ra 2.718 triệu đồng, khác giá trị tệp lưu 999 triệu đồng. Dòng nhận giá trị Planbench tính; hãy đối chiếu với tệp gốc.',
    );
    expect(said(r, 'import.formulas-kept')[0].problem.params).toEqual({ sheet: 'Biểu 01', count: 7 });
  });

  it('a range over lines and an item’s own row reads the lines and the item', async () => {
    const rows = TABLE.map((cells) => [...cells]);
    rows[12][4] = { f: 'SUM(E7:E9)', v: 672.048 };
    const lines = linesByRow(await read(rows));
    expect(lines.get(13)).toMatchObject({ disbursed: 672_048_000, formulas: { disbursed: '=SUM([row 7].disbursed, [row 8].disbursed, [DA7].disbursed) (trieu)' } });
  });

  it('a formula that does not map keeps the value the file saved, and the user is told which cell, which formula, which value and why', async () => {
    const r = await read(TABLE);
    const notKept = r.result.problems.filter((p) => /^import\.formula-(?!differs)/.test(p.problem.code));
    expect(notKept.map((p) => [p.cell, p.problem.code, p.severity])).toEqual([
      ['E11', 'import.formula-other-sheet', 'warning'],
      ['E12', 'import.formula-function', 'warning'],
      ['D13', 'import.formula-ref', 'warning'],
      ['E13', 'import.formula-range', 'warning'],
    ]);
    expect(notKept.map((p) => sentence(p))).toEqual([
      "Ô E11 có công thức ='Khác'!A1 đọc ô của trang khác nên không chuyển được thành công thức trên dòng; giữ giá trị 122 triệu đồng.",
      'Ô E12 có công thức =MEDIAN(E5,E7) dùng hàm MEDIAN mà công thức Planbench chưa có, nên không chuyển được thành công thức trên dòng; giữ giá trị 1.076,5 triệu đồng.',
      'Ô D13 có công thức =D3*2 đọc ô D3, ô này không thuộc dòng hay mục nào được nhập, nên không chuyển được thành công thức trên dòng; giữ giá trị 0 triệu đồng.',
      // D3 is the header: no line's.
      'Ô E13 có công thức =SUM(D3:D5) với vùng D3:D5 không gồm trọn ô của những dòng được nhập, nên không chuyển được thành công thức trên dòng; giữ giá trị 15.435 triệu đồng.',
    ]);
    expect(sentence(notKept[0], 'en')).toBe(
      "Cell E11 holds the formula ='Khác'!A1, which reads another sheet, so it cannot become a formula on its line; the value 122 triệu đồng is kept.",
    );
    const lines = linesByRow(r);
    expect(lines.get(11)).toMatchObject({ disbursed: 122_000_000, formulas: { plan: '=[row 10] - 242 (trieu)' } });
    expect(lines.get(12)).toMatchObject({ disbursed: 1_076_500_000 });
    expect(lines.get(13)).toMatchObject({ plan: 0, disbursed: 15_435_000_000, formulas: {} });
  });

  it('a sum on a group or total row is a roll-up, nothing to keep; where its saved value is not what the lines make, the reconciliation says so', async () => {
    const r = await read(TABLE);
    expect(r.result.problems.filter((p) => ['D4', 'D6', 'E6', 'D9', 'E9'].includes(p.cell ?? ''))).toEqual([]);
    const total = r.result.reconciliation.rows.find((x) => x.label === 'TỔNG CỘNG')!;
    expect(total.ok).toBe(false);
    expect(total.cells[0]).toMatchObject({ stated: 9_999_000_000, computed: 9_494_400_000 });
    // Dự án 7's sums hold: its lines add up to what the file saved.
    expect(r.result.reconciliation.rows.find((x) => x.row === 9)?.ok).toBe(true);
  });

  it('a formula on a group row that is not a sum keeps the value the file saved, and says so', async () => {
    const rows = TABLE.map((cells) => [...cells]);
    rows[5][3] = { f: 'D7*2', v: 2964 };
    const r = await read(rows);
    expect(said(r, 'import.formula-cell').map((p) => [p.cell, p.problem.params?.kept])).toEqual([['D6', 2_964_000_000]]);
  });

  it('formulas the engine cannot compute (a cycle) are not kept, and said with the error', async () => {
    const rows = TABLE.map((cells) => [...cells]);
    rows[9][3] = { f: 'D11+242', v: 520 };
    const r = await read(rows);
    const fails = said(r, 'import.formula-fails');
    expect(fails.map((p) => [p.cell, p.problem.params?.error, p.problem.params?.kept])).toEqual([
      ['D10', '#CYCLE!', 520_000_000],
      ['D11', '#CYCLE!', 278_000_000],
    ]);
    const lines = linesByRow(r);
    // E10 reads the cycle, not on it: kept, and computed once the cycle is gone.
    expect(lines.get(10)).toMatchObject({ plan: 520_000_000, disbursed: 320_008_000, formulas: { disbursed: '=[row 10]*61.54% (trieu)' } });
    expect(lines.get(11)!.formulas.plan).toBeUndefined();
  });

  it('a formula reading a cell of another unit reads it in its own', async () => {
    const rows: Cell[][] = [
      HEAD[0],
      HEAD[1],
      ['STT', 'Nội dung', 'Đơn vị thực hiện', 'Kế hoạch vốn (đồng)', 'Giải ngân'],
      ['1', 'Dự án 2: Đa dạng hóa sinh kế', 'Phòng NN', 5_436_000_000, { f: 'D4/2000000', v: 2718 }],
    ];
    const r = await read(rows);
    expect(linesByRow(r).get(4)).toMatchObject({ plan: 5_436_000_000, disbursed: 2_718_000_000, formulas: { disbursed: '=[row 4]*1000000/2000000 (trieu)' } });
    expect(said(r, 'import.formula-differs')).toEqual([]);
  });
});

describe('a formula whose saved value is finer than a đồng', () => {
  it('is kept, its value rounded once to the đồng, and the cell is no longer marked unreadable', async () => {
    const rows: Cell[][] = [
      HEAD[0],
      [],
      ['STT', 'Nội dung', 'Đơn vị thực hiện', 'Kế hoạch vốn (đồng)', 'Giải ngân (đồng)'],
      ['1', 'Dự án 2: Đa dạng hóa sinh kế', 'Phòng NN', 1000, { f: 'D4/3', v: 1000 / 3 }],
      ['2', 'Dự án 5: Hỗ trợ nhà ở', 'Phòng LĐ', 1000, 1000 / 3],
    ];
    const r = await read(rows);
    const lines = linesByRow(r);
    expect(lines.get(4)).toMatchObject({ disbursed: 333, formulas: { disbursed: '=[row 4]/3 (dong)' } });
    expect(r.result.lines.find((l) => l.row === 4)!.invalid).toEqual([]);
    // The same value typed without a formula stays unreadable, and said.
    expect(r.result.lines.find((l) => l.row === 5)!.invalid).toEqual(['disbursed']);
    expect(r.result.problems.filter((p) => p.problem.code === 'amount.too-precise').map((p) => p.cell)).toEqual(['E5']);
    expect(said(r, 'import.formula-differs')).toEqual([]);
  });
});

describe('the formulas of a file the app exported', () => {
  it('come back as the lines’ formulas, without the rounding the export adds, to the same values', async () => {
    const data = demoWithFormulas();
    const bytes = await writeTableXlsx(planTable(planViewOf(data)));
    const r = value(await readImport(bytes, 'plan.xlsx', { workbookId: data.workbook.id, year: data.workbook.year, nodes: data.nodes }));
    const da3 = data.nodes.find((n) => n.code === 'DA3.TDA1')!;
    const line = r.result.lines.find((l) => l.line.label === 'Đối ứng 10 % của DA3.TDA1')!;
    expect(line.line.formulas?.plan).toEqual({ text: `=[#item:${da3.id}]*10%`, unit: 'trieu' });
    expect(line.line.plan).toBe(239_800_000);
    // The workbook's column formula for expected rates arrives on each line it reached.
    const rated = r.result.lines.filter((l) => l.line.formulas?.expectedRate);
    expect(rated.length).toBe(data.lines.length - 1);
    for (const l of rated) expect(l.line.formulas!.expectedRate!.text).toBe(`=MIN(100%, [#line:${l.line.id}].disbursed/[#line:${l.line.id}] + 25%)`);
    expect(said(r, 'import.formula-differs')).toEqual([]);
  });

  it('imported into the workbook they came from, the formulas read the workbook’s lines they landed in', () => {
    const data = demoWithFormulas();
    const [a, b] = data.lines;
    const incomingA: Line = { ...a, id: 'in-a', plan: 1_000_000, formulas: undefined };
    const incomingB: Line = { ...b, id: 'in-b', formulas: { plan: { text: '=[#line:in-a]*2', unit: 'dong' } } };
    const target = {
      workbook: data.workbook,
      nodes: data.nodes,
      lines: data.lines.map((l) => (l.id === a.id ? { ...l, formulas: { plan: { text: '=5', unit: 'dong' as const } } } : l)),
    };
    const out = importChange(target, { nodes: [], lines: [incomingA, incomingB].map((line) => ({ line, invalid: [] })) });
    const after = new Map((out.change.lines ?? []).map((c) => [c.after!.id, c.after!]));
    // The file gives line A a value: the formula it had is not computed over it.
    expect(after.get(a.id)!.formulas).toBeUndefined();
    expect(after.get(a.id)!.plan).toBe(1_000_000);
    expect(after.get(b.id)!.formulas).toEqual({ plan: { text: `=[#line:${a.id}]*2`, unit: 'dong' } });
    const lines = data.lines.map((l) => after.get(l.id) ?? l);
    expect(computeWorkbookFormulas({ ...data, lines }).data.lines.find((l) => l.id === b.id)!.plan).toBe(2_000_000);
  });
});

describe('formulas of an .xls', () => {
  /** An .xls (BIFF8) whose sheet holds 10 and 20, with B2 a formula =A1*2 saved with its value 20. */
  function xlsWithFormula(): Uint8Array {
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([[10], [20]]), 'Biểu 01');
    const cfb = XLSX.CFB.read(XLSX.write(wb, { type: 'buffer', bookType: 'biff8' }), { type: 'buffer' });
    const stream = Buffer.from(XLSX.CFB.find(cfb, 'Workbook')!.content as Uint8Array);
    // FORMULA: row 1, column 1, format 0, the saved number 20, flags, cache, then =A1*2 compiled (ptgRef A1, ptgInt 2, ptgMul).
    const rgce = Buffer.from([0x24, 0, 0, 0, 0xc0, 0x1e, 2, 0, 0x05]);
    const body = Buffer.alloc(20 + 2 + rgce.length);
    body.writeUInt16LE(1, 0);
    body.writeUInt16LE(1, 2);
    body.writeDoubleLE(20, 6);
    body.writeUInt16LE(rgce.length, 20);
    rgce.copy(body, 22);
    const head = Buffer.alloc(4);
    head.writeUInt16LE(0x0006, 0);
    head.writeUInt16LE(body.length, 2);
    // Before the sheet's own end (the stream's last record).
    const withFormula = Buffer.concat([stream.subarray(0, stream.length - 4), head, body, stream.subarray(stream.length - 4)]);
    XLSX.CFB.utils.cfb_add(cfb, '/Workbook', withFormula);
    return new Uint8Array(XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer);
  }

  it('reads the value an .xls formula saved, and says the formula is not kept, with how to keep it', async () => {
    const r = await readWorkbook(xlsWithFormula(), 'bieu.xls');
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value.sheets[0].rows[1][1]).toBe(20);
    const said = r.value.notes.filter((n) => n.problem.code === 'import.formulas-as-values');
    expect(said.map((n) => n.problem.params)).toEqual([{ sheet: 'Biểu 01', count: 1 }]);
    expect(describeProblem(said[0].problem, 'vi')).toContain('1 ô công thức được đọc theo giá trị đã lưu');
  });
});

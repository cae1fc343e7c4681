import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { demoWithFormulas } from '../fixtures/demo-formulas';
import { planTable, planViewOf } from '../../src/io/export-plan';
import { writeTableXlsx } from '../../src/io/export-xlsx';
import { FIRST_DATA_ROW } from '../../src/io/export-table';

describe('formulas in the .xlsx export', () => {
  it('computes the demo’s formulas exactly', () => {
    const data = demoWithFormulas();
    const line = data.lines.find((l) => l.id === 'formula-line')!;
    expect(line.plan).toBe(239_800_000); // 10 % of 2 398 triệu
    // 77,04 / 566 + 25 % = 38,61 % (hundredths of a percent, half away from zero)
    expect(data.lines.find((l) => l.unit === 'Trung tâm Y tế huyện')!.expectedRate).toBe(38.61);
    expect(data.lines[3].expectedRate).toBe(buildDemoWorkbook(0).lines[3].expectedRate);
  });

  it('writes them as spreadsheet formulas over the exported cells, with the values cached', async () => {
    const data = demoWithFormulas();
    const view = planViewOf(data);
    const table = planTable(view);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await writeTableXlsx(table)).buffer as ArrayBuffer);
    const sheet = wb.worksheets[0];
    const i = table.rows.findIndex((r) => r.cells[1] === 'Đối ứng 10 % của DA3.TDA1');
    const cell = sheet.getCell(FIRST_DATA_ROW + i, 7);
    const da3Row = table.rows.findIndex((r) => r.cells[0] === 'DA3.TDA1');
    expect(cell.formula).toBe(`ROUND(G${FIRST_DATA_ROW + da3Row}*10%,6)`);
    expect(cell.result).toBe(239.8);
    const rate = sheet.getCell(FIRST_DATA_ROW + table.rows.findIndex((r) => r.cells[2] === 'Trung tâm Y tế huyện'), 11);
    expect(rate.formula).toMatch(/^ROUND\(MIN\(100%, H\d+\/G\d+ \+ 25%\),4\)$/);
    expect(rate.result).toBeCloseTo(0.3861, 10);
  });

  it('converts units where the sheet is written in another unit than the formula was typed in', async () => {
    const data = demoWithFormulas();
    const table = planTable(planViewOf(data), { unit: 'dong', locale: 'vi', lang: 'vi' });
    const i = table.rows.findIndex((r) => r.cells[1] === 'Đối ứng 10 % của DA3.TDA1');
    const cell = table.rows[i].cells[6];
    expect(cell).toMatchObject({ amount: 239_800_000 });
    expect(cell && typeof cell === 'object' && 'formula' in cell && cell.formula).toMatch(/^ROUND\(\(\(G\d+\*1E-6\)\*10%\)\*1E6,0\)$/);
  });
});

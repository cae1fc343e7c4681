// A real spreadsheet application reads and writes our files (run by `npm run check:libreoffice`):
// 1. LibreOffice Calc opens the demo exported as .xlsx, recalculates every formula and saves it as
//    CSV: its parent and total rows equal the engine's figures to the đồng. A copy whose cached
//    values are all wrong proves the figures come from LibreOffice's own recalculation.
// 2. A note on a cell, exported as an .xlsx comment, is read by LibreOffice as that cell's comment.
// 3. The demo with line formulas and a column formula, exported: LibreOffice recalculates every
//    formula cell to the value the app computed, to the đồng (and to the hundredth of a percent).
// 4. LibreOffice turns a Vietnamese-layout CSV (vi-VN numbers) into an .xlsx, kept as an import
//    fixture (tests/fixtures/import/libreoffice-vi-layout.xlsx); its numbers are numbers.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { planTable, planViewOf, type PlanView } from '../../src/io/export-plan';
import { writeTableXlsx } from '../../src/io/export-xlsx';
import { FIRST_DATA_ROW, type Table } from '../../src/io/export-table';
import { demoWithFormulas } from '../fixtures/demo-formulas';

const SOFFICE = process.env.SOFFICE_PATH || 'soffice';
const SOURCE_CSV = 'tests/fixtures/import/libreoffice-vi-layout.csv';
const FIXTURE_XLSX = 'tests/fixtures/import/libreoffice-vi-layout.xlsx';
let work: string;
let profile: string;

/** Runs soffice headless with a profile of its own that recalculates every file it loads. */
function soffice(...args: string[]): void {
  execFileSync(SOFFICE, [`-env:UserInstallation=${pathToFileURL(profile).href}`, '--headless', '--norestore', ...args], { cwd: work, stdio: 'pipe', timeout: 180_000 });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pb-libreoffice-'));
  profile = join(work, 'profile');
  mkdirSync(join(profile, 'user'), { recursive: true });
  // "Recalculation on file load: always" for Excel and ODF files; by default LibreOffice trusts
  // the cached values of an .xlsx, which would make this check prove nothing.
  writeFileSync(
    join(profile, 'user', 'registrymodifications.xcu'),
    `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`,
  );
});

/** The .xlsx converted by LibreOffice to CSV (comma, UTF-8, raw values rather than as shown). */
function libreOfficeCsv(name: string, bytes: Uint8Array): string[][] {
  writeFileSync(join(work, `${name}.xlsx`), bytes);
  soffice('--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false', '--outdir', work, `${name}.xlsx`);
  const text = readFileSync(join(work, `${name}.csv`), 'utf8');
  return Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter: ',' }).data;
}

const SUMMED = { plan: 6, disbursed: 7, projected: 11, unspent: 12, requiredLocal: 13 } as const;

/** Rows of the plan table that hold formulas (parents and the total), with the roll-up index of each. */
function parentRows(view: PlanView, table: Table): [number, number][] {
  const out: [number, number][] = [];
  let k = 0;
  table.rows.forEach((r, i) => {
    if (r.kind === 'parent') out.push([i, k++]);
    if (r.kind === 'total') out.push([i, view.rollup.nodeCount]);
  });
  return out;
}

/** The same sheet with every cached formula value wrong: only recalculation gives the figures. */
function withWrongCache(table: Table): Table {
  return {
    ...table,
    rows: table.rows.map((r) => ({
      ...r,
      cells: r.cells.map((c) =>
        c && typeof c === 'object' && 'formula' in c ? { ...c, amount: c.amount === undefined ? undefined : 1, percent: c.percent === undefined ? undefined : 1 } : c,
      ),
    })),
  };
}

describe('LibreOffice Calc', () => {
  it('recalculates the exported demo to the engine’s totals, cached values or not', async () => {
    const view = planViewOf(buildDemoWorkbook());
    const table = planTable(view);
    // The same sheet with every cached formula value wrong: only recalculation gives the totals.
    const stale = withWrongCache(table);
    for (const [name, t] of [
      ['demo', table],
      ['stale', stale],
    ] as const) {
      const rows = libreOfficeCsv(name, await writeTableXlsx(t));
      for (const [i, k] of parentRows(view, table)) {
        const row = rows[FIRST_DATA_ROW - 1 + i];
        for (const [key, col] of Object.entries(SUMMED)) {
          const value = Number(row[col]);
          expect(Number.isFinite(value), `${name} row ${i} ${key}: "${row[col]}"`).toBe(true);
          expect(Math.round(value * 1e6), `${name} row ${i} ${key}`).toBe(view.rollup[key as keyof typeof SUMMED][k]);
        }
      }
      const total = rows[FIRST_DATA_ROW - 1 + table.rows.length - 1];
      expect(total[1]).toBe('Tổng cộng chương trình');
      expect(Math.round(Number(total[6]) * 1e6)).toBe(13_819_000_000);
      // LibreOffice writes a percentage's raw value with its % sign ("26.8401476228381%").
      expect(total[9]).toMatch(/%$/);
      expect(parseFloat(total[9])).toBeCloseTo((3_709.04 / 13_819) * 100, 10);
      expect(Number(total[15])).toBe(427);
    }
  });

  it('recalculates the formulas of lines to the values the app computed', async () => {
    const view = planViewOf(demoWithFormulas());
    const table = planTable(view);
    // Every cached value wrong: only LibreOffice's own recalculation can give the app's figures.
    const stale = withWrongCache(table);
    const rows = libreOfficeCsv('formulas', await writeTableXlsx(stale));
    let checked = 0;
    table.rows.forEach((r, i) => {
      if (r.kind !== 'line') return;
      r.cells.forEach((c, col) => {
        if (!c || typeof c !== 'object' || !('formula' in c)) return;
        const text = rows[FIRST_DATA_ROW - 1 + i][col];
        if (c.amount !== undefined) expect(Math.round(Number(text) * 1e6), `row ${i} col ${col}: ${c.formula}`).toBe(c.amount);
        else expect(Math.round(parseFloat(text) * 100) / 100, `row ${i} col ${col}: ${c.formula}`).toBe(c.percent);
        checked++;
      });
    });
    // The line reading DA3.TDA1, and the expected rate of every line but the one typed over.
    expect(checked).toBe(1 + view.lines.length - 1);
  });

  it('reads a note exported on a cell as that cell’s comment', async () => {
    const demo = buildDemoWorkbook();
    const data = { ...demo, lines: demo.lines.map((l) => (l.label.startsWith('Tập huấn 217') ? { ...l, notes: { plan: 'Theo QĐ 123/QĐ-UBND ngày 05/9' } } : l)) };
    const table = planTable(planViewOf(data));
    writeFileSync(join(work, 'noted.xlsx'), await writeTableXlsx(table));
    soffice('--convert-to', 'fods', '--outdir', work, 'noted.xlsx');
    const flat = readFileSync(join(work, 'noted.fods'), 'utf8');
    // The comment sits in the plan cell of the line's row (the row holding its description).
    const row = flat.split('<table:table-row').find((r) => r.includes('Tập huấn 217 người'))!;
    expect(row).toContain('<office:annotation');
    expect(row).toContain('Theo QĐ 123/QĐ-UBND ngày 05/9');
    const cells = row.split('<table:table-cell');
    const at = cells.findIndex((c) => c.includes('<office:annotation'));
    // Cells before it (repeated empty cells count as many): the plan is the 7th column.
    const before = cells.slice(1, at).reduce((n, c) => n + Number(/table:number-columns-repeated="(\d+)"/.exec(c.slice(0, 200))?.[1] ?? 1), 0);
    expect(before + 1).toBe(7);
  });

  it('turns a Vietnamese-layout CSV into an .xlsx whose vi-VN numbers are numbers (kept as an import fixture)', async () => {
    copyFileSync(SOURCE_CSV, join(work, 'libreoffice-vi-layout.csv'));
    // Semicolons, double quotes, UTF-8, from line 1, standard cells, language vi-VN (1066).
    soffice('--infilter=Text - txt - csv (StarCalc):59,34,76,1,,1066', '--convert-to', 'xlsx', '--outdir', work, 'libreoffice-vi-layout.csv');
    const produced = join(work, 'libreoffice-vi-layout.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(produced);
    const ws = wb.worksheets[0];
    const at = (ref: string) => ws.getCell(ref).value;
    expect(at('A1')).toBe('UBND HUYỆN CAO LỘC');
    expect(at('I4')).toBe('ĐVT: triệu đồng');
    expect([at('D5'), at('D6'), at('E6')]).toEqual(['Kế hoạch vốn năm 2023', 'NSTW', 'NSĐP']);
    expect([at('B7'), at('D7'), at('E7'), at('F7')]).toEqual(['TỔNG CỘNG', 13_164, 228, 3_168]);
    expect(at('G7')).toBeCloseTo(0.2366, 12);
    expect(ws.getCell('G7').numFmt).toContain('%');
    expect([at('A11'), at('C11'), at('D11'), at('E11'), at('F11')]).toEqual([2, 'Trung tâm Y tế huyện', 566, '-', 77.04]);
    expect([at('B19'), at('D19'), at('F19'), at('H19')]).toEqual(['Tiểu dự án 2: Giám sát, đánh giá', 278, 122, 0.9]);
    expect(at('I10')).toBe('Khoảng 474 hộ; vốn 2022');
    if (!existsSync(FIXTURE_XLSX) || process.env.UPDATE_FIXTURES) copyFileSync(produced, FIXTURE_XLSX);
  });
});

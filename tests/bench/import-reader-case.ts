// One reading of the reader benchmark, in a process of its own: tests/bench/import-reader.bench-run.ts
// builds this for Node and runs it once per reading. Reads a workbook into the import's rows with
// the reader named: "exceljs" (the reader the import used before SheetJS, exceljs plus the
// conversion it had, as it was), "sheetjs" (readWorkbook with SheetJS alone, checks included) or
// "fast" (the import's readSheets as it is now: the fast reader for an .xlsx, checks included).
// Prints one line of JSON: the time, the process's peak resident memory over its life (Linux's
// VmHWM: the rusage maxRSS a spawned process reports is its parent's when that was larger), its
// resident memory before the reading, the rows and cells read, and when its progress passed the
// check (300 of 1000) and, for SheetJS, its own parse (700): the steps' times.

import { readFileSync } from 'node:fs';
import type { CellValue } from '../../src/io/import-types';
import { readSheets } from '../../src/io/sheet';
import { readWorkbook } from '../../src/io/workbook-read';

const [reader, path] = process.argv.slice(2);
const bytes = new Uint8Array(readFileSync(path));

type ExcelModule = typeof import('exceljs');

/** The cell values the import's exceljs reader gave (its readValue, as it was). */
function excelValue(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) return o.result === undefined ? null : excelValue(o.result);
    if (Array.isArray(o.richText)) return (o.richText as { text?: string }[]).map((t) => t.text ?? '').join('') || null;
    if ('text' in o) return excelValue(o.text);
    if (typeof o.error === 'string') return o.error;
  }
  return String(v);
}

/** Every worksheet's rows, as the import's exceljs reader built them. */
async function readWithExcel(excel: ExcelModule): Promise<CellValue[][][]> {
  const wb = new excel.Workbook();
  await wb.xlsx.load(bytes as unknown as import('exceljs').Buffer);
  return wb.worksheets.map((ws) => {
    const rows: CellValue[][] = [];
    for (let r = 1; r <= ws.rowCount; r++) {
      const cells: CellValue[] = [];
      ws.findRow(r)?.eachCell({ includeEmpty: false }, (cell, c) => {
        // A cell a merge covers (exceljs's ValueType.Merge) shows its master's value: skipped.
        if ((cell.type as number) === 1) return;
        const v = excelValue(cell.value);
        if (v !== null) cells[c - 1] = v;
      });
      for (let c = 0; c < cells.length; c++) if (cells[c] === undefined) cells[c] = null;
      rows.push(cells);
    }
    return rows;
  });
}

// Loaded before the clock starts, as in a worker that has read a workbook before.
const excel = reader === 'exceljs' ? (((await import('exceljs')) as ExcelModule & { default?: ExcelModule }).default ?? (await import('exceljs'))) : null;
if (reader === 'sheetjs') await import('@e965/xlsx');
const startMiB = process.memoryUsage.rss() / 2 ** 20;
const start = performance.now();
let sheets: CellValue[][][];
const steps: number[] = [];
if (excel) sheets = await readWithExcel(excel);
else {
  const marks = reader === 'sheetjs' ? [300, 700] : [300];
  const onProgress = (done: number) => {
    while (steps.length < marks.length && done >= marks[steps.length]) steps.push(performance.now() - start);
  };
  const read = reader === 'sheetjs' ? await readWorkbook(bytes, path, { onProgress, xlsxReader: 'sheetjs' }) : await readSheets(bytes, path, { onProgress });
  if (!read.ok) throw new Error(read.error.code);
  sheets = read.value.sheets.map((s) => s.rows);
}
const ms = performance.now() - start;
let cells = 0;
for (const rows of sheets) for (const row of rows) if (row) for (const v of row) if (v !== null) cells++;
const rows = sheets.reduce((n, s) => n + s.length, 0);
/** The peak resident memory of this process image, MiB. */
function peakMiB(): number {
  try {
    const hwm = /VmHWM:\s*(\d+)\s*kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // Not Linux: rusage, right when this process outgrew its parent.
  }
  return process.resourceUsage().maxRSS / 1024;
}
const [checkMs, parsedMs] = steps;
// The fast reader has no parse of its own apart from the rows: its phases are the check and the rows.
const phases =
  steps.length === 2 ? { checkMs, parseMs: parsedMs - checkMs, rowsMs: ms - parsedMs } : steps.length === 1 ? { checkMs, parseMs: null, rowsMs: ms - checkMs } : null;
process.stdout.write(JSON.stringify({ ms, maxRssMiB: peakMiB(), startMiB, rows, cells, phases }) + '\n');

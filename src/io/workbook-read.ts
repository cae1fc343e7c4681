// Workbook files (.xlsx/.xlsm, .xls, .ods) → sheets in memory, once workbook-guard.ts has checked
// the file. An .xlsx is read by the fast reader (xlsx-read.ts) from the parts the check unpacked,
// and by SheetJS when that reader is not sure of the file; .xls and .ods always by SheetJS. Both
// give the same sheets (tested on every .xlsx fixture). SheetJS is loaded only when it reads (it is
// large; a CSV or a plain .xlsx import never loads it), reads in dense mode (no object per empty
// cell, no row arrays for empty rows) and without formulas, styles or formatted text, none of which
// the import uses. Each cell becomes a CellValue: a formula's saved value is its value (0
// included), a date becomes yyyy-mm-dd, a boolean TRUE/FALSE, an error its text (#N/A). A formula
// saved without a value is computed from the workbook (formula-eval.ts) when it is plain
// arithmetic, and left blank with a warning otherwise. An .xlsx's formula texts, from the check's
// scan, go with the sheet for the import to keep where they map onto its lines (import-formulas.ts).
// What SheetJS reports in its own words never reaches a problem.

import type { Result } from '../domain/model';
import { fail, ok } from '../domain/model';
import { computeFormulas, type PendingFormula } from './formula-eval';
import type { CellRange, CellValue, ImportProblem, ProgressOptions, Sheet } from './import-types';
import { MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, cellKey, cellProblem, cellTooLong, fileProblem, yieldToEventLoop } from './import-types';
import { ERRORS, blankCovered, serialToIsoDay, showsPercent, trimEnd } from './workbook-cells';
import type { SheetFacts } from './workbook-facts';
import { checkWorkbook, type CheckedWorkbook, type WorkbookKind } from './workbook-guard';
import { readXlsx } from './xlsx-read';

type SheetJS = typeof import('@e965/xlsx');
type WorkSheet = import('@e965/xlsx').WorkSheet;
type CellObject = import('@e965/xlsx').CellObject;

let codePagesLoaded = false;

/** SheetJS, loaded on first use; with the Windows code pages a pre-97 .xls needs (loaded only then). */
async function loadSheetJS(codePages: boolean): Promise<SheetJS> {
  const xlsx = await import('@e965/xlsx');
  if (codePages && !codePagesLoaded) {
    xlsx.set_cptable(await import('@e965/xlsx/dist/cpexcel.full.mjs'));
    codePagesLoaded = true;
  }
  return xlsx;
}

/** How SheetJS reads: values and number formats only, one array per row with a value. */
const READ_OPTIONS = {
  type: 'array',
  dense: true,
  cellFormula: false,
  cellHTML: false,
  cellText: false,
  cellNF: true,
  cellStyles: false,
  cellDates: false,
  sheetStubs: false,
  bookVBA: false,
  WTF: false,
} as const;

/** Runs f with the console silent: SheetJS logs its doubts about a file (in its own words) there. */
function quietly<T>(f: () => T): T {
  const c = console;
  const saved = [c.error, c.warn, c.log, c.info, c.debug];
  const mute = () => undefined;
  c.error = c.warn = c.log = c.info = c.debug = mute;
  try {
    return f();
  } finally {
    [c.error, c.warn, c.log, c.info, c.debug] = saved;
  }
}

/** Number formats decided once each: a workbook has a few, used by many cells. */
class Formats {
  private readonly dates = new Map<string, boolean>();
  private readonly percents = new Map<string, boolean>();
  constructor(private readonly xlsx: SheetJS) {}

  isDate(z: string): boolean {
    let v = this.dates.get(z);
    if (v === undefined) this.dates.set(z, (v = z !== 'General' && this.xlsx.SSF.is_date(z) === true));
    return v;
  }

  isPercent(z: string): boolean {
    let v = this.percents.get(z);
    if (v === undefined) this.percents.set(z, (v = showsPercent(z)));
    return v;
  }
}

/** A SheetJS cell as a CellValue (undefined for none). */
function cellValue(cell: CellObject, formats: Formats, date1904: boolean): CellValue | undefined {
  const v = cell.v;
  switch (cell.t) {
    case 'n':
      if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
      return typeof cell.z === 'string' && formats.isDate(cell.z) ? (serialToIsoDay(v, date1904) ?? undefined) : v;
    case 's':
      return typeof v === 'string' && v !== '' ? v : undefined;
    case 'b':
      return v ? 'TRUE' : 'FALSE';
    case 'e':
      return ERRORS[v as number] ?? '#N/A';
    case 'd':
      return v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : undefined;
    default:
      return undefined;
  }
}

interface Reading {
  sheets: Sheet[];
  notes: ImportProblem[];
}

/** Keeps every 5 000 rows: reports progress and answers a cancel. */
const ROWS_PER_STEP = 5000;

/** The sheet SheetJS read, as a Sheet; a problem when it holds a cell past Excel's grid or
 * overlapping merged ranges (which no spreadsheet writes). */
async function toSheet(
  ws: WorkSheet,
  name: string,
  ctx: { file: string; formats: Formats; date1904: boolean; codePages: boolean; notes: ImportProblem[]; step: () => Promise<boolean> },
): Promise<Result<Sheet>> {
  const data = (ws['!data'] ?? []) as (CellObject | undefined)[][];
  if (data.length > MAX_ROWS) return fail('import.too-many-rows', { limit: MAX_ROWS });
  // A row with no value stays a hole: a sheet with one cell at row 1 048 576 makes one row array.
  const rows: CellValue[][] = [];
  const percentCells = new Set<number>();
  let seen = 0;
  for (let r = 0; r < data.length; r++) {
    const src = data[r];
    if (!src) continue;
    if (++seen % ROWS_PER_STEP === 0 && !(await ctx.step())) return fail('import.cancelled');
    if (src.length > MAX_COLUMNS) return fail('import.too-many-columns', { limit: MAX_COLUMNS });
    let out: CellValue[] | null = null;
    for (let c = 0; c < src.length; c++) {
      const cell = src[c];
      if (!cell) continue;
      let v = cellValue(cell, ctx.formats, ctx.date1904);
      if (v === undefined) continue;
      // Windows-1258 writes a tone mark after its letter: composed, as a CSV in that code page is.
      if (ctx.codePages && typeof v === 'string') v = v.normalize('NFC');
      if (typeof v === 'string' && v.length > MAX_CELL_CHARS) {
        ctx.notes.push(cellTooLong(name, r, c, v.length));
        v = v.slice(0, MAX_CELL_CHARS);
      }
      if (typeof v === 'number' && typeof cell.z === 'string' && ctx.formats.isPercent(cell.z)) percentCells.add(cellKey(r, c));
      out ??= [];
      out[c] = v;
    }
    if (out) rows[r] = fillBlanks(out);
  }
  const merges: CellRange[] = (ws['!merges'] ?? []).map((m) => ({ top: m.s.r, left: m.s.c, bottom: m.e.r, right: m.e.c }));
  if (!blankCovered(rows, merges)) return fail('import.xlsx-damaged', { file: ctx.file });
  trimEnd(rows);
  const sheet: Sheet = { name, rows, merges };
  if (percentCells.size > 0) sheet.percentCells = percentCells;
  return ok(sheet);
}

/** A row's holes as explicit blanks (up to its last value). */
function fillBlanks(row: CellValue[]): CellValue[] {
  for (let c = 0; c < row.length; c++) if (row[c] === undefined) row[c] = null;
  return row;
}

/** Ranges of rows or columns as a set, kept to those below `limit`. */
function rangeSet(ranges: [number, number][], limit: number): Set<number> {
  const out = new Set<number>();
  for (const [from, to] of ranges) for (let i = from; i <= Math.min(to, limit - 1); i++) out.add(i);
  return out;
}

/** Percentages the scan found (an .ods cell styled by its column) onto the sheet's numbers. */
function markPercents(sheet: Sheet, facts: SheetFacts | undefined): void {
  for (const [top, left, rows, cols] of facts?.percentCells ?? []) {
    for (let r = top; r < Math.min(top + rows, sheet.rows.length); r++) {
      const row = sheet.rows[r];
      for (let c = left; row && c < Math.min(left + cols, row.length); c++) {
        if (typeof row[c] === 'number') (sheet.percentCells ??= new Set()).add(cellKey(r, c));
      }
    }
  }
}

/** Hidden rows, columns and sheet onto the sheet, those outside its cells left out. */
function markHidden(sheet: Sheet, facts: SheetFacts | undefined, hidden: boolean): void {
  const width = sheet.rows.reduce((w, r) => Math.max(w, r.length), 0);
  const rows = rangeSet(facts?.hiddenRows ?? [], sheet.rows.length);
  const columns = rangeSet(facts?.hiddenColumns ?? [], width);
  if (rows.size > 0) sheet.hiddenRows = rows;
  if (columns.size > 0) sheet.hiddenColumns = columns;
  if (hidden) sheet.hidden = true;
}

/** Computes the formulas saved without a value; writes those computed, warns about the others. */
function settleFormulas(sheets: Sheet[], facts: (SheetFacts | undefined)[], notes: ImportProblem[]): void {
  const pending: PendingFormula[] = [];
  sheets.forEach((s, i) => {
    for (const f of facts[i]?.formulas ?? []) {
      // SheetJS may have put something in the cell (an empty text, FALSE): the formula is what it holds.
      const row = s.rows[f.row];
      if (row && f.col < row.length) row[f.col] = null;
      pending.push({ sheet: i, row: f.row, col: f.col, formula: f.formula });
    }
  });
  if (pending.length === 0) return;
  const values = computeFormulas(sheets, pending);
  const computed = sheets.map(() => 0);
  pending.forEach((p, i) => {
    const sheet = sheets[p.sheet];
    const v = values[i];
    if (v === null) {
      notes.push(cellProblem(sheet.name, p.row, p.col, null, { code: 'import.formula-no-result', params: { formula: p.formula } }, 'warning'));
      return;
    }
    const row = (sheet.rows[p.row] ??= []);
    for (let c = row.length; c < p.col; c++) row[c] = null;
    row[p.col] = v;
    computed[p.sheet]++;
  });
  sheets.forEach((s, i) => {
    trimEnd(s.rows);
    if (computed[i] > 0) notes.push(fileProblem({ code: 'import.formulas-computed', params: { sheet: s.name, count: computed[i] } }, 'warning', s.name));
  });
}

/** The text of each formula whose cell holds a value (saved, or computed by settleFormulas) onto
 * the sheet, for the import to keep as a formula where it maps onto its lines. */
function keepFormulaTexts(sheet: Sheet, facts: SheetFacts | undefined): void {
  const texts = new Map<number, string>();
  for (const f of [...(facts?.valued ?? []), ...(facts?.formulas ?? [])]) {
    const v = sheet.rows[f.row]?.[f.col];
    if (v !== null && v !== undefined && f.formula) texts.set(cellKey(f.row, f.col), f.formula);
  }
  if (texts.size > 0) sheet.formulas = texts;
}

/** Which reader reads an .xlsx: the fast reader, SheetJS when it is not sure (the default); or
 * SheetJS alone (to compare the two). */
export type XlsxReader = 'fast' | 'sheetjs';

/** The sheets read, before formulas without a value are computed and hidden rows marked. */
interface Gathered {
  sheets: Sheet[];
  facts: (SheetFacts | undefined)[];
  hidden: boolean[];
  notes: ImportProblem[];
}

type Report = (from: number, share: number) => (done: number, total: number) => void;

/**
 * Every worksheet of a workbook file (chart sheets aside), hidden ones included and marked. Fails
 * with what checkWorkbook refuses, import.encrypted, import.xlsx-damaged, import.too-many-rows,
 * import.too-many-columns or import.cancelled. Progress goes from 0 to 1000: the check, then the
 * fast reader's rows, or SheetJS's reading (one step: it cannot be interrupted) and its rows.
 */
export async function readWorkbook(
  bytes: Uint8Array,
  file: string,
  opts: ProgressOptions & { xlsxReader?: XlsxReader } = {},
): Promise<Result<Reading & { kind: WorkbookKind }>> {
  const report: Report = (from, share) => (done, total) => opts.onProgress?.(from + Math.floor((share * Math.min(done, total)) / Math.max(total, 1)), 1000);
  opts.onProgress?.(0, 1000);
  const checked = await checkWorkbook(bytes, file, { signal: opts.signal, onProgress: report(0, 300) });
  if (!checked.ok) return checked;
  opts.onProgress?.(300, 1000);
  if (opts.signal?.aborted) return fail('import.cancelled');
  let read = await readFast(checked.value, file, opts.xlsxReader ?? 'fast', { signal: opts.signal, onProgress: report(300, 700) });
  read ??= await readWithSheetJS(checked.value, file, opts, report);
  if (!read.ok) return read;
  const { sheets, facts, hidden, notes } = read.value;
  if (sheets.length === 0) return fail('import.xlsx-damaged', { file });
  settleFormulas(sheets, facts, notes);
  sheets.forEach((s, i) => {
    const asValues = facts[i]?.formulasAsValues ?? 0;
    if (asValues > 0) notes.push(fileProblem({ code: 'import.formulas-as-values', params: { sheet: s.name, count: asValues } }, 'warning', s.name));
    keepFormulaTexts(s, facts[i]);
    markPercents(s, facts[i]);
    markHidden(s, facts[i], hidden[i]);
  });
  opts.onProgress?.(1000, 1000);
  return ok({ kind: checked.value.kind, sheets, notes });
}

/** An .xlsx by the fast reader; null for another kind, or when it leaves the file to SheetJS. */
async function readFast(checked: CheckedWorkbook, file: string, reader: XlsxReader, opts: ProgressOptions): Promise<Result<Gathered> | null> {
  const parts = checked.parts;
  // The parts' texts are not needed past here (SheetJS reads the bytes): nothing keeps them.
  checked.parts = undefined;
  if (!parts || reader === 'sheetjs') return null;
  const read = await readXlsx(parts, file, opts);
  if (read === null || !read.ok) return read;
  // Every sheet is a worksheet (the fast reader leaves chart sheets to SheetJS): the facts line up.
  const facts = read.value.sheets.map((_, i) => checked.sheets[i]);
  const hidden = read.value.hidden.map((h, i) => facts[i]?.hidden ?? h);
  return ok({ sheets: read.value.sheets, facts, hidden, notes: read.value.notes });
}

/** A workbook by SheetJS. */
async function readWithSheetJS(checked: CheckedWorkbook, file: string, opts: ProgressOptions, report: Report): Promise<Result<Gathered>> {
  let xlsx: SheetJS;
  try {
    xlsx = await loadSheetJS(checked.codePages);
  } catch {
    // The code could not be fetched (a browser offline before the app was cached): not the file's fault.
    return fail('import.worker-failed');
  }
  const read = parse(xlsx, checked, file);
  if (!read.ok) return read;
  opts.onProgress?.(700, 1000);
  const { workbook, facts } = read.value;
  const formats = new Formats(xlsx);
  const date1904 = workbook.Workbook?.WBProps?.date1904 === true;
  const totalRows = workbook.SheetNames.reduce((n, name) => n + ((workbook.Sheets[name]?.['!data'] as unknown[] | undefined)?.length ?? 0), 0);
  let rowsDone = 0;
  const step = async () => {
    report(700, 300)((rowsDone += ROWS_PER_STEP), totalRows);
    await yieldToEventLoop();
    return !opts.signal?.aborted;
  };
  const out: Gathered = { sheets: [], facts: [], hidden: [], notes: [] };
  for (const [i, name] of workbook.SheetNames.entries()) {
    const ws = workbook.Sheets[name];
    // SheetJS drops a sheet it could not parse.
    if (!ws) return fail('import.xlsx-damaged', { file });
    if (ws['!type'] === 'chart') continue;
    const codePages = checked.codePages;
    const sheet = await toSheet(ws, codePages ? name.normalize('NFC') : name, { file, formats, date1904, codePages, notes: out.notes, step });
    if (!sheet.ok) return sheet;
    const state = workbook.Workbook?.Sheets?.find((s) => s.name === name)?.Hidden;
    out.sheets.push(sheet.value);
    out.facts.push(facts[i]);
    out.hidden.push(facts[i]?.hidden ?? (state === 1 || state === 2));
  }
  return ok(out);
}

/** SheetJS's reading of the checked bytes; a problem in the user's terms when it fails. */
function parse(xlsx: SheetJS, checked: CheckedWorkbook, file: string): Result<{ workbook: import('@e965/xlsx').WorkBook; facts: SheetFacts[] }> {
  try {
    // A fresh copy each time: SheetJS writes its own settings into the options it is given.
    const workbook = quietly(() => xlsx.read(checked.data, { ...READ_OPTIONS }));
    return ok({ workbook, facts: checked.sheets });
  } catch (e) {
    // SheetJS reports a password-protected file by saying so; anything else means the file is damaged.
    const said = e instanceof Error ? e.message : String(e);
    return fail(/password|encrypt/i.test(said) ? 'import.encrypted' : 'import.xlsx-damaged', { file });
  }
}

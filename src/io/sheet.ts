// Files → sheets in memory: CSV/TSV/TXT text (papaparse; comma, semicolon or tab found from the
// text) and .xlsx workbooks (exceljs, loaded only when an xlsx is read). Every sheet comes out in
// one form (import-types.ts: rows of text, numbers and blanks, and the merged ranges), whatever the
// file. The file's kind is read from its bytes, not trusted from its name. Never throws: a file it
// cannot read is a Problem, a doubtful reading a warning. A file larger than a spreadsheet holds
// (rows, columns, bytes) is refused, text longer than a cell holds is cut with a warning, and an
// xlsx is checked before exceljs opens it (xlsx-guard.ts).

import Papa from 'papaparse';
import type { Result } from '../domain/model';
import { fail, ok } from '../domain/model';
import { decodeText, looksLikeOle, looksLikeText, looksLikeZip } from './decode';
import type { TextEncodingName } from './decode';
import type { CellRange, CellValue, ImportProblem, ProgressOptions, Sheet } from './import-types';
import { MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, cellKey, cellProblem, fileProblem, yieldToEventLoop } from './import-types';
import { checkXlsxArchive } from './xlsx-guard';

export type Separator = ',' | ';' | '\t';

/** Everything read from one file. */
export interface SheetFile {
  kind: 'xlsx' | 'text';
  sheets: Sheet[];
  /** How a text file was decoded (null for xlsx). */
  encoding: TextEncodingName | null;
  /** The separator found in a text file (null for xlsx). */
  separator: Separator | null;
  /** Warnings about the reading (renamed file, legacy encoding, formula without a value…). */
  notes: ImportProblem[];
}

const XLSX_NAME = /\.(xlsx|xlsm|xltx|xls)$/i;
const TEXT_NAME = /\.(csv|tsv|txt|tab)$/i;
/** The largest file read: a CSV of a million lines is about 120 MB. */
export const MAX_FILE_BYTES = 128 * 2 ** 20;

/** The file name without folder and extension, as the name of a text file's one sheet. */
const baseName = (fileName: string): string =>
  fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || fileName;

/** The sheets of a file, from its bytes: an xlsx when the bytes are a zip archive, text when they
 * decode as text. Fails with import.empty-file, import.file-too-large, import.xls-unsupported,
 * import.unsupported-file, import.too-many-rows, import.too-many-columns, import.cancelled, or
 * for an xlsx import.xlsx-damaged or what checkXlsxArchive refuses. Progress counts characters of
 * text or rows of xlsx. */
export async function readSheets(
  input: Uint8Array | ArrayBuffer,
  fileName: string,
  opts: ProgressOptions = {},
): Promise<Result<SheetFile>> {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length === 0) return fail('import.empty-file', { file: fileName });
  if (bytes.length > MAX_FILE_BYTES) {
    return fail('import.file-too-large', { file: fileName, size: Math.ceil(bytes.length / 2 ** 20), limit: MAX_FILE_BYTES / 2 ** 20 });
  }
  if (opts.signal?.aborted) return fail('import.cancelled');
  if (looksLikeZip(bytes)) {
    const read = await readXlsx(bytes, opts);
    if (!read.ok) return read;
    const notes = [...read.value.notes];
    if (TEXT_NAME.test(fileName)) notes.unshift(fileProblem({ code: 'import.renamed-xlsx', params: { file: fileName } }, 'warning'));
    return ok({ kind: 'xlsx', sheets: read.value.sheets, encoding: null, separator: null, notes });
  }
  if (looksLikeOle(bytes)) return fail('import.xls-unsupported', { file: fileName });
  if (!looksLikeText(bytes)) return fail('import.unsupported-file', { file: fileName });

  const notes: ImportProblem[] = [];
  if (XLSX_NAME.test(fileName)) notes.push(fileProblem({ code: 'import.renamed-text', params: { file: fileName } }, 'warning'));
  const decoded = decodeText(bytes);
  if (decoded.encoding === 'windows-1258') notes.push(fileProblem({ code: 'import.legacy-encoding', params: { encoding: 'Windows-1258' } }, 'warning'));
  const name = baseName(fileName);
  const parsed = await parseDelimited(decoded.text, name, { ...opts, preferTab: /\.(tsv|tab)$/i.test(fileName) });
  if (!parsed.ok) return parsed;
  notes.push(...parsed.value.notes);
  return ok({ kind: 'text', sheets: [parsed.value.sheet], encoding: decoded.encoding, separator: parsed.value.separator, notes });
}

// ---------------------------------------------------------------------------------------------
// Delimited text

const SEPARATORS: readonly Separator[] = ['\t', ';', ','];
// Large enough that papaparse's own loop does the work, small enough to report progress and to
// answer a cancel within a fraction of a second.
const CHUNK_CHARS = 1 << 20;

/** One row's cells: empty text becomes null, trailing blanks are dropped, text longer than a
 * cell holds is cut (its columns and lengths pushed on `cut`). */
function toCells(fields: string[], cut?: [number, number][]): CellValue[] {
  let end = fields.length;
  while (end > 0 && fields[end - 1] === '') end--;
  const cells: CellValue[] = new Array(end);
  for (let i = 0; i < end; i++) {
    const f = fields[i];
    if (f.length > MAX_CELL_CHARS) {
      cells[i] = f.slice(0, MAX_CELL_CHARS);
      cut?.push([i, f.length]);
    } else cells[i] = f === '' ? null : f;
  }
  return cells;
}

/** The warning for a cell whose text was cut to MAX_CELL_CHARS (0-based row and column). */
const cutProblem = (sheet: string, row: number, col: number, length: number): ImportProblem =>
  cellProblem(sheet, row, col, null, { code: 'import.cell-too-long', params: { length } }, 'warning');

/** The separator that gives the most rows with the same number of fields (at least two of them
 * filled), from the first 64 KB. Title lines (one cell) do not count; empty trailing fields do,
 * since a writer gives every row of a table the same count. Ties go to tab, then semicolon, since
 * a comma also appears inside vi-VN numbers; with no separator at all, tab if `preferTab` else comma. */
export function detectSeparator(text: string, preferTab = false): Separator {
  const sample = text.length > 65536 ? text.slice(0, text.lastIndexOf('\n', 65536) + 1 || 65536) : text;
  let best: Separator | null = null;
  let bestScore = 0;
  for (const sep of SEPARATORS) {
    // The sample's last row counts even when incomplete: in a file whose first row is longer
    // than the sample, it is the only evidence.
    const rows: string[][] = new Papa.Parser({ delimiter: sep, newline: '\n' }).parse(sample, 0, false).data;
    const counts = new Map<number, number>();
    for (const r of rows) {
      if (toCells(r).length >= 2) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    }
    // Rows sharing the most common width; a table's rows all have the table's width.
    const score = Math.max(0, ...counts.values());
    if (score > bestScore) [best, bestScore] = [sep, score];
  }
  return best ?? (preferTab ? '\t' : ',');
}

/** The separators in s[from, to) outside double quotes: the fields of a row there, less one. */
function separatorsOutsideQuotes(s: string, from: number, to: number, separator: Separator): number {
  const sep = separator.charCodeAt(0);
  let n = 0;
  let quoted = false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === sep && !quoted) n++;
  }
  return n;
}

/** A sheet from delimited text (a comma, semicolon or tab, found unless given; double quotes as
 * Excel writes them). Yields to the event loop between chunks, so a worker can be cancelled.
 * Fails with import.cancelled, or import.too-many-rows / import.too-many-columns past what a
 * spreadsheet holds (blank rows at the end aside); an unclosed quote is a warning. */
export async function parseDelimited(
  text: string,
  name: string,
  opts: ProgressOptions & { separator?: Separator; preferTab?: boolean } = {},
): Promise<Result<{ sheet: Sheet; separator: Separator; notes: ImportProblem[] }>> {
  // One line break everywhere: papaparse's parser takes a single kind, and Excel on another system
  // may have mixed them (a CRLF inside a quoted cell becomes LF, as spreadsheets store it anyway).
  const s = (text.startsWith('\uFEFF') ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  const separator = opts.separator ?? detectSeparator(s, opts.preferTab);
  const rows: CellValue[][] = [];
  const notes: ImportProblem[] = [];
  // Empty rows not kept yet: only a row with a value after them keeps them, so a file of line
  // breaks costs a count, not a row each.
  let blanks = 0;
  const cut: [number, number][] = [];
  let pos = 0;
  let chunk = CHUNK_CHARS;
  while (pos < s.length) {
    if (opts.signal?.aborted) return fail('import.cancelled');
    const end = Math.min(s.length, pos + chunk);
    const last = end === s.length;
    // papaparse's Parser (what Papa.parse runs per chunk) hands back the cursor after the last
    // complete row, so a row cut by the chunk's end is read again whole with the next chunk.
    const result = new Papa.Parser({ delimiter: separator, newline: '\n' }).parse(s.slice(pos, end), 0, !last);
    const data: string[][] = result.data;
    const first = rows.length + blanks;
    for (const e of result.errors as { code: string; row: number }[]) {
      if (e.code === 'MissingQuotes' || e.code === 'InvalidQuotes') {
        notes.push(cellProblem(name, first + e.row, 0, null, { code: 'import.unclosed-quote', params: { row: first + e.row + 1 } }, 'warning'));
      }
    }
    for (const r of data) {
      const cells = toCells(r, cut);
      if (cells.length === 0) {
        blanks++;
        continue;
      }
      if (cells.length > MAX_COLUMNS) return fail('import.too-many-columns', { limit: MAX_COLUMNS });
      if (rows.length + blanks >= MAX_ROWS) return fail('import.too-many-rows', { limit: MAX_ROWS });
      for (; blanks > 0; blanks--) rows.push([]);
      for (const [c, length] of cut) notes.push(cutProblem(name, rows.length, c, length));
      cut.length = 0;
      rows.push(cells);
    }
    if (last) break;
    const consumed: number = result.meta.cursor;
    if (consumed === 0) {
      // One row longer than a chunk: read more at once, unless the part read already has more
      // fields than a sheet has columns (papaparse would build a row of millions first).
      if (separatorsOutsideQuotes(s, pos, end, separator) >= MAX_COLUMNS) return fail('import.too-many-columns', { limit: MAX_COLUMNS });
      chunk *= 2;
      continue;
    }
    pos += consumed;
    chunk = CHUNK_CHARS;
    opts.onProgress?.(pos, s.length);
    await yieldToEventLoop();
  }
  // Blank rows at the end (a final line break leaves one) are never kept.
  opts.onProgress?.(s.length, s.length);
  return ok({ sheet: { name, rows, merges: [] }, separator, notes });
}

// ---------------------------------------------------------------------------------------------
// xlsx

type ExcelModule = typeof import('exceljs');
type Worksheet = import('exceljs').Worksheet;
type ExcelCell = import('exceljs').Cell;

/** exceljs is large: load it only when an xlsx is read (a CommonJS default in Node, a UMD
 * bundle in the browser build). */
async function loadExcel(): Promise<ExcelModule> {
  const mod = (await import('exceljs')) as ExcelModule & { default?: ExcelModule };
  return mod.default ?? mod;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
/** A date cell as ISO yyyy-mm-dd (exceljs gives dates at UTC midnight of the day shown). */
const isoDay = (d: Date): string => `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;

type CellRead = { value: CellValue; noResult?: boolean };

/** A stored value (or a formula's cached result) as a CellValue. */
function readValue(v: unknown): CellRead {
  if (v === null || v === undefined) return { value: null };
  if (typeof v === 'number') return { value: Number.isFinite(v) ? v : null };
  if (typeof v === 'string') return { value: v === '' ? null : v };
  if (typeof v === 'boolean') return { value: v ? 'TRUE' : 'FALSE' };
  if (v instanceof Date) return { value: Number.isNaN(v.getTime()) ? null : isoDay(v) };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) {
      return o.result === undefined ? { value: null, noResult: true } : readValue(o.result);
    }
    if (Array.isArray(o.richText)) {
      return readValue((o.richText as { text?: string }[]).map((t) => t.text ?? '').join(''));
    }
    if ('text' in o) return readValue(o.text);
    if (typeof o.error === 'string') return { value: o.error };
  }
  return { value: String(v) };
}

/** The merged ranges of a worksheet. exceljs keeps them in `_merges`; its public `model` would
 * rebuild a model of every cell just to list them. */
function mergesOf(ws: Worksheet): CellRange[] {
  const internal = (ws as unknown as { _merges?: Record<string, { model: CellRange }> })._merges;
  const ranges = internal ? Object.values(internal).map((m) => m.model) : [];
  return ranges.map((m) => ({ top: m.top - 1, left: m.left - 1, bottom: m.bottom - 1, right: m.right - 1 }));
}

const MERGE_TYPE = 1; // exceljs ValueType.Merge: a cell covered by a merge, showing its master's value

/** Every worksheet of an xlsx. Fails with what checkXlsxArchive refuses, import.xlsx-damaged
 * (with exceljs's reason) or import.cancelled. Formulas give their cached result; a formula saved
 * without one is blank and a warning. Numbers stored as text stay text; text past a cell's limit
 * is cut, with a warning. */
export async function readXlsx(
  bytes: Uint8Array,
  opts: ProgressOptions = {},
): Promise<Result<{ sheets: Sheet[]; notes: ImportProblem[] }>> {
  opts.onProgress?.(0, 1);
  const refused = await checkXlsxArchive(bytes);
  if (refused) return { ok: false, error: refused };
  if (opts.signal?.aborted) return fail('import.cancelled');
  let Excel: ExcelModule;
  try {
    Excel = await loadExcel();
  } catch (e) {
    return fail('import.xlsx-damaged', { detail: (e as Error).message });
  }
  const wb = new Excel.Workbook();
  try {
    // exceljs's types name a Node Buffer; it reads any bytes JSZip reads.
    await wb.xlsx.load(bytes as unknown as import('exceljs').Buffer);
  } catch (e) {
    return fail('import.xlsx-damaged', { detail: e instanceof Error ? e.message : String(e) });
  }
  if (opts.signal?.aborted) return fail('import.cancelled');

  const total = wb.worksheets.reduce((n, ws) => n + ws.rowCount, 0) || 1;
  let done = 0;
  const sheets: Sheet[] = [];
  const notes: ImportProblem[] = [];
  for (const ws of wb.worksheets) {
    const rows: CellValue[][] = [];
    const percentCells = new Set<number>();
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.findRow(r);
      const cells: CellValue[] = [];
      row?.eachCell({ includeEmpty: false }, (cell: ExcelCell, c: number) => {
        if ((cell.type as number) === MERGE_TYPE) return;
        const read = readValue(cell.value);
        if (read.noResult) notes.push(cellProblem(ws.name, r - 1, c - 1, null, { code: 'import.formula-no-result', params: { formula: String(cell.formula ?? '') } }, 'warning'));
        if (read.value === null) return;
        if (typeof read.value === 'string' && read.value.length > MAX_CELL_CHARS) {
          notes.push(cutProblem(ws.name, r - 1, c - 1, read.value.length));
          read.value = read.value.slice(0, MAX_CELL_CHARS);
        }
        cells[c - 1] = read.value;
        if (typeof read.value === 'number' && cell.numFmt?.includes('%')) percentCells.add(cellKey(r - 1, c - 1));
      });
      // eachCell leaves holes for empty cells: make them explicit blanks.
      for (let c = 0; c < cells.length; c++) if (cells[c] === undefined) cells[c] = null;
      rows.push(cells);
      if (++done % 5000 === 0) {
        opts.onProgress?.(done, total);
        await yieldToEventLoop();
        if (opts.signal?.aborted) return fail('import.cancelled');
      }
    }
    while (rows.length > 0 && rows[rows.length - 1].length === 0) rows.pop();
    const sheet: Sheet = { name: ws.name, rows, merges: mergesOf(ws) };
    if (percentCells.size > 0) sheet.percentCells = percentCells;
    sheets.push(sheet);
  }
  opts.onProgress?.(total, total);
  if (sheets.length === 0) return fail('import.xlsx-damaged', { detail: 'no worksheet' });
  return ok({ sheets, notes });
}

// ---------------------------------------------------------------------------------------------
// Reading a sheet

/** Top-left cell of the merge covering each covered cell (not the top-left itself), by cellKey. */
export function mergeOrigins(sheet: Sheet): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  for (const m of sheet.merges) {
    for (let r = m.top; r <= m.bottom; r++) {
      for (let c = m.left; c <= m.right; c++) {
        if (r !== m.top || c !== m.left) out.set(cellKey(r, c), [m.top, m.left]);
      }
    }
  }
  return out;
}

/** A cell's value, or null outside the sheet. */
export const cellAt = (sheet: Sheet, row: number, col: number): CellValue => sheet.rows[row]?.[col] ?? null;

/** The number of columns of the widest row. */
export const sheetWidth = (sheet: Sheet): number => sheet.rows.reduce((w, r) => Math.max(w, r.length), 0);

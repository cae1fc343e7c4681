// Files → sheets in memory: CSV/TSV/TXT text (papaparse; comma, semicolon or tab found from the
// text) and workbooks (workbook-read.ts, loaded only when a workbook is read): .xlsx/.xlsm by the
// fast reader (xlsx-read.ts), .xls, .ods and an .xlsx it is not sure of by SheetJS. Every sheet
// comes out in one form (import-types.ts: rows of text, numbers and blanks, the merged ranges,
// hidden rows, columns and sheets), whatever the file. The file's kind is read from its bytes, not
// trusted from its name. Never throws: a file it cannot read is a Problem, a doubtful reading a
// warning. A file larger than a spreadsheet holds (rows, columns, bytes) is refused, text longer
// than a cell holds is cut with a warning, and a workbook is checked before it is read
// (workbook-guard.ts).

import Papa from 'papaparse';
import type { Result } from '../domain/model';
import { fail, ok } from '../domain/model';
import { decodeText, looksLikeOle, looksLikeText, looksLikeZip } from './decode';
import type { TextEncodingName } from './decode';
import type { CellValue, ImportProblem, ProgressOptions, Sheet } from './import-types';
import { MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, cellKey, cellProblem, cellTooLong, fileProblem, yieldToEventLoop } from './import-types';
import type { WorkbookKind } from './workbook-guard';

export type Separator = ',' | ';' | '\t';

/** Everything read from one file. */
export interface SheetFile {
  /** What the bytes are: a workbook (.xlsx or .xlsm, .xls, .ods) or delimited text. */
  kind: WorkbookKind | 'text';
  sheets: Sheet[];
  /** How a text file was decoded (null for a workbook). */
  encoding: TextEncodingName | null;
  /** The separator found in a text file (null for a workbook). */
  separator: Separator | null;
  /** Warnings about the reading (renamed file, legacy encoding, formulas computed or without a value…). */
  notes: ImportProblem[];
}

const WORKBOOK_NAME = /\.(xlsx|xlsm|xltx|xltm|xls|xlt|ods|ots)$/i;
const TEXT_NAME = /\.(csv|tsv|txt|tab)$/i;
/** The largest file read: a CSV of a million lines is about 120 MB. */
export const MAX_FILE_BYTES = 128 * 2 ** 20;

/** The file name without folder and extension, as the name of a text file's one sheet. */
const baseName = (fileName: string): string => fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || fileName;

/** The sheets of a file, from its bytes: a workbook when the bytes are a zip archive or an OLE
 * compound file, text when they decode as text. Fails with import.empty-file,
 * import.file-too-large, import.unsupported-file, import.too-many-rows, import.too-many-columns,
 * import.cancelled, or for a workbook what readWorkbook refuses (import.xlsx-damaged,
 * import.encrypted, import.word-document, import.not-spreadsheet, the limits of
 * workbook-guard.ts). Progress counts characters of text, or steps of 1000 for a workbook. */
export async function readSheets(input: Uint8Array | ArrayBuffer, fileName: string, opts: ProgressOptions = {}): Promise<Result<SheetFile>> {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length === 0) return fail('import.empty-file', { file: fileName });
  if (bytes.length > MAX_FILE_BYTES) {
    return fail('import.file-too-large', { file: fileName, size: Math.ceil(bytes.length / 2 ** 20), limit: MAX_FILE_BYTES / 2 ** 20 });
  }
  if (opts.signal?.aborted) return fail('import.cancelled');
  if (looksLikeZip(bytes) || looksLikeOle(bytes)) {
    // Loaded with the first workbook: the readers and the checks stay out of a CSV-only session.
    const { readWorkbook } = await import('./workbook-read');
    const read = await readWorkbook(bytes, fileName, opts);
    if (!read.ok) return read;
    const notes = [...read.value.notes];
    if (TEXT_NAME.test(fileName)) notes.unshift(fileProblem({ code: 'import.renamed-xlsx', params: { file: fileName } }, 'warning'));
    return ok({ kind: read.value.kind, sheets: read.value.sheets, encoding: null, separator: null, notes });
  }
  if (!looksLikeText(bytes)) return fail('import.unsupported-file', { file: fileName });

  const notes: ImportProblem[] = [];
  if (WORKBOOK_NAME.test(fileName)) notes.push(fileProblem({ code: 'import.renamed-text', params: { file: fileName } }, 'warning'));
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

/** The separator that gives the most rows with the same number of fields (at least two of them
 * filled), from the first 64 KB. Title lines (one cell) do not count; empty trailing fields do,
 * since a writer gives every row of a table the same count. Ties go to tab, then semicolon, since
 * a comma also appears inside vi-VN numbers; with no separator at all, tab if `preferTab` else comma. */
export function detectSeparator(text: string, preferTab = false): Separator {
  const sample = text.length > 65536 ? text.slice(0, text.lastIndexOf('\n', 65536) + 1 || 65536) : text;
  let best: Separator | null = null;
  let bestLines = 0;
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
    const lines = linesSeparatedBy(sample, sep);
    if (lines > bestLines || (lines === bestLines && score > bestScore)) [best, bestLines, bestScore] = [sep, lines, score];
  }
  return best && bestScore > 0 ? best : preferTab ? '\t' : ',';
}

/** Lines where the separator stands as a writer puts one between fields, outside quotes: a comma
 * followed by a space is prose ("nghèo, các xã") and one between digits a decimal or grouping mark
 * ("0,5", "1,234"), so neither counts for a comma. */
function linesSeparatedBy(sample: string, sep: Separator): number {
  const code = sep.charCodeAt(0);
  const isDigit = (c: number) => c >= 48 && c <= 57;
  let lines = 0;
  let quoted = false;
  let found = false;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 10 && !quoted) {
      if (found) lines++;
      found = false;
    } else if (c === code && !quoted && !found) {
      const next = sample.charCodeAt(i + 1);
      if (sep !== ',' || (next !== 32 && !(isDigit(sample.charCodeAt(i - 1)) && isDigit(next)))) found = true;
    }
  }
  return found ? lines + 1 : lines;
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
      for (const [c, length] of cut) notes.push(cellTooLong(name, rows.length, c, length));
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

/** The number of columns of the widest row. */
export const sheetWidth = (sheet: Sheet): number => sheet.rows.reduce((w, r) => Math.max(w, r.length), 0);

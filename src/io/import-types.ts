// Shapes shared by the steps of a file import (decode → sheet → table → column map → import plan):
// the in-memory sheet, a problem located in a file, and progress and cancellation. Every value here
// is plain data, so it crosses a worker boundary by structured clone.

import type { Problem } from '../domain/model';

/** A cell as read: text as written, a number as stored, or empty. */
export type CellValue = string | number | null;

/** A rectangle of cells, 0-based, bounds included. */
export interface CellRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** One sheet in memory, the same for a CSV and an xlsx. */
export interface Sheet {
  name: string;
  /** Rows of cells as stored (rows may differ in length; the covered cells of a merge are null). A
   * workbook's row without any value may be a hole (undefined), so a sheet whose one cell is at
   * row 1 048 576 holds one row array, not a million. */
  rows: CellValue[][];
  /** Merged ranges; the value sits in the top-left cell. */
  merges: CellRange[];
  /** Numeric cells displayed as a percentage (0,8 shown as 80 %), by cellKey(row, col). */
  percentCells?: Set<number>;
  /** Rows and columns the file hides (0-based): read like the others, and flagged. */
  hiddenRows?: Set<number>;
  hiddenColumns?: Set<number>;
  /** A sheet the workbook hides (Excel's "Hide sheet"); absent = visible. */
  hidden?: boolean;
  /** The formulas of cells that hold a value (saved in the file, or computed from it), by
   * cellKey(row, col): their text in A1 style, without the '='. Absent when the file has none, or
   * its kind does not say them (only .xlsx does). */
  formulas?: Map<number, string>;
}

/** Columns a spreadsheet can have (Excel's limit): makes row * width + col a unique cell key. */
export const MAX_COLUMNS = 16384;
/** Rows a spreadsheet can have (Excel's limit). */
export const MAX_ROWS = 1_048_576;
/** Characters a spreadsheet cell can hold (Excel's limit); longer text is cut when read. */
export const MAX_CELL_CHARS = 32_767;

/** A number naming one cell of a sheet. */
export const cellKey = (row: number, col: number): number => row * MAX_COLUMNS + col;

/** Excel's name of a 0-based column: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(col: number): string {
  let s = '';
  for (let n = col + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** A problem an import found, and where: `row` and `col` are 1-based as a spreadsheet numbers
 * them, `cell` is the A1 address; all are null for a problem of the whole file or sheet. An
 * 'error' is a value that could not be read (the cell is imported marked, as blank); a 'warning'
 * is a value read in a way the user should check. */
export interface ImportProblem {
  sheet: string | null;
  row: number | null;
  col: number | null;
  cell: string | null;
  raw: string | null;
  severity: 'error' | 'warning';
  problem: Problem;
}

/** A problem of one cell, from 0-based coordinates. */
export function cellProblem(sheet: string, row: number, col: number, raw: CellValue, problem: Problem, severity: ImportProblem['severity'] = 'error'): ImportProblem {
  return {
    sheet,
    row: row + 1,
    col: col + 1,
    cell: `${columnLetter(col)}${row + 1}`,
    raw: raw === null ? null : String(raw),
    severity,
    problem,
  };
}

/** The warning for a cell whose text was cut to MAX_CELL_CHARS (0-based row and column). */
export const cellTooLong = (sheet: string, row: number, col: number, length: number): ImportProblem =>
  cellProblem(sheet, row, col, null, { code: 'import.cell-too-long', params: { length } }, 'warning');

/** A problem of a whole file, sheet or column (no cell). */
/** Params of import sentences that are amounts of đồng: the reader formats them in their unit. */
const MONEY_PARAMS = new Set(['plan', 'stated', 'kept', 'computed']);

/** The problem with its amount params written by `money` ("1.100 triệu đồng"). */
export function problemWithMoney(p: Problem, money: (dong: number) => string): Problem {
  if (!p.params) return p;
  const params = { ...p.params };
  for (const [k, v] of Object.entries(params)) if (MONEY_PARAMS.has(k) && typeof v === 'number') params[k] = money(v);
  return { ...p, params };
}

export function fileProblem(problem: Problem, severity: ImportProblem['severity'] = 'error', sheet: string | null = null, col: number | null = null): ImportProblem {
  return { sheet, row: null, col: col === null ? null : col + 1, cell: null, raw: null, severity, problem };
}

/** Progress and cancellation of a long step. `onProgress(done, total)` is called with growing
 * `done`, ending at `total`; when `signal` fires the step stops with import.cancelled. */
export interface ProgressOptions {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Lets timers and messages run (a cancel from the main thread reaches a worker this way). */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** On a page, waits until a frame has been painted (or 100 ms, in a hidden tab that paints none);
 * elsewhere, as yieldToEventLoop. Two long steps with this between them never share a frame. */
export const afterPaint = (): Promise<void> =>
  typeof requestAnimationFrame !== 'function'
    ? yieldToEventLoop()
    : new Promise((resolve) => {
        const timer = setTimeout(resolve, 100);
        requestAnimationFrame(() => setTimeout(() => (clearTimeout(timer), resolve()), 0));
      });

/** The chunks as one array of bytes. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

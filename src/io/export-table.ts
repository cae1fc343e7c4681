// The table every export writes, whatever the file: a title, a unit line, one header row and rows of
// typed cells (text, plain numbers, amounts in đồng, percentages, dates, formulas with their value).
// The xlsx writer (export-xlsx.ts) and the CSV writer (export-csv.ts) both take it, so a plan, a
// comparison or a report is laid out once. Pure: no xlsx writer here, so the CSV path stays small.

import type { AmountUnit, Lang } from '../domain/model';
import { writePhrase } from '../domain/messages';

/**
 * One cell. Amounts are integer đồng and are written in the table's unit; percentages are in
 * percent (80 = 80 %); dates are ISO yyyy-mm-dd. A formula is A1 text without the "=", with the
 * value it has (`amount` or `percent`, NaN = empty), which writers cache or print.
 */
export type TableCell = null | string | number | { amount: number } | { percent: number; decimals?: number } | { date: string } | Formula;

export interface Formula {
  formula: string;
  amount?: number;
  percent?: number;
}

/** How a row is shown: a plain line, a parent (sum of rows below) or the grand total. */
export type RowKind = 'line' | 'parent' | 'total';

export interface TableRow {
  cells: TableCell[];
  kind?: RowKind;
  /** Indentation of the tree column (0 = no indent). */
  depth?: number;
  /** Notes on cells of the row, by column index (written as cell comments where the format has them). */
  notes?: Record<number, string>;
}

export interface Table {
  title: string;
  /** Second title line (place, year); may be empty. */
  subtitle?: string;
  /** The unit amounts are written in, and the line saying so ("ĐVT: triệu đồng"). */
  unit: AmountUnit;
  unitLine: string;
  headers: string[];
  rows: TableRow[];
  /** Column whose cells are indented by row depth (the names of a tree). */
  treeColumn?: number;
  /** Columns kept in view when scrolling right (frozen panes). */
  frozenColumns?: number;
  /** Column widths in characters. */
  widths?: number[];
  sheetName?: string;
  /**
   * A document's heading above the title (left: the issuing body; right: the national title and
   * the date line) and blocks side by side below the table (recipients, the compiler, the signer),
   * each a list of lines. Only for tables without formulas: formulas refer to fixed rows.
   */
  heading?: { left: string[]; right: string[] };
  footer?: string[][];
}

/** Sheet rows (1-based) of the layout: title, subtitle, unit line, header, then the data. */
export const TITLE_ROW = 1;
export const SUBTITLE_ROW = 2;
export const UNIT_ROW = 3;
export const HEADER_ROW = 4;
export const FIRST_DATA_ROW = 5;

/** Excel's letters of a 0-based column: 0 → A, 26 → AA. */
export function columnName(col: number): string {
  let s = '';
  for (let n = col + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** The A1 address of a cell of the data (row and column 0-based, counted from the first data row). */
export function dataCellRef(row: number, col: number): string {
  return `${columnName(col)}${FIRST_DATA_ROW + row}`;
}

const UNIT_NAMES: Record<AmountUnit, Record<Lang, string>> = {
  dong: { vi: 'đồng', en: 'đồng' },
  nghin: { vi: 'nghìn đồng', en: 'thousand đồng' },
  trieu: { vi: 'triệu đồng', en: 'million đồng' },
  ty: { vi: 'tỷ đồng', en: 'billion đồng' },
};

/** The unit's name ("triệu đồng", "million đồng"). */
export function unitName(unit: AmountUnit, lang: Lang): string {
  return UNIT_NAMES[unit][lang];
}

/** The unit line as Vietnamese tables write it: "ĐVT: triệu đồng" (en "Unit: million đồng"). */
export function tableUnitLine(unit: AmountUnit, lang: Lang): string {
  return writePhrase(lang, 'table.unit-line', { unit: unitName(unit, lang) });
}

/** True for cells holding an amount (directly or as a formula's value). */
export function isAmountCell(c: TableCell): c is { amount: number } | Formula {
  return c !== null && typeof c === 'object' && 'amount' in c && c.amount !== undefined;
}

/** The columns holding amounts in any row (their headers name the unit in a CSV). */
export function amountColumns(table: Pick<Table, 'rows' | 'headers'>): boolean[] {
  const out = table.headers.map(() => false);
  for (const r of table.rows) r.cells.forEach((c, i) => isAmountCell(c) && (out[i] = true));
  return out;
}

// Tables as formatted .xlsx sheets (exceljs): title and place/year lines, the unit line
// ("ĐVT: triệu đồng"), a header row, panes frozen below the header and right of the name column,
// indentation for the tree, shaded parent and total rows whose SUM formulas keep their values cached.
// Amounts are written in the chosen unit as numbers (77 040 000 đ → 77,04 in triệu), each amount
// column showing as many decimals as its đồng need, so reading a cell back and scaling it gives the
// đồng exactly (for amounts below 2^50 đ, about 1 triệu tỷ).

import ExcelJS from 'exceljs';
import type { AmountUnit, NumberLocale, WorkbookData } from '../domain/model';
import { UNIT_EXPONENT, parseUnit } from '../domain/amount';
import {
  FIRST_DATA_ROW,
  HEADER_ROW,
  SUBTITLE_ROW,
  TITLE_ROW,
  UNIT_ROW,
  columnName,
  type RowKind,
  type Table,
  type TableCell,
  type TableRow,
} from './export-table';
import { DEFAULT_EXPORT, planTable, planViewOf, type ExportSettings, type PlanView } from './export-plan';

const FONT = 'Times New Roman';
const THIN = { style: 'thin' } as const;
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const FILL: Record<RowKind | 'header', ExcelJS.Fill | undefined> = {
  header: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } },
  line: undefined,
  parent: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } },
  total: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE2EFDA' } },
};

/** Fewest decimals that show `dong` exactly in the unit (0 … the unit's exponent). */
function decimalsOf(dong: number, exponent: number): number {
  let d = exponent;
  let scale = 10;
  while (d > 0 && dong % scale === 0) {
    d--;
    scale *= 10;
  }
  return d;
}

const amountFormat = (decimals: number) => (decimals ? `#,##0.${'0'.repeat(decimals)}` : '#,##0');

/** What a cell writes: its value for exceljs and the kind of number format it needs. */
type Shape = 'text' | 'number' | 'amount' | 'percent' | 'date';

function shapeOf(c: TableCell): Shape {
  if (c === null || typeof c === 'string') return 'text';
  if (typeof c === 'number') return 'number';
  if ('date' in c) return 'date';
  if ('percent' in c && c.percent !== undefined) return 'percent';
  return 'amount';
}

interface Prepared {
  /** Per column: decimals its amounts need. */
  decimals: number[];
  scale: number;
}

function prepare(table: Table): Prepared {
  const exponent = UNIT_EXPONENT[table.unit];
  const decimals = table.headers.map(() => 0);
  for (const row of table.rows) {
    const cells = row.cells;
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c];
      if (cell === null || typeof cell !== 'object' || !('amount' in cell) || cell.amount === undefined) continue;
      if (decimals[c] < exponent && Number.isFinite(cell.amount)) decimals[c] = Math.max(decimals[c], decimalsOf(cell.amount, exponent));
    }
  }
  return { decimals, scale: 10 ** exponent };
}

/** The value exceljs writes for a cell (amounts scaled to the unit; division is correctly rounded,
 * so the number is the closest double to the exact decimal). */
function valueOf(c: TableCell, scale: number): ExcelJS.CellValue {
  if (c === null || c === '') return null;
  if (typeof c === 'string' || typeof c === 'number') return c;
  if ('date' in c) {
    const [y, m, d] = c.date.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d));
  }
  const n = 'percent' in c && c.percent !== undefined ? c.percent / 100 : 'amount' in c && c.amount !== undefined ? c.amount / scale : NaN;
  if ('formula' in c) return { formula: c.formula, result: Number.isFinite(n) ? n : '' } as ExcelJS.CellFormulaValue;
  return Number.isFinite(n) ? n : null;
}

const SHAPES: readonly Shape[] = ['text', 'number', 'amount', 'percent', 'date'];
const KINDS: readonly RowKind[] = ['line', 'parent', 'total'];
const MAX_INDENT = 15;

/** Shared style objects: exceljs recognises a style it has seen by identity, which keeps 100 000 rows fast. */
class Styles {
  private cache = new Map<number, Partial<ExcelJS.Style>>();
  constructor(
    private readonly decimals: number[],
    private readonly locale: NumberLocale,
    private readonly treeColumn: number,
  ) {}

  of(col: number, shape: Shape, kind: RowKind, depth: number): Partial<ExcelJS.Style> {
    const indent = col === this.treeColumn ? Math.min(depth, MAX_INDENT) : 0;
    const key = ((col * SHAPES.length + SHAPES.indexOf(shape)) * KINDS.length + KINDS.indexOf(kind)) * (MAX_INDENT + 1) + indent;
    let s = this.cache.get(key);
    if (s) return s;
    s = { font: { name: FONT, size: 11, bold: kind !== 'line' }, border: BORDER };
    const fill = FILL[kind];
    if (fill) s.fill = fill;
    if (shape === 'amount') s.numFmt = amountFormat(this.decimals[col]);
    else if (shape === 'percent') s.numFmt = '0.00%';
    else if (shape === 'date') s.numFmt = this.locale === 'vi' ? 'dd/mm/yyyy' : 'yyyy-mm-dd';
    else if (shape === 'number') s.numFmt = '0';
    if (indent) s.alignment = { indent };
    this.cache.set(key, s);
    return s;
  }
}

/** Options of a table sheet beyond the table itself. */
export interface XlsxOptions {
  /** Date format of date cells: vi dd/mm/yyyy, en yyyy-mm-dd. */
  locale?: NumberLocale;
}

/** The table as the bytes of an .xlsx file with one sheet (layout in export-table.ts). */
export async function writeTableXlsx(table: Table, opts: XlsxOptions = {}): Promise<Uint8Array> {
  const { decimals, scale } = prepare(table);
  const width = table.headers.length;
  const frozen = table.frozenColumns ?? 0;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Planbench';
  const ws = wb.addWorksheet(sheetName(table.sheetName ?? table.title), {
    views: [{ state: 'frozen', xSplit: frozen, ySplit: HEADER_ROW, topLeftCell: `${columnName(frozen)}${FIRST_DATA_ROW}` }],
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 },
  });
  ws.pageSetup.printTitlesRow = `${HEADER_ROW}:${HEADER_ROW}`;
  ws.columns = table.headers.map((_, i) => ({ width: table.widths?.[i] ?? 14 }));

  const banner = (row: number, text: string, style: Partial<ExcelJS.Style>) => {
    const cell = ws.getCell(row, 1);
    cell.value = text;
    cell.style = style;
    if (width > 1) ws.mergeCells(row, 1, row, width);
  };
  banner(TITLE_ROW, table.title, { font: { name: FONT, size: 14, bold: true }, alignment: { horizontal: 'center' } });
  banner(SUBTITLE_ROW, table.subtitle ?? '', { font: { name: FONT, size: 12, bold: true }, alignment: { horizontal: 'center' } });
  banner(UNIT_ROW, table.unitLine, { font: { name: FONT, size: 11, italic: true }, alignment: { horizontal: 'right' } });

  const header = ws.getRow(HEADER_ROW);
  const headerStyle: Partial<ExcelJS.Style> = {
    font: { name: FONT, size: 11, bold: true },
    border: BORDER,
    fill: FILL.header,
    alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
  };
  table.headers.forEach((h, i) => {
    const cell = header.getCell(i + 1);
    cell.value = h;
    cell.style = headerStyle;
  });
  header.height = 32;

  const styles = new Styles(decimals, opts.locale ?? 'vi', table.treeColumn ?? -1);
  for (let i = 0; i < table.rows.length; i++) writeRow(ws.getRow(FIRST_DATA_ROW + i), table.rows[i], width, styles, scale);

  // Fast deflate: the sheet XML of a large plan compresses well at level 1 in half the time.
  // Node gives a Buffer (a Uint8Array), browsers an ArrayBuffer.
  const buf: unknown = await wb.xlsx.writeBuffer({ zip: { compression: 'DEFLATE', compressionOptions: { level: 1 } } });
  return buf instanceof Uint8Array ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : new Uint8Array(buf as ArrayBuffer);
}

function writeRow(row: ExcelJS.Row, r: TableRow, width: number, styles: Styles, scale: number): void {
  const kind = r.kind ?? 'line';
  const depth = r.depth ?? 0;
  for (let c = 0; c < width; c++) {
    const cell = r.cells[c] ?? null;
    const value = valueOf(cell, scale);
    // Empty cells of lines are left out (a third of a plan's cells); parent and total rows keep
    // theirs so the shading runs across the row.
    if (value === null && kind === 'line') continue;
    const target = row.getCell(c + 1);
    if (value !== null) target.value = value;
    target.style = styles.of(c, shapeOf(cell), kind, depth);
  }
}

/** A sheet name Excel accepts: at most 31 characters, none of : \ / ? * [ ]. */
function sheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, ' ').trim().slice(0, 31) || 'Sheet1';
}

/** Options of a generic table: the unit amounts are written in (read from the unit line when
 * absent, else đồng), a subtitle, and the sheet's layout. */
export interface TableXlsxOptions extends XlsxOptions {
  unit?: AmountUnit;
  subtitle?: string;
  sheetName?: string;
  treeColumn?: number;
  frozenColumns?: number;
  widths?: number[];
}

/**
 * Any table (a comparison, a report) as an .xlsx: `rows` hold typed cells (amounts in đồng,
 * percentages, dates, formulas with their value; see export-table.ts) and may be marked as parent or
 * total rows. Formulas refer to cells with dataCellRef (the data starts on sheet row 5).
 */
export function exportTableXlsx(
  title: string,
  unitLine: string,
  headers: string[],
  rows: TableRow[],
  opts: TableXlsxOptions = {},
): Promise<Uint8Array> {
  const { unit, locale, ...layout } = opts;
  return writeTableXlsx({ title, unitLine, headers, rows, unit: unit ?? parseUnit(unitLine) ?? 'dong', ...layout }, { locale });
}

/** The plan (a workbook's baseline, or a view of it) as a formatted .xlsx, in the grid's order. */
export function exportPlanXlsx(plan: WorkbookData | PlanView, settings: ExportSettings = DEFAULT_EXPORT): Promise<Uint8Array> {
  const view = 'rollup' in plan ? plan : planViewOf(plan);
  return writeTableXlsx(planTable(view, settings), { locale: settings.locale });
}

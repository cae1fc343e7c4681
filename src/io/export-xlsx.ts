// Tables as formatted .xlsx sheets: title and place/year lines, the unit line ("ĐVT: triệu đồng"),
// a header row, panes frozen below the header and right of the name column, indentation for the
// tree, shaded parent and total rows whose SUM formulas keep their values cached. Amounts are
// written in the chosen unit as numbers (77 040 000 đ → 77,04 in triệu), each amount column showing
// as many decimals as its đồng need, so reading a cell back and scaling it gives the đồng exactly
// (for amounts below 2^50 đ, about 1 triệu tỷ). The package itself is written by xlsx-package.ts.

import type { AmountUnit, NumberLocale, WorkbookData } from '../domain/model';
import { UNIT_EXPONENT, parseUnit } from '../domain/amount';
import { FIRST_DATA_ROW, HEADER_ROW, SUBTITLE_ROW, TITLE_ROW, UNIT_ROW, columnName, type RowKind, type Table, type TableCell, type TableRow } from './export-table';
import { DEFAULT_EXPORT, planTable, planViewOf, type ExportSettings, type PlanView } from './export-plan';
import { yieldToEventLoop } from './import-types';
import { NS_MAIN, SHEET_COMMENTS_TAIL, SharedStrings, StyleBook, XML_HEAD, sheetName, xmlText, zipXlsx, type CellStyle } from './xlsx-package';

const FONT = 'Times New Roman';
const FILL: Record<RowKind | 'header', string | undefined> = {
  header: 'D9E1F2',
  line: undefined,
  parent: 'F2F2F2',
  total: 'E2EFDA',
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

/** The kind of number format a cell needs. */
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

/** Days from Excel's epoch (1899-12-30) to an ISO date: the serial number a date cell holds. */
function dateSerial(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000 + 25_569;
}

/** A number as the sheet's XML writes it: the shortest text that reads back as the same double. */
const num = (n: number) => String(n);

/**
 * The XML of one cell after its reference and style, or null for an empty cell. Amounts are
 * scaled to the unit (division is correctly rounded, so the number is the closest double to the
 * exact decimal); a formula keeps its value cached, or an empty text when it has none.
 */
function cellXml(c: TableCell, scale: number, strings: SharedStrings): string | null {
  if (c === null || c === '') return null;
  if (typeof c === 'string') return ` t="s"><v>${strings.at(c)}</v></c>`;
  if (typeof c === 'number') return Number.isFinite(c) ? `><v>${num(c)}</v></c>` : null;
  if ('date' in c) {
    const serial = dateSerial(c.date);
    return Number.isFinite(serial) ? `><v>${serial}</v></c>` : null;
  }
  const n = 'percent' in c && c.percent !== undefined ? c.percent / 100 : 'amount' in c && c.amount !== undefined ? c.amount / scale : NaN;
  if ('formula' in c) return Number.isFinite(n) ? `><f>${xmlText(c.formula)}</f><v>${num(n)}</v></c>` : ` t="str"><f>${xmlText(c.formula)}</f><v></v></c>`;
  return Number.isFinite(n) ? `><v>${num(n)}</v></c>` : null;
}

const SHAPES: readonly Shape[] = ['text', 'number', 'amount', 'percent', 'date'];
const KINDS: readonly RowKind[] = ['line', 'parent', 'total'];
const MAX_INDENT = 15;

/** The cell formats of the data: one per column, shape, row kind and indent, registered once. */
class DataStyles {
  private cache = new Map<number, number>();
  constructor(
    private readonly book: StyleBook,
    private readonly decimals: number[],
    private readonly locale: NumberLocale,
    private readonly treeColumn: number,
  ) {}

  of(col: number, shape: Shape, kind: RowKind, depth: number): number {
    const indent = col === this.treeColumn ? Math.min(depth, MAX_INDENT) : 0;
    const key = ((col * SHAPES.length + SHAPES.indexOf(shape)) * KINDS.length + KINDS.indexOf(kind)) * (MAX_INDENT + 1) + indent;
    let id = this.cache.get(key);
    if (id !== undefined) return id;
    const s: CellStyle = { font: { bold: kind !== 'line' }, border: true, fill: FILL[kind] };
    if (shape === 'amount') s.numFmt = amountFormat(this.decimals[col]);
    else if (shape === 'percent') s.numFmt = '0.00%';
    else if (shape === 'date') s.numFmt = this.locale === 'vi' ? 'dd/mm/yyyy' : 'yyyy-mm-dd';
    else if (shape === 'number') s.numFmt = '0';
    if (indent) s.align = { indent };
    id = this.book.id(s);
    this.cache.set(key, id);
    return id;
  }
}

/** Options of a table sheet beyond the table itself. */
export interface XlsxOptions {
  /** Date format of date cells: vi dd/mm/yyyy, en yyyy-mm-dd. */
  locale?: NumberLocale;
  /** Called as the rows are written, with the share done (0 … 1). */
  onProgress?: (done: number) => void;
}

/** Rows per block of sheet XML handed to the zip. */
const BLOCK_ROWS = 2_000;

/** The table as the bytes of an .xlsx file with one sheet (layout in export-table.ts). */
export async function writeTableXlsx(table: Table, opts: XlsxOptions = {}): Promise<Uint8Array> {
  const { decimals, scale } = prepare(table);
  const width = Math.max(1, table.headers.length);
  const styles = new StyleBook(FONT);
  const strings = new SharedStrings();
  const w: Writers = {
    onProgress: opts.onProgress,
    strings,
    data: new DataStyles(styles, decimals, opts.locale ?? 'vi', table.treeColumn ?? -1),
    scale,
    fixed: {
      title: styles.id({ font: { size: 14, bold: true }, align: { horizontal: 'center' } }),
      subtitle: styles.id({ font: { size: 12, bold: true }, align: { horizontal: 'center' } }),
      unitLine: styles.id({ font: { italic: true }, align: { horizontal: 'right' } }),
      header: styles.id({ font: { bold: true }, border: true, fill: FILL.header, align: { horizontal: 'center', vertical: 'middle', wrap: true } }),
    },
  };
  if (table.heading || table.footer) {
    if (table.rows.some((r) => r.cells.some((c) => c !== null && typeof c === 'object' && 'formula' in c)))
      throw new Error('writeTableXlsx: a heading or footer moves the rows formulas refer to');
    w.off = table.heading ? Math.max(table.heading.left.length, table.heading.right.length) + 1 : 0;
    w.fixed.docStrong = styles.id({ font: { bold: true }, align: { horizontal: 'center', wrap: true } });
    w.fixed.docPlain = styles.id({ align: { horizontal: 'center', wrap: true } });
    w.fixed.docItalic = styles.id({ font: { italic: true }, align: { horizontal: 'center' } });
    w.fixed.docLeft = styles.id({ align: { horizontal: 'left' } });
  }
  register(table, width, w);
  await yieldToEventLoop();
  const off = w.off ?? 0;
  const comments: { ref: string; text: string }[] = [];
  table.rows.forEach((r, i) => {
    if (r.notes) for (const [c, text] of Object.entries(r.notes)) if (Number(c) < width) comments.push({ ref: `${columnName(Number(c))}${FIRST_DATA_ROW + off + i}`, text });
  });
  w.comments = comments.length > 0;
  return zipXlsx(
    { sheetName: sheetName(table.sheetName ?? table.title), styles, strings, printTitleRows: `${HEADER_ROW + off}:${HEADER_ROW + off}`, creator: 'Planbench', comments },
    sheetXml(table, width, w),
  );
}

interface Writers {
  onProgress?: (done: number) => void;
  strings: SharedStrings;
  data: DataStyles;
  scale: number;
  /** Formats of the title, subtitle, unit line and header rows (and of a document's heading and footer). */
  fixed: { title: number; subtitle: number; unitLine: number; header: number; docStrong?: number; docPlain?: number; docItalic?: number; docLeft?: number };
  /** Rows a document's heading takes above the title (0 without one). */
  off?: number;
  /** Whether the sheet has cell comments (it then points to their drawing). */
  comments?: boolean;
}

/**
 * Registers every text and cell format the sheet uses, in the order it uses them, so the shared
 * strings and the style sheet can go into the file before the worksheet: a reader that streams the
 * package in order then resolves each cell as it reads it (exceljs, measured when the app still read
 * with it, read 100 000 rows about a seventh faster so).
 */
function register(table: Table, width: number, w: Writers): void {
  for (const text of [...(table.heading?.left ?? []), ...(table.heading?.right ?? []), table.title, table.subtitle ?? '', table.unitLine, ...table.headers])
    if (text) w.strings.id(text);
  for (const text of (table.footer ?? []).flat()) if (text) w.strings.id(text);
  for (const r of table.rows) {
    const kind = r.kind ?? 'line';
    const depth = r.depth ?? 0;
    for (let c = 0; c < width; c++) {
      const cell = r.cells[c] ?? null;
      if (typeof cell === 'string' && cell !== '') w.strings.id(cell);
      else if (cell === null || cell === '') {
        if (kind === 'line') continue;
      }
      w.data.of(c, shapeOf(cell), kind, depth);
    }
  }
}

/** The worksheet's XML in blocks: sheet settings, the banner and header rows, the data, merges. */
function* sheetXml(table: Table, width: number, w: Writers): Generator<string> {
  const cols = Array.from({ length: width }, (_, i) => columnName(i));
  const off = w.off ?? 0;
  const footer = table.footer ?? [];
  const footerRows = footer.length ? Math.max(...footer.map((b) => b.length)) + 1 : 0;
  const lastRow = FIRST_DATA_ROW + off + table.rows.length - 1 + footerRows;
  const frozen = table.frozenColumns ?? 0;
  const topLeft = `${columnName(frozen)}${FIRST_DATA_ROW + off}`;
  const pane = frozen
    ? `<pane xSplit="${frozen}" ySplit="${HEADER_ROW + off}" topLeftCell="${topLeft}" activePane="bottomRight" state="frozen"/><selection pane="topRight"/><selection pane="bottomLeft"/><selection pane="bottomRight" activeCell="${topLeft}" sqref="${topLeft}"/>`
    : `<pane ySplit="${HEADER_ROW + off}" topLeftCell="${topLeft}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="${topLeft}" sqref="${topLeft}"/>`;
  const merges: string[] = [];
  // Side-by-side blocks of lines in a row: each block's text in its first cell, merged over its columns.
  const blocksRow = (row: number, texts: string[], spans: [number, number][], styleOf: (b: number) => number) => {
    let xml = `<row r="${row}">`;
    spans.forEach(([a, b], k) => {
      for (let c = a; c <= b; c++) {
        const text = c === a ? texts[k] : '';
        xml += text ? `<c r="${cols[c]}${row}" s="${styleOf(k)}" t="s"><v>${w.strings.at(text)}</v></c>` : `<c r="${cols[c]}${row}" s="${styleOf(k)}"/>`;
      }
      if (b > a) merges.push(`${cols[a]}${row}:${cols[b]}${row}`);
    });
    return xml + '</row>';
  };
  const spansOf = (n: number): [number, number][] => {
    const out: [number, number][] = [];
    for (let k = 0; k < n; k++) out.push([Math.floor((k * width) / n), Math.max(Math.floor(((k + 1) * width) / n) - 1, Math.floor((k * width) / n))]);
    return out;
  };
  const widths = cols.map((_, i) => `<col min="${i + 1}" max="${i + 1}" width="${table.widths?.[i] ?? 14}" customWidth="1"/>`).join('');
  let head =
    `${XML_HEAD}<worksheet xmlns="${NS_MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
    `<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:${cols[width - 1]}${Math.max(lastRow, HEADER_ROW)}"/>` +
    `<sheetViews><sheetView workbookViewId="0">${pane}</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>${widths}</cols><sheetData>`;

  const banner = (row: number, text: string, s: number) => {
    const first = text ? `<c r="A${row}" s="${s}" t="s"><v>${w.strings.at(text)}</v></c>` : `<c r="A${row}" s="${s}"/>`;
    // The cells a merge covers carry the style too, so its border and fill run across.
    return `<row r="${row}">${first}${cols
      .slice(1)
      .map((c) => `<c r="${c}${row}" s="${s}"/>`)
      .join('')}</row>`;
  };
  if (table.heading) {
    const { left, right } = table.heading;
    const split = Math.max(1, Math.round((width * 2) / 5));
    const spans: [number, number][] =
      width > 1
        ? [
            [0, split - 1],
            [split, width - 1],
          ]
        : [
            [0, 0],
            [0, 0],
          ];
    for (let k = 0; k < off - 1; k++) {
      const rightStyle = k === right.length - 1 ? w.fixed.docItalic! : w.fixed.docStrong!;
      head += blocksRow(k + 1, [left[k] ?? '', right[k] ?? ''], spans, (b) => (b === 0 ? (k === left.length - 1 ? w.fixed.docPlain! : w.fixed.docStrong!) : rightStyle));
    }
  }
  head += banner(TITLE_ROW + off, table.title, w.fixed.title);
  head += banner(SUBTITLE_ROW + off, table.subtitle ?? '', w.fixed.subtitle);
  head += banner(UNIT_ROW + off, table.unitLine, w.fixed.unitLine);
  const hs = w.fixed.header;
  const hr = HEADER_ROW + off;
  head += `<row r="${hr}" ht="32" customHeight="1">${cols
    .map((c, i) => {
      const h = table.headers[i];
      return h ? `<c r="${c}${hr}" s="${hs}" t="s"><v>${w.strings.at(h)}</v></c>` : `<c r="${c}${hr}" s="${hs}"/>`;
    })
    .join('')}</row>`;
  yield head;

  let block: string[] = [];
  for (let i = 0; i < table.rows.length; i++) {
    block.push(rowXml(table.rows[i], FIRST_DATA_ROW + off + i, cols, w));
    if (block.length === BLOCK_ROWS) {
      yield block.join('');
      block = [];
      w.onProgress?.((i + 1) / table.rows.length);
    }
  }
  w.onProgress?.(1);
  if (footer.length) {
    const first = FIRST_DATA_ROW + off + table.rows.length + 1;
    const spans = spansOf(footer.length);
    for (let k = 0; k < footerRows - 1; k++)
      block.push(
        blocksRow(
          first + k,
          footer.map((b) => b[k] ?? ''),
          spans,
          (b) => (b === 0 ? w.fixed.docLeft! : w.fixed.docStrong!),
        ),
      );
  }
  if (width > 1) for (const r of [TITLE_ROW, SUBTITLE_ROW, UNIT_ROW]) merges.push(`A${r + off}:${cols[width - 1]}${r + off}`);
  yield (
    block.join('') +
    '</sheetData>' +
    (merges.length ? `<mergeCells count="${merges.length}">${merges.map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>` : '') +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>' +
    (w.comments ? SHEET_COMMENTS_TAIL : '') +
    '</worksheet>'
  );
}

function rowXml(r: TableRow, n: number, cols: string[], w: Writers): string {
  const kind = r.kind ?? 'line';
  const depth = r.depth ?? 0;
  let xml = `<row r="${n}">`;
  for (let c = 0; c < cols.length; c++) {
    const cell = r.cells[c] ?? null;
    const body = cellXml(cell, w.scale, w.strings);
    // Empty cells of lines are left out (a third of a plan's cells); parent and total rows keep
    // theirs so the shading runs across the row.
    if (body === null && kind === 'line') continue;
    xml += `<c r="${cols[c]}${n}" s="${w.data.of(c, shapeOf(cell), kind, depth)}"${body ?? '/>'}`;
  }
  return xml + '</row>';
}

/** Options of a generic table: the unit amounts are written in (read from the unit line when
 * absent, else đồng), a subtitle, and the sheet's layout. */
export interface TableXlsxOptions extends XlsxOptions {
  unit?: AmountUnit;
  subtitle?: string;
  heading?: Table['heading'];
  footer?: Table['footer'];
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
export function exportTableXlsx(title: string, unitLine: string, headers: string[], rows: TableRow[], opts: TableXlsxOptions = {}): Promise<Uint8Array> {
  const { unit, locale, ...layout } = opts;
  return writeTableXlsx({ title, unitLine, headers, rows, unit: unit ?? parseUnit(unitLine) ?? 'dong', ...layout }, { locale });
}

/** The plan (a workbook's baseline, or a view of it) as a formatted .xlsx, in the grid's order. */
export async function exportPlanXlsx(plan: WorkbookData | PlanView, settings: ExportSettings = DEFAULT_EXPORT, onProgress?: (done: number) => void): Promise<Uint8Array> {
  // Ordering and rolling up, building the table and writing it are separate tasks: the page
  // paints between them.
  const view = 'rollup' in plan ? plan : planViewOf(plan);
  await yieldToEventLoop();
  const table = planTable(view, settings);
  await yieldToEventLoop();
  return writeTableXlsx(table, { locale: settings.locale, onProgress });
}

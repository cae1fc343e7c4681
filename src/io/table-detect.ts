// Finds the table inside a report sheet as Vietnamese offices lay it out: title lines, a unit line
// ("ĐVT: triệu đồng"), a header over one to three rows (merged group headers such as "Kế hoạch vốn
// năm 2023" over "NSTW | NSĐP" combine into one label per column), sometimes a row of column
// numbers, then rows numbered I, II / 1, 2 / 1.1 / a, b / - / + whose numbering gives the tree
// depth, total rows ("Tổng cộng", "Cộng") and a signature block below. Pure: reads a Sheet.

import type { AmountUnit, Result, Source } from '../domain/model';
import { fail, ok } from '../domain/model';
import { parseAmount } from '../domain/amount';
import { foldForMatch, foldToKey, normalizeText } from '../domain/text';
import { findUnitIn, guessColumn, headerWordScore } from './column-map';
import type { CellValue, ImportProblem, Sheet } from './import-types';
import { cellKey, cellProblem, fileProblem } from './import-types';
import { mergeOrigins, sheetWidth } from './sheet';
import type { BreakdownSplit } from './row-words';
import { breakdownOf } from './row-words';

/** item: a budget line or a group of them; total: a stated total; blank: nothing to read. */
export type RowKind = 'item' | 'total' | 'blank';

/** One row of the table body. */
export interface TableRow {
  /** 0-based row of the sheet. */
  row: number;
  kind: RowKind;
  /** The STT cell as written ('' when empty or when the table has no STT column). */
  stt: string;
  /** The numbering style: roman, arabic, dotted2 (1.1), dotted3, upper, lower, dash, plus…; null
   * when the STT cell holds no numbering. */
  style: string | null;
  /** Depth from the numbering: 0 for the outermost style in use, 1 for the next…; null when the
   * row has no numbering. */
  level: number | null;
  /** Total rows: their label as written, whether they total the whole table ("Tổng cộng") or a
   * group ("Cộng"), and the source a breakdown row under a total names ("- NSTW"). */
  label?: string;
  scope?: 'table' | 'group';
  source?: Source;
  /** A breakdown row under a total: the part of the total it states ("- Vốn ĐTPT", "- NSTW"). */
  split?: BreakdownSplit;
  /** An item's name written after its numbering in the STT cell ("I. Dự án 1: …", its name cell
   * empty or merged into it). */
  name?: string;
}

export interface DetectedTable {
  sheet: string;
  /** Non-empty rows above the header (0-based) and their text. */
  titleRows: number[];
  titles: string[];
  /** The header's rows (0-based, one to three). */
  headerRows: number[];
  /** A row of column numbers under the header ("(1) (2) (3)"), skipped; null when none. */
  numberRow: number | null;
  /** Number of columns. */
  width: number;
  /** One label per column: the header parts joined with " / " ('' for an unnamed column). */
  headers: string[];
  /** Per column, the header parts from top to bottom, merged group labels repeated. */
  headerParts: string[][];
  /** The unit the table states for its amounts ("ĐVT: triệu đồng"); null when none. */
  unit: AmountUnit | null;
  unitText: string | null;
  /** The unit a column's header states ("Kế hoạch (triệu đồng)"); it wins over the table's. */
  columnUnits: (AmountUnit | null)[];
  /** The STT column (0-based), or null. */
  sttColumn: number | null;
  /** The body: first and last row (0-based, inclusive); first > last when the table has none. */
  firstDataRow: number;
  lastDataRow: number;
  rows: TableRow[];
  warnings: ImportProblem[];
}

const HEADER_SCAN_ROWS = 40;
const MAX_HEADER_ROWS = 5;

const textOf = (v: CellValue | undefined): string => (v === null || v === undefined ? '' : normalizeText(String(v)));

/** A cell holding a number: a numeric cell, or text that reads as an amount or a percentage. */
function isNumberLike(v: CellValue): boolean {
  if (typeof v === 'number') return true;
  // An amount starts with a digit, a sign, a bracket or a currency prefix: most labels stop here.
  if (v === null || !/^[\s\u00a0]*[\d(+\-\u2212vV₫]/.test(v)) return false;
  const s = normalizeText(v);
  if (!/\d/.test(s)) return false;
  const amount = parseAmount(s.replace(/\s*%$/, ''), { unit: 'dong', locale: 'vi' });
  return amount.ok && !amount.value.blank;
}

const YEAR = /^(?:19|20)\d{2}$/;

// ---------------------------------------------------------------------------------------------
// Numbering

const ROMAN = /^M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$/;

/** The numbering style of an STT cell ("I", "II.", "1", "1.2", "a)", "(b)", "-", "+"), or null.
 * A single letter that is also a Roman numeral (I, V, X, L, C, D, M) reads as Roman here; the
 * detector reads it as a letter when it follows the letter before it (B then C). */
export function parseNumbering(text: string): string | null {
  const t = normalizeText(text)
    .replace(/^\((.+)\)$/, '$1')
    .replace(/[.):]$/, '')
    .trim();
  if (!t) return null;
  if (/^[-–—]$/.test(t)) return 'dash';
  if (t === '+') return 'plus';
  if (t === '*') return 'star';
  if (/^[•·o]$/.test(t)) return 'bullet';
  if (/^\d{1,4}$/.test(t)) return 'arabic';
  const dotted = /^\d{1,3}(?:\.\d{1,3})+$/.exec(t);
  if (dotted) return `dotted${t.split('.').length}`;
  if (/^[IVXLCDM]+$/.test(t) && ROMAN.test(t)) return 'roman';
  if (/^[A-ZĐ]$/.test(t)) return 'upper';
  if (/^[a-zđ]$/.test(t)) return 'lower';
  return null;
}

/** "I. Dự án 1: Hỗ trợ…" written whole in one cell: the numbering (with its mark) and the name;
 * null for any other text. */
export function numberingAndName(text: string): { stt: string; name: string } | null {
  const m = /^\(?((?:[IVXLCDM]+|\d{1,3}(?:\.\d{1,3})*|[A-Za-zĐđ])[.):])\s+(\S.*)$/u.exec(normalizeText(text));
  if (!m || parseNumbering(m[1]) === null || !/\p{L}/u.test(m[2])) return null;
  return { stt: m[1], name: m[2] };
}

/** Levels from numbering styles in order of appearance: a style seen before returns to its
 * level (and closes the deeper ones); a new style goes one level deeper. */
class NumberingLevels {
  private styles: string[] = [];
  private lastLetter: string | null = null;

  levelOf(stt: string): { style: string; level: number } | null {
    let style = parseNumbering(stt);
    if (style === null) return null;
    const t = normalizeText(stt).replace(/[^A-Za-z]/g, '');
    // "C" after "B" is a letter, not Roman 100.
    if (style === 'roman' && t.length === 1 && this.lastLetter !== null && t.charCodeAt(0) === this.lastLetter.charCodeAt(0) + 1) {
      style = 'upper';
    }
    if (style === 'upper') this.lastLetter = t;
    const i = this.styles.indexOf(style);
    if (i >= 0) {
      this.styles.length = i + 1;
      return { style, level: i };
    }
    this.styles.push(style);
    return { style, level: this.styles.length - 1 };
  }
}

// ---------------------------------------------------------------------------------------------
// Totals and footers (foldToKey keys)

const TABLE_TOTAL_PREFIXES = ['tongcong', 'tongso', 'grandtotal', 'tongtoan'];
const TABLE_TOTAL_EXACT = new Set(['tong', 'total', 'tongkinhphi', 'toanhuyen', 'toantinh', 'programtotal']);
const GROUP_TOTAL_EXACT = new Set(['cong', 'subtotal', 'congnhom']);
const FOOTER_PREFIXES = [
  'nguoilap',
  'thutruong',
  'ketoan',
  'ktchutich',
  'ktgiamdoc',
  'ktthutruong',
  'chutich',
  'phochutich',
  'giamdoc',
  'phogiamdoc',
  'truongphong',
  'noinhan',
  'xacnhan',
  'kyhoten',
  'ghichu',
  'tmuyban',
  'tmubnd',
  'tmhoidong',
  'tmthuongtruc',
  'tmhdnd',
  'preparedby',
  'approvedby',
  'note',
];

// "Cộng" then what it closes; not "Cộng tác viên", "Cộng đồng", "Cộng hòa".
const GROUP_NAMED =
  /^(?:cộng|subtotal)\s*:?\s*(?:tiểu\s+dự\s+án|dự\s+án|t?da\s*\d|huyện|quận|xã|phường|thị\s+trấn|thị\s+xã|thành\s+phố|tp\b|tỉnh|cấp|nhóm|mục|phần|khối|nguồn|vốn|loại|[ivxlc]+\b|\d|\(|[a-zđ]\))/u;

/** Whether a row label names a total, and of what. */
function totalScope(label: string): 'table' | 'group' | null {
  // Every total word starts with t, c, g, s or p ("Tổng", "Cộng", "Grand", "Sub", "Program total"
  // as the app's English export writes it): skip the fold otherwise.
  if (!/^[\s\u00a0]*[tTcCgGsSpP]/.test(label)) return null;
  const key = foldToKey(label.replace(/\([^()]*\)/g, ' '));
  if (!key) return null;
  if (TABLE_TOTAL_EXACT.has(key) || TABLE_TOTAL_PREFIXES.some((p) => key.startsWith(p))) return 'table';
  if (GROUP_TOTAL_EXACT.has(key)) return 'group';
  // "Cộng Dự án 7", "Cộng huyện Bình Gia", "Subtotal DA3": a group's total that names the group
  // (never "Cộng đồng…", a community, nor "Công trình…", which folds alike but is spelt apart).
  if (GROUP_NAMED.test(foldForMatch(label))) return 'group';
  return null;
}

/** "Trong đó:", "Chia ra:", "Of which": the line that introduces a total's breakdown. */
const isBreakdownIntro = (label: string): boolean => /^(?:trongdo|chiara|ofwhich|including)/.test(foldToKey(label));

const isFooterText = (text: string): boolean => {
  const key = foldToKey(text);
  return FOOTER_PREFIXES.some((p) => key.startsWith(p)) || /ngày.*tháng.*năm/u.test(foldForMatch(text));
};

// ---------------------------------------------------------------------------------------------
// Detection

/** The table of a sheet. Fails with import.empty-sheet when the sheet has no value at all; a
 * sheet without a recognisable header uses its first row with two or more cells, and says so. */
export function detectTable(sheet: Sheet): Result<DetectedTable> {
  const width = sheetWidth(sheet);
  if (width === 0 || !sheet.rows.some((r) => r.some((v) => v !== null && textOf(v) !== ''))) {
    return fail('import.empty-sheet', { sheet: sheet.name });
  }
  const d = new TableDetection(sheet, width);
  d.findHeaderTop();
  d.findHeaderBottom();
  d.findNumberRow();
  d.labelColumns();
  d.readUnits();
  d.findBody();
  d.findSttColumn();
  d.readBodyRows();
  return ok(d.table());
}

/** One detection: the sheet, its merges indexed, and the parts of the table found so far, each step
 * reading those of the steps before it. */
class TableDetection {
  private readonly rows: CellValue[][];
  private readonly origins: ReturnType<typeof mergeOrigins>;
  /** Cells of merges that span columns: group labels ("Kế hoạch vốn năm 2023" over E:G). */
  private readonly wide = new Set<number>();
  private readonly warnings: ImportProblem[] = [];
  /** The header's first and last rows (0-based). */
  private top = -1;
  private bottom = -1;
  private headerRows: number[] = [];
  private numberRow: number | null = null;
  private headerParts: string[][] = [];
  private headers: string[] = [];
  private titleRows: number[] = [];
  private titles: string[] = [];
  private unit: AmountUnit | null = null;
  private unitText: string | null = null;
  private columnUnits: (AmountUnit | null)[] = [];
  private firstDataRow = 0;
  private lastDataRow = -1;
  /** The rows the sheet holds from the body's first on (a workbook leaves out rows holding nothing). */
  private present: number[] = [];
  private sttColumn: number | null = null;
  private readonly body: TableRow[] = [];
  /** Reading the body: the levels of the numbering styles seen, whether the rows since the last
   * total may be its breakdown, and that total's scope. */
  private readonly levels = new NumberingLevels();
  private afterTotal = false;
  private lastScope: 'table' | 'group' = 'table';

  constructor(
    private readonly sheet: Sheet,
    private readonly width: number,
  ) {
    this.rows = sheet.rows;
    this.origins = mergeOrigins(sheet);
    for (const m of sheet.merges) {
      if (m.right > m.left) for (let r = m.top; r <= m.bottom; r++) for (let c = m.left; c <= m.right; c++) this.wide.add(cellKey(r, c));
    }
  }

  // ---- cells -----------------------------------------------------------------------------------

  private raw(r: number, c: number): CellValue {
    return this.rows[r]?.[c] ?? null;
  }

  /** A cell's value, read through a merge from its top-left. */
  private filled(r: number, c: number): CellValue {
    const o = this.origins.size ? this.origins.get(cellKey(r, c)) : undefined;
    return o ? this.raw(o[0], o[1]) : this.raw(r, c);
  }

  /** Whether a cell lies inside a merge, past its top-left. */
  private covered(r: number, c: number): boolean {
    return this.origins.size > 0 && this.origins.has(cellKey(r, c));
  }

  /** The columns of a row's cells that hold a number or some text. */
  private nonEmpty(r: number): number[] {
    const out: number[] = [];
    const row = this.rows[r] ?? [];
    for (let c = 0; c < row.length; c++) {
      const v = row[c];
      // trim() drops every Unicode space, NBSP included: cheaper than normalising each cell.
      if (typeof v === 'number' || (v !== null && v.trim() !== '')) out.push(c);
    }
    return out;
  }

  // ---- the steps -------------------------------------------------------------------------------

  /** 1. The header's first row: the first with two cells that read as column names, no numbers;
   * else the first with two cells and no numbers, else the first with a cell, said so. */
  findHeaderTop(): void {
    const { rows } = this;
    const scan = Math.min(rows.length, HEADER_SCAN_ROWS);
    let top = -1;
    for (let r = 0; r < scan && top < 0; r++) {
      const cells = this.nonEmpty(r);
      const numbers = cells.filter((c) => isNumberLike(this.raw(r, c)) && !YEAR.test(textOf(this.raw(r, c))));
      const score = cells.reduce((s, c) => s + headerWordScore(textOf(this.raw(r, c))), 0);
      if (score >= 2 && numbers.length === 0) top = r;
    }
    if (top < 0) {
      for (let r = 0; r < rows.length && top < 0; r++) {
        const cells = this.nonEmpty(r);
        if (cells.length >= 2 && cells.every((c) => !isNumberLike(this.raw(r, c)))) top = r;
      }
      if (top < 0) top = rows.findIndex((_, r) => this.nonEmpty(r).length > 0);
      this.warnings.push(fileProblem({ code: 'import.no-header', params: { sheet: this.sheet.name, row: top + 1 } }, 'warning', this.sheet.name));
    }
    this.top = top;
  }

  /** 2. How far the header goes down (at most MAX_HEADER_ROWS): merged cells starting in it, then
   * rows that only add labels under group labels (a CSV has no merges: "Kế hoạch vốn,," over ",NSTW,NSĐP"). */
  findHeaderBottom(): void {
    const { top } = this;
    let bottom = top;
    const maxBottom = Math.min(this.rows.length - 1, top + MAX_HEADER_ROWS - 1);
    for (let grew = true; grew;) {
      grew = false;
      for (const m of this.sheet.merges) {
        if (m.top >= top && m.top <= bottom && m.bottom > bottom && m.bottom <= maxBottom) {
          bottom = m.bottom;
          grew = true;
        }
      }
    }
    while (bottom < maxBottom && this.isContinuation(bottom + 1)) bottom++;
    this.bottom = bottom;
    this.headerRows = Array.from({ length: bottom - top + 1 }, (_, i) => top + i);
  }

  /** Whether row r only adds labels under the header row above it: no numbers, no numbering, each
   * cell under an empty, merged or group-labelled cell. */
  private isContinuation(r: number): boolean {
    const cells = this.nonEmpty(r);
    if (cells.length === 0) return false;
    return cells.every((c) => {
      const v = this.raw(r, c);
      if (isNumberLike(v) && !YEAR.test(textOf(v))) return false;
      if (parseNumbering(textOf(v)) !== null) return false;
      const above = textOf(this.filled(r - 1, c));
      if (above === '' || this.covered(r - 1, c) || this.wide.has(cellKey(r - 1, c))) return true;
      // A group label: the next cell to its right is empty above and filled here.
      return c + 1 < this.width && textOf(this.filled(r - 1, c + 1)) === '' && textOf(this.raw(r, c + 1)) !== '';
    });
  }

  /** 3. A row of column numbers under the header: (1) (2) (3) or A B 1 2 3=1+2; null when none. */
  findNumberRow(): void {
    const next = this.bottom + 1;
    const numberCells = this.nonEmpty(next);
    this.numberRow = numberCells.length >= 2 && numberCells.every((c) => /^\(?(?:\d{1,2}|[A-Z])(?:\s*=\s*[\d+\-*/ ().]+)?\)?$/.test(textOf(this.raw(next, c)))) ? next : null;
  }

  /** 4. One label per column from the header rows; in a row above the last, an empty cell whose
   * left neighbour and itself have labels below continues the group label on its left. */
  labelColumns(): void {
    const { width } = this;
    const grid = this.headerRows.map((r) => Array.from({ length: width }, (_, c) => textOf(this.filled(r, c))));
    const lowerHas = (k: number, c: number) => grid.slice(k + 1).some((g) => g[c] !== '');
    for (let k = 0; k < grid.length - 1; k++) {
      for (let c = 1; c < width; c++) {
        if (grid[k][c] === '' && grid[k][c - 1] !== '' && lowerHas(k, c) && lowerHas(k, c - 1)) grid[k][c] = grid[k][c - 1];
      }
    }
    this.headerParts = Array.from({ length: width }, (_, c) => {
      const parts: string[] = [];
      for (const g of grid) if (g[c] !== '' && parts[parts.length - 1] !== g[c]) parts.push(g[c]);
      return parts;
    });
    this.headers = this.headerParts.map((p) => p.join(' / '));
  }

  /** 5. The title lines above the header, the table's unit (the first they state) and each column's
   * (its header's); a column unit that differs from the table's is said. */
  readUnits(): void {
    for (let r = 0; r < this.top; r++) {
      const cells = this.nonEmpty(r);
      if (cells.length === 0) continue;
      this.titleRows.push(r);
      this.titles.push(cells.map((c) => textOf(this.raw(r, c))).join(' '));
      for (const c of cells) {
        const u: AmountUnit | null = this.unit === null ? findUnitIn(textOf(this.raw(r, c))) : null;
        if (u) [this.unit, this.unitText] = [u, textOf(this.raw(r, c))];
      }
    }
    const { unit, unitText } = this;
    this.columnUnits = this.headerParts.map((parts) => parts.map(findUnitIn).find((u) => u !== null) ?? null);
    this.columnUnits.forEach((u, c) => {
      if (u !== null && unit !== null && u !== unit) {
        this.warnings.push(fileProblem({ code: 'import.unit-conflict', params: { column: this.headers[c], unit: unitText ?? '' } }, 'warning', this.sheet.name, c));
      }
    });
  }

  /** 6. The body: from under the header to a signature block, or to the last row with a value; rows
   * below it that hold numbers are said, never dropped without a word. */
  findBody(): void {
    // A workbook leaves out the rows that hold nothing (its rows array has holes): they are walked
    // over as one gap each, never one by one (a lone cell at row 1 048 576 is one step, not a million).
    const firstDataRow = (this.numberRow ?? this.bottom) + 1;
    const present: number[] = [];
    this.rows.forEach((_, r) => {
      if (r >= firstDataRow) present.push(r);
    });
    let lastDataRow = firstDataRow - 1;
    let blankRun = 0;
    let prevRow = firstDataRow - 1;
    for (const r of present) {
      blankRun += r - prevRow - 1;
      prevRow = r;
      const cells = this.nonEmpty(r);
      if (cells.length === 0) {
        blankRun++;
        continue;
      }
      const footer = cells.length <= 3 && cells.every((c) => !isNumberLike(this.raw(r, c))) && isFooterText(textOf(this.raw(r, cells[0])));
      if (footer || (blankRun >= 2 && cells.every((c) => !isNumberLike(this.raw(r, c))) && cells.length <= 2)) break;
      blankRun = 0;
      lastDataRow = r;
    }
    // Rows below the table that hold numbers (a second table, figures under the signatures) are not
    // read: say which.
    const after = present.filter(
      (r) => r > lastDataRow && this.nonEmpty(r).some((c) => typeof this.raw(r, c) === 'number' || (isNumberLike(this.raw(r, c)) && /\d{2}/.test(textOf(this.raw(r, c))))),
    );
    if (after.length) {
      const rowsText = after.length === 1 ? `${after[0] + 1}` : `${after[0] + 1}–${after[after.length - 1] + 1}`;
      this.warnings.push(fileProblem({ code: 'import.rows-after-table', params: { count: after.length, rows: rowsText } }, 'warning', this.sheet.name));
    }
    this.firstDataRow = firstDataRow;
    this.lastDataRow = lastDataRow;
    this.present = present;
  }

  /** 7. The STT column: named so among the first three, or the first or second column holding mostly numbering. */
  findSttColumn(): void {
    const { width, headerParts } = this;
    let sttColumn: number | null = null;
    for (let c = 0; c < Math.min(width, 3) && sttColumn === null; c++) {
      if (guessColumn(headerParts[c]).field === 'stt') sttColumn = c;
    }
    if (sttColumn === null) {
      for (let c = 0; c < Math.min(width, 2) && sttColumn === null; c++) {
        // A column whose header names a measure holds amounts, whatever they look like ("600", "1.500").
        if (headerParts[c].length && guessColumn(headerParts[c]).field !== 'ignore') continue;
        let filledCells = 0;
        let numbered = 0;
        for (const r of this.present) {
          if (r > this.lastDataRow) break;
          const t = textOf(this.raw(r, c));
          if (!t) continue;
          filledCells++;
          if (t.length <= 6 && parseNumbering(t) !== null) numbered++;
        }
        if (numbered >= 2 && numbered >= filledCells * 0.6) sttColumn = c;
      }
    }
    this.sttColumn = sttColumn;
  }

  /** 8. Each body row: a total, a total's breakdown, an item with its numbering level, or blank (rows
   * a workbook left out are no rows of the body); a body with no row but blanks is an error. */
  readBodyRows(): void {
    for (const r of this.present) {
      if (r > this.lastDataRow) break;
      this.body.push(this.readBodyRow(r));
    }
    if (!this.body.some((b) => b.kind !== 'blank')) {
      this.warnings.push(fileProblem({ code: 'import.no-data', params: { sheet: this.sheet.name } }, 'error', this.sheet.name));
    }
  }

  /** What one body row is. */
  private readBodyRow(r: number): TableRow {
    const { sttColumn } = this;
    const cells = this.nonEmpty(r);
    const stt = sttColumn === null ? '' : textOf(this.raw(r, sttColumn));
    if (cells.length === 0) return { row: r, kind: 'blank', stt: '', style: null, level: null };
    // The row's label: its first text cell before any number, the STT cell aside.
    let label = '';
    for (const c of cells) {
      const v = this.raw(r, c);
      if (isNumberLike(v)) break;
      if (c === sttColumn) continue;
      label = textOf(v);
      break;
    }
    const hasNumber = () => cells.some((c) => c !== sttColumn && isNumberLike(this.raw(r, c)));
    const scope = stt === '' || parseNumbering(stt) === null ? totalScope(label || stt) : null;
    if (scope) {
      this.afterTotal = true;
      this.lastScope = scope;
      return { row: r, kind: 'total', stt, style: null, level: null, label: label || stt, scope };
    }
    if (this.afterTotal && isBreakdownIntro(label) && !hasNumber()) return { row: r, kind: 'blank', stt, style: null, level: null, label };
    const split = this.afterTotal && (stt === '' || /^[-+•*]$/.test(stt)) ? breakdownOf(label) : null;
    if (split) {
      const row: TableRow = { row: r, kind: 'total', stt, style: null, level: null, label, scope: this.lastScope, split };
      if (split.source) row.source = split.source;
      return row;
    }
    this.afterTotal = false;
    // The whole item written in the STT cell, nothing else before its numbers: its numbering and name.
    const whole = stt && label === '' && parseNumbering(stt) === null ? numberingAndName(stt) : null;
    const numbering = stt ? this.levels.levelOf(whole?.stt ?? stt) : null;
    if (stt && !numbering) {
      this.warnings.push(cellProblem(this.sheet.name, r, sttColumn!, stt, { code: 'import.stt-unreadable', params: { text: stt } }, 'warning'));
    }
    return { row: r, kind: 'item', stt: whole?.stt ?? stt, style: numbering?.style ?? null, level: numbering?.level ?? null, ...(whole ? { name: whole.name } : {}) };
  }

  /** The table found. */
  table(): DetectedTable {
    return {
      sheet: this.sheet.name,
      titleRows: this.titleRows,
      titles: this.titles,
      headerRows: this.headerRows,
      numberRow: this.numberRow,
      width: this.width,
      headers: this.headers,
      headerParts: this.headerParts,
      unit: this.unit,
      unitText: this.unitText,
      columnUnits: this.columnUnits,
      sttColumn: this.sttColumn,
      firstDataRow: this.firstDataRow,
      lastDataRow: this.lastDataRow,
      rows: this.body,
      warnings: this.warnings,
    };
  }
}

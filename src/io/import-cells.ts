// Reading an imported table's cells by their column's meaning: amounts in the column's unit and
// number format (vi-VN or en, decided per column from the file's own evidence, the user's choice,
// or the file's totals), rates, dates, sources, capital types and text; and where each field's
// columns are under a mapping. Pure: reads a Sheet, no DOM.

import type { AmountUnit, NumberLocale, Problem } from '../domain/model';
import { parseAmount, parseDate, parseRate, UNIT_EXPONENT } from '../domain/amount';
import { parseCapital, parseSource, parseYear } from '../domain/cell-input';
import { normalizeText } from '../domain/text';
import type { ColumnRole, ImportField } from './column-map';
import { AMOUNT_FIELDS, NUMERIC_FIELDS, duplicateColumns } from './column-map';
import type { DetectedTable } from './table-detect';
import type { CellValue, ImportProblem, Sheet } from './import-types';
import { cellKey, fileProblem } from './import-types';
import { mergeOrigins } from './sheet';

// ---------------------------------------------------------------------------------------------
// Reading cells

/** A number as the shortest decimal text of its 15 significant digits (Excel's precision), so
 * 77.04 stays "77.04" and a sum's 13391.999999999998 becomes "13392". */
export function numberText(n: number): string {
  const y = Number(n.toPrecision(15));
  const s = String(y);
  if (!s.includes('e')) return s;
  return Math.abs(y) >= 1 ? BigInt(Math.round(y)).toString() : y.toFixed(20).replace(/\.?0+$/, '');
}

/** The locale a written number shows: a decimal comma or several grouping dots say vi, the
 * reverse say en; "1.234" alone says nothing. */
function localeEvidence(text: string): NumberLocale | null {
  const core = plainCore(text) ?? /\d[\d.,]*/.exec(text.replace(/[\s\u00a0]/g, ''))?.[0].replace(/[.,]+$/, '');
  if (!core) return null;
  let dots = 0;
  let commas = 0;
  let lastDot = -1;
  let lastComma = -1;
  for (let i = 0; i < core.length; i++) {
    const c = core.charCodeAt(i);
    if (c === 46) {
      dots++;
      lastDot = i;
    } else if (c === 44) {
      commas++;
      lastComma = i;
    }
  }
  if (dots && commas) return lastComma > lastDot ? 'vi' : 'en';
  if (dots > 1) return 'vi';
  if (commas > 1) return 'en';
  if (dots + commas === 1) {
    const at = dots ? lastDot : lastComma;
    if (core.length - at - 1 !== 3 || at > 3 || core.charCodeAt(0) === 48) return dots ? 'en' : 'vi';
  }
  return null;
}

/** The number inside a text of digits, dots and commas only (the usual cell), from its first
 * digit to its last; '' without a digit; undefined for any other text. */
function plainCore(text: string): string | undefined {
  let first = -1;
  let end = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (first < 0) first = i;
      end = i + 1;
    } else if (c !== 46 && c !== 44) return undefined;
  }
  return first < 0 ? '' : first === 0 && end === text.length ? text : text.slice(first, end);
}

const isAmbiguousText = (text: string): boolean => {
  const core = /\d[\d.,]*/.exec(text.replace(/[\s\u00a0]/g, ''))?.[0];
  return core !== undefined && /^[1-9]\d{0,2}[.,]\d{3}$/.test(core);
};

export type Read = { value: string | number | null; problem: Problem | null; ambiguous?: boolean };
export const BLANK: Read = { value: null, problem: null };

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const pad2 = (n: number) => String(n).padStart(2, '0');

/** Everything needed to read one column's cells. */
export interface ColumnReader {
  field: ImportField;
  unit: AmountUnit;
  locale: NumberLocale | null;
}

// A plain number in a known locale ("5436", "617,5" in vi, "617.5" in en): most cells of a big
// file. Read here without the general parser's unit words and grouping rules.

/** The đồng of a plain number written in `unit` and `locale`, exactly as parseAmount reads it;
 * null for any other text, or a value parseAmount refuses (finer than 1 đồng, beyond 2^53). */
export function plainAmount(text: string, unit: AmountUnit, locale: NumberLocale): number | null {
  // Digits, then the locale's decimal mark and digits, read without a regular expression: a large
  // file has hundreds of thousands of them. Every step stays exact below 2^53; a larger value is
  // not a safe integer and is refused.
  const n = text.length;
  let i = 0;
  let int = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    int = int * 10 + (c - 48);
  }
  if (i === 0 || i > 16) return null;
  const exponent = UNIT_EXPONENT[unit];
  let frac = 0;
  if (i < n) {
    if (text.charCodeAt(i) !== (locale === 'vi' ? 44 : 46) || i === n - 1 || n - i - 1 > 16) return null;
    // The fraction's digits up to its last non-zero one must fit the unit's places.
    let kept = 0;
    for (let j = i + 1; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c < 48 || c > 57) return null;
      if (c !== 48) kept = j - i;
    }
    if (kept > exponent) return null;
    for (let j = i + 1; j <= i + kept; j++) frac = frac * 10 + (text.charCodeAt(j) - 48);
    frac *= POW10[exponent - kept];
  }
  const v = int * POW10[exponent] + frac;
  return Number.isSafeInteger(v) ? v : null;
}

const POW10 = Array.from({ length: 10 }, (_, k) => 10 ** k);

export function readCellValue(raw: CellValue, col: ColumnReader, percent: boolean): Read {
  if (raw === null) return BLANK;
  // The parsers normalise what they read; only plain text is normalised here.
  const text = typeof raw === 'number' ? numberText(raw) : raw;
  switch (col.field) {
    case 'plan':
    case 'disbursed':
    case 'expectedAmount':
    case 'statedPlan':
    case 'statedDisbursed': {
      // A stored number is exact in en form; text is read in the column's locale.
      const locale = typeof raw === 'number' ? 'en' : (col.locale ?? 'vi');
      if (typeof raw === 'string' && col.locale !== null) {
        const v = plainAmount(raw, col.unit, col.locale);
        if (v !== null) return { value: v, problem: null };
      }
      const r = parseAmount(text, { unit: col.unit, locale });
      if (!r.ok) return { value: null, problem: r.error };
      if (r.value.blank) return BLANK;
      if (typeof raw !== 'number' && r.value.ambiguous && col.locale === null)
        return { value: null, problem: { code: 'import.cell-ambiguous', params: { text } }, ambiguous: true };
      return { value: r.value.value, problem: null };
    }
    case 'rate':
    case 'expectedRate': {
      if (typeof raw === 'number') return { value: Number((percent ? raw * 100 : raw).toPrecision(15)), problem: null };
      const r = parseRate(text, { locale: col.locale ?? 'vi' });
      if (!r.ok) return { value: null, problem: r.error };
      if (r.value.blank) return BLANK;
      if (r.value.ambiguous && col.locale === null) return { value: null, problem: { code: 'import.cell-ambiguous', params: { text } }, ambiguous: true };
      return { value: r.value.value, problem: null };
    }
    case 'asOf': {
      if (typeof raw === 'number') {
        // A date Excel stored as its serial number (a cell without a date format).
        if (!Number.isInteger(raw) || raw < 1 || raw > 2958465) return { value: null, problem: { code: 'date.invalid', params: { text } } };
        const d = new Date(EXCEL_EPOCH + raw * 86_400_000);
        return { value: `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`, problem: null };
      }
      const r = parseDate(text);
      return r.ok ? { value: r.value, problem: null } : { value: null, problem: r.error };
    }
    case 'source':
    case 'capital':
    case 'vintage': {
      if (/^\s*[-–—]?\s*$/.test(text)) return BLANK;
      const r = col.field === 'source' ? parseSource(text) : col.field === 'capital' ? parseCapital(text) : parseYear(text);
      return r.ok ? { value: r.value, problem: null } : { value: null, problem: r.error };
    }
    default: {
      // Text a CSV writer made inert for spreadsheets ('=…, '-…, as io/export-csv does) reads as written.
      const t = normalizeText(text.replace(/^'(?=[=+\-@\t\r])/, ''));
      return { value: t || null, problem: null };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Columns and cells

/** Where each field's columns are under one mapping (a field's later duplicates left out). */
export interface Columns {
  roles: ColumnRole[];
  stt: number | null;
  code: number | null;
  name: number | null;
  unit: number | null;
  source: number | null;
  capital: number | null;
  vintage: number | null;
  asOf: number | null;
  labels: number[];
  plan: number[];
  disbursed: number[];
  rate: number | null;
  expected: number | null;
  /** Money expected by year end: the expected rate is its share of the row's plan. */
  expectedAmount: number | null;
  statedPlan: number | null;
  statedDisbursed: number | null;
  duplicates: number[];
}

export function locateColumns(roles: ColumnRole[], table: DetectedTable, hidden?: ReadonlySet<number>): Columns {
  const duplicates = duplicateColumns(roles, hidden);
  const all = (field: ImportField) => roles.flatMap((role, c) => (role.field === field && !duplicates.includes(c) ? [c] : []));
  const first = (field: ImportField): number | null => all(field)[0] ?? null;
  return {
    roles,
    stt: table.sttColumn ?? first('stt'),
    code: first('code'),
    name: first('name'),
    unit: first('unit'),
    source: first('source'),
    capital: first('capital'),
    vintage: first('vintage'),
    asOf: first('asOf'),
    labels: roles.flatMap((role, c) => (role.field === 'label' ? [c] : [])),
    plan: all('plan'),
    disbursed: all('disbursed'),
    rate: first('rate'),
    expected: first('expectedRate'),
    expectedAmount: first('expectedAmount'),
    statedPlan: first('statedPlan'),
    statedDisbursed: first('statedDisbursed'),
    duplicates,
  };
}

// Text columns repeat their values (units, sources, codes): each distinct value is read once.
const MEMO_LIMIT = 4096;

/** Reads a sheet's cells by their column's role: text fields through vertical merges (a unit
 * merged over three rows applies to each), amounts only where they are written. An amount column
 * is read once, on first use, over the rows given (the table's body), and kept as numbers: the
 * reading asks for the same amounts many times (its shape, its sums, its lines, its checks). */
export class CellReader {
  private origins: Map<number, [number, number]>;
  private memo: (Map<CellValue, Read> | null)[];
  /** Per amount column: the đồng of each row of the range (NaN: blank or unreadable), and which
   * rows could not be read. */
  private amounts: (Float64Array | null)[];
  private unreadable: (Uint8Array | null)[];
  private first: number;
  private last: number;

  constructor(
    private sheet: Sheet,
    private readers: ColumnReader[],
    range: { first: number; last: number } = { first: 0, last: sheet.rows.length - 1 },
  ) {
    this.origins = mergeOrigins(sheet);
    this.memo = readers.map((r) => (NUMERIC_FIELDS.has(r.field) ? null : new Map()));
    this.amounts = readers.map(() => null);
    this.unreadable = readers.map(() => null);
    this.first = range.first;
    this.last = Math.max(range.first - 1, range.last);
  }

  raw(r: number, c: number): CellValue {
    return this.sheet.rows[r]?.[c] ?? null;
  }

  read(r: number, c: number): Read {
    const memo = this.memo[c];
    if (memo === null) {
      if (AMOUNT_FIELDS.has(this.readers[c]?.field) && r >= this.first && r <= this.last) {
        const v = this.amount(r, c);
        if (v !== null) return { value: v, problem: null };
        if (!this.unreadable[c]![r - this.first]) return BLANK;
      }
      return readCellValue(this.raw(r, c), this.readers[c], this.sheet.percentCells?.has(cellKey(r, c)) ?? false);
    }
    const origin = this.origins.size ? this.origins.get(cellKey(r, c)) : undefined;
    const v = origin ? this.raw(origin[0], origin[1]) : this.raw(r, c);
    let got = memo.get(v);
    if (!got) {
      got = readCellValue(v, this.readers[c], false);
      if (memo.size < MEMO_LIMIT) memo.set(v, got);
    }
    return got;
  }

  /** An amount column's cell in đồng; null when blank or unreadable (read() says why). */
  amount(r: number, c: number): number | null {
    if (r < this.first || r > this.last) {
      const v = readCellValue(this.raw(r, c), this.readers[c], false).value;
      return typeof v === 'number' ? v : null;
    }
    let col = this.amounts[c];
    if (!col) col = this.readAmounts(c);
    const v = col[r - this.first];
    return Number.isNaN(v) ? null : v;
  }

  private readAmounts(c: number): Float64Array {
    const n = this.last - this.first + 1;
    const col = new Float64Array(n).fill(NaN);
    const bad = new Uint8Array(n);
    const reader = this.readers[c];
    for (let k = 0; k < n; k++) {
      const raw = this.raw(this.first + k, c);
      if (raw === null) continue;
      if (typeof raw === 'number' && Number.isSafeInteger(raw) && UNIT_EXPONENT[reader.unit] === 0) {
        col[k] = raw;
        continue;
      }
      const got = readCellValue(raw, reader, false);
      if (typeof got.value === 'number') col[k] = got.value;
      else if (got.problem) bad[k] = 1;
    }
    this.amounts[c] = col;
    this.unreadable[c] = bad;
    return col;
  }

  /** Whether a column is read as amounts in the body (its cells as numbers, no objects). */
  isAmount(c: number): boolean {
    return AMOUNT_FIELDS.has(this.readers[c]?.field);
  }

  /** Whether an amount column's cell in the body holds text that could not be read. */
  unreadableAt(r: number, c: number): boolean {
    if (r < this.first || r > this.last) return false;
    if (!this.amounts[c]) this.readAmounts(c);
    return this.unreadable[c]![r - this.first] === 1;
  }

  /** Whether an amount column's cell holds something: an amount, or text that could not be read. */
  holds(r: number, c: number): boolean {
    if (r < this.first || r > this.last) return this.raw(r, c) !== null;
    if (!this.amounts[c]) this.readAmounts(c);
    return !Number.isNaN(this.amounts[c]![r - this.first]) || this.unreadable[c]![r - this.first] === 1;
  }

  /** A text column's cell, normalised ('' for no column). */
  text(r: number, c: number | null): string {
    return c === null ? '' : String(this.read(r, c).value ?? '');
  }
}

/** The cells of one row, each read once; an unreadable cell is reported when first read. */
export class RowCells {
  row = -1;
  private reads: (Read | undefined)[];

  constructor(
    private reader: CellReader,
    width: number,
    private report: (row: number, col: number, read: Read) => void,
  ) {
    this.reads = new Array(width);
  }

  start(row: number): void {
    this.row = row;
    this.reads.fill(undefined);
  }

  get(c: number): Read {
    let v = this.reads[c];
    if (v === undefined) {
      v = this.reader.read(this.row, c);
      this.reads[c] = v;
      if (v.problem && !v.ambiguous) this.report(this.row, c, v);
    }
    return v;
  }

  num(c: number | null): number | null {
    if (c === null) return null;
    // Amounts come straight from their column's numbers; only a cell that could not be read is
    // read again, for its problem.
    if (this.reader.isAmount(c)) {
      const v = this.reader.amount(this.row, c);
      if (v === null && this.reader.unreadableAt(this.row, c)) this.get(c);
      return v;
    }
    return this.get(c).value as number | null;
  }

  bad(c: number | null): boolean {
    if (c === null) return false;
    if (this.reader.isAmount(c)) return this.reader.unreadableAt(this.row, c) && this.get(c).problem !== null;
    return this.get(c).problem !== null;
  }

  /** The sum of the columns' values, undefined when all are blank. */
  sum(cols: readonly number[], pick: (c: number) => boolean = () => true): number | undefined {
    let s: number | undefined;
    for (const c of cols) {
      const v = this.num(c);
      if (v !== null && pick(c)) s = (s ?? 0) + v;
    }
    return s;
  }
}

/** What a column's written numbers say of their format: how many read only as vi-VN, only as
 * en, and the first that reads both ways. */
export interface LocaleEvidence {
  vi: number;
  en: number;
  ambiguous: string | null;
}

const EVIDENCE_ENOUGH = 256;

/** The evidence of each column, from the text cells of the table's body. */
export function columnEvidence(columns: readonly number[], table: DetectedTable, reader: CellReader): Map<number, LocaleEvidence> {
  const out = new Map<number, LocaleEvidence>();
  for (const c of columns) {
    const e: LocaleEvidence = { vi: 0, en: 0, ambiguous: null };
    for (const { row, kind } of table.rows) {
      if (kind === 'blank') continue;
      const v = reader.raw(row, c);
      // Numbers stored as numbers, and digits with no mark, say nothing.
      if (typeof v !== 'string' || !/[.,]/.test(v)) continue;
      const said = localeEvidence(v);
      if (said) e[said]++;
      else if (e.ambiguous === null && isAmbiguousText(v)) e.ambiguous = normalizeText(v);
      // A few hundred numbers that say one thing settle the column; the rest would say it again.
      if (e.vi + e.en >= EVIDENCE_ENOUGH && (e.vi === 0 || e.en === 0)) break;
    }
    out.set(c, e);
  }
  return out;
}

/** What the user or the caller said of number formats. */
export interface LocaleChoices {
  /** The file's number format when the user knows it. */
  locale?: NumberLocale;
  /** Per column (0-based), the number format the user chose. */
  columnLocales?: Readonly<Record<number, NumberLocale>>;
}

/** The locale of each numeric column: the user's choice, the column's own evidence, the caller's,
 * else the one reading under which the file's own totals add up (`byTotals`), else the rest of the
 * sheet's (both with a warning); a column still undecided that holds ambiguous values is reported
 * for the user to choose. */
export function decideLocales(
  cols: Columns,
  table: DetectedTable,
  reader: CellReader,
  options: LocaleChoices,
  report: (p: ImportProblem) => void,
  byTotals: (c: number) => NumberLocale | null = () => null,
  known?: ReadonlyMap<number, LocaleEvidence>,
): { locales: (NumberLocale | null)[]; ambiguousColumns: number[] } {
  const numeric = cols.roles.flatMap((role, c) => (NUMERIC_FIELDS.has(role.field) ? [c] : []));
  const evidence = known ?? columnEvidence(numeric, table, reader);
  let vi = 0;
  let en = 0;
  for (const c of numeric) {
    const e = evidence.get(c);
    if (e) [vi, en] = [vi + e.vi, en + e.en];
  }
  const sheetLocale: NumberLocale | null = vi > en ? 'vi' : en > vi ? 'en' : null;
  const locales: (NumberLocale | null)[] = cols.roles.map(() => null);
  const ambiguousColumns: number[] = [];
  for (const c of numeric) {
    const e = evidence.get(c) ?? { vi: 0, en: 0, ambiguous: null };
    const column = table.headers[c] || `#${c + 1}`;
    let locale = options.columnLocales?.[c] ?? (e.vi > e.en ? 'vi' : e.en > e.vi ? 'en' : null) ?? options.locale ?? null;
    if (locale === null && e.ambiguous !== null) {
      locale = byTotals(c);
      if (locale !== null)
        report(
          fileProblem({ code: 'import.locale-from-totals', params: { column, locale: locale === 'vi' ? 'vi-VN' : 'en', example: e.ambiguous } }, 'warning', table.sheet, c),
        );
    }
    if (locale === null && e.ambiguous !== null && sheetLocale !== null) {
      locale = sheetLocale;
      report(
        fileProblem({ code: 'import.locale-from-file', params: { column, locale: sheetLocale === 'vi' ? 'vi-VN' : 'en', example: e.ambiguous } }, 'warning', table.sheet, c),
      );
    }
    if (locale === null && e.ambiguous !== null) {
      ambiguousColumns.push(c);
      report(fileProblem({ code: 'import.locale-ambiguous', params: { column, example: e.ambiguous } }, 'error', table.sheet, c));
    }
    locales[c] = locale;
  }
  return { locales, ambiguousColumns };
}

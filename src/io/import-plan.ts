// Applies a column mapping to a detected table: the workbook's nodes each row names (by code, else
// by the project/sub-project named in the text, else by folded name; new nodes placed by the STT
// depth), the lines of the rows that are leaves in the file, the stated figures of group rows and
// total rows, and every cell it could not read, by sheet, row and column. Nothing is silently
// fixed: an unreadable cell is imported blank and marked, an ambiguous locale is asked, not
// guessed. readImport runs the whole pipeline from a file's bytes; it is pure (no DOM, no
// database), returns plain data, reports progress and stops on an AbortSignal, so a worker can
// expose it as it is.

import type {
  AmountUnit,
  CapitalType,
  Id,
  Line,
  LineField,
  NumberLocale,
  Problem,
  Place,
  Result,
  Source,
  StatedFigures,
  TreeNode,
} from '../domain/model';
import { fail, ok } from '../domain/model';
import { parseAmount, parseDate, parseRate, UNIT_EXPONENT } from '../domain/amount';
import { parseCapital, parseSource, parseYear } from '../domain/cell-input';
import { foldForMatch, foldToKey, normalizeText } from '../domain/text';
import { newId } from '../domain/ids';
import type { ColumnMapping, ColumnRole, ImportField } from './column-map';
import { AMOUNT_FIELDS, NUMERIC_FIELDS, chooseMapping, codeInName, duplicateColumns, guessMapping } from './column-map';
import type { DetectedTable, RowKind } from './table-detect';
import { detectTable } from './table-detect';
import type { CellValue, ImportProblem, ProgressOptions, Sheet } from './import-types';
import { cellKey, cellProblem, fileProblem, yieldToEventLoop } from './import-types';
import type { SheetFile } from './sheet';
import { mergeOrigins, readSheets } from './sheet';

/** What an import needs to know of the workbook it goes into. */
export interface WorkbookContext {
  workbookId: Id;
  /** The plan year: the vintage of money whose year the file does not state. */
  year: number;
  /** The workbook's tree, to match rows against. */
  nodes: readonly TreeNode[];
  /** The workbook's places: a row naming one under an item is a line of that item in that place. */
  places?: readonly Pick<Place, 'id' | 'name'>[];
}

export interface ImportOptions extends ProgressOptions {
  /** The sheet to read (default: the first that holds a table). */
  sheet?: string;
  /** The mapping to apply, one role per column (default: a saved one for the headers, or the guess). */
  mapping?: readonly ColumnRole[];
  /** Saved mappings by template key (ColumnMapping.templateKey). */
  savedMappings?: Readonly<Record<string, readonly ColumnRole[]>>;
  /** The file's number format when the user knows it. */
  locale?: NumberLocale;
  /** Per column (0-based), the number format the user chose (the answer to import.locale-ambiguous). */
  columnLocales?: Readonly<Record<number, NumberLocale>>;
  /** The unit of amounts when the file states none (default đồng, with a warning). */
  unit?: AmountUnit;
  /** Source, capital type and vintage of lines whose row and header do not state them
   * (default: central, recurrent, the workbook's year). */
  defaults?: { source?: Source; capital?: CapitalType; vintage?: number };
  /** How many rows the preview shows (default 20). */
  previewRows?: number;
}

/** A node a row names: one of the workbook's, or a new one (fresh id) to add. */
export interface ImportedNode {
  node: TreeNode;
  status: 'matched' | 'new';
  matchedBy: 'code' | 'name' | null;
  /** 1-based row where the file first names it. */
  row: number;
  /** Figures a group row states for this node (its amounts are totals of the rows below). */
  stated?: StatedFigures;
}

/** A line read from one row. `invalid` lists the fields whose cells could not be read (imported
 * with their default and marked). */
export interface ImportedLine {
  line: Line;
  /** 1-based row of the sheet. */
  row: number;
  invalid: LineField[];
}

/** A total row: figures the file states for the whole table or for a group, never a line. */
export interface StatedTotal {
  row: number;
  label: string;
  scope: 'table' | 'group';
  /** The group's node for a "Cộng" row; null for the table. */
  nodeId: Id | null;
  /** Set on a breakdown row under a total ("- NSTW"). */
  source: Source | null;
  figures: StatedFigures;
}

/** One cell of the preview: as written, as it will be read, and what is wrong with it. */
export interface PreviewCell {
  raw: CellValue;
  /** đồng for amounts, percent for rates, ISO for dates, the code of a source or capital type,
   * normalised text otherwise; null when blank or unreadable. */
  value: string | number | null;
  problem: Problem | null;
}

export interface PreviewRow {
  row: number;
  /** 'group' is an item row with rows below it: its amounts are read as stated figures. */
  kind: RowKind | 'group';
  level: number | null;
  node: { id: Id; code: string; name: string; status: 'matched' | 'new' } | null;
  cells: PreviewCell[];
}

export interface ImportPlan {
  nodes: ImportedNode[];
  lines: ImportedLine[];
  totals: StatedTotal[];
  problems: ImportProblem[];
  /** The number format each column was read with (null: not numeric, or not decided). */
  locales: (NumberLocale | null)[];
  /** The unit each amount column was read in (null: not an amount column). */
  units: (AmountUnit | null)[];
  /** Columns the user must give a locale for (import.locale-ambiguous). */
  ambiguousColumns: number[];
  preview: PreviewRow[];
}

// ---------------------------------------------------------------------------------------------
// Reading cells

/** A number as the shortest decimal text of its 15 significant digits (Excel's precision), so
 * 77.04 stays "77.04" and a sum's 13391.999999999998 becomes "13392". */
function numberText(n: number): string {
  const y = Number(n.toPrecision(15));
  const s = String(y);
  if (!s.includes('e')) return s;
  return Math.abs(y) >= 1 ? BigInt(Math.round(y)).toString() : y.toFixed(20).replace(/\.?0+$/, '');
}

/** The locale a written number shows: a decimal comma or several grouping dots say vi, the
 * reverse say en; "1.234" alone says nothing. */
function localeEvidence(text: string): NumberLocale | null {
  const core = /\d[\d.,]*/.exec(text.replace(/[\s\u00a0]/g, ''))?.[0].replace(/[.,]+$/, '');
  if (!core) return null;
  const dots = core.split('.').length - 1;
  const commas = core.split(',').length - 1;
  if (dots && commas) return core.lastIndexOf(',') > core.lastIndexOf('.') ? 'vi' : 'en';
  if (dots > 1) return 'vi';
  if (commas > 1) return 'en';
  if (dots + commas === 1) {
    const [int, frac] = core.split(/[.,]/);
    if (frac.length !== 3 || int.length > 3 || int.startsWith('0')) return dots ? 'en' : 'vi';
  }
  return null;
}

const isAmbiguousText = (text: string): boolean => {
  const core = /\d[\d.,]*/.exec(text.replace(/[\s\u00a0]/g, ''))?.[0];
  return core !== undefined && /^[1-9]\d{0,2}[.,]\d{3}$/.test(core);
};

type Read = { value: string | number | null; problem: Problem | null; ambiguous?: boolean };
const BLANK: Read = { value: null, problem: null };

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const pad2 = (n: number) => String(n).padStart(2, '0');

/** Everything needed to read one column's cells. */
interface ColumnReader {
  field: ImportField;
  unit: AmountUnit;
  locale: NumberLocale | null;
}

// A plain number in a known locale ("5436", "617,5" in vi, "617.5" in en): most cells of a big
// file. Read here without the general parser's unit words and grouping rules.
const PLAIN_NUMBER: Record<NumberLocale, RegExp> = { vi: /^(\d{1,16})(?:,(\d{1,16}))?$/, en: /^(\d{1,16})(?:\.(\d{1,16}))?$/ };

/** The đồng of a plain number written in `unit` and `locale`, exactly as parseAmount reads it;
 * null for any other text, or a value parseAmount refuses (finer than 1 đồng, beyond 2^53). */
export function plainAmount(text: string, unit: AmountUnit, locale: NumberLocale): number | null {
  const m = PLAIN_NUMBER[locale].exec(text);
  if (!m) return null;
  const exponent = UNIT_EXPONENT[unit];
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > exponent) return null;
  const v = Number(m[1] + frac.padEnd(exponent, '0'));
  return Number.isSafeInteger(v) ? v : null;
}

function readCellValue(raw: CellValue, col: ColumnReader, percent: boolean): Read {
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
      const locale = typeof raw === 'number' ? 'en' : col.locale ?? 'vi';
      if (typeof raw === 'string' && col.locale !== null) {
        const v = plainAmount(raw, col.unit, col.locale);
        if (v !== null) return { value: v, problem: null };
      }
      const r = parseAmount(text, { unit: col.unit, locale });
      if (!r.ok) return { value: null, problem: r.error };
      if (r.value.blank) return BLANK;
      if (typeof raw !== 'number' && r.value.ambiguous && col.locale === null) return { value: null, problem: { code: 'import.cell-ambiguous', params: { text } }, ambiguous: true };
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
// Matching rows to the tree

/** The name without a leading "Dự án 3:", "Tiểu dự án 1 -", "DA3.TDA1" or "1." prefix. */
const bareName = (name: string): string =>
  normalizeText(name)
    .replace(/^(?:(?:tiểu\s+)?dự\s+án|t?da)\s*\d+(?:\s*[-–:,.]?\s*(?:tiểu\s+dự\s+án|tda)\s*\d+)?\s*[:.\-–]?\s*/iu, '')
    .replace(/^da\d+(?:\.tda\d+)?\s*[:.\-–]?\s*/iu, '')
    .replace(/^(?:[IVXLCDM]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)]\s+/u, '')
    .trim();

// A folded name that codeInName or bareName could read differently: a project word or a numbering.
const ITEM_PREFIX = /^(?:tiểu dự án|dự án|t?da|[ivxlcdm]+\s*[.)]|\d|[a-zđ]\s*[.)])/u;

/** The workbook's tree, indexed for matching. */
class TreeIndex {
  readonly byId = new Map<Id, TreeNode>();
  private byCode = new Map<string, TreeNode>();
  private byName = new Map<string, TreeNode[]>();
  private nextOrder = new Map<Id | null, number>();
  private codeKeys = new Map<string, string>();

  constructor(nodes: readonly TreeNode[]) {
    for (const n of nodes) this.add(n);
  }

  add(n: TreeNode): void {
    this.byId.set(n.id, n);
    const code = foldToKey(n.code);
    if (code && !this.byCode.has(code)) this.byCode.set(code, n);
    for (const key of new Set([foldForMatch(n.name), foldForMatch(bareName(n.name))])) {
      if (!key) continue;
      const list = this.byName.get(key) ?? [];
      list.push(n);
      this.byName.set(key, list);
    }
    this.nextOrder.set(n.parentId, Math.max(this.nextOrder.get(n.parentId) ?? 0, n.order + 1));
  }

  code(code: string): TreeNode | undefined {
    let key = this.codeKeys.get(code);
    if (key === undefined) {
      key = foldToKey(code);
      if (this.codeKeys.size < 4096) this.codeKeys.set(code, key);
    }
    return this.byCode.get(key);
  }

  /**
   * A node by name: the one under `parentId` first. Else the only one of the nodes the workbook had
   * (`had`) that lies inside the nearest of the row's file ancestors the workbook had too: a district
   * listed under two projects is two nodes, never the first project's twice.
   */
  name(name: string, parentId: Id | null, had: (id: Id) => boolean): TreeNode | undefined {
    const candidates = new Set<TreeNode>();
    for (const key of [foldForMatch(name), foldForMatch(bareName(name))]) for (const n of this.byName.get(key) ?? []) candidates.add(n);
    const list = [...candidates];
    const under = list.find((n) => n.parentId === parentId);
    if (under) return under;
    const scope = parentId === null ? null : [parentId, ...this.ancestorsOf(parentId)].find(had) ?? null;
    const pool = list.filter((n) => had(n.id) && (scope === null || this.ancestorsOf(n.id).includes(scope)));
    return pool.length === 1 ? pool[0] : undefined;
  }

  /** Whether a name names one of the tree's items, by the code it states or by name anywhere.
   * Folds the name once; only a name with a prefix ("Dự án 3:", "1.", "a)") is read further. */
  namesItem(name: string): boolean {
    const key = foldForMatch(name);
    if (this.byName.has(key)) return true;
    if (!ITEM_PREFIX.test(key)) return false;
    const implied = codeInName(name, null);
    return (implied !== null && this.code(implied) !== undefined) || this.byName.has(foldForMatch(bareName(name)));
  }

  /** The parent a new code implies: the longest existing code it extends (DA3.TDA1.x → DA3.TDA1). */
  parentByCode(code: string): TreeNode | undefined {
    const parts = code.split('.');
    for (let k = parts.length - 1; k > 0; k--) {
      const p = this.code(parts.slice(0, k).join('.'));
      if (p) return p;
    }
    return undefined;
  }

  takeOrder(parentId: Id | null): number {
    const o = this.nextOrder.get(parentId) ?? 0;
    this.nextOrder.set(parentId, o + 1);
    return o;
  }

  /** Ids of a node's ancestors, nearest first (a cycle in a damaged tree stops the walk). */
  ancestorsOf(id: Id): Id[] {
    const out: Id[] = [];
    for (let n = this.byId.get(id); n && n.parentId !== null && !out.includes(n.parentId); n = this.byId.get(n.parentId)) out.push(n.parentId);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Columns and cells

/** Where each field's columns are under one mapping (a field's later duplicates left out). */
interface Columns {
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

function locateColumns(roles: ColumnRole[], table: DetectedTable): Columns {
  const duplicates = duplicateColumns(roles);
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
 * merged over three rows applies to each), amounts only where they are written. */
class CellReader {
  private origins: Map<number, [number, number]>;
  private memo: (Map<CellValue, Read> | null)[];

  constructor(
    private sheet: Sheet,
    private readers: ColumnReader[],
  ) {
    this.origins = mergeOrigins(sheet);
    this.memo = readers.map((r) => (NUMERIC_FIELDS.has(r.field) ? null : new Map()));
  }

  raw(r: number, c: number): CellValue {
    return this.sheet.rows[r]?.[c] ?? null;
  }

  read(r: number, c: number): Read {
    const memo = this.memo[c];
    if (memo === null) return readCellValue(this.raw(r, c), this.readers[c], this.sheet.percentCells?.has(cellKey(r, c)) ?? false);
    const origin = this.origins.size ? this.origins.get(cellKey(r, c)) : undefined;
    const v = origin ? this.raw(origin[0], origin[1]) : this.raw(r, c);
    let got = memo.get(v);
    if (!got) {
      got = readCellValue(v, this.readers[c], false);
      if (memo.size < MEMO_LIMIT) memo.set(v, got);
    }
    return got;
  }

  /** A text column's cell, normalised ('' for no column). */
  text(r: number, c: number | null): string {
    return c === null ? '' : String(this.read(r, c).value ?? '');
  }
}

/** The cells of one row, each read once; an unreadable cell is reported when first read. */
class RowCells {
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
    return c === null ? null : (this.get(c).value as number | null);
  }

  bad(c: number | null): boolean {
    return c !== null && this.get(c).problem !== null;
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

/** The locale of each numeric column: the user's choice, the column's own evidence, the caller's,
 * else the rest of the sheet's (with a warning); a column still undecided that holds ambiguous
 * values is reported for the user to choose. */
function decideLocales(
  cols: Columns,
  table: DetectedTable,
  reader: CellReader,
  options: ImportOptions,
  report: (p: ImportProblem) => void,
): { locales: (NumberLocale | null)[]; ambiguousColumns: number[] } {
  const dataRows = table.rows.filter((r) => r.kind !== 'blank');
  const numeric = cols.roles.flatMap((role, c) => (NUMERIC_FIELDS.has(role.field) ? [c] : []));
  const evidence = new Map<number, { vi: number; en: number; ambiguous: string | null }>();
  for (const c of numeric) {
    const e = { vi: 0, en: 0, ambiguous: null as string | null };
    for (const { row } of dataRows) {
      const v = reader.raw(row, c);
      if (typeof v !== 'string') continue;
      const said = localeEvidence(v);
      if (said) e[said]++;
      else if (e.ambiguous === null && isAmbiguousText(v)) e.ambiguous = normalizeText(v);
    }
    evidence.set(c, e);
  }
  let vi = 0;
  let en = 0;
  for (const e of evidence.values()) [vi, en] = [vi + e.vi, en + e.en];
  const sheetLocale: NumberLocale | null = vi > en ? 'vi' : en > vi ? 'en' : null;
  const locales: (NumberLocale | null)[] = cols.roles.map(() => null);
  const ambiguousColumns: number[] = [];
  for (const c of numeric) {
    const e = evidence.get(c)!;
    const column = table.headers[c] || `#${c + 1}`;
    let locale = options.columnLocales?.[c] ?? (e.vi > e.en ? 'vi' : e.en > e.vi ? 'en' : null) ?? options.locale ?? null;
    if (locale === null && e.ambiguous !== null && sheetLocale !== null) {
      locale = sheetLocale;
      report(fileProblem({ code: 'import.locale-from-file', params: { column, locale: sheetLocale === 'vi' ? 'vi-VN' : 'en', example: e.ambiguous } }, 'warning', table.sheet, c));
    }
    if (locale === null && e.ambiguous !== null) {
      ambiguousColumns.push(c);
      report(fileProblem({ code: 'import.locale-ambiguous', params: { column, example: e.ambiguous } }, 'error', table.sheet, c));
    }
    locales[c] = locale;
  }
  return { locales, ambiguousColumns };
}

// ---------------------------------------------------------------------------------------------
// Rows → nodes

interface Placement {
  /** The node of each item row (0-based sheet row). */
  rowNode: Map<number, Id>;
  imported: Map<Id, ImportedNode>;
  /** Nodes with another row's node below them: their rows state totals. */
  groupNodes: Set<Id>;
  /** The group a "Cộng" row closes. */
  groupOfTotal: Map<number, Id | null>;
  /** Rows without a code listed under a coded row: lines of its item (see placeRows). */
  lineRows: Set<number>;
  /** Coded rows with such lines under them: their figures are the sums of those lines. */
  headingRows: Set<number>;
  /** Rows naming a place (a district, a commune) under an item: lines of that item, each labelled
   * with the place and in it when the workbook has the place; their item's row states its total. */
  placeLines: Map<number, Id | null>;
  /** Place rows with deeper place rows below (a district over its communes), or with their money
   * broken down on the rows below: subtotals, no line. */
  placeHeadings: Set<number>;
  /** Rows breaking the row above down by source or capital type ("- Vốn ĐTPT", "- NSTW"): lines of
   * that row's item with that split (and that row's place); the row above states their total. */
  breakdowns: Map<number, Breakdown>;
  /** Rows in a district's section (a district over the program's items): the district. Their lines
   * are in it; their items' rows state nothing for the whole item. */
  rowPlace: Map<number, { label: string; id: Id | null }>;
}

interface Breakdown {
  source?: Source;
  capital?: CapitalType;
  /** The label and place of the row broken down, when it is a place's row. */
  label: string;
  placeId: Id | null;
}

/** The node of each item row: by code, by the code its name states, by name (under the parent
 * the STT depth gives first), else a new node under that parent. A row without numbering in a
 * numbered table is another line of the row above when it repeats its name or has none, else a
 * detail one level below the last numbered row. In a table with codes and no numbering, a row
 * without a code whose name names no item, under a coded row, is a line of that row's item (the
 * app's own export lists each item's lines so, their descriptions in the name column). */
function placeRows(table: DetectedTable, cols: Columns, reader: CellReader, context: WorkbookContext, report: (p: ImportProblem) => void): Placement {
  const tree = new TreeIndex(context.nodes);
  const workbookIds = new Set(context.nodes.map((n) => n.id));
  const imported = new Map<Id, ImportedNode>();
  const newByParentName = new Map<string, TreeNode>();
  const rowNode = new Map<number, Id>();
  const groupOfTotal = new Map<number, Id | null>();
  const siblings = new Map<Id | null, number>();
  /** The open rows by depth: an item's node and row, or a place's (its item's node, the place). */
  const stack: { depth: number; nodeId: Id | null; row: number | null; place?: { label: string; id: Id | null; row: number } }[] = [];
  /** Rows inside a district's section at the top of the table (a district over its projects): the
   * district their lines are in. */
  const rowPlace = new Map<number, { label: string; id: Id | null }>();
  let prev: { name: string; nodeId: Id } | null = null;
  let lastNumberedDepth = -1;
  const listsLines = cols.stt === null && cols.code !== null;
  const lineRows = new Set<number>();
  const headingRows = new Set<number>();
  let lastCoded: { row: number; nodeId: Id } | null = null;
  const placeLines = new Map<number, Id | null>();
  const placeHeadings = new Set<number>();
  const places = new PlaceIndex(context.places ?? []);
  const breakdowns = new Map<number, Breakdown>();
  /** The last item or place row that was not a breakdown: what a breakdown row splits. */
  let head: { row: number; nodeId: Id; place: { label: string; id: Id | null } | null } | null = null;
  // The numbering depth of the next item row after each row (null: none, or not numbered).
  const nextLevel: (number | null)[] = new Array(table.rows.length).fill(null);
  for (let i = table.rows.length - 2, next: number | null = null; i >= 0; i--) {
    const after = table.rows[i + 1];
    if (after.kind === 'item') next = after.level;
    nextLevel[i] = next;
  }

  for (let i = 0; i < table.rows.length; i++) {
    const tr = table.rows[i];
    if (tr.kind === 'total') {
      groupOfTotal.set(tr.row, tr.scope === 'group' ? stack[0]?.nodeId ?? null : null);
      head = null;
    }
    if (tr.kind !== 'item') continue;
    const r = tr.row;
    const code = reader.text(r, cols.code);
    const name = reader.text(r, cols.name);
    if (listsLines && !code && lastCoded && !(name && tree.namesItem(name))) {
      rowNode.set(r, lastCoded.nodeId);
      lineRows.add(r);
      headingRows.add(lastCoded.row);
      head = null;
      continue;
    }
    // "Trong đó:" alone captions the breakdown below: neither an item nor a line.
    if (!code && BREAKDOWN_CAPTION.test(normalizeText(name))) continue;
    const split = !code && name && head ? breakdownOf(name) : null;
    if (split && head) {
      rowNode.set(r, head.nodeId);
      breakdowns.set(r, { ...split, label: head.place?.label ?? '', placeId: head.place?.id ?? null });
      if (head.place) {
        placeLines.delete(head.row);
        breakdowns.delete(head.row);
        placeHeadings.add(head.row);
      } else headingRows.add(head.row);
      continue;
    }
    let depth: number | null = tr.level;
    if (depth === null && cols.stt !== null && prev) {
      if (!code && (!name || foldForMatch(name) === foldForMatch(prev.name))) {
        rowNode.set(r, prev.nodeId);
        continue;
      }
      depth = lastNumberedDepth + 1;
    } else if (depth === null && cols.stt !== null) depth = 0;
    if (tr.level !== null) lastNumberedDepth = tr.level;
    if (depth !== null) while (stack.length && stack[stack.length - 1].depth >= depth) stack.pop();
    const fileParentId = depth !== null ? stack[stack.length - 1]?.nodeId ?? null : null;
    const fileParent = fileParentId ? tree.byId.get(fileParentId) ?? null : null;
    const section = stack.find((e) => e.nodeId === null && e.place)?.place;

    // A district heading a section of the program's items ("I. Huyện Bình Gia" over "1. Dự án 1",
    // "2. Dự án 2"): its items' money is in that district; its own row is their subtotal.
    if (!code && name && fileParentId === null && depth !== null && tr.level !== null && !tree.namesItem(name)) {
      const place = places.find(name);
      const next = nextLevel[i];
      if (place !== undefined && next !== null && next > tr.level) {
        placeHeadings.add(r);
        stack.push({ depth, nodeId: null, row: null, place: { label: name, id: place, row: r } });
        head = null;
        prev = null;
        continue;
      }
    }
    if (section) rowPlace.set(r, { label: section.label, id: section.id });

    // A district or commune listed under an item: that item's money there, not a new item.
    if (!code && name && fileParentId !== null && depth !== null && !tree.namesItem(name)) {
      const place = places.find(name);
      if (place !== undefined) {
        const itemRow = stack[stack.length - 1].row;
        rowNode.set(r, fileParentId);
        if (itemRow !== null) headingRows.add(itemRow);
        const next = nextLevel[i];
        if (tr.level !== null && next !== null && next > tr.level) placeHeadings.add(r);
        else placeLines.set(r, place);
        head = { row: r, nodeId: fileParentId, place: { label: name, id: place } };
        // Rows below a district (its communes, its works) stay with the same item.
        stack.push({ depth, nodeId: fileParentId, row: null, place: { label: name, id: place, row: r } });
        prev = { name, nodeId: fileParentId };
        continue;
      }
      // A work listed under a commune ("Đường giao thông thôn Nà Pàn" under "Xã Hữu Khánh"): a line
      // of the item in that place, labelled with the work (and the place, when the workbook has none).
      const inPlace = stack[stack.length - 1]?.place;
      if (inPlace && fileParentId !== null) {
        // The place's own row then totals its works.
        if (placeLines.delete(inPlace.row)) placeHeadings.add(inPlace.row);
        rowNode.set(r, fileParentId);
        const label = inPlace.id ? name : `${name} (${inPlace.label})`;
        breakdowns.set(r, { label, placeId: inPlace.id });
        head = { row: r, nodeId: fileParentId, place: { label, id: inPlace.id } };
        prev = { name, nodeId: fileParentId };
        continue;
      }
    }

    let node = code ? tree.code(code) : undefined;
    let matchedBy: ImportedNode['matchedBy'] = node ? 'code' : null;
    const implied = !node && name ? codeInName(name, fileParent?.code ?? null) : null;
    if (!node && name) {
      node = (implied ? tree.code(implied) : undefined) ?? tree.name(name, fileParentId, (id) => workbookIds.has(id));
      if (node) matchedBy = 'name';
    }
    // A new node named twice under the same parent is one node.
    const sameKey = node ? '' : `${fileParentId ?? ''}|${foldForMatch(bareName(name) || code)}`;
    if (!node && (name || code)) node = newByParentName.get(sameKey);
    if (!node) {
      const parent = fileParent ?? (code || implied ? tree.parentByCode(code || implied!) ?? null : null);
      const parentId = parent?.id ?? null;
      const k = (siblings.get(parentId) ?? 0) + 1;
      siblings.set(parentId, k);
      const token = tr.stt.replace(/[^\p{L}\p{N}.]/gu, '').replace(/\.$/, '');
      if (!name && !code) report(cellProblem(table.sheet, r, cols.name ?? cols.stt ?? 0, null, { code: 'import.row-unnamed', params: { row: r + 1 } }, 'warning'));
      node = {
        id: newId(),
        workbookId: context.workbookId,
        parentId,
        code: code || implied || (parent?.code ? `${parent.code}.${token || k}` : token),
        name: name || code || tr.stt,
        order: tree.takeOrder(parentId),
      };
      tree.add(node);
      newByParentName.set(sameKey, node);
      imported.set(node.id, { node, status: 'new', matchedBy: null, row: r + 1 });
    } else if (!imported.has(node.id)) {
      imported.set(node.id, { node, status: workbookIds.has(node.id) ? 'matched' : 'new', matchedBy, row: r + 1 });
    }
    rowNode.set(r, node.id);
    if (depth !== null) stack.push({ depth, nodeId: node.id, row: r });
    prev = { name, nodeId: node.id };
    head = { row: r, nodeId: node.id, place: null };
    if (code) lastCoded = { row: r, nodeId: node.id };
  }

  const groupNodes = new Set<Id>();
  for (const id of new Set(rowNode.values())) for (const a of tree.ancestorsOf(id)) groupNodes.add(a);
  return { rowNode, imported, groupNodes, groupOfTotal, lineRows, headingRows, placeLines, placeHeadings, breakdowns, rowPlace };
}

const BULLET = /^[-–+•*·]\s*/u;
const BREAKDOWN_CAPTION = /^(?:[-–+•*·]\s*)?(?:trong\s+đó|bao\s+gồm|gồm|chia\s+ra|chi\s+tiết)\s*:?$/iu;

/** The split a row's name states when it names only a source, a capital type or both ("- Vốn đầu
 * tư phát triển", "+ NSTW", "Trong đó: NSĐP", "Vốn ĐTPT (NSTW)"); null for any other name. */
function breakdownOf(name: string): { source?: Source; capital?: CapitalType } | null {
  const text = normalizeText(name).replace(BULLET, '').replace(/^(?:trong\s+đó|bao\s+gồm|gồm)\s*:?\s*/iu, '').trim();
  const out: { source?: Source; capital?: CapitalType } = {};
  for (const part of text.split(/\s*(?:[-–:,;/()+]|\svà\s)\s*/u).filter(Boolean)) {
    const source = parseSource(part);
    const capital = parseCapital(part);
    if (source.ok && !out.source) out.source = source.value;
    else if (capital.ok && !out.capital) out.capital = capital.value;
    else return null;
  }
  return out.source || out.capital ? out : null;
}

/** Words that open a place's name: "Huyện Bình Gia", "Xã Lộc Yên", "TP. Lạng Sơn", "UBND huyện …". */
const PLACE_KIND = /^(?:UBND\s+)?(?:huyện|quận|thị\s+xã|thành\s+phố|tp\.|tp|xã|phường|thị\s+trấn|tt\.|tt)\s*/iu;

/** Whether a name opens with a place's kind followed by a capital or a number: "Xã Lộc Yên",
 * "Huyện Bình Gia", but not "Xã hội hoá …". */
function namesPlaceKind(text: string): boolean {
  const m = PLACE_KIND.exec(text);
  return m !== null && m[0].length < text.length && /^[\p{Lu}\d]/u.test(text.slice(m[0].length)) && (m[0].endsWith(' ') || m[0].endsWith('.'));
}

/** The workbook's places by name, with or without the word for their kind. */
class PlaceIndex {
  private byName = new Map<string, Id | null>();
  constructor(places: readonly Pick<Place, 'id' | 'name'>[]) {
    for (const p of places) {
      for (const key of new Set([foldForMatch(p.name), foldForMatch(placeBareName(p.name))])) {
        // A name two places share names neither.
        if (key) this.byName.set(key, this.byName.has(key) && this.byName.get(key) !== p.id ? null : p.id);
      }
    }
  }

  /** For a row's name: the place's id, null for a place the workbook does not have (its name
   * says it is one: "Huyện …", "Xã …"), undefined for a name that names no place. */
  find(name: string): Id | null | undefined {
    const text = normalizeText(name).replace(/^[-–+•*]\s*/u, '');
    const known = this.byName.get(foldForMatch(text)) ?? this.byName.get(foldForMatch(placeBareName(text)));
    if (known) return known;
    // The kind word must be followed by a capital or a number: "Xã hội hoá" names no place.
    return namesPlaceKind(text) ? null : undefined;
  }
}

const placeBareName = (name: string): string => {
  const text = normalizeText(name);
  return namesPlaceKind(text) ? text.replace(PLACE_KIND, '').trim() : text;
};

// ---------------------------------------------------------------------------------------------
// Rows → lines and stated figures

/** The money of one source × capital type × vintage in a row: one line. */
interface SplitGroup {
  source: Source;
  capital: CapitalType;
  vintage: number;
  plan: number | null;
  disbursed: number | null;
  asOf: string | null;
  invalid: LineField[];
}

/** A row's amount columns grouped by the split their header (or else the row, or else the
 * defaults) names. A vintage in the header wins over the row's only when the plan columns differ
 * by vintage ("2022 chuyển sang" beside "2023"). */
function splitGroups(
  cells: RowCells,
  cols: Columns,
  defaults: { source: Source; capital: CapitalType; vintage: number },
  year: number,
  headerVintages: boolean,
  named?: { source?: Source; capital?: CapitalType },
): SplitGroup[] {
  // A breakdown row's name ("- Vốn ĐTPT") says its split as its source and capital cells would.
  const rowSource = named?.source ?? (cols.source === null ? null : (cells.get(cols.source).value as Source | null));
  const rowCapital = named?.capital ?? (cols.capital === null ? null : (cells.get(cols.capital).value as CapitalType | null));
  const rowVintage = cols.vintage === null ? null : (cells.get(cols.vintage).value as number | null);
  const groups: SplitGroup[] = [];
  // The capital type of every plan amount in the row whose header names one, when they agree: the
  // capital type of its amounts whose header names none (a project's "NSĐP" beside "NSTW / ĐTPT").
  const capitals = new Set<CapitalType>();
  for (const c of cols.plan) if (cols.roles[c].capital && cells.num(c) !== null) capitals.add(cols.roles[c].capital!);
  const rowPlanCapital = capitals.size === 1 ? [...capitals][0] : null;
  /** The group of a column: the one its header and row name; for a disbursed column that leaves
   * part of the split unsaid ("Trong đó NSTW" beside plan columns "NSTW ĐTPT" and "NSĐP"), the only
   * planned group it fits, else the row's one capital type and the defaults fill the rest. */
  const groupOf = (c: number, fitPlanned = false): SplitGroup => {
    const role = cols.roles[c];
    const headerVintage = role.vintage ?? (role.carriedIn ? year - 1 : null);
    const said = { source: role.source ?? rowSource, capital: role.capital ?? rowCapital, vintage: headerVintages ? headerVintage ?? rowVintage : rowVintage ?? headerVintage };
    if (fitPlanned && (said.source === null || said.capital === null || said.vintage === null)) {
      const fits = groups.filter((x) => x.plan !== null && (said.source === null || x.source === said.source) && (said.capital === null || x.capital === said.capital) && (said.vintage === null || x.vintage === said.vintage));
      if (fits.length === 1) return fits[0];
    }
    const source = said.source ?? defaults.source;
    const capital = said.capital ?? rowPlanCapital ?? defaults.capital;
    const vintage = said.vintage ?? defaults.vintage;
    let g = groups.find((x) => x.source === source && x.capital === capital && x.vintage === vintage);
    if (!g) groups.push((g = { source, capital, vintage, plan: null, disbursed: null, asOf: null, invalid: [] }));
    return g;
  };
  for (const c of cols.plan) {
    const g = groupOf(c);
    g.plan = cells.num(c);
    if (cells.bad(c)) g.invalid.push('plan');
  }
  for (const c of cols.disbursed) {
    const g = groupOf(c, true);
    g.disbursed = cells.num(c);
    if (cells.bad(c)) g.invalid.push('disbursed');
    g.asOf = cols.roles[c].asOf ?? null;
  }
  return groups;
}

/**
 * A row's disbursed total ("Giải ngân / Tổng số") beside disbursed columns for part of its money
 * ("Trong đó NSTW"): what the parts leave goes to the one planned group that has no disbursed figure
 * of its own (the NSĐP line). With no such group, or several, or a total below the parts, nothing is
 * moved: the reconciliation shows the difference.
 */
function giveDisbursedRest(groups: SplitGroup[], total: number | null, asOf: string | null): void {
  if (total === null) return;
  let parts = 0;
  for (const g of groups) parts += g.disbursed ?? 0;
  const open = groups.filter((g) => g.disbursed === null && g.plan !== null && !g.invalid.includes('disbursed'));
  if (open.length !== 1 || total <= parts) return;
  open[0].disbursed = total - parts;
  open[0].asOf = asOf;
}

/** An amount as a percentage of a plan, to the hundredth of a percent the app keeps rates in
 * ("Ước giải ngân" 400 of 450 → 88,89 %); null without a plan. */
function shareOf(amount: number | null, plan: number): number | null {
  if (amount === null || !(plan > 0)) return null;
  return Math.round((amount / plan) * 10_000) / 100;
}

/** What a group row or a total row states: its total (a "Tổng số" column, or its one plan
 * column), its plan by source, disbursed, rate and expected rate, as written. `onlyStated`: the
 * row's amounts are the sums of the lines listed under it, so only the stated columns state. */
function statedFigures(cells: RowCells, cols: Columns, groupCount: number, onlyStated = false): StatedFigures {
  const f: StatedFigures = {};
  const plan = cells.num(cols.statedPlan) ?? (!onlyStated && groupCount === 1 && cols.plan.length === 1 ? cells.num(cols.plan[0]) : null);
  if (plan !== null) f.plan = plan;
  for (const s of onlyStated ? [] : (['central', 'local', 'other'] as const)) {
    const v = cells.sum(cols.plan, (c) => cols.roles[c].source === s);
    if (v !== undefined) f[s] = v;
  }
  const disbursed = cells.num(cols.statedDisbursed) ?? (onlyStated ? null : cells.sum(cols.disbursed) ?? null);
  if (disbursed !== null) f.disbursed = disbursed;
  const rate = cells.num(cols.rate);
  if (rate !== null) f.rate = rate;
  const expected = cells.num(cols.expected) ?? shareOf(cells.num(cols.expectedAmount), f.plan ?? (f.central ?? 0) + (f.local ?? 0) + (f.other ?? 0));
  if (expected !== null) f.expectedRate = expected;
  return f;
}

/** Adds figures to an imported node's stated figures (a new node carries them itself). */
function addStated(entry: ImportedNode, figures: StatedFigures): void {
  if (Object.keys(figures).length === 0) return;
  entry.stated = { ...(entry.stated ?? {}), ...figures };
  if (entry.status === 'new') entry.node = { ...entry.node, stated: entry.stated };
}

const DEFAULT_PREVIEW_ROWS = 20;
const YIELD_EVERY_MS = 40;

/** Lines, nodes, stated figures and problems from a detected table under a mapping. Fails only
 * with import.cancelled. The same input (and the same id generator) gives the same output. */
export async function buildImportPlan(
  sheet: Sheet,
  table: DetectedTable,
  mapping: ColumnMapping | readonly ColumnRole[],
  context: WorkbookContext,
  options: ImportOptions = {},
): Promise<Result<ImportPlan>> {
  const given = 'columns' in mapping ? mapping.columns : mapping;
  const roles: ColumnRole[] = Array.from({ length: table.width }, (_, c) => given[c] ?? { field: 'ignore' });
  const cols = locateColumns(roles, table);
  const problems: ImportProblem[] = [];
  const report = (p: ImportProblem) => problems.push(p);
  const name = sheet.name;
  const label = (c: number) => table.headers[c] || `#${c + 1}`;

  for (const c of cols.duplicates) report(fileProblem({ code: 'import.column-duplicate', params: { column: label(c) } }, 'warning', name, c));
  // Items across: each row names a place or unit, in the name or the implementing-unit column.
  const across = [...cols.plan, ...cols.disbursed].some((c) => roles[c].item);
  if (cols.code === null && cols.name === null && !(across && cols.unit !== null)) report(fileProblem({ code: 'import.no-name-column' }, 'error', name));
  if (cols.plan.length + cols.disbursed.length === 0) report(fileProblem({ code: 'import.no-amount-column' }, 'error', name));
  // Headers naming program items ("Dự án 2", "Dự án 3 / Tiểu dự án 1") on columns the mapping does
  // not read as that item's money: the table would be misread; say so.
  const itemColumns = table.headerParts.flatMap((parts, c) =>
    c !== cols.name && c !== cols.code && c !== cols.stt && !roles[c].item && parts.some((p) => p.length <= 80 && codeInName(p, null) !== null) ? [`"${label(c)}"`] : [],
  );
  if (itemColumns.length) report(fileProblem({ code: 'import.items-as-columns', params: { columns: itemColumns.slice(0, 4).join(', ') + (itemColumns.length > 4 ? ', …' : '') } }, 'warning', name));
  if (cols.rate !== null) report(fileProblem({ code: 'import.rate-derived', params: { column: label(cols.rate) } }, 'warning', name, cols.rate));
  const planSplit = cols.plan.some((c) => roles[c].source || roles[c].capital);
  for (const c of cols.disbursed) {
    if (planSplit && !roles[c].source && !roles[c].capital) report(fileProblem({ code: 'import.measure-unsplit', params: { column: label(c) } }, 'warning', name, c));
  }

  // Units: the column's header, the table's unit line, the caller's, else đồng with a warning.
  const units = roles.map((role, c) => (AMOUNT_FIELDS.has(role.field) ? role.unit ?? table.columnUnits[c] ?? table.unit ?? options.unit ?? null : null));
  if (units.some((u, c) => u === null && AMOUNT_FIELDS.has(roles[c].field))) report(fileProblem({ code: 'import.unit-assumed' }, 'warning', name));

  const rawReader = new CellReader(sheet, roles.map((role) => ({ field: role.field, unit: 'dong', locale: null })));
  const { locales, ambiguousColumns } = decideLocales(cols, table, rawReader, options, report);
  const reader = new CellReader(sheet, roles.map((role, c) => ({ field: role.field, unit: units[c] ?? 'dong', locale: locales[c] })));

  // Amount cells a merge covers: the amount was written once for several rows.
  for (const m of sheet.merges) {
    if (m.bottom <= m.top || m.bottom < table.firstDataRow || m.top > table.lastDataRow) continue;
    const c = roles.findIndex((role, i) => i >= m.left && i <= m.right && AMOUNT_FIELDS.has(role.field));
    if (c >= 0) report(cellProblem(name, m.top, c, reader.raw(m.top, c), { code: 'import.merged-amount', params: { column: label(c), rows: `${m.top + 1}–${m.bottom + 1}` } }, 'warning'));
  }

  const defaults = {
    source: options.defaults?.source ?? 'central',
    capital: options.defaults?.capital ?? 'recurrent',
    vintage: options.defaults?.vintage ?? context.year,
  };
  const headerVintages = new Set(cols.plan.map((c) => `${roles[c].vintage ?? ''}${roles[c].carriedIn ? 'c' : ''}`)).size > 1;
  const cells = new RowCells(reader, table.width, (r, c, read) => report(cellProblem(name, r, c, reader.raw(r, c), read.problem!)));
  const lines: ImportedLine[] = [];
  const totals: StatedTotal[] = [];
  const preview: PreviewRow[] = [];
  const previewLimit = options.previewRows ?? DEFAULT_PREVIEW_ROWS;
  const total = table.rows.length;
  const result = (imported: ReadonlyMap<Id, ImportedNode>): ImportPlan => ({
    nodes: [...imported.values()],
    lines,
    totals,
    problems,
    locales,
    units: units.map((u, c) => (AMOUNT_FIELDS.has(roles[c].field) ? u ?? 'dong' : null)),
    ambiguousColumns,
    preview,
  });
  const previewRow = (tr: DetectedTable['rows'][number], kind: PreviewRow['kind'], node: ImportedNode | undefined): void => {
    if (preview.length >= previewLimit) return;
    const r = tr.row;
    preview.push({
      row: r + 1,
      kind,
      level: tr.level,
      node: node ? { id: node.node.id, code: node.node.code, name: node.node.name, status: node.status } : null,
      cells: roles.map((_, c) => {
        const v = reader.read(r, c);
        return { raw: reader.raw(r, c), value: v.value, problem: v.problem };
      }),
    });
  };
  const progress = progressStepper(total, options);

  if (across) {
    const read = await readAcross(table, cols, reader, cells, context, defaults, { lines, totals, previewRow, progress });
    return read.ok ? ok(result(read.value)) : read;
  }

  const { rowNode, imported, groupNodes, groupOfTotal, lineRows, headingRows, placeLines, placeHeadings, breakdowns, rowPlace } = placeRows(table, cols, reader, context, report);
  // A table listing lines under its items: an item's figures are the sums of its lines.
  const listsLines = lineRows.size > 0;

  for (let i = 0; i < total; i++) {
    const tr = table.rows[i];
    const r = tr.row;
    if (!(await progress(i))) return fail('import.cancelled');
    const nodeId = rowNode.get(r) ?? null;
    if (placeHeadings.has(r)) {
      previewRow(tr, 'group', nodeId ? imported.get(nodeId) : undefined);
      continue;
    }
    const breakdown = breakdowns.get(r);
    const isLine = lineRows.has(r) || placeLines.has(r) || breakdown !== undefined;
    let isGroup = tr.kind === 'item' && nodeId !== null && !isLine && (groupNodes.has(nodeId) || headingRows.has(r));
    let groups: SplitGroup[] | null = null;
    if (tr.kind !== 'blank' && (tr.kind === 'total' || nodeId !== null)) {
      cells.start(r);
      groups = splitGroups(cells, cols, defaults, context.year, headerVintages, breakdown);
      // There, an item without lines shows zeros (or nothing): it adds no line.
      if (listsLines && tr.kind === 'item' && !isLine && groups.every((g) => !g.plan && !g.disbursed && !g.invalid.length)) isGroup = true;
    }
    // A row read as nothing ("Trong đó:" over a breakdown) shows as blank.
    previewRow(tr, isGroup ? 'group' : tr.kind === 'item' && nodeId === null ? 'blank' : tr.kind, nodeId ? imported.get(nodeId) : undefined);
    if (groups === null) continue;
    if (tr.kind === 'total') {
      let figures = statedFigures(cells, cols, groups.length, listsLines);
      if (tr.source) {
        const v = figures.plan ?? figures[tr.source];
        figures = v === undefined ? {} : { [tr.source]: v };
      }
      totals.push({ row: r + 1, label: tr.label ?? '', scope: tr.scope ?? 'table', nodeId: groupOfTotal.get(r) ?? null, source: tr.source ?? null, figures });
      continue;
    }
    if (isGroup) {
      // Inside a district's section an item's row states that district's part only.
      if (!rowPlace.has(r)) addStated(imported.get(nodeId!)!, statedFigures(cells, cols, groups.length, listsLines));
      continue;
    }

    giveDisbursedRest(groups, cells.num(cols.statedDisbursed), cols.statedDisbursed === null ? null : cols.roles[cols.statedDisbursed].asOf ?? null);
    const withValues = groups.filter((g) => g.plan !== null || g.disbursed !== null || g.invalid.length > 0);
    if (withValues.length === 0) continue;
    const labelText = cols.labels.map((c) => reader.text(r, c)).filter(Boolean).join('; ') || (breakdown ? breakdown.label : isLine ? reader.text(r, cols.name) : '');
    const unitText = reader.text(r, cols.unit);
    const asOf = cols.asOf === null ? null : (cells.get(cols.asOf).value as string | null);
    const expected = cells.num(cols.expected) ?? shareOf(cells.num(cols.expectedAmount), withValues.reduce((a, g) => a + (g.plan ?? 0), 0));
    const rate = cells.num(cols.rate);
    const statedPlan = cells.num(cols.statedPlan);
    const rowInvalid: LineField[] = [];
    for (const [col, field] of [[cols.source, 'source'], [cols.capital, 'capital'], [cols.vintage, 'vintage'], [cols.asOf, 'asOf'], [cols.expected, 'expectedRate'], [cols.expectedAmount, 'expectedRate'], [cols.statedPlan, 'statedPlan']] as const) {
      if (cells.bad(col)) rowInvalid.push(field);
    }
    for (const g of withValues) {
      const line = groupLine(g, { nodeId: nodeId!, order: lines.length, label: labelText, unit: unitText, asOf, expectedRate: expected });
      line.placeId = placeLines.get(r) ?? breakdown?.placeId ?? null;
      const district = rowPlace.get(r);
      if (district && !line.placeId) {
        line.placeId = district.id;
        // A district the workbook does not have is named in the label.
        if (!district.id) line.label = line.label ? `${line.label} (${district.label})` : district.label;
      }
      // A row's rate and total belong to its one line; with several lines, to its node.
      if (withValues.length === 1 && (rate !== null || statedPlan !== null)) {
        line.stated = {};
        if (rate !== null) line.stated.rate = rate;
        if (statedPlan !== null) line.stated.plan = statedPlan;
      }
      lines.push({ line, row: r + 1, invalid: [...g.invalid, ...rowInvalid] });
    }
    // A place's row among its item's other rows states its own total, not the item's.
    if (withValues.length > 1 && !placeLines.has(r) && !rowPlace.has(r)) {
      addStated(imported.get(nodeId!)!, { ...(rate !== null ? { rate } : {}), ...(statedPlan !== null ? { plan: statedPlan } : {}) });
    }
  }
  options.onProgress?.(total, total);
  totalsOfTable(totals, lines, imported, context.nodes);
  return ok(result(imported));
}

/** The line of one split group's money, placed at a node with the row's texts. */
function groupLine(
  g: Pick<SplitGroup, 'source' | 'capital' | 'vintage' | 'plan' | 'disbursed' | 'asOf'>,
  at: { nodeId: Id; order: number; label: string; unit: string; asOf: string | null; expectedRate: number | null },
): Line {
  return {
    id: newId(),
    nodeId: at.nodeId,
    order: at.order,
    label: at.label,
    unit: at.unit,
    placeId: null,
    source: g.source,
    capital: g.capital,
    vintage: g.vintage,
    plan: g.plan ?? 0,
    disbursed: g.disbursed ?? 0,
    asOf: at.asOf ?? g.asOf,
    expectedRate: at.expectedRate,
  };
}

/** Every 1 024 rows: false once the read is cancelled; reports progress and yields to the event
 * loop when it has held it for YIELD_EVERY_MS. */
function progressStepper(total: number, options: ImportOptions): (i: number) => Promise<boolean> {
  let lastYield = performance.now();
  return async (i) => {
    if ((i & 1023) !== 0) return true;
    if (options.signal?.aborted) return false;
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      options.onProgress?.(i, total);
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    return !options.signal?.aborted;
  };
}

/**
 * A table with the program's items across (a column per item, "Dự án 2 | Dự án 3 / Tiểu dự án 1")
 * and a place or unit on each row: the row's money in an item's columns is a line of that item,
 * the row's name its implementing unit. A total row states each item's plan and the table's.
 */
async function readAcross(
  table: DetectedTable,
  cols: Columns,
  reader: CellReader,
  cells: RowCells,
  context: WorkbookContext,
  defaults: { source: Source; capital: CapitalType; vintage: number },
  out: { lines: ImportedLine[]; totals: StatedTotal[]; previewRow: (tr: DetectedTable['rows'][number], kind: PreviewRow['kind'], node: undefined) => void; progress: (i: number) => Promise<boolean> },
): Promise<Result<Map<Id, ImportedNode>>> {
  const roles = cols.roles;
  const tree = new TreeIndex(context.nodes);
  const had = new Set(context.nodes.map((n) => n.id));
  const imported = new Map<Id, ImportedNode>();
  const nodeOf = (code: string, row: number): ImportedNode => {
    let node = tree.code(code);
    if (!node) {
      const parent = tree.parentByCode(code) ?? null;
      node = { id: newId(), workbookId: context.workbookId, parentId: parent?.id ?? null, code, name: code, order: tree.takeOrder(parent?.id ?? null) };
      tree.add(node);
    }
    let entry = imported.get(node.id);
    if (!entry) imported.set(node.id, (entry = { node, status: had.has(node.id) ? 'matched' : 'new', matchedBy: had.has(node.id) ? 'code' : null, row }));
    return entry;
  };
  const itemCols = [...cols.plan, ...cols.disbursed].filter((c) => roles[c].item);
  for (let i = 0; i < table.rows.length; i++) {
    if (!(await out.progress(i))) return fail('import.cancelled');
    const tr = table.rows[i];
    const r = tr.row;
    if (tr.kind === 'blank') continue;
    out.previewRow(tr, tr.kind, undefined);
    cells.start(r);
    if (tr.kind === 'total') {
      if (tr.source) continue;
      const byItem = new Map<string, number>();
      for (const c of cols.plan) {
        const v = cells.num(c);
        if (roles[c].item && v !== null) byItem.set(roles[c].item!, (byItem.get(roles[c].item!) ?? 0) + v);
      }
      // An item's own total column ("Dự án 3 / Tổng số") states it; else the sum of its columns.
      roles.forEach((role, c) => {
        const v = role.field === 'statedPlan' && role.item ? cells.num(c) : null;
        if (v !== null) byItem.set(role.item!, v);
      });
      for (const [code, plan] of byItem) addStated(nodeOf(code, r + 1), { plan });
      const tableTotal = roles.findIndex((role) => role.field === 'statedPlan' && !role.item);
      const plan = (tableTotal >= 0 ? cells.num(tableTotal) : null) ?? (byItem.size ? [...byItem.entries()].filter(([code]) => !byItem.has(code.split('.').slice(0, -1).join('.'))).reduce((a, [, v]) => a + v, 0) : null);
      const disbursed = cells.num(cols.statedDisbursed);
      const figures: StatedFigures = {};
      if (plan !== null) figures.plan = plan;
      if (disbursed !== null) figures.disbursed = disbursed;
      out.totals.push({ row: r + 1, label: tr.label ?? '', scope: 'table', nodeId: null, source: null, figures });
      continue;
    }
    const place = reader.text(r, cols.name) || reader.text(r, cols.code);
    const unit = reader.text(r, cols.unit) || place;
    // The row's name is its unit unless a unit column says otherwise; then it is the line's label.
    const label = [...(place !== unit ? [place] : []), ...cols.labels.map((c) => reader.text(r, c))].filter(Boolean).join('; ');
    const rowSource = cols.source === null ? null : (cells.get(cols.source).value as Source | null);
    const rowCapital = cols.capital === null ? null : (cells.get(cols.capital).value as CapitalType | null);
    const rowVintage = cols.vintage === null ? null : (cells.get(cols.vintage).value as number | null);
    const groups = new Map<string, { item: string; source: Source; capital: CapitalType; vintage: number; plan: number | null; disbursed: number | null; asOf: string | null; invalid: LineField[] }>();
    for (const c of itemCols) {
      const role = roles[c];
      const source = role.source ?? rowSource ?? defaults.source;
      const capital = role.capital ?? rowCapital ?? defaults.capital;
      const vintage = role.vintage ?? (role.carriedIn ? context.year - 1 : null) ?? rowVintage ?? defaults.vintage;
      const key = `${role.item}|${source}|${capital}|${vintage}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { item: role.item!, source, capital, vintage, plan: null, disbursed: null, asOf: null, invalid: [] }));
      const v = cells.num(c);
      const field = role.field === 'disbursed' ? 'disbursed' : 'plan';
      if (v !== null) g[field] = (g[field] ?? 0) + v;
      if (cells.bad(c)) g.invalid.push(field);
      if (field === 'disbursed' && role.asOf) g.asOf = role.asOf;
    }
    for (const g of groups.values()) {
      if (!g.plan && !g.disbursed && !g.invalid.length) continue;
      const line = groupLine(g, { nodeId: nodeOf(g.item, r + 1).node.id, order: out.lines.length, label, unit, asOf: null, expectedRate: null });
      out.lines.push({ line, row: r + 1, invalid: g.invalid });
    }
  }
  return ok(imported);
}

/**
 * A "Cộng" row is read as the total of the group above it, unless its plan is what the whole
 * table's lines add up to and not what the group's do: then it is the table's total (a report that
 * ends with "Cộng" under its last project).
 */
function totalsOfTable(totals: StatedTotal[], lines: readonly ImportedLine[], imported: ReadonlyMap<Id, ImportedNode>, nodes: readonly TreeNode[]): void {
  const parent = new Map<Id, Id | null>(nodes.map((n) => [n.id, n.parentId]));
  for (const { node } of imported.values()) parent.set(node.id, node.parentId);
  const under = (id: Id, group: Id): boolean => {
    const seen = new Set<Id>();
    for (let at: Id | null | undefined = id; at && !seen.has(at); at = parent.get(at)) {
      if (at === group) return true;
      seen.add(at);
    }
    return false;
  };
  const all = lines.reduce((a, l) => a + l.line.plan, 0);
  for (const t of totals) {
    if (t.scope !== 'group' || t.nodeId === null || t.figures.plan === undefined) continue;
    const group = t.nodeId;
    const inGroup = lines.reduce((a, l) => a + (under(l.line.nodeId, group) ? l.line.plan : 0), 0);
    if (t.figures.plan === all && t.figures.plan !== inGroup) {
      t.scope = 'table';
      t.nodeId = null;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The whole pipeline

/** Steps of readImport's progress: reading the file, then building the plan. */
export const IMPORT_PROGRESS_TOTAL = 1000;
const READ_SHARE = 600;

export interface ImportReading {
  file: {
    kind: SheetFile['kind'];
    encoding: SheetFile['encoding'];
    separator: SheetFile['separator'];
    /** Every sheet of the file, and whether a table with rows was found in it. */
    sheets: { name: string; rows: number; table: boolean }[];
  };
  /** The sheet read. */
  sheet: string;
  table: DetectedTable;
  /** The mapping applied (the option's, a saved template's, or the guess). */
  mapping: ColumnMapping;
  /** The guess, for a dialog's "reset". */
  guessedMapping: ColumnMapping;
  fromTemplate: boolean;
  /** The first rows as they will be read. */
  preview: PreviewRow[];
  /** What importing would write; `problems` holds every problem of the reading, file and table
   * warnings included. */
  result: ImportPlan;
}

/** Reads a file's bytes into an import plan in one call: sheets, the table, the mapping (given,
 * saved for these headers, or guessed), the preview and the plan. Fails with the file's problem
 * (import.empty-file, import.xlsx-damaged, import.xls-unsupported, import.unsupported-file),
 * import.empty-sheet, import.no-data (headers only), import.sheet-missing or import.cancelled.
 * Progress goes from 0 to IMPORT_PROGRESS_TOTAL. */
export async function readImport(
  bytes: Uint8Array | ArrayBuffer,
  fileName: string,
  context: WorkbookContext,
  options: ImportOptions = {},
): Promise<Result<ImportReading>> {
  const report = options.onProgress;
  const scaled = (from: number, share: number) => (done: number, total: number) =>
    report?.(from + Math.floor((share * Math.min(done, total)) / Math.max(total, 1)), IMPORT_PROGRESS_TOTAL);
  report?.(0, IMPORT_PROGRESS_TOTAL);
  const file = await readSheets(bytes, fileName, { signal: options.signal, onProgress: scaled(0, READ_SHARE) });
  if (!file.ok) return file;
  if (options.signal?.aborted) return fail('import.cancelled');

  const detected = file.value.sheets.map((s) => ({ sheet: s, table: detectTable(s) }));
  const hasBody = (t: Result<DetectedTable>) => t.ok && t.value.rows.some((r) => r.kind !== 'blank');
  let chosen = options.sheet !== undefined ? detected.find((d) => d.sheet.name === options.sheet) : detected.find((d) => hasBody(d.table));
  if (!chosen && options.sheet !== undefined) return fail('import.sheet-missing', { sheet: options.sheet });
  chosen ??= detected.find((d) => d.table.ok) ?? detected[0];
  if (!chosen.table.ok) return chosen.table;
  const table = chosen.table.value;
  if (!hasBody(chosen.table)) return fail('import.no-data', { sheet: table.sheet });

  const { mapping: saved, fromTemplate } = chooseMapping(table, options.savedMappings, context.year);
  const guessedMapping = guessMapping(table, context.year);
  const mapping: ColumnMapping = options.mapping ? { templateKey: guessedMapping.templateKey, columns: options.mapping.map((c) => ({ ...c })) } : saved;
  const plan = await buildImportPlan(chosen.sheet, table, mapping, context, { ...options, onProgress: scaled(READ_SHARE, IMPORT_PROGRESS_TOTAL - READ_SHARE) });
  if (!plan.ok) return plan;
  const result = { ...plan.value, problems: [...file.value.notes, ...table.warnings, ...plan.value.problems] };
  report?.(IMPORT_PROGRESS_TOTAL, IMPORT_PROGRESS_TOTAL);
  return ok({
    file: {
      kind: file.value.kind,
      encoding: file.value.encoding,
      separator: file.value.separator,
      sheets: detected.map((d) => ({ name: d.sheet.name, rows: d.sheet.rows.length, table: hasBody(d.table) })),
    },
    sheet: table.sheet,
    table,
    mapping,
    guessedMapping,
    fromTemplate: !options.mapping && fromTemplate,
    preview: result.preview,
    result,
  });
}

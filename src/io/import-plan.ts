// Applies a column mapping to a detected table, in named steps: the file's own shape (row-tree.ts:
// numbering, names, breakdown rows, and the rows its sums show to be subtotals), what each row is
// for the workbook (import-place.ts: an item, a place under an item, a section, a line), the lines
// and stated figures of each row (import-lines.ts), and the reconciliation of every total the file
// states against the lines that will land (reconcile.ts). Nothing is silently fixed: an unreadable
// cell is imported blank and marked, an ambiguous number format is asked (or settled by the file's
// own totals, and said so), a difference is shown. readImport runs the whole pipeline from a file's
// bytes; it is pure (no DOM, no database), returns plain data, reports progress and stops on an
// AbortSignal, so a worker can expose it as it is.

import { MAX_TREE_DEPTH } from '../domain/tree';
import type { AmountUnit, CapitalType, Id, Line, LineField, NumberLocale, Problem, Place, Result, RoundingRule, Source, StatedFigures, TreeNode } from '../domain/model';
import { fail, ok } from '../domain/model';
import { foldForMatch, normalizeText } from '../domain/text';
import type { ColumnMapping, ColumnRole, ImportField } from './column-map';
import { AMOUNT_FIELDS, NUMERIC_FIELDS, chooseMapping, codeInName, guessMapping, headerWordScore, itemInTitles, splitInTitles } from './column-map';
import type { DetectedTable, RowKind } from './table-detect';
import { detectTable } from './table-detect';
import type { CellValue, ImportProblem, ProgressOptions, Sheet } from './import-types';
import { cellProblem, fileProblem } from './import-types';
import type { SheetFile } from './sheet';
import { readSheets } from './sheet';
import type { Columns } from './import-cells';
import { CellReader, RowCells, columnEvidence, decideLocales, locateColumns, readCellValue } from './import-cells';
import type { Children, RowTree } from './row-tree';
import { bottomUp, childrenOf, findSubtotalsBySums, programLevel, readRowTree, releaseDetailsThatDoNotAddUp, rootOf, sumsReproduced } from './row-tree';
import type { Placement } from './import-place';
import { PlaceIndex, TreeIndex, bareName, placeKindRank, placeRows } from './import-place';
import type { LineDefaults, OwnMeasures, Unsaid } from './import-lines';
import { addStated, giveDisbursedRest, groupLine, progressStepper, readAcross, shareOf, splitGroups, statedFigures, totalsOfTable } from './import-lines';
import type { ReconcileInput, Reconciliation } from './reconcile';
import { questionOf, reconcile } from './reconcile';
import type { BreakdownSplit } from './row-words';
import { breakdownOf, splitInName, withOuterSplit } from './row-words';
import type { StatedSplit } from './unsaid-split';
import { splitByTotals, splitFromItem } from './unsaid-split';
import { settleColumns } from './column-sums';
import { CellTargets, itemFieldOf, keepFormulas, noteLineCells } from './import-formulas';
import type { SheetSummary } from './sheet-survey';
import { alikeSheets, chooseSheet, surveySheets } from './sheet-survey';

/** What an import needs to know of the workbook it goes into. */
export interface WorkbookContext {
  workbookId: Id;
  /** The plan year: the vintage of money whose year the file does not state. */
  year: number;
  /** The workbook's tree, to match rows against. */
  nodes: readonly TreeNode[];
  /** The workbook's places: a row naming one under an item is a line of that item in that place. */
  places?: readonly Pick<Place, 'id' | 'name'>[];
  /** How the workbook rounds a formula's result into its cell (the formulas an .xlsx keeps). */
  formulaRounding?: RoundingRule;
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
  /** Read the mapping exactly as given (the user's or a saved one); otherwise the file's own
   * arithmetic settles which columns are totals and which of two alike is read. */
  trustMapping?: boolean;
  /** Told how long each step of building the plan took (the benchmarks' figures). */
  onStep?: (step: 'shape' | 'lines' | 'reconcile', ms: number) => void;
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
  /** The file's formula ("=D5/2") when it is kept as the line's formula (`value` is what it computes). */
  formula?: string;
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
  /** Every total and subtotal the file states against the lines under it; columns of numbers
   * mapped to nothing. */
  reconciliation: Reconciliation;
  /** The meaning each column was read with (the mapping, settled by the file's arithmetic). */
  columns: ColumnRole[];
}

// ---------------------------------------------------------------------------------------------
// Building the plan

type StatedRow = ReconcileInput['statedRows'][number];

const DEFAULT_PREVIEW_ROWS = 20;

/** Lines, nodes, stated figures, problems and the reconciliation from a detected table under a
 * mapping. Fails only with import.cancelled. The same input (and the same id generator) gives the
 * same output. */
export async function buildImportPlan(
  sheet: Sheet,
  table: DetectedTable,
  mapping: ColumnMapping | readonly ColumnRole[],
  context: WorkbookContext,
  options: ImportOptions = {},
): Promise<Result<ImportPlan>> {
  const started = performance.now();
  const t = new TableReading(sheet, table, 'columns' in mapping ? mapping.columns : mapping, context, options);
  t.reportMemos();
  t.settleMapping();
  t.checkMapping();
  t.decideUnits();
  t.findSubtotalsBySums();
  t.decideNumberFormats();
  t.reportMergedAmounts();
  const shapeDone = performance.now();
  options.onStep?.('shape', shapeDone - started);

  const b = new PlanBuild(t);
  const read = await b.readRows();
  if (!read.ok) return read;
  b.totalTheTable();
  b.splitUnsaid();
  b.reportEarlierPlans();
  b.flattenDeepItems();
  b.keepFormulas();
  const linesDone = performance.now();
  options.onStep?.('lines', linesDone - shapeDone);
  const reconciliation = b.reconcileReading();
  options.onStep?.('reconcile', performance.now() - linesDone);
  return ok(b.plan(reconciliation));
}

/** How a table's cells are read: the mapping (settled by the file's own arithmetic unless trusted),
 * the file's shape, each column's unit and number format, and the problems found so far. Each step
 * reads what the steps before it decided. */
class TableReading {
  readonly problems: ImportProblem[] = [];
  readonly name: string;
  readonly placeIndex: PlaceIndex;
  /** The body's first and last sheet rows. */
  private readonly body: { first: number; last: number };
  /** The cells as written, in đồng, with no number format decided. */
  readonly rawReader: CellReader;
  private readonly treeIndex: TreeIndex;
  /** Number of table rows. */
  readonly n: number;
  // Each row's code and name, read once: every step asks for them.
  private readonly codes: (string | undefined)[];
  private readonly names: (string | undefined)[];
  /** The file's shape from its numbering, names, breakdowns and listed lines. */
  readonly shape: RowTree;
  kids: Children;
  /** The table lists lines under its items: an item's row shows their sums, and zeros when it has none. */
  readonly listed: boolean;
  /** The rows stating the whole table's totals. */
  private readonly tableTotals: number[];
  /** What the columns' written numbers say of their format, read once. */
  private readonly evidence: ReturnType<typeof columnEvidence>;
  /** One role per column: the mapping given, then settled by the file's arithmetic. */
  roles: ColumnRole[];
  cols: Columns;
  /** The table has its items across its columns. */
  across = false;
  /** The unit each amount column is read in (null: not an amount column, or none said). */
  units: (AmountUnit | null)[] = [];
  locales: (NumberLocale | null)[] = [];
  ambiguousColumns: number[] = [];
  /** The cells as the settled mapping, units and number formats read them (until those are
   * decided, as written). */
  reader: CellReader;

  constructor(
    readonly sheet: Sheet,
    readonly table: DetectedTable,
    given: readonly ColumnRole[],
    readonly context: WorkbookContext,
    readonly options: ImportOptions,
  ) {
    this.roles = Array.from({ length: table.width }, (_, c) => given[c] ?? { field: 'ignore' });
    this.cols = locateColumns(this.roles, table, sheet.hiddenColumns);
    this.name = sheet.name;
    this.placeIndex = new PlaceIndex(context.places ?? []);
    this.body = { first: table.firstDataRow, last: table.lastDataRow };
    this.rawReader = new CellReader(
      sheet,
      this.roles.map((role) => ({ field: role.field, unit: 'dong', locale: null })),
      this.body,
    );
    this.reader = this.rawReader;
    this.treeIndex = new TreeIndex(context.nodes);
    const n = (this.n = table.rows.length);
    this.codes = new Array<string | undefined>(n);
    this.names = new Array<string | undefined>(n);
    const { cols, treeIndex, placeIndex } = this;
    this.shape = readRowTree(table, {
      code: this.codeAt,
      name: this.nameAt,
      namesItem: (text) => treeIndex.namesItem(text),
      listsLines: cols.stt === null && cols.code !== null,
      numbered: cols.stt !== null,
      coded: cols.code !== null,
      placeRank: (text) => placeKindRank(text) ?? (placeIndex.find(text) ? 2 : null),
    });
    this.kids = childrenOf(this.shape);
    this.listed = this.shape.role.includes('listed');
    // The table's totals: "Tổng cộng", and a bare "Cộng" after rows of no group with no total before
    // it (not the breakdowns under them, which state a part).
    const bareTotal = (i: number) => foldForMatch(table.rows[i].label ?? '').replace(/^(?:cộng|subtotal)\s*:?\s*/u, '') === '';
    this.tableTotals = table.rows.flatMap((tr, i) =>
      tr.kind === 'total' && !tr.source && !tr.split && (tr.scope === 'table' || (bareTotal(i) && this.groupOfTotal(i, () => undefined) === -1)) ? [i] : [],
    );
    this.evidence = columnEvidence(
      this.roles.flatMap((role, c) => (NUMERIC_FIELDS.has(role.field) ? [c] : [])),
      table,
      this.rawReader,
    );
  }

  readonly report = (p: ImportProblem): void => {
    this.problems.push(p);
  };

  /** A column's name in a sentence: its header, else its number. */
  readonly label = (c: number): string => this.table.headers[c] || `#${c + 1}`;

  /** 0-based sheet row of a table row. */
  readonly rowOf = (i: number): number => this.table.rows[i].row;

  readonly codeAt = (i: number): string => (this.codes[i] ??= this.rawReader.text(this.rowOf(i), this.cols.code));

  readonly nameAt = (i: number): string => (this.names[i] ??= this.rawReader.text(this.rowOf(i), this.cols.name) || (this.table.rows[i].name ?? ''));

  /** The unit a role's amounts are in: its own, its header's, the table's, the caller's (null: none said). */
  private unitOfRole(role: ColumnRole, c: number): AmountUnit | null {
    return role.unit ?? this.table.columnUnits[c] ?? this.table.unit ?? this.options.unit ?? null;
  }

  /** The unit a column is read in, đồng when none is said. */
  unitOf(c: number): AmountUnit {
    return this.units[c] ?? 'dong';
  }

  // ---- the steps -------------------------------------------------------------------------------

  /** Rows kept as notes ("memo" rows) are said. */
  reportMemos(): void {
    const memos = this.table.rows.flatMap((tr, i) => (this.shape.role[i] === 'memo' ? [tr.row + 1] : []));
    if (memos.length)
      this.report(
        fileProblem({ code: 'import.memo-rows', params: { count: memos.length, rows: memos.slice(0, 6).join(', ') + (memos.length > 6 ? ', …' : '') } }, 'warning', this.name),
      );
  }

  /** A guessed mapping is settled by the file's own arithmetic and cells (a user's is kept as given). */
  settleMapping(): void {
    if (this.options.trustMapping) return;
    const { sheet, table, shape, rawReader, rowOf, tableTotals } = this;
    const shown = decideLocales(this.cols, table, rawReader, this.options, () => {}, undefined, this.evidence);
    const seen = new CellReader(
      sheet,
      this.roles.map((role, c) => ({
        field: AMOUNT_FIELDS.has(role.field) ? role.field : 'plan',
        unit: this.unitOfRole(role, c) ?? 'dong',
        locale: shown.locales[c] ?? null,
      })),
      this.body,
    );
    const amount = (i: number, c: number): number | null => seen.amount(rowOf(i), c);
    const settled = settleColumns(this.roles, {
      sheet: this.name,
      headers: table.headers,
      rows: table.rows.flatMap((_, i) => (shape.role[i] === 'item' || shape.role[i] === 'repeat' || shape.role[i] === 'listed' || shape.role[i] === 'breakdown' ? [i] : [])),
      amount,
      text: (i, c) => normalizeText(String(rawReader.raw(rowOf(i), c) ?? '')),
      sumsMatched: (c) => sumsReproduced(shape, this.kids, (i) => amount(i, c), tableTotals).matched,
      hidden: sheet.hiddenColumns ?? new Set(),
    });
    this.roles = settled.roles;
    this.cols = locateColumns(this.roles, table, sheet.hiddenColumns);
    for (const p of settled.notes) this.report(p);
  }

  /** Problems of the mapping itself and of the hidden columns are said; whether items lie across. */
  checkMapping(): void {
    const { cols, roles } = this;
    this.across = [...cols.plan, ...cols.disbursed].some((c) => roles[c].item);
    checkColumns(this.table, cols, this.across, this.label, this.report);
    reportHidden(this.sheet, this.table, roles, cols, this.label, this.report);
  }

  /** Units: the column's header, the table's unit line, the caller's, else đồng with a warning. */
  decideUnits(): void {
    const { roles } = this;
    this.units = roles.map((role, c) => (AMOUNT_FIELDS.has(role.field) ? this.unitOfRole(role, c) : null));
    if (this.units.some((u, c) => u === null && AMOUNT_FIELDS.has(roles[c].field))) this.report(fileProblem({ code: 'import.unit-assumed' }, 'warning', this.name));
  }

  /** The file's own arithmetic: rows equal to the sum of the rows after them are their subtotals.
   * Read first with the number formats the file itself shows (an ambiguous cell counts as blank). */
  findSubtotalsBySums(): void {
    const { sheet, table, shape, cols, roles, nameAt } = this;
    const moneyCols = roles.flatMap((role, c) => (MONEY_FIELDS.has(role.field) ? [c] : []));
    const shown = decideLocales(cols, table, this.rawReader, this.options, () => {}, undefined, this.evidence);
    const shownReader = new CellReader(
      sheet,
      roles.map((role, c) => ({ field: role.field, unit: this.unitOf(c), locale: shown.locales[c] })),
      this.body,
    );
    if (this.listed || moneyCols.length === 0) return;
    const vectors = rowVectors(table, shape, shownReader, moneyCols);
    if (cols.stt === null && cols.code === null) {
      releaseDetailsThatDoNotAddUp(shape, this.kids, vectors, moneyCols.length, (i) => programLevel(nameAt(i)) !== null);
      this.kids = childrenOf(shape);
    }
    refineBySums(shape, this.kids, vectors, moneyCols, shownReader, this.tableTotals, this.rowOf, (head, run) => this.groupLike(head, run), this.name, this.report);
    this.kids = childrenOf(shape);
  }

  /** Whether a row looks like the group of a run of rows after (or before) it. */
  private groupLike(head: number, run: readonly number[]): boolean {
    const { placeIndex, treeIndex, nameAt, codeAt, table } = this;
    const headName = nameAt(head);
    const rank = placeKindRank(headName) ?? (placeIndex.find(headName) ? 2 : null);
    const ranks = run.map((i) => placeKindRank(nameAt(i)) ?? (placeIndex.find(nameAt(i)) ? 2 : null));
    if (rank !== null && ranks.every((r) => r !== null && r > rank)) return true;
    const namesItem = (i: number) => !!codeAt(i) || treeIndex.namesItem(nameAt(i));
    if (!namesItem(head) && rank === null && run.some(namesItem)) return true;
    if (programLevel(headName) === 0 && run.every((i) => programLevel(nameAt(i)) === 1)) return true;
    const style = table.rows[head].style;
    return run.every((i) => table.rows[i].style !== style);
  }

  /** Number formats: the user's, the file's evidence, else the reading under which its totals add
   * up; the reader of the plan reads with them. */
  decideNumberFormats(): void {
    const { sheet, table, roles } = this;
    const { locales, ambiguousColumns } = decideLocales(this.cols, table, this.rawReader, this.options, this.report, (c) => this.localeByTotals(c), this.evidence);
    this.locales = locales;
    this.ambiguousColumns = ambiguousColumns;
    this.reader = new CellReader(
      sheet,
      roles.map((role, c) => ({ field: role.field, unit: this.unitOf(c), locale: locales[c] })),
      this.body,
    );
  }

  /** The number format under which more of the file's sums add up in column c; null on a tie. */
  private localeByTotals(c: number): NumberLocale | null {
    const { roles, shape, kids, rawReader, rowOf } = this;
    const score = (locale: NumberLocale) => {
      const colReader = { field: roles[c].field, unit: this.unitOf(c), locale };
      return sumsReproduced(
        shape,
        kids,
        (i) => {
          const v = readCellValue(rawReader.raw(rowOf(i), c), colReader, false).value;
          return typeof v === 'number' ? v : null;
        },
        this.tableTotals,
      ).matched;
    };
    const [vi, en] = [score('vi'), score('en')];
    return vi > en ? 'vi' : en > vi ? 'en' : null;
  }

  /** Amount cells a merge covers are said: the amount was written once for several rows. */
  reportMergedAmounts(): void {
    const { table, roles, reader } = this;
    for (const m of this.sheet.merges) {
      if (m.bottom <= m.top || m.bottom < table.firstDataRow || m.top > table.lastDataRow) continue;
      const c = roles.findIndex((role, i) => i >= m.left && i <= m.right && AMOUNT_FIELDS.has(role.field));
      if (c >= 0)
        this.report(
          cellProblem(
            this.name,
            m.top,
            c,
            reader.raw(m.top, c),
            { code: 'import.merged-amount', params: { column: this.label(c), rows: `${m.top + 1}–${m.bottom + 1}` } },
            'warning',
          ),
        );
    }
  }

  // ---- groups ------------------------------------------------------------------------------------

  /** The row a "Cộng" closes: the row above the item row before it that the total names ("Cộng
   * Tiểu dự án 1"), else the outermost one when items lie under it; after rows of no group, the
   * run of rows since the last total (-1: the table, when none came before). `itemAt`: the item a
   * row is, once the rows are placed. */
  groupOfTotal(i: number, itemAt: (row: number) => TreeNode | undefined): number | { from: number; to: number } {
    const { shape, kids, table, n } = this;
    let k = i - 1;
    while (k >= 0 && shape.role[k] !== 'item') k--;
    if (k < 0) return -1;
    const named = normalizeText(table.rows[i].label ?? '').replace(/^(?:cộng|subtotal)\s*:?\s*/iu, '');
    if (named) {
      const key = foldForMatch(bareName(named));
      const sub = /^(?:tiểu\s+dự\s+án|tda)\s*(\d+)/iu.exec(named);
      const code = codeInName(named, null) ?? (sub ? `.TDA${Number(sub[1])}` : null);
      for (let a = k, guard = 0; a >= 0 && guard < n; a = shape.parent[a], guard++) {
        // An item's own row, not a place or work row that holds that item's money.
        const node = itemAt(a);
        const sameCode = code !== null && node !== undefined && (code.startsWith('.') ? node.code.endsWith(code) : node.code === code);
        if ((key && foldForMatch(bareName(this.nameAt(a))) === key) || sameCode) return a;
      }
    }
    const root = rootOf(shape.parent, k);
    for (let x = kids.from[root]; x < kids.from[root + 1]; x++) if (shape.role[kids.kids[x]] === 'item') return root;
    let from = i - 1;
    while (from >= 0 && shape.role[from] !== 'total') from--;
    return from < 0 ? -1 : { from: from + 1, to: i - 1 };
  }
}

/** The lines, nodes, stated totals and preview read from a table's rows under a TableReading, and
 * their reconciliation. */
class PlanBuild {
  private readonly defaults: LineDefaults;
  /** The plan columns differ in their header's vintage or carry-in. */
  private readonly headerVintages: boolean;
  private readonly cells: RowCells;
  private readonly lines: ImportedLine[] = [];
  /** The table.rows index of each line, in step with `lines`. */
  private readonly lineRows: number[] = [];
  /** The place each line names across the table (null: none), in step with `lines`. */
  private readonly linePlaces: (string | null)[] = [];
  /** Lines whose source (capital type) no column, row or title said: taken from their item's other
   * lines, or marked. */
  private readonly unsaid: Unsaid = { source: [], capital: [] };
  /** Each row's split, completed by the rows it lies under (memo of splitOf). */
  private readonly splits: (BreakdownSplit | null | undefined)[] = [];
  /** The columns of a row's own fields, each marking its lines when it cannot be read. */
  private readonly rowFields: [number, LineField][];
  private readonly totals: StatedTotal[] = [];
  private readonly preview: PreviewRow[] = [];
  private readonly previewLimit: number;
  private readonly progress: (i: number) => Promise<boolean>;
  /** Which rows hold plan or disbursed money, and which have such money under them. */
  private readonly money: ReturnType<typeof moneyBelow>;
  /** The workbook's nodes by id: their parents. */
  private readonly contextParent: Map<Id, Id | null>;
  /** Every item the rows name, in the order the file first names them. */
  private imported = new Map<Id, ImportedNode>();
  /** What each row is for the workbook (null when the items lie across the columns). */
  private placement: Placement | null = null;
  /** The cells each line's and item's figures come from, for the formulas the file keeps. */
  private readonly targets = new CellTargets();

  constructor(private readonly t: TableReading) {
    const { table, options, context, cols, roles, reader } = t;
    const titles = splitInTitles(table.titles);
    this.defaults = {
      source: options.defaults?.source ?? titles.source ?? 'central',
      capital: options.defaults?.capital ?? titles.capital ?? 'recurrent',
      vintage: options.defaults?.vintage ?? context.year,
      sourceSaid: options.defaults?.source !== undefined || titles.source !== undefined,
      capitalSaid: options.defaults?.capital !== undefined || titles.capital !== undefined,
    };
    this.headerVintages = new Set(cols.plan.map((c) => `${roles[c].vintage ?? ''}${roles[c].carriedIn ? 'c' : ''}`)).size > 1;
    this.cells = new RowCells(reader, table.width, (r, c, read) => t.report(cellProblem(t.name, r, c, reader.raw(r, c), read.problem!)));
    const fieldColumns: [number | null, LineField][] = [
      [cols.source, 'source'],
      [cols.capital, 'capital'],
      [cols.vintage, 'vintage'],
      [cols.asOf, 'asOf'],
      [cols.expected, 'expectedRate'],
      [cols.expectedAmount, 'expectedRate'],
      [cols.statedPlan, 'statedPlan'],
    ];
    this.rowFields = fieldColumns.filter((x): x is [number, LineField] => x[0] !== null);
    this.previewLimit = options.previewRows ?? DEFAULT_PREVIEW_ROWS;
    this.progress = progressStepper(t.n, options);
    this.money = moneyBelow(table, t.shape, t.kids, cols, reader);
    this.contextParent = new Map(context.nodes.map((nd) => [nd.id, nd.parentId]));
  }

  /** A row whose plan or disbursed money is the sum of the rows under it. */
  private isSubtotal(i: number): boolean {
    return this.money.planBelow[i] === 1 || this.money.disbursedBelow[i] === 1;
  }

  /** Adds a row to the preview while it has room. */
  private previewRow(tr: DetectedTable['rows'][number], kind: PreviewRow['kind'], node: ImportedNode | undefined): void {
    if (this.preview.length >= this.previewLimit) return;
    const { reader, roles } = this.t;
    const r = tr.row;
    this.preview.push({
      row: r + 1,
      kind,
      level: tr.level,
      node: node ? { id: node.node.id, code: node.node.code, name: node.node.name, status: node.status } : null,
      cells: roles.map((_, c) => {
        const v = reader.read(r, c);
        return { raw: reader.raw(r, c), value: v.value, problem: v.problem };
      }),
    });
  }

  /** The item a row is, once the rows are placed: an item's own row, not a place or work row that
   * holds that item's money. */
  private itemAt(a: number): TreeNode | undefined {
    const placement = this.placement;
    return placement?.meaning[a] === 'item' && placement.node[a] ? this.imported.get(placement.node[a]!)?.node : undefined;
  }

  private groupOfTotal(i: number): number | { from: number; to: number } {
    return this.t.groupOfTotal(i, (a) => this.itemAt(a));
  }

  // ---- the steps -------------------------------------------------------------------------------

  /** Every row's lines, stated figures and preview, with the items they name: across the columns
   * when the table has its items there, else each row placed in the workbook's tree. Stops, with
   * import.cancelled, when the signal aborts. */
  async readRows(): Promise<Result<void>> {
    const { t, lines, lineRows, linePlaces } = this;
    const { table, cols, reader, context, n } = t;
    if (t.across) {
      const read = await readAcross(table, cols, reader, this.cells, context, this.defaults, {
        lines,
        totals: this.totals,
        previewRow: (tr, kind, node) => this.previewRow(tr, kind, node),
        progress: this.progress,
        isSubtotal: (i) => this.isSubtotal(i),
        lineRows,
        unsaid: this.unsaid,
        targets: this.targets,
      });
      if (!read.ok) return read;
      this.imported = read.value;
      for (let k = 0; k < lines.length; k++) linePlaces.push(null);
      return ok(undefined);
    }
    const placement = placeRows({
      tree: t.shape,
      stt: (i) => table.rows[i].stt,
      code: t.codeAt,
      name: t.nameAt,
      sheetRow: (i) => t.rowOf(i) + 1,
      nodes: context.nodes,
      places: context.places ?? [],
      workbookId: context.workbookId,
      titleItem: itemInTitles(table.titles),
      report: (p) => t.report({ ...p, sheet: t.name }),
    });
    this.placement = placement;
    this.imported = placement.imported;
    for (let i = 0; i < n; i++) {
      if (!(await this.progress(i))) return fail('import.cancelled');
      this.readRow(i, placement);
    }
    t.options.onProgress?.(n, n);
    return ok(undefined);
  }

  /** The table's total, when the file states none, from its lines and items. */
  totalTheTable(): void {
    totalsOfTable(this.totals, this.lines, this.imported, this.t.context.nodes);
  }

  /** Lines whose source (capital type) nothing said take their item's, else the split the table's
   * totals state, else keep the default: either is said. */
  splitUnsaid(): void {
    const { lines, imported, contextParent, t } = this;
    for (const field of ['source', 'capital'] as const) {
      const marked = splitFromItem(lines, this.unsaid[field], field, (id) => imported.get(id)?.node.parentId ?? contextParent.get(id) ?? null);
      if (!marked.length) continue;
      const plan = marked.reduce((a, k) => a + lines[k].line.plan, 0);
      const rows = [...new Set(marked.map((k) => lines[k].row))];
      const params = { count: marked.length, rows: rows.slice(0, 6).join(', ') + (rows.length > 6 ? ', …' : ''), plan };
      const settled = splitByTotals(lines, marked, field, this.statedSplits(field));
      if (settled) t.report(fileProblem({ code: `import.${field}-by-totals`, params: { ...params, label: settled.label, stated: settled.plan } }, 'warning', t.name));
      else t.report(fileProblem({ code: `import.${field}-unsaid`, params }, 'warning', t.name));
    }
  }

  /** A plan column of a year before the workbook's that its header does not call carried in
   * ("Kế hoạch năm 2023" beside "Kế hoạch năm 2024"), with no disbursed column of that year: it may
   * be last year's plan, for comparison. Its money is read as carried in, and the user told so. */
  reportEarlierPlans(): void {
    const { cols, roles, context } = this.t;
    const spent = new Set(cols.disbursed.map((c) => roles[c].vintage));
    for (const c of cols.plan) {
      const role = roles[c];
      if (role.vintage === undefined || role.vintage >= context.year || role.carriedIn || spent.has(role.vintage)) continue;
      const plan = this.lines.reduce((a, l) => a + (l.line.vintage === role.vintage ? l.line.plan : 0), 0);
      if (plan > 0)
        this.t.report(
          fileProblem({ code: 'import.plan-earlier-year', params: { column: this.t.label(c), vintage: role.vintage, year: context.year, plan } }, 'warning', this.t.name, c),
        );
    }
  }

  /**
   * Items a file nests deeper than a plan's tree goes (MAX_TREE_DEPTH levels; numbering such as
   * "1.1.1.…" can say anything) are put under their ancestor at the deepest level taken, and said:
   * a workbook never holds a tree that its backups could not carry.
   */
  flattenDeepItems(): void {
    const { imported, contextParent } = this;
    const parentOf = (id: Id): Id | null => imported.get(id)?.node.parentId ?? contextParent.get(id) ?? null;
    const chain = (id: Id): Id[] => {
      const up: Id[] = [];
      const seen = new Set<Id>();
      for (let at: Id | null = id; at !== null && !seen.has(at); at = parentOf(at)) {
        seen.add(at);
        up.push(at);
      }
      return up.reverse();
    };
    let count = 0;
    for (const item of imported.values()) {
      const path = chain(item.node.id);
      if (path.length <= MAX_TREE_DEPTH) continue;
      item.node = { ...item.node, parentId: path[MAX_TREE_DEPTH - 2] };
      count++;
    }
    if (count) this.t.report(fileProblem({ code: 'import.tree-flattened', params: { count, limit: MAX_TREE_DEPTH } }, 'warning', this.t.name));
  }

  /** Formulas in the lines' cells that read only lines and items become the lines' formulas, with
   * the values they compute; any other is said, its cell keeping the value the file saved. */
  keepFormulas(): void {
    const { t, imported } = this;
    const { table, shape, roles, units, locales, reader, context, sheet } = t;
    if (!sheet.formulas) return;
    const nodes = new Map(context.nodes.map((nd) => [nd.id, nd]));
    for (const { node } of imported.values()) nodes.set(node.id, node);
    const skipped = new Set(table.rows.flatMap((tr, i) => (shape.role[i] === 'blank' || shape.role[i] === 'caption' || shape.role[i] === 'memo' ? [tr.row] : [])));
    const locale = locales.find((l) => l !== null) ?? 'vi';
    const kept = keepFormulas({
      sheet,
      body: { first: table.firstDataRow, last: table.lastDataRow, width: table.width },
      skipRow: (r) => skipped.has(r),
      roles,
      units: units.map((u, c) => u ?? (AMOUNT_FIELDS.has(roles[c].field) ? 'dong' : null)),
      locale,
      reader,
      targets: this.targets,
      lines: this.lines,
      nodes: [...nodes.values()],
      year: context.year,
      rounding: context.formulaRounding,
      report: t.report,
      forget: (r, c) => {
        const at = t.problems.findIndex((p) => p.row === r + 1 && p.col === c + 1 && p.severity === 'error');
        if (at >= 0) t.problems.splice(at, 1);
      },
    });
    // The preview shows what the lines will hold.
    const previewAt = new Map(this.preview.map((p) => [p.row, p]));
    for (const x of kept) {
      const cells = previewAt.get(x.row + 1)?.cells;
      if (cells?.[x.col]) cells[x.col] = { ...cells[x.col], value: x.value, problem: null, formula: `=${x.formula}` };
    }
  }

  /** Every stated figure against the lines under it; the columns with numbers mapped to nothing. */
  reconcileReading(): Reconciliation {
    const { t, lineRows } = this;
    const { context, roles, cols, reader, table, n, nameAt, codeAt, rowOf } = t;
    const itemNodes = this.itemNodesByCode();
    const questions = roles.flatMap((role, c) => {
      const q = questionOf(role, c, { year: context.year, headerVintages: this.headerVintages, itemNodes });
      return q ? [q] : [];
    });
    const statedColumn = (c: number) => roles[c].field === 'statedPlan' || roles[c].field === 'statedDisbursed';
    const lineRowsSet = new Set(lineRows);
    const statedRows = this.statedRows(lineRowsSet);
    const lineRow = new Uint8Array(n);
    for (const s of statedRows) if (s.kind === 'line') lineRow[s.i] = 1;
    const result = reconcile({
      questions,
      headers: table.headers,
      parent: t.shape.parent,
      kids: t.kids,
      statedRows,
      labelOf: (s) => {
        const tr = table.rows[s.i];
        if (s.kind === 'total' && tr.label) return tr.label;
        // A table with its items across names each row in its unit column ("Sở Y tế", "Huyện Đồng Văn").
        return [tr.stt, nameAt(s.i) || codeAt(s.i) || reader.text(tr.row, cols.unit)].filter(Boolean).join(' ');
      },
      value: (i, c) => {
        // A line's own amount columns are its lines: only its "Tổng số" columns state anything.
        if (lineRow[i] === 1 && !statedColumn(c)) return null;
        if (reader.isAmount(c)) return reader.amount(rowOf(i), c);
        const v = reader.read(rowOf(i), c);
        return typeof v.value === 'number' ? v.value : null;
      },
      lines: this.lines.map((l) => l.line),
      lineRows,
      linePlaces: this.linePlaces,
      splitOfRow: (i) => {
        const split = table.rows[i].split;
        if (!split) return null;
        const vintage = split.vintage ?? (split.carriedIn ? context.year - 1 : undefined);
        return { source: split.source, capital: split.capital, ...(vintage !== undefined ? { vintage } : {}) };
      },
    });
    return { ...result, unmapped: unmappedMoney(table, roles, t.rawReader, lineRowsSet, t.locales, table.unit ?? t.options.unit ?? 'dong') };
  }

  /** The nodes under an item, by the item's code (memoized; undefined for a code no item has). */
  private itemNodesByCode(): (code: string) => Set<Id> | undefined {
    const { imported } = this;
    const { context } = this.t;
    const under = new Map<string, Set<Id>>();
    const parentOf = new Map<Id, Id | null>(context.nodes.map((x) => [x.id, x.parentId]));
    for (const { node } of imported.values()) parentOf.set(node.id, node.parentId);
    return (code) => {
      if (under.has(code)) return under.get(code);
      const top = [...imported.values()].find((x) => x.node.code === code)?.node ?? context.nodes.find((x) => x.code === code);
      if (!top) return undefined;
      const set = new Set<Id>();
      for (const id of parentOf.keys()) {
        for (let at: Id | null | undefined = id, guard = 0; at && guard < 64; at = parentOf.get(at), guard++) {
          if (at === top.id) {
            set.add(id);
            break;
          }
        }
      }
      under.set(code, set);
      return set;
    };
  }

  /** The rows that state figures: totals (with the group each closes), subtotals and sections, and
   * line rows that hold a stated plan or disbursement. */
  private statedRows(lineRowsSet: ReadonlySet<number>): StatedRow[] {
    const { t, placement } = this;
    const { cols, reader, table, n } = t;
    const statedRows: StatedRow[] = [];
    const holdsStated = (r: number) =>
      (cols.statedPlan !== null && reader.holds(r, cols.statedPlan)) || (cols.statedDisbursed !== null && reader.holds(r, cols.statedDisbursed));
    for (let i = 0; i < n; i++) {
      const tr = table.rows[i];
      const role = t.shape.role[i];
      if (role === 'blank' || role === 'caption' || role === 'memo') continue;
      const kind: StatedRow['kind'] | null =
        role === 'total' ? 'total' : this.isSubtotal(i) || placement?.meaning[i] === 'section' ? 'group' : lineRowsSet.has(i) && holdsStated(tr.row) ? 'line' : null;
      if (kind === null) continue;
      if (kind === 'total') {
        const scopeRow = tr.scope === 'group' ? this.groupOfTotal(i) : -1;
        const total = this.totals.find((x) => x.row === tr.row + 1);
        statedRows.push({ i, row: tr.row + 1, kind, nodeId: total?.nodeId ?? null, scope: total?.scope === 'table' || scopeRow === -1 ? 'table' : scopeRow });
      } else statedRows.push({ i, row: tr.row + 1, kind, nodeId: kind === 'group' && placement?.statesNode[i] ? placement.node[i] : null, scope: 'self' });
    }
    return statedRows;
  }

  /** The plan read. */
  plan(reconciliation: Reconciliation): ImportPlan {
    const { t } = this;
    return {
      nodes: [...this.imported.values()],
      lines: this.lines,
      totals: this.totals,
      problems: t.problems,
      locales: t.locales,
      units: t.units.map((u, c) => (AMOUNT_FIELDS.has(t.roles[c].field) ? (u ?? 'dong') : null)),
      ambiguousColumns: t.ambiguousColumns,
      preview: this.preview,
      reconciliation,
      columns: t.roles,
    };
  }

  // ---- one row -----------------------------------------------------------------------------------

  /** The split a row's name states, completed by the rows it lies under (memoized; a row's
   * parent comes before it). */
  private splitOf(i: number): BreakdownSplit | null {
    if (i < 0) return null;
    const { shape } = this.t;
    let s = this.splits[i];
    if (s === undefined) {
      const name = this.t.nameAt(i);
      const own = shape.split.get(i) ?? splitInName(name) ?? (shape.role[i] === 'item' ? breakdownOf(name) : null);
      s = this.splits[i] = withOuterSplit(own, this.splitOf(shape.parent[i]));
    }
    return s;
  }

  /** The plan the table's total states for one source or one capital type, on the rows under it
   * that name only that ("Trong đó: - Vốn sự nghiệp", "- NSTW"). */
  private statedSplits(field: 'source' | 'capital'): StatedSplit[] {
    const { table, shape, n } = this.t;
    const totals = this.totals;
    const out: StatedSplit[] = [];
    for (let i = 0; i < n; i++) {
      const tr = table.rows[i];
      const split = tr.split;
      const value = split?.[field];
      if (shape.role[i] !== 'total' || !split || !value || split[field === 'source' ? 'capital' : 'source'] || split.vintage !== undefined || split.carriedIn) continue;
      const t = totals.find((x) => x.row === tr.row + 1 && x.scope === 'table');
      const plan = field === 'source' ? (t?.figures[value as Source] ?? t?.figures.plan) : t?.figures.plan;
      if (plan !== undefined && !out.some((x) => x.value === value)) out.push({ value, label: tr.label ?? '', plan });
    }
    // The table's total row split by source in its columns ("TỔNG SỐ" under "NSTW", "NSĐP").
    if (field === 'source') {
      for (const t of totals) {
        if (t.scope !== 'table' || t.source !== null || table.rows.some((tr) => tr.row + 1 === t.row && tr.split)) continue;
        for (const value of ['central', 'local', 'other'] as const) {
          const plan = t.figures[value];
          if (plan !== undefined && !out.some((x) => x.value === value)) out.push({ value, label: `${t.label} / ${SOURCE_SHORT[value]}`, plan });
        }
      }
    }
    return out;
  }

  /** An item's own row: its cells of the money the rows under it hold are the item's figures. */
  private noteItemCells(r: number, id: Id, own: OwnMeasures): void {
    const { cols, roles } = this.t;
    const money = [...(own.plan ? [] : [...cols.plan, cols.statedPlan]), ...(own.disbursed ? [] : [...cols.disbursed, cols.statedDisbursed])];
    for (const c of money) {
      const field = c === null ? null : itemFieldOf(roles[c], this.headerVintages);
      if (c !== null && field !== null) this.targets.set(r, c, { kind: 'item', id, field });
    }
  }

  /** The lines and stated figures of one row. */
  private readRow(i: number, place: Placement): void {
    const tr = this.t.table.rows[i];
    const role = this.t.shape.role[i];
    if (role === 'blank' || role === 'caption' || role === 'memo') this.previewRow(tr, 'blank', undefined);
    else if (role === 'total') this.readTotal(i, place);
    else {
      const meaning = place.meaning[i];
      const nodeId = place.node[i];
      if (meaning === 'section' || meaning === 'none' || nodeId === null) this.previewRow(tr, meaning === 'section' ? 'group' : 'blank', undefined);
      else this.readLines(i, place, nodeId);
    }
  }

  /** A total row: the figures it states (for its source alone on a breakdown row), and the item of
   * the group it closes. */
  private readTotal(i: number, place: Placement): void {
    const { cells } = this;
    const { table, cols, listed } = this.t;
    const tr = table.rows[i];
    const r = tr.row;
    this.previewRow(tr, 'total', undefined);
    cells.start(r);
    let figures = statedFigures(cells, cols, 1, listed);
    if (tr.source) {
      const v = figures.plan ?? figures[tr.source];
      figures = v === undefined ? {} : { [tr.source]: v };
    }
    const scopeRow = tr.scope === 'group' ? this.groupOfTotal(i) : -1;
    const scopeNode = typeof scopeRow === 'number' && scopeRow >= 0 && place.meaning[scopeRow] === 'item' ? place.node[scopeRow] : null;
    this.totals.push({ row: r + 1, label: tr.label ?? '', scope: tr.scope ?? 'table', nodeId: scopeNode, source: tr.source ?? null, figures });
  }

  /** A row holding an item's money: its stated figures when it is a subtotal, and its own money as
   * lines, one per source, capital type and vintage its cells hold. */
  private readLines(i: number, place: Placement, nodeId: Id): void {
    const { t, cells } = this;
    const { table, shape, cols, listed, reader, name } = t;
    const tr = table.rows[i];
    const r = tr.row;
    const entry = nodeId ? this.imported.get(nodeId) : undefined;
    const own: OwnMeasures = { plan: !this.money.planBelow[i], disbursed: !this.money.disbursedBelow[i] };
    cells.start(r);
    const subtotal = this.isSubtotal(i);
    if (subtotal && place.statesNode[i] && entry) this.noteItemCells(r, entry.node.id, own);
    if (subtotal) {
      this.previewRow(tr, 'group', entry);
      if (place.statesNode[i] && entry) addStated(entry, statedFigures(cells, cols, 1, listed));
      if (listed || (!own.plan && !own.disbursed)) return;
    } else this.previewRow(tr, tr.kind === 'item' ? 'item' : tr.kind, entry);
    const groups = splitGroups(cells, cols, this.defaults, t.context.year, this.headerVintages, this.splitOf(i) ?? undefined, own);
    if (own.disbursed && cols.statedDisbursed !== null) {
      const asOf = cols.roles[cols.statedDisbursed].asOf ?? null;
      const moved = giveDisbursedRest(groups, cells.num(cols.statedDisbursed), asOf);
      if (moved === 'undivided') {
        const g = groups.find((x) => x.disbursed !== null && x.plan !== null)!;
        g.invalid.push('disbursed');
        t.report(
          cellProblem(
            name,
            r,
            cols.statedDisbursed,
            reader.raw(r, cols.statedDisbursed),
            { code: 'import.disbursed-undivided', params: { source: SOURCE_SHORT[g.source] } },
            'warning',
          ),
        );
      }
    }
    const withValues = groups.filter((g) => g.plan !== null || g.disbursed !== null || g.invalid.length > 0);
    if (withValues.length === 0) return;
    // A table listing lines under its items shows an item without lines as zeros: no line.
    if (listed && shape.role[i] === 'item' && withValues.every((g) => !g.plan && !g.disbursed && !g.invalid.length)) return;
    // A line named by its row (a place, a work, a description) keeps that name when a note column
    // says more.
    const notes =
      cols.labels.length === 0
        ? ''
        : cols.labels
            .map((c) => reader.text(r, c))
            .filter(Boolean)
            .join('; ');
    const named = shape.role[i] === 'listed' || place.meaning[i] === 'place' || place.meaning[i] === 'work';
    const labelText = named && notes && place.label[i] ? `${place.label[i]}; ${notes}` : notes || place.label[i];
    const unitText = reader.text(r, cols.unit);
    const asOf = cols.asOf === null ? null : (cells.get(cols.asOf).value as string | null);
    const expected =
      cells.num(cols.expected) ??
      shareOf(
        cells.num(cols.expectedAmount),
        withValues.reduce((a, g) => a + (g.plan ?? 0), 0),
      );
    const rate = cells.num(cols.rate);
    const statedPlan = cells.num(cols.statedPlan);
    const rowInvalid: LineField[] = [];
    for (const [col, field] of this.rowFields) if (cells.bad(col)) rowInvalid.push(field);
    const section = place.section[i];
    const { lines, lineRows, linePlaces } = this;
    for (const g of withValues) {
      const line = groupLine(g, { nodeId, order: lines.length, label: g.place ?? labelText, unit: unitText, asOf, expectedRate: expected });
      line.placeId = g.place !== null ? (t.placeIndex.find(g.place) ?? null) : place.placeId[i];
      if (section && !line.placeId) {
        line.placeId = section.placeId;
        // A section the workbook has no place for is named in the label, unless all it names is
        // the split its lines now carry ("A. Vốn đầu tư phát triển").
        if (!section.placeId && !breakdownOf(section.label)) line.label = line.label ? `${line.label} (${section.label})` : section.label;
      }
      // A row's rate and total belong to its one line; with several lines, to its node.
      if (!subtotal && withValues.length === 1 && (rate !== null || statedPlan !== null)) {
        line.stated = {};
        if (rate !== null) line.stated.rate = rate;
        if (statedPlan !== null) line.stated.plan = statedPlan;
      }
      if (g.sourceUnsaid) this.unsaid.source.push(lines.length);
      if (g.capitalUnsaid) this.unsaid.capital.push(lines.length);
      if (g.cols) noteLineCells(this.targets, r, lines.length, g.cols);
      if (cols.expected !== null) this.targets.set(r, cols.expected, withValues.length === 1 ? { kind: 'line', line: lines.length, field: 'expectedRate' } : { kind: 'part' });
      lines.push({ line, row: r + 1, invalid: [...g.invalid, ...rowInvalid] });
      lineRows.push(i);
      linePlaces.push(g.place);
    }
    // An item's row with several lines states its rate and total for the item.
    if (!subtotal && withValues.length > 1 && place.statesNode[i] && entry) {
      addStated(entry, { ...(rate !== null ? { rate } : {}), ...(statedPlan !== null ? { plan: statedPlan } : {}) });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Steps of the plan

/** How a report writes each source. */
const SOURCE_SHORT: Record<Source, string> = { central: 'NSTW', local: 'NSĐP', other: 'khác / other' };

/** Fields whose amounts the file's own arithmetic adds up. */
const MONEY_FIELDS: ReadonlySet<ImportField> = new Set(['plan', 'disbursed', 'statedPlan', 'statedDisbursed']);

/** Problems of the mapping itself: columns read twice, no name, no money, items across mapped
 * otherwise, derived rates, a disbursed column unsplit beside a split plan. */
function checkColumns(table: DetectedTable, cols: Columns, across: boolean, label: (c: number) => string, report: (p: ImportProblem) => void): void {
  const name = table.sheet;
  const roles = cols.roles;
  for (const c of cols.duplicates) report(fileProblem({ code: 'import.column-duplicate', params: { column: label(c) } }, 'warning', name, c));
  // Items across: each row names a place or unit, in the name or the implementing-unit column.
  if (cols.code === null && cols.name === null && !(across && cols.unit !== null)) report(fileProblem({ code: 'import.no-name-column' }, 'error', name));
  if (cols.plan.length + cols.disbursed.length + (cols.statedPlan === null ? 0 : 1) === 0) report(fileProblem({ code: 'import.no-amount-column' }, 'error', name));
  // Headers naming program items ("Dự án 2", "Dự án 3 / Tiểu dự án 1") on columns the mapping does
  // not read as that item's money: the table would be misread; say so.
  const itemColumns = table.headerParts.flatMap((parts, c) =>
    c !== cols.name && c !== cols.code && c !== cols.stt && !roles[c].item && parts.some((p) => p.length <= 80 && codeInName(p, null) !== null) ? [`"${label(c)}"`] : [],
  );
  if (itemColumns.length)
    report(fileProblem({ code: 'import.items-as-columns', params: { columns: itemColumns.slice(0, 4).join(', ') + (itemColumns.length > 4 ? ', …' : '') } }, 'warning', name));
  if (cols.rate !== null) report(fileProblem({ code: 'import.rate-derived', params: { column: label(cols.rate) } }, 'warning', name, cols.rate));
  const planSplit = cols.plan.some((c) => roles[c].source || roles[c].capital);
  for (const c of cols.disbursed) {
    if (planSplit && !roles[c].source && !roles[c].capital) report(fileProblem({ code: 'import.measure-unsplit', params: { column: label(c) } }, 'warning', name, c));
  }
}

/** Hidden rows and columns that hold data are read, and the user is told which; a hidden column
 * that means the same as a visible one is left for it. */
function reportHidden(
  sheet: Sheet,
  table: DetectedTable,
  roles: readonly ColumnRole[],
  cols: Columns,
  label: (c: number) => string,
  report: (p: ImportProblem) => void,
): void {
  const rows = [...(sheet.hiddenRows ?? [])].filter((r) => r >= table.firstDataRow && r <= table.lastDataRow && (sheet.rows[r] ?? []).some((v) => v !== null && v !== ''));
  if (rows.length) {
    const list =
      rows
        .slice(0, 8)
        .map((r) => r + 1)
        .join(', ') + (rows.length > 8 ? ', …' : '');
    report(fileProblem({ code: 'import.hidden-rows-read', params: { count: rows.length, rows: list } }, 'warning', sheet.name));
  }
  for (const c of sheet.hiddenColumns ?? []) {
    if (c >= table.width || roles[c].field === 'ignore') continue;
    const skipped = cols.duplicates.includes(c);
    report(fileProblem({ code: skipped ? 'import.hidden-column-skipped' : 'import.hidden-column-read', params: { column: label(c) } }, 'warning', sheet.name, c));
  }
}

/** Each item row's money columns (blank = 0), for the file's own arithmetic; null for other rows.
 * One buffer holds them all (a view per row): a typed array per row would cost more than its sums. */
function rowVectors(table: DetectedTable, shape: RowTree, reader: CellReader, moneyCols: readonly number[]): (Float64Array | null)[] {
  const width = moneyCols.length;
  const all = new Float64Array(table.rows.length * width);
  return table.rows.map((tr, i) => {
    if (shape.role[i] !== 'item' && shape.role[i] !== 'repeat') return null;
    const v = all.subarray(i * width, (i + 1) * width);
    for (let k = 0; k < width; k++) v[k] = reader.amount(tr.row, moneyCols[k]) ?? 0;
    return v;
  });
}

/** Finds the subtotals the numbering does not show by their sums; keeps them unless they break a
 * total the file states that the reading without them reproduces, and says which rows they are. */
function refineBySums(
  shape: RowTree,
  kids: Children,
  vectors: readonly (Float64Array | null)[],
  moneyCols: readonly number[],
  reader: CellReader,
  tableTotals: readonly number[],
  rowOf: (i: number) => number,
  groupLike: (head: number, run: readonly number[]) => boolean,
  sheet: string,
  report: (p: ImportProblem) => void,
): void {
  const totalsMatched = (k: Children) => moneyCols.reduce((a, c) => a + sumsReproduced(shape, k, (i) => reader.amount(rowOf(i), c), tableTotals).totalsMatched, 0);
  const before = { parent: shape.parent.slice(), by: shape.by.slice() };
  const restore = () => {
    shape.parent.set(before.parent);
    shape.by = before.by.slice();
  };
  const flat = tableTotals.length ? totalsMatched(kids) : 0;
  // Every run of rows a row sums up is its subtotal when that is what makes the file's total add
  // up; otherwise only where the row looks like a group of its run (a district over communes, a
  // row naming no item over items, another numbering): equal sums of a few round amounts alone
  // ("Xã A 500" beside "Xã B 300", "Xã C 200") are no evidence.
  let found = findSubtotalsBySums(shape, kids, vectors, moneyCols.length);
  if (found.length === 0) return;
  if (!(tableTotals.length && totalsMatched(childrenOf(shape)) > flat)) {
    restore();
    found = findSubtotalsBySums(shape, kids, vectors, moneyCols.length, groupLike);
    if (found.length === 0 || (tableTotals.length && totalsMatched(childrenOf(shape)) < flat)) {
      restore();
      return;
    }
  }
  shape.bySums = found;
  const rows =
    found
      .slice(0, 6)
      .map((i) => rowOf(i) + 1)
      .join(', ') + (found.length > 6 ? ', …' : '');
  report(fileProblem({ code: 'import.subtotals-by-sum', params: { count: found.length, rows } }, 'warning', sheet));
}

/** Per row: whether it holds plan or disbursed money, and whether any row under it does. */
function moneyBelow(table: DetectedTable, shape: RowTree, kids: Children, cols: Columns, reader: CellReader) {
  const n = table.rows.length;
  const planHere = new Uint8Array(n);
  const disbursedHere = new Uint8Array(n);
  // A cell that could not be read (or waits for its number format) still holds money.
  const has = (r: number, cs: readonly (number | null)[]) => cs.some((c) => c !== null && reader.holds(r, c));
  for (let i = 0; i < n; i++) {
    const role = shape.role[i];
    if (role === 'blank' || role === 'total' || role === 'caption' || role === 'memo') continue;
    const r = table.rows[i].row;
    if (has(r, [...cols.plan, cols.statedPlan])) planHere[i] = 1;
    if (has(r, [...cols.disbursed, cols.statedDisbursed])) disbursedHere[i] = 1;
  }
  const planBelow = new Uint8Array(n);
  const disbursedBelow = new Uint8Array(n);
  for (const i of bottomUp(shape.parent)) {
    const p = shape.parent[i];
    if (p < 0 || shape.role[i] === 'blank' || shape.role[i] === 'total' || shape.role[i] === 'caption' || shape.role[i] === 'memo') continue;
    if (planHere[i] || planBelow[i]) planBelow[p] = 1;
    if (disbursedHere[i] || disbursedBelow[i]) disbursedBelow[p] = 1;
  }
  void kids;
  return { planHere, disbursedHere, planBelow, disbursedBelow };
}

// Header words of money, and of columns that count things, rate them or date them.
const MONEY_WORD =
  /(?:^|\s)(?:tiền|vốn|kinh\s+phí|kế\s+hoạch|kh|khv|dự\s+toán|dt|giải\s+ngân|gn|thực\s+hiện|th|ngân\s+sách|ns|nstw|nsđp|đồng|chi|thanh\s+toán|quyết\s+toán|amount|fund|budget|money|vnd)(?:\s|$|[,.:;()/-])/iu;
const NOT_MONEY =
  /(?:^|\s)(?:stt|tt|mã|số\s+hộ|hộ|người|lao\s+động|lượt|lớp|mô\s+hình|xã|thôn|bản|km|m2|ha|tấn|con|số\s+lượng|khối\s+lượng|diện\s+tích|tỷ\s+lệ|tỉ\s+lệ|%|năm|ngày|tháng|quý|công\s+trình|dự\s+án|hợp\s+đồng|văn\s+bản|quyết\s+định)(?:\s|$|[,.:;()])/iu;

/** Columns mapped to nothing whose cells on the rows that make lines hold numbers, with their sums
 * read in the table's unit: money the import would otherwise drop without a word. */
function unmappedMoney(
  table: DetectedTable,
  roles: readonly ColumnRole[],
  reader: CellReader,
  lineRows: ReadonlySet<number>,
  locales: readonly (NumberLocale | null)[],
  unit: AmountUnit,
): Reconciliation['unmapped'] {
  const locale = locales.find((l) => l !== null) ?? 'vi';
  const out: Reconciliation['unmapped'] = [];
  roles.forEach((role, c) => {
    if (role.field !== 'ignore' || c === table.sttColumn) return;
    const header = table.headers[c] ?? '';
    // A header whose words have a meaning was left out on purpose (a rate, a derived figure, ĐVT).
    if (table.headerParts[c]?.some((part) => headerWordScore(part) > 0)) return;
    const words = ` ${foldForMatch(header)} `;
    if (!MONEY_WORD.test(words) && NOT_MONEY.test(words)) return;
    const col = { field: 'plan' as const, unit: table.columnUnits[c] ?? unit, locale };
    let total = 0;
    let count = 0;
    let text = 0;
    for (const i of lineRows) {
      const raw = reader.raw(table.rows[i].row, c);
      if (raw === null) continue;
      const v = readCellValue(raw, col, false);
      if (typeof v.value === 'number') {
        total += v.value;
        count++;
      } else if (v.problem) text++;
    }
    // A column of mostly text (a note with a number here and there) is not money.
    if (count > 0 && count >= text && total !== 0) out.push({ col: c, header, total, count });
  });
  return out;
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
    /** Every sheet of the file: whether a table with rows was found in it, what it holds. */
    sheets: SheetSummary[];
    /** The largest set of sheets laid out alike, each holding money (one per district): two or more, or none. */
    alike: string[];
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
 * (import.empty-file, import.xlsx-damaged, import.encrypted, import.word-document, import.unsupported-file…),
 * import.empty-sheet, import.no-data (headers only), import.sheet-missing or import.cancelled.
 * Progress goes from 0 to IMPORT_PROGRESS_TOTAL. */
export async function readImport(bytes: Uint8Array | ArrayBuffer, fileName: string, context: WorkbookContext, options: ImportOptions = {}): Promise<Result<ImportReading>> {
  const report = options.onProgress;
  const scaled = (from: number, share: number) => (done: number, total: number) =>
    report?.(from + Math.floor((share * Math.min(done, total)) / Math.max(total, 1)), IMPORT_PROGRESS_TOTAL);
  report?.(0, IMPORT_PROGRESS_TOTAL);
  const file = await readSheets(bytes, fileName, { signal: options.signal, onProgress: scaled(0, READ_SHARE) });
  if (!file.ok) return file;
  if (options.signal?.aborted) return fail('import.cancelled');

  const detected = file.value.sheets.map((s) => ({ sheet: s, table: detectTable(s) }));
  const hasBody = (t: Result<DetectedTable>) => t.ok && t.value.rows.some((r) => r.kind !== 'blank');
  const sheets = surveySheets(detected);
  const at = chooseSheet(sheets, options.sheet);
  if (at < 0) return fail('import.sheet-missing', { sheet: options.sheet ?? '' });
  const chosen = detected[at];
  if (!chosen.table.ok) return chosen.table;
  const table = chosen.table.value;
  if (!hasBody(chosen.table)) return fail('import.no-data', { sheet: table.sheet });

  const { mapping: saved, fromTemplate } = chooseMapping(table, options.savedMappings, context.year);
  const guessedMapping = guessMapping(table, context.year);
  const given: ColumnMapping = options.mapping ? { templateKey: guessedMapping.templateKey, columns: options.mapping.map((c) => ({ ...c })) } : saved;
  const trustMapping = options.mapping !== undefined || fromTemplate;
  const plan = await buildImportPlan(chosen.sheet, table, given, context, { ...options, trustMapping, onProgress: scaled(READ_SHARE, IMPORT_PROGRESS_TOTAL - READ_SHARE) });
  if (!plan.ok) return plan;
  // The mapping as read: a guess is shown settled by the file's arithmetic, and so is "reset".
  const mapping: ColumnMapping = trustMapping ? given : { templateKey: given.templateKey, columns: plan.value.columns.map((c) => ({ ...c })) };
  if (!trustMapping) guessedMapping.columns = mapping.columns.map((c) => ({ ...c }));
  const result = { ...plan.value, problems: [...file.value.notes, ...table.warnings, ...plan.value.problems] };
  report?.(IMPORT_PROGRESS_TOTAL, IMPORT_PROGRESS_TOTAL);
  return ok({
    file: {
      kind: file.value.kind,
      encoding: file.value.encoding,
      separator: file.value.separator,
      sheets,
      alike: alikeSheets(sheets),
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

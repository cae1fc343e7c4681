// The formulas of a workbook as one book: each line cell's formula (its own, or the column formula
// of its nearest item, or the workbook's, unless a value was typed over it), read once and laid out
// by the dependency graph; and their computation against a host that holds the figures (the
// worker's columns and incremental roll-up, or a plain roll-up in tests and the command line).
// Only what depends on a change is recomputed, level by level, each level written back to the host
// as one batch so the roll-up the next level reads is current.

import type { AmountUnit, CellFormula, FormulaField, Line, TreeNode, Workbook } from '../model';
import { formulaRefs, readStoredFormula, type Expr, type ItemRefField, type Ref } from './parse';
import { amountInUnit, evaluateIntoCell, rateAsFraction, type FormulaError, type FormulaErrorKind } from './evaluate';
import { cellVertex, planFormulas, type FormulaCell, type FormulaPlan } from './graph';
import { fromNumberSmall, small, type Rational, type RoundingRule, type SmallRational } from './rational';

export const FORMULA_FIELDS: readonly FormulaField[] = ['plan', 'disbursed', 'expectedRate'];

const NO_REFS: readonly Ref[] = [];

/** One cell's formula in the book (and, with what it reads, in the graph). */
export interface BookCell extends FormulaCell {
  /** Index of the line in the records the book was built from. */
  line: number;
  field: FormulaField;
  formula: CellFormula;
  /** Null when the stored text cannot be read (a newer version's syntax): the cell shows an error. */
  expr: Expr | null;
  /** True when the formula comes from a column formula (an item's or the workbook's). */
  fromColumn: boolean;
}

export interface FormulaBook {
  /** Formula cells in the order of their lines and fields. */
  cells: readonly BookCell[];
  /** Index in `cells` by vertex (graph.ts cellVertex); -1 where no cell has a formula. */
  cellIndex: Int32Array;
  plan: FormulaPlan;
  /** How many lines the book was laid out over. */
  lineCount: number;
  /** The id of a line by its index. */
  lineIdAt(i: number): string;
  /** Index of a line by id in the records the book was laid out over (-1: not there). */
  lineIndex(id: string): number;
  /** Whether a formula reads an item's figure or the total (then items' figures must be kept). */
  readsItems: boolean;
}

/** The formula cell at a vertex of the book (graph.ts cellVertex), undefined when there is none. */
export function cellAt(book: FormulaBook, vertex: number): BookCell | undefined {
  const k = vertex >= 0 && vertex < book.cellIndex.length ? book.cellIndex[vertex] : -1;
  return k < 0 ? undefined : book.cells[k];
}

/** What the book is built from: the records, or just the parts of them that carry formulas; a line's index is its place in `lines`. */
export interface FormulaRecords {
  workbook: Pick<Workbook, 'columnFormulas'>;
  nodes: readonly Pick<TreeNode, 'id' | 'parentId' | 'columnFormulas'>[];
  lines: readonly Pick<Line, 'id' | 'nodeId' | 'formulas' | 'typedOver'>[];
}

/** The formula that applies to a line's field: its own, else its nearest item's column formula, else the workbook's. */
export function formulaOf(
  line: Pick<Line, 'nodeId' | 'formulas' | 'typedOver'>,
  field: FormulaField,
  columnFormulaOfItem: (nodeId: string, field: FormulaField) => CellFormula | undefined,
): { formula: CellFormula; fromColumn: boolean } | undefined {
  const own = line.formulas?.[field];
  if (own) return { formula: own, fromColumn: false };
  if (line.typedOver?.includes(field)) return undefined;
  const col = columnFormulaOfItem(line.nodeId, field);
  return col && { formula: col, fromColumn: true };
}

/** The column formula that reaches the lines of an item (its own, an ancestor's, or the workbook's). */
export function columnFormulaLookup(records: Pick<FormulaRecords, 'workbook' | 'nodes'>): (nodeId: string, field: FormulaField) => CellFormula | undefined {
  const byId = new Map(records.nodes.map((n) => [n.id, n]));
  // Per item, the column formula of each field that reaches its lines (null: none).
  const memo = new Map<string, (CellFormula | null)[]>();
  const reach = (nodeId: string): (CellFormula | null)[] => {
    let found = memo.get(nodeId);
    if (found) return found;
    found = FORMULA_FIELDS.map((field) => {
      const seen = new Set<string>();
      for (let n = byId.get(nodeId); n && !seen.has(n.id); n = n.parentId ? byId.get(n.parentId) : undefined) {
        seen.add(n.id);
        const f = n.columnFormulas?.[field];
        if (f) return f;
      }
      return records.workbook.columnFormulas?.[field] ?? null;
    });
    memo.set(nodeId, found);
    return found;
  };
  return (nodeId, field) => reach(nodeId)[FIELD_NO[field]] ?? undefined;
}

const FIELD_NO: Record<FormulaField, number> = { plan: 0, disbursed: 1, expectedRate: 2 };

/** Reads every formula of the records (one parse per distinct text) and lays them out. */
export function buildFormulaBook(records: FormulaRecords): FormulaBook {
  const columnFormula = columnFormulaLookup(records);
  const parsed = new Map<string, Expr | null>();
  const refsOf = new Map<Expr, readonly Ref[]>();
  let readsItems = false;
  // The last formula read, and what it reads: a column formula is one object on every line.
  let last: CellFormula | null = null;
  let lastExpr: Expr | null = null;
  let lastRefs: readonly Ref[] = NO_REFS;
  const read = (formula: CellFormula) => {
    if (formula === last) return;
    last = formula;
    let e = parsed.get(formula.text);
    if (e === undefined) {
      const r = readStoredFormula(formula.text);
      parsed.set(formula.text, (e = r.ok ? r.value.expr : null));
    }
    lastExpr = e;
    let refs = e ? refsOf.get(e) : NO_REFS;
    if (refs === undefined) {
      refsOf.set(e!, (refs = formulaRefs(e!)));
      if (refs.some((r) => r.kind === 'item' || r.kind === 'total')) readsItems = true;
    }
    lastRefs = refs;
  };
  const lines = records.lines;
  const nodeIndex = new Map(records.nodes.map((n, k) => [n.id, k]));
  // One record per formula cell, for the book and the graph alike (a column formula makes 100 000).
  const cells: BookCell[] = [];
  const cellIndex = new Int32Array(lines.length * FORMULA_FIELDS.length).fill(-1);
  // Without an item's column formula every line has the workbook's: a line's item is then not read here.
  const byItem = records.nodes.some((n) => n.columnFormulas && Object.keys(n.columnFormulas).length);
  const workbookColumns = FORMULA_FIELDS.map((f) => records.workbook.columnFormulas?.[f]);
  // Lines come item by item: what an item's lines share is looked up once per run of them.
  let node: string | undefined;
  let columns = workbookColumns;
  // The column formulas reaching each item's lines, by item index (the last for lines of no item).
  const columnsOf: (CellFormula | undefined)[][] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (byItem && (line.nodeId !== node || i === 0)) {
      node = line.nodeId;
      const item = nodeIndex.get(node) ?? -1;
      const k = item < 0 ? records.nodes.length : item;
      columns = columnsOf[k] ??= FORMULA_FIELDS.map((f) => columnFormula(line.nodeId, f));
    }
    const own = line.formulas;
    const over = line.typedOver;
    for (let f = 0; f < FORMULA_FIELDS.length; f++) {
      const field = FORMULA_FIELDS[f];
      // Its own formula, else the column formula unless a value was typed over it (formulaOf).
      let formula = own?.[field];
      const fromColumn = !formula;
      if (!formula) {
        if (over?.includes(field)) continue;
        formula = columns[f];
        if (!formula) continue;
      }
      read(formula);
      const vertex = cellVertex(i, field);
      cellIndex[vertex] = cells.length;
      cells.push({ line: i, field, formula, expr: lastExpr, fromColumn, refs: lastRefs });
    }
  }
  // Made when a formula names a line or the caller looks one up: a column formula reading its own line needs none.
  let lineIndexMap: Map<string, number> | null = null;
  const lineIndex = (id: string) => (lineIndexMap ??= new Map(records.lines.map((l, i) => [l.id, i]))).get(id) ?? -1;
  const itemParent = Int32Array.from(records.nodes, (n) => (n.parentId === null ? -1 : (nodeIndex.get(n.parentId) ?? -1)));
  // Lines' items, made when the graph asks (formulas reading only their own line need none).
  let lineItem: Int32Array | null = null;
  const itemOf = (i: number) => {
    if (!lineItem) {
      lineItem = new Int32Array(lines.length);
      let node: string | undefined;
      let item = -1;
      for (let j = 0; j < lines.length; j++) {
        const id = lines[j].nodeId;
        if (id !== node || j === 0) item = nodeIndex.get((node = id)) ?? -1;
        lineItem[j] = item;
      }
    }
    return lineItem[i];
  };
  const plan = planFormulas(cells, {
    lineCount: records.lines.length,
    itemCount: records.nodes.length,
    itemParent: (k) => itemParent[k],
    lineItem: itemOf,
    lineIndex,
    itemIndex: (id) => nodeIndex.get(id) ?? -1,
  });
  return { cells, cellIndex, plan, lineCount: lines.length, lineIdAt: (i) => lines[i].id, lineIndex, readsItems };
}

/** What the book reads and writes: figures in đồng and percent; lines by their index in the book's records. */
export interface FormulaHost {
  /** Index of a line by id (as in the book's records), -1 when it is gone. */
  lineIndex(id: string): number;
  /** A line's figure; null for a rate with none (it reads as 0). */
  lineValue(i: number, field: FormulaField): number | null;
  /** An item's roll-up figure (null id = the program total); undefined when the item is gone. */
  itemFigure(id: string | null, field: ItemRefField): number | undefined;
  /** Writes one level's results into the figures (the roll-up included) before the next level reads them. */
  write(results: readonly FormulaValueOut[]): void;
}

export interface FormulaValueOut {
  /** Line index. */
  line: number;
  field: FormulaField;
  value: number;
}
export interface FormulaErrorOut {
  line: number;
  field: FormulaField;
  error: FormulaErrorKind | 'not-a-number' | 'too-large' | 'unreadable';
}

/**
 * Computes the given formula cells (all of them by default, else what `plan.staleAfter` named) in
 * dependency order, level by level, writing each level's values to the host. Returns the values
 * that changed, every cell in error (a cell in error keeps its last value) and the cells computed.
 */
export function computeFormulas(
  book: FormulaBook,
  host: FormulaHost,
  keys: ArrayLike<number> = book.plan.order,
  rule: RoundingRule = 'half-away-from-zero',
): { values: FormulaValueOut[]; errors: FormulaErrorOut[]; computed: number[] } {
  const values: FormulaValueOut[] = [];
  const errors: FormulaErrorOut[] = [];
  const computed: number[] = [];
  for (const k of book.plan.inCycle) {
    const c = cellAt(book, k);
    if (c) errors.push({ line: c.line, field: c.field, error: 'cycle' });
  }
  let level = -1;
  let batch: FormulaValueOut[] = [];
  const flush = () => {
    if (batch.length) host.write(batch);
    for (let k = 0; k < batch.length; k++) values.push(batch[k]);
    batch = [];
  };
  const read = cellReader(host);
  const { cells, cellIndex, plan } = book;
  for (let j = 0; j < keys.length; j++) {
    const v = keys[j];
    const at = v >= 0 && v < cellIndex.length ? cellIndex[v] : -1;
    const l = plan.levelOf(v);
    if (at < 0 || l < 0) continue;
    const cell = cells[at];
    if (l !== level) {
      flush();
      level = l;
    }
    computed.push(v);
    const out = read(cell, rule);
    if (typeof out === 'string') {
      errors.push({ line: cell.line, field: cell.field, error: out });
      continue;
    }
    const before = host.lineValue(cell.line, cell.field);
    if (!Object.is(before, out)) batch.push({ line: cell.line, field: cell.field, value: out });
  }
  flush();
  return { values, errors, computed };
}

/**
 * One cell's value as its field stores it, read from the host: one reader for a whole batch of
 * cells (no closure made per cell: a column formula computes 100 000 of them), figures handed to
 * the formula as two safe integers (no BigInt, no allocation) wherever they are whole đồng or percent.
 */
function cellReader(host: FormulaHost): (cell: BookCell, rule: RoundingRule) => number | FormulaErrorOut['error'] {
  let cell: BookCell;
  let scale = 1;
  const refValue = (ref: Ref, out: SmallRational): Rational | FormulaError | null => {
    if (ref.kind === 'item' || ref.kind === 'total') {
      const figure = host.itemFigure(ref.kind === 'total' ? null : ref.id, ref.field);
      if (figure === undefined) return { error: 'ref' };
      if (!Number.isSafeInteger(figure)) return amountInUnit(figure, cell.formula.unit);
      out.n = figure;
      out.d = scale;
      return null;
    }
    const i = ref.kind === 'self' ? cell.line : host.lineIndex(ref.id);
    if (i < 0) return { error: 'ref' };
    const raw = host.lineValue(i, ref.field);
    if (ref.field === 'expectedRate') {
      // A rate in percent read as a fraction (60 → 60/100); none reads as 0.
      if (raw === null) {
        out.n = 0;
        out.d = 1;
        return null;
      }
      if (!fromNumberSmall(raw) || small.d * 100 > Number.MAX_SAFE_INTEGER) return rateAsFraction(raw) ?? { error: 'value' };
      out.n = small.n;
      out.d = small.d * 100;
      return null;
    }
    const v = raw ?? 0;
    if (!Number.isSafeInteger(v)) return amountInUnit(v, cell.formula.unit);
    out.n = v;
    out.d = scale;
    return null;
  };
  return (c, rule) => {
    if (!c.expr) return 'unreadable';
    cell = c;
    scale = UNIT_SCALE[c.formula.unit];
    return evaluateIntoCell(c.expr, refValue, c.field === 'expectedRate' ? 'rate' : 'amount', c.formula.unit, rule);
  };
}

const UNIT_SCALE: Record<AmountUnit, number> = { dong: 1, nghin: 1000, trieu: 1_000_000, ty: 1_000_000_000 };

// The formulas of a workbook as one book: each line cell's formula (its own, or the column formula
// of its nearest item, or the workbook's, unless a value was typed over it), read once and laid out
// by the dependency graph; and their computation against a host that holds the figures (the
// worker's columns and incremental roll-up, or a plain roll-up in tests and the command line).
// Only what depends on a change is recomputed, level by level, each level written back to the host
// as one batch so the roll-up the next level reads is current.

import type { AmountUnit, CellFormula, FormulaField, Line, TreeNode, Workbook } from '../model';
import { formulaRefs, readStoredFormula, type Expr, type ItemRefField, type Ref } from './parse';
import { amountInUnit, cellValueOf, evaluateFormula, rateAsFraction, type CellResult, type FormulaErrorKind } from './evaluate';
import { cellKey, planFormulas, type FormulaCell, type FormulaPlan } from './graph';
import { fromInteger, type RoundingRule } from './rational';

export const FORMULA_FIELDS: readonly FormulaField[] = ['plan', 'disbursed', 'expectedRate'];

/** One cell's formula in the book. */
export interface BookCell {
  line: string;
  field: FormulaField;
  formula: CellFormula;
  /** Null when the stored text cannot be read (a newer version's syntax): the cell shows an error. */
  expr: Expr | null;
  /** True when the formula comes from a column formula (an item's or the workbook's). */
  fromColumn: boolean;
}

export interface FormulaBook {
  cells: Map<string, BookCell>;
  plan: FormulaPlan;
}

/** What the book is built from: the records, or just the parts of them that carry formulas. */
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
  const memo = new Map<string, CellFormula | null>();
  return (nodeId, field) => {
    const key = nodeId + ':' + field;
    const known = memo.get(key);
    if (known !== undefined) return known ?? undefined;
    let found: CellFormula | undefined;
    const seen = new Set<string>();
    for (let n = byId.get(nodeId); n && !seen.has(n.id); n = n.parentId ? byId.get(n.parentId) : undefined) {
      seen.add(n.id);
      found = n.columnFormulas?.[field];
      if (found) break;
    }
    found ??= records.workbook.columnFormulas?.[field];
    memo.set(key, found ?? null);
    return found;
  };
}

/** Reads every formula of the records (one parse per distinct text) and lays them out. */
export function buildFormulaBook(records: FormulaRecords): FormulaBook {
  const columnFormula = columnFormulaLookup(records);
  const parsed = new Map<string, Expr | null>();
  const read = (text: string) => {
    let e = parsed.get(text);
    if (e === undefined) {
      const r = readStoredFormula(text);
      parsed.set(text, (e = r.ok ? r.value.expr : null));
    }
    return e;
  };
  const cells = new Map<string, BookCell>();
  const graphCells: FormulaCell[] = [];
  const refsOf = new Map<Expr, Ref[]>();
  for (const line of records.lines) {
    for (const field of FORMULA_FIELDS) {
      const f = formulaOf(line, field, columnFormula);
      if (!f) continue;
      const expr = read(f.formula.text);
      cells.set(cellKey(line.id, field), { line: line.id, field, formula: f.formula, expr, fromColumn: f.fromColumn });
      let refs = expr ? refsOf.get(expr) : [];
      if (!refs) refsOf.set(expr!, (refs = formulaRefs(expr!)));
      graphCells.push({ line: line.id, field, refs });
    }
  }
  const nodeParent = new Map(records.nodes.map((n) => [n.id, n.parentId]));
  const lineNode = new Map(records.lines.map((l) => [l.id, l.nodeId]));
  const plan = planFormulas(graphCells, {
    items: records.nodes.map((n) => n.id),
    itemParent: (id) => nodeParent.get(id) ?? null,
    lineItem: (id) => lineNode.get(id) ?? null,
  });
  return { cells, plan };
}

/** What the book reads and writes: figures in đồng and percent, by record id. */
export interface FormulaHost {
  /** A line's typed figure; null when the line is gone (a rate with none reads as 0). */
  lineValue(id: string, field: FormulaField): number | null | undefined;
  /** An item's roll-up figure (null id = the program total); undefined when the item is gone. */
  itemFigure(id: string | null, field: ItemRefField): number | undefined;
  /** Writes one level's results into the figures (the roll-up included) before the next level reads them. */
  write(results: readonly FormulaValueOut[]): void;
}

export interface FormulaValueOut {
  line: string;
  field: FormulaField;
  value: number;
}
export interface FormulaErrorOut {
  line: string;
  field: FormulaField;
  error: FormulaErrorKind | 'not-a-number' | 'too-large' | 'unreadable';
}

/**
 * Computes the given formula cells (all of them by default, else what `plan.staleAfter` named) in
 * dependency order, level by level, writing each level's values to the host. Returns the values
 * that changed and every cell in error (a cell in error keeps its last value).
 */
export function computeFormulas(
  book: FormulaBook,
  host: FormulaHost,
  keys: readonly string[] = book.plan.order,
  rule: RoundingRule = 'half-away-from-zero',
): { values: FormulaValueOut[]; errors: FormulaErrorOut[] } {
  const values: FormulaValueOut[] = [];
  const errors: FormulaErrorOut[] = [];
  const levelOf = new Map<string, number>();
  book.plan.order.forEach((k, i) => levelOf.set(k, book.plan.levels[i]));
  for (const k of book.plan.inCycle) {
    const c = book.cells.get(k);
    if (c) errors.push({ line: c.line, field: c.field, error: 'cycle' });
  }
  let level = -1;
  let batch: FormulaValueOut[] = [];
  const flush = () => {
    if (batch.length) host.write(batch);
    values.push(...batch);
    batch = [];
  };
  for (const k of keys) {
    const cell = book.cells.get(k);
    const l = levelOf.get(k);
    if (!cell || l === undefined) continue;
    if (l !== level) {
      flush();
      level = l;
    }
    const out = computeCell(cell, host, rule);
    if (!out.ok) {
      errors.push({ line: cell.line, field: cell.field, error: out.error });
      continue;
    }
    const before = host.lineValue(cell.line, cell.field);
    if (before === undefined) continue;
    if (!Object.is(before, out.value)) batch.push({ line: cell.line, field: cell.field, value: out.value });
  }
  flush();
  return { values, errors };
}

const RATE = new Set<FormulaField | ItemRefField>(['expectedRate']);

/** One cell's value as its field stores it. */
export function computeCell(cell: BookCell, host: FormulaHost, rule: RoundingRule): CellResult | { ok: false; error: 'unreadable' } {
  if (!cell.expr) return { ok: false, error: 'unreadable' };
  const unit: AmountUnit = cell.formula.unit;
  const v = evaluateFormula(cell.expr, (ref) => {
    if (ref.kind === 'item' || ref.kind === 'total') {
      const figure = host.itemFigure(ref.kind === 'total' ? null : ref.id, ref.field);
      return figure === undefined ? { error: 'ref' } : amountInUnit(figure, unit);
    }
    const id = ref.kind === 'self' ? cell.line : ref.id;
    const raw = host.lineValue(id, ref.field);
    if (raw === undefined) return { error: 'ref' };
    if (RATE.has(ref.field)) return raw === null ? fromInteger(0) : rateAsFraction(raw) ?? { error: 'value' };
    return amountInUnit(raw ?? 0, unit);
  });
  return cellValueOf(v, cell.field === 'expectedRate' ? 'rate' : 'amount', unit, rule);
}

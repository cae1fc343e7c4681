// Formulas as the session edits them: the names a typed formula finds records by, a formula set
// on a line's cell or a column formula (each refused with the cycle named when it would read
// itself), a formula taken off a cell. Computing them is the recalculation service's (column-formulas.ts).

import type { AmountUnit, CellFormula, FormulaField, Line, NumberLocale, Result, TreeNode, Workbook } from '../model';
import { fail, ok } from '../model';
import { normalizeText } from '../text';
import { formatFormula, parseFormula, readStoredFormula, type FormulaNames } from './parse';
import { buildFormulaBook, type FormulaBook } from './book';
import { cellVertex, vertexCell } from './graph';

/** The records formulas are computed on (lines in the session's order). */
export interface FormulaState {
  workbook: Workbook;
  nodes: readonly TreeNode[];
  lines: readonly Line[];
}

/**
 * How the records' names are found for a formula typed by a user, and written back. The tables of
 * lines are made on first use, not here: a formula shown reads a line's name only when it names a
 * line, and most (column formulas, items' totals) name none, so 100 000 lines are not indexed for them.
 */
export function formulaNamesOf(nodes: readonly TreeNode[], lines: readonly Line[]): FormulaNames {
  const byCode = new Map<string, string>();
  const codeOf = new Map<string, string>();
  for (const n of nodes) {
    codeOf.set(n.id, n.code);
    if (!byCode.has(normalizeText(n.code))) byCode.set(normalizeText(n.code), n.id);
  }
  let byId: Map<string, Line> | null = null;
  const lineById = (id: string) => (byId ??= new Map(lines.map((l) => [l.id, l]))).get(id);
  let named: { byLabel: Map<string, Line[]>; byUnit: Map<string, Line[]> } | null = null;
  const tables = () => {
    if (named) return named;
    named = { byLabel: new Map(), byUnit: new Map() };
    const add = (map: Map<string, Line[]>, text: string, l: Line) => {
      const key = normalizeText(text);
      if (!key) return;
      const list = map.get(key);
      if (list) list.push(l);
      else map.set(key, [l]);
    };
    for (const l of lines) {
      // A line without a label is known by its implementing unit, as the grid shows it; a line with
      // one may be called by its unit too where no label reads so.
      add(named.byLabel, lineName(l), l);
      add(named.byUnit, l.unit.trim(), l);
    }
    return named;
  };
  return {
    itemByCode: (code) => byCode.get(normalizeText(code)) ?? null,
    linesByLabel: (label, item) => {
      const { byLabel, byUnit } = tables();
      const inItem = (list: Line[] | undefined) => (list ?? []).filter((l) => !item || l.nodeId === item);
      const found = inItem(byLabel.get(normalizeText(label)));
      return (found.length ? found : inItem(byUnit.get(normalizeText(label)))).map((l) => l.id);
    },
    lineItem: (id) => lineById(id)?.nodeId ?? null,
    itemCode: (id) => codeOf.get(id) ?? null,
    lineLabel: (id) => {
      const l = lineById(id);
      return l ? lineName(l) : null;
    },
  };
}

/** The name a formula calls a line by: its label, else its implementing unit. */
export function lineName(l: Pick<Line, 'label' | 'unit'>): string {
  return l.label.trim() || l.unit.trim();
}

/** A formula as the user reads it in the editor and on hover. */
export function shownFormula(text: string, names: FormulaNames, locale: NumberLocale): string {
  const p = readStoredFormula(text);
  return p.ok ? formatFormula(p.value.expr, { kind: 'shown', locale, names }) : text;
}

/**
 * The line with the formula typed into its field (read in the user's way of writing numbers,
 * stored by record id with the unit it was typed in); fails with the reading problem, or with
 * 'formula.cycle' naming the cells when the formula would read itself through other cells or
 * through its own item's total.
 */
export function withTypedFormula(state: FormulaState, line: Line, field: FormulaField, typed: string, opts: { locale: NumberLocale; unit: AmountUnit }): Result<Line> {
  const names = formulaNamesOf(state.nodes, state.lines);
  const parsed = parseFormula(typed, { locale: opts.locale, names, hasSelf: true });
  if (!parsed.ok) return parsed;
  const text = formatFormula(parsed.value.expr, { kind: 'stored' });
  const typedOver = line.typedOver?.filter((f) => f !== field);
  const next: Line = { ...line, formulas: { ...line.formulas, [field]: { text, unit: opts.unit } } };
  if (typedOver?.length) next.typedOver = typedOver;
  else delete next.typedOver;
  const lines = state.lines.map((l) => (l.id === line.id ? next : l));
  const book = buildFormulaBook({ workbook: state.workbook, nodes: state.nodes, lines });
  const i = lines.indexOf(next);
  const refused = refuseCycle(book, lines, (v) => v === cellVertex(i, field));
  return refused ?? ok(next);
}

/** 'formula.cycle' naming the cells of a cycle that passes through a cell `mine` picks, or null when none does. */
function refuseCycle(book: FormulaBook, lines: readonly Line[], mine: (vertex: number) => boolean): Result<never> | null {
  const cycle = cycleThrough(book, mine);
  return cycle && cycleProblem(lines, cycle);
}

/** A cycle of the book's (as its cells' vertices) that passes through a cell `mine` picks, or null. */
export function cycleThrough(book: FormulaBook, mine: (vertex: number) => boolean): number[] | null {
  const cycle = book.plan.cycles.find((c) => c.some(mine)) ?? book.plan.inCycle.filter(mine).slice(0, 1);
  return cycle.length ? cycle : null;
}

/** 'formula.cycle' naming the cells of a cycle (vertices over `lines`, by index) as the user reads them. */
export function cycleProblem(lines: readonly Pick<Line, 'label' | 'unit'>[], cycle: readonly number[]): Result<never> {
  const cells = cycle.map((v) => {
    const { line: li, field: f } = vertexCell(v);
    return `${lineName(lines[li]) || '?'} (${FIELD_WORD[f]})`;
  });
  return fail('formula.cycle', { cells: cells.join(' → ') });
}

/**
 * A column formula typed for the lines of an item or of the workbook, read as the user wrote it and
 * stored by id. Whether it reads itself on a line it reaches is the recalculation service's to say,
 * where the formulas are laid out (ColumnFormulas.cycleThrough).
 */
export function typedColumnFormula(state: Pick<FormulaState, 'nodes' | 'lines'>, typed: string, opts: { locale: NumberLocale; unit: AmountUnit }): Result<CellFormula> {
  const parsed = parseFormula(typed, { locale: opts.locale, names: formulaNamesOf(state.nodes, state.lines), hasSelf: true });
  if (!parsed.ok) return parsed;
  return ok({ text: formatFormula(parsed.value.expr, { kind: 'stored' }), unit: opts.unit });
}

const FIELD_WORD: Record<FormulaField, string> = { plan: 'Kế hoạch', disbursed: 'Đã giải ngân', expectedRate: 'Dự kiến %' };

/** The line without a formula in the field, and with the field marked as typed over when a column formula reaches it. */
export function withoutFormula(line: Line, field: FormulaField, columnFormulaApplies: boolean): Line {
  const own = line.formulas?.[field];
  const marked = line.typedOver?.includes(field) ?? false;
  if (!own && marked === columnFormulaApplies) return line;
  const next: Line = { ...line };
  if (own) {
    const formulas = { ...line.formulas };
    delete formulas[field];
    if (Object.keys(formulas).length) next.formulas = formulas;
    else delete next.formulas;
  }
  const typedOver = (line.typedOver ?? []).filter((f) => f !== field);
  if (columnFormulaApplies) typedOver.push(field);
  if (typedOver.length) next.typedOver = typedOver;
  else delete next.typedOver;
  return next;
}

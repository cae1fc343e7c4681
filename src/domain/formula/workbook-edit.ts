// Formulas as the session edits them: the names a typed formula finds records by, a formula set
// on a line's cell (refused with the cycle named when it would read itself), and the lines whose
// formulas a change makes stale, recomputed into the same change so one undo takes all of it back.
// Item figures are rolled up only when a formula reads one, and again only after a level wrote.

import type { AmountUnit, CellFormula, FormulaField, Line, NumberLocale, Result, RoundingRule, TreeNode, Workbook } from '../model';
import { fail, ok } from '../model';
import { orderTree } from '../tree';
import { buildColumns, counterpartColumn, rollUp, type Rollup } from '../rollup';
import { projectionParams } from '../projection';
import { normalizeText } from '../text';
import { formatFormula, parseFormula, readStoredFormula, type FormulaNames, type ItemRefField } from './parse';
import { buildFormulaBook, cellAt, computeFormulas, type FormulaBook, type FormulaErrorOut, type FormulaHost } from './book';
import { cellVertex, vertexCell } from './graph';
import type { ItemFigures } from './host';

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
  const cycle = book.plan.cycles.find((c) => c.some(mine)) ?? book.plan.inCycle.filter(mine).slice(0, 1);
  if (!cycle.length) return null;
  const cells = cycle.map((v) => {
    const { line: li, field: f } = vertexCell(v);
    return `${lineName(lines[li]) || '?'} (${FIELD_WORD[f]})`;
  });
  return fail('formula.cycle', { cells: cells.join(' → ') });
}

/**
 * A column formula typed for the lines of an item (null: of the workbook), read as the user wrote
 * it and stored by id; refused with the cycle named when, on any line it reaches, it would read
 * itself. `withFormula` puts it on the records (the item or the workbook) as the change will.
 */
export function typedColumnFormula(
  state: FormulaState,
  field: FormulaField,
  typed: string,
  opts: { locale: NumberLocale; unit: AmountUnit },
  withFormula: (formula: CellFormula) => Pick<FormulaState, 'workbook' | 'nodes'>,
): Result<{ formula: CellFormula; book: FormulaBook }> {
  const parsed = parseFormula(typed, { locale: opts.locale, names: formulaNamesOf(state.nodes, state.lines), hasSelf: true });
  if (!parsed.ok) return parsed;
  const formula: CellFormula = { text: formatFormula(parsed.value.expr, { kind: 'stored' }), unit: opts.unit };
  const records = withFormula(formula);
  const book = buildFormulaBook({ ...records, lines: state.lines });
  const refused = refuseCycle(book, state.lines, (v) => cellAt(book, v)?.formula === formula);
  // The layout made for the check is the one the change needs: it is handed on, not made twice.
  return refused ?? ok({ formula, book });
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

/**
 * Computes the formulas a change reaches, on the records after it: `changed` names the line fields
 * the change wrote (by line id), or null when formulas or the tree changed and everything is
 * recomputed. Returns the lines whose values moved (new records), every formula cell in error, and
 * the cells computed (only for `changed`: with null every cell was).
 */
export function recomputeFormulas(
  state: FormulaState,
  changed: readonly { line: string; field: FormulaField }[] | null,
  book: FormulaBook = buildFormulaBook(state),
  figures?: ItemFigures,
): {
  lines: Line[];
  /** Where each of `lines` is in `state.lines`. */
  at: number[];
  errors: { line: string; field: FormulaField; error: FormulaErrorOut['error'] }[];
  computed: { line: string; field: FormulaField }[];
  book: FormulaBook;
} {
  if (book.cells.length === 0) return { lines: [], at: [], errors: [], computed: [], book };
  const lines = state.lines.slice();
  // The book's own index when it was laid out over these lines (an edit's usual case: no Map of every line per edit).
  const index = sameLines(book, lines) ? book.lineIndex : indexOf(lines);
  let stale: ArrayLike<number> = book.plan.order;
  if (changed) {
    const vertices: number[] = [];
    for (const c of changed) {
      const i = index(c.line);
      if (i >= 0) vertices.push(cellVertex(i, c.field));
    }
    stale = book.plan.staleAfter(vertices);
  }
  const host = linesHost(state, lines, index, figures);
  const rule: RoundingRule = state.workbook.settings.formulaRounding ?? 'half-away-from-zero';
  const { values, errors, computed } = computeFormulas(book, host, stale, rule);
  const touched = new Uint8Array(lines.length);
  const at: number[] = [];
  for (const v of values) if (!touched[v.line]++) at.push(v.line);
  return {
    lines: at.map((i) => lines[i]),
    at,
    errors: errors.map((e) => ({ line: lines[e.line].id, field: e.field, error: e.error })),
    computed: changed
      ? computed.map((v) => {
          const c = vertexCell(v);
          return { line: lines[c.line].id, field: c.field };
        })
      : [],
    book,
  };
}

/** Whether the book was laid out over these lines, in this order (same count, same ids at the ends and in the middle). */
function sameLines(book: FormulaBook, lines: readonly Line[]): boolean {
  const n = lines.length;
  const id = (i: number) => book.lineIdAt(i);
  return book.lineCount === n && (n === 0 || (id(0) === lines[0].id && id(n - 1) === lines[n - 1].id && id(n >> 1) === lines[n >> 1].id));
}

function indexOf(lines: readonly Line[]): (id: string) => number {
  const m = new Map(lines.map((l, i) => [l.id, i]));
  return (id) => m.get(id) ?? -1;
}

/**
 * A host over line records: writes replace records in `lines`; item figures come from `figures`
 * (kept up to date by the caller, and told each write), else are rolled up when first read after a write.
 */
function linesHost(state: FormulaState, lines: Line[], index: (id: string) => number, figures?: ItemFigures): FormulaHost {
  let rollup: Rollup | null = null;
  let tree: ReturnType<typeof orderTree> | null = null;
  const rolledUp = () => {
    if (!rollup) {
      tree ??= orderTree([...state.nodes]);
      const wb = state.workbook;
      rollup = rollUp(buildColumns(tree, lines, counterpartColumn(wb.counterpart, wb.year), projectionParams(wb)));
    }
    return { rollup, tree: tree! };
  };
  return {
    lineIndex: index,
    // Named, not keyed, reads: lines come in many shapes, and a keyed read of each was a tenth of opening a 100 000-line workbook.
    lineValue: (i, field) => {
      const l = lines[i];
      return field === 'plan' ? l.plan : field === 'disbursed' ? l.disbursed : l.expectedRate;
    },
    itemFigure(id: string | null, field: ItemRefField) {
      if (figures) return figures.read(id, field);
      const { rollup: r, tree: t } = rolledUp();
      const k = id === null ? r.nodeCount : t.indexOf.get(id);
      return k === undefined ? undefined : r[field][k];
    },
    write(results) {
      for (const v of results) {
        // A copy, then the one field: the copy keeps the record's shape (a computed key in the literal did not).
        const next: Line = { ...lines[v.line] };
        next[v.field] = v.value;
        lines[v.line] = next;
      }
      figures?.write(results);
      rollup = null;
    },
  };
}

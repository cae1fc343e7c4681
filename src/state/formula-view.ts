// What the grid and the dialogs ask of the open workbook's formulas: a cell's formula as the user
// reads it, the reference a click inserts, a column formula as a change. The names formulas are
// shown with and the column formula that reaches each item are worked out once per state of the
// records (the grid asks for every cell it paints), not once per cell.

import type { CellFormula, FormulaField, Id, Line, Result, TreeNode, Workbook } from '../domain/model';
import type { Change, ReadContext } from '../domain/edit';
import { columnFormulaLookup, formulaOf as effectiveFormula } from '../domain/formula/book';
import { formatFormula, type FormulaNames, type ItemRefField, type LineRefField, type Ref } from '../domain/formula/parse';
import { formulaNamesOf, shownFormula, typedColumnFormula } from '../domain/formula/workbook-edit';
import type { RowTarget } from './grid-view.svelte';

/** The records the view reads, as the session holds them. */
export interface FormulaRecords {
  workbook: Workbook;
  nodes: readonly TreeNode[];
  lines: readonly Line[];
  nodeById: ReadonlyMap<Id, TreeNode>;
}

export class FormulaView {
  private memo: {
    workbook: Workbook;
    nodes: readonly TreeNode[];
    lines: readonly Line[];
    names: FormulaNames | null;
    lookup: ReturnType<typeof columnFormulaLookup> | null;
  } | null = null;

  constructor(private records: () => FormulaRecords) {}

  private current() {
    const r = this.records();
    const m = this.memo;
    if (m && m.workbook === r.workbook && m.nodes === r.nodes && m.lines === r.lines) return { r, m };
    this.memo = { workbook: r.workbook, nodes: r.nodes, lines: r.lines, names: null, lookup: null };
    return { r, m: this.memo };
  }

  private names(): FormulaNames {
    const { r, m } = this.current();
    return (m.names ??= formulaNamesOf(r.nodes, r.lines));
  }

  private lookup(): ReturnType<typeof columnFormulaLookup> {
    const { r, m } = this.current();
    return (m.lookup ??= columnFormulaLookup({ workbook: r.workbook, nodes: r.nodes }));
  }

  /** The formula that computes a line's field as the user reads it (own or column), or null. */
  formulaOf(line: Line | undefined, field: FormulaField, locale: ReadContext['locale']): { text: string; fromColumn: boolean } | null {
    if (!line) return null;
    const f = effectiveFormula(line, field, this.lookup());
    return f ? { text: shownFormula(f.formula.text, this.names(), locale), fromColumn: f.fromColumn } : null;
  }

  /** True when a column formula (an item's or the workbook's) reaches this line's field. */
  columnFormulaReaches(line: Line, field: FormulaField): boolean {
    return !!effectiveFormula({ ...line, formulas: undefined, typedOver: undefined }, field, this.lookup());
  }

  /**
   * How a formula names a cell clicked while it is typed (as Excel inserts a reference): a line by
   * its name, an item by its code, the total as TONG; with the column when it is not the plan.
   */
  referenceText(target: RowTarget, field: ItemRefField | LineRefField, locale: ReadContext['locale']): string | null {
    let ref: Ref;
    if (target.kind === 'line') {
      if (field !== 'plan' && field !== 'disbursed' && field !== 'expectedRate') return null;
      ref = { kind: 'line', id: target.id, field };
    } else {
      if (field === 'expectedRate') return null;
      ref = target.kind === 'node' ? { kind: 'item', id: target.id, field } : { kind: 'total', field };
    }
    return formatFormula({ k: 'ref', ref }, { kind: 'shown', locale, names: this.names() }).slice(1);
  }

  /** The column formula set on an item (null: the workbook's), as the user reads it. */
  columnFormulaOf(nodeId: Id | null, field: FormulaField, locale: ReadContext['locale']): string | null {
    const r = this.records();
    const f = nodeId === null ? r.workbook.columnFormulas?.[field] : r.nodeById.get(nodeId)?.columnFormulas?.[field];
    return f ? shownFormula(f.text, this.names(), locale) : null;
  }

  /** How many line cells a column formula computes (those it reaches, less cells typed over or with their own formula). */
  columnFormulaReach(nodeId: Id | null, field: FormulaField): number {
    const r = this.records();
    const lookup = this.lookup();
    let n = 0;
    for (const l of r.lines) if ((nodeId === null || inSubtree(r.nodeById, l.nodeId, nodeId)) && effectiveFormula(l, field, lookup)?.fromColumn) n++;
    return n;
  }

  /**
   * The change that sets (or clears, with null) the column formula of a field for the lines of an
   * item (null: of the whole workbook), with the formula as stored (null: cleared); fails with the
   * reading problem. Whether it reads itself is the worker's to say, where formulas are laid out.
   */
  columnFormulaChange(nodeId: Id | null, field: FormulaField, typed: string | null, ctx: ReadContext): Result<{ change: Change; formula: CellFormula | null }> {
    const r = this.records();
    let formula: CellFormula | undefined;
    const put = <T extends { columnFormulas?: Partial<Record<FormulaField, CellFormula>> }>(rec: T): T => {
      const next: T = { ...rec };
      const formulas = { ...rec.columnFormulas };
      if (formula) formulas[field] = formula;
      else delete formulas[field];
      if (Object.keys(formulas).length) next.columnFormulas = formulas;
      else delete next.columnFormulas;
      return next;
    };
    if (typed !== null && typed.trim()) {
      const read = typedColumnFormula(r, typed.trim().startsWith('=') ? typed : '=' + typed, ctx);
      if (!read.ok) return read;
      formula = read.value;
    }
    if (nodeId === null) return { ok: true, value: { change: { workbook: { before: r.workbook, after: put(r.workbook) } }, formula: formula ?? null } };
    const node = r.nodeById.get(nodeId);
    if (!node) return { ok: false, error: { code: 'workbook.missing' } };
    return { ok: true, value: { change: { nodes: [{ before: node, after: put(node) }] }, formula: formula ?? null } };
  }
}

function inSubtree(nodeById: ReadonlyMap<Id, TreeNode>, nodeId: Id, rootId: Id): boolean {
  const seen = new Set<Id>();
  for (let n = nodeById.get(nodeId); n && !seen.has(n.id); n = n.parentId ? nodeById.get(n.parentId) : undefined) {
    if (n.id === rootId) return true;
    seen.add(n.id);
  }
  return false;
}

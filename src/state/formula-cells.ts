// The formulas of the open workbook as the session keeps them: the book laid out over the session's
// lines (rebuilt only when formulas or the tree change), the cells in error, and a change completed
// with the values its formulas take, so one step (and one undo) holds an edit and everything that
// follows from it.

import type { FormulaField, Line, TreeNode, Workbook } from '../domain/model';
import type { Change } from '../domain/edit';
import { buildFormulaBook, FORMULA_FIELDS, type FormulaBook, type FormulaErrorOut } from '../domain/formula/book';
import { recomputeFormulas, type FormulaState } from '../domain/formula/workbook-edit';
import { IncrementalItemFigures } from '../domain/formula/host';

export type FormulaCellError = FormulaErrorOut['error'];

/** The records the formulas read, as the session holds them (lines in its order). */
export interface FormulaSource {
  workbook: Workbook;
  nodes: readonly TreeNode[];
  lines: readonly Line[];
  lineOf(id: string): Line | undefined;
}

const key = (line: string, field: FormulaField) => `${line}|${field}`;

export class FormulaCells {
  private book: FormulaBook | null = null;
  /** Items' figures kept edit by edit for formulas that read them (see IncrementalItemFigures); null until needed, or after the tree, line order or settings changed. */
  private figures: IncrementalItemFigures | null = null;
  private errors = new Map<string, FormulaCellError>();
  /** Cells a change has just left in error, not yet said (see takeNewErrors). */
  private fresh: { line: string; field: FormulaField; error: FormulaCellError }[] = [];

  /** The cells the latest changes left in error, once: the grid says so in the notice bar. */
  takeNewErrors(): { line: string; field: FormulaField; error: FormulaCellError }[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }

  /** True once the workbook holds a formula (line, item or workbook); until then changes pass through untouched. */
  private any = false;

  constructor(src: FormulaSource) {
    this.any = holdsFormulas(src.workbook, src.nodes, src.lines);
  }

  /** The error of a formula cell, or null. */
  errorOf(line: string, field: FormulaField): FormulaCellError | null {
    return this.errors.get(key(line, field)) ?? null;
  }

  /** Every cell in error, for the checks panel. */
  allErrors(): { line: string; field: FormulaField; error: FormulaCellError }[] {
    return [...this.errors].map(([k, error]) => {
      const [line, field] = k.split('|');
      return { line, field: field as FormulaField, error };
    });
  }

  /** The records changed under the session (another tab, undo): the layout is rebuilt when next needed. */
  invalidate(src: FormulaSource): void {
    this.book = null;
    this.figures = null;
    this.any = holdsFormulas(src.workbook, src.nodes, src.lines);
  }

  /**
   * Lines another tab or office edited in place (same item and place, same formulas), their values
   * (formula results included) as they were written there: the layout stays, the items' figures follow.
   */
  takeEditedInPlace(changes: readonly { before: Line; after: Line }[]): void {
    if (this.figures && !this.figures.editLines(changes)) this.figures = null;
  }

  /**
   * The change with the values its formulas take written into it: lines it already changes get
   * their formula values in their `after`, lines it does not touch are added. Unchanged when the
   * workbook has no formula. `layout`: the book already laid out over the records after the change.
   */
  complete(change: Change, src: FormulaSource, layout: FormulaBook | null = null): Change {
    const wbAfter = change.workbook?.after ?? src.workbook;
    const nodesAfter = applyNodes(src.nodes, change);
    this.any ||= holdsFormulas(
      wbAfter,
      nodesAfter,
      (change.lines ?? []).flatMap((c) => (c.after ? [c.after] : [])),
    );
    if (!this.any) return change;
    const lineChanges = change.lines ?? [];
    const afterOf = new Map<string, Line>();
    const removed = new Set<string>();
    const added: Line[] = [];
    let structural =
      !!change.nodes?.length ||
      (!!change.workbook &&
        (change.workbook.before.columnFormulas !== change.workbook.after.columnFormulas ||
          change.workbook.before.counterpart !== change.workbook.after.counterpart ||
          change.workbook.before.settings !== change.workbook.after.settings));
    const changed: { line: string; field: FormulaField }[] = [];
    // Rows added, removed or moved: a layout over the session's line order would no longer line up.
    let rowsMoved = false;
    for (const { before, after } of lineChanges) {
      if (!before || !after || before.nodeId !== after.nodeId || before.order !== after.order) rowsMoved = true;
      if (after) afterOf.set(after.id, after);
      if (!before && after) added.push(after);
      if (before && !after) removed.add(before.id);
      if (!before || !after || before.nodeId !== after.nodeId || before.formulas !== after.formulas || before.typedOver !== after.typedOver) {
        structural = true;
        continue;
      }
      for (const f of FORMULA_FIELDS) if (!Object.is(before[f], after[f])) changed.push({ line: after.id, field: f });
    }
    // Items' figures follow every edit in place (a source or a unit moves them too), whether or not a formula is stale.
    if (structural || rowsMoved) this.figures = null;
    else if (this.figures && !this.figures.editLines(lineChanges.flatMap((c) => (c.before && c.after ? [{ before: c.before, after: c.after }] : [])))) this.figures = null;
    if (!structural && !changed.length) return change;
    let lines: Line[];
    if (!rowsMoved && this.book && this.book.lineCount === src.lines.length) {
      // Lines edited in place: the records after the change at the places the book knows them by.
      lines = src.lines.slice();
      for (const [id, l] of afterOf) {
        const i = this.book.lineIndex(id);
        if (i >= 0) lines[i] = l;
      }
    } else {
      lines = src.lines.filter((l) => !removed.has(l.id)).map((l) => afterOf.get(l.id) ?? l);
      if (added.length) lines.push(...added.filter((l) => !src.lineOf(l.id)));
    }
    const state: FormulaState = { workbook: wbAfter, nodes: nodesAfter, lines };
    // A layout made for this change over the same lines (a column formula's cycle check) is used as it is.
    const book = layout && lines.length === src.lines.length && !added.length && !removed.size ? layout : structural || !this.book ? buildFormulaBook(state) : this.book;
    if (book.readsItems && !rowsMoved && !change.nodes?.length) this.figures ??= new IncrementalItemFigures(state);
    const result = recomputeFormulas(state, structural ? null : changed, book, book.readsItems ? (this.figures ?? undefined) : undefined);
    // A layout over lines in the session's order stays valid only while rows do not move.
    this.book = rowsMoved || change.nodes?.length ? null : result.book;
    const before = new Map(this.errors);
    if (structural) this.errors.clear();
    else for (const c of result.computed) this.errors.delete(key(c.line, c.field));
    for (const e of result.errors) this.errors.set(key(e.line, e.field), e.error);
    // Cells this change left unable to compute keep their last value: said once, when it happens.
    for (const e of result.errors) if (before.get(key(e.line, e.field)) !== e.error) this.fresh.push(e);
    if (!result.lines.length) return change;
    const recomputed = new Map<string, Line>();
    for (const l of result.lines) if (afterOf.has(l.id)) recomputed.set(l.id, l);
    const out = recomputed.size
      ? lineChanges.map((c) => (c.after && recomputed.has(c.after.id) ? { before: c.before, after: recomputed.get(c.after.id)! } : c))
      : lineChanges.slice();
    // A line the change did not touch: its record before is the one the formulas read (the session's).
    for (let k = 0; k < result.lines.length; k++) if (!afterOf.has(result.lines[k].id)) out.push({ before: lines[result.at[k]], after: result.lines[k] });
    return { ...change, lines: out };
  }

  /** Recomputes every formula of the records as they are (on opening, after undo or another tab's change): the values that moved, as a change. */
  refresh(src: FormulaSource): Change | null {
    this.invalidate(src);
    if (!this.any) {
      this.errors.clear();
      return null;
    }
    const state: FormulaState = { workbook: src.workbook, nodes: src.nodes, lines: src.lines };
    const result = recomputeFormulas(state, null);
    this.book = result.book;
    // Laid out now (after the first paint, when this runs on opening) rather than at the first edit.
    this.figures = result.book.readsItems ? new IncrementalItemFigures(state) : null;
    this.errors.clear();
    for (const e of result.errors) this.errors.set(key(e.line, e.field), e.error);
    return result.lines.length ? { lines: result.lines.map((after) => ({ before: src.lineOf(after.id)!, after })) } : null;
  }
}

function holdsFormulas(wb: Workbook, nodes: readonly TreeNode[], lines: readonly Line[]): boolean {
  if (wb.columnFormulas && Object.keys(wb.columnFormulas).length) return true;
  for (const n of nodes) if (n.columnFormulas && Object.keys(n.columnFormulas).length) return true;
  for (const l of lines) if (l.formulas) return true;
  return false;
}

function applyNodes(nodes: readonly TreeNode[], change: Change): readonly TreeNode[] {
  if (!change.nodes?.length) return nodes;
  const after = new Map(nodes.map((n) => [n.id, n]));
  for (const { before, after: a } of change.nodes) {
    if (a) after.set(a.id, a);
    else if (before) after.delete(before.id);
  }
  return [...after.values()];
}

// The formulas of the open workbook as the session keeps them: what the recalculation worker is sent
// (the spec: lines' own formulas and fields typed over, items' and the workbook's column formulas;
// the worker lays them out and computes them on its columns and incremental roll-up), the values it
// answers taken into line records as a change, and the cells in error.

import type { FormulaField, Line, TreeNode, Workbook } from '../domain/model';
import type { Change } from '../domain/edit';
import { FORMULA_FIELDS, type FormulaErrorOut } from '../domain/formula/book';
import type { FormulaResults, FormulaSpec } from '../domain/formula/column-formulas';
import { vertexCell } from '../domain/formula/graph';

export type FormulaCellError = FormulaErrorOut['error'];

/** The records the formulas read, as the session holds them (lines in its order, items in the tree's). */
export interface FormulaSource {
  workbook: Workbook;
  nodes: readonly TreeNode[];
  lines: readonly Line[];
}

const key = (line: string, field: FormulaField) => `${line}|${field}`;

export class FormulaCells {
  private errors = new Map<string, FormulaCellError>();
  /** Cells the latest answers left in error, not yet said (see takeNewErrors). */
  private fresh: { line: string; field: FormulaField; error: FormulaCellError }[] = [];

  /** The cells the latest changes left in error, once: the grid says so in the notice bar. */
  takeNewErrors(): { line: string; field: FormulaField; error: FormulaCellError }[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
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

  /**
   * The formulas as the worker is sent them, or null when the records hold none. `withLineIds`:
   * the lines were laid out anew (a load), so their ids go too.
   */
  spec(src: FormulaSource, withLineIds: boolean): FormulaSpec | null {
    if (!holdsFormulas(src.workbook, src.nodes, src.lines)) return null;
    const lines: FormulaSpec['lines'][number][] = [];
    for (let i = 0; i < src.lines.length; i++) {
      const l = src.lines[i];
      if (l.formulas || l.typedOver) lines.push({ i, formulas: l.formulas, typedOver: l.typedOver });
    }
    return {
      columnFormulas: src.workbook.columnFormulas,
      nodes: src.nodes.map((n) => (n.columnFormulas ? { id: n.id, columnFormulas: n.columnFormulas } : { id: n.id })),
      lineIds: withLineIds ? src.lines.map((l) => l.id) : null,
      lines,
      rounding: src.workbook.settings.formulaRounding ?? 'half-away-from-zero',
    };
  }

  /**
   * Takes in what the worker computed over `lines` (the session's, in the order it was sent): the
   * cells in error, and the lines whose values moved as a change with where each is in `lines`
   * (null: none moved). A cell in error keeps its last value; a new error is said once (takeNewErrors).
   */
  take(results: FormulaResults, lines: readonly Line[]): { change: Change; at: number[] } | null {
    const before = new Map(this.errors);
    if (results.all) this.errors.clear();
    else
      for (const v of results.computed) {
        const c = vertexCell(v);
        const line = lines[c.line];
        if (line) this.errors.delete(key(line.id, c.field));
      }
    for (const e of results.errors) {
      const line = lines[e.line];
      if (!line) continue;
      const k = key(line.id, e.field);
      this.errors.set(k, e.error);
      if (before.get(k) !== e.error) this.fresh.push({ line: line.id, field: e.field, error: e.error });
    }
    const n = results.line.length;
    if (!n) return null;
    // One record per line, however many of its fields moved: copied, then each field set (a copy keeps the record's shape).
    const out: NonNullable<Change['lines']> = [];
    const at: number[] = [];
    // Where a line's record is in `out` (+1; 0: not yet), for lines of which several fields moved.
    const slot = n > 1 ? new Int32Array(lines.length) : null;
    for (let k = 0; k < n; k++) {
      const i = results.line[k];
      const was = lines[i];
      const field = FORMULA_FIELDS[results.field[k]];
      if (!was || Object.is(was[field], results.value[k])) continue;
      const s = slot ? slot[i] : 0;
      let after = s ? out[s - 1].after! : null;
      if (!after) {
        after = { ...was };
        out.push({ before: was, after });
        at.push(i);
        if (slot) slot[i] = out.length;
      }
      after[field] = results.value[k];
    }
    return out.length ? { change: { lines: out }, at } : null;
  }

  /** No formula left: no cell in error. */
  clear(): void {
    this.errors.clear();
  }
}

/** Whether the records hold a formula (a line's, an item's or the workbook's column formula). */
export function holdsFormulas(wb: Workbook, nodes: readonly TreeNode[], lines: readonly Line[]): boolean {
  if (wb.columnFormulas && Object.keys(wb.columnFormulas).length) return true;
  for (const n of nodes) if (n.columnFormulas && Object.keys(n.columnFormulas).length) return true;
  for (const l of lines) if (l.formulas || l.typedOver) return true;
  return false;
}

// A workbook's formulas kept over the plan's columns and their incremental roll-up, where the
// recalculation service holds them: the formulas arrive as a spec (the lines' own formulas and the
// fields typed over a column formula, by line index; items' and the workbook's column formulas),
// are laid out once per spec, and after each edit only the formulas the edited lines reach are
// computed again, level by level, each level written into the columns and the roll-up before the
// next reads them. What changed comes out packed (line index, field number, value) for the page to
// write into its line records. Pure.

import type { ColumnEdit } from '../rollup';
import type { RollupPatch, RollupState } from '../rollup-state';
import type { CellFormula, FormulaField, Line, RoundingRule, TreeNode, Workbook } from '../model';
import { buildFormulaBook, cellAt, computeFormulas, FORMULA_FIELDS, type FormulaBook, type FormulaErrorOut } from './book';
import { cellVertex } from './graph';
import { cycleThrough } from './workbook-edit';
import { columnsHost } from './host';

/** The formulas of a workbook as the service is sent them, lines and items by their index in its columns. */
export interface FormulaSpec {
  /** The workbook's column formulas. */
  columnFormulas: Workbook['columnFormulas'];
  /** Every item's id in the columns' order (their parents are the columns' own), and its column formulas. */
  nodes: readonly { id: string; columnFormulas?: TreeNode['columnFormulas'] }[];
  /** Every line's id in the columns' order; null: those of the last spec (the lines did not move). */
  lineIds: readonly string[] | null;
  /** The lines with formulas of their own or fields typed over a column formula, by index. */
  lines: readonly { i: number; formulas?: Partial<Record<FormulaField, CellFormula>>; typedOver?: FormulaField[] }[];
  rounding: RoundingRule;
}

/** What computing formulas changed, packed: the k-th value is `value[k]` for field FORMULA_FIELDS[field[k]] of line `line[k]`. */
export interface FormulaResults {
  /** True when every formula was computed (then `errors` are all the cells in error, and `computed` is empty). */
  all: boolean;
  line: Int32Array;
  field: Uint8Array;
  value: Float64Array;
  /** Cells in error among those computed (each keeps its last value). */
  errors: FormulaErrorOut[];
  /** The cells computed (graph.ts cellVertex), when not all were. */
  computed: Int32Array;
}

/** The transferable buffers of formula results. */
export function formulaResultBuffers(r: FormulaResults): ArrayBuffer[] {
  return [r.line, r.field, r.value, r.computed].map((a) => a.buffer as ArrayBuffer);
}

const FIELD_NO: Record<FormulaField, number> = { plan: 0, disbursed: 1, expectedRate: 2 };
const COLUMN: Record<FormulaField, 'plan' | 'disbursed' | 'expected'> = { plan: 'plan', disbursed: 'disbursed', expectedRate: 'expected' };

/** The formulas of one spec over one roll-up state; a new state (the plan loaded again) needs the spec again. */
export class ColumnFormulas {
  private readonly book: FormulaBook;
  private readonly nodeIndex: Map<string, number>;
  private lineIndexMap: Map<string, number> | null = null;

  constructor(
    private readonly state: RollupState,
    private readonly spec: FormulaSpec,
    private readonly lineIds: readonly string[],
  ) {
    const cols = state.cols;
    const nodes = spec.nodes.map((n, k) => ({ id: n.id, parentId: cols.nodeParent[k] >= 0 ? spec.nodes[cols.nodeParent[k]].id : null, columnFormulas: n.columnFormulas }));
    const own = new Map(spec.lines.map((l) => [l.i, l]));
    const lines: Pick<Line, 'id' | 'nodeId' | 'formulas' | 'typedOver'>[] = new Array(lineIds.length);
    for (let i = 0; i < lineIds.length; i++) {
      const k = cols.lineNode[i];
      const o = own.get(i);
      lines[i] = { id: lineIds[i], nodeId: k >= 0 ? spec.nodes[k].id : '', formulas: o?.formulas, typedOver: o?.typedOver };
    }
    this.book = buildFormulaBook({ workbook: { columnFormulas: spec.columnFormulas }, nodes, lines });
    this.nodeIndex = new Map(spec.nodes.map((n, k) => [n.id, k]));
  }

  /**
   * A cycle (cells' vertices) through a cell the given column formula computes (its field and its
   * stored text), or null: a column formula being set is refused when it would read itself.
   */
  cycleThrough(column: { field: FormulaField; text: string }): number[] | null {
    const book = this.book;
    return cycleThrough(book, (v) => {
      const c = cellAt(book, v);
      return !!c && c.fromColumn && c.field === column.field && c.formula.text === column.text;
    });
  }

  /** Whether any formula cell is laid out. */
  get empty(): boolean {
    return this.book.cells.length === 0;
  }

  /**
   * Computes every formula, writing the values that moved into the columns and the roll-up; `wrote`
   * is told what each write changed in the roll-up (null: it was rolled up whole).
   */
  computeAll(wrote: (patch: RollupPatch | null) => void): FormulaResults {
    return this.run(null, wrote);
  }

  /** After edits applied to the state: computes the formulas the edited lines reach (any column of a line moves its items' figures). */
  computeAfter(edits: readonly ColumnEdit[], wrote: (patch: RollupPatch | null) => void): FormulaResults | null {
    if (this.empty || !edits.length) return null;
    const vertices: number[] = [];
    const seen = new Set<number>();
    for (const e of edits) {
      if (seen.has(e.line)) continue;
      seen.add(e.line);
      for (const f of FORMULA_FIELDS) vertices.push(cellVertex(e.line, f));
    }
    return this.run(vertices, wrote);
  }

  private run(changed: number[] | null, wrote: (patch: RollupPatch | null) => void): FormulaResults {
    const keys = changed ? this.book.plan.staleAfter(changed) : this.book.plan.order;
    const state = this.state;
    const lineIndex = (id: string) => (this.lineIndexMap ??= new Map(this.lineIds.map((id2, i) => [id2, i]))).get(id) ?? -1;
    const host = columnsHost(
      state.cols,
      state.rollup,
      lineIndex,
      (id) => this.nodeIndex.get(id),
      (edits) => {
        wrote(state.edit(edits));
        return state.rollup;
      },
    );
    const { values, errors, computed } = computeFormulas(this.book, host, keys, this.spec.rounding);
    const n = values.length;
    const out: FormulaResults = {
      all: !changed,
      line: new Int32Array(n),
      field: new Uint8Array(n),
      value: new Float64Array(n),
      errors,
      computed: changed ? Int32Array.from(computed) : new Int32Array(0),
    };
    for (let k = 0; k < n; k++) {
      out.line[k] = values[k].line;
      out.field[k] = FIELD_NO[values[k].field];
      out.value[k] = values[k].value;
    }
    return out;
  }
}

/** Writes formula results into plan columns (a copy of the service's columns kept elsewhere). */
export function applyFormulaResults(cols: { plan: Float64Array; disbursed: Float64Array; expected: Float64Array }, r: FormulaResults): void {
  for (let k = 0; k < r.line.length; k++) cols[COLUMN[FORMULA_FIELDS[r.field[k]]]][r.line[k]] = r.value[k];
}

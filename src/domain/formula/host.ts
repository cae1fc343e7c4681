// A formula host over plan columns and their roll-up: what the worker holds, and what tests and the
// command line build from line records. Reading is by record id through two index maps; writing
// applies column edits and asks for the roll-up again (the worker passes its incremental update).
// The columns' lines must be the book's records' lines, in the same order.

import type { FormulaField, Line, TreeNode, Workbook } from '../model';
import type { ColumnEdit, PlanColumns, Rollup } from '../rollup';
import { applyColumnEdits, buildColumns, counterpartColumn, lineColumnEdits, rollUp, SlotTable } from '../rollup';
import { RollupState } from '../rollup-state';
import { orderTree, type OrderedTree } from '../tree';
import { projectionParams } from '../projection';
import type { FormulaHost, FormulaValueOut } from './book';
import type { ItemRefField } from './parse';

const COLUMN: Record<FormulaField, 'plan' | 'disbursed' | 'expected'> = { plan: 'plan', disbursed: 'disbursed', expectedRate: 'expected' };

/** The column edits that write formula results. */
export function formulaEdits(results: readonly FormulaValueOut[]): ColumnEdit[] {
  return results.map((r) => ({ line: r.line, field: COLUMN[r.field], value: r.value }));
}

/**
 * A host on columns: `update` applies edits and returns the roll-up after them (by default a full
 * roll-up; the worker passes its incremental one). `rollup()` gives the roll-up after the last write.
 */
export function columnsHost(
  cols: PlanColumns,
  first: Rollup,
  lineIndex: ReadonlyMap<string, number>,
  nodeIndex: ReadonlyMap<string, number>,
  update: (edits: ColumnEdit[]) => Rollup = (edits) => {
    applyColumnEdits(cols, edits);
    return rollUp(cols);
  },
): FormulaHost & { rollup(): Rollup } {
  let r = first;
  return {
    lineIndex: (id) => lineIndex.get(id) ?? -1,
    lineValue(i, field) {
      const v = cols[COLUMN[field]][i];
      return field === 'expectedRate' && Number.isNaN(v) ? null : v;
    },
    itemFigure(id: string | null, field: ItemRefField) {
      const k = id === null ? r.nodeCount : nodeIndex.get(id);
      return k === undefined ? undefined : r[field][k];
    },
    write(results) {
      r = update(formulaEdits(results));
    },
    rollup: () => r,
  };
}

/** Where a host over line records reads items' figures (and tells the formulas' results, which move them). */
export interface ItemFigures {
  read(id: string | null, field: ItemRefField): number | undefined;
  write(results: readonly FormulaValueOut[]): void;
}

/**
 * Items' figures kept up to date edit by edit on an incremental roll-up (RollupState) over the
 * records' lines, in their order: what a formula reading an item's total needs after each edit
 * without rolling 100 000 lines up again (a full roll-up per edit took ~50 ms on such a plan).
 * Built for one tree, line order and set of projection settings: a change of any of them needs a
 * new one.
 */
export class IncrementalItemFigures implements ItemFigures {
  private readonly tree: OrderedTree;
  private readonly slots = new SlotTable();
  private readonly lineIndex: Map<string, number>;
  private readonly state: RollupState;

  constructor(records: { workbook: Workbook; nodes: readonly TreeNode[]; lines: readonly Line[] }) {
    this.tree = orderTree([...records.nodes]);
    const wb = records.workbook;
    this.state = new RollupState(buildColumns(this.tree, records.lines, counterpartColumn(wb.counterpart, wb.year), projectionParams(wb), this.slots));
    this.lineIndex = new Map(records.lines.map((l, i) => [l.id, i]));
  }

  /** Takes in lines edited in place (same id, same place in the order); false when one is unknown (then build anew). */
  editLines(changes: readonly { before: Line; after: Line }[]): boolean {
    const edits: ColumnEdit[] = [];
    for (const { before, after } of changes) {
      const i = this.lineIndex.get(after.id);
      if (i === undefined || before.id !== after.id) return false;
      lineColumnEdits(i, before, after, this.slots, edits);
    }
    if (edits.length) this.state.edit(edits);
    return true;
  }

  read(id: string | null, field: ItemRefField): number | undefined {
    const r = this.state.rollup;
    const k = id === null ? r.nodeCount : this.tree.indexOf.get(id);
    return k === undefined ? undefined : r[field][k];
  }

  write(results: readonly FormulaValueOut[]): void {
    if (results.length) this.state.edit(formulaEdits(results));
  }
}

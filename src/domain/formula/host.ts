// A formula host over plan columns and their roll-up: what the worker holds, and what tests and the
// command line build from line records. Reading is by record id through two index lookups; writing
// applies column edits and asks for the roll-up again (the worker passes its incremental update).
// The columns' lines must be the book's records' lines, in the same order.

import type { FormulaField } from '../model';
import type { ColumnEdit, PlanColumns, Rollup } from '../rollup';
import { applyColumnEdits, rollUp } from '../rollup';
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
  lineIndex: (id: string) => number,
  nodeIndex: (id: string) => number | undefined,
  update: (edits: ColumnEdit[]) => Rollup = (edits) => {
    applyColumnEdits(cols, edits);
    return rollUp(cols);
  },
): FormulaHost & { rollup(): Rollup } {
  let r = first;
  return {
    lineIndex,
    lineValue(i, field) {
      const v = cols[COLUMN[field]][i];
      return field === 'expectedRate' && Number.isNaN(v) ? null : v;
    },
    itemFigure(id: string | null, field: ItemRefField) {
      const k = id === null ? r.nodeCount : nodeIndex(id);
      return k === undefined ? undefined : r[field][k];
    },
    write(results) {
      r = update(formulaEdits(results));
    },
    rollup: () => r,
  };
}

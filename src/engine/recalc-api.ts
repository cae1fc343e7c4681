// The typed list of commands the recalculation worker answers. Shared by the worker and its client.

import type { ColumnEdit, PlanColumns, Rollup } from '../domain/rollup';

export interface RecalcApi {
  /** Replaces the worker's columnar copy of the plan and returns the full roll-up. */
  load(cols: PlanColumns): Rollup;
  /** Applies edits to the columnar copy, in order, and returns the full roll-up. */
  edit(edits: ColumnEdit[]): Rollup;
}

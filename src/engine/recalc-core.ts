// The recalculation service itself, independent of where it runs: the worker wraps it with Comlink,
// and the client falls back to it on the main thread when a worker cannot be started.

import { applyColumnEdits, rollUp, type ColumnEdit, type PlanColumns, type Rollup } from '../domain/rollup';
import type { RecalcApi } from './recalc-api';
import { splitColumns } from '../domain/allocate-columns';

/** A recalculation service holding one columnar copy of the plan. */
export function createRecalcService(): RecalcApi {
  let cols: PlanColumns | null = null;
  return {
    load(next: PlanColumns): Rollup {
      cols = next;
      return rollUp(cols);
    },
    edit(edits: ColumnEdit[]): Rollup {
      if (!cols) throw new Error('recalc: edit before load');
      applyColumnEdits(cols, edits);
      return rollUp(cols);
    },
    allocate: splitColumns,
  };
}

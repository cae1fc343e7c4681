// The typed list of commands the recalculation worker answers. Shared by the worker and its client.

import type { ColumnEdit, PlanColumns, Rollup } from '../domain/rollup';
import type { AllocationResult, AllocationRule } from '../domain/allocate';
import type { Result } from '../domain/model';

export interface RecalcApi {
  /** Replaces the worker's columnar copy of the plan and returns the full roll-up. */
  load(cols: PlanColumns): Rollup;
  /** Applies edits to the columnar copy, in order, and returns the full roll-up. */
  edit(edits: ColumnEdit[]): Rollup;
  /** Splits an envelope by a rule (see domain/allocate); failures come back as values. */
  allocate(rule: AllocationRule): Result<AllocationResult>;
}

// The typed list of commands the recalculation worker answers. Shared by the worker and its client.

import type { ColumnEdit, PlanColumns, Rollup } from '../domain/rollup';
import type { AllocationColumns, AllocationRequest } from '../domain/allocate-columns';
import type { Result } from '../domain/model';

export interface RecalcApi {
  /** Replaces the worker's columnar copy of the plan and returns the full roll-up. */
  load(cols: PlanColumns): Rollup;
  /** Applies edits to the columnar copy, in order, and returns the full roll-up. */
  edit(edits: ColumnEdit[]): Rollup;
  /** Splits an envelope by a columnar rule (see domain/allocate-columns); failures come back as values. */
  allocate(req: AllocationRequest): Result<AllocationColumns>;
}

// The typed list of commands the recalculation worker answers. Shared by the worker and its client.

import type { ColumnEdit, PackedColumnEdits, PlanColumns, Rollup } from '../domain/rollup';
import type { RollupUpdate } from '../domain/rollup-state';
import type { AllocationColumns, AllocationRequest } from '../domain/allocate';
import type { Result } from '../domain/model';
import type { ProjectionParams } from '../domain/projection';
import type { CompareRequest, Comparison } from '../domain/compare';
import type { CheckContext, CheckEntry } from '../domain/checks';
import type { FormulaResults, FormulaSpec } from '../domain/formula/column-formulas';
import type { FormulaField } from '../domain/model';

/**
 * A roll-up update with what the formulas the change reached now hold (none when no formula moved);
 * `refused`: the formulas sent were not taken, a column formula reading itself through these cells.
 */
export type EditAnswer = RollupUpdate & { formulas?: FormulaResults; refused?: number[] };

/**
 * A columnar rule as sent to the service. The service keeps the ids and value columns it is sent
 * until other ids come, so what did not change need not cross to the worker again (cloning 10^6
 * ids costs more than the split itself): `ids: null` stands for the last ids sent, a null column
 * for the last column sent under its key.
 */
export type AllocationCall = Omit<AllocationRequest, 'ids' | 'values'> & {
  ids: readonly string[] | null;
  values: Record<string, Float64Array | null>;
};

export interface RecalcApi {
  /** Replaces the worker's columnar copy of the plan and returns the full roll-up (the caller's own copy). */
  load(cols: PlanColumns): Rollup;
  /**
   * Applies edits to the columnar copy, in order, and returns what changed in the roll-up last
   * returned (a patch: apply them all, in order, to the caller's copy; domain/rollup-state
   * applyRollupUpdate), or a whole new roll-up when everything was rolled up again. Many edits
   * come packed (a column formula's 100 000), so they cross as transferred arrays, not as objects.
   */
  edit(edits: ColumnEdit[] | PackedColumnEdits): EditAnswer;
  /**
   * Replaces the formulas computed over the loaded plan (null: none; 'again': the same, after a
   * projection change) and computes every one of them into the columns and the roll-up: the roll-up
   * after them, and the values that moved. Later edits compute again what they reach. `guard`: a
   * column formula being set; when it would read itself on a line it reaches, the formulas are
   * refused (the ones held before stay) and the answer names the cycle.
   */
  formulas(spec: FormulaSpec | null | 'again', guard?: { field: FormulaField; text: string }): EditAnswer;
  /** Replaces the projection settings and returns the full roll-up (the caller's own copy). */
  configure(params: ProjectionParams): Rollup;
  /** Milliseconds the last full pass of the roll-up took in the service, copy excluded (diagnostics, benchmarks). */
  lastPassMs(): number;
  /** Splits an envelope by a columnar rule (see domain/allocate, splitColumns); failures come back as values. */
  allocate(req: AllocationCall): Result<AllocationColumns>;
  /**
   * Compares two to four scenarios sent as columns (see domain/compare); independent of the loaded
   * plan. The service keeps each scenario rolled up under its key until a request names other keys,
   * so a scenario sent before may come with null columns; if it was not kept (the service was
   * replaced), the answer is the problem 'compare.columns-missing': send the columns again.
   */
  compare(req: CompareRequest): Result<Comparison>;
  /** Checks the loaded plan (domain/checks); null when the context's lines are not the loaded ones. */
  checks(ctx: CheckCall): CheckEntry[] | null;
}

/**
 * A check context as sent to the service: `lineIds` or `lineLabels` null stand for the last ones
 * sent (they are the bulk of it, and most edits change neither).
 */
export type CheckCall = Omit<CheckContext, 'lineIds' | 'lineLabels'> & {
  lineIds: readonly string[] | null;
  lineLabels: readonly string[] | null;
};

// The recalculation service itself, independent of where it runs: the worker wraps it with Comlink,
// and the client falls back to it on the main thread when a worker cannot be started.

import { unpackColumnEdits, type ColumnEdit, type PackedColumnEdits, type PlanColumns, type Rollup } from '../domain/rollup';
import { copyRollup, RollupState, updateAfter, type RollupPatch } from '../domain/rollup-state';
import type { AllocationCall, CheckCall, EditAnswer, RecalcApi } from './recalc-api';
import { ColumnFormulas, type FormulaSpec } from '../domain/formula/column-formulas';
import type { FormulaField } from '../domain/model';
import type { ProjectionParams } from '../domain/projection';
import { splitColumns, type AllocationColumns } from '../domain/allocate';
import { fail, ok, type Result } from '../domain/model';
import { compareValues, scenarioValues, type CompareRequest, type Comparison, type ScenarioValues } from '../domain/compare';
import { runChecks } from '../domain/checks';

/**
 * A recalculation service holding one columnar copy of the plan and its roll-up (updated by each
 * edit, see domain/rollup-state), the formulas over them (each edit computes what it reaches), the
 * allocation columns sent, and the scenarios last compared. The roll-ups it returns are copies: the
 * caller may keep or transfer them.
 */
export function createRecalcService(): RecalcApi {
  let state: RollupState | null = null;
  let formulas: ColumnFormulas | null = null;
  let lineIds: readonly string[] = [];
  let allocationIds: readonly string[] = [];
  const allocationColumns = new Map<string, Float64Array>();
  let checkIds: readonly string[] = [];
  let checkLabels: readonly string[] = [];
  let rolledUp = new Map<string, ScenarioValues>();
  let passMs = NaN;
  return {
    load(next: PlanColumns): Rollup {
      state = new RollupState(next);
      // Laid out over other lines: the caller sends the formulas again for these.
      formulas = null;
      return copyRollup(state.rollup);
    },
    edit(edits: ColumnEdit[] | PackedColumnEdits): EditAnswer {
      if (!state) throw new Error('recalc: edit before load');
      const list = Array.isArray(edits) ? edits : unpackColumnEdits(edits);
      const patches: (RollupPatch | null)[] = [state.edit(list)];
      const results = formulas?.computeAfter(list, (p) => patches.push(p));
      const update = updateAfter(state, patches);
      return results ? { ...update, formulas: results } : update;
    },
    formulas(next: FormulaSpec | null | 'again', guard?: { field: FormulaField; text: string }): EditAnswer {
      if (!state) throw new Error('recalc: formulas before load');
      if (next !== 'again') {
        if (next?.lineIds) lineIds = next.lineIds;
        const laid = next && lineIds.length === state.cols.plan.length ? new ColumnFormulas(state, next, lineIds) : null;
        const cycle = guard && laid?.cycleThrough(guard);
        if (cycle) return { ...updateAfter(state, []), refused: cycle };
        formulas = laid && !laid.empty ? laid : null;
      }
      const patches: (RollupPatch | null)[] = [];
      const results = formulas?.computeAll((p) => patches.push(p));
      const update = updateAfter(state, patches);
      return results ? { ...update, formulas: results } : update;
    },
    configure(params: ProjectionParams): Rollup {
      if (!state) throw new Error('recalc: configure before load');
      const started = performance.now();
      state.configure(params);
      passMs = performance.now() - started;
      return copyRollup(state.rollup);
    },
    lastPassMs: () => passMs,
    allocate(call: AllocationCall): Result<AllocationColumns> {
      if (call.ids !== null) {
        allocationIds = call.ids;
        allocationColumns.clear();
      }
      const values: Record<string, Float64Array> = {};
      for (const [key, col] of Object.entries(call.values)) {
        if (col !== null) allocationColumns.set(key, col);
        const kept = allocationColumns.get(key);
        if (kept) values[key] = kept;
      }
      return splitColumns({ ...call, ids: allocationIds, values });
    },
    compare(req: CompareRequest): Result<Comparison> {
      const kept = new Map<string, ScenarioValues>();
      for (const s of req.scenarios) {
        const values = s.cols && s.lineIndex ? scenarioValues(s.cols, s.lineIndex) : rolledUp.get(s.key);
        if (!values) return fail('compare.columns-missing', { key: s.key });
        kept.set(s.key, values);
      }
      rolledUp = kept;
      return ok(
        compareValues(
          req,
          req.scenarios.map((s) => kept.get(s.key)!),
        ),
      );
    },
    checks(call: CheckCall) {
      if (call.lineIds) checkIds = call.lineIds;
      if (call.lineLabels) checkLabels = call.lineLabels;
      if (!state || state.cols.plan.length !== checkIds.length || checkLabels.length !== checkIds.length) return null;
      return runChecks(state.cols, state.rollup, { ...call, lineIds: checkIds, lineLabels: checkLabels });
    },
  };
}

// A small scripting surface for benchmarks and browser tests, present only when the page is
// opened with ?debug in its address. It reads state; it adds no way around the normal edit path.

import type { AppState } from '../../state/app.svelte';
import type { BudgetGridAdapter } from '../grid/grid-adapter';
import type { AllocationRuleRecord, Place } from '../../domain/model';
import { requestFromRecord, ruleFromRecord } from '../../domain/allocation-plan';
import { projectionRoundTrips } from '../../state/bench';
import { compareRoundTrips } from '../../state/compare-bench';

export function registerDebugApi(app: AppState, grid: () => BudgetGridAdapter | null): void {
  if (!new URLSearchParams(location.search).has('debug')) return;
  (globalThis as unknown as { planbench: unknown }).planbench = {
    app,
    /** Creates a generated workbook of n lines in IndexedDB (packed `chunkSize` to a chunk, if given) and returns its id. */
    generate: (n: number, chunkSize?: number) => app.generate(n, chunkSize),
    open: (id: string) => app.open(id),
    flush: () => app.session?.flush(),
    recalcMode: () => app.session?.recalcMode,
    recalcRoundTripMs: () => app.session?.recalcRoundTripMs,
    lastSaveMs: () => app.session?.lastSaveMs,
    lastCommitMs: () => app.session?.lastCommitMs,
    /** Splits an envelope through the worker, as the allocation view does (benchmarks): a rule or its columns. */
    allocate: (rule: unknown) => app.session?.previewAllocation(rule as never),
    /** A rule record's split as columns read from places (the open workbook's by default), or as objects. */
    allocationRequest: (rec: AllocationRuleRecord, places?: Place[]) => requestFromRecord(rec, places ?? app.session?.places ?? []),
    allocationRule: (rec: AllocationRuleRecord, places?: Place[]) => ruleFromRecord(rec, places ?? app.session?.places ?? []),
    /** Times projection changes on a generated plan of n lines in a fresh worker (benchmarks). */
    projectionRoundTrips: (n: number, runs?: number) => projectionRoundTrips(n, runs),
    /** Times comparisons of two generated scenarios of n lines in a fresh worker, by project and by place (benchmarks). */
    compareRoundTrips: (n: number, runs?: number) => compareRoundTrips(n, runs),
    /** The Handsontable instance, to drive edits through the same path as typing. */
    hot: () => grid()?.hot,
    /** The grid's adapter (the selection summary, benchmarks). */
    gridAdapter: () => grid(),
  };
}

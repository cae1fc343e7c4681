// A small scripting surface for benchmarks and browser tests, present only when the page is
// opened with ?debug in its address. It reads state; it adds no way around the normal edit path.

import type { AppState } from '../../state/app.svelte';
import type { BudgetGridAdapter } from '../grid/grid-adapter';

export function registerDebugApi(app: AppState, grid: () => BudgetGridAdapter | null): void {
  if (!new URLSearchParams(location.search).has('debug')) return;
  (globalThis as unknown as { planbench: unknown }).planbench = {
    app,
    /** Creates a generated workbook of n lines in IndexedDB and returns its id. */
    generate: (n: number) => app.generate(n),
    open: (id: string) => app.open(id),
    flush: () => app.session?.flush(),
    recalcMode: () => app.session?.recalcMode,
    recalcRoundTripMs: () => app.session?.recalcRoundTripMs,
    lastSaveMs: () => app.session?.lastSaveMs,
    lastCommitMs: () => app.session?.lastCommitMs,
    /** Splits an envelope through the worker, as the allocation view does (benchmarks). */
    allocate: (rule: unknown) => app.session?.previewAllocation(rule as never),
    /** The Handsontable instance, to drive edits through the same path as typing. */
    hot: () => grid()?.hot,
  };
}

// Measurements the benchmarks run inside the built app (reached through the ?debug surface): the
// same worker, columns and roll-up as a real workbook, on generated plans too big to keep in storage.

import { buildGeneratedWorkbook } from '../domain/demo';
import { orderTree } from '../domain/tree';
import { buildColumns, counterpartColumn } from '../domain/rollup';
import { DEFAULT_PROJECTION, projectionParams } from '../domain/projection';
import { RecalcClient } from '../engine/recalc-client';

/**
 * Loads a generated plan of n lines (monthly actuals, vintages, a back-loaded profile) into a fresh
 * worker, then times `runs` projection changes (alternating methods): each from sending the new
 * settings to the full roll-up back on the main thread, and the worker's own full pass within it.
 * Milliseconds per run.
 */
export async function projectionRoundTrips(n: number, runs = 5): Promise<{ loadMs: number; runs: number[]; passes: number[]; mode: string }> {
  const data = buildGeneratedWorkbook(n);
  const wb = data.workbook;
  const cols = buildColumns(orderTree(data.nodes), data.lines, counterpartColumn(wb.counterpart, wb.year), projectionParams(wb));
  data.lines.length = 0;
  const client = new RecalcClient();
  try {
    let t = performance.now();
    await client.load(cols);
    const loadMs = performance.now() - t;
    const out: number[] = [];
    const passes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const method = i % 2 === 0 ? 'linear' : 'backloaded';
      const params = projectionParams({ ...wb, settings: { ...wb.settings, projection: { ...DEFAULT_PROJECTION, method } } });
      t = performance.now();
      const r = await client.configure(params);
      if (!r) throw new Error('projection superseded');
      out.push(performance.now() - t);
      passes.push(await client.lastPassMs());
    }
    return { loadMs, runs: out, passes, mode: client.mode };
  } finally {
    client.dispose();
  }
}

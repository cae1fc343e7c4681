// Node: projecting a generated 1 000 000-line plan (monthly actuals on a quarter of the lines,
// two vintages, per-line methods, a back-loaded profile at mid-November), as the worker does it.
import { inject, it } from 'vitest';
import { launchBrowser } from '../e2e/browser';
import { buildGeneratedWorkbook } from '../../src/domain/demo';
import { orderTree } from '../../src/domain/tree';
import { buildColumns, counterpartColumn, rollUp } from '../../src/domain/rollup';
import { DEFAULT_PROJECTION, projectionParams } from '../../src/domain/projection';
import { median, report } from './stats';

it('projection of 1 000 000 lines (Node)', () => {
  const n = 1_000_000;
  const data = buildGeneratedWorkbook(n);
  const wb = data.workbook;
  let t = performance.now();
  const cols = buildColumns(orderTree(data.nodes), data.lines, counterpartColumn(wb.counterpart, wb.year), projectionParams(wb));
  const buildMs = performance.now() - t;
  data.lines.length = 0;
  const runs: number[] = [];
  let carry = 0;
  for (let i = 0; i < 7; i++) {
    const method = i % 2 === 0 ? 'linear' : 'backloaded';
    t = performance.now();
    cols.params = projectionParams({ ...wb, settings: { ...wb.settings, projection: { ...DEFAULT_PROJECTION, method } } });
    const r = rollUp(cols);
    runs.push(performance.now() - t);
    carry = r.carryOver[r.nodeCount];
  }
  report('Projection, 1 000 000 lines, Node (the worker runs the same code)', [
    ['build columns from line objects', buildMs, 'ms'],
    ['projection change: project, draw by vintage, roll up', median(runs), 'ms', '≤ 500 ms'],
    ['(total projected carry-over, to keep the work observable)', carry / 1e9, 'tỷ đ'],
  ]);
});

it('projection of 1 000 000 lines through the worker (Chromium)', async () => {
  const browser = await launchBrowser();
  const page = await browser.newPage();
  await page.goto(inject('baseUrl') + '?debug');
  await page.waitForFunction(() => (globalThis as any).planbench?.app?.session?.rollup);
  const r = await page.evaluate(() => (globalThis as any).planbench.projectionRoundTrips(1_000_000, 7));
  // The pass of a 100 000-line plan as the worker runs it on new settings (its own clock, the copy of the
  // roll-up excluded): every line projected and drawn again, the figures no setting moves kept (since 2026-12-07, late night).
  const small = await page.evaluate(() => (globalThis as any).planbench.projectionRoundTrips(100_000, 31));
  await browser.close();
  if (r.mode !== 'worker' || small.mode !== 'worker') throw new Error(`recalculation ran on the ${r.mode}`);
  report('Projection, 1 000 000 lines, through the worker (Chromium)', [
    ['load the columns into the worker (transfer + first roll-up)', r.loadMs, 'ms'],
    ['projection change: settings sent, full roll-up back', median(r.runs), 'ms', '≤ 500 ms'],
    ['  the pass in the worker', median(r.passes), 'ms'],
    ["100 000 lines: the pass in the worker on a projection change (the workbook's settings)", median(small.passes), 'ms', '≤ 5 ms'],
    ['100 000 lines: settings sent, full roll-up back', median(small.runs), 'ms'],
  ]);
});

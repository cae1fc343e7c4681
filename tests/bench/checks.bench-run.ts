// The plan checks (domain/checks) on a generated 100 000-line plan: in Node, the code the worker
// runs, and in the built app, the session's refresh through the worker as the checks tab uses it.
import { inject, it } from 'vitest';
import { launchBrowser } from '../e2e/browser';
import { buildGeneratedWorkbook } from '../../src/domain/demo';
import { orderTree } from '../../src/domain/tree';
import { orderLines } from '../../src/domain/compare-request';
import { buildColumns, counterpartColumn, rollUp } from '../../src/domain/rollup';
import { projectionParams } from '../../src/domain/projection';
import { checkContextOf, runChecks } from '../../src/domain/checks';
import { median, report } from './stats';

const LINES = 100_000;

it('checks of 100 000 lines (Node)', () => {
  const data = buildGeneratedWorkbook(LINES);
  const wb = data.workbook;
  const tree = orderTree(data.nodes);
  const lines = orderLines(tree, data.lines);
  const cols = buildColumns(tree, lines, counterpartColumn(wb.counterpart, wb.year), projectionParams(wb));
  const r = rollUp(cols);
  const contextMs: number[] = [];
  const runMs: number[] = [];
  let found = 0;
  for (let i = 0; i < 7; i++) {
    let t = performance.now();
    const ctx = checkContextOf(wb, tree.nodes, lines, data.places ?? []);
    contextMs.push(performance.now() - t);
    t = performance.now();
    found = runChecks(cols, r, ctx).length;
    runMs.push(performance.now() - t);
  }
  report(`Checks, ${LINES.toLocaleString('en')} lines, Node (the worker runs the same code)`, [
    ['build the check context from the lines (main thread)', median(contextMs), 'ms'],
    ['run every check on the columns and roll-up', median(runMs), 'ms'],
    ['(entries found, to keep the work observable)', found, ''],
  ]);
});

it('checks of 100 000 lines through the worker (Chromium)', async () => {
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(inject('baseUrl') + '?debug');
  await page.waitForFunction(() => (globalThis as any).planbench?.app?.session?.rollup);
  await page.evaluate(async (n) => {
    const pb = (globalThis as any).planbench;
    await pb.open(await pb.generate(n));
  }, LINES);
  const r = await page.evaluate(async () => {
    const session = (globalThis as any).planbench.app.session;
    await session.ready;
    const runs: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t = performance.now();
      await session.refreshChecks();
      runs.push(performance.now() - t);
    }
    return { first: runs[0], again: runs.slice(1), entries: session.checks.length, mode: session.recalcMode };
  });
  await browser.close();
  if (r.mode !== 'worker') throw new Error(`checks ran on the ${r.mode}`);
  report(`Checks, ${LINES.toLocaleString('en')} lines, through the worker (Chromium)`, [
    ['first refresh: context with line ids and labels sent, checks back', r.first, 'ms'],
    ['later refreshes (ids and labels kept in the worker)', median(r.again), 'ms'],
    ['(entries found)', r.entries, ''],
  ]);
});

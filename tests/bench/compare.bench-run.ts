// Comparing two scenarios of a generated 100 000-line plan (a tenth of the lines raised, some moved
// to another unit, a few dropped; 1 000 communes): in Node, through the worker in the built app, and
// the compare view's change of roll-up from the choice to the grid painted.
import { inject, it } from 'vitest';
import { launchBrowser } from '../e2e/browser';
import { preparedBenchData } from '../../src/state/compare-bench';
import { compareRequest } from '../../src/domain/compare-request';
import { COMPARE_MEASURES, COMPARE_TOTAL, compareScenarios, compareValues, rowDelta, scenarioValues } from '../../src/domain/compare';
import { median, report } from './stats';

const LINES = 100_000;
const rows = { measures: [...COMPARE_MEASURES], onlyChanged: false, sortByChange: false };

it('compare two scenarios of 100 000 lines (Node)', () => {
  const { prepared, groups, prepareMs, groupMs } = preparedBenchData(LINES);
  let t: number;
  const times: Record<string, number[]> = { project: [], place: [], rollUp: [], projectKept: [], placeKept: [], placeChanged: [] };
  let delta = 0;
  for (let i = 0; i < 7; i++) {
    for (const dim of ['project', 'place'] as const) {
      t = performance.now();
      const c = compareScenarios(compareRequest(prepared, dim, dim === 'place' ? groups : null, rows));
      times[dim].push(performance.now() - t);
      delta = rowDelta(c, 'plan', 1, COMPARE_TOTAL);
    }
    t = performance.now();
    const kept = prepared.scenarios.map((s) => scenarioValues(s.cols, s.lineIndex));
    times.rollUp.push(performance.now() - t);
    for (const [key, dim, opts] of [
      ['projectKept', 'project', rows],
      ['placeKept', 'place', rows],
      ['placeChanged', 'place', { ...rows, onlyChanged: true, sortByChange: true }],
    ] as const) {
      t = performance.now();
      compareValues(compareRequest(prepared, dim, dim === 'place' ? groups : null, opts, false), kept);
      times[key].push(performance.now() - t);
    }
  }
  report('Compare two scenarios of 100 000 lines, Node (the worker runs the same code)', [
    ['prepare: union by id, columns of both scenarios (once per choice of scenarios)', prepareMs, 'ms'],
    ['groups by place (1 000 communes; once per dimension)', groupMs, 'ms'],
    ['compare by project: request copies, both roll-ups, values per line/node, rows', median(times.project), 'ms', '≤ 200 ms'],
    ['compare by place: the same', median(times.place), 'ms', '≤ 200 ms'],
    ['  of which both scenarios rolled up (projection, drawing by vintage)', median(times.rollUp), 'ms'],
    ['compare by project, roll-ups kept (a change of roll-up or rows)', median(times.projectKept), 'ms'],
    ['compare by place, roll-ups kept', median(times.placeKept), 'ms'],
    ['compare by place, roll-ups kept, only changed lines, sorted by change', median(times.placeChanged), 'ms'],
    ['(Δ plan of the total, to keep the work observable)', delta / 1e9, 'tỷ đ'],
  ]);
});

it('compare two scenarios of 100 000 lines through the worker, and change the roll-up in the compare view (Chromium)', async () => {
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(inject('baseUrl') + '?debug');
  await page.waitForFunction(() => (globalThis as any).planbench?.app?.session?.rollup);
  const r = await page.evaluate((n) => (globalThis as any).planbench.compareRoundTrips(n, 7), LINES);
  if (r.mode !== 'worker') throw new Error(`comparison ran on the ${r.mode}`);
  const figures: [string, number | string, string, string?][] = [
    ['prepare on the main thread (union by id, columns; once per choice)', r.prepareMs, 'ms'],
    ['groups by place on the main thread (once per dimension)', r.groupMs, 'ms'],
    ['compare by project, columns sent: request built, worker round trip, comparison back', median(r.project), 'ms', '≤ 200 ms'],
    ['compare by place, columns sent', median(r.place), 'ms', '≤ 200 ms'],
    ['compare by project, roll-ups kept in the worker', median(r.projectKept), 'ms'],
    ['compare by place, roll-ups kept in the worker', median(r.placeKept), 'ms'],
  ];

  // The compare view on a stored 100 000-line workbook with a variant: a change of roll-up, from the
  // choice to the grid painted with the new rows (where the app has the compare tab).
  const tab = page.getByRole('tab', { name: 'So sánh' });
  if (await tab.count()) {
    await page.evaluate(async (n) => {
      const pb = (globalThis as any).planbench;
      await pb.open(await pb.generate(n));
      const app = pb.app;
      const r = await app.createVariant(app.session.scenarioId, 'Phương án');
      if (!r.ok) throw new Error('variant failed');
      app.session.setCells([{ target: { kind: 'line', id: app.session.lines[3].id }, field: 'plan', raw: '1.234' }], { unit: 'trieu', locale: 'vi' });
      await app.session.flush();
    }, LINES);
    const t0 = Date.now();
    await tab.click();
    await page.waitForFunction(() => document.querySelector('[data-testid="cmp-status"]')?.getAttribute('data-state') === 'ready', undefined, { timeout: 60_000 });
    const openMs = Date.now() - t0;
    const painted = await page.evaluate(async () => {
      const select = document.querySelector('[data-testid="cmp-dimension"]') as HTMLSelectElement;
      const firstName = () => document.querySelector('[data-testid="cmp-grid"] .ht_clone_inline_start tbody tr td:nth-child(2)')?.textContent;
      const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
      const out: number[] = [];
      for (let i = 0; i < 10; i++) {
        const before = firstName();
        const t0 = performance.now();
        select.value = ['unit', 'project', 'source', 'project', 'capital', 'project'][i % 6];
        select.dispatchEvent(new Event('change', { bubbles: true }));
        while (firstName() === before) await nextFrame();
        await nextFrame();
        out.push(performance.now() - t0);
      }
      return out;
    });
    figures.push(['open the compare tab (load both scenarios, prepare, compare, paint)', openMs, 'ms']);
    figures.push(['change of roll-up, choice to grid painted (project ↔ unit, source, capital)', median(painted), 'ms', '≤ 300 ms']);
  } else figures.push(['change of roll-up painted', 'n/a (this build has no compare tab)', '']);
  await browser.close();
  report('Compare two scenarios of 100 000 lines, Chromium', figures);
});

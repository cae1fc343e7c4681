// Browser: the grid's habits on a generated 100 000-line workbook in the built app — sort by plan
// and filter (from the control to the grid painted), find-next (Enter in the find box to the match
// selected), and the selection summary of 100 000 selected amounts (computed, and to painted).
import { inject, it } from 'vitest';
import { openGenerated } from './open-generated';
import { median, report } from './stats';

const baseUrl = inject('baseUrl');
const LINES = 100_000;

it('sort, filter, find and the selection sum on a 100 000-line workbook (Chromium)', async () => {
  const { browser, page } = await openGenerated(baseUrl, LINES);
  await page.waitForFunction(() => (globalThis as any).planbench.app.session.lines.length >= 100_000 && (globalThis as any).planbench.app.session.rollup, undefined, {
    timeout: 120_000,
  });

  const figures = await page.evaluate(async () => {
    const pb = (globalThis as any).planbench;
    const session = pb.app.session;
    const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
    const firstCodes = () =>
      [...document.querySelectorAll('.ht_clone_inline_start tbody tr td:first-child')]
        .slice(0, 6)
        .map((td) => td.textContent)
        .join('|');
    const firstNames = () =>
      [...document.querySelectorAll('.ht_clone_inline_start tbody tr td:nth-child(2)')]
        .slice(0, 12)
        .map((td) => td.textContent)
        .join('|');
    const choose = (testid: string, value: string) => {
      const el = document.querySelector(`[data-testid="${testid}"]`) as HTMLSelectElement;
      el.value = value;
      el.dispatchEvent(new Event('change', { bubbles: true }));
    };
    const sort: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = firstNames();
      const t0 = performance.now();
      choose('sort-dir', i % 2 === 0 ? '-1' : '1');
      choose('sort-key', 'plan');
      while (firstNames() === before) await nextFrame();
      sort.push(performance.now() - t0);
      choose('sort-key', '');
      await nextFrame();
      await nextFrame();
    }
    const filter: number[] = [];
    const input = document.querySelector('[data-testid="filter-value"]') as HTMLInputElement;
    for (let i = 0; i < 6; i++) {
      choose('filter-key', 'plan');
      choose('filter-op', 'gt');
      input.value = String(400 + i * 10);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await nextFrame();
      const before = firstCodes() + firstNames();
      const t0 = performance.now();
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      while (firstCodes() + firstNames() === before) await nextFrame();
      filter.push(performance.now() - t0);
      (document.querySelector('.sort-filter button[aria-label^="Bỏ lọc"]') as HTMLButtonElement).click();
      await nextFrame();
      await nextFrame();
    }
    // Find: the last lines' descriptions are far down the plan; each Enter goes to the next match.
    const hot = pb.hot();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'f', ctrlKey: true, bubbles: true }));
    await nextFrame();
    await nextFrame();
    const find = document.querySelector('[data-testid="find-input"]') as HTMLInputElement;
    const label = session.lines[session.lines.length - 1].label as string;
    find.value = label.slice(0, 8);
    find.dispatchEvent(new Event('input', { bubbles: true }));
    await nextFrame();
    const findNext: number[] = [];
    for (let i = 0; i < 12; i++) {
      const before = JSON.stringify(hot.getSelectedLast());
      const t0 = performance.now();
      find.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      while (JSON.stringify(hot.getSelectedLast()) === before) await nextFrame();
      findNext.push(performance.now() - t0);
    }
    // The selection summary: the plan column of every row selected (100 000 lines and their items).
    const sumCompute: number[] = [];
    const sumPainted: number[] = [];
    const bar = () => document.querySelector('[data-testid="selection-sum"]')!.textContent;
    for (let i = 0; i < 6; i++) {
      hot.selectCell(0, 0);
      await nextFrame();
      const before = bar();
      const t0 = performance.now();
      hot.selectCell(0, 6, session.rows.length - 1, 6, false);
      const t1 = performance.now();
      while (bar() === before) await nextFrame();
      sumPainted.push(performance.now() - t0);
      const t2 = performance.now();
      pb.gridAdapter().selectionSum();
      sumCompute.push(performance.now() - t2);
      void t1;
    }
    return { sort, filter, findNext, sumCompute, sumPainted, rows: session.rows.length };
  });
  await browser.close();
  report(`Grid habits on ${LINES.toLocaleString('en')} lines (${figures.rows.toLocaleString('en')} rows), built app in Chromium`, [
    ['sort by plan, control to painted', median(figures.sort), 'ms', '≤ 300'],
    ['filter (plan > x), Enter to painted', median(figures.filter), 'ms', '≤ 200'],
    ['find next, Enter to match selected', median(figures.findNext), 'ms', '≤ 50'],
    ['selection sum of the plan column, computed', median(figures.sumCompute), 'ms', '≤ 50'],
    ['selection sum, selection to status bar painted', median(figures.sumPainted), 'ms', ''],
    [
      'slowest sort / filter / find next',
      `${Math.max(...figures.sort).toFixed(0)} / ${Math.max(...figures.filter).toFixed(0)} / ${Math.max(...figures.findNext).toFixed(0)}`,
      'ms',
      '',
    ],
  ]);
});

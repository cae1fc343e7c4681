// Browser: a generated 100 000-line workbook in IndexedDB, opened and edited in the built app.
import { inject, it } from 'vitest';
import { openGenerated } from './open-generated';
import { median, report } from './stats';

const baseUrl = inject('baseUrl');
const LINES = 100_000;

it('open, edit, persist a 100 000-line workbook (Chromium)', async () => {
  const { browser, page } = await openGenerated(baseUrl, LINES);

  const totalReady = () =>
    page.waitForFunction(
      () => {
        const cell = document.querySelector('.ht_clone_bottom tbody tr td[aria-colindex="7"]');
        return !!cell && cell.textContent !== '…' && cell.textContent !== '' && (globalThis as any).planbench?.app?.session?.lines?.length > 1000;
      },
      undefined,
      { polling: 'raf', timeout: 60_000 },
    );

  const opens: number[] = [];
  for (let i = 0; i < 5; i++) {
    await page.reload();
    await totalReady();
    opens.push(await page.evaluate(() => performance.now()));
  }

  const cdp = await page.context().newCDPSession(page);
  const edits = await page.evaluate(async () => {
    const pb = (globalThis as any).planbench;
    const hot = pb.hot();
    const session = pb.app.session;
    const planCol = 6;
    const totalCell = () => document.querySelector('.ht_clone_bottom tbody tr td[aria-colindex="7"]')!.textContent;
    const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
    const painted: number[] = [];
    const persisted: number[] = [];
    const roundTrips: number[] = [];
    const commits: number[] = [];
    let row = 0;
    while (session.rows[row] < 0) row++;
    for (let i = 0; i < 25; i++) {
      const before = totalCell();
      const t0 = performance.now();
      hot.setDataAtCell(row, planCol, String(1000 + i));
      while (totalCell() === before) await nextFrame();
      painted.push(performance.now() - t0);
      roundTrips.push(pb.recalcRoundTripMs());
      await pb.flush();
      persisted.push(pb.lastSaveMs());
      commits.push(pb.lastCommitMs());
      await nextFrame();
    }
    return { painted, persisted, roundTrips, commits };
  });
  // A projection change (the workbook's method) repaints the projected total of the plan grid.
  const projection = await page.evaluate(async () => {
    const session = (globalThis as any).planbench.app.session;
    const projectedTotal = () => document.querySelector('.ht_clone_bottom tbody tr td[aria-colindex="12"]')!.textContent;
    const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
    const painted: number[] = [];
    for (let i = 0; i < 9; i++) {
      const before = projectedTotal();
      const t0 = performance.now();
      session.setProjection({ method: i % 2 === 0 ? 'linear' : 'backloaded' });
      while (projectedTotal() === before) await nextFrame();
      painted.push(performance.now() - t0);
      await nextFrame();
    }
    return painted;
  });
  // Export to .xlsx from the toolbar: click to file saved, and the longest gap between frames meanwhile.
  const exports: { ms: number; frame: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const saved = page.waitForEvent('download', { timeout: 120_000 });
    exports.push(
      await page.evaluate(async () => {
        const button = document.querySelector('[data-testid="export-xlsx"]') as HTMLButtonElement;
        const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
        await nextFrame();
        let frame = 0;
        let last = performance.now();
        let on = true;
        const tick = (now: number) => {
          if (!on) return;
          frame = Math.max(frame, now - last);
          last = now;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
        const t0 = performance.now();
        button.click();
        await nextFrame();
        while (button.disabled) await nextFrame();
        on = false;
        return { ms: performance.now() - t0, frame };
      }),
    );
    await (await saved).delete();
  }
  // Scenarios: copy the 100 000-line baseline as a variant (then shown), and switch back to it.
  const scenarios = await page.evaluate(async () => {
    const app = (globalThis as any).planbench.app;
    const base = app.session.scenarioId;
    const create: number[] = [];
    const toBase: number[] = [];
    for (let i = 0; i < 3; i++) {
      let t0 = performance.now();
      const r = await app.createVariant(base, `Phương án ${i + 1}`);
      if (!r.ok) throw new Error('variant failed');
      create.push(performance.now() - t0);
      t0 = performance.now();
      await app.switchScenario(base);
      toBase.push(performance.now() - t0);
    }
    return { create, toBase };
  });
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await browser.close();

  report(`Browser (Chromium), ${LINES.toLocaleString('en')} lines`, [
    ['open from IndexedDB to interactive grid (from navigation start)', median(opens), 'ms', '≤ 1 000 ms'],
    ['one edit to updated total painted', median(edits.painted), 'ms', '≤ 100 ms'],
    ['one edit persisted (edit to its IndexedDB transaction done)', median(edits.persisted), 'ms', '≤ 20 ms'],
    ['  of which the IndexedDB transaction (one chunk: 100 lines)', median(edits.commits), 'ms'],
    ['worker round trip for one edit (send, recalc, transfer back)', median(edits.roundTrips), 'ms', '≤ 30 ms recalc'],
    ['projection method changed to projected total painted', median(projection), 'ms', '≤ 150 ms'],
    ['export the plan to .xlsx (click to file saved)', median(exports.map((e) => e.ms)), 'ms', '≤ 5 000 ms'],
    ['  longest frame while exporting', median(exports.map((e) => e.frame)), 'ms', '≤ 100 ms'],
    ['create a variant (copy 100 000 lines in IndexedDB, then open it)', median(scenarios.create), 'ms', '≤ 1 000 ms'],
    ['switch scenario (save, load 100 000 lines, roll-up ready)', median(scenarios.toBase), 'ms'],
    ['JS heap after GC', heap.usedSize / 2 ** 20, 'MiB'],
  ]);
});

// Browser: importing a generated 100 000-line plan (the app's own .xlsx and CSV exports of it) into
// an empty workbook through the import dialog, as a user drops the file: read in the import worker
// up to the mapping and preview shown, then the lines fetched in pages, committed as one change,
// painted and saved. The main thread's longest frame (and long tasks) are recorded during each.
import { inject, it } from 'vitest';
import { launchBrowser } from '../e2e/browser';
import { buildGeneratedWorkbook } from '../../src/domain/demo';
import { exportPlanXlsx } from '../../src/io/export-xlsx';
import { exportPlanCsv } from '../../src/io/export-csv';
import { median, report } from './stats';

const baseUrl = inject('baseUrl');
const LINES = 100_000;

interface Run {
  /** Drop → mapping and preview shown (the read in the worker, the summary back). */
  readMs: number;
  /** Import pressed → the dialog closed and the program total painted. */
  applyMs: number;
  /** … → the change in IndexedDB. */
  savedMs: number;
  /** Longest gap between frames and longest long task while reading, and while applying. */
  readFrame: number;
  readTask: number;
  applyFrame: number;
  applyTask: number;
  lines: number;
}

it('import 100 000 lines from .xlsx and CSV through the worker (Chromium)', async () => {
  const data = buildGeneratedWorkbook(LINES);
  const files: Record<string, Uint8Array> = {
    'plan.xlsx': await exportPlanXlsx(data),
    'plan.csv': exportPlanCsv(data, { unit: 'trieu', locale: 'vi', lang: 'vi', separator: ';' }),
  };
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  // The files come from the app's own origin, so the page reads them as it would a dropped file.
  await page.route('**/bench-import/*', (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop()!;
    return route.fulfill({ status: 200, body: Buffer.from(files[name]), contentType: 'application/octet-stream' });
  });
  await page.goto(baseUrl + '?debug');
  await page.waitForFunction(() => (globalThis as any).planbench?.app?.session?.rollup);

  const runOnce = async (name: string): Promise<Run> => {
    await page.evaluate(() => (globalThis as any).planbench.app.createEmpty('Nhập thử', 2024));
    await page.waitForFunction(() => (globalThis as any).planbench.app.session?.lines.length === 0 && (globalThis as any).planbench.app.session?.rollup);
    await page.getByRole('button', { name: 'Nhập từ tệp…' }).click();
    await page.getByTestId('import-drop').waitFor();
    return page.evaluate(async (fileName) => {
      const pb = (globalThis as any).planbench;
      const blob = await (await fetch(`/bench-import/${fileName}`)).blob();
      const file = new File([blob], fileName);
      const nextFrame = () => new Promise((r) => requestAnimationFrame(r));
      // The main thread's responsiveness: gaps between frames and long tasks, per phase.
      const watch = { frame: 0, task: 0, last: performance.now(), on: true };
      const tick = (now: number) => {
        if (!watch.on) return;
        watch.frame = Math.max(watch.frame, now - watch.last);
        watch.last = now;
        requestAnimationFrame(tick);
      };
      const tasks = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) watch.task = Math.max(watch.task, e.duration);
      });
      tasks.observe({ type: 'longtask' });
      const phase = () => {
        const r = { frame: watch.frame, task: watch.task };
        watch.frame = 0;
        watch.task = 0;
        return r;
      };
      const until = async (ok: () => boolean) => {
        while (!ok()) await nextFrame();
      };
      await nextFrame();
      watch.last = performance.now();
      requestAnimationFrame(tick);

      const t0 = performance.now();
      const dt = new DataTransfer();
      dt.items.add(file);
      document.querySelector('[data-testid="import-drop"]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      await until(() => !!document.querySelector('[data-testid="import-summary"]'));
      const readMs = performance.now() - t0;
      await nextFrame();
      const read = phase();

      const t1 = performance.now();
      (document.querySelector('[data-testid="import-apply"]') as HTMLButtonElement).click();
      const totalCell = () => document.querySelector('.ht_clone_bottom tbody tr td[aria-colindex="7"]')?.textContent ?? '';
      await until(() => !document.querySelector('[data-testid="import-dialog"][open]') && pb.app.session.lines.length > 0 && totalCell() !== '0' && totalCell() !== '');
      const applyMs = performance.now() - t1;
      await pb.flush();
      const savedMs = performance.now() - t1;
      await nextFrame();
      const apply = phase();
      watch.on = false;
      tasks.disconnect();
      return { readMs, applyMs, savedMs, readFrame: read.frame, readTask: read.task, applyFrame: apply.frame, applyTask: apply.task, lines: pb.app.session.lines.length };
    }, name);
  };

  const runs: Record<string, Run[]> = { 'plan.xlsx': [], 'plan.csv': [] };
  for (let i = 0; i < 3; i++) {
    for (const name of Object.keys(files)) {
      const r = await runOnce(name);
      if (r.lines !== LINES) throw new Error(`${name}: ${r.lines} lines imported`);
      runs[name].push(r);
    }
  }
  await browser.close();

  const rows: [string, number, string, string?][] = [];
  for (const [name, target, preview] of [
    ['plan.xlsx', 10_000, 3_000],
    ['plan.csv', 3_000, 1_500],
  ] as const) {
    const rs = runs[name];
    const m = (k: keyof Run) => median(rs.map((r) => r[k]));
    const size = (files[name].length / 2 ** 20).toFixed(1);
    rows.push(
      [`${name} (${size} MiB): drop → mapping and preview shown (read in the worker)`, m('readMs'), 'ms', `≤ ${preview.toLocaleString('en')} ms`],
      [`${name}: Import → lines committed and the total painted`, m('applyMs'), 'ms'],
      [`${name}: drop → lines in IndexedDB (read + apply + save)`, m('readMs') + m('savedMs'), 'ms', `≤ ${target.toLocaleString('en')} ms`],
      [`${name}: longest frame while reading`, m('readFrame'), 'ms', '≤ 100 ms'],
      [`${name}: longest long task while reading`, m('readTask'), 'ms'],
      [`${name}: longest frame while applying (commit, roll-up, save)`, m('applyFrame'), 'ms'],
      [`${name}: longest long task while applying`, m('applyTask'), 'ms'],
    );
  }
  report(`Import, ${LINES.toLocaleString('en')} lines, browser (Chromium), medians of 3`, rows);
});

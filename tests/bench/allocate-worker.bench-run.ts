// Browser: the same split through the worker, as the allocation view asks for it (the rule, with
// its recipients as objects, is structured-cloned into the worker).
import { inject, it } from 'vitest';
import { launchBrowser } from '../e2e/browser';
import { median, report } from './stats';

const baseUrl = inject('baseUrl');

it('allocation through the worker (Chromium)', async () => {
  const browser = await launchBrowser();
  const page = await browser.newPage();
  await page.goto(baseUrl + '?debug');
  await page.waitForFunction(() => (globalThis as any).planbench?.app?.session?.rollup);
  const rows: [string, number, string, string?][] = [];
  for (const n of [100_000, 1_000_000]) {
    const times = await page.evaluate(async (count) => {
      const pb = (globalThis as any).planbench;
      let seed = 7;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      const recipients = Array.from({ length: count }, (_, i) => ({
        id: `r${i}`,
        values: { a: Math.round(rnd() * 500), b: Math.round(rnd() * 300), c: Math.round(rnd() * 5000), d: rnd() * 100, e: rnd() < 0.3 ? 1 : 0 },
      }));
      const rule = {
        envelope: 1e13,
        unit: 1000,
        criteria: [{ key: 'a', weight: 0.4 }, { key: 'b', weight: 0.2 }, { key: 'c', weight: 0.2 }, { key: 'd', weight: 0.1 }, { key: 'e', weight: 0.1 }],
        reserved: [{ id: 'keep', percent: 5 }],
        floor: 1e13 / count / 4,
        cap: (1e13 / count) * 3,
        recipients,
      };
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const r = await pb.allocate(rule);
        if (!r?.ok) throw new Error('split failed');
        out.push(performance.now() - t);
      }
      return out;
    }, n);
    rows.push([`${n.toLocaleString('en')} recipients, round trip through the worker`, median(times), 'ms', n === 100_000 ? '≤ 25 ms' : '≤ 250 ms']);
  }
  await browser.close();
  report('Allocation through the worker (Chromium), 5 criteria, reserve, floors and caps', rows);
});

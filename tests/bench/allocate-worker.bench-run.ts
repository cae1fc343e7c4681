// Browser: the same split through the app's worker client, from a saved-rule record and places as
// the app holds them (objects with a values record each). Timed apart: building the columnar
// request from the places (requestFromRecord), the worker round trip as the client measures it
// (post, split, parts back as transferred columns), and the whole call to the part objects the
// preview receives. The worker keeps the ids and columns it was sent: the first call sends them,
// a call after the places changed sends the columns again; both are reported on their own. For
// comparison, the rule as recipient objects (ruleFromRecord), which the preview still sends.
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
    const t = await page.evaluate(async (count) => {
      const pb = (globalThis as any).planbench;
      let seed = 7;
      const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
      const places = Array.from({ length: count }, (_, i) => ({
        id: crypto.randomUUID(),
        workbookId: 'bench',
        parentId: null,
        code: String(i),
        name: `Xã ${i}`,
        kind: 'commune',
        values: { a: Math.round(rnd() * 500), b: Math.round(rnd() * 300), c: Math.round(rnd() * 5000), d: rnd() * 100, e: rnd() < 0.3 ? 1 : 0 },
        order: i,
      }));
      const envelope = 1e13;
      // One place in a thousand with a cap of its own, one in ten thousand left out.
      const overrides: Record<string, { cap?: number; eligible?: boolean }> = {};
      places.forEach((p, i) => {
        if (i % 1000 === 7) overrides[p.id] = { cap: (envelope / count) * 2 };
        else if (i % 10_000 === 3) overrides[p.id] = { eligible: false };
      });
      const rec = {
        id: 'bench-rule',
        workbookId: 'bench',
        scenarioId: 'bench',
        name: 'bench',
        nodeId: 'bench',
        source: 'central',
        capital: 'recurrent',
        year: 2026,
        envelope,
        unit: 1000,
        criteria: [
          { key: 'a', weight: 0.4 },
          { key: 'b', weight: 0.2 },
          { key: 'c', weight: 0.2 },
          { key: 'd', weight: 0.1 },
          { key: 'e', weight: 0.1 },
        ],
        reserved: [{ id: 'keep', label: 'keep', percent: 5 }],
        overrides,
        floor: envelope / count / 4,
        cap: (envelope / count) * 3,
        createdAt: 0,
        updatedAt: 0,
      };
      // Each call: build the request, then split it; `fresh` gives the places as a new array, as
      // after an edit of the places sheet (columns read again and sent again).
      const run = async (list: unknown[]) => {
        const t0 = performance.now();
        const req = pb.allocationRequest(rec, list);
        const t1 = performance.now();
        const r = await pb.allocate(req);
        const t2 = performance.now();
        if (!r?.ok) throw new Error('split failed: ' + JSON.stringify(r?.error));
        return { build: t1 - t0, roundTrip: pb.recalcRoundTripMs(), total: t2 - t1 };
      };
      const first = await run(places);
      const again = [];
      for (let i = 0; i < 7; i++) again.push(await run(places));
      const fresh = [];
      for (let i = 0; i < 5; i++) fresh.push(await run(places.slice()));
      const viaObjects: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const r = await pb.allocate(pb.allocationRule(rec, places));
        if (!r?.ok) throw new Error('split failed');
        viaObjects.push(performance.now() - t0);
      }
      return { first, again, fresh, viaObjects };
    }, n);
    const size = n.toLocaleString('en');
    const target = n === 100_000 ? '≤ 25 ms' : '≤ 250 ms';
    const m = (runs: { build: number; roundTrip: number; total: number }[], f: (r: (typeof runs)[number]) => number) => median(runs.map(f));
    rows.push(
      [`${size} places, same places: request built (settings only, columns kept)`, m(t.again, (r) => r.build), 'ms'],
      [`${size} places, same places: worker round trip (post, split, parts back as columns)`, m(t.again, (r) => r.roundTrip), 'ms', target],
      [`${size} places, same places: request built + round trip`, m(t.again, (r) => r.build + r.roundTrip), 'ms', target],
      [`${size} places, same places: call to part objects (what the preview receives)`, m(t.again, (r) => r.total), 'ms'],
      [`${size} places, places changed: request built (columns read)`, m(t.fresh, (r) => r.build), 'ms'],
      [`${size} places, places changed: round trip (columns sent again)`, m(t.fresh, (r) => r.roundTrip), 'ms'],
      [`${size} places, places changed: request built + round trip`, m(t.fresh, (r) => r.build + r.roundTrip), 'ms', target],
      [`${size} places, first call: request built + round trip (ids sent too)`, t.first.build + t.first.roundTrip, 'ms'],
      [`${size} places: the rule as recipient objects (ruleFromRecord), to part objects`, median(t.viaObjects), 'ms'],
    );
  }
  await browser.close();
  report('Allocation through the worker (Chromium), 5 criteria, reserve, floors and caps', rows);
});

// Browser, shared mode (issue 17): the server in this process (PGlite in memory) serving the built
// app at 127.0.0.1, a generated 100 000-line workbook uploaded to it as the browser uploads one (the
// same operations, 2 000 lines each), then opened from the server in fresh browser profiles
// (AppState.openFromServer: the snapshot in chunks, the operations after it, stored in IndexedDB,
// the grid and its total painted); then two of those browsers on the workbook, an edit typed in one,
// timed until the other's total shows it.
import { afterAll, beforeAll, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/browser';
import type { Db } from '../../server/db';
import { buildGeneratedWorkbook } from '../../src/domain/demo';
import { uploadOperations } from '../../src/domain/sync';
import type { ScenarioWithLines } from '../../src/domain/workbook-archive';
import { buildApp } from '../../server/app';
import { migrate } from '../../server/migrate';
import { DATABASES, PASSWORD, seedProvince, TEST_AUTH, unique } from '../server/harness';
import { median, report } from './stats';

const LINES = 100_000;
const OPENS = Number(process.env.PLANBENCH_SHARED_OPENS ?? 3);
const EDITS = 15;

let db: Db;
let server: FastifyInstance;
let browser: Browser;
let origin: string;
let users: string[];
let workbookId: string;
let uploadMs: number;
const snapshotMs: number[] = [];
const pushes: { at: number; done: number }[] = [];
const wall = () => performance.timeOrigin + performance.now();

beforeAll(async () => {
  db = await DATABASES[0].open();
  await migrate(db);
  server = await buildApp({ db, auth: TEST_AUTH, staticDir: process.env.DIST_DIR ?? 'dist' });
  // The server's own time: each snapshot chunk, and when each push arrived and was answered (wall clock).
  server.addHook('onRequest', async (req) => {
    if (req.method === 'POST' && req.url.endsWith('/ops')) pushes.push({ at: wall(), done: NaN });
  });
  server.addHook('onResponse', async (req, reply) => {
    if (req.url.includes('/snapshot')) snapshotMs.push(reply.elapsedTime);
    const open = pushes.filter((p) => Number.isNaN(p.done));
    if (req.method === 'POST' && req.url.endsWith('/ops') && open.length) open[open.length - 1].done = wall();
  });
  await server.ready();
  const people = await seedProvince(server, db);
  users = [people.editorA.me.username, unique('editor')];
  await people.admin.send('/api/admin/users', { orgId: people.districtA, username: users[1], displayName: 'Chị Lan', role: 'editor', password: PASSWORD });
  // The upload the browser makes when it shares a workbook ("Chia sẻ lên máy chủ…"), one push per operation.
  const data = buildGeneratedWorkbook(LINES);
  const scenarios = data.scenarios.map((s): ScenarioWithLines => ({ ...s, lines: s.id === data.workbook.baselineScenarioId ? data.lines : [] }));
  const archive = { workbook: data.workbook, nodes: data.nodes, places: data.places ?? [], rules: data.rules ?? [], scenarios };
  workbookId = data.workbook.id;
  await people.editorA.send('/api/workbooks', { id: workbookId, name: data.workbook.name, year: data.workbook.year });
  const t = performance.now();
  for (const op of uploadOperations(archive, randomUUID)) await people.editorA.send(`/api/workbooks/${workbookId}/ops`, { ops: [op] });
  uploadMs = performance.now() - t;
  await server.listen({ host: '127.0.0.1', port: 0 });
  origin = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await db?.close();
});

/** The text of the total row's plan cell ('' while the grid is not up). */
function totalPlan(page: Page): Promise<string> {
  return page.evaluate(() => document.querySelector('.ht_clone_bottom tbody tr td[aria-colindex="7"]')?.textContent ?? '');
}

/** A fresh browser profile, logged in to the server, that opens the shared workbook: the open's timings. */
async function openInNewBrowser(user: string) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${origin}/?debug`);
  await page.waitForFunction(() => (globalThis as any).planbench?.app?.session?.rollup);
  const timing = await page.evaluate(
    async ({ origin, user, password, workbookId }) => {
      const app = (globalThis as any).planbench.app;
      const logged = await app.logIn(origin, user, password);
      if (!logged.ok) throw new Error(JSON.stringify(logged.error));
      const api = app.server(origin);
      const list = await api.workbooks();
      const wb = list.value.workbooks.find((w: { id: string }) => w.id === workbookId);
      const progress: [number, number][] = [];
      const t0 = performance.now();
      const r = await app.openFromServer(api, wb, (n: number) => progress.push([performance.now() - t0, n]));
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      const opened = performance.now() - t0;
      const cell = () => document.querySelector('.ht_clone_bottom tbody tr td[aria-colindex="7"]')?.textContent ?? '';
      const frame = () => new Promise((res) => requestAnimationFrame(() => res(null)));
      while (!(app.session?.workbook.id === workbookId && app.session?.rollup && app.session.lines.length >= 100_000 && cell() && cell() !== '…')) await frame();
      await frame();
      return {
        opened,
        painted: performance.now() - t0,
        firstChunk: progress[0]?.[0] ?? NaN,
        snapshot: progress[progress.length - 1]?.[0] ?? NaN,
        records: progress[progress.length - 1]?.[1] ?? 0,
      };
    },
    { origin, user, password: PASSWORD, workbookId },
  );
  return { context, page, timing };
}

it('a 100 000-line shared workbook opened from the server, and an edit seen in another browser (Chromium)', async () => {
  const opens = [];
  const pages: Page[] = [];
  for (let i = 0; i < OPENS; i++) {
    const o = await openInNewBrowser(users[i % 2]);
    opens.push(o.timing);
    if (i < 2) pages.push(o.page);
    else await o.context.close();
  }
  const [a, b] = pages;
  // Both follow the live stream; an edit typed in A is timed (wall clock, shared by the two pages) until B's total paints it.
  const seen: number[] = [];
  const arrived: number[] = [];
  const answered: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    pushes.length = 0;
    const before = await totalPlan(b);
    const watch = b.evaluate(async (before) => {
      const cell = () => document.querySelector('.ht_clone_bottom tbody tr td[aria-colindex="7"]')?.textContent ?? '';
      const deadline = performance.now() + 10_000;
      while (cell() === before && performance.now() < deadline) await new Promise((res) => requestAnimationFrame(() => res(null)));
      return performance.timeOrigin + performance.now();
    }, before);
    const t0 = await a.evaluate((i) => {
      const pb = (globalThis as any).planbench;
      const session = pb.app.session;
      let row = 0;
      while (session.rows[row] < 0) row++;
      const t = performance.timeOrigin + performance.now();
      pb.hot().setDataAtCell(row, 6, String(2000 + i));
      return t;
    }, i);
    seen.push((await watch) - t0);
    if (pushes.length) {
      arrived.push(pushes[0].at - t0);
      answered.push(pushes[0].done - t0);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  report(`shared workbook in Chromium, ${LINES.toLocaleString('en')} lines, server on PGlite in this process`, [
    ['upload of the workbook (50 pushes of 2 000 lines, through the API, no network)', uploadMs, 'ms', ''],
    [`opened from the server in a new browser, to the grid and total painted (${OPENS} profiles)`, median(opens.map((o) => o.painted)), 'ms', '≤ 3 000 ms'],
    ['… each', opens.map((o) => o.painted.toFixed(0)).join(' / '), 'ms', ''],
    ['… first chunk of the snapshot received', median(opens.map((o) => o.firstChunk)), 'ms', ''],
    ['… whole snapshot received (records)', `${median(opens.map((o) => o.snapshot)).toFixed(0)} (${opens[0].records})`, 'ms', ''],
    ['… openFromServer resolved (stored in IndexedDB, session opened)', median(opens.map((o) => o.opened)), 'ms', ''],
    [
      '… the server’s time per snapshot chunk (2 000 records), median / sum over the opens',
      `${median(snapshotMs).toFixed(0)} / ${snapshotMs.reduce((x, y) => x + y, 0).toFixed(0)}`,
      'ms',
      '',
    ],
    [`one edit typed in one browser → the other’s total painted (${EDITS} edits)`, median(seen), 'ms', '≤ 300 ms'],
    ['… edit typed → its push reaching the server / answered', `${median(arrived).toFixed(0)} / ${median(answered).toFixed(0)} (${arrived.length} pushes)`, 'ms', ''],
    ['… slowest', Math.max(...seen), 'ms', ''],
  ]);
});

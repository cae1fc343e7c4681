// Browser, shared mode (issue 17): the server in this process (PGlite in memory) serving the built
// app at 127.0.0.1, a generated 100 000-line workbook uploaded to it as the browser uploads one (the
// same operations, 2 000 lines each), then opened from the server in fresh browser profiles
// (AppState.openFromServer: the snapshot in chunks, each chunk's lines stored while the next is
// fetched, the operations after it, the rest stored while the session is built, the grid and its
// total painted); then two of those browsers on the workbook, an edit typed in one,
// timed until the other's total shows it; the same on a 1 000-line workbook, to tell the size's share.
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
import { DATABASES, PASSWORD, seedProvince, TEST_AUTH, unique, type Agent } from '../server/harness';
import { median, report } from './stats';

const LINES = 100_000;
const SMALL = 1_000;
const OPENS = Number(process.env.PLANBENCH_SHARED_OPENS ?? 3);
const EDITS = Number(process.env.PLANBENCH_SHARED_EDITS ?? 15);

let db: Db;
let server: FastifyInstance;
let browser: Browser;
let origin: string;
let users: string[];
let workbookId: string;
let uploadMs: number;
let smallId: string;
const snapshotMs: number[] = [];
const pushes: { at: number; done: number }[] = [];
const wall = () => performance.timeOrigin + performance.now();

/** Uploads a generated workbook of n lines as the browser does when it shares one ("Chia sẻ lên máy chủ…"): the same operations, one push each. */
async function upload(editor: Agent, n: number): Promise<string> {
  const data = buildGeneratedWorkbook(n);
  const scenarios = data.scenarios.map((s): ScenarioWithLines => ({ ...s, lines: s.id === data.workbook.baselineScenarioId ? data.lines : [] }));
  const archive = { workbook: data.workbook, nodes: data.nodes, places: data.places ?? [], rules: data.rules ?? [], scenarios };
  await editor.send('/api/workbooks', { id: data.workbook.id, name: data.workbook.name, year: data.workbook.year });
  for (const op of uploadOperations(archive, randomUUID)) await editor.send(`/api/workbooks/${data.workbook.id}/ops`, { ops: [op] });
  return data.workbook.id;
}

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
  const t = performance.now();
  workbookId = await upload(people.editorA, LINES);
  uploadMs = performance.now() - t;
  smallId = await upload(people.editorA, SMALL);
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

/** A fresh browser profile on the app, logged in to the server. */
async function newBrowser(user: string) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${origin}/?debug`);
  await page.waitForFunction(() => (globalThis as any).planbench?.app?.session?.rollup);
  await page.evaluate(
    async ({ origin, user, password }) => {
      const logged = await (globalThis as any).planbench.app.logIn(origin, user, password);
      if (!logged.ok) throw new Error(JSON.stringify(logged.error));
    },
    { origin, user, password: PASSWORD },
  );
  return { context, page };
}

/** Opens a workbook of the server in the page (as "Mở từ máy chủ" does) until its grid and total are painted: the timings. */
function openFromServer(page: Page, id: string, lines: number) {
  return page.evaluate(
    async ({ origin, id, lines }) => {
      const app = (globalThis as any).planbench.app;
      const api = app.server(origin);
      const list = await api.workbooks();
      const wb = list.value.workbooks.find((w: { id: string }) => w.id === id);
      const progress: [number, number][] = [];
      const phases: Record<string, number> = {};
      const t0 = performance.now();
      const r = await app.openFromServer(api, wb, (n: number, phase = 'fetch') => {
        phases[phase] ??= performance.now() - t0;
        if (phase === 'fetch') progress.push([performance.now() - t0, n]);
      });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      const opened = performance.now() - t0;
      const cell = () => document.querySelector('.ht_clone_bottom tbody tr td[aria-colindex="7"]')?.textContent ?? '';
      const frame = () => new Promise((res) => requestAnimationFrame(() => res(null)));
      while (!(app.session?.workbook.id === id && app.session?.rollup && app.session.lines.length >= lines && cell() && cell() !== '…')) await frame();
      await frame();
      return {
        opened,
        painted: performance.now() - t0,
        firstChunk: progress[0]?.[0] ?? NaN,
        snapshot: progress[progress.length - 1]?.[0] ?? NaN,
        records: progress[progress.length - 1]?.[1] ?? 0,
        read: phases.store ?? NaN,
        stored: phases.open ?? NaN,
      };
    },
    { origin, id, lines },
  );
}

/**
 * Edits typed in A (a plan cell, through the grid's own path), each timed on the wall clock the two
 * pages share until B's total shows it (given up after 10 s: null), and when its push reached the server.
 */
async function editsSeen(a: Page, b: Page, count: number) {
  const seen: (number | null)[] = [];
  const arrived: number[] = [];
  for (let i = 0; i < count; i++) {
    pushes.length = 0;
    const before = await totalPlan(b);
    const watch = b.evaluate(async (before) => {
      const cell = () => document.querySelector('.ht_clone_bottom tbody tr td[aria-colindex="7"]')?.textContent ?? '';
      const deadline = performance.now() + 10_000;
      while (cell() === before) {
        if (performance.now() > deadline) return null;
        await new Promise((res) => requestAnimationFrame(() => res(null)));
      }
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
    const at = await watch;
    seen.push(at === null ? null : at - t0);
    if (pushes.length) arrived.push(pushes[0].at - t0);
    await new Promise((r) => setTimeout(r, 300));
  }
  const got = seen.filter((x): x is number => x !== null);
  return { median: median(got), slowest: Math.max(...got), seen: got.length, count, arrived: median(arrived), pushes: arrived.length };
}

it('a 100 000-line shared workbook opened from the server, and an edit seen in another browser (Chromium)', async () => {
  const opens = [];
  const browsers = [];
  for (let i = 0; i < OPENS; i++) {
    const o = await newBrowser(users[i % 2]);
    opens.push(await openFromServer(o.page, workbookId, LINES));
    if (i < 2) browsers.push(o);
    else await o.context.close();
  }
  const [a, b] = browsers.map((o) => o.page);
  const large = await editsSeen(a, b, EDITS);
  // The same on a small workbook, in the same two browsers: what the size of the workbook costs.
  for (const page of [a, b]) await openFromServer(page, smallId, SMALL);
  const small = await editsSeen(a, b, EDITS);
  report(`shared workbook in Chromium, ${LINES.toLocaleString('en')} lines, server on PGlite in this process`, [
    ['upload of the workbook (50 pushes of 2 000 lines, through the API, no network)', uploadMs, 'ms', ''],
    [`opened from the server in a new browser, to the grid and total painted (${OPENS} profiles)`, median(opens.map((o) => o.painted)), 'ms', '≤ 3 000 ms'],
    ['… each', opens.map((o) => o.painted.toFixed(0)).join(' / '), 'ms', ''],
    ['… first chunk of the snapshot received', median(opens.map((o) => o.firstChunk)), 'ms', ''],
    ['… whole snapshot received (records)', `${median(opens.map((o) => o.snapshot)).toFixed(0)} (${opens[0].records})`, 'ms', ''],
    ['… operations after the snapshot pulled (the lines stored as they came)', median(opens.map((o) => o.read)), 'ms', ''],
    ['… the rest stored (the session built meanwhile)', median(opens.map((o) => o.stored)), 'ms', ''],
    ['… openFromServer resolved (stored in IndexedDB, session opened)', median(opens.map((o) => o.opened)), 'ms', ''],
    [
      '… the server’s time per snapshot chunk (5 000 records), median / sum over the opens',
      `${median(snapshotMs).toFixed(0)} / ${snapshotMs.reduce((x, y) => x + y, 0).toFixed(0)}`,
      'ms',
      '',
    ],
    [
      `one edit typed in one browser → the other’s total painted, ${LINES.toLocaleString('en')} lines (seen within 10 s)`,
      `${large.median.toFixed(0)} (${large.seen} of ${large.count})`,
      'ms',
      '≤ 300 ms',
    ],
    ['… slowest seen; edit typed → its push reaching the server', `${large.slowest.toFixed(0)}; ${large.arrived.toFixed(0)} (${large.pushes} pushes)`, 'ms', ''],
    [`the same, ${SMALL.toLocaleString('en')} lines (seen within 10 s)`, `${small.median.toFixed(0)} (${small.seen} of ${small.count})`, 'ms', '≤ 300 ms'],
    ['… slowest seen; edit typed → its push reaching the server', `${small.slowest.toFixed(0)}; ${small.arrived.toFixed(0)} (${small.pushes} pushes)`, 'ms', ''],
  ]);
});

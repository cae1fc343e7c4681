// PostgreSQL going away under a running server (a `planbench serve` process on PostgreSQL), which is
// not restarted itself: first every connection of the server cut at once (pg_terminate_backend from
// another connection, which is what a restart looks like to the server's pool), then the cluster
// really stopped and started again (PLANBENCH_TEST_PG_CTL, from scripts/postgres.sh). A browser
// edits throughout: while the database is down its pushes fail with a sentence saying so, its
// edits stay queued and counted; once it is back the browser's own retries send them, each stored
// once, and a second browser, following live, ends with the same plan. Runs only on PostgreSQL.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { AppState } from '../../src/state/app.svelte';
import { describeProblem } from '../../src/domain/messages';
import { PASSWORD } from '../server/harness';
import { browserFetch } from './server-browser';
import { adminQuery, useServerProcess, wholeLog } from './server-process';

const ctx = { unit: 'trieu', locale: 'vi' } as const;
const TR = 1_000_000;
const PG_CTL = process.env.PLANBENCH_TEST_PG_CTL;
let seq = 0;

describe.skipIf(!process.env.PLANBENCH_TEST_PG_URL)('PostgreSQL restarted under a running server', () => {
  const env = useServerProcess('PostgreSQL');
  const apps = env.apps;
  let pushes = 0;

  async function browser() {
    const { fetchFn, net } = browserFetch();
    const counted = (url: string, init: RequestInit = {}) => {
      if (init.method === 'POST' && /\/ops$/.test(url)) pushes++;
      return fetchFn(url, init);
    };
    const app = new AppState(`pg-restart-${Date.now()}-${seq++}`, counted);
    app.syncTuning = { retryMs: [50, 100, 200, 400] };
    apps.push(app);
    await app.start();
    const login = await app.logIn(env.server.origin, env.editor, PASSWORD);
    if (!login.ok) throw new Error(login.error.code);
    return { app, net };
  }

  /** A sharing its workbook, B opening it from the server; both synced. */
  async function twoBrowsers() {
    const a = await browser();
    expect((await a.app.shareOpen(a.app.server(env.server.origin))).ok).toBe(true);
    await a.app.shared!.idle();
    const b = await browser();
    const wb = await b.app.server(env.server.origin).workbook(a.app.session!.workbook.id);
    if (!wb.ok) throw new Error(wb.error.code);
    expect((await b.app.openFromServer(b.app.server(env.server.origin), wb.value.workbook)).ok).toBe(true);
    await b.app.shared!.idle();
    expect([a.app.shared!.phase, b.app.shared!.phase]).toEqual(['synced', 'synced']);
    return { a: a.app, b: b.app };
  }

  /** Types `count` plans into A's lines, one edit each; the line ids and values typed last. */
  async function edit(a: AppState, count: number, from: number) {
    const lines = a.session!.lines.filter((l) => a.session!.tree.nodes.some((n) => n.id === l.nodeId));
    const typed = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const line = lines[(from + i) % lines.length];
      a.session!.setCells([{ target: { kind: 'line', id: line.id }, field: 'plan', raw: String(from + i) }], ctx);
      typed.set(line.id, (from + i) * TR);
    }
    await a.session!.flush();
    return typed;
  }

  /** A synced with nothing waiting, every one of its operations once in the server's log, B holding the same plan. */
  async function expectConverged(a: AppState, b: AppState, typed: Map<string, number>, logBefore: number, made: number) {
    await expect.poll(() => a.shared!.phase === 'synced' && a.shared!.pending === 0, { timeout: 60_000, interval: 100 }).toBe(true);
    const log = await wholeLog(a.server(env.server.origin), a.session!.workbook.id);
    expect(log.length - logBefore).toBe(made);
    expect(new Set(log.map((o) => o.opId)).size).toBe(log.length);
    for (const [id, plan] of typed) expect(a.session!.lines.find((l) => l.id === id)?.plan).toBe(plan);
    const plans = (app: AppState) => app.session!.lines.map((l) => [l.id, l.plan]);
    await expect.poll(() => plans(b), { timeout: 60_000, interval: 100 }).toEqual(plans(a));
    expect(b.session!.rollup!.plan).toEqual(a.session!.rollup!.plan);
  }

  it('every connection of the server cut: the next edits land once, without restarting the server, and the other browser follows', async () => {
    const { a, b } = await twoBrowsers();
    const before = (await wholeLog(a.server(env.server.origin), a.session!.workbook.id)).length;
    const cut = await adminQuery('select pg_terminate_backend(pid) as done from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [env.server.database]);
    expect(cut.length).toBeGreaterThan(0);
    const typed = await edit(a, 20, 3000);
    await expectConverged(a, b, typed, before, 20);
  }, 120_000);

  it.skipIf(!PG_CTL)(
    'the cluster stopped, edits made, the cluster started: they wait with a sentence, then land once by themselves',
    async () => {
      const { a, b } = await twoBrowsers();
      const before = (await wholeLog(a.server(env.server.origin), a.session!.workbook.id)).length;
      let started = false;
      try {
        await ctl('stop');
        const tried = pushes;
        const typed = await edit(a, 20, 5000);
        // Several rounds fail while the database is down: the edits stay queued, and the browser says why.
        await expect.poll(() => pushes - tried, { timeout: 60_000, interval: 50 }).toBeGreaterThan(3);
        await expect.poll(() => [a.shared!.phase, a.shared!.pending]).toEqual(['unavailable', 20]);
        expect(a.shared!.problem?.code).toBe('sync.server-down');
        expect(describeProblem(a.shared!.problem!, 'en')).toMatch(/database/);
        expect(describeProblem(a.shared!.problem!, 'vi')).toMatch(/cơ sở dữ liệu/);
        await ctl('start');
        started = true;
        await expectConverged(a, b, typed, before, 20);
      } finally {
        if (!started) await ctl('start');
      }
    },
    180_000,
  );
});

async function ctl(what: 'stop' | 'start'): Promise<void> {
  const { execFileSync } = await import('node:child_process');
  execFileSync('bash', [PG_CTL!, what], { stdio: 'inherit', timeout: 60_000 });
}

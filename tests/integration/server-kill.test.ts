// The server process killed (SIGKILL) while a browser pushes 200 operations, three times: once just
// after it stored a push whose answer never reached the browser, once with a push in flight, once
// more after an answer; each time started again on the same data. The browser (an AppState with
// its IndexedDB outbox) keeps trying by itself and ends with every operation stored once, in the
// order made, in the server's log and its records, and its outbox empty; a second browser opened
// from the server's snapshot holds the same plan. On PGlite in a data folder, and on PostgreSQL
// when PLANBENCH_TEST_PG_URL names a cluster.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { AppState } from '../../src/state/app.svelte';
import { openDatabase } from '../../src/db/database';
import { readOutbox } from '../../src/db/sync-repo';
import { PASSWORD } from '../server/harness';
import { browserFetch } from './server-browser';
import { ENGINES, useServerProcess, wholeLog } from './server-process';

const ctx = { unit: 'trieu', locale: 'vi' } as const;
const TR = 1_000_000;
const EDITS = 200;
let seq = 0;

describe.each(ENGINES)('the server killed mid-push, on %s', (engine) => {
  const env = useServerProcess(engine);
  const apps = env.apps;

  /** A browser of the editor: `fetchFn` is what the app calls, through `hook` when one is set. */
  async function browser(hook?: (url: string, init: RequestInit, pass: typeof fetch) => Promise<Response>) {
    const { fetchFn, net } = browserFetch();
    const dbName = `kill-${Date.now()}-${seq++}`;
    const through = (url: string, init: RequestInit = {}) => (hook ? hook(url, init, fetchFn as typeof fetch) : fetchFn(url, init));
    const app = new AppState(dbName, through);
    app.syncTuning = { batch: 10, retryMs: [50, 100, 200, 400] };
    apps.push(app);
    await app.start();
    const login = await app.logIn(env.server.origin, env.editor, PASSWORD);
    if (!login.ok) throw new Error(login.error.code);
    return { app, net, dbName };
  }

  it(`keeps pushing through three kills and restarts: ${EDITS} edits stored once each, in order, the outbox empty, a second browser the same`, async () => {
    // Kills at these pushes: after the server stored the push and answered (the answer is lost), or with the push in flight.
    const plan = new Map<number, 'answered' | 'in-flight'>([
      [3, 'answered'],
      [9, 'in-flight'],
      [15, 'answered'],
    ]);
    let armed = false;
    let pushes = 0;
    let restarting: Promise<void> | null = null;
    const restart = () => (restarting = env.server.kill().then(() => env.server.start()));
    const a = await browser(async (url, init, pass) => {
      const push = armed && init.method === 'POST' && /\/ops$/.test(url) ? plan.get(++pushes) : undefined;
      if (!push) return pass(url, init);
      // One kill at a time: a push retried quickly may reach the next planned kill while the server still starts.
      await restarting;
      if (push === 'in-flight') {
        const answer = pass(url, init);
        setImmediate(() => void restart());
        return answer;
      }
      await pass(url, init);
      await restart();
      throw new TypeError('fetch failed');
    });
    expect((await a.app.shareOpen(a.app.server(env.server.origin))).ok).toBe(true);
    await a.app.shared!.idle();
    expect(a.app.shared!.phase).toBe('synced');
    const workbookId = a.app.session!.workbook.id;
    const api = a.app.server(env.server.origin);
    const before = (await wholeLog(api, workbookId)).length;

    // The edits are made with the network off, so that they go out as a run of pushes of 10.
    a.net.offline = true;
    const lines = a.app.session!.lines.filter((l) => a.app.session!.tree.nodes.some((n) => n.id === l.nodeId));
    const expected = new Map<string, number>();
    for (let i = 0; i < EDITS; i++) {
      const line = lines[i % lines.length];
      a.app.session!.setCells([{ target: { kind: 'line', id: line.id }, field: 'plan', raw: String(1000 + i) }], ctx);
      expected.set(line.id, (1000 + i) * TR);
    }
    await a.app.session!.flush();
    const own = openDatabase(a.dbName);
    const queued = (await readOutbox(own, workbookId)).map((w) => w.op.opId);
    expect(queued).toHaveLength(EDITS);

    armed = true;
    a.net.offline = false;
    a.app.shared!.kick();
    await expect.poll(() => a.app.shared!.phase === 'synced' && a.app.shared!.pending === 0 && pushes > 15, { timeout: 150_000, interval: 100 }).toBe(true);
    await restarting;
    expect(env.server.starts).toBe(4);
    expect(await readOutbox(own, workbookId)).toEqual([]);
    own.close();

    // The server's log: every operation made once, in the order made, nothing else.
    const log = await wholeLog(api, workbookId);
    expect(log.length - before).toBe(EDITS);
    expect(log.slice(before).map((o) => o.opId)).toEqual(queued);
    expect(new Set(log.map((o) => o.seq)).size).toBe(log.length);
    // Its records: each line's plan as last typed.
    const snapshot = await api.snapshot(workbookId, null, 10_000);
    if (!snapshot.ok) throw new Error(snapshot.error.code);
    const plans = new Map(snapshot.value.records.filter((r) => r.kind === 'line').map((r) => [r.id, (r.data as { plan: number }).plan]));
    for (const [id, plan] of expected) expect(plans.get(id)).toBe(plan);
    for (const [id, plan] of expected) expect(a.app.session!.lines.find((l) => l.id === id)?.plan).toBe(plan);

    // A second browser opened from the server holds the same plan, to the đồng.
    const b = await browser();
    const wb = await b.app.server(env.server.origin).workbook(workbookId);
    if (!wb.ok) throw new Error(wb.error.code);
    expect((await b.app.openFromServer(b.app.server(env.server.origin), wb.value.workbook)).ok).toBe(true);
    await b.app.shared!.idle();
    const byId = (app: AppState) => app.session!.lines.map((l) => [l.id, l.plan, l.disbursed]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    expect(byId(b.app)).toEqual(byId(a.app));
    expect(b.app.session!.rollup!.plan).toEqual(a.app.session!.rollup!.plan);
  }, 240_000);
});

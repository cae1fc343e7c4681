// A browser offline for long with 500 edits queued, and the laptop closed: the edits are made with
// the network off, the app closed (its sync stopped) and opened again on the same IndexedDB, while
// another person edits the same workbook and the server's log moves on. Back online, the browser's
// own retries send all 500, once each and in the order made; the same-field collisions are recorded
// as conflicts on both sides; both browsers hold the same plan to the đồng, and the count of
// changes waiting is 500 before and 0 after. The retry pauses stop growing at their cap: through an
// hour without the server (fake clock), a round is tried at least every cap, and the first after
// the server comes back within it.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppState } from '../../src/state/app.svelte';
import { SharedSync } from '../../src/state/shared-sync.svelte';
import { openDatabase } from '../../src/db/database';
import { readOutbox } from '../../src/db/sync-repo';
import { fail, ok } from '../../src/domain/model';
import type { ServerApi, ServerUser } from '../../src/net/server-api';
import { t } from '../../src/ui/i18n';
import { PASSWORD } from '../server/harness';
import { browserFetch, useDistrictServer } from './server-browser';
import { wholeLog } from './server-process';

const ctx = { unit: 'trieu', locale: 'vi' } as const;
const TR = 1_000_000;
const EDITS = 500;
const FAST = { retryMs: [50, 100, 200, 400] };
let seq = 0;

describe('offline for long, 500 edits queued, the app closed meanwhile', () => {
  const env = useDistrictServer();
  const apps = env.apps;

  async function browser(user: string) {
    const { fetchFn, net } = browserFetch();
    const dbName = `long-${Date.now()}-${seq++}`;
    const app = new AppState(dbName, fetchFn);
    app.syncTuning = FAST;
    apps.push(app);
    await app.start();
    const login = await app.logIn(env.origin, user, PASSWORD);
    if (!login.ok) throw new Error(login.error.code);
    return { app, net, dbName, fetchFn };
  }

  const budgetLines = (app: AppState) => app.session!.lines.filter((l) => app.session!.tree.nodes.some((n) => n.id === l.nodeId));
  const plans = (app: AppState) => app.session!.lines.map((l) => [l.id, l.plan, l.disbursed]);

  it('sends all 500 once, in order, after a reload; the collisions are conflicts on both sides; both hold the same plan', async () => {
    const a = await browser(env.users[0]);
    expect((await a.app.shareOpen(a.app.server(env.origin))).ok).toBe(true);
    await a.app.shared!.idle();
    const b = await browser(env.users[1]);
    const wb = await b.app.server(env.origin).workbook(a.app.session!.workbook.id);
    if (!wb.ok) throw new Error(wb.error.code);
    expect((await b.app.openFromServer(b.app.server(env.origin), wb.value.workbook)).ok).toBe(true);
    await b.app.shared!.idle();
    const workbookId = a.app.session!.workbook.id;
    // The server's log, as B reads it (A is offline for most of this).
    const api = b.app.server(env.origin);
    const before = (await wholeLog(api, workbookId)).length;

    // A, offline: 500 plans typed over its lines; the last typed on each line and the first (what a conflict shows).
    a.net.offline = true;
    const lines = budgetLines(a.app);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const last = new Map<string, number>();
    const first = new Map<string, number>();
    for (let i = 0; i < EDITS; i++) {
      const line = lines[i % lines.length];
      a.app.session!.setCells([{ target: { kind: 'line', id: line.id }, field: 'plan', raw: String(7000 + i) }], ctx);
      last.set(line.id, (7000 + i) * TR);
      if (!first.has(line.id)) first.set(line.id, (7000 + i) * TR);
    }
    await a.app.session!.flush();
    await expect.poll(() => [a.app.shared!.phase, a.app.shared!.pending]).toEqual(['offline', EDITS]);
    const made = openDatabase(a.dbName);
    const queued = (await readOutbox(made, workbookId)).map((w) => w.op.opId);
    made.close();
    expect(queued).toHaveLength(EDITS);

    // The laptop is closed: A's app stops. Meanwhile B, online, types plans on half of the lines and amounts paid on the others.
    a.app.shared!.stop();
    const half = Math.floor(lines.length / 2);
    const theirs = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const line = lines[i % lines.length];
      const field = i % lines.length < half ? 'plan' : 'disbursed';
      b.app.session!.setCells([{ target: { kind: 'line', id: line.id }, field, raw: String(100 + i) }], ctx);
      if (field === 'plan') theirs.set(line.id, (100 + i) * TR);
    }
    await b.app.session!.flush();
    await expect.poll(() => [b.app.shared!.phase, b.app.shared!.pending], { timeout: 30_000 }).toEqual(['synced', 0]);
    expect((await wholeLog(api, workbookId)).length).toBe(before + 40);

    // Opened again, still offline: the 500 edits are there and counted.
    const reopened = new AppState(a.dbName, a.fetchFn);
    reopened.syncTuning = FAST;
    apps.push(reopened);
    await reopened.start();
    expect(reopened.session!.workbook.id).toBe(workbookId);
    for (const [id, plan] of last) expect(reopened.session!.lines.find((l) => l.id === id)?.plan).toBe(plan);
    await expect.poll(() => [reopened.shared?.phase, reopened.shared?.pending]).toEqual(['offline', EDITS]);
    expect(t('vi', 'syncOfflinePending', { count: reopened.shared!.pending })).toBe('Ngoại tuyến · 500 thay đổi chờ gửi');

    // Back online: its own retries send everything, without being asked.
    a.net.offline = false;
    await expect.poll(() => [reopened.shared!.phase, reopened.shared!.pending], { timeout: 120_000, interval: 100 }).toEqual(['synced', 0]);
    const log = await wholeLog(api, workbookId);
    expect(log.length).toBe(before + 40 + EDITS);
    expect(log.slice(before + 40).map((o) => o.opId)).toEqual(queued);

    // One conflict per line both typed a plan on: B's value kept aside, A's first shown; both browsers list them.
    const expected = [...theirs].map(([id, kept]) => ({ recordId: id, path: ['plan'], kept, shown: first.get(id) }));
    const listed = (app: AppState) =>
      app.shared!.openConflicts.map((c) => ({ recordId: c.recordId, path: c.path, kept: c.kept, shown: c.shown })).sort((x, y) => x.recordId.localeCompare(y.recordId));
    expected.sort((x, y) => x.recordId.localeCompare(y.recordId));
    await expect.poll(() => listed(reopened)).toEqual(expected);
    await expect.poll(() => listed(b.app), { timeout: 30_000 }).toEqual(expected);

    // The same plan on both, to the đồng: A's plans typed last, B's amounts paid.
    await expect.poll(() => plans(b.app), { timeout: 30_000 }).toEqual(plans(reopened));
    for (const [id, plan] of last) expect(reopened.session!.lines.find((l) => l.id === id)?.plan).toBe(plan);
    expect(lines.slice(half).every((l) => reopened.session!.lines.find((x) => x.id === l.id)!.disbursed >= 100 * TR)).toBe(true);
    expect(b.app.session!.rollup!.plan).toEqual(reopened.session!.rollup!.plan);
    expect(reopened.shared!.pending).toBe(0);
    expect(t('vi', 'syncPending', { count: reopened.shared!.pending })).toBe('Đang chờ gửi 0 thay đổi');
  }, 240_000);
});

describe('the retry pauses after a long outage', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('grow to their cap and stay there through an hour without the server; the first round after it is back comes within the cap', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const user = { id: 'u', username: 'u', displayName: 'U', role: 'editor', org: { id: 'o', kind: 'district', name: 'Huyện' } } satisfies ServerUser;
    let reachable = false;
    const tries: { at: number; reached: boolean }[] = [];
    const api = {
      origin: 'http://planbench.test',
      user: null as ServerUser | null,
      async me() {
        tries.push({ at: Date.now(), reached: reachable });
        if (!reachable) return fail('sync.offline', { server: this.origin });
        this.user = user;
        return ok(user);
      },
    };
    const db = openDatabase(`retry-${Date.now()}-${seq++}`);
    // The defaults: 1, 2, 5, 10 s, then 30 s.
    const sync = new SharedSync(db, 'wb', api as unknown as ServerApi, async () => {});
    const CAP = 30_000;
    const STEP = 1_000;
    const step = async () => {
      await vi.advanceTimersByTimeAsync(STEP);
      // IndexedDB (fake) answers on the real event loop.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    };
    const start = Date.now();
    void sync.start();
    while (Date.now() - start < 3_600_000) await step();
    const back = Date.now();
    reachable = true;
    while (!tries.some((x) => x.reached) && Date.now() - back < 5 * CAP) await step();
    sync.stop();
    db.close();

    const during = tries.filter((x) => !x.reached);
    const gaps = during.slice(1).map((x, i) => x.at - during[i].at);
    // Tried all hour long, never waiting longer than the cap (a step of the fake clock aside), and at the cap once grown.
    expect(during.length).toBeGreaterThanOrEqual(3_600_000 / (CAP + STEP));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(CAP + STEP);
    expect(gaps.slice(-10).every((g) => g >= CAP)).toBe(true);
    const again = tries.find((x) => x.reached);
    expect(again).toBeDefined();
    expect(again!.at - back).toBeLessThanOrEqual(CAP + STEP);
  }, 120_000);
});

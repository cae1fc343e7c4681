// Two browsers (two AppStates, each with its own IndexedDB) on one shared workbook, against a real
// server started in this process on PGlite at 127.0.0.1: one shares its workbook, the other opens
// it from the server; each sees the other's edits through the live stream; an edit made offline is
// kept, survives a reload and is sent once the server is reachable; the same cell edited on both
// sides converges to the server's order and shows the conflict on both; a decision on it reaches
// the other browser live, with who took it, and a second decision is refused naming the first.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { AppState } from '../../src/state/app.svelte';
import { PASSWORD } from '../server/harness';
import { browserFetch, useDistrictServer } from './server-browser';

const ctx = { unit: 'trieu', locale: 'vi' } as const;
const TR = 1_000_000;
let seq = 0;

describe('a shared workbook between two browsers', () => {
  const env = useDistrictServer();
  const apps = env.apps;

  async function browser(user: string, dbName = `shared-${Date.now()}-${seq++}`) {
    const { fetchFn, net } = browserFetch();
    const app = new AppState(dbName, fetchFn);
    apps.push(app);
    await app.start();
    const login = await app.logIn(env.origin, user, PASSWORD);
    expect(login.ok).toBe(true);
    return { app, net, dbName, fetchFn };
  }

  const lineOf = (app: AppState, code: string) => {
    const s = app.session!;
    const node = s.tree.nodes.find((n) => n.code === code)!;
    return s.lines.find((l) => l.nodeId === node.id)!;
  };

  it('shares, opens from the server, and each browser sees the other’s edits live; offline edits wait, survive a reload, and a same-cell collision shows as a conflict', async () => {
    const a = await browser(env.users[0]);
    const shared = await a.app.shareOpen(a.app.server(env.origin));
    expect(shared).toEqual({ ok: true, value: undefined });
    await a.app.shared!.idle();
    expect(a.app.shared!.phase).toBe('synced');
    expect(a.app.shared!.pending).toBe(0);

    const b = await browser(env.users[1]);
    const list = await b.app.server(env.origin).workbooks();
    if (!list.ok) throw new Error(list.error.code);
    const wb = list.value.workbooks.find((w) => w.id === a.app.session!.workbook.id)!;
    let progress = 0;
    expect(await b.app.openFromServer(b.app.server(env.origin), wb, (n) => (progress = n))).toEqual({ ok: true, value: undefined });
    expect(progress).toBeGreaterThan(a.app.session!.lines.length);
    expect(b.app.session!.workbook.id).toBe(wb.id);
    expect(b.app.session!.lines.map((l) => [l.id, l.plan])).toEqual(a.app.session!.lines.map((l) => [l.id, l.plan]));
    await b.app.shared!.idle();
    expect(b.app.shared!.phase).toBe('synced');

    // A types a plan; B's grid shows it, recalculated, without doing anything.
    a.app.session!.setCells([{ target: { kind: 'line', id: lineOf(a.app, 'DA2').id }, field: 'plan', raw: '6000' }], ctx);
    await expect.poll(() => lineOf(b.app, 'DA2').plan).toBe(6000 * TR);
    await expect.poll(() => b.app.session!.rollup?.plan[b.app.session!.rollup!.nodeCount]).toBe(a.app.session!.rollup!.plan[a.app.session!.rollup!.nodeCount]);
    // B edits another field of the same line; A sees it, and keeps its own.
    b.app.session!.setCells([{ target: { kind: 'line', id: lineOf(b.app, 'DA2').id }, field: 'disbursed', raw: '2100' }], ctx);
    await expect.poll(() => lineOf(a.app, 'DA2').disbursed).toBe(2100 * TR);
    expect(lineOf(a.app, 'DA2').plan).toBe(6000 * TR);

    // B goes offline and edits a cell A edits too: B's edit waits, and survives a reload.
    b.net.offline = true;
    b.app.session!.setCells([{ target: { kind: 'line', id: lineOf(b.app, 'DA3.TDA1').id }, field: 'plan', raw: '2500' }], ctx);
    await b.app.session!.flush();
    await expect.poll(() => b.app.shared!.phase).toBe('offline');
    expect(b.app.shared!.pending).toBe(1);
    a.app.session!.setCells([{ target: { kind: 'line', id: lineOf(a.app, 'DA3.TDA1').id }, field: 'plan', raw: '2700' }], ctx);
    await a.app.session!.flush();
    await a.app.shared!.idle();
    b.app.shared!.stop();
    const reloaded = new AppState(b.dbName, b.fetchFn);
    apps.push(reloaded);
    await reloaded.start();
    expect(reloaded.session!.workbook.id).toBe(wb.id);
    expect(lineOf(reloaded, 'DA3.TDA1').plan).toBe(2500 * TR);
    await expect.poll(() => reloaded.shared?.phase).toBe('offline');
    expect(reloaded.shared!.pending).toBe(1);

    // Back online: B's edit is sent after A's, so it shows on both, and both see the conflict.
    b.net.offline = false;
    reloaded.shared!.kick();
    await reloaded.shared!.idle();
    expect(reloaded.shared!.phase).toBe('synced');
    expect(reloaded.shared!.pending).toBe(0);
    expect(lineOf(reloaded, 'DA3.TDA1').plan).toBe(2500 * TR);
    await expect.poll(() => lineOf(a.app, 'DA3.TDA1').plan).toBe(2500 * TR);
    await expect.poll(() => a.app.shared!.openConflicts.length).toBe(1);
    expect(reloaded.shared!.openConflicts).toEqual([
      expect.objectContaining({ kind: 'line', recordId: lineOf(a.app, 'DA3.TDA1').id, path: ['plan'], kept: 2700 * TR, shown: 2500 * TR }),
    ]);
    // Both browsers hold the same plan, to the đồng.
    expect(reloaded.session!.lines.map((l) => [l.id, l.plan, l.disbursed])).toEqual(a.app.session!.lines.map((l) => [l.id, l.plan, l.disbursed]));

    // A reverses the conflict: its kept value is typed back, sent, and shows on B; the conflict is settled on A.
    const [conflict] = a.app.shared!.openConflicts;
    expect(a.app.session!.reverseConflict(conflict)).toBe(true);
    expect((await a.app.shared!.settle(conflict.id, 'reversed')).ok).toBe(true);
    expect(a.app.shared!.openConflicts).toEqual([]);
    await expect.poll(() => lineOf(reloaded, 'DA3.TDA1').plan).toBe(2700 * TR);
    // Reversing after seeing the other value is no new conflict; the decision reaches B, by name.
    await a.app.shared!.idle();
    await expect.poll(() => reloaded.shared!.openConflicts).toEqual([]);
    expect(reloaded.shared!.decidedElsewhere).toEqual([expect.objectContaining({ id: conflict.id, state: 'reversed', decidedBy: expect.stringContaining(env.users[0]) })]);
    expect((await reloaded.shared!.dismiss(conflict.id)).ok).toBe(true);
    expect(reloaded.shared!.decidedElsewhere).toEqual([]);
    // After a reload, B still holds A's decision.
    reloaded.shared!.stop();
    const again = new AppState(b.dbName, b.fetchFn);
    apps.push(again);
    await again.start();
    await again.shared!.idle();
    expect(again.shared!.conflicts.find((c) => c.id === conflict.id)).toMatchObject({ state: 'reversed', decidedBy: expect.stringContaining(env.users[0]) });
  });

  it('reads a snapshot in chunks, each asked for while the one before is read: every record once, as one read gives them; a network cut ends with the failure', async () => {
    const a = await browser(env.users[0]);
    expect((await a.app.shareOpen(a.app.server(env.origin))).ok).toBe(true);
    await a.app.shared!.idle();
    const b = await browser(env.users[1]);
    const api = b.app.server(env.origin);
    const id = a.app.session!.workbook.id;
    const whole = await api.snapshot(id, null, 10_000);
    if (!whole.ok) throw new Error(whole.error.code);
    expect(whole.value.next).toBeNull();
    const keys = (records: { kind: string; scope: string; id: string; seq: number; data: unknown }[]) =>
      records.map((r) => JSON.stringify([r.kind, r.scope, r.id, r.seq, r.data]));
    const read: string[] = [];
    let chunks = 0;
    for await (const chunk of api.snapshotChunks(id, 7)) {
      if (!chunk.ok) throw new Error(chunk.error.code);
      expect(chunk.value.records.length).toBeLessThanOrEqual(7);
      read.push(...keys(chunk.value.records));
      chunks++;
    }
    expect(chunks).toBe(Math.ceil(whole.value.records.length / 7));
    expect(read).toEqual(keys(whole.value.records));

    const seen: string[] = [];
    for await (const chunk of api.snapshotChunks(id, 7)) {
      if (!chunk.ok) {
        seen.push(chunk.error.code);
        break;
      }
      seen.push('chunk');
      b.net.offline = true;
    }
    b.net.offline = false;
    // The second chunk was asked for before the network went: it arrives, and the third fails.
    expect(seen).toEqual(['chunk', 'chunk', 'sync.offline']);
  });

  /** Two browsers of one shared workbook, B offline while both edit the plan of `code`: one conflict both see. */
  async function twoWithConflict(code: string) {
    const a = await browser(env.users[0]);
    expect((await a.app.shareOpen(a.app.server(env.origin))).ok).toBe(true);
    await a.app.shared!.idle();
    const b = await browser(env.users[1]);
    const wb = await b.app.server(env.origin).workbook(a.app.session!.workbook.id);
    if (!wb.ok) throw new Error(wb.error.code);
    expect((await b.app.openFromServer(b.app.server(env.origin), wb.value.workbook)).ok).toBe(true);
    await b.app.shared!.idle();
    b.net.offline = true;
    b.app.session!.setCells([{ target: { kind: 'line', id: lineOf(b.app, code).id }, field: 'plan', raw: '600' }], ctx);
    await b.app.session!.flush();
    a.app.session!.setCells([{ target: { kind: 'line', id: lineOf(a.app, code).id }, field: 'plan', raw: '650' }], ctx);
    await a.app.session!.flush();
    await a.app.shared!.idle();
    b.net.offline = false;
    b.app.shared!.kick();
    await expect.poll(() => b.app.shared!.openConflicts.length).toBe(1);
    await expect.poll(() => a.app.shared!.openConflicts.length).toBe(1);
    return { a, b, onA: a.app.shared!.openConflicts[0], onB: b.app.shared!.openConflicts[0] };
  }

  it('a conflict confirmed in one browser shows as settled, by whom, in the other; a second decision is refused, naming the first', async () => {
    const { a, b, onA, onB } = await twoWithConflict('DA7.TDA1');

    // A keeps the value shown: B's list shows it settled by A, live, without B doing anything.
    expect(await a.app.shared!.settle(onA.id, 'confirmed')).toEqual({ ok: true, value: undefined });
    expect(a.app.shared!.conflicts.find((c) => c.id === onA.id)).toMatchObject({ state: 'confirmed', unsent: false });
    await expect.poll(() => b.app.shared!.openConflicts).toEqual([]);
    expect(b.app.shared!.decidedElsewhere).toEqual([expect.objectContaining({ id: onB.id, state: 'confirmed', decidedBy: expect.stringContaining(env.users[0]) })]);
    expect(lineOf(b.app, 'DA7.TDA1').plan).toBe(600 * TR);

    // Had B decided too (from a list not yet refreshed), the server keeps A's and B is told who.
    await b.app.shared!.dismiss(onB.id);
    const r = await b.app.shared!.settle(onB.id, 'reversed');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual({ code: 'sync.conflict-decided', params: { who: expect.stringContaining(env.users[0]) } });
    expect(b.app.shared!.conflicts.find((c) => c.id === onB.id)).toMatchObject({ state: 'confirmed', unsent: false });
  });

  it('a decision taken offline waits, counted with the changes to send, and reaches the other browser once back online', async () => {
    const { a, b, onB } = await twoWithConflict('DA6.TDA1');
    b.net.offline = true;
    expect(await b.app.shared!.settle(onB.id, 'confirmed')).toEqual({ ok: true, value: undefined });
    expect(b.app.shared!.openConflicts).toEqual([]);
    await expect.poll(() => b.app.shared!.phase).toBe('offline');
    expect(b.app.shared!.pending).toBe(1);
    b.net.offline = false;
    b.app.shared!.kick();
    await b.app.shared!.idle();
    expect(b.app.shared!.pending).toBe(0);
    expect(b.app.shared!.phase).toBe('synced');
    await expect.poll(() => a.app.shared!.openConflicts).toEqual([]);
    expect(a.app.shared!.decidedElsewhere).toEqual([expect.objectContaining({ state: 'confirmed', decidedBy: expect.any(String) })]);
  });
});

// Opening a shared workbook from the server in a new browser, its lines stored chunk by chunk while
// the snapshot is read (db/snapshot-writer.ts): what lands is the server's workbook record for
// record, with edits made meanwhile; the session opened on the records in hand knows where each line
// is stored; a network cut midway leaves nothing of the workbook in the browser, and an open
// interrupted by a closed tab leaves only hidden chunks, which the next start removes.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { AppState } from '../../src/state/app.svelte';
import { openDatabase } from '../../src/db/database';
import { loadWorkbookArchive } from '../../src/db/backup-repo';
import { listWorkbooks } from '../../src/db/workbook-repo';
import type { ServerApi } from '../../src/net/server-api';
import { PASSWORD } from '../server/harness';
import { browserAs, browserFetch, useDistrictServer } from './server-browser';

const ctx = { unit: 'trieu', locale: 'vi' } as const;
let seq = 0;

/**
 * A fetch for a new browser whose snapshot is read `limit` records a chunk (several chunks from a
 * small workbook), calling `onSnapshot` (with the number of the request) before each snapshot
 * request; `net.offline` cuts it, `net.hang` leaves requests unanswered (a tab closed midway).
 */
function snapshotFetch(limit: number, onSnapshot: (n: number) => Promise<void> | void = () => {}) {
  let snapshots = 0;
  return browserFetch(async (url) => {
    if (!url.includes('/snapshot')) return url;
    await onSnapshot(++snapshots);
    return url.replace(/limit=\d+/, `limit=${limit}`);
  });
}

/** The server's records of a workbook, read in one pass, as sorted JSON texts of [kind, scope, id, data]. */
async function serverRecords(api: ServerApi, id: string): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of api.snapshotChunks(id)) {
    if (!chunk.ok) throw new Error(chunk.error.code);
    for (const r of chunk.value.records) out.push(JSON.stringify([r.kind, r.scope, r.id, r.data]));
  }
  return out.sort();
}

/** What a browser stores of a workbook, in the same form (lines by the scenario they belong to). */
async function storedRecords(dbName: string, id: string): Promise<string[]> {
  const db = openDatabase(dbName);
  try {
    const a = await loadWorkbookArchive(db, id);
    if (!a) return [];
    const rows = [
      ['workbook', '', a.workbook.id, a.workbook],
      ...a.scenarios.map(({ lines: _lines, ...s }) => ['scenario', '', s.id, s]),
      ...a.scenarios.flatMap((s) => s.lines.map((l) => ['line', s.id, l.id, l])),
      ...a.nodes.map((n) => ['node', '', n.id, n]),
      ...a.places.map((p) => ['place', '', p.id, p]),
      ...a.rules.map((r) => ['rule', r.scenarioId, r.id, r]),
    ];
    return rows.map((r) => JSON.stringify(r)).sort();
  } finally {
    db.close();
  }
}

/** The line chunks stored under a workbook's id, and the marks of opens not finished. */
async function leftovers(dbName: string, id: string): Promise<{ chunks: number; marks: number; listed: boolean }> {
  const db = openDatabase(dbName);
  try {
    return {
      chunks: await db.lineChunks.where('workbookId').equals(id).count(),
      marks: await db.meta.where('key').startsWith('opening:').count(),
      listed: (await listWorkbooks(db)).some((w) => w.id === id),
    };
  } finally {
    db.close();
  }
}

describe('a shared workbook opened from the server, stored as it is read', () => {
  const env = useDistrictServer();

  /** A shares a generated workbook of n lines; B, a new browser reading the snapshot `limit` records a chunk. */
  async function twoBrowsers(n: number, limit: number, onSnapshot?: (n: number) => Promise<void> | void) {
    const a = await browserAs(env.origin, env.users[0], env.apps);
    await a.app.open(await a.app.generate(n));
    expect((await a.app.shareOpen(a.app.server(env.origin))).ok).toBe(true);
    await a.app.shared!.idle();
    const { fetchFn, net } = snapshotFetch(limit, onSnapshot);
    const dbName = `open-${Date.now()}-${seq++}`;
    const app = new AppState(dbName, fetchFn);
    env.apps.push(app);
    await app.start();
    expect((await app.logIn(env.origin, env.users[1], PASSWORD)).ok).toBe(true);
    const api = app.server(env.origin);
    const wb = await api.workbook(a.app.session!.workbook.id);
    if (!wb.ok) throw new Error(wb.error.code);
    return { a, b: { app, net, dbName, api }, wb: wb.value.workbook };
  }

  it('stores the server’s records as they are, with the edits made while it reads, and the session knows where each line is stored', async () => {
    let edit: (() => Promise<void>) | null = null;
    const { a, b, wb } = await twoBrowsers(450, 150, async (n) => {
      if (n === 2 && edit) await edit();
    });
    // While B reads its second chunk, A edits a line, adds one and deletes one; the server sends
    // lines by id, so the two with the smallest ids were in the first chunk, read before.
    const s = a.app.session!;
    const [first, second, third] = [...s.lines].sort((x, y) => (x.id < y.id ? -1 : 1));
    edit = async () => {
      s.setCells([{ target: { kind: 'line', id: first.id }, field: 'plan', raw: '4321' }], ctx);
      s.insertLine(third.nodeId, third.id);
      s.deleteLines([second.id]);
      await s.flush();
      a.app.shared!.kick();
      await a.app.shared!.idle();
    };
    let phases: string[] = [];
    expect(await b.app.openFromServer(b.api, wb, (_n, phase) => phases.push(phase))).toEqual({ ok: true, value: undefined });
    phases = [...new Set(phases)];
    expect(phases).toEqual(['fetch', 'store', 'open']);

    const opened = b.app.session!;
    expect(opened.lines.map((l) => [l.id, l.plan])).toEqual(s.lines.map((l) => [l.id, l.plan]));
    expect(opened.lines.find((l) => l.id === first.id)!.plan).toBe(4321 * 1_000_000);
    expect(opened.lines.some((l) => l.id === second.id)).toBe(false);
    expect(opened.lines).toHaveLength(450);
    expect(await storedRecords(b.dbName, wb.id)).toEqual(await serverRecords(a.app.server(env.origin), wb.id));
    // Where the session will write each line is where it is stored.
    const db = openDatabase(b.dbName);
    const stored = await db.lineChunks.where('workbookId').equals(wb.id).toArray();
    db.close();
    const where = new Map(stored.flatMap((c) => c.lines.map((l) => [l.id, c.no] as const)));
    expect(where.size).toBe(opened.lines.length);
    for (const l of opened.lines) expect(opened.storedChunkOf(l.id)).toBe(where.get(l.id));
    expect((await leftovers(b.dbName, wb.id)).marks).toBe(0);

    // An edit in B lands in storage and reaches A.
    const target = opened.lines[200];
    opened.setCells([{ target: { kind: 'line', id: target.id }, field: 'plan', raw: '777' }], ctx);
    await opened.flush();
    expect(opened.unsavedCount).toBe(0);
    await expect.poll(() => a.app.session!.lines.find((l) => l.id === target.id)?.plan).toBe(777 * 1_000_000);
  });

  it('leaves nothing of the workbook when the network goes midway, though lines were stored; opened again, it is whole', async () => {
    let stagedAtCut = -1;
    let dbName = '';
    let cutAt = 4;
    let net: { offline: boolean } | null = null;
    const { b, wb } = await twoBrowsers(450, 100, async (n) => {
      if (n !== cutAt || !net) return;
      stagedAtCut = (await leftovers(dbName, wb.id)).chunks;
      net.offline = true;
    });
    ({ dbName, net } = b);
    const r = await b.app.openFromServer(b.api, wb);
    expect(r.ok).toBe(false);
    expect(stagedAtCut).toBeGreaterThan(0);
    expect(await leftovers(b.dbName, wb.id)).toEqual({ chunks: 0, marks: 0, listed: false });
    expect(b.app.workbooks.some((w) => w.id === wb.id)).toBe(false);

    b.net.offline = false;
    cutAt = -1;
    expect((await b.app.openFromServer(b.api, wb)).ok).toBe(true);
    expect(b.app.session!.lines).toHaveLength(450);
    expect(await storedRecords(b.dbName, wb.id)).toEqual(await serverRecords(b.api, wb.id));
  });

  it('an open cut short by a closed tab leaves only hidden chunks, which the next start removes', async () => {
    let hang: (() => void) | null = null;
    const { b, wb } = await twoBrowsers(450, 100, (n) => {
      if (n === 4) hang?.();
    });
    hang = () => (b.net.hang = true);
    void b.app.openFromServer(b.api, wb);
    await expect.poll(async () => (await leftovers(b.dbName, wb.id)).chunks).toBeGreaterThan(0);
    expect((await leftovers(b.dbName, wb.id)).listed).toBe(false);
    // The tab is closed: the same browser starts again on its database.
    b.app.session?.dispose();
    const again = new AppState(b.dbName, snapshotFetch(100).fetchFn);
    env.apps.push(again);
    await again.start();
    expect(await leftovers(b.dbName, wb.id)).toEqual({ chunks: 0, marks: 0, listed: false });
    expect(again.workbooks.some((w) => w.id === wb.id)).toBe(false);
  });
});

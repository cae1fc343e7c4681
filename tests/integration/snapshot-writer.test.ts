// A shared workbook stored while it is read (db/snapshot-writer.ts): the staged chunks are kept when
// they are all there as written, else every chunk is written again, so the workbook made visible
// is whole whatever another tab did meanwhile; lines the operations after the snapshot changed or
// deleted land in their chunk, a chunk left empty goes, lines of no scenario are dropped.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDatabase, type PlanbenchDB } from '../../src/db/database';
import { removeInterruptedOpens, SnapshotWriter, type SnapshotRecords } from '../../src/db/snapshot-writer';
import { createWorkbook, loadWorkbook } from '../../src/db/workbook-repo';
import { buildGeneratedWorkbook } from '../../src/domain/demo';
import type { Line } from '../../src/domain/model';

let seq = 0;
const freshDb = () => openDatabase(`snapshot-writer-${Date.now()}-${seq++}`);

function generated(n: number) {
  const data = buildGeneratedWorkbook(n);
  const records: SnapshotRecords = { workbook: data.workbook, nodes: data.nodes, scenarios: data.scenarios, places: data.places ?? [], rules: data.rules ?? [] };
  const scope = data.workbook.baselineScenarioId;
  const share = { workbookId: data.workbook.id, server: 'https://example.test', orgName: 'Cao Lộc', lastSeq: 7, sharedAt: 1 };
  return { data, records, scope, share };
}

/** Hands the lines over in batches, each staged (as chunks of the snapshot come), and waits for the writes. */
async function stageIn(w: SnapshotWriter, scope: string, lines: Line[], batch: number, between: (i: number) => Promise<void> = async () => {}) {
  for (let i = 0; i * batch < lines.length; i++) {
    w.putLines(lines.slice(i * batch, (i + 1) * batch).map((line) => ({ scope, line })));
    w.stage();
    await between(i);
  }
}

/** The stored lines of the baseline by id, and which chunk each is in, as loadWorkbook reads them. */
async function stored(db: PlanbenchDB, id: string) {
  const loaded = await loadWorkbook(db, id);
  if (!loaded) return null;
  return { lines: new Map(loaded.data.lines.map((l) => [l.id, l])), chunkOf: (lineId: string) => loaded.chunks.chunkOf(lineId) };
}

describe('SnapshotWriter', () => {
  it('keeps the staged chunks, writes what changed since, and the layout is the one it hands the session', async () => {
    const db = freshDb();
    const { data, records, scope, share } = generated(350);
    const w = new SnapshotWriter(db, data.workbook.id);
    await stageIn(w, scope, data.lines, 120);
    // After the snapshot: one line changed, one deleted, one added; the 100 lines of the second chunk deleted.
    const changed = { ...data.lines[5], plan: 123 };
    const added = { ...data.lines[0], id: 'added-line' };
    w.putLines([
      { scope, line: changed },
      { scope, line: added },
    ]);
    w.removeLine(scope, data.lines[6].id);
    for (const l of data.lines.slice(100, 200)) w.removeLine(scope, l.id);
    // Lines kept under a scenario deleted on the server.
    w.putLines([{ scope: 'gone-scenario', line: { ...data.lines[1], id: 'orphan' } }]);
    w.stage();
    const r = await w.finish(records, share);
    expect(r).toEqual({ ok: true, value: { kept: true } });

    const s = (await stored(db, data.workbook.id))!;
    const expected = [
      ...[...data.lines.slice(0, 100), ...data.lines.slice(200)].filter((l) => l.id !== data.lines[6].id).map((l) => (l.id === changed.id ? changed : l)),
      added,
    ];
    expect(s.lines.size).toBe(expected.length);
    for (const l of expected) expect(s.lines.get(l.id)).toEqual(l);
    const session = w.chunksOf(scope);
    for (const l of expected) expect(session.chunkOf(l.id)).toBe(s.chunkOf(l.id));
    expect(await db.lineChunks.where('scenarioId').equals('gone-scenario').count()).toBe(0);
    expect(await db.lineChunks.where('workbookId').equals(data.workbook.id).count()).toBe(3);
    expect(await db.meta.where('key').startsWith('opening:').count()).toBe(0);
    expect(await db.shares.get(data.workbook.id)).toMatchObject({ lastSeq: 7, conflictSeq: 7 });
    db.close();
  });

  it('writes every chunk again when another tab’s start swept the staged ones midway', async () => {
    const db = freshDb();
    const { data, records, scope, share } = generated(350);
    const w = new SnapshotWriter(db, data.workbook.id);
    await stageIn(w, scope, data.lines, 120, async (i) => {
      if (i !== 1) return;
      await w.drained();
      await removeInterruptedOpens(db);
    });
    const r = await w.finish(records, share);
    expect(r).toEqual({ ok: true, value: { kept: false } });
    const s = (await stored(db, data.workbook.id))!;
    expect([...s.lines.values()]).toEqual(expect.arrayContaining(data.lines));
    expect(s.lines.size).toBe(350);
    const session = w.chunksOf(scope);
    for (const l of data.lines) expect(session.chunkOf(l.id)).toBe(s.chunkOf(l.id));
    db.close();
  });

  it('replaces, as a whole, a workbook of the same id another tab stored meanwhile', async () => {
    const db = freshDb();
    const { data, records, scope, share } = generated(350);
    const w = new SnapshotWriter(db, data.workbook.id);
    await stageIn(w, scope, data.lines, 120, async (i) => {
      if (i !== 0) return;
      await w.drained();
      expect((await createWorkbook(db, { ...data, lines: data.lines.slice(0, 10).map((l) => ({ ...l, plan: 1 })) })).ok).toBe(true);
    });
    const r = await w.finish(records, share);
    expect(r).toEqual({ ok: true, value: { kept: false } });
    const s = (await stored(db, data.workbook.id))!;
    expect(s.lines.size).toBe(350);
    for (const l of data.lines) expect(s.lines.get(l.id)).toEqual(l);
    db.close();
  });

  it('leaves nothing when given up, and nothing is listed meanwhile', async () => {
    const db = freshDb();
    const { data, scope } = generated(350);
    const w = new SnapshotWriter(db, data.workbook.id);
    await stageIn(w, scope, data.lines, 120);
    await w.drained();
    expect(await db.lineChunks.where('workbookId').equals(data.workbook.id).count()).toBeGreaterThan(0);
    expect(await db.workbooks.get(data.workbook.id)).toBeUndefined();
    await w.abandon();
    expect(await db.lineChunks.where('workbookId').equals(data.workbook.id).count()).toBe(0);
    expect(await db.meta.where('key').startsWith('opening:').count()).toBe(0);
    db.close();
  });
});

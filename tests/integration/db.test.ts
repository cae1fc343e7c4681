// The database layer under fake-indexeddb: a fresh database name per test, connections closed after.
// A recording middleware (Dexie DBCore) shows exactly which records an operation writes.
import 'fake-indexeddb/auto';
import Dexie, { type DBCore, type DBCoreMutateRequest } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, SCHEMA_VERSION, type LineChunk, type PlanbenchDB } from '../../src/db/database';
import { CHUNK_SIZE, ChunkedLines } from '../../src/db/line-chunks';
import { commitChange, createWorkbook, deleteWorkbook, getMeta, listWorkbooks, loadWorkbook, setMeta, type WorkbookChange } from '../../src/db/workbook-repo';
import { buildDemoWorkbook, buildEmptyWorkbook, buildGeneratedWorkbook } from '../../src/domain/demo';
import type { Id, Line, TreeNode, WorkbookData } from '../../src/domain/model';

let seq = 0;
const opened: Dexie[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

function freshDb(name = `planbench-test-${Date.now()}-${seq++}`): PlanbenchDB {
  const db = openDatabase(name);
  opened.push(db);
  return db;
}

async function reopen(db: PlanbenchDB): Promise<PlanbenchDB> {
  db.close();
  const again = freshDb(db.name);
  await again.open();
  return again;
}

type Write = { table: string; type: DBCoreMutateRequest['type']; values: unknown[]; keys: unknown[] };

/** Records every write reaching the store. Install before the first query (Dexie builds its stack on open). */
function recordWrites(db: PlanbenchDB, fail?: (table: string, req: DBCoreMutateRequest) => Error | undefined): Write[] {
  const writes: Write[] = [];
  db.use({
    stack: 'dbcore',
    name: 'record-writes',
    create: (down: DBCore) => ({
      ...down,
      table: (name: string) => {
        const table = down.table(name);
        return {
          ...table,
          mutate: (req: DBCoreMutateRequest) => {
            const err = fail?.(name, req);
            if (err) return Promise.reject(err);
            writes.push({
              table: name,
              type: req.type,
              values: 'values' in req ? [...req.values] : [],
              keys: 'keys' in req && req.keys ? [...req.keys] : [],
            });
            return table.mutate(req);
          },
        };
      },
    }),
  });
  return writes;
}

/** Every record of every table, keyed for comparison (what "the database as it was" means). */
async function dumpAll(db: PlanbenchDB) {
  return {
    workbooks: await db.workbooks.toArray(),
    nodes: await db.nodes.toArray(),
    scenarios: await db.scenarios.toArray(),
    lineChunks: await db.lineChunks.toArray(),
    meta: await db.meta.toArray(),
  };
}

const byId = <T extends { id: Id }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
const sumPlan = (ls: Line[]) => ls.reduce((a, l) => a + l.plan, 0);
const chunkRecord = (data: WorkbookData, chunks: ChunkedLines, no: number): LineChunk => ({
  scenarioId: data.workbook.baselineScenarioId,
  workbookId: data.workbook.id,
  no,
  lines: chunks.lines(no),
});

/** Records of any table that belong to a workbook. */
async function countRecordsOf(db: PlanbenchDB, data: WorkbookData): Promise<number> {
  const id = data.workbook.id;
  return (
    (await db.workbooks.where('id').equals(id).count()) +
    (await db.nodes.where('workbookId').equals(id).count()) +
    (await db.scenarios.where('workbookId').equals(id).count()) +
    (await db.lineChunks.where('workbookId').equals(id).count()) +
    (await db.lineChunks.where('scenarioId').equals(data.workbook.baselineScenarioId).count())
  );
}

describe('schema', () => {
  it('opens at SCHEMA_VERSION with all its tables', async () => {
    const db = freshDb();
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect(db.tables.map((t) => t.name).sort()).toEqual([
      'lineChunks',
      'meta',
      'nodes',
      'outbox',
      'places',
      'rules',
      'scenarios',
      'shares',
      'syncShadows',
      'undoSteps',
      'workbooks',
    ]);
    expect(db.lineChunks.schema.primKey.keyPath).toEqual(['scenarioId', 'no']);
  });
});

describe('create and load', () => {
  it('create then load gives back the same workbook (demo)', async () => {
    const db = freshDb();
    const demo = buildDemoWorkbook();
    await createWorkbook(db, demo);
    const loaded = await loadWorkbook(db, demo.workbook.id);
    expect(loaded).not.toBeNull();
    expect(loaded!.data.workbook).toEqual(demo.workbook);
    expect(byId(loaded!.data.nodes)).toEqual(byId(demo.nodes));
    expect(loaded!.data.scenarios).toEqual(demo.scenarios);
    expect(loaded!.data.lines).toEqual(demo.lines);
    expect(loaded!.chunks.size).toBe(demo.lines.length);
    expect(loaded!.chunks.chunkNos()).toEqual([0]);
  });

  it('lines come back ordered by chunk (numerically: 2 before 10), then position', async () => {
    const db = freshDb();
    const data = buildGeneratedWorkbook(12 * CHUNK_SIZE + 7);
    await createWorkbook(db, data);
    expect(await db.lineChunks.count()).toBe(13);
    const loaded = (await loadWorkbook(db, data.workbook.id))!;
    expect(loaded.data.lines.map((l) => l.id)).toEqual(data.lines.map((l) => l.id));
    expect(loaded.data.lines).toEqual(data.lines);
    expect(loaded.chunks.chunkNos()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(loaded.chunks.chunkOf(data.lines[10 * CHUNK_SIZE + 3].id)).toBe(10);
  });

  it('an empty workbook stores no chunk and loads with no lines', async () => {
    const db = freshDb();
    const empty = buildEmptyWorkbook('Trống', 2025);
    await createWorkbook(db, empty);
    expect(await db.lineChunks.count()).toBe(0);
    const loaded = (await loadWorkbook(db, empty.workbook.id))!;
    expect(loaded.data.lines).toEqual([]);
    expect(byId(loaded.data.nodes)).toEqual(byId(empty.nodes));
  });

  it('load of an unknown id is null', async () => {
    const db = freshDb();
    await createWorkbook(db, buildDemoWorkbook());
    expect(await loadWorkbook(db, 'no-such-workbook')).toBeNull();
  });

  it('creating under an existing id replaces it: no stale chunks or nodes survive', async () => {
    const db = freshDb();
    const first = buildGeneratedWorkbook(2.5 * CHUNK_SIZE);
    await createWorkbook(db, first);
    const smaller: WorkbookData = { ...first, nodes: first.nodes.slice(0, 3), lines: first.lines.slice(0, 0.4 * CHUNK_SIZE) };
    await createWorkbook(db, smaller);
    expect(await db.lineChunks.count()).toBe(1);
    expect(await db.nodes.count()).toBe(3);
    const loaded = (await loadWorkbook(db, first.workbook.id))!;
    expect(loaded.data.lines).toEqual(smaller.lines);
  });

  it('refuses nodes that name another workbook, writing nothing', async () => {
    const db = freshDb();
    const demo = buildDemoWorkbook();
    const bad: WorkbookData = { ...demo, nodes: [...demo.nodes, { ...demo.nodes[0], id: 'stray', workbookId: 'other' }] };
    const r = await createWorkbook(db, bad);
    expect(r.ok ? null : r.error.code).toBe('db.write-failed');
    expect(r.ok ? '' : String(r.error.params?.detail)).toMatch(/stray/);
    expect(await db.workbooks.count()).toBe(0);
  });

  it('two workbooks coexist, and the list is newest-changed first', async () => {
    const db = freshDb();
    const a = buildDemoWorkbook(1_000);
    const b = buildEmptyWorkbook('Khác', 2025, 2_000);
    await createWorkbook(db, a);
    await createWorkbook(db, b);
    expect((await listWorkbooks(db)).map((w) => w.id)).toEqual([b.workbook.id, a.workbook.id]);
    expect((await commitChange(db, { workbookId: a.workbook.id })).ok).toBe(true);
    expect((await listWorkbooks(db)).map((w) => w.id)).toEqual([a.workbook.id, b.workbook.id]);
    const la = (await loadWorkbook(db, a.workbook.id))!;
    const lb = (await loadWorkbook(db, b.workbook.id))!;
    expect(la.data.lines).toEqual(a.lines);
    expect(byId(la.data.nodes)).toEqual(byId(a.nodes));
    expect(byId(lb.data.nodes)).toEqual(byId(b.nodes));
    expect(lb.data.lines).toEqual([]);
  });
});

describe('delete', () => {
  it('removes every record of that workbook and leaves another workbook and meta intact', async () => {
    const db = freshDb();
    const a = buildGeneratedWorkbook(2500);
    const b = buildDemoWorkbook();
    await createWorkbook(db, a);
    await createWorkbook(db, b);
    await setMeta(db, 'lastWorkbookId', b.workbook.id);
    const bBefore = await loadWorkbook(db, b.workbook.id);
    expect(await countRecordsOf(db, a)).toBeGreaterThan(3);

    await deleteWorkbook(db, a.workbook.id);

    expect(await countRecordsOf(db, a)).toBe(0);
    expect(await loadWorkbook(db, a.workbook.id)).toBeNull();
    expect(await loadWorkbook(db, b.workbook.id)).toEqual(bBefore);
    expect(await db.lineChunks.count()).toBe(1);
    expect(await db.nodes.count()).toBe(b.nodes.length);
    expect((await listWorkbooks(db)).map((w) => w.id)).toEqual([b.workbook.id]);
    expect(await getMeta(db, 'lastWorkbookId')).toBe(b.workbook.id);
  });
});

describe('commitChange', () => {
  it('a workbook stored in 1 000-line chunks (the older size) loads, and an edit of one line splits its chunk: the first 100 lines stay, the rest go to chunks after the highest', async () => {
    let db = freshDb();
    const data = buildGeneratedWorkbook(2_500);
    await createWorkbook(db, { ...data, lines: [] });
    const scenarioId = data.workbook.baselineScenarioId;
    const older = [data.lines.slice(0, 1000), data.lines.slice(1000, 2000), data.lines.slice(2000)];
    await db.lineChunks.bulkPut(older.map((lines, no) => ({ scenarioId, workbookId: data.workbook.id, no, lines })));
    const { chunks, data: loaded } = (await loadWorkbook(db, data.workbook.id))!;
    expect(loaded.lines).toEqual(data.lines);
    const target = data.lines[1_234];
    const edited: Line = { ...target, plan: target.plan + 7 };
    const no = chunks.replace(edited);
    expect(no).toBe(1);
    const r = await commitChange(db, {
      workbookId: data.workbook.id,
      lineWrites: [{ scenarioId, workbookId: data.workbook.id, no, put: [{ before: target, after: edited }], deleteIds: [] }],
    });
    const parts = [3, 4, 5, 6, 7, 8, 9, 10, 11];
    expect(r.ok && r.value.moves.map((m) => [m.from, m.to, m.ids.length])).toEqual(parts.map((to) => [1, to, CHUNK_SIZE]));
    expect(r.ok && r.value.chunks.get(scenarioId)!.sort((a, b) => a - b)).toEqual([1, ...parts]);
    db = await reopen(db);
    const again = (await loadWorkbook(db, data.workbook.id))!;
    const want = data.lines.map((l) => (l.id === target.id ? edited : l));
    // Stored order: chunk by chunk (the lines' order in the plan comes from their order field).
    expect(again.data.lines).toEqual([...want.slice(0, 1100), ...want.slice(2000), ...want.slice(1100, 2000)]);
    expect((await db.lineChunks.get([scenarioId, 1]))!.lines).toHaveLength(CHUNK_SIZE);
    expect(again.chunks.chunkOf(target.id)).toBe(3 + Math.floor((1_234 - 1_100) / CHUNK_SIZE));
    // A new line goes to a chunk of its own: the full chunks, the older one of 500 lines among them, are not grown.
    expect(again.chunks.add({ ...target, id: 'new' })).toBe(12);
  });

  it('a one-line edit survives closing and reopening; every other line is untouched', async () => {
    let db = freshDb();
    const data = buildGeneratedWorkbook(2.5 * CHUNK_SIZE);
    data.workbook.updatedAt = 0;
    await createWorkbook(db, data);
    const { chunks } = (await loadWorkbook(db, data.workbook.id))!;
    const target = data.lines[CHUNK_SIZE + 34];
    const edited: Line = { ...target, plan: 300_000_000, label: 'Đã sửa' };
    const no = chunks.replace(edited);
    expect(no).toBe(1);
    const before = Date.now();
    const r = await commitChange(db, { workbookId: data.workbook.id, chunks: [chunkRecord(data, chunks, no)] });
    const after = Date.now();
    expect(r).toEqual({ ok: true, value: { chunks: new Map([[data.workbook.baselineScenarioId, [1]]]), moves: [] } });

    db = await reopen(db);
    const again = (await loadWorkbook(db, data.workbook.id))!;
    expect(again.data.lines).toEqual(data.lines.map((l) => (l.id === target.id ? edited : l)));
    expect(again.data.workbook.updatedAt).toBeGreaterThanOrEqual(before);
    expect(again.data.workbook.updatedAt).toBeLessThanOrEqual(after);
    expect({ ...again.data.workbook, updatedAt: 0 }).toEqual(data.workbook);
  });

  it('writes the workbook, nodes and chunks of one step, and deletes an emptied chunk record', async () => {
    const db = freshDb();
    const data = buildGeneratedWorkbook(1.5 * CHUNK_SIZE);
    await createWorkbook(db, data);
    const { chunks } = (await loadWorkbook(db, data.workbook.id))!;
    // Empty chunk 1 entirely, and drop one line of chunk 0.
    for (const l of data.lines.slice(CHUNK_SIZE)) chunks.remove(l.id);
    chunks.remove(data.lines[0].id);
    const renamedNode: TreeNode = { ...data.nodes[1], name: 'Đổi tên' };
    const goneNode = data.nodes[2];
    const change: WorkbookChange = {
      workbook: { ...data.workbook, name: 'Sổ mới' },
      putNodes: [renamedNode],
      deleteNodeIds: [goneNode.id],
      chunks: [chunkRecord(data, chunks, 0), chunkRecord(data, chunks, 1)],
    };
    expect((await commitChange(db, change)).ok).toBe(true);

    expect(await db.lineChunks.count()).toBe(1);
    const loaded = (await loadWorkbook(db, data.workbook.id))!;
    expect(loaded.data.workbook.name).toBe('Sổ mới');
    expect(loaded.data.lines).toEqual(data.lines.slice(1, CHUNK_SIZE));
    expect(loaded.data.nodes.find((n) => n.id === renamedNode.id)).toEqual(renamedNode);
    expect(loaded.data.nodes.find((n) => n.id === goneNode.id)).toBeUndefined();
    expect(loaded.data.nodes).toHaveLength(data.nodes.length - 1);

    // Two new lines: the first fills chunk 0 back up, the second opens chunk 1 again.
    const fresh = loaded.chunks;
    const l1 = { ...data.lines[0], id: 'new-1' };
    const l2 = { ...data.lines[0], id: 'new-2' };
    expect(fresh.add(l1)).toBe(0);
    expect(fresh.add(l2)).toBe(1);
    expect((await commitChange(db, { workbookId: data.workbook.id, chunks: [chunkRecord(data, fresh, 0), chunkRecord(data, fresh, 1)] })).ok).toBe(true);
    const last = (await loadWorkbook(db, data.workbook.id))!;
    expect(last.data.lines.map((l) => l.id)).toEqual([...data.lines.slice(1, CHUNK_SIZE).map((l) => l.id), 'new-1', 'new-2']);
  });

  it('100 000 lines: create, load back the same count and sum; a one-line edit writes exactly one chunk', async () => {
    const db = freshDb();
    const writes = recordWrites(db);
    const big = buildGeneratedWorkbook(100_000);
    await createWorkbook(db, big);
    expect(await db.lineChunks.count()).toBe(100_000 / CHUNK_SIZE);
    const loaded = (await loadWorkbook(db, big.workbook.id))!;
    expect(loaded.data.lines).toHaveLength(100_000);
    expect(sumPlan(loaded.data.lines)).toBe(sumPlan(big.lines));
    expect(sumPlan(big.lines)).toBeGreaterThan(0);
    expect(loaded.data.lines.map((l) => l.id)).toEqual(big.lines.map((l) => l.id));

    writes.length = 0;
    const line = loaded.data.lines[54_321];
    const no = loaded.chunks.replace({ ...line, plan: line.plan + 1_000 });
    expect(no).toBe(Math.floor(54_321 / CHUNK_SIZE));
    const r = await commitChange(db, { workbookId: big.workbook.id, chunks: [chunkRecord(big, loaded.chunks, no)] });
    expect(r.ok).toBe(true);

    const chunkWrites = writes.filter((w) => w.table === 'lineChunks');
    expect(chunkWrites).toHaveLength(1);
    expect(chunkWrites[0].type).toBe('put');
    expect(chunkWrites[0].values.map((v) => (v as LineChunk).no)).toEqual([no]);
    expect((chunkWrites[0].values[0] as LineChunk).lines).toHaveLength(CHUNK_SIZE);
    expect(writes.filter((w) => w.table !== 'lineChunks').map((w) => `${w.table}:${w.type}:${w.values.length}`)).toEqual(['workbooks:put:1']);

    const again = (await loadWorkbook(db, big.workbook.id))!;
    expect(again.data.lines).toHaveLength(100_000);
    expect(sumPlan(again.data.lines)).toBe(sumPlan(big.lines) + 1_000);
    expect(again.data.lines[54_321].plan).toBe(line.plan + 1_000);
  });

  const failures: [string, (d: WorkbookData) => Partial<WorkbookChange>][] = [
    [
      'a node with an invalid key',
      (d) => ({
        putNodes: [
          { ...d.nodes[0], name: 'Đổi' },
          { ...d.nodes[1], id: undefined as unknown as Id },
        ],
      }),
    ],
    ['a node that cannot be cloned', (d) => ({ putNodes: [{ ...d.nodes[0], name: 'Đổi' }, { ...d.nodes[1], extra: () => 1 } as TreeNode] })],
    [
      'a chunk with an invalid key, after good node writes',
      (d) => ({
        putNodes: [{ ...d.nodes[0], name: 'Đổi' }],
        chunks: [{ scenarioId: d.workbook.baselineScenarioId, workbookId: d.workbook.id, no: Number.NaN, lines: d.lines.slice(0, 1) }],
      }),
    ],
  ];
  it.each(failures)('a change that fails part-way (%s) leaves the database as it was', async (_label, bad) => {
    const db = freshDb();
    const demo = buildDemoWorkbook(5);
    await createWorkbook(db, demo);
    const { chunks } = (await loadWorkbook(db, demo.workbook.id))!;
    const no = chunks.replace({ ...demo.lines[0], plan: 1 });
    const before = await dumpAll(db);
    const r = await commitChange(db, {
      workbook: { ...demo.workbook, name: 'Không được lưu' },
      deleteNodeIds: [demo.nodes[5].id],
      chunks: [chunkRecord(demo, chunks, no)],
      ...bad(demo),
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('db.write-failed');
      expect(String(r.error.params?.detail)).not.toBe('');
    }
    expect(await dumpAll(db)).toEqual(before);
  });

  it('storage full comes back as db.quota, bare or wrapped by Dexie, and nothing is written', async () => {
    for (const wrap of [(e: Error) => e, (e: Error) => new Dexie.AbortError('Transaction aborted', e)]) {
      let full = false;
      const db = freshDb();
      recordWrites(db, (table) => (full && table === 'lineChunks' ? wrap(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : undefined));
      const demo = buildDemoWorkbook(5);
      await createWorkbook(db, demo);
      const { chunks } = (await loadWorkbook(db, demo.workbook.id))!;
      const no = chunks.replace({ ...demo.lines[0], plan: 1 });
      const before = await dumpAll(db);
      full = true;
      const r = await commitChange(db, { putNodes: [{ ...demo.nodes[0], name: 'x' }], chunks: [chunkRecord(demo, chunks, no)] });
      expect(r).toEqual({ ok: false, error: { code: 'db.quota', params: undefined } });
      full = false;
      expect(await dumpAll(db)).toEqual(before);
    }
  });

  it('a closed database comes back as db.write-failed, never a rejection', async () => {
    const db = freshDb();
    const demo = buildDemoWorkbook();
    await createWorkbook(db, demo);
    db.close();
    const r = await commitChange(db, { workbookId: demo.workbook.id, putNodes: [{ ...demo.nodes[0], name: 'x' }] });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('db.write-failed');
      expect(String(r.error.params?.detail)).toMatch(/DatabaseClosed/);
    }
  });

  it('a workbook deleted meanwhile (another tab) is reported and not resurrected, and no orphans are written', async () => {
    const db = freshDb();
    const demo = buildDemoWorkbook();
    await createWorkbook(db, demo);
    const { chunks } = (await loadWorkbook(db, demo.workbook.id))!;
    const otherTab = freshDb(db.name);
    await deleteWorkbook(otherTab, demo.workbook.id);
    const no = chunks.replace({ ...demo.lines[0], plan: 1 });
    for (const change of [
      { workbookId: demo.workbook.id, chunks: [chunkRecord(demo, chunks, no)] },
      { workbook: demo.workbook, putNodes: [demo.nodes[0]] },
      { chunks: [chunkRecord(demo, chunks, no)] },
    ]) {
      const r = await commitChange(db, change);
      expect(r).toEqual({ ok: false, error: { code: 'workbook.missing', params: undefined } });
    }
    expect(await countRecordsOf(db, demo)).toBe(0);
    expect(await db.workbooks.count()).toBe(0);
  });

  it('a change naming two workbooks is refused without writing', async () => {
    const db = freshDb();
    const a = buildDemoWorkbook();
    const b = buildEmptyWorkbook('B', 2025);
    await createWorkbook(db, a);
    await createWorkbook(db, b);
    const before = await dumpAll(db);
    const r = await commitChange(db, { workbookId: a.workbook.id, putNodes: [{ ...b.nodes[0], name: 'x' }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('db.write-failed');
    expect(await dumpAll(db)).toEqual(before);
  });

  it('a change with only node deletions finds its workbook and touches its updatedAt', async () => {
    const db = freshDb();
    const demo = buildDemoWorkbook(5);
    await createWorkbook(db, demo);
    expect((await commitChange(db, { deleteNodeIds: [demo.nodes[3].id] })).ok).toBe(true);
    const loaded = (await loadWorkbook(db, demo.workbook.id))!;
    expect(loaded.data.nodes.map((n) => n.id)).not.toContain(demo.nodes[3].id);
    expect(loaded.data.workbook.updatedAt).toBeGreaterThan(5);
  });
});

describe('meta', () => {
  it('values persist across reopening, overwrite, and are undefined when never set', async () => {
    let db = freshDb();
    await setMeta(db, 'lastWorkbookId', 'abc');
    await setMeta(db, 'demoSeeded', { at: 1, version: 2 });
    await setMeta(db, 'lastWorkbookId', 'def');
    db = await reopen(db);
    expect(await getMeta(db, 'lastWorkbookId')).toBe('def');
    expect(await getMeta(db, 'demoSeeded')).toEqual({ at: 1, version: 2 });
    expect(await getMeta(db, 'missing')).toBeUndefined();
  });
});

describe('another tab upgrading or deleting the database', () => {
  it('closes this connection and calls onVersionChange when a newer schema opens; data stays', async () => {
    const db = freshDb();
    const demo = buildDemoWorkbook();
    await createWorkbook(db, demo);
    const calls: (number | null)[] = [];
    db.onVersionChange = (v) => void calls.push(v);

    // A later build: today's schema plus one more version on top.
    const newer = freshDb(db.name);
    newer.version(SCHEMA_VERSION + 1).stores({ later: 'id' });
    // Resolves only because this connection got out of the way (otherwise the upgrade is blocked).
    await newer.open();

    expect(calls).toHaveLength(1);
    expect(calls[0]).toBeGreaterThan(db.verno * 10);
    expect(db.isOpen()).toBe(false);
    expect(await loadWorkbook(newer, demo.workbook.id)).not.toBeNull();
    expect(newer.verno).toBe(SCHEMA_VERSION + 1);
    // The old connection does not silently reopen under the old schema: writes fail as values.
    const r = await commitChange(db, { workbookId: demo.workbook.id });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('db.write-failed');
  });

  it('calls onVersionChange with null when another tab deletes the database', async () => {
    const db = freshDb();
    await db.open();
    const calls: (number | null)[] = [];
    db.onVersionChange = (v) => void calls.push(v);
    await Dexie.delete(db.name);
    expect(calls).toEqual([null]);
    expect(db.isOpen()).toBe(false);
  });

  it('does not fire for connections at the same version', async () => {
    const db = freshDb();
    await db.open();
    let called = false;
    db.onVersionChange = () => {
      called = true;
    };
    const same = freshDb(db.name);
    await same.open();
    await createWorkbook(same, buildDemoWorkbook());
    expect(called).toBe(false);
    expect(await db.workbooks.count()).toBe(1);
  });
});

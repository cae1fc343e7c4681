// A workbook stored before lines were packed 100 to a chunk (records of up to 1 000 lines, written
// here directly in that shape), edited through the session on a (faked) IndexedDB: the first edit
// touching an old chunk splits it in its own transaction, and afterwards every line is stored once
// with its value, the edit kept, later edits there small; a transaction aborted mid-split loses
// nothing; two tabs editing lines of the same old chunk keep both edits; undo and reopening agree;
// a shared workbook's pull told a chunk from before the split still edits each line once.
import 'fake-indexeddb/auto';
import type { DBCore, DBCoreMutateRequest } from 'dexie';
import { describe, expect, it, vi } from 'vitest';
import { openDatabase, type LineChunk, type PlanbenchDB } from '../../src/db/database';
import { CHUNK_SIZE } from '../../src/db/line-chunks';
import { createWorkbook, loadWorkbook } from '../../src/db/workbook-repo';
import { applyPulled, shareWorkbook } from '../../src/db/sync-repo';
import { buildGeneratedWorkbook } from '../../src/domain/demo';
import type { Id, Line, WorkbookData } from '../../src/domain/model';
import { RecalcClient } from '../../src/engine/recalc-client';
import { WorkbookSession } from '../../src/state/session.svelte';
import type { TabMessage } from '../../src/state/tab-sync';

const OLD = 1_000;
const TR = 1_000_000;
const ctx = { unit: 'trieu', locale: 'vi' } as const;
let seq = 0;

/** A 2 500-line workbook whose lines are stored as older versions stored them: chunks 0, 1 and 2 of 1 000, 1 000 and 500 lines. */
async function storeOld(): Promise<{ name: string; data: WorkbookData; scenarioId: Id }> {
  const name = `old-chunks-test-${Date.now()}-${seq++}`;
  const db = openDatabase(name);
  const data = buildGeneratedWorkbook(2_500);
  await createWorkbook(db, data);
  const scenarioId = data.workbook.baselineScenarioId;
  await db.transaction('rw', db.lineChunks, async () => {
    await db.lineChunks.where('scenarioId').equals(scenarioId).delete();
    const records: LineChunk[] = [];
    for (let i = 0; i < data.lines.length; i += OLD) records.push({ scenarioId, workbookId: data.workbook.id, no: i / OLD, lines: data.lines.slice(i, i + OLD) });
    await db.lineChunks.bulkAdd(records);
  });
  db.close();
  return { name, data, scenarioId };
}

/**
 * A connection to the database that records the chunk records it puts; `refuse` makes the browser
 * refuse a chunk record's put (a transaction that ends mid-way, as when the tab is killed: nothing
 * of it is committed).
 */
function connect(name: string, refuse: (c: LineChunk) => boolean = () => false): { db: PlanbenchDB; written: LineChunk[] } {
  const db = openDatabase(name);
  const written: LineChunk[] = [];
  db.use({
    stack: 'dbcore',
    name: 'chunk-puts',
    create: (down: DBCore) => ({
      ...down,
      table: (t: string) => {
        const table = down.table(t);
        if (t !== 'lineChunks') return table;
        return {
          ...table,
          mutate: (req: DBCoreMutateRequest) => {
            if (req.type === 'put') {
              const values = req.values as LineChunk[];
              if (values.some(refuse)) return Promise.reject(new DOMException('The browser ended the transaction.', 'UnknownError'));
              written.push(...values);
            }
            return table.mutate(req);
          },
        };
      },
    }),
  });
  return { db, written };
}

async function openSession(db: PlanbenchDB, data: WorkbookData): Promise<WorkbookSession> {
  const loaded = (await loadWorkbook(db, data.workbook.id))!;
  const s = new WorkbookSession(db, loaded.data, loaded.chunks, new RecalcClient(false), loaded.scenarioId);
  await s.ready;
  return s;
}

const type = (s: WorkbookSession, id: Id, raw: string, field: 'plan' | 'disbursed' = 'plan') =>
  expect(s.setCells([{ target: { kind: 'line', id }, field, raw }], ctx)).toEqual([]);

async function stored(db: PlanbenchDB, scenarioId: Id): Promise<LineChunk[]> {
  return (await db.lineChunks.where('scenarioId').equals(scenarioId).toArray()).sort((a, b) => a.no - b.no);
}

/** What is wrong with the stored chunks against the lines expected: a line missing, stored twice, or with other values. */
function findProblems(chunks: LineChunk[], expected: readonly Line[]): string[] {
  const want = new Map(expected.map((l) => [l.id, l]));
  const seen = new Map<Id, number>();
  const problems: string[] = [];
  for (const c of chunks) {
    for (const l of c.lines) {
      if (seen.has(l.id)) problems.push(`${l.id} in chunks ${seen.get(l.id)} and ${c.no}`);
      seen.set(l.id, c.no);
      if (JSON.stringify(l) !== JSON.stringify(want.get(l.id))) problems.push(`${l.id} in chunk ${c.no}: ${JSON.stringify(l)}`);
    }
  }
  for (const id of want.keys()) if (!seen.has(id)) problems.push(`${id} missing`);
  return problems;
}

/** The lines with the plans (and disbursements) typed, in đồng. */
const edited = (lines: readonly Line[], edits: Record<Id, Partial<Line>>): Line[] => lines.map((l) => (edits[l.id] ? { ...l, ...edits[l.id] } : l));

const chunkOfStored = (chunks: LineChunk[]) => new Map(chunks.flatMap((c) => c.lines.map((l): [Id, number] => [l.id, c.no])));

describe('a workbook stored in 1 000-line chunks', () => {
  it('the first edit in a chunk splits it in its transaction; later edits there rewrite one small chunk; lines, values, reopening and undo agree', async () => {
    const { name, data, scenarioId } = await storeOld();
    const { db, written } = connect(name);
    const s = await openSession(db, data);
    const L = data.lines;

    type(s, L[1_500].id, '1234');
    await s.flush();
    expect(s.saveStatus).toBe('saved');
    // Chunk 1 keeps its first 100 lines; the other 900 go, in order, to chunks 3–11 (after the
    // highest, 2): ten records of 100 lines written, what rewriting the old chunk wrote.
    expect(written.map((c) => [c.no, c.lines.length]).sort((a, b) => a[0] - b[0])).toEqual([1, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((no) => [no, CHUNK_SIZE]));
    let chunks = await stored(db, scenarioId);
    expect(chunks.map((c) => [c.no, c.lines.length])).toEqual([[0, OLD], [1, CHUNK_SIZE], [2, 500], ...[3, 4, 5, 6, 7, 8, 9, 10, 11].map((no) => [no, CHUNK_SIZE])]);
    expect(chunks.find((c) => c.no === 1)!.lines.map((l) => l.id)).toEqual(L.slice(1_000, 1_100).map((l) => l.id));
    expect(chunks.find((c) => c.no === 7)!.lines.map((l) => l.id)).toEqual(L.slice(1_500, 1_600).map((l) => l.id));
    let want = edited(L, { [L[1_500].id]: { plan: 1234 * TR } });
    expect(findProblems(chunks, want)).toEqual([]);
    // The session knows where the lines now are.
    expect(s.storedChunkOf(L[1_500].id)).toBe(7);
    expect(s.storedChunkOf(L[1_999].id)).toBe(11);

    // A later edit of a line of the same old chunk writes one chunk of 100 lines.
    written.length = 0;
    type(s, L[1_720].id, '77');
    await s.flush();
    expect(written.map((c) => [c.no, c.lines.length])).toEqual([[9, CHUNK_SIZE]]);

    // Edits in the two other old chunks: then no chunk holds more than CHUNK_SIZE lines.
    type(s, L[10].id, '5');
    type(s, L[2_499].id, '6');
    await s.flush();
    chunks = await stored(db, scenarioId);
    expect(Math.max(...chunks.map((c) => c.lines.length))).toBe(CHUNK_SIZE);
    expect(chunks).toHaveLength(25);
    want = edited(want, { [L[1_720].id]: { plan: 77 * TR }, [L[10].id]: { plan: 5 * TR }, [L[2_499].id]: { plan: 6 * TR } });
    expect(findProblems(chunks, want)).toEqual([]);
    for (const [id, no] of chunkOfStored(chunks)) if (s.storedChunkOf(id) !== no) throw new Error(`${id}: session says ${s.storedChunkOf(id)}, stored in ${no}`);

    // Reopened: the same lines, in the same order, with the same total.
    const again = await openSession(connect(name).db, data);
    expect(again.lines.map((l) => [l.id, l.plan])).toEqual(s.lines.map((l) => [l.id, l.plan]));
    expect(again.rollup!.plan[again.rollup!.nodeCount]).toBe(s.rollup!.plan[s.rollup!.nodeCount]);

    // Undo takes the four edits back, in the chunks they now live in.
    for (let i = 0; i < 4; i++) expect(s.undo()).toBe(true);
    await s.flush();
    chunks = await stored(db, scenarioId);
    expect(findProblems(chunks, L)).toEqual([]);
    const undone = await openSession(connect(name).db, data);
    expect(undone.rollup!.plan[undone.rollup!.nodeCount]).toBe(L.reduce((a, l) => a + l.plan, 0));
  });

  it('a transaction that ends mid-split loses nothing; the refused step lands, split, once storage accepts again', async () => {
    const { name, data, scenarioId } = await storeOld();
    let crash = true;
    // The put of one of the new chunks is refused, after chunk 1 and the first parts were put.
    const { db } = connect(name, (c) => crash && c.no === 8);
    const before = await stored(db, scenarioId);
    const s = await openSession(db, data);
    const L = data.lines;
    type(s, L[1_500].id, '1234');
    await s.flush();
    expect(s.saveStatus).toBe('error');
    expect(s.unsavedCount).toBe(1);
    expect(await stored(db, scenarioId)).toEqual(before);
    // The tab is gone: the workbook opened again from storage has every line, as it was.
    const other = await openSession(connect(name).db, data);
    expect(other.lines).toHaveLength(L.length);
    expect(findProblems(await stored(db, scenarioId), L)).toEqual([]);
    // Or the tab stays, and its step is stored once storage accepts again: split, with the edit.
    crash = false;
    await s.retrySave();
    expect(s.saveStatus).toBe('saved');
    const chunks = await stored(db, scenarioId);
    expect(findProblems(chunks, edited(L, { [L[1_500].id]: { plan: 1234 * TR } }))).toEqual([]);
    expect(chunks.map((c) => c.lines.length).filter((n) => n > CHUNK_SIZE)).toEqual([OLD, 500]);
    expect(s.storedChunkOf(L[1_500].id)).toBe(chunkOfStored(chunks).get(L[1_500].id));
  });

  it('two tabs editing lines of the same old chunks keep both edits, also where one tab still holds the chunks whole', async () => {
    const { name, data, scenarioId } = await storeOld();
    const L = data.lines;
    const a = await openSession(connect(name).db, data);
    const b = await openSession(connect(name).db, data);
    const sent: TabMessage[] = [];
    a.onCommitted = (m) => sent.push({ ...m, from: 'a' });
    b.onCommitted = (m) => sent.push({ ...m, from: 'b' });
    const deliver = async (to: WorkbookSession, from: string) => {
      for (const m of sent.filter((x) => x.from === from)) await to.applyRemote(m);
    };

    // Tab a splits old chunk 1 (into 1 and 3–11), then old chunk 0 (into 0 and 12–20).
    type(a, L[1_500].id, '1111');
    type(a, L[500].id, '2222');
    await a.flush();
    // Tab b, not told yet, holds chunks 0 and 1 whole: its edits name them, though most of their
    // lines are stored elsewhere now; one is of a line tab a edited, another field.
    type(b, L[1_950].id, '3333');
    type(b, L[700].id, '4444');
    type(b, L[1_020].id, '5555');
    type(b, L[1_500].id, '99', 'disbursed');
    await b.flush();
    expect(b.saveStatus).toBe('saved');

    const want = edited(L, {
      [L[1_500].id]: { plan: 1111 * TR, disbursed: 99 * TR },
      [L[500].id]: { plan: 2222 * TR },
      [L[1_950].id]: { plan: 3333 * TR },
      [L[700].id]: { plan: 4444 * TR },
      [L[1_020].id]: { plan: 5555 * TR },
    });
    const chunks = await stored(connect(name).db, scenarioId);
    expect(findProblems(chunks, want)).toEqual([]);
    expect(chunks.filter((c) => c.no !== 2).every((c) => c.lines.length <= CHUNK_SIZE)).toBe(true);

    // Each tab, once told, shows both tabs' edits as the stored workbook does, and knows where every line is stored.
    await deliver(a, 'b');
    await deliver(b, 'a');
    const fresh = await openSession(connect(name).db, data);
    const where = chunkOfStored(chunks);
    for (const s of [a, b]) {
      expect(s.lines.map((l) => [l.id, l.plan, l.disbursed])).toEqual(fresh.lines.map((l) => [l.id, l.plan, l.disbursed]));
      expect(s.rollup!.plan[s.rollup!.nodeCount]).toBe(fresh.rollup!.plan[fresh.rollup!.nodeCount]);
      const wrong = [...where].filter(([id, no]) => s.storedChunkOf(id) !== no);
      expect(wrong).toEqual([]);
    }
  });

  it('a pull told the chunk a line was in before the split reads every chunk and edits the line where it is; told by the session, it reads only that chunk', async () => {
    const { name, data, scenarioId } = await storeOld();
    const { db } = connect(name);
    expect((await shareWorkbook(db, { workbookId: data.workbook.id, server: 'http://127.0.0.1:1', orgName: 'Huyện', sharedAt: 1 }, [])).ok).toBe(true);
    const s = await openSession(db, data);
    const L = data.lines;
    type(s, L[1_500].id, '1234');
    await s.flush();
    const pulled = (seq: number, line: Line, plan: number) => ({
      seq,
      opId: `o${seq}`,
      baseSeq: seq - 1,
      scenarioId,
      userName: 'B',
      at: '',
      change: { lines: [{ before: line, after: { ...line, plan } }] },
    });
    // Where a tab that still holds old chunk 1 whole says its lines are.
    const whole = vi.spyOn(db.lineChunks, 'where');
    const stale = await applyPulled(db, data.workbook.id, [pulled(1, L[1_600], 42)], () => 1);
    expect(stale.ok && stale.value.chunks.get(scenarioId)).toEqual([8]);
    expect(whole.mock.calls.some(([index]) => String(index) === '[scenarioId+no]')).toBe(true);
    whole.mockClear();
    // Where this session says, after the split: only that chunk is read.
    const told = await applyPulled(db, data.workbook.id, [pulled(2, L[1_700], 43)], (_s, id) => s.storedChunkOf(id));
    expect(told.ok && told.value.chunks.get(scenarioId)).toEqual([9]);
    expect(whole.mock.calls.some(([index]) => String(index) === '[scenarioId+no]')).toBe(false);
    whole.mockRestore();
    const want = edited(L, { [L[1_500].id]: { plan: 1234 * TR }, [L[1_600].id]: { plan: 42 }, [L[1_700].id]: { plan: 43 } });
    expect(findProblems(await stored(db, scenarioId), want)).toEqual([]);
  });
});

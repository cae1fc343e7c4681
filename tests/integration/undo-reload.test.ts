// Undo survives a reload: the steps of a scenario are stored with its edits, so a session opened
// again takes them back (and makes them again) in order, selecting their cells; a step too large to
// store ends the stored history there; another scenario keeps a history of its own.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { openDatabase, SCHEMA_VERSION, type PlanbenchDB } from '../../src/db/database';
import { createWorkbook, loadWorkbook } from '../../src/db/workbook-repo';
import { UNDO_STEPS_KEPT } from '../../src/db/undo-repo';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { WorkbookSession } from '../../src/state/session.svelte';
import { RecalcClient } from '../../src/engine/recalc-client';
import type { ReadContext } from '../../src/domain/edit';

const ctx: ReadContext = { unit: 'trieu', locale: 'vi' };
const TR = 1_000_000;
let seq = 0;

async function session(db: PlanbenchDB, id: string): Promise<WorkbookSession> {
  const loaded = (await loadWorkbook(db, id))!;
  const s = new WorkbookSession(db, loaded.data, loaded.chunks, new RecalcClient(false));
  await s.ready;
  await s.historyLoaded;
  return s;
}

async function fresh() {
  const db = openDatabase(`undo-reload-${Date.now()}-${seq++}`);
  const demo = buildDemoWorkbook();
  await createWorkbook(db, demo);
  const s = await session(db, demo.workbook.id);
  const lineId = s.lines[0].id;
  const plan = () => s.lines.find((l) => l.id === lineId)!.plan;
  return { db, demo, s, lineId, plan };
}

/** Closes a session as a reload does (its writes done), and opens the workbook again. */
async function reload(db: PlanbenchDB, s: WorkbookSession, id: string): Promise<WorkbookSession> {
  await s.flush();
  // The history's own writes run after the edit's.
  await new Promise((done) => setTimeout(done, 20));
  return session(db, id);
}

describe('undo after a reload', () => {
  it('takes back the steps made before the reload, newest first, selecting their cells, and redo makes them again', async () => {
    const { db, demo, s, lineId } = await fresh();
    const before = s.lines.find((l) => l.id === lineId)!.plan;
    s.setCells([{ target: { kind: 'line', id: lineId }, field: 'plan', raw: '100' }], ctx);
    s.setCells([{ target: { kind: 'line', id: lineId }, field: 'disbursed', raw: '40' }], ctx);
    const again = await reload(db, s, demo.workbook.id);
    const line = () => again.lines.find((l) => l.id === lineId)!;
    expect(again.canUndo).toBe(true);
    expect(again.canRedo).toBe(false);
    expect(again.undo()).toBe(true);
    expect(line().disbursed).not.toBe(40 * TR);
    expect(again.focusRequest).toMatchObject({ target: { kind: 'line', id: lineId }, field: 'disbursed' });
    expect(again.undo()).toBe(true);
    expect(line().plan).toBe(before);
    expect(again.undo()).toBe(false);
    // Undone before the reload, redone after it.
    const third = await reload(db, again, demo.workbook.id);
    expect(third.lines.find((l) => l.id === lineId)!.plan).toBe(before);
    expect(third.canRedo).toBe(true);
    expect(third.redo()).toBe(true);
    expect(third.lines.find((l) => l.id === lineId)!.plan).toBe(100 * TR);
    // A new step after the reload ends what could be redone, there and after the next reload.
    third.setCells([{ target: { kind: 'line', id: lineId }, field: 'plan', raw: '7' }], ctx);
    expect(third.canRedo).toBe(false);
    const fourth = await reload(db, third, demo.workbook.id);
    expect(fourth.canRedo).toBe(false);
    expect(fourth.undo()).toBe(true);
    expect(fourth.lines.find((l) => l.id === lineId)!.plan).toBe(100 * TR);
  });

  it('keeps the last steps only, and a step too large to store ends the stored history', async () => {
    const { db, demo, s, lineId } = await fresh();
    for (let k = 1; k <= UNDO_STEPS_KEPT + 5; k++) s.setCells([{ target: { kind: 'line', id: lineId }, field: 'plan', raw: String(k) }], ctx);
    await s.flush();
    await new Promise((done) => setTimeout(done, 50));
    expect(await db.undoSteps.count()).toBe(UNDO_STEPS_KEPT);
    // One step writing every line of a 3 000-line paste: stored no more, nor anything before it.
    const lines = Array.from({ length: 3_000 }, (_, k) => ({ ...s.lines[0], id: `big-${k}`, order: 10_000 + k }));
    s.setCells([], ctx, lines);
    const again = await reload(db, s, demo.workbook.id);
    expect(again.canUndo).toBe(false);
    again.setCells([{ target: { kind: 'line', id: lineId }, field: 'plan', raw: '9' }], ctx);
    const third = await reload(db, again, demo.workbook.id);
    expect(third.undo()).toBe(true);
    expect(third.lines.find((l) => l.id === lineId)!.plan).toBe((UNDO_STEPS_KEPT + 5) * TR);
    expect(third.canUndo).toBe(false);
  });

  it('a workbook deleted takes its history with it', async () => {
    const { db, s, lineId } = await fresh();
    s.setCells([{ target: { kind: 'line', id: lineId }, field: 'plan', raw: '100' }], ctx);
    await s.flush();
    await new Promise((done) => setTimeout(done, 20));
    expect(await db.undoSteps.count()).toBe(1);
    const { deleteWorkbook } = await import('../../src/db/workbook-repo');
    await deleteWorkbook(db, s.workbook.id);
    expect(await db.undoSteps.count()).toBe(0);
  });
});

describe('schema upgrade 4 → 5 (undo history)', () => {
  it('keeps every record and starts with no stored history', async () => {
    const name = `upgrade-4-5-${Date.now()}-${seq++}`;
    const v4 = new Dexie(name);
    v4.version(4).stores({
      workbooks: 'id, updatedAt',
      nodes: 'id, workbookId',
      scenarios: 'id, workbookId, kind',
      lineChunks: '[scenarioId+no], scenarioId, workbookId',
      meta: 'key',
      places: 'id, workbookId',
      rules: 'id, workbookId, scenarioId',
      outbox: '++order, workbookId, &opId',
      shares: 'workbookId',
      syncShadows: '[workbookId+key], workbookId',
    });
    const demo = buildDemoWorkbook();
    await v4.table('workbooks').add(demo.workbook);
    await v4.table('nodes').bulkAdd(demo.nodes);
    await v4.table('scenarios').bulkAdd(demo.scenarios.map((s) => ({ ...s, kind: 'baseline' })));
    await v4.table('lineChunks').add({ scenarioId: demo.workbook.baselineScenarioId, workbookId: demo.workbook.id, no: 0, lines: demo.lines });
    v4.close();
    const db = openDatabase(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect((await loadWorkbook(db, demo.workbook.id))!.data.lines).toEqual(demo.lines);
    const s = await session(db, demo.workbook.id);
    expect(s.canUndo).toBe(false);
  });
});

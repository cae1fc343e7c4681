// Next year's draft end to end in Node: confirm the projected carry-over in the open workbook,
// draft 2024 from the demo's 2023, and check what IndexedDB (faked) holds after a reload.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type PlanbenchDB } from '../../src/db/database';
import { loadWorkbook } from '../../src/db/workbook-repo';
import { AppState } from '../../src/state/app.svelte';
import { describeProblem } from '../../src/domain/messages';
import type { Id } from '../../src/domain/model';

const TR = 1_000_000;
let seq = 0;
const apps: AppState[] = [];
const dbs: PlanbenchDB[] = [];
afterEach(() => {
  for (const app of apps.splice(0)) app.session?.dispose();
  for (const db of dbs.splice(0)) db.close();
});

async function start(name: string): Promise<AppState> {
  const app = new AppState(name);
  apps.push(app);
  await app.start();
  return app;
}

/** What the database holds for a workbook, read through a connection of its own. */
async function stored(name: string, id: Id) {
  const db = openDatabase(name);
  dbs.push(db);
  return (await loadWorkbook(db, id))?.data ?? null;
}

describe('drafting next year from the open workbook', () => {
  it('confirms the projected carry-over as one step, drafts 2024 as a second workbook that survives a reload, and leaves 2023 as it was', async () => {
    const name = `next-year-${Date.now()}-${seq++}`;
    const app = await start(name);
    const s = app.session!;
    const sourceId = s.workbook.id;

    // The demo's 2023 lines project 113,2 + 1.782,84 + 46,4 + 27,8 triệu of carry-over; 2022 money lapses.
    expect(s.confirmCarryOver()).toBe(4);
    const confirmed = s.lines.filter((l) => l.carryConfirmed);
    expect(confirmed.reduce((sum, l) => sum + l.carryConfirmed!, 0)).toBe(1_970_240_000);
    expect(s.confirmCarryOver()).toBe(0);
    s.undo();
    expect(s.lines.some((l) => l.carryConfirmed)).toBe(false);
    s.redo();
    await s.flush();
    const before = await stored(name, sourceId);
    expect(before!.lines.filter((l) => l.carryConfirmed)).toHaveLength(4);

    const r = await app.draftNextYear();
    if (!r.ok) throw new Error(r.error.code);
    const draftId = r.value;
    expect(draftId).not.toBe(sourceId);
    expect(app.workbooks.map((w) => w.id).sort()).toEqual([sourceId, draftId].sort());
    const open = app.session!;
    expect(open.workbook).toMatchObject({ id: draftId, name: 'Cao Lộc 2024', year: 2024 });
    const total = open.rollup!.nodeCount;
    expect(open.rollup!.carriedIn[total]).toBe(1_970_240_000);
    expect(open.rollup!.plan[total]).toBe(1_970_240_000);
    await open.flush();

    const again = await start(name);
    expect(again.workbooks).toHaveLength(2);
    expect(again.session!.workbook.id).toBe(draftId);
    const draft = await stored(name, draftId);
    const carried = draft!.lines.filter((l) => l.vintage === 2023);
    expect(carried.map((l) => l.plan).sort((a, b) => a - b)).toEqual([27.8 * TR, 46.4 * TR, 113.2 * TR, 1_782.84 * TR].map(Math.round));
    // Eight budget cells in the demo, one empty line of 2024 money each.
    expect(draft!.lines.filter((l) => l.vintage === 2024).map((l) => l.plan)).toEqual(new Array(8).fill(0));
    expect(draft!.nodes.map((n) => n.code).sort()).toEqual(before!.nodes.map((n) => n.code).sort());
    expect(await stored(name, sourceId)).toEqual(before);
  });

  it('refuses a carry-over above what a line has left, naming the line with amounts in đồng, and creates nothing', async () => {
    const name = `next-year-${Date.now()}-${seq++}`;
    const app = await start(name);
    const s = app.session!;
    const line = s.lines.find((l) => l.unit === 'Trung tâm Y tế huyện')!;
    s.setCells([{ target: { kind: 'line', id: line.id }, field: 'carryConfirmed', raw: '500' }], { unit: 'trieu', locale: 'vi' });

    const r = await app.draftNextYear();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toEqual({
      code: 'draft.carry-exceeds-left',
      params: { code: 'DA3.TDA2', label: 'Trung tâm Y tế huyện', confirmed: '500.000.000 đồng', left: '488.960.000 đồng' },
    });
    expect(describeProblem(r.error, 'vi')).toContain('500.000.000 đồng');
    expect(app.workbooks).toHaveLength(1);
    expect(app.session).toBe(s);
  });
});

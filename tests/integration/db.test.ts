// The database layer under fake-indexeddb: a fresh database name per test.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDatabase, type PlanbenchDB } from '../../src/db/database';
import { commitChange, createWorkbook, deleteWorkbook, listWorkbooks, loadWorkbook, getMeta, setMeta } from '../../src/db/workbook-repo';
import { CHUNK_SIZE } from '../../src/db/line-chunks';
import { buildDemoWorkbook, buildGeneratedWorkbook, buildEmptyWorkbook } from '../../src/domain/demo';
import type { Line } from '../../src/domain/model';

let seq = 0;
const freshName = () => `planbench-test-${Date.now()}-${seq++}`;

async function reopen(db: PlanbenchDB): Promise<PlanbenchDB> {
  const name = db.name;
  db.close();
  const again = openDatabase(name);
  await again.open();
  return again;
}

describe('workbook repository', () => {
  it('create then load gives back the same workbook', async () => {
    const db = openDatabase(freshName());
    const demo = buildDemoWorkbook();
    await createWorkbook(db, demo);
    const loaded = await loadWorkbook(db, demo.workbook.id);
    expect(loaded).not.toBeNull();
    expect(loaded!.data.workbook).toEqual(demo.workbook);
    expect(loaded!.data.nodes.sort((a, b) => a.id.localeCompare(b.id))).toEqual([...demo.nodes].sort((a, b) => a.id.localeCompare(b.id)));
    expect(loaded!.data.lines).toEqual(demo.lines);
    expect(loaded!.data.scenarios).toEqual(demo.scenarios);
  });

  it('an edit of one line survives closing and reopening the database; other lines are untouched', async () => {
    let db = openDatabase(freshName());
    const demo = buildDemoWorkbook();
    await createWorkbook(db, demo);
    const { chunks } = (await loadWorkbook(db, demo.workbook.id))!;
    const target = demo.lines[7];
    const edited: Line = { ...target, plan: 300_000_000 };
    const no = chunks.replace(edited);
    const r = await commitChange(db, {
      workbookId: demo.workbook.id,
      chunks: [{ scenarioId: demo.workbook.baselineScenarioId, workbookId: demo.workbook.id, no, lines: chunks.lines(no) }],
    });
    expect(r.ok).toBe(true);
    db = await reopen(db);
    const again = (await loadWorkbook(db, demo.workbook.id))!;
    expect(again.data.lines.find((l) => l.id === target.id)!.plan).toBe(300_000_000);
    for (const l of demo.lines.filter((l) => l.id !== target.id)) expect(again.data.lines.find((x) => x.id === l.id)).toEqual(l);
    expect(again.data.workbook.updatedAt).toBeGreaterThanOrEqual(demo.workbook.updatedAt);
  });

  it('two workbooks coexist and deleting one removes all its records only', async () => {
    const db = openDatabase(freshName());
    const a = buildDemoWorkbook();
    const b = buildEmptyWorkbook('Khác', 2025);
    await createWorkbook(db, a);
    await createWorkbook(db, b);
    expect((await listWorkbooks(db)).map((w) => w.id).sort()).toEqual([a.workbook.id, b.workbook.id].sort());
    await deleteWorkbook(db, a.workbook.id);
    expect(await loadWorkbook(db, a.workbook.id)).toBeNull();
    expect(await db.nodes.where('workbookId').equals(a.workbook.id).count()).toBe(0);
    expect(await db.lineChunks.where('workbookId').equals(a.workbook.id).count()).toBe(0);
    expect(await db.scenarios.where('workbookId').equals(a.workbook.id).count()).toBe(0);
    const bLoaded = await loadWorkbook(db, b.workbook.id);
    expect(bLoaded!.data.nodes).toHaveLength(b.nodes.length);
  });

  it('a 100 000-line workbook round-trips, and a one-line edit rewrites exactly one chunk', async () => {
    const db = openDatabase(freshName());
    const big = buildGeneratedWorkbook(100_000);
    await createWorkbook(db, big);
    expect(await db.lineChunks.count()).toBe(100_000 / CHUNK_SIZE);
    const loaded = (await loadWorkbook(db, big.workbook.id))!;
    expect(loaded.data.lines).toHaveLength(100_000);
    const sum = (ls: Line[]) => ls.reduce((a, l) => a + l.plan, 0);
    expect(sum(loaded.data.lines)).toBe(sum(big.lines));

    const written: number[] = [];
    db.lineChunks.hook('creating', (_k, obj) => void written.push(obj.no));
    db.lineChunks.hook('updating', (_m, _k, obj) => void written.push(obj.no));
    const line = loaded.data.lines[54_321];
    const no = loaded.chunks.replace({ ...line, plan: line.plan + 1 });
    const r = await commitChange(db, {
      workbookId: big.workbook.id,
      chunks: [{ scenarioId: big.workbook.baselineScenarioId, workbookId: big.workbook.id, no, lines: loaded.chunks.lines(no) }],
    });
    expect(r.ok).toBe(true);
    expect(written).toEqual([no]);
    const again = (await loadWorkbook(db, big.workbook.id))!;
    expect(sum(again.data.lines)).toBe(sum(big.lines) + 1);
  });

  it('a change that fails part-way writes nothing (one transaction)', async () => {
    const db = openDatabase(freshName());
    const demo = buildDemoWorkbook();
    await createWorkbook(db, demo);
    const renamed = { ...demo.nodes[0], name: 'Đổi tên' };
    const bad = { ...demo.nodes[1], id: undefined as unknown as string };
    const r = await commitChange(db, { workbookId: demo.workbook.id, putNodes: [renamed, bad] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('db.write-failed');
    expect((await db.nodes.get(demo.nodes[0].id))!.name).toBe(demo.nodes[0].name);
  });

  it('meta values persist', async () => {
    const db = openDatabase(freshName());
    await setMeta(db, 'lastWorkbookId', 'abc');
    expect(await getMeta(db, 'lastWorkbookId')).toBe('abc');
    expect(await getMeta(db, 'missing')).toBeUndefined();
  });

  it('closes and calls back when another connection opens a newer schema', async () => {
    const name = freshName();
    const db = openDatabase(name);
    await db.open();
    let called = false;
    db.onVersionChange = () => {
      called = true;
    };
    const upgrade = indexedDB.open(name, 100);
    await new Promise<void>((resolve, reject) => {
      upgrade.onsuccess = () => {
        upgrade.result.close();
        resolve();
      };
      upgrade.onerror = () => reject(upgrade.error);
    });
    expect(called).toBe(true);
    expect(db.isOpen()).toBe(false);
  });
});

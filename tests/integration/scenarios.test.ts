// Scenarios and versions in storage and in the session, with IndexedDB faked: independence of a
// variant, frozen versions, delete and undo, restoring a version as the baseline, workbook delete.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openDatabase } from '../../src/db/database';
import { createWorkbook, deleteWorkbook, loadWorkbook } from '../../src/db/workbook-repo';
import { copyScenario, deleteScenario, loadScenarioLines, restoreAsBaseline, restoreScenario, updateScenario } from '../../src/db/scenario-repo';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { WorkbookSession } from '../../src/state/session.svelte';
import { AppState } from '../../src/state/app.svelte';
import { RecalcClient } from '../../src/engine/recalc-client';
import { projectionOf } from '../../src/domain/projection';
import type { Id } from '../../src/domain/model';

const TR = 1_000_000;
const ctx = { unit: 'trieu', locale: 'vi' } as const;
let seq = 0;

async function setup() {
  const db = openDatabase(`scenarios-test-${Date.now()}-${seq++}`);
  const demo = buildDemoWorkbook();
  await createWorkbook(db, demo);
  const wbId = demo.workbook.id;
  const baseId = demo.workbook.baselineScenarioId;
  const session = async (scenarioId?: Id) => {
    const loaded = (await loadWorkbook(db, wbId, scenarioId))!;
    const s = new WorkbookSession(db, loaded.data, loaded.chunks, new RecalcClient(false), loaded.scenarioId);
    await s.ready;
    return s;
  };
  const lineOf = (s: WorkbookSession, code: string) => s.lines.find((l) => l.nodeId === demo.nodes.find((n) => n.code === code)!.id)!;
  return { db, demo, wbId, baseId, session, lineOf };
}

describe('scenarios', () => {
  it('a variant is an independent copy: editing its lines and inputs never changes its source', async () => {
    const { db, wbId, baseId, session, lineOf } = await setup();
    const r = await copyScenario(db, wbId, baseId, { kind: 'variant', name: 'Giảm 10 %' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(await loadScenarioLines(db, r.value.id)).toEqual(await loadScenarioLines(db, baseId));
    const v = await session(r.value.id);
    expect(v.scenarioId).toBe(r.value.id);
    v.setCells([{ target: { kind: 'line', id: lineOf(v, 'DA2').id }, field: 'plan', raw: '4.892,4' }], ctx);
    v.setProjection({ method: 'linear' });
    v.setCounterpartRatio('recurrent', 5);
    await v.flush();
    const b = await session(baseId);
    expect(lineOf(b, 'DA2').plan).toBe(5436 * TR);
    expect(projectionOf(b.workbook).method).toBe('expected');
    expect(b.workbook.counterpart?.find((c) => c.capital === 'recurrent' && c.year === 2023)?.percent).toBe(1.73);
    const again = await session(r.value.id);
    expect(lineOf(again, 'DA2').plan).toBe(4_892_400_000);
    expect(projectionOf(again.workbook).method).toBe('linear');
    expect(again.workbook.counterpart?.find((c) => c.capital === 'recurrent' && c.year === 2023)?.percent).toBe(5);
  });

  it('property: any edits in a variant leave the baseline’s stored lines exactly as they were', async () => {
    const { db, wbId, baseId, session } = await setup();
    const before = await loadScenarioLines(db, baseId);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(7), fc.integer({ min: 0, max: 99_999 })), { minLength: 1, maxLength: 6 }), async (edits) => {
        const r = await copyScenario(db, wbId, baseId, { kind: 'variant', name: 'v' });
        if (!r.ok) throw new Error('copy failed');
        const v = await session(r.value.id);
        v.setCells(
          edits.map(([i, x]) => ({ target: { kind: 'line' as const, id: v.lines[i].id }, field: 'plan' as const, raw: String(x) })),
          ctx,
        );
        await v.flush();
        expect(await loadScenarioLines(db, baseId)).toEqual(before);
      }),
      { numRuns: 15 },
    );
  });

  it('a version is frozen: every edit is refused with a message and nothing is saved', async () => {
    const { db, wbId, baseId, session, lineOf } = await setup();
    const r = await copyScenario(db, wbId, baseId, { kind: 'version', name: 'Gửi Sở 15/12', note: 'gửi Sở LĐ-TB&XH 15/12' });
    if (!r.ok) throw new Error('copy failed');
    expect(r.value.frozenAt).toBeTypeOf('number');
    const v = await session(r.value.id);
    expect(v.frozen).toBe(true);
    const problems = v.setCells([{ target: { kind: 'line', id: lineOf(v, 'DA2').id }, field: 'plan', raw: '1' }], ctx);
    expect(problems[0].problem.code).toBe('scenario.frozen');
    v.insertLine(lineOf(v, 'DA2').nodeId);
    v.setProjection({ method: 'linear' });
    await v.flush();
    expect(v.refusal?.problem.code).toBe('scenario.frozen');
    const again = await session(r.value.id);
    expect(lineOf(again, 'DA2').plan).toBe(5436 * TR);
    expect(again.lines).toHaveLength(8);
    expect(projectionOf(again.workbook).method).toBe('expected');
  });

  it('delete a variant and put it back exactly; the baseline cannot be deleted', async () => {
    const { db, wbId, baseId } = await setup();
    const r = await copyScenario(db, wbId, baseId, { kind: 'variant', name: 'v' });
    if (!r.ok) throw new Error('copy failed');
    const lines = await loadScenarioLines(db, r.value.id);
    const del = await deleteScenario(db, wbId, r.value.id);
    expect(del.ok).toBe(true);
    expect(await loadScenarioLines(db, r.value.id)).toEqual([]);
    expect((await loadWorkbook(db, wbId))!.data.scenarios.map((s) => s.id)).toEqual([baseId]);
    if (!del.ok) return;
    expect((await restoreScenario(db, del.value)).ok).toBe(true);
    expect(await loadScenarioLines(db, r.value.id)).toEqual(lines);
    const base = await deleteScenario(db, wbId, baseId);
    expect(!base.ok && base.error.code).toBe('scenario.baseline-delete');
  });

  it('adopting one scenario unmarks the others', async () => {
    const { db, wbId, baseId } = await setup();
    const a = await copyScenario(db, wbId, baseId, { kind: 'variant', name: 'a' });
    if (!a.ok) throw new Error('copy failed');
    await updateScenario(db, wbId, a.value.id, { adopted: true });
    await updateScenario(db, wbId, baseId, { adopted: true, note: 'phương án trình' });
    const list = (await loadWorkbook(db, wbId))!.data.scenarios;
    expect(list.filter((s) => s.adopted).map((s) => s.id)).toEqual([baseId]);
    expect(list.find((s) => s.id === baseId)!.note).toBe('phương án trình');
  });

  it('restoring a version as the baseline keeps the previous baseline as a version, inputs included', async () => {
    const { db, wbId, baseId, session, lineOf } = await setup();
    const v = await copyScenario(db, wbId, baseId, { kind: 'variant', name: 'v' });
    if (!v.ok) throw new Error('copy failed');
    const vs = await session(v.value.id);
    vs.setCells([{ target: { kind: 'line', id: lineOf(vs, 'DA2').id }, field: 'plan', raw: '6000' }], ctx);
    vs.setProjection({ method: 'linear' });
    await vs.flush();
    const frozen = await copyScenario(db, wbId, v.value.id, { kind: 'version', name: 'bản gửi' });
    if (!frozen.ok) throw new Error('freeze failed');
    const r = await restoreAsBaseline(db, wbId, frozen.value.id, { name: 'Kịch bản gốc', keptName: 'Gốc cũ' });
    if (!r.ok) throw new Error('restore failed');
    const b = await session();
    expect(b.scenarioId).toBe(r.value.id);
    expect(lineOf(b, 'DA2').plan).toBe(6000 * TR);
    expect(projectionOf(b.workbook).method).toBe('linear');
    const kept = await session(baseId);
    expect(kept.frozen).toBe(true);
    expect(kept.scenario.name).toBe('Gốc cũ');
    expect(lineOf(kept, 'DA2').plan).toBe(5436 * TR);
    expect(projectionOf(kept.workbook).method).toBe('expected');
    const notVersion = await restoreAsBaseline(db, wbId, v.value.id, { name: 'x', keptName: 'y' });
    expect(!notVersion.ok && notVersion.error.code).toBe('scenario.not-version');
  });

  it('deleting a workbook deletes its scenarios, versions and their lines', async () => {
    const { db, wbId, baseId } = await setup();
    const v = await copyScenario(db, wbId, baseId, { kind: 'version', name: 'v' });
    if (!v.ok) throw new Error('copy failed');
    await deleteWorkbook(db, wbId);
    expect(await db.scenarios.where('workbookId').equals(wbId).count()).toBe(0);
    expect(await db.lineChunks.where('workbookId').equals(wbId).count()).toBe(0);
  });

  it('a variant of the scenario shown, made from the lines the tab holds, is stored as its source and opens the same from storage', async () => {
    const name = `scenarios-app-${Date.now()}-${seq++}`;
    const app = new AppState(name);
    await app.start();
    const base = app.session!;
    const baseId = base.scenarioId;
    const da2 = base.lines.find((l) => l.nodeId === base.tree.nodes.find((n) => n.code === 'DA2')!.id)!;
    expect(base.setCells([{ target: { kind: 'line', id: da2.id }, field: 'plan', raw: '6.000' }], ctx)).toEqual([]);
    const r = await app.createVariant(baseId, 'Phương án A', 'tăng DA2');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = app.session!;
    expect(v.scenarioId).toBe(r.value.id);
    expect(v.scenario.note).toBe('tăng DA2');
    expect(v.scenarios.map((s) => s.id)).toContain(baseId);
    // What the tab shows is what was stored, line for line, and what the baseline holds.
    const db = openDatabase(name);
    const storedBase = await loadScenarioLines(db, baseId);
    expect(storedBase.find((l) => l.id === da2.id)!.plan).toBe(6000 * TR);
    expect(await loadScenarioLines(db, r.value.id)).toEqual(storedBase);
    expect(v.lines).toEqual(storedBase);
    const total = v.rollup!.plan[v.rollup!.nodeCount];
    // Edits of the variant stay in it.
    expect(v.setCells([{ target: { kind: 'line', id: da2.id }, field: 'plan', raw: '1.000' }], ctx)).toEqual([]);
    await v.flush();
    expect(await loadScenarioLines(db, baseId)).toEqual(storedBase);
    v.dispose();
    // Another visit opens the variant (the last used) from storage, with the edit and the same total less 5.000 triệu.
    const again = new AppState(name);
    await again.start();
    expect(again.session!.scenarioId).toBe(r.value.id);
    expect(again.session!.lines.find((l) => l.id === da2.id)!.plan).toBe(1000 * TR);
    expect(again.session!.rollup!.plan[again.session!.rollup!.nodeCount]).toBe(total - 5000 * TR);
    again.session!.dispose();
  });

  it('with edits storage refused, the tab stays on its scenario instead of switching and losing them', async () => {
    const app = new AppState(`scenarios-full-${Date.now()}-${seq++}`);
    await app.start();
    const baseId = app.session!.scenarioId;
    const made = await app.createVariant(baseId, 'Phương án B');
    expect(made.ok).toBe(true);
    const s = app.session!;
    const line = s.lines[0];
    const proto = IDBObjectStore.prototype as unknown as Record<'put' | 'add', unknown>;
    const { put, add } = proto;
    const full = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    proto.put = proto.add = full;
    try {
      expect(s.setCells([{ target: { kind: 'line', id: line.id }, field: 'plan', raw: '777' }], ctx)).toEqual([]);
      await s.flush();
      expect(s.unsavedCount).toBe(1);
      for (const attempt of [() => app.switchScenario(baseId), () => app.createVariant(s.scenarioId, 'C'), () => app.createVariant(baseId, 'D')]) {
        await attempt();
        expect(app.session).toBe(s);
        expect(app.notice?.problem?.code).toBe('session.unsaved-leave');
        expect(app.notice?.problem?.params).toEqual({ count: 1 });
      }
      expect(s.lines.find((l) => l.id === line.id)!.plan).toBe(777 * TR);
    } finally {
      proto.put = put;
      proto.add = add;
    }
    // Space is back: the edit is stored, and switching works.
    await s.retrySave();
    expect(s.unsavedCount).toBe(0);
    await app.switchScenario(baseId);
    expect(app.session!.scenarioId).toBe(baseId);
    await app.switchScenario(made.ok ? made.value.id : '');
    expect(app.session!.lines.find((l) => l.id === line.id)!.plan).toBe(777 * TR);
    app.session!.dispose();
  });

  it('a variant whose copy storage refuses is not shown: the tab stays on its scenario and says why', async () => {
    const name = `scenarios-refused-${Date.now()}-${seq++}`;
    const app = new AppState(name);
    await app.start();
    const s = app.session!;
    const proto = IDBObjectStore.prototype as unknown as Record<'put' | 'add', unknown>;
    const { put, add } = proto;
    proto.put = proto.add = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    try {
      const r = await app.createVariant(s.scenarioId, 'Phương án C');
      expect(r.ok ? null : r.error.code).toBe('db.quota-scenario');
    } finally {
      proto.put = put;
      proto.add = add;
    }
    expect(app.session).toBe(s);
    expect(app.notice?.problem?.code).toBe('db.quota-scenario');
    const db = openDatabase(name);
    expect((await db.scenarios.toArray()).map((x) => x.name)).not.toContain('Phương án C');
    s.dispose();
  });
});

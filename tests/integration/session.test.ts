// The open-workbook session end to end in Node: edits, undo/redo, structure changes, what is saved,
// with the recalculation running on the main-thread fallback and IndexedDB faked.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database';
import { createWorkbook, loadWorkbook } from '../../src/db/workbook-repo';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { WorkbookSession } from '../../src/state/session.svelte';
import { RecalcClient } from '../../src/engine/recalc-client';
import { asyncWorkerClient } from './worker-channel';
import type { ReadContext } from '../../src/domain/edit';
import type { AllocationRuleRecord, WorkbookData } from '../../src/domain/model';
import { ruleFromRecord } from '../../src/domain/allocation-plan';

const TR = 1_000_000;
const ctx: ReadContext = { unit: 'trieu', locale: 'vi' };
let seq = 0;

/** The demo's DA3.TDA1 envelope by poor households, 10 % kept by the district office. */
function da3Rule(demo: WorkbookData): AllocationRuleRecord {
  return {
    id: 'rule-1',
    workbookId: demo.workbook.id,
    scenarioId: demo.workbook.baselineScenarioId,
    name: 'Phân bổ 2024',
    nodeId: demo.nodes.find((n) => n.code === 'DA3.TDA1')!.id,
    source: 'central',
    capital: 'recurrent',
    year: 2023,
    envelope: 2_398 * TR,
    unit: TR,
    criteria: [{ key: 'poor', weight: 1 }],
    reserved: [{ id: 'ldtbxh', label: 'Phòng LĐ-TB&XH', percent: 10 }],
    overrides: {},
    createdAt: 0,
    updatedAt: 0,
  };
}

async function open(engine = new RecalcClient(false)) {
  const db = openDatabase(`session-test-${Date.now()}-${seq++}`);
  const demo = buildDemoWorkbook();
  await createWorkbook(db, demo);
  const loaded = (await loadWorkbook(db, demo.workbook.id))!;
  const s = new WorkbookSession(db, loaded.data, loaded.chunks, engine);
  await s.ready;
  const line = (code: string) => s.lines.find((l) => l.nodeId === demo.nodes.find((n) => n.code === code)!.id)!;
  const nodeIdx = (code: string) => s.tree.indexOf.get(demo.nodes.find((n) => n.code === code)!.id)!;
  const settle = async () => {
    await s.flush();
    await new Promise((r) => setTimeout(r, 0));
  };
  const reload = async () => {
    await s.flush();
    const again = (await loadWorkbook(db, demo.workbook.id))!;
    return again.data;
  };
  return { db, demo, s, line, nodeIdx, settle, reload };
}

describe('WorkbookSession', () => {
  it('an edit updates the line, its project and the total, and is saved', async () => {
    const { s, line, nodeIdx, settle, reload } = await open();
    const problems = s.setCells([{ target: { kind: 'line', id: line('DA7.TDA2').id }, field: 'plan', raw: '300' }], ctx);
    expect(problems).toEqual([]);
    await settle();
    expect(line('DA7.TDA2').plan).toBe(300 * TR);
    expect(s.rollup!.plan[nodeIdx('DA7')]).toBe(820 * TR);
    expect(s.rollup!.plan[s.rollup!.nodeCount]).toBe(13_841 * TR);
    const saved = await reload();
    expect(saved.lines.find((l) => l.id === line('DA7.TDA2').id)!.plan).toBe(300 * TR);
  });

  it('refuses unreadable input, keeps the old value, and applies the readable cells of the same paste', async () => {
    const { s, line, settle } = await open();
    const id = line('DA7.TDA2').id;
    const problems = s.setCells(
      [
        { target: { kind: 'line', id }, field: 'plan', raw: 'abc' },
        { target: { kind: 'line', id }, field: 'disbursed', raw: '89,65' },
      ],
      ctx,
    );
    await settle();
    expect(problems).toHaveLength(1);
    expect(problems[0].problem.code).toBe('amount.not-a-number');
    expect(line('DA7.TDA2').plan).toBe(278 * TR);
    expect(line('DA7.TDA2').disbursed).toBe(89_650_000);
  });

  it('undo and redo restore values in memory and in the database', async () => {
    const { s, line, settle, reload } = await open();
    const id = line('DA3.TDA2').id;
    s.setCells([{ target: { kind: 'line', id }, field: 'disbursed', raw: '100' }], ctx);
    await settle();
    expect(s.undo()).toBe(true);
    await settle();
    expect(line('DA3.TDA2').disbursed).toBe(77_040_000);
    expect((await reload()).lines.find((l) => l.id === id)!.disbursed).toBe(77_040_000);
    expect(s.redo()).toBe(true);
    await settle();
    expect(line('DA3.TDA2').disbursed).toBe(100 * TR);
    expect(s.undo()).toBe(true);
    expect(s.undo()).toBe(false);
  });

  it('inserting, deleting and undoing lines keeps totals and storage right', async () => {
    const { s, demo, nodeIdx, settle, reload } = await open();
    const da5 = demo.nodes.find((n) => n.code === 'DA5')!.id;
    const id = s.insertLine(da5);
    s.setCells([{ target: { kind: 'line', id }, field: 'plan', raw: '200' }], ctx);
    await settle();
    expect(s.rollup!.plan[nodeIdx('DA5')]).toBe(200 * TR);
    expect((await reload()).lines).toHaveLength(9);
    s.deleteLines([id]);
    await settle();
    expect(s.rollup!.plan[s.rollup!.nodeCount]).toBe(13_819 * TR);
    expect((await reload()).lines).toHaveLength(8);
    s.undo();
    await settle();
    expect(s.lineOf(id)!.plan).toBe(200 * TR);
    expect((await reload()).lines).toHaveLength(9);
  });

  it('deleting a project removes its sub-projects and lines as one undoable step', async () => {
    const { s, demo, settle, reload } = await open();
    const da7 = demo.nodes.find((n) => n.code === 'DA7')!.id;
    s.deleteNode(da7);
    await settle();
    expect(s.tree.nodes.some((n) => n.code.startsWith('DA7'))).toBe(false);
    expect(s.rollup!.plan[s.rollup!.nodeCount]).toBe((13_819 - 798) * TR);
    const saved = await reload();
    expect(saved.nodes.some((n) => n.code.startsWith('DA7'))).toBe(false);
    expect(saved.lines).toHaveLength(6);
    s.undo();
    await settle();
    expect(s.rollup!.plan[s.rollup!.nodeCount]).toBe(13_819 * TR);
    expect((await reload()).nodes.filter((n) => n.code.startsWith('DA7'))).toHaveLength(3);
  });

  it('the total row edits the workbook stated plan; node rows edit their own', async () => {
    const { s, demo, settle, reload } = await open();
    s.setCells([{ target: { kind: 'total' }, field: 'statedPlan', raw: '13.400' }], ctx);
    const da2 = demo.nodes.find((n) => n.code === 'DA2')!.id;
    s.setCells([{ target: { kind: 'node', id: da2 }, field: 'name', raw: 'Đa dạng hoá sinh kế' }], ctx);
    await settle();
    const saved = await reload();
    expect(saved.workbook.stated.find((y) => y.year === 2023)!.figures.plan).toBe(13_400 * TR);
    expect(saved.workbook.stated.find((y) => y.year === 2023)!.figures.central).toBe(13_164 * TR);
    expect(saved.nodes.find((n) => n.id === da2)!.name).toBe('Đa dạng hoá sinh kế');
  });

  it('collapsing a node hides its descendants and lines from the rows', async () => {
    const { s, demo } = await open();
    const before = s.rows.length;
    s.toggleCollapsed(demo.nodes.find((n) => n.code === 'DA3')!.id);
    expect(s.rows.length).toBe(before - 4); // DA3.TDA1 + line, DA3.TDA2 + line
    s.toggleCollapsed(demo.nodes.find((n) => n.code === 'DA3')!.id);
    expect(s.rows.length).toBe(before);
  });

  it('tree edits: add, move, indent and outdent nodes, all undoable and saved', async () => {
    const { s, demo, settle, reload } = await open();
    const codes = () => s.tree.nodes.filter((n) => n.parentId === null).map((n) => n.code);
    const da7 = demo.nodes.find((n) => n.code === 'DA7')!.id;
    s.moveNode(da7, -1);
    await settle();
    expect(codes().slice(-2)).toEqual(['DA7', 'DA6']);
    s.undo();
    expect(codes().slice(-2)).toEqual(['DA6', 'DA7']);

    const added = s.addNode(da7, 'DA7.TDA3', 'Hoạt động mới');
    await settle();
    expect(s.nodeOf(added)!.parentId).toBe(da7);
    expect(s.tree.depth[s.tree.indexOf.get(added)!]).toBe(1);
    s.shiftNode(added, 'out');
    await settle();
    expect(s.nodeOf(added)!.parentId).toBeNull();
    expect(codes().at(-1)).toBe('DA7.TDA3');
    s.shiftNode(added, 'in');
    await settle();
    expect(s.nodeOf(added)!.parentId).toBe(da7);
    const saved = await reload();
    expect(saved.nodes.find((n) => n.id === added)!.parentId).toBe(da7);
    s.undo();
    s.undo();
    s.undo();
    await settle();
    expect(s.nodeOf(added)).toBeUndefined();
    expect((await reload()).nodes.some((n) => n.id === added)).toBe(false);
  });

  it('places sheet: criterion values are read, refused when not numbers, undoable and saved', async () => {
    const { s, settle, reload } = await open();
    const lyen = s.places.find((p) => p.name === 'Lộc Yên')!;
    const problems = s.setPlaceCells(
      [
        { placeId: lyen.id, field: 'poor', raw: '1.234' },
        { placeId: lyen.id, field: 'nearPoor', raw: 'nhiều' },
        { placeId: lyen.id, field: 'difficult', raw: 'không' },
        { placeId: lyen.id, field: 'households', raw: '-5' },
      ],
      'vi',
    );
    expect(problems.map((p) => p.problem.code)).toEqual(['criterion.not-a-number', 'criterion.negative']);
    await settle();
    const now = s.places.find((p) => p.id === lyen.id)!;
    expect(now.values.poor).toBe(1234);
    expect(now.values.difficult).toBe(0);
    expect(now.values.nearPoor).toBe(lyen.values.nearPoor);
    expect((await reload()).places!.find((p) => p.id === lyen.id)!.values.poor).toBe(1234);
    s.undo();
    await settle();
    expect(s.places.find((p) => p.id === lyen.id)!.values.poor).toBe(84);
    expect((await reload()).places!.find((p) => p.id === lyen.id)!.values.poor).toBe(84);
  });

  it('places sheet: add a place and a criterion column; undo removes them', async () => {
    const { s, settle, reload } = await open();
    const key = s.addCriterion('Hộ mới thoát nghèo', 'count');
    const id = s.addPlace();
    s.setPlaceCells(
      [
        { placeId: id, field: 'name', raw: 'Xã mới' },
        { placeId: id, field: key, raw: '12' },
      ],
      'vi',
    );
    await settle();
    const saved = await reload();
    expect(saved.workbook.criteria!.some((c) => c.key === key && c.label === 'Hộ mới thoát nghèo')).toBe(true);
    expect(saved.places!.find((p) => p.id === id)!.values[key]).toBe(12);
    s.undo();
    s.undo();
    s.undo();
    await settle();
    expect(s.places.some((p) => p.id === id)).toBe(false);
    expect(s.workbook.criteria!.some((c) => c.key === key)).toBe(false);
    expect((await reload()).places).toHaveLength(22);
  });

  it('applying an allocation writes one line per commune in place of the envelope, as one undo step; re-applying updates them', async () => {
    const { s, demo, nodeIdx, settle, reload } = await open();
    const rec = da3Rule(demo);
    const split = await s.previewAllocation(ruleFromRecord(rec, s.places));
    expect(split?.ok).toBe(true);
    if (!split?.ok) return;
    const before = s.rollup!.plan[nodeIdx('DA3.TDA1')];
    const source = s.lines.find((l) => l.nodeId === rec.nodeId)!;
    s.applyAllocation(rec, split.value);
    await settle();
    // The 2.398 line the envelope came from is replaced: DA3.TDA1 stays 2.398, not 4.796. It held
    // disbursements (153), so it stays with a plan of 0 rather than going.
    expect(s.rollup!.plan[nodeIdx('DA3.TDA1')]).toBe(before);
    expect(s.lineOf(source.id)!.plan).toBe(0);
    expect(s.lineOf(source.id)!.disbursed).toBe(source.disbursed);
    const written = s.lines.filter((l) => l.allocation?.ruleId === 'rule-1');
    expect(written.length).toBe(23); // 22 communes + the reserve
    // The split lines carry the source line's settings: its vintage and expected rate.
    expect(new Set(written.map((l) => `${l.vintage}|${l.expectedRate}`))).toEqual(new Set([`${source.vintage}|${source.expectedRate}`]));
    expect(written.find((l) => l.allocation!.key === 'reserve:ldtbxh')!.plan).toBe(239 * TR);
    expect((await reload()).rules).toHaveLength(1);

    const equal = { ...rec, criteria: [{ key: 'equal', weight: 1 }] };
    const again = await s.previewAllocation(ruleFromRecord(equal, s.places));
    if (!again?.ok) throw new Error('split failed');
    s.applyAllocation(equal, again.value);
    await settle();
    expect(s.lines.filter((l) => l.allocation?.ruleId === 'rule-1')).toHaveLength(23);
    expect(s.rollup!.plan[nodeIdx('DA3.TDA1')]).toBe(before);
    s.deleteRule('rule-1');
    await settle();
    expect((await reload()).rules).toHaveLength(0);
    expect(s.lines.filter((l) => l.allocation?.ruleId === 'rule-1')).toHaveLength(23); // its lines stay
    s.undo();
    expect(s.rules).toHaveLength(1);
    s.undo();
    s.undo();
    await settle();
    expect(s.lines.filter((l) => l.allocation)).toHaveLength(0);
    expect(s.rollup!.plan[nodeIdx('DA3.TDA1')]).toBe(before);
    expect(s.lineOf(source.id)!.plan).toBe(source.plan);
    const saved = await reload();
    expect(saved.rules).toHaveLength(0);
    expect(saved.lines).toHaveLength(8);
  });

  it('an allocation written beside the envelope, when the user asks for that, adds to the item', async () => {
    const { s, demo, nodeIdx, settle } = await open();
    const rec = da3Rule(demo);
    const split = await s.previewAllocation(ruleFromRecord(rec, s.places));
    if (!split?.ok) throw new Error('split failed');
    const before = s.rollup!.plan[nodeIdx('DA3.TDA1')];
    s.applyAllocation(rec, split.value, 'add');
    await settle();
    expect(s.rollup!.plan[nodeIdx('DA3.TDA1')] - before).toBe(2_398 * TR);
  });

  it('a saved rule is flagged when a place, a written line or the places list changes, and re-applying clears the flag', async () => {
    const { s, demo, settle } = await open();
    const rec = da3Rule(demo);
    const status = () => s.ruleChecks.statuses.get('rule-1');
    const reapply = async () => {
      const split = await s.previewAllocation(ruleFromRecord(s.rules.find((r) => r.id === 'rule-1') ?? rec, s.places));
      if (!split?.ok) throw new Error('split failed');
      s.applyAllocation(rec, split.value);
      await settle();
      await s.checkRules();
    };
    const written = () => s.lines.filter((l) => l.allocation?.ruleId === 'rule-1');
    await reapply();
    expect(status()).toEqual({ kind: 'current' });

    // More poor households in Lộc Yên: its share grows, others shrink.
    const locYen = s.places.find((p) => p.name === 'Lộc Yên')!;
    s.setPlaceCells([{ placeId: locYen.id, field: 'poor', raw: '900' }], 'vi');
    await s.checkRules();
    const stale = status();
    expect(stale?.kind).toBe('stale');
    expect(stale?.kind === 'stale' && stale.moved).toBeGreaterThan(1);
    await reapply();
    expect(status()).toEqual({ kind: 'current' });

    // A written line edited by hand: exactly that amount moved.
    const line = written().find((l) => l.allocation!.key === locYen.id)!;
    s.setCells([{ target: { kind: 'line', id: line.id }, field: 'plan', raw: '1' }], ctx);
    await s.checkRules();
    expect(status()).toEqual({ kind: 'stale', moved: 1 });
    s.undo();
    await s.checkRules();
    expect(status()).toEqual({ kind: 'current' });

    // A place deleted: its line still holds money until the rule is applied again, which sets it to 0.
    s.deletePlaces([locYen.id]);
    await s.checkRules();
    expect(status()?.kind).toBe('stale');
    await reapply();
    expect(status()).toEqual({ kind: 'current' });
    expect(written().find((l) => l.allocation!.key === locYen.id)!.plan).toBe(0);
    expect(written().reduce((a, l) => a + l.plan, 0)).toBe(2_398 * TR);

    // A new place with no figures: the rule can no longer be split, and says why.
    const added = s.addPlace();
    await s.checkRules();
    expect(status()).toEqual({ kind: 'failed', problem: { code: 'allocation.bad-value', params: { recipient: added, column: 'poor' } } });
    s.undo();
    await s.checkRules();
    expect(status()).toEqual({ kind: 'current' });

    // A deleted rule is no longer checked.
    s.deleteRule('rule-1');
    await s.checkRules();
    expect(status()).toBeUndefined();
  });

  it('checking the saved rules never cancels the preview being typed', async () => {
    const { s, demo } = await open(asyncWorkerClient());
    const rec: AllocationRuleRecord = { ...da3Rule(demo), id: 'rule-2', envelope: 220 * TR, criteria: [{ key: 'equal', weight: 1 }], reserved: [] };
    const split = await s.previewAllocation(ruleFromRecord(rec, s.places));
    if (!split?.ok) throw new Error('split failed');
    s.applyAllocation(rec, split.value);
    const [preview] = await Promise.all([s.previewAllocation(ruleFromRecord(rec, s.places)), s.checkRules()]);
    expect(preview?.ok).toBe(true);
    expect(s.recalcMode).toBe('worker');
    expect(s.ruleChecks.statuses.get('rule-2')).toEqual({ kind: 'current' });
    // A newer check does cancel an older one, which then writes nothing.
    const older = s.checkRules();
    s.setPlaceCells([{ placeId: s.places[0].id, field: 'poor', raw: '1' }], 'vi');
    await Promise.all([older, s.checkRules()]);
    expect(s.ruleChecks.statuses.get('rule-2')).toEqual({ kind: 'current' }); // equal shares ignore poor households
    s.dispose();
  });

  it('projection: method, as-of date, a line’s months and eligibility move carry-over and lapse; undo restores; saved', async () => {
    const { s, line, settle, reload } = await open(asyncWorkerClient());
    const total = () => ({ carry: s.rollup!.carryOver[s.rollup!.nodeCount], lapse: s.rollup!.lapse[s.rollup!.nodeCount] });
    await settle();
    expect(total()).toEqual({ carry: 1_970_240_000, lapse: 224_100_000 });
    s.setProjection({ method: 'linear' });
    await settle();
    expect(total().lapse).toBe(7_043_000_000);
    s.setAsOf('2023-12-31');
    await settle();
    expect(total().lapse).toBe(7_422_000_000);
    s.undo();
    await settle();
    expect(total().lapse).toBe(7_043_000_000);
    // DA7.TDA2 no longer eligible: its money left lapses instead of carrying over.
    const before = total();
    const da7 = line('DA7.TDA2');
    const left = da7.plan - s.rollup!.lineProjected[s.lines.indexOf(da7)];
    s.setCells(
      [
        { target: { kind: 'line', id: da7.id }, field: 'carryEligible', raw: 'Không' },
        { target: { kind: 'line', id: da7.id }, field: 'm10', raw: '50' },
      ],
      ctx,
    );
    await settle();
    expect(total().lapse - before.lapse).toBe(left);
    expect(total().carry - before.carry).toBe(-left);
    expect(s.rollup!.months[s.rollup!.nodeCount * 13 + 9]).toBe(50 * TR);
    const saved = await reload();
    expect(saved.workbook.settings.projection?.method).toBe('linear');
    expect(saved.workbook.settings.asOf).toBe('2023-11-15');
    expect(saved.lines.find((l) => l.id === da7.id)!.months?.[9]).toBe(50 * TR);
  });

  it('a field that does not belong to the row kind is a bug, not a silent write', async () => {
    const { s, line } = await open();
    expect(() => s.setCells([{ target: { kind: 'line', id: line('DA2').id }, field: 'name', raw: 'x' }], ctx)).toThrow();
  });
});

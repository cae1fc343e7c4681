// Formulas in the open workbook: typed into a line, followed by the lines they read, saved, undone
// as one step with what followed, refused with the cycle named, cleared by a typed value, marked
// #REF! when what they read is deleted and back when the deletion is undone; column formulas.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database';
import { createWorkbook, loadWorkbook } from '../../src/db/workbook-repo';
import { buildDemoWorkbook, buildGeneratedWorkbook } from '../../src/domain/demo';
import { WorkbookSession } from '../../src/state/session.svelte';
import { RecalcClient } from '../../src/engine/recalc-client';
import type { ReadContext } from '../../src/domain/edit';
import { describeProblem } from '../../src/domain/messages';

const TR = 1_000_000;
const ctx: ReadContext = { unit: 'trieu', locale: 'vi' };
let seq = 0;

async function open(prepare: (demo: ReturnType<typeof buildDemoWorkbook>) => void = () => {}) {
  const db = openDatabase(`formula-session-${Date.now()}-${seq++}`);
  const demo = buildDemoWorkbook();
  prepare(demo);
  await createWorkbook(db, demo);
  const loaded = (await loadWorkbook(db, demo.workbook.id))!;
  const s = new WorkbookSession(db, loaded.data, loaded.chunks, new RecalcClient(false));
  await s.ready;
  await s.formulasChecked;
  const nodeId = (code: string) => demo.nodes.find((n) => n.code === code)!.id;
  const line = (code: string) => s.lines.find((l) => l.nodeId === nodeId(code))!;
  const health = () => s.lines.find((l) => l.unit === 'Trung tâm Y tế huyện')!;
  const settled = () => s.formulasSettled();
  const reload = async () => {
    await s.flush();
    return (await loadWorkbook(db, demo.workbook.id))!.data;
  };
  return { s, line, health, nodeId, reload, settled };
}

describe('formulas in a session', () => {
  it('a line typed =DA3.TDA1*10% follows DA3.TDA1, is saved, and one undo takes back an edit and what followed', async () => {
    const { s, line, health, reload, settled } = await open();
    const target = health();
    expect(s.setCells([{ target: { kind: 'line', id: target.id }, field: 'plan', raw: '=DA3.TDA1*10%' }], ctx)).toEqual([]);
    await settled();
    expect(health().plan).toBe(239_800_000);
    expect(s.formulaOf(target.id, 'plan', 'vi')).toEqual({ text: '=DA3.TDA1*10%', fromColumn: false });
    s.setCells([{ target: { kind: 'line', id: line('DA3.TDA1').id }, field: 'plan', raw: '3.000' }], ctx);
    await settled();
    expect(health().plan).toBe(300 * TR);
    const saved = await reload();
    expect(saved.lines.find((l) => l.id === target.id)!.plan).toBe(300 * TR);
    expect(saved.lines.find((l) => l.id === target.id)!.formulas?.plan?.text).toMatch(/^=\[#item:.+\]\*10%$/);
    expect(s.undo()).toBe(true);
    await settled();
    expect(line('DA3.TDA1').plan).toBe(2_398 * TR);
    expect(health().plan).toBe(239_800_000);
    expect(s.undo()).toBe(true);
    await settled();
    expect(health().plan).toBe(566 * TR);
    expect(health().formulas).toBeUndefined();
    // What the formula wrote is stored with it, and taken back with it.
    expect((await reload()).lines.find((l) => l.id === target.id)!.plan).toBe(566 * TR);
  });

  it('formulas reading items follow every kind of edit, undo and redo, as computing the whole workbook again gives', async () => {
    const { s, line, health, nodeId, settled, reload } = await open();
    const target = health();
    expect(s.setCells([{ target: { kind: 'line', id: target.id }, field: 'plan', raw: '=DA3.TDA1*10% + DA7.NSĐP' }], ctx)).toEqual([]);
    const other = line('DA7.TDA2');
    expect(s.setCells([{ target: { kind: 'line', id: other.id }, field: 'disbursed', raw: '=DA3.disbursed/2' }], ctx)).toEqual([]);
    await settled();
    const lines = s.lines.filter((l) => l.id !== target.id && l.id !== other.id);
    // Edits of amounts, sources (which move the local total) and units, on lines in and out of the items read.
    let k = 0;
    const edits: (() => void)[] = [
      () => s.setCells([{ target: { kind: 'line', id: line('DA3.TDA1').id }, field: 'plan', raw: String(1_000 + k) }], ctx),
      () => s.setCells([{ target: { kind: 'line', id: lines[k % lines.length].id }, field: 'source', raw: k % 2 ? 'NSĐP' : 'NSTW' }], ctx),
      () => s.setCells([{ target: { kind: 'line', id: lines[(k * 3) % lines.length].id }, field: 'plan', raw: String(200 + 7 * k) }], ctx),
      () => s.setCells([{ target: { kind: 'line', id: lines[(k * 5) % lines.length].id }, field: 'disbursed', raw: String(10 + k) }], ctx),
      () => s.undo(),
      () => s.redo(),
    ];
    const da3 = nodeId('DA3.TDA1');
    for (; k < 36; k++) {
      edits[k % edits.length]();
      // Every third step is checked before the worker's answer came: the next edit goes on meanwhile.
      if (k % 3 === 2) continue;
      await settled();
      const all = s.lines;
      const itemPlan = all.filter((l) => l.nodeId === da3).reduce((a, l) => a + l.plan, 0);
      const under = (code: string) => new Set(s.tree.nodes.filter((n) => n.id === nodeId(code) || n.parentId === nodeId(code)).map((n) => n.id));
      const underDa7 = under('DA7');
      const local = all.filter((l) => l.source === 'local' && underDa7.has(l.nodeId)).reduce((a, l) => a + l.plan, 0);
      const underDa3 = under('DA3');
      const da3Disbursed = all.filter((l) => underDa3.has(l.nodeId)).reduce((a, l) => a + l.disbursed, 0);
      expect(s.lines.find((l) => l.id === target.id)!.plan, `after edit ${k}`).toBe(Math.round(itemPlan / 10) + local);
      expect(s.lines.find((l) => l.id === other.id)!.disbursed, `after edit ${k}`).toBe(Math.round(da3Disbursed / 2));
    }
    // Storage holds what the page shows.
    const saved = await reload();
    for (const l of s.lines) expect(saved.lines.find((x) => x.id === l.id)).toEqual(l);
  });

  it('refuses a formula that reads its own item, naming the cycle, and keeps the cell', async () => {
    const { s, health } = await open();
    const problems = s.setCells([{ target: { kind: 'line', id: health().id }, field: 'plan', raw: '=DA3*2' }], ctx);
    expect(problems.map((p) => p.problem.code)).toEqual(['formula.cycle']);
    expect(describeProblem(problems[0].problem, 'vi')).toContain('vòng tham chiếu');
    expect(health().plan).toBe(566 * TR);
  });

  it('a value typed into a formula cell replaces the formula', async () => {
    const { s, health, settled } = await open();
    const id = health().id;
    s.setCells([{ target: { kind: 'line', id }, field: 'plan', raw: '=100+250' }], ctx);
    await settled();
    expect(health().plan).toBe(350 * TR);
    s.setCells([{ target: { kind: 'line', id }, field: 'plan', raw: '400' }], ctx);
    await settled();
    expect(health().plan).toBe(400 * TR);
    expect(health().formulas).toBeUndefined();
    expect(s.formulaOf(id, 'plan', 'vi')).toBeNull();
  });

  it('deleting the line a formula reads leaves #REF! in its cell with the last value; undoing the deletion brings it back', async () => {
    const { s, line, health, settled } = await open();
    const source = line('DA4.TDA1');
    // Called by its implementing unit; shown by its label, the line's own name.
    expect(s.setCells([{ target: { kind: 'line', id: health().id }, field: 'plan', raw: '=[Trung tâm GDNN-GDTX]/2' }], ctx)).toEqual([]);
    await settled();
    expect(health().plan).toBe(1_074 * TR);
    s.deleteLines([source.id]);
    await settled();
    expect(s.formulaErrorOf(health().id, 'plan')).toBe('ref');
    expect(s.formulaOf(health().id, 'plan', 'vi')!.text).toBe('=#REF!/2');
    expect(health().plan).toBe(1_074 * TR);
    s.undo();
    await settled();
    expect(s.formulaErrorOf(health().id, 'plan')).toBeNull();
    expect(s.formulaOf(health().id, 'plan', 'vi')!.text).toBe('=[04 lớp, 140 người]/2');
  });

  it('a column formula fills every line of the workbook; a value typed over one line is marked and kept', async () => {
    const { s, line, settled } = await open();
    const before = line('DA3.TDA1').expectedRate;
    expect(await s.setColumnFormula(null, 'expectedRate', '=MIN(100%; [@Đã giải ngân]/[@Kế hoạch] + 20%)', ctx)).toEqual({ ok: true, value: undefined });
    await settled();
    // DA3.TDA1: 153 / 2 398 + 20 % = 26,38 %
    expect(line('DA3.TDA1').expectedRate).toBe(26.38);
    s.setCells([{ target: { kind: 'line', id: line('DA2').id }, field: 'expectedRate', raw: '70' }], ctx);
    await settled();
    expect(line('DA2').expectedRate).toBe(70);
    expect(s.isTypedOver(line('DA2').id, 'expectedRate')).toBe(true);
    s.setCells([{ target: { kind: 'line', id: line('DA3.TDA1').id }, field: 'disbursed', raw: '1.199' }], ctx);
    await settled();
    expect(line('DA3.TDA1').expectedRate).toBe(70);
    expect(line('DA2').expectedRate).toBe(70);
    expect(s.formulaOf(line('DA3.TDA1').id, 'expectedRate', 'vi')).toEqual({ text: '=MIN(100%; [@Đã giải ngân]/[@Kế hoạch] + 20%)', fromColumn: true });
    // Three undos: the edit, the typed value, the column formula with every value it wrote.
    for (let k = 0; k < 3; k++) s.undo();
    await settled();
    expect(line('DA3.TDA1').expectedRate).toBe(before);
    expect(s.formulaOf(line('DA3.TDA1').id, 'expectedRate', 'vi')).toBeNull();
  });

  it('refuses a column formula that would read itself on any line it reaches, not only the first', async () => {
    const { s, line, nodeId, settled, reload } = await open();
    const second = line('DA7.TDA2');
    // DA7.TDA2's line computes its disbursed from its own expected rate…
    expect(s.setCells([{ target: { kind: 'line', id: second.id }, field: 'disbursed', raw: '=[@Dự kiến]*[@Kế hoạch]' }], ctx)).toEqual([]);
    await settled();
    // …so an expected rate computed from the disbursed amount would go round on that line alone.
    const before = s.lines.map((l) => l.expectedRate);
    const r = await s.setColumnFormula(nodeId('DA7'), 'expectedRate', '=[@Đã giải ngân]/[@Kế hoạch]', ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('formula.cycle');
    expect(describeProblem(r.error, 'vi')).toContain('Tập huấn 217 người; giám sát 10 xã');
    expect(s.columnFormulaOf(nodeId('DA7'), 'expectedRate', 'vi')).toBeNull();
    // Nothing of it is kept: no value, no step to undo past the typed formula, nothing stored.
    await settled();
    expect(s.lines.map((l) => l.expectedRate)).toEqual(before);
    s.undo();
    await settled();
    expect(second.formulas).toBeUndefined();
    expect(line('DA7.TDA2').formulas).toBeUndefined();
    expect(s.canUndo).toBe(false);
    const saved = await reload();
    expect(saved.workbook.columnFormulas).toBeUndefined();
    expect(saved.nodes.find((n) => n.id === nodeId('DA7'))!.columnFormulas).toBeUndefined();
  });

  it('a column formula over thousands of lines: every value painted first is stored, with an edit typed before the storing', async () => {
    const db = openDatabase(`formula-session-${Date.now()}-${seq++}`);
    const data = buildGeneratedWorkbook(3_000);
    await createWorkbook(db, data);
    const loaded = (await loadWorkbook(db, data.workbook.id))!;
    const s = new WorkbookSession(db, loaded.data, loaded.chunks, new RecalcClient(false));
    await s.formulasChecked;
    expect(await s.setColumnFormula(null, 'expectedRate', '=MIN(100%; [@Đã giải ngân]/[@Kế hoạch] + 15%)', ctx)).toEqual({ ok: true, value: undefined });
    // The values are in the lines; their storing waits for a paint. An edit comes first.
    const edited = s.lines[10];
    const rate = edited.expectedRate;
    s.setCells([{ target: { kind: 'line', id: edited.id }, field: 'disbursed', raw: '0' }], ctx);
    await s.flush();
    expect(s.lines.find((l) => l.id === edited.id)!.expectedRate).not.toBe(rate);
    const stored = new Map((await loadWorkbook(db, data.workbook.id))!.data.lines.map((l) => [l.id, l]));
    expect(stored.size).toBe(s.lines.length);
    for (const l of s.lines) expect(stored.get(l.id)).toEqual(l);
    // One undo takes the edit back, one more the column formula with every value it wrote.
    s.undo();
    s.undo();
    await s.flush();
    const original = new Map(loaded.data.lines.map((l) => [l.id, l.expectedRate]));
    for (const l of s.lines) expect(l.expectedRate).toBe(original.get(l.id));
    const after = new Map((await loadWorkbook(db, data.workbook.id))!.data.lines.map((l) => [l.id, l]));
    for (const l of s.lines) expect(after.get(l.id)).toEqual(l);
  });

  it('a workbook opened with formulas whose stored values are stale (a restored file) is brought up to date as one step', async () => {
    const { s, health } = await open((demo) => {
      const da3 = demo.nodes.find((n) => n.code === 'DA3.TDA1')!;
      const line = demo.lines.find((l) => l.unit === 'Trung tâm Y tế huyện')!;
      line.formulas = { plan: { text: `=[#item:${da3.id}]*10%`, unit: 'trieu' } };
    });
    expect(health().plan).toBe(239_800_000);
    expect(s.canUndo).toBe(true);
  });
});

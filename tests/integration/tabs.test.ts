// Two tabs on one workbook, as two sessions on one (faked) IndexedDB: edits of different lines or
// fields of one chunk are both kept; on the same cell the later edit wins and the other tab shows it
// once told; shared records (the workbook's name, places) follow.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database';
import { createWorkbook, loadWorkbook } from '../../src/db/workbook-repo';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { WorkbookSession } from '../../src/state/session.svelte';
import { RecalcClient } from '../../src/engine/recalc-client';
import { TabSync, type TabMessage } from '../../src/state/tab-sync';

const TR = 1_000_000;
const ctx = { unit: 'trieu', locale: 'vi' } as const;
let seq = 0;

async function twoTabs() {
  const db = openDatabase(`tabs-test-${Date.now()}-${seq++}`);
  const demo = buildDemoWorkbook();
  await createWorkbook(db, demo);
  const open = async () => {
    const loaded = (await loadWorkbook(db, demo.workbook.id))!;
    const s = new WorkbookSession(db, loaded.data, loaded.chunks, new RecalcClient(false), loaded.scenarioId);
    await s.ready;
    return s;
  };
  const a = await open();
  const b = await open();
  const sent: TabMessage[] = [];
  a.onCommitted = (m) => sent.push({ ...m, from: 'a' });
  b.onCommitted = (m) => sent.push({ ...m, from: 'b' });
  const line = (s: WorkbookSession, code: string) => s.lines.find((l) => l.nodeId === demo.nodes.find((n) => n.code === code)!.id)!;
  const deliver = async (to: WorkbookSession, from: string) => {
    for (const m of sent.filter((x) => x.from === from)) await to.applyRemote(m);
  };
  return { db, demo, a, b, line, deliver, open };
}

describe('two tabs on one workbook', () => {
  it("an edit taken in from the other tab in place keeps formulas over items right for this tab's next edit", async () => {
    const { a, b, line, deliver } = await twoTabs();
    const health = (s: WorkbookSession) => s.lines.find((l) => l.unit === 'Trung tâm Y tế huyện')!;
    // DA2's line reads DA3, which holds DA3.TDA1's line and the health centre's.
    expect(b.setCells([{ target: { kind: 'line', id: line(b, 'DA2').id }, field: 'plan', raw: '=DA3*10%' }], ctx)).toEqual([]);
    await b.formulasSettled();
    expect(line(b, 'DA2').plan).toBe(296_400_000);
    await b.flush();
    await deliver(a, 'b');
    a.setCells([{ target: { kind: 'line', id: line(a, 'DA3.TDA1').id }, field: 'plan', raw: '3000' }], ctx);
    await a.formulasSettled();
    expect(line(a, 'DA2').plan).toBe(356_600_000);
    await a.flush();
    await deliver(b, 'a');
    expect(line(b, 'DA3.TDA1').plan).toBe(3000 * TR);
    expect(line(b, 'DA2').plan).toBe(356_600_000);
    expect(b.rollup!.plan[b.rollup!.nodeCount]).toBe(a.rollup!.plan[a.rollup!.nodeCount]);
    // This tab's own next edit, of another line of DA3, reads DA3 as it now stands (3 000 + 600).
    b.setCells([{ target: { kind: 'line', id: health(b).id }, field: 'plan', raw: '600' }], ctx);
    await b.formulasSettled();
    expect(line(b, 'DA2').plan).toBe(360 * TR);
  });

  it('edits of different lines and of different fields of one line in the same chunk are both kept', async () => {
    const { a, b, line, deliver, open } = await twoTabs();
    a.setCells([{ target: { kind: 'line', id: line(a, 'DA2').id }, field: 'plan', raw: '6000' }], ctx);
    b.setCells([{ target: { kind: 'line', id: line(b, 'DA3.TDA1').id }, field: 'plan', raw: '2500' }], ctx);
    b.setCells([{ target: { kind: 'line', id: line(b, 'DA2').id }, field: 'disbursed', raw: '2100' }], ctx);
    await a.flush();
    await b.flush();
    const fresh = await open();
    expect(line(fresh, 'DA2').plan).toBe(6000 * TR);
    expect(line(fresh, 'DA2').disbursed).toBe(2100 * TR);
    expect(line(fresh, 'DA3.TDA1').plan).toBe(2500 * TR);
    // Each tab shows the other's edits once told.
    await deliver(a, 'b');
    await deliver(b, 'a');
    for (const s of [a, b]) {
      expect(line(s, 'DA2').plan).toBe(6000 * TR);
      expect(line(s, 'DA2').disbursed).toBe(2100 * TR);
      expect(line(s, 'DA3.TDA1').plan).toBe(2500 * TR);
      expect(s.rollup!.plan[s.rollup!.nodeCount]).toBe((13_819 + 564 + 102) * TR);
    }
  });

  it('an item’s name in one tab and its stated plan in the other are both kept', async () => {
    const { a, b, demo, open } = await twoTabs();
    const id = demo.nodes.find((n) => n.code === 'DA7.TDA2')!.id;
    a.setCells([{ target: { kind: 'node', id }, field: 'name', raw: 'Giám sát, đánh giá (sửa)' }], ctx);
    b.setCells([{ target: { kind: 'node', id }, field: 'statedPlan', raw: '280' }], ctx);
    await a.flush();
    await b.flush();
    const node = (await open()).nodeOf(id)!;
    expect(node.name).toBe('Giám sát, đánh giá (sửa)');
    expect(node.stated?.plan).toBe(280 * TR);
  });

  it('the investment ratio in one tab and the recurrent ratio in the other are both kept', async () => {
    const { a, b, open } = await twoTabs();
    a.setCounterpartRatio('investment', 5);
    b.setCounterpartRatio('recurrent', 2.5);
    await a.flush();
    await b.flush();
    const ratios = (await open()).workbook.counterpart!.filter((r) => r.year === 2023).map((r) => [r.capital, r.percent]);
    expect(Object.fromEntries(ratios)).toEqual({ investment: 5, recurrent: 2.5 });
  });

  it('a place’s households in one tab and its poor households in the other are both kept', async () => {
    const { a, b, open } = await twoTabs();
    const place = a.places[0];
    expect(a.setPlaceCells([{ placeId: place.id, field: 'households', raw: '1234' }], 'vi')).toEqual([]);
    expect(b.setPlaceCells([{ placeId: place.id, field: 'poor', raw: '99' }], 'vi')).toEqual([]);
    await a.flush();
    await b.flush();
    const stored = (await open()).places.find((p) => p.id === place.id)!;
    expect([stored.values.households, stored.values.poor]).toEqual([1234, 99]);
  });

  it('notes on two cells of one line, one per tab, are both kept', async () => {
    const { a, b, line, open } = await twoTabs();
    const id = line(a, 'DA2').id;
    a.setNote({ kind: 'line', id }, 'plan', 'Theo QĐ 1');
    b.setNote({ kind: 'line', id }, 'disbursed', 'Theo KBNN');
    await a.flush();
    await b.flush();
    expect(line(await open(), 'DA2').notes).toEqual({ plan: 'Theo QĐ 1', disbursed: 'Theo KBNN' });
  });

  it('on the same cell the later edit wins, and the other tab shows it', async () => {
    const { a, b, line, deliver, open } = await twoTabs();
    a.setCells([{ target: { kind: 'line', id: line(a, 'DA7.TDA2').id }, field: 'plan', raw: '300' }], ctx);
    await a.flush();
    b.setCells([{ target: { kind: 'line', id: line(b, 'DA7.TDA2').id }, field: 'plan', raw: '310' }], ctx);
    await b.flush();
    expect(line(await open(), 'DA7.TDA2').plan).toBe(310 * TR);
    await deliver(a, 'b');
    expect(line(a, 'DA7.TDA2').plan).toBe(310 * TR);
  });

  it('a line added in one tab and a rename follow in the other', async () => {
    const { a, b, line, deliver } = await twoTabs();
    const id = a.insertLine(line(a, 'DA5')?.nodeId ?? a.tree.nodes.find((n) => n.code === 'DA5')!.id);
    a.rename('Cao Lộc 2023 (tổ kế hoạch)');
    await a.flush();
    await deliver(b, 'a');
    expect(b.lines.some((l) => l.id === id)).toBe(true);
    expect(b.workbook.name).toBe('Cao Lộc 2023 (tổ kế hoạch)');
  });

  it('the channel carries messages between tabs and never back to the sender', async () => {
    const got: TabMessage[] = [];
    const mine: TabMessage[] = [];
    const t1 = new TabSync((m) => mine.push(m));
    const t2 = new TabSync((m) => got.push(m));
    t1.post({ workbookId: 'w', scenarioId: 's', chunks: [0] });
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([{ workbookId: 'w', scenarioId: 's', chunks: [0], from: t1.tabId }]);
    expect(mine).toEqual([]);
    t1.close();
    t2.close();
  });
});

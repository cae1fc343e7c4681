// The plan checks through the session: computed by the recalculation service after every change
// (through an asynchronous "worker" and on the main-thread fallback), review marks kept with the
// scenario, undoable, and lapsing when an entry's numbers change.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database';
import { createWorkbook, loadWorkbook } from '../../src/db/workbook-repo';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { checkPlan, fingerprintOf } from '../../src/domain/checks';
import { WorkbookSession } from '../../src/state/session.svelte';
import { RecalcClient } from '../../src/engine/recalc-client';
import { asyncWorkerClient } from './worker-channel';
import type { ReadContext } from '../../src/domain/edit';

const TR = 1_000_000;
const ctx: ReadContext = { unit: 'trieu', locale: 'vi' };
let seq = 0;

async function open(engine: () => RecalcClient) {
  const db = openDatabase(`checks-session-${Date.now()}-${seq++}`);
  const demo = buildDemoWorkbook();
  await createWorkbook(db, demo);
  const start = async () => {
    const loaded = (await loadWorkbook(db, demo.workbook.id))!;
    const s = new WorkbookSession(db, loaded.data, loaded.chunks, engine());
    await s.ready;
    await s.refreshChecks();
    return s;
  };
  const s = await start();
  const line = (code: string) => s.lines.find((l) => l.nodeId === demo.nodes.find((n) => n.code === code)!.id)!;
  return { db, demo, s, line, start };
}

/** Waits for the roll-up and the checks queued after it. */
async function settled(s: WorkbookSession): Promise<void> {
  await s.flush();
  await new Promise((r) => setTimeout(r, 5));
  await s.refreshChecks();
}

describe.each([
  ['an asynchronous worker', asyncWorkerClient],
  ['the main-thread fallback', () => new RecalcClient(false)],
])('checks in the session, through %s', (_, engine) => {
  it('are what the domain computes on the same plan', async () => {
    const { s, demo } = await open(engine);
    expect(s.checks!.map((e) => [e.id.replace(/[0-9a-f-]{36}/g, '…'), fingerprintOf(e)])).toEqual(
      checkPlan(demo).map((e) => [e.id.replace(/[0-9a-f-]{36}/g, '…'), fingerprintOf(e)]),
    );
  });

  it('follow an edit, a relabelled line and an undo', async () => {
    const { s, line } = await open(engine);
    const total = () => s.checks!.find((e) => e.id === 'stated-amount:total:plan')!;
    s.setCells([{ target: { kind: 'line', id: line('DA7.TDA2').id }, field: 'plan', raw: '300' }], ctx);
    await settled(s);
    expect(total().numbers.find((n) => n.key === 'delta')!.value).toBe(449 * TR);
    // A description copied from the row above (DA7.TDA1's) is text only: no roll-up, still checked.
    s.setCells([{ target: { kind: 'line', id: line('DA7.TDA2').id }, field: 'label', raw: line('DA7.TDA1').label }], ctx);
    await settled(s);
    expect(s.checks!.some((e) => e.kind === 'repeated-label' && e.target.id === line('DA7.TDA2').id)).toBe(true);
    s.undo();
    s.undo();
    await settled(s);
    expect(total().numbers.find((n) => n.key === 'delta')!.value).toBe(427 * TR);
    expect(s.checks!.some((e) => e.kind === 'repeated-label')).toBe(false);
  });
});

describe('review marks', () => {
  it('are kept with the scenario, survive a reload, can be undone, and lapse when the numbers change', async () => {
    const { s, start, line } = await open(() => new RecalcClient(false));
    const entry = s.checks!.find((e) => e.id === 'stated-amount:total:plan')!;
    s.setReview(entry.id, fingerprintOf(entry), 'Số 13.392 theo Quyết định giao vốn; các dòng gồm cả vốn 2022 chuyển sang.');
    expect(s.reviews[entry.id].note).toContain('13.392');
    await s.flush();

    const again = await start();
    expect(again.reviews[entry.id]).toMatchObject({ fingerprint: fingerprintOf(entry), note: expect.stringContaining('Quyết định') });
    expect(again.scenario.reviews).toEqual(again.reviews);

    // Undo takes the mark away, redo puts it back; both are saved.
    s.undo();
    expect(s.reviews[entry.id]).toBeUndefined();
    await s.flush();
    expect((await start()).reviews[entry.id]).toBeUndefined();
    s.redo();
    await s.flush();
    expect((await start()).reviews[entry.id]).toBeDefined();

    // Another plan figure: the entry's numbers, hence its fingerprint, change; the note stays stored.
    again.setCells([{ target: { kind: 'line', id: line('DA2').id }, field: 'plan', raw: '5.437' }], ctx);
    await settled(again);
    const now = again.checks!.find((e) => e.id === entry.id)!;
    expect(fingerprintOf(now)).not.toBe(again.reviews[entry.id].fingerprint);
  });

  it('cannot be set on a frozen version', async () => {
    const { s } = await open(() => new RecalcClient(false));
    Object.defineProperty(s, 'frozen', { value: true });
    s.setReview('x', 'f', 'note');
    expect(s.reviews.x).toBeUndefined();
    expect(s.refusal?.problem.code).toBe('scenario.frozen');
  });
});

describe('focusTarget', () => {
  it('opens the collapsed items above a line and asks the grid to select its cell', async () => {
    const { s, line, demo } = await open(() => new RecalcClient(false));
    const da3 = demo.nodes.find((n) => n.code === 'DA3')!.id;
    s.toggleCollapsed(da3, true);
    const target = { kind: 'line' as const, id: line('DA3.TDA1').id };
    expect(s.rowOfTarget(target)).toBe(-1);
    s.focusTarget(target, 'disbursed');
    expect(s.rowOfTarget(target)).toBeGreaterThan(0);
    expect(s.focusRequest).toMatchObject({ target, field: 'disbursed' });
  });
});

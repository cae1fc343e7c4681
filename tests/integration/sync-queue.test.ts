// A shared workbook's edits are queued as operations in the transaction that stores them: an edit
// that storage refuses queues nothing, an edit of a local workbook queues nothing, and the server's
// copy of each record changed is kept aside once, as it was before the first waiting edit.
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/db/database';
import { createWorkbook, loadWorkbook } from '../../src/db/workbook-repo';
import { applyPulled, countOutbox, readOutbox, shareWorkbook } from '../../src/db/sync-repo';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { recordKey } from '../../src/domain/sync';
import { WorkbookSession } from '../../src/state/session.svelte';
import { RecalcClient } from '../../src/engine/recalc-client';

const ctx = { unit: 'trieu', locale: 'vi' } as const;
let seq = 0;

async function openDemo(shared: boolean) {
  const db = openDatabase(`sync-queue-${Date.now()}-${seq++}`);
  const demo = buildDemoWorkbook();
  await createWorkbook(db, demo);
  if (shared) expect((await shareWorkbook(db, { workbookId: demo.workbook.id, server: 'http://127.0.0.1:1', orgName: 'Huyện', sharedAt: 1 }, [])).ok).toBe(true);
  const loaded = (await loadWorkbook(db, demo.workbook.id))!;
  const session = new WorkbookSession(db, loaded.data, loaded.chunks, new RecalcClient(false), loaded.scenarioId);
  await session.ready;
  return { db, demo, session };
}

describe('the operation queue', () => {
  it('queues every committed step of a shared workbook as one operation, in order, with the records it changed', async () => {
    const { db, demo, session } = await openDemo(true);
    const line = session.lines[0];
    session.setCells([{ target: { kind: 'line', id: line.id }, field: 'plan', raw: '6000' }], ctx);
    session.setCells([{ target: { kind: 'line', id: line.id }, field: 'plan', raw: '6100' }], ctx);
    session.rename('Kế hoạch chung');
    session.undo();
    await session.flush();
    const queued = await readOutbox(db, demo.workbook.id);
    expect(queued).toHaveLength(4);
    expect(new Set(queued.map((q) => q.opId)).size).toBe(4);
    expect(queued[0].op).toMatchObject({
      baseSeq: 0,
      scenarioId: session.scenarioId,
      change: { lines: [{ before: { id: line.id, plan: line.plan }, after: { id: line.id, plan: 6000e6 } }] },
    });
    expect(queued[1].op.change.lines![0].after!.plan).toBe(6100e6);
    expect(queued[2].op.change.workbook!.after!.name).toBe('Kế hoạch chung');
    expect(queued[3].op.change.workbook).toMatchObject({ before: { name: 'Kế hoạch chung' }, after: { name: demo.workbook.name } });
    // The server's copy of the line is the line before the first queued edit, kept once.
    const shadow = await db.syncShadows.get([demo.workbook.id, recordKey('line', session.scenarioId, line.id)]);
    expect(shadow?.data).toMatchObject({ id: line.id, plan: line.plan });
  });

  it('queues nothing for a local workbook', async () => {
    const { db, demo, session } = await openDemo(false);
    session.setCells([{ target: { kind: 'line', id: session.lines[0].id }, field: 'plan', raw: '6000' }], ctx);
    await session.flush();
    expect(await countOutbox(db, demo.workbook.id)).toBe(0);
    expect(await db.syncShadows.count()).toBe(0);
  });

  it('queues nothing when storage refuses the edit, and the operation lands when the edit does', async () => {
    const { db, demo, session } = await openDemo(true);
    const put = db.lineChunks.put.bind(db.lineChunks);
    let refuse = true;
    db.lineChunks.put = ((...args: Parameters<typeof put>) =>
      refuse ? Promise.reject(Object.assign(new Error('full'), { name: 'QuotaExceededError' })) : put(...args)) as typeof put;
    session.setCells([{ target: { kind: 'line', id: session.lines[0].id }, field: 'plan', raw: '6000' }], ctx);
    await session.flush();
    expect(session.saveStatus).toBe('error');
    expect(await countOutbox(db, demo.workbook.id)).toBe(0);
    refuse = false;
    await session.retrySave();
    expect(session.saveStatus).toBe('saved');
    expect(await countOutbox(db, demo.workbook.id)).toBe(1);
  });

  it('applies a pulled operation under the edits still waiting, and drops each of its own when the server gives it back', async () => {
    const { db, demo, session } = await openDemo(true);
    const line = session.lines[0];
    const wb = demo.workbook.id;
    session.setCells([{ target: { kind: 'line', id: line.id }, field: 'plan', raw: '6000' }], ctx);
    await session.flush();
    const [mine] = await readOutbox(db, wb);
    // Another office changed the same line's disbursement and its plan (from the value this one saw).
    const remote = {
      opId: 'remote-op-1',
      baseSeq: 0,
      scenarioId: session.scenarioId,
      seq: 1,
      userName: 'B',
      at: '',
      change: { lines: [{ before: line, after: { ...line, disbursed: 7, plan: 1 } }] },
    };
    const r = await applyPulled(db, wb, [remote]);
    expect(r.ok && r.value).toMatchObject({ applied: 1, lastSeq: 1, acknowledged: 0 });
    await session.applyRemote({ workbookId: wb, scenarioId: session.scenarioId, chunks: r.ok ? r.value.chunks.get(session.scenarioId)! : [] });
    // Its disbursement lands; this office's plan, still to be sent (and to come after it), stays.
    expect(session.lineOf(line.id)).toMatchObject({ disbursed: 7, plan: 6000e6 });
    expect(await countOutbox(db, wb)).toBe(1);
    // The same operation again (from the stream after a pull) changes nothing.
    expect((await applyPulled(db, wb, [remote])).ok && (await db.shares.get(wb))!.lastSeq).toBe(1);
    const back = await applyPulled(db, wb, [{ ...mine.op, seq: 2, userName: 'A', at: '' }]);
    expect(back.ok && back.value.acknowledged).toBe(1);
    expect(await countOutbox(db, wb)).toBe(0);
    expect(await db.syncShadows.count()).toBe(0);
    const stored = (await loadWorkbook(db, wb))!.data.lines.find((l) => l.id === line.id);
    expect(stored).toMatchObject({ disbursed: 7, plan: 6000e6 });
  });

  it('a pull reads only the chunks its lines are in when told where, and reads every chunk when told wrong or when a line is new', async () => {
    const big = buildDemoWorkbook();
    // 350 lines: four chunks of 100.
    for (let k = 0; k < 340; k++) big.lines.push({ ...big.lines[0], id: `extra-${k}`, order: 100 + k, plan: k * 1_000_000 });
    const results: unknown[] = [];
    for (const hint of ['right', 'wrong', 'none'] as const) {
      const db = openDatabase(`sync-hint-${Date.now()}-${seq++}`);
      await createWorkbook(db, big);
      await shareWorkbook(db, { workbookId: big.workbook.id, server: 'http://127.0.0.1:1', orgName: 'Huyện', sharedAt: 1 }, []);
      const loaded = (await loadWorkbook(db, big.workbook.id))!;
      const sid = loaded.scenarioId;
      const target = loaded.data.lines.find((l) => l.id === 'extra-250')!;
      const fresh = { ...big.lines[0], id: 'brand-new', order: 999, plan: 5 };
      const ops = [
        { seq: 1, opId: 'o1', baseSeq: 0, scenarioId: sid, userName: 'B', at: '', change: { lines: [{ before: target, after: { ...target, plan: 42 } }] } },
        { seq: 2, opId: 'o2', baseSeq: 1, scenarioId: sid, userName: 'B', at: '', change: { lines: [{ before: null, after: fresh }] } },
      ];
      const where = (_s: string, id: string) => (hint === 'none' ? undefined : hint === 'wrong' ? 0 : loaded.chunks.chunkOf(id));
      // Reading every chunk of the scenario goes through the table's index (where); one chunk is a get.
      const whole = vi.spyOn(db.lineChunks, 'where');
      const first = await applyPulled(db, big.workbook.id, [ops[0]], where);
      expect(first.ok && first.value.chunks.get(sid)).toEqual([loaded.chunks.chunkOf('extra-250')]);
      expect(
        whole.mock.calls.some(([index]) => String(index) === '[scenarioId+no]'),
        hint,
      ).toBe(hint !== 'right');
      whole.mockRestore();
      expect((await applyPulled(db, big.workbook.id, [ops[1]], where)).ok).toBe(true);
      const after = (await loadWorkbook(db, big.workbook.id))!.data.lines;
      expect(after.find((l) => l.id === 'extra-250')!.plan).toBe(42);
      expect(after.find((l) => l.id === 'brand-new')!.plan).toBe(5);
      expect(after).toHaveLength(big.lines.length + 1);
      results.push(after.map((l) => [l.id, l.plan]));
    }
    // The same records whichever way the chunks were read.
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});

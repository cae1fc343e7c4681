// Pushes that arrive together are appended in one transaction (server/push-queue.ts): every
// operation stored once, in one order with no gap, each caller answered with its own results as if
// it had pushed alone after the ones before it; a push refused, or one the database fails, leaves
// the others of its transaction stored and answered.

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../server/db';
import { PushQueue } from '../../server/push-queue';
import type { PushOutcome } from '../../server/append-ops';
import type { SyncOperation } from '../../src/domain/sync';
import { DATABASES, useSeededServer, sharedWorkbook, type SeededServer } from './harness';

type Shared = Awaited<ReturnType<typeof sharedWorkbook>>;

/** An operation editing one line of the workbook, from the given base line to the given fields (as the app sends one). */
function editLine(wb: Shared, before: Record<string, unknown>, fields: Record<string, unknown>, baseSeq: number, opId: string = randomUUID()): SyncOperation {
  return { opId, baseSeq, scenarioId: wb.scenarioId, change: { lines: [{ before, after: { ...before, ...fields } }] } as unknown as SyncOperation['change'] };
}

/** The database, counting the transactions begun through it. */
function counting(db: Db): { db: Db; transactions: () => number } {
  let n = 0;
  return {
    db: { ...db, transaction: (fn) => (n++, db.transaction(fn)) },
    transactions: () => n,
  };
}

function accepted(o: PushOutcome) {
  if (!o.ok) throw new Error(`refused: ${o.error.code}`);
  return o.value;
}

describe.each(DATABASES)('pushes appended together on $name', (database) => {
  let db: Db;
  let people: SeededServer['people'];
  useSeededServer(database, (s) => ({ db, people } = s));

  async function storedLog(workbookId: string) {
    return db.query<{ seq: number; op_id: string }>('select seq, op_id from ops where workbook_id = $1 order by seq', [workbookId]);
  }

  it('stores each of many concurrent pushes once, in one gapless order, and answers each with its own sequences', async () => {
    const wb = await sharedWorkbook(people.editorA, 20);
    const { db: counted, transactions } = counting(db);
    const queue = new PushQueue(counted, 'ops_push_queue_test');
    // Each push edits its own line with two operations; one push is sent twice at once (a retry).
    const pushes = wb.lines.map((l) => [editLine(wb, l, { plan: 1 }, 1), editLine(wb, { ...l, plan: 1 }, { plan: 2 }, 1)]);
    const sent = [...pushes, pushes[3]].map((ops) => queue.append({ workbookId: wb.id, userId: people.editorA.me.id, ops }));
    const outcomes = (await Promise.all(sent)).map(accepted);

    expect(transactions()).toBeLessThan(pushes.length);
    const log = await storedLog(wb.id);
    expect(log.map((r) => r.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    const seqOf = new Map(log.map((r) => [r.op_id, r.seq]));
    for (const [i, ops] of pushes.entries()) {
      expect(outcomes[i].results).toEqual(ops.map((op) => ({ opId: op.opId, seq: seqOf.get(op.opId), duplicate: false, conflicts: 0 })));
      // A push's operations keep their order.
      expect(outcomes[i].results[1].seq).toBeGreaterThan(outcomes[i].results[0].seq);
    }
    expect(outcomes[pushes.length].results).toEqual(outcomes[3].results.map((r) => ({ ...r, duplicate: true })));
    const lines = await db.query<{ id: string; plan: number }>(`select id, (data->>'plan')::bigint as plan from records where workbook_id = $1 and kind = 'line'`, [wb.id]);
    expect(lines.map((l) => l.plan)).toEqual(wb.lines.map(() => 2));
    expect((await db.query<{ last_seq: number }>('select last_seq from workbooks where id = $1', [wb.id]))[0].last_seq).toBe(41);
    // Each operation keeps its line as it stood after it (earlier versions are read from it), not as its group ended.
    const kept = await db.query<{ seq: number; plan: number }>(`select seq, (data->>'plan')::bigint as plan from op_records where workbook_id = $1 and kind = 'line'`, [
      wb.id,
    ]);
    const planAt = new Map(kept.map((k) => [Number(k.seq), Number(k.plan)]));
    for (const o of outcomes.slice(0, pushes.length)) expect([planAt.get(o.results[0].seq), planAt.get(o.results[1].seq)]).toEqual([1, 2]);
  });

  it('answers a push refused inside a shared transaction with its refusal, stores nothing of it, and stores the others', async () => {
    const wb = await sharedWorkbook(people.editorA, 4);
    const other = await sharedWorkbook(people.editorA, 1);
    const queue = new PushQueue(db, 'ops_push_queue_test');
    const by = people.editorA.me.id;
    const first = editLine(wb, wb.lines[0], { plan: 10 }, 1);
    const reused = editLine(other, other.lines[0], { plan: 1 }, 1, first.opId);
    const ahead = [editLine(wb, wb.lines[1], { plan: 11 }, 1), editLine(wb, wb.lines[1], { plan: 12 }, 99)];
    const unknownScenario = { ...editLine(wb, wb.lines[2], { plan: 13 }, 1), scenarioId: randomUUID() };
    const last = editLine(wb, wb.lines[3], { plan: 14 }, 1);
    const outcomes = await Promise.all([
      queue.append({ workbookId: wb.id, userId: by, ops: [first] }),
      queue.append({ workbookId: other.id, userId: by, ops: [reused] }),
      queue.append({ workbookId: wb.id, userId: by, ops: ahead }),
      queue.append({ workbookId: wb.id, userId: by, ops: [unknownScenario] }),
      queue.append({ workbookId: wb.id, userId: by, ops: [last] }),
    ]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['ok', 'op.id-reused', 'op.base-ahead', 'op.scenario-unknown', 'ok']);
    expect(outcomes[2]).toMatchObject({ ok: false, error: { params: { opId: ahead[1].opId, baseSeq: 99, lastSeq: 3 } } });
    // The refused pushes took no sequence: the last one follows the first.
    expect(accepted(outcomes[0]).results[0].seq).toBe(2);
    expect(accepted(outcomes[4]).results[0].seq).toBe(3);
    expect((await storedLog(wb.id)).map((r) => r.op_id)).toEqual([expect.any(String), first.opId, last.opId]);
    expect((await storedLog(other.id)).length).toBe(1);
    const line1 = await db.query<{ plan: number }>(`select (data->>'plan')::bigint as plan from records where workbook_id = $1 and id = $2`, [wb.id, wb.lines[1].id]);
    expect(line1[0].plan).toBe(wb.lines[1].plan);
  });

  it('records the conflict between two pushes of one transaction that change one field from the same base, as it would one after the other', async () => {
    const wb = await sharedWorkbook(people.editorA, 1);
    const queue = new PushQueue(db, 'ops_push_queue_test');
    const [l] = wb.lines;
    const [a, b] = await Promise.all([
      queue.append({ workbookId: wb.id, userId: people.editorA.me.id, ops: [editLine(wb, l, { plan: 111 }, 1)] }),
      queue.append({ workbookId: wb.id, userId: people.editorB.me.id, ops: [editLine(wb, l, { plan: 222 }, 1)] }),
    ]);
    expect(accepted(a).results[0]).toMatchObject({ seq: 2, conflicts: 0 });
    expect(accepted(b).results[0]).toMatchObject({ seq: 3, conflicts: 1 });
    const rows = await db.query('select seq, kept_seq, kept, shown from conflicts where workbook_id = $1', [wb.id]);
    expect(rows).toEqual([{ seq: 3, kept_seq: 2, kept: 111, shown: 222 }]);
  });

  it('answers the other pushes of a transaction the database failed, each run again alone, and fails only the one at fault', async () => {
    const wb = await sharedWorkbook(people.editorA, 3);
    const queue = new PushQueue(db, 'ops_push_queue_test');
    const ops = wb.lines.map((l) => editLine(wb, l, { plan: 5 }, 1));
    const outcomes = await Promise.allSettled([
      queue.append({ workbookId: wb.id, userId: people.editorA.me.id, ops: [ops[0]] }),
      // No such user: the database refuses the operation's row (a foreign key), failing the shared transaction.
      queue.append({ workbookId: wb.id, userId: 'nobody', ops: [ops[1]] }),
      queue.append({ workbookId: wb.id, userId: people.editorA.me.id, ops: [ops[2]] }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? accepted(o.value).results[0].seq : null))).toEqual([2, null, 3]);
    expect((await storedLog(wb.id)).map((r) => r.op_id)).toEqual([expect.any(String), ops[0].opId, ops[2].opId]);
  });
});

// Queuing an edit step of a shared workbook as an operation, inside the transaction that stores the
// edit (workbook-repo.ts commitChange), with the server's copy of each record it changes kept
// aside (see sync-repo.ts for how the two are used when the server's operations come back).

import type { Table } from 'dexie';
import type { Id, Line, Workbook } from '../domain/model';
import { recordEditsOf, recordKey, type RecordEdit, type SyncChange, type SyncOperation } from '../domain/sync';
import type { PlanbenchDB, ShareRecord, SyncShadow } from './database';

/** What one edit step of a session sends, when its workbook is shared: the change as records, and the scenario its lines belong to. */
export interface PendingSync {
  scenarioId: Id;
  change: SyncChange;
}

/**
 * Queues a session's edit step as an operation (inside commitChange's transaction, so the edit and
 * its operation land together or not at all), with a fresh id and the last sequence this browser
 * holds as its base; keeps aside, for each record it changes that no waiting operation changed
 * yet, the record as stored before this step (which is the server's). Rejects on failure, which
 * aborts the caller's transaction.
 */
export async function queueOperation(db: PlanbenchDB, share: ShareRecord, sync: PendingSync, stored: { workbook: Workbook; lines: ReadonlyMap<Id, Line> }): Promise<void> {
  const edits = recordEditsOf(sync.change, sync.scenarioId);
  if (!edits.length) return;
  const workbookId = share.workbookId;
  const op: SyncOperation = { opId: crypto.randomUUID(), baseSeq: share.lastSeq, scenarioId: sync.scenarioId, change: sync.change };
  const byKey = new Map(edits.map((e) => [recordKey(e.kind, e.scope, e.id), e]));
  const keys = [...byKey.keys()];
  const unique = [...byKey.values()];
  // Both reads are issued before the caller's writes, so they see the records as they were before this step.
  const [have, values] = await Promise.all([db.syncShadows.bulkGet(keys.map((k): [Id, string] => [workbookId, k])), readRecords(db, unique, stored)]);
  const shadows: SyncShadow[] = keys.flatMap((key, i) => (have[i] === undefined ? [{ workbookId, key, data: values[i] ?? null }] : []));
  await Promise.all([db.outbox.add({ workbookId, opId: op.opId, op }), shadows.length ? db.syncShadows.bulkAdd(shadows) : null]);
}

/** The stored records the edits name (undefined: absent), lines and the workbook from what the caller read already; every read issued within this call. */
async function readRecords(db: PlanbenchDB, edits: RecordEdit[], stored: { workbook: Workbook; lines: ReadonlyMap<Id, Line> }): Promise<unknown[]> {
  const out: unknown[] = new Array(edits.length);
  const tables = { node: db.nodes, place: db.places, rule: db.rules, scenario: db.scenarios } as const;
  const reads: Promise<void>[] = [];
  for (const kind of ['node', 'place', 'rule', 'scenario'] as const) {
    const at = edits.flatMap((e, i) => (e.kind === kind ? [i] : []));
    if (at.length)
      reads.push(
        (tables[kind] as Table<unknown, Id>).bulkGet(at.map((i) => edits[i].id)).then((got) => {
          at.forEach((i, j) => (out[i] = got[j]));
        }),
      );
  }
  edits.forEach((e, i) => {
    if (e.kind === 'workbook') out[i] = stored.workbook;
    else if (e.kind === 'line') out[i] = stored.lines.get(e.id);
  });
  await Promise.all(reads);
  return out;
}

/**
 * Queues a scenario operation of a shared workbook (a copy, a freeze, a deletion, a restore, a
 * rename) inside the caller's transaction, before the caller writes: `build` gets the last
 * sequence held and gives the operations (domain/sync splitOperations: a scenario of 100 000
 * lines travels as several). Nothing is queued for a local workbook. Shadows are kept for the
 * workbook, scenario and rule records the operations edit or delete, as queueOperation keeps them;
 * not for lines: these operations only create a scenario's lines (the server's copy is then this
 * browser's own once taken) or delete them all (the line ends absent here whatever another office
 * wrote meanwhile, as it will on the server after this deletion), and 100 000 shadows would cost
 * more than the copy. Rejects on failure, which aborts the caller's transaction.
 */
export async function queueScenarioOperations(db: PlanbenchDB, workbookId: Id, build: (baseSeq: number) => SyncOperation[]): Promise<void> {
  const share = await db.shares.get(workbookId);
  if (!share) return;
  const ops = build(share.lastSeq);
  if (!ops.length) return;
  const edits = new Map<string, RecordEdit>();
  for (const op of ops) for (const e of recordEditsOf(op.change, op.scenarioId)) if (e.kind !== 'line' && e.before !== null) edits.set(recordKey(e.kind, e.scope, e.id), e);
  const keys = [...edits.keys()];
  const [have, wb] = await Promise.all([db.syncShadows.bulkGet(keys.map((k): [Id, string] => [workbookId, k])), db.workbooks.get(workbookId)]);
  const values = wb ? await readRecords(db, [...edits.values()], { workbook: wb, lines: new Map() }) : [];
  const shadows: SyncShadow[] = keys.flatMap((key, i) => (have[i] === undefined ? [{ workbookId, key, data: values[i] ?? null }] : []));
  await Promise.all([db.outbox.bulkAdd(ops.map((op) => ({ workbookId, opId: op.opId, op }))), shadows.length ? db.syncShadows.bulkAdd(shadows) : null]);
}

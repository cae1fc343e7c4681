// The browser's side of a shared workbook, in IndexedDB: where it is shared, the operations waiting
// to be sent (queued by commitChange in the same transaction as the edit), and the operations the
// server gives back, applied to the stored records with the server's own merge (domain/sync.ts).
//
// How the two meet: for every record that an operation waiting here changes, the record as the
// server holds it is kept aside (a shadow, taken when the first such operation is queued). A
// pulled operation lands on the shadow exactly as the server applied it, and the operations still
// waiting are applied again on top, as the server will apply them after it: so once everything is
// sent and pulled back, this browser holds what the server holds. A record no waiting operation
// changes is stored as the server has it, and a pulled operation lands on it directly.

import Dexie, { type Table } from 'dexie';
import type { Id, Line, Result } from '../domain/model';
import { applyRecordEdit, recordEditsOf, recordKey, type PulledOperation, type RecordEdit, type RecordKind, type ServerConflict, type SyncOperation } from '../domain/sync';
import type { OutboxEntry, PlanbenchDB, ShareRecord, SharedConflict } from './database';
import { ChunkedLines } from './line-chunks';
import { Refusal, writeSafely } from './storage-failure';
import { WORKBOOK_TABLES } from './workbook-repo';

/** The share of a workbook, or undefined when it is local. */
export async function readShare(db: PlanbenchDB, workbookId: Id): Promise<ShareRecord | undefined> {
  return db.shares.get(workbookId);
}

/** Every shared workbook's share record. */
export async function listShares(db: PlanbenchDB): Promise<ShareRecord[]> {
  return db.shares.toArray();
}

/**
 * Marks a workbook shared on a server and queues the operations that upload it, in one
 * transaction: from then on every edit of it is queued too. No shadows: the upload creates every
 * record, so the server's copy of each is the browser's own once it is taken.
 */
export async function shareWorkbook(db: PlanbenchDB, share: Omit<ShareRecord, 'lastSeq' | 'conflictSeq' | 'conflicts'>, upload: SyncOperation[]): Promise<Result<void>> {
  return writeSafely({ code: 'db.quota' }, () =>
    db.transaction('rw', WORKBOOK_TABLES(db), async () => {
      if (!(await db.workbooks.get(share.workbookId))) throw new Refusal({ code: 'workbook.missing' });
      await db.shares.put({ ...share, lastSeq: 0, conflictSeq: 0, conflicts: [] });
      await db.outbox.bulkAdd(upload.map((op) => ({ workbookId: share.workbookId, opId: op.opId, op })));
    }),
  );
}

/** The operations waiting to be sent, oldest first, at most `limit`. */
export async function readOutbox(db: PlanbenchDB, workbookId: Id, limit = Infinity): Promise<OutboxEntry[]> {
  const all = await db.outbox.where('workbookId').equals(workbookId).sortBy('order');
  return all.slice(0, limit);
}

/** How many operations wait to be sent (or to come back from the server). */
export async function countOutbox(db: PlanbenchDB, workbookId: Id): Promise<number> {
  return db.outbox.where('workbookId').equals(workbookId).count();
}

/** What applying pulled operations changed: the line chunks written, by scenario, and whether other records changed. */
export interface PullOutcome {
  applied: number;
  lastSeq: number;
  /** Chunk numbers written, by scenario id. */
  chunks: Map<Id, number[]>;
  /** The workbook, scenarios, items, places or rules changed. */
  records: boolean;
  /** Operations of this browser the server gave back (no longer waiting). */
  acknowledged: number;
}

/**
 * Applies operations pulled from the server, in their order, those after the last sequence stored
 * only (so applying the same ones twice, from two tabs or from a pull and the live stream, does
 * nothing the second time), in one transaction: each lands on the server's copy of its records
 * (domain/sync applyRecordEdit), and this browser's operations still waiting are applied again on
 * top; an operation of this browser that comes back leaves the outbox. Never rejects.
 */
/**
 * Where the lines of a scenario are stored, as the open session knows them (ChunkedLines.chunkOf):
 * a pull then reads only the chunks its lines are in, not every chunk of the scenario. A wrong or
 * missing answer costs only the full read.
 */
export type ChunkHint = (scenarioId: Id, lineId: Id) => number | undefined;

export async function applyPulled(db: PlanbenchDB, workbookId: Id, ops: readonly PulledOperation[], hint?: ChunkHint): Promise<Result<PullOutcome>> {
  return writeSafely({ code: 'db.quota' }, () =>
    db.transaction('rw', WORKBOOK_TABLES(db), async () => {
      const share = await db.shares.get(workbookId);
      if (!share) throw new Refusal({ code: 'sync.not-shared' });
      const fresh = ops.filter((o) => o.seq > share.lastSeq).sort((a, b) => a.seq - b.seq);
      const outcome: PullOutcome = { applied: 0, lastSeq: share.lastSeq, chunks: new Map(), records: false, acknowledged: 0 };
      if (!fresh.length) return outcome;
      const waiting = await db.outbox.where('workbookId').equals(workbookId).sortBy('order');
      const edits = fresh.map((op) => recordEditsOf(op.change, op.scenarioId));
      const store = await RecordStore.read(db, workbookId, edits.flat(), hint);
      const keys = store.keys();
      const stored = await db.syncShadows.bulkGet(keys.map((k): [Id, string] => [workbookId, k]));
      const shadows = new Map<string, unknown>();
      keys.forEach((k, i) => stored[i] !== undefined && shadows.set(k, stored[i]!.data));
      const mine = new PendingEdits(waiting);
      const done: number[] = [];
      for (let i = 0; i < fresh.length; i++) {
        const own = mine.take(fresh[i].opId);
        if (own !== undefined) done.push(own);
        for (const edit of edits[i]) {
          const key = recordKey(edit.kind, edit.scope, edit.id);
          const server = applyRecordEdit(shadows.has(key) ? shadows.get(key) : store.get(key), edit).value;
          const again = mine.of(key);
          let value = server;
          for (const e of again) value = applyRecordEdit(value, e).value;
          if (again.length) shadows.set(key, server);
          else shadows.delete(key);
          store.set(key, value);
        }
      }
      const writes: Promise<unknown>[] = [store.write(outcome)];
      const dirty = store.dirtyKeys();
      const keep = dirty.filter((k) => shadows.has(k)).map((key) => ({ workbookId, key, data: shadows.get(key) ?? null }));
      const drop = dirty.filter((k) => !shadows.has(k)).map((k): [Id, string] => [workbookId, k]);
      if (keep.length) writes.push(db.syncShadows.bulkPut(keep));
      if (drop.length) writes.push(db.syncShadows.bulkDelete(drop));
      if (done.length) writes.push(db.outbox.bulkDelete(done));
      outcome.applied = fresh.length;
      outcome.lastSeq = fresh[fresh.length - 1].seq;
      outcome.acknowledged = done.length;
      writes.push(db.shares.put({ ...share, lastSeq: outcome.lastSeq }));
      await Promise.all(writes);
      return outcome;
    }),
  );
}

/** The record edits of the operations waiting here, by record, in the order they will reach the server. */
class PendingEdits {
  private readonly byKey = new Map<string, { order: number; edit: RecordEdit }[]>();
  private readonly orderOf = new Map<string, number>();

  constructor(waiting: readonly OutboxEntry[]) {
    for (const w of waiting) {
      this.orderOf.set(w.opId, w.order!);
      for (const edit of recordEditsOf(w.op.change, w.op.scenarioId)) {
        const key = recordKey(edit.kind, edit.scope, edit.id);
        let list = this.byKey.get(key);
        if (!list) this.byKey.set(key, (list = []));
        list.push({ order: w.order!, edit });
      }
    }
  }

  /** Takes a waiting operation out (the server gave it back); its outbox key, or undefined when it is not this browser's. */
  take(opId: string): number | undefined {
    const order = this.orderOf.get(opId);
    if (order === undefined) return undefined;
    this.orderOf.delete(opId);
    for (const [key, list] of this.byKey) {
      const left = list.filter((x) => x.order !== order);
      if (left.length) this.byKey.set(key, left);
      else this.byKey.delete(key);
    }
    return order;
  }

  /** The waiting edits of one record, in order. */
  of(key: string): RecordEdit[] {
    return (this.byKey.get(key) ?? []).map((x) => x.edit);
  }
}

/** The stored records that pulled operations name, read in one round, changed in memory, written back in one. */
class RecordStore {
  private readonly values = new Map<string, unknown>();
  private readonly dirty = new Set<string>();
  private readonly where = new Map<string, { kind: RecordKind; scope: string; id: Id }>();

  private constructor(
    private readonly db: PlanbenchDB,
    private readonly workbookId: Id,
    /** Each scenario's lines whose chunks were read. */
    private readonly chunks: Map<Id, ChunkedLines>,
  ) {}

  static async read(db: PlanbenchDB, workbookId: Id, edits: RecordEdit[], hint?: ChunkHint): Promise<RecordStore> {
    const ids = new Map<RecordKind, Set<string>>();
    const scopes = new Map<Id, Set<Id>>();
    for (const e of edits) {
      if (e.kind === 'line') {
        let set = scopes.get(e.scope);
        if (!set) scopes.set(e.scope, (set = new Set()));
        set.add(e.id);
      } else {
        let set = ids.get(e.kind);
        if (!set) ids.set(e.kind, (set = new Set()));
        set.add(e.id);
      }
    }
    const chunks = new Map<Id, ChunkedLines>();
    const store = new RecordStore(db, workbookId, chunks);
    const tables = { workbook: db.workbooks, node: db.nodes, place: db.places, rule: db.rules, scenario: db.scenarios } as const;
    await Promise.all([
      ...[...ids].map(async ([kind, set]) => {
        const list = [...set];
        const got = await (tables[kind as keyof typeof tables] as Table<unknown, Id>).bulkGet(list);
        list.forEach((id, i) => store.note(kind, '', id, got[i]));
      }),
      ...[...scopes].map(async ([scope, lineIds]) => {
        const packed = (await readHintedChunks(db, scope, lineIds, hint)) ?? (await readAllChunks(db, scope));
        chunks.set(scope, packed);
        for (const line of packed.allLines()) store.note('line', scope, line.id, line);
      }),
    ]);
    for (const e of edits) store.note(e.kind, e.scope, e.id, undefined);
    return store;
  }

  /** Records a stored value (the first one noted for a key stays). */
  private note(kind: RecordKind, scope: string, id: Id, value: unknown): void {
    const key = recordKey(kind, scope, id);
    if (this.where.has(key)) return;
    this.where.set(key, { kind, scope, id });
    this.values.set(key, value ?? null);
  }

  keys(): string[] {
    return [...this.where.keys()];
  }

  get(key: string): unknown {
    return this.values.get(key) ?? null;
  }

  set(key: string, value: unknown): void {
    this.values.set(key, value);
    this.dirty.add(key);
  }

  dirtyKeys(): string[] {
    return [...this.dirty];
  }

  /** Writes every changed record; lines into their chunk (a new line where ChunkedLines puts it). */
  async write(outcome: PullOutcome): Promise<void> {
    const tables = { workbook: this.db.workbooks, node: this.db.nodes, place: this.db.places, rule: this.db.rules, scenario: this.db.scenarios } as const;
    const puts = new Map<RecordKind, unknown[]>();
    const deletes = new Map<RecordKind, Id[]>();
    const chunkNos = new Map<Id, Set<number>>();
    for (const key of this.dirty) {
      const { kind, scope, id } = this.where.get(key)!;
      const value = this.values.get(key);
      if (kind === 'line') {
        const packed = this.chunks.get(scope)!;
        const no = value === null ? packed.remove(id) : packed.add(value as Line);
        if (no === undefined) continue;
        let set = chunkNos.get(scope);
        if (!set) chunkNos.set(scope, (set = new Set()));
        set.add(no);
        continue;
      }
      outcome.records = true;
      const list = value === null ? deletes : puts;
      if (!list.has(kind)) list.set(kind, []);
      (list.get(kind) as unknown[]).push(value === null ? id : value);
    }
    const writes: Promise<unknown>[] = [];
    for (const [kind, list] of puts) writes.push((tables[kind as keyof typeof tables] as Table<unknown, Id>).bulkPut(list));
    for (const [kind, list] of deletes) {
      // The workbook record itself is never deleted by a pulled operation: the workbook stays, emptied.
      if (kind !== 'workbook') writes.push((tables[kind as keyof typeof tables] as Table<unknown, Id>).bulkDelete(list));
    }
    for (const [scope, nos] of chunkNos) {
      const packed = this.chunks.get(scope)!;
      for (const no of nos) {
        const lines = packed.lines(no);
        if (lines.length) writes.push(this.db.lineChunks.put({ scenarioId: scope, workbookId: this.workbookId, no, lines }));
        else writes.push(this.db.lineChunks.delete([scope, no]));
      }
      outcome.chunks.set(scope, [...nos]);
    }
    await Promise.all(writes);
  }
}

/** Every chunk of a scenario's lines. */
async function readAllChunks(db: PlanbenchDB, scope: Id): Promise<ChunkedLines> {
  const stored = await db.lineChunks.where('[scenarioId+no]').between([scope, Dexie.minKey], [scope, Dexie.maxKey]).toArray();
  const byNo: Line[][] = [];
  for (const c of stored) byNo[c.no] = c.lines;
  return new ChunkedLines(byNo);
}

/**
 * Only the chunks the hint says hold the given lines, when it places every one and each is found
 * there: lines edited or deleted in place (a new line goes where only the whole packing tells, so
 * then null, and the caller reads every chunk).
 */
async function readHintedChunks(db: PlanbenchDB, scope: Id, lineIds: ReadonlySet<Id>, hint: ChunkHint | undefined): Promise<ChunkedLines | null> {
  if (!hint) return null;
  const nos = new Set<number>();
  for (const id of lineIds) {
    const no = hint(scope, id);
    if (no === undefined) return null;
    nos.add(no);
  }
  const list = [...nos];
  const stored = await db.lineChunks.bulkGet(list.map((no): [Id, number] => [scope, no]));
  const byNo: Line[][] = [];
  list.forEach((no, i) => {
    if (stored[i]) byNo[no] = stored[i]!.lines;
  });
  const packed = new ChunkedLines(byNo);
  for (const id of lineIds) if (packed.chunkOf(id) === undefined) return null;
  return packed;
}

/**
 * Takes in the conflicts the server reported (new ones, and known ones read again for their
 * decision) and notes how far they were read: a new one is open unless already decided; a known
 * one still open here that someone decided takes that decision, marked as news to show; one
 * decided here keeps this browser's decision until the server has it.
 */
export async function addConflicts(db: PlanbenchDB, workbookId: Id, conflicts: readonly ServerConflict[], readUpTo: number): Promise<Result<ShareRecord | null>> {
  return editConflicts(
    db,
    workbookId,
    (list) => {
      const byId = new Map(conflicts.map((c) => [c.id, c]));
      const known = new Set(list.map((c) => c.id));
      const next = list.map((c): SharedConflict => {
        const server = byId.get(c.id);
        if (!server?.decision || c.unsent) return c;
        return { ...c, state: server.decision, decidedBy: server.decidedBy, decidedAt: server.decidedAt, news: c.state === 'open' ? true : c.news };
      });
      const added = conflicts.filter((c) => !known.has(c.id)).map((c): SharedConflict => ({ ...c, state: c.decision ?? 'open' }));
      return [...next, ...added];
    },
    readUpTo,
  );
}

/**
 * Records what a person here made of a conflict: confirmed (the value shown stays) or reversed (the
 * kept value typed back), waiting to be sent to the server (`unsent`) unless `server` gives the
 * decision the server holds (this one, or an earlier one of someone else, which stands).
 */
export async function settleConflict(
  db: PlanbenchDB,
  workbookId: Id,
  conflictId: number,
  state: 'confirmed' | 'reversed',
  server?: ServerConflict,
): Promise<Result<ShareRecord | null>> {
  return editConflicts(db, workbookId, (list) =>
    list.map((c): SharedConflict => {
      if (c.id !== conflictId) return c;
      if (!server?.decision) return { ...c, state, unsent: true };
      return { ...c, state: server.decision, decidedBy: server.decidedBy, decidedAt: server.decidedAt, unsent: false, news: false };
    }),
  );
}

/** Takes a conflict decided elsewhere off the list of news (the person here has read it). */
export async function dismissConflict(db: PlanbenchDB, workbookId: Id, conflictId: number): Promise<Result<ShareRecord | null>> {
  return editConflicts(db, workbookId, (list) => list.map((c) => (c.id === conflictId ? { ...c, news: false } : c)));
}

/** Rewrites a shared workbook's conflicts in one transaction (and how far they were read); null when it is no longer shared. */
async function editConflicts(db: PlanbenchDB, workbookId: Id, edit: (list: SharedConflict[]) => SharedConflict[], readUpTo = 0): Promise<Result<ShareRecord | null>> {
  return writeSafely({ code: 'db.quota-meta' }, () =>
    db.transaction('rw', db.shares, async () => {
      const share = await db.shares.get(workbookId);
      if (!share) return null;
      const next = { ...share, conflicts: edit(share.conflicts), conflictSeq: Math.max(share.conflictSeq, readUpTo) };
      await db.shares.put(next);
      return next;
    }),
  );
}

// A shared workbook's operation log and records read back (append-ops.ts appends them): operations
// since a sequence, the records in chunks (the snapshot a new browser opens from), the records as
// they stood after any earlier sequence, the log's steps, one record's history, the conflicts; and
// a decision on a conflict.

import type { Db, Queryable } from './db';
import { done, refused, type ServerResult } from './messages';
import { recordEditsOf, recordKey, type RecordKind, type ServerConflict, type SyncChange, type SyncOperation } from '../src/domain/sync';
import { recordAfter, type LoggedEdit, type StepCounts, type VersionStep } from '../src/domain/sync-history';

/** An operation as pulled: the client's operation, its sequence, who sent it and when. */
export interface PulledOperation extends SyncOperation {
  seq: number;
  userId: string;
  userName: string;
  at: string;
}

interface OpRow {
  seq: number;
  op_id: string;
  base_seq: number;
  scenario_id: string | null;
  change: SyncChange;
  created_at: Date;
  user_id: string;
  display_name: string;
}

function pulled(r: OpRow): PulledOperation {
  return {
    seq: r.seq,
    opId: r.op_id,
    baseSeq: r.base_seq,
    scenarioId: r.scenario_id,
    change: r.change,
    userId: r.user_id,
    userName: r.display_name,
    at: new Date(r.created_at).toISOString(),
  };
}

/** The operations after `since`, in order, at most `limit`; `more` when others follow; the workbook's last sequence as of the same read. */
export async function pullOperations(db: Queryable, workbookId: string, since: number, limit: number): Promise<{ ops: PulledOperation[]; lastSeq: number; more: boolean }> {
  // One statement (the streams of every process run it after each append): the workbook's row,
  // with the operations after `since` beside it, or one row of nulls when there are none.
  const rows = await db.query<{ [K in keyof OpRow]: OpRow[K] | null } & { last_seq: number }>(
    `select w.last_seq, o.seq, o.op_id, o.base_seq, o.scenario_id, o.change, o.created_at, o.user_id, o.display_name
       from workbooks w left join lateral (
         select o.seq, o.op_id, o.base_seq, o.scenario_id, o.change, o.created_at, o.user_id, u.display_name
           from ops o join users u on u.id = o.user_id where o.workbook_id = w.id and o.seq > $2 order by o.seq limit $3
       ) o on true
      where w.id = $1
      order by o.seq`,
    [workbookId, since, limit + 1],
  );
  const ops = rows.filter((r): r is OpRow & { last_seq: number } => r.seq !== null);
  return { ops: ops.slice(0, limit).map(pulled), lastSeq: rows[0]?.last_seq ?? 0, more: ops.length > limit };
}

/** A record as the snapshot gives it: where it is, what it holds, and the sequence of the operation that last wrote it. */
export interface SnapshotRecord {
  kind: RecordKind;
  scope: string;
  id: string;
  seq: number;
  data: unknown;
}

/** The position after a record, for the next chunk; opaque to clients. */
export function encodeCursor(r: { kind: string; scope: string; id: string }): string {
  return Buffer.from(JSON.stringify([r.kind, r.scope, r.id])).toString('base64url');
}

/** The record position a cursor names; null when it is not one. */
export function decodeCursor(cursor: string): [string, string, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'string') ? (v as [string, string, string]) : null;
  } catch {
    return null;
  }
}

/**
 * One chunk of a workbook's records as they stand (deleted ones left out), ordered by kind, scope
 * and id, after the cursor, as the JSON text sent (`{ seq, records: SnapshotRecord[], next }`) and
 * its `next`, which names the next chunk (null at the end); `seq` is the workbook's last sequence
 * when this chunk was read. Chunks read at different times may stand at different sequences: a
 * client then pulls the operations after the first chunk's `seq` and skips, for each record, those
 * at or below the record's own `seq` (applyPulledOperation does). Each record's data goes out as
 * the database writes it, never parsed nor serialised again in JavaScript.
 */
export async function readSnapshot(db: Db, workbookId: string, after: [string, string, string] | null, limit: number): Promise<{ text: string; next: string | null }> {
  return db.transaction(async (tx) => {
    // Read in the primary key's order, along its index: PGlite has no autovacuum to gather the
    // statistics, and without them the planner fetched every record after the cursor and sorted them
    // (75–95 ms a chunk at 100 000 lines instead of 20–35).
    await tx.exec('set local enable_sort = off');
    const [kind, scope, id] = after ?? ['', '', ''];
    // One row: the chunk's records already written as JSON text by PostgreSQL (PGlite hands rows to
    // JavaScript one message each, the larger share of a chunk's time), the key of its last record,
    // whether another follows, and the workbook's last sequence.
    const [page] = await tx.query<{ last_seq: number; n: number; items: string | null; last: [string, string, string] | null }>(
      `with page as (
         select kind, scope, id, seq, data, row_number() over (order by kind, scope, id) as rn from (
           select kind, scope, id, seq, data from records
            where workbook_id = $1 and data is not null and (kind, scope, id) > ($2, $3, $4)
            order by kind, scope, id limit $5 + 1) r
       )
       select (select last_seq from workbooks where id = $1) as last_seq, count(*)::int as n,
              string_agg('{"kind":' || to_json(kind) || ',"scope":' || to_json(scope) || ',"id":' || to_json(id) || ',"seq":' || seq || ',"data":' || data::text || '}',
                         ',' order by rn) filter (where rn <= $5) as items,
              max(array[kind, scope, id]) filter (where rn = $5) as last
         from page`,
      [workbookId, kind, scope, id, limit],
    );
    const next = page.n > limit && page.last ? encodeCursor({ kind: page.last[0], scope: page.last[1], id: page.last[2] }) : null;
    return { text: `{"seq":${page.last_seq ?? 0},"records":[${page.items ?? ''}],"next":${JSON.stringify(next)}}`, next };
  });
}

/**
 * One chunk of a workbook's records as they stood once the operations up to `atSeq` were applied
 * (records absent then left out), in readSnapshot's order and chunks; `seq` is `atSeq`, each
 * record's own the last operation up to it that wrote it. Read record by record: one written
 * since takes the content its last operation up to `atSeq` left (op_records), or, when that
 * operation is older than schema 005, its changes applied again (replayRecords). The answer for a
 * sequence never changes, so chunks read at different times fit together.
 */
export async function readRecordsAt(
  db: Db,
  workbookId: string,
  atSeq: number,
  after: [string, string, string] | null,
  limit: number,
): Promise<{ seq: number; records: SnapshotRecord[]; next: string | null }> {
  return db.transaction(async (tx) => {
    await tx.exec('set local enable_sort = off');
    const [kind, scope, id] = after ?? ['', '', ''];
    // Deleted records too when written since: they may have existed then.
    const rows = await tx.query<SnapshotRecord>(
      `select kind, scope, id, seq, data from records
        where workbook_id = $1 and (data is not null or seq > $5) and (kind, scope, id) > ($2, $3, $4)
        order by kind, scope, id limit $6`,
      [workbookId, kind, scope, id, atSeq, limit + 1],
    );
    const page = rows.slice(0, limit);
    const next = rows.length > limit ? encodeCursor(page[page.length - 1]) : null;
    const later = page.filter((r) => r.seq > atSeq);
    const then = new Map<string, { data: unknown; seq: number } | null>();
    if (later.length) {
      const kept = await tx.query<{ kind: RecordKind; scope: string; id: string; seq: number | null; data: unknown; kept: boolean | null }>(
        `select k.kind, k.scope, k.id, h.seq, h.data, h.kept from unnest($2::text[], $3::text[], $4::text[]) as k(kind, scope, id)
           left join lateral (
             select seq, data, kept from op_records h
              where h.workbook_id = $1 and h.kind = k.kind and h.scope = k.scope and h.id = k.id and h.seq <= $5
              order by h.seq desc limit 1
           ) h on true`,
        [workbookId, later.map((r) => r.kind), later.map((r) => r.scope), later.map((r) => r.id), atSeq],
      );
      const replay = new Map<string, LoggedEdit[]>();
      for (const h of kept) {
        const key = recordKey(h.kind, h.scope, h.id);
        if (h.seq === null) then.set(key, null);
        else if (h.kept) then.set(key, h.data === null ? null : { data: h.data, seq: h.seq });
        else replay.set(key, []);
      }
      if (replay.size)
        await replayRecords(
          tx,
          workbookId,
          atSeq,
          kept.filter((h) => replay.has(recordKey(h.kind, h.scope, h.id))),
          replay,
          then,
        );
    }
    const records: SnapshotRecord[] = [];
    for (const r of page) {
      if (r.seq <= atSeq) {
        if (r.data !== null) records.push(r);
        continue;
      }
      const was = then.get(recordKey(r.kind, r.scope, r.id));
      if (was) records.push({ kind: r.kind, scope: r.scope, id: r.id, seq: was.seq, data: was.data });
    }
    return { seq: atSeq, records, next };
  });
}

/**
 * The records named, as they stood after `atSeq`, from their changes in the log (each operation that
 * touched any of them read once, in order): for operations stored before the server kept each
 * record's content per operation.
 */
async function replayRecords(
  tx: Queryable,
  workbookId: string,
  atSeq: number,
  keys: { kind: RecordKind; scope: string; id: string }[],
  changes: Map<string, LoggedEdit[]>,
  into: Map<string, { data: unknown; seq: number } | null>,
): Promise<void> {
  const ops = await tx.query<{ seq: number; scenario_id: string | null; change: SyncChange }>(
    `select o.seq, o.scenario_id, o.change from ops o
      where o.workbook_id = $1 and o.seq in (
        select h.seq from op_records h join unnest($2::text[], $3::text[], $4::text[]) as k(kind, scope, id) on h.kind = k.kind and h.scope = k.scope and h.id = k.id
         where h.workbook_id = $1 and h.seq <= $5)
      order by o.seq`,
    [workbookId, keys.map((k) => k.kind), keys.map((k) => k.scope), keys.map((k) => k.id), atSeq],
  );
  for (const op of ops) {
    for (const edit of recordEditsOf(op.change, op.scenario_id)) changes.get(recordKey(edit.kind, edit.scope, edit.id))?.push({ seq: op.seq, edit });
  }
  for (const [key, list] of changes) into.set(key, recordAfter(list, atSeq));
}

/** The number of entries of a list in an operation's change (0 when absent), as SQL. */
const listLength = (key: string) => `(case jsonb_typeof(o.change->'${key}') when 'array' then jsonb_array_length(o.change->'${key}') else 0 end)`;
const present = (key: string) => `(case jsonb_typeof(o.change->'${key}') when 'object' then 1 else 0 end)`;

/** The steps of a workbook's log before `before` (all when null), newest first, at most `limit`; `more` when older ones follow. */
export async function listVersions(db: Queryable, workbookId: string, before: number | null, limit: number): Promise<{ versions: VersionStep[]; more: boolean }> {
  const rows = await db.query<StepCounts & { seq: number; base_seq: number; scenario_id: string | null; created_at: Date; display_name: string }>(
    `select o.seq, o.base_seq, o.scenario_id, o.created_at, u.display_name, ${present('workbook')} as workbook,
            ${listLength('scenarios')} + ${present('scenario')} as scenarios, ${listLength('nodes')} as nodes, ${listLength('lines')} as lines,
            ${listLength('places')} as places, ${listLength('rules')} as rules
       from ops o join users u on u.id = o.user_id
      where o.workbook_id = $1 and o.seq < $2 order by o.seq desc limit $3`,
    [workbookId, before ?? Number.MAX_SAFE_INTEGER, limit + 1],
  );
  const versions = rows.slice(0, limit).map((r) => ({
    seq: r.seq,
    baseSeq: r.base_seq,
    userName: r.display_name,
    at: new Date(r.created_at).toISOString(),
    scenarioId: r.scenario_id,
    counts: { workbook: r.workbook, scenarios: r.scenarios, nodes: r.nodes, lines: r.lines, places: r.places, rules: r.rules },
  }));
  return { versions, more: rows.length > limit };
}

/** One operation's change of a record, with who made it, when, and from which version. */
export interface HistoryEntry {
  seq: number;
  opId: string;
  baseSeq: number;
  userId: string;
  userName: string;
  at: string;
  before: unknown;
  after: unknown;
}

/** Every operation that touched a record, oldest first, with the record's two ends in it. */
export async function recordHistory(db: Queryable, workbookId: string, kind: RecordKind, scope: string, id: string): Promise<HistoryEntry[]> {
  const rows = await db.query<OpRow>(
    `select o.seq, o.op_id, o.base_seq, o.scenario_id, o.change, o.created_at, o.user_id, u.display_name
       from op_records r join ops o on o.workbook_id = r.workbook_id and o.seq = r.seq join users u on u.id = o.user_id
      where r.workbook_id = $1 and r.kind = $2 and r.scope = $3 and r.id = $4 order by o.seq`,
    [workbookId, kind, scope, id],
  );
  return rows.flatMap((r) =>
    recordEditsOf(r.change, r.scenario_id)
      .filter((e) => e.kind === kind && e.scope === scope && e.id === id)
      .map((e) => ({
        seq: r.seq,
        opId: r.op_id,
        baseSeq: r.base_seq,
        userId: r.user_id,
        userName: r.display_name,
        at: new Date(r.created_at).toISOString(),
        before: e.before,
        after: e.after,
      })),
  );
}

/**
 * A conflict as recorded (what a browser is sent, ServerConflict of domain/sync), with the operation
 * whose value was kept aside and its author; the decision, null while open.
 */
export interface ConflictEntry extends ServerConflict {
  keptSeq: number | null;
  userId: string;
  decision: ConflictDecision | null;
  decidedBy: string | null;
  decidedAt: string | null;
}

export type ConflictDecision = 'confirmed' | 'reversed';

/** The conflicts recorded by operations after `since`, oldest first, at most `limit`. */
export async function listConflicts(db: Queryable, workbookId: string, since: number, limit: number, only?: number): Promise<ConflictEntry[]> {
  const rows = await db.query<{
    id: number;
    seq: number;
    kept_seq: number | null;
    kind: RecordKind;
    scope: string;
    record_id: string;
    path: string[];
    base: unknown;
    kept: unknown;
    shown: unknown;
    user_id: string;
    display_name: string;
    created_at: Date;
    decision: ConflictDecision | null;
    decided_name: string | null;
    decided_at: Date | null;
  }>(
    `select c.id, c.seq, c.kept_seq, c.kind, c.scope, c.record_id, c.path, c.base, c.kept, c.shown, o.user_id, u.display_name, o.created_at,
            c.decision, d.display_name as decided_name, c.decided_at
       from conflicts c join ops o on o.workbook_id = c.workbook_id and o.seq = c.seq join users u on u.id = o.user_id
       left join users d on d.id = c.decided_by
      where c.workbook_id = $1 and c.seq > $2 ${only ? 'and c.id = $4' : ''} order by c.id limit $3`,
    only ? [workbookId, since, limit, only] : [workbookId, since, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    seq: r.seq,
    keptSeq: r.kept_seq,
    kind: r.kind,
    scope: r.scope,
    recordId: r.record_id,
    path: r.path,
    base: r.base ?? null,
    kept: r.kept ?? null,
    shown: r.shown ?? null,
    userId: r.user_id,
    userName: r.display_name,
    at: new Date(r.created_at).toISOString(),
    decision: r.decision ?? null,
    decidedBy: r.decided_name ?? null,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
  }));
}

/**
 * Records a person's decision on a conflict of the workbook, if nobody decided it before (the
 * first decision stands), and tells the workbook's streams (`<workbook> <last seq> conflicts` on
 * `channel`, on commit). The conflict as it stands after: conflict.not-found when the workbook has
 * no such conflict, conflict.decided (who, what) when someone decided it first.
 */
export async function decideConflict(
  db: Db,
  workbook: { id: string },
  conflictId: number,
  decision: ConflictDecision,
  userId: string,
  channel: string,
): Promise<ServerResult<ConflictEntry>> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: number }>(
      `update conflicts set decision = $3, decided_by = $4, decided_at = now() where workbook_id = $1 and id = $2 and decision is null returning id`,
      [workbook.id, conflictId, decision, userId],
    );
    const [entry] = await listConflicts(tx, workbook.id, 0, 1, conflictId);
    if (!entry) return refused('conflict.not-found', { id: conflictId });
    if (!rows.length) return refused('conflict.decided', { id: conflictId, who: entry.decidedBy ?? '', decision: entry.decision ?? '' });
    const [wb] = await tx.query<{ last_seq: number }>('select last_seq from workbooks where id = $1', [workbook.id]);
    await tx.query('select pg_notify($1, $2)', [channel, `${workbook.id} ${wb.last_seq} conflicts`]);
    return done(entry);
  });
}

// A shared workbook's operation log and records: appending operations (numbered per workbook in the
// order accepted, stored once per id, applied to the records field by field with the rule the
// browser shares, conflicts kept), and reading them back: operations since a sequence, the records
// in chunks (the snapshot a new browser opens from), the records as they stood after any earlier
// sequence, the log's steps, one record's history, the conflicts.

import type { Db, Queryable } from './db';
import type { WorkbookRow } from './access';
import { done, refused, type ServerProblem, type ServerResult } from './messages';
import { applyRecordEdit, recordEditsOf, recordKey, type RecordEdit, type RecordKind, type ServerConflict, type SyncChange, type SyncOperation } from '../src/domain/sync';
import type { FieldConflict } from '../src/domain/merge-fields';
import { recordAfter, type LoggedEdit, type StepCounts, type VersionStep } from '../src/domain/sync-history';

/** What a push answers for each operation: its sequence, whether it was stored before, how many fields it overwrote in conflict. */
export interface PushResult {
  opId: string;
  seq: number;
  duplicate: boolean;
  conflicts: number;
}

/** An operation as pulled: the client's operation, its sequence, who sent it and when. */
export interface PulledOperation extends SyncOperation {
  seq: number;
  userId: string;
  userName: string;
  at: string;
}

class Refusal extends Error {
  constructor(readonly problem: ServerProblem) {
    super(problem.code);
  }
}

/** The workbook an operation's records must all belong to; the first record naming another, or null. */
function strayRecord(edits: RecordEdit[], workbookId: string): string | null {
  for (const e of edits) {
    for (const rec of [e.before, e.after] as (Record<string, unknown> | null)[]) {
      if (rec === null) continue;
      if (e.kind === 'workbook' ? rec.id !== workbookId : e.kind !== 'line' && rec.workbookId !== workbookId) return `${e.kind} ${e.id}`;
    }
    if (e.before !== null && e.after !== null && (e.before as { id: unknown }).id !== (e.after as { id: unknown }).id) return `${e.kind} ${e.id}`;
  }
  return null;
}

/**
 * Appends operations to a workbook's log in one transaction (all or none), in the order given.
 * An operation whose id is stored already is not stored again (duplicate: true) when it is the
 * same change to the same workbook, and refused (op.id-reused) otherwise. Refused too: records of
 * another workbook, lines of a scenario the workbook lacks, a base sequence the workbook has not
 * reached. Each accepted operation gets the next sequence, is applied to the records (each field:
 * the last operation accepted wins; one that overwrote a value its author had not seen leaves a
 * conflict row with that value), and one notification on `channel` says the new last sequence.
 */
export async function appendOperations(
  db: Db,
  workbook: WorkbookRow,
  userId: string,
  ops: SyncOperation[],
  channel: string,
): Promise<ServerResult<{ results: PushResult[]; lastSeq: number }>> {
  for (const op of ops) {
    const stray = strayRecord(recordEditsOf(op.change, op.scenarioId), workbook.id);
    if (stray) return refused('op.wrong-workbook', { opId: op.opId, detail: stray });
  }
  try {
    const outcome = await db.transaction(async (tx) => {
      const [locked] = await tx.query<{ last_seq: number }>('select last_seq from workbooks where id = $1 for update', [workbook.id]);
      let lastSeq = locked.last_seq;
      const results: PushResult[] = [];
      for (const op of ops) {
        const result = await appendOne(tx, workbook.id, userId, op, lastSeq);
        results.push(result);
        if (!result.duplicate) lastSeq = result.seq;
      }
      if (lastSeq !== locked.last_seq) {
        // One statement: the notification goes out on commit.
        await tx.query('with bumped as (update workbooks set last_seq = $2 where id = $1) select pg_notify($3, $4)', [
          workbook.id,
          lastSeq,
          channel,
          `${workbook.id} ${lastSeq}`,
        ]);
      }
      return { results, lastSeq };
    });
    return done(outcome);
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, error: err.problem };
    throw err;
  }
}

async function appendOne(tx: Queryable, workbookId: string, userId: string, op: SyncOperation, lastSeq: number): Promise<PushResult> {
  const changeJson = JSON.stringify(op.change);
  const scenarioId = op.scenarioId ?? null;
  if (op.baseSeq > lastSeq) {
    const seen = await sameOperation(tx, workbookId, op, changeJson, scenarioId);
    if (seen !== null) return { opId: op.opId, seq: seen, duplicate: true, conflicts: 0 };
    throw new Refusal({ code: 'op.base-ahead', params: { opId: op.opId, baseSeq: op.baseSeq, lastSeq } });
  }
  const seq = lastSeq + 1;
  // Applied as stored (jsonb may reorder keys), exactly as every client will pull it.
  const [stored] = await tx.query<{ change: SyncChange }>(
    `insert into ops (workbook_id, seq, op_id, base_seq, user_id, scenario_id, change) values ($1, $2, $3, $4, $5, $6, $7::jsonb)
       on conflict (op_id) do nothing returning change`,
    [workbookId, seq, op.opId, op.baseSeq, userId, scenarioId, changeJson],
  );
  if (!stored) {
    const seen = await sameOperation(tx, workbookId, op, changeJson, scenarioId);
    if (seen !== null) return { opId: op.opId, seq: seen, duplicate: true, conflicts: 0 };
    throw new Refusal({ code: 'op.id-reused', params: { opId: op.opId } });
  }
  const edits = recordEditsOf(stored.change, scenarioId);
  // Lines belong to a scenario of this workbook: one stored (or deleted since), or one this operation creates.
  const created = edits.some((e) => e.kind === 'scenario' && e.id === scenarioId && e.after !== null);
  const scenario = edits.some((e) => e.kind === 'line') && !created ? (scenarioId ?? '') : null;
  const conflicts = await applyEdits(tx, workbookId, seq, edits, op.opId, scenario);
  return { opId: op.opId, seq, duplicate: false, conflicts };
}

/**
 * An operation stored already under this id: its sequence when it is this one (same workbook, same
 * change) and op.id-reused (thrown) when it is another; null when none is stored.
 */
async function sameOperation(tx: Queryable, workbookId: string, op: SyncOperation, changeJson: string, scenarioId: string | null): Promise<number | null> {
  const seen = await tx.query<{ workbook_id: string; seq: number; same: boolean }>(
    'select workbook_id, seq, (change = $2::jsonb and scenario_id is not distinct from $3) as same from ops where op_id = $1',
    [op.opId, changeJson, scenarioId],
  );
  if (!seen.length) return null;
  if (seen[0].workbook_id === workbookId && seen[0].same) return seen[0].seq;
  throw new Refusal({ code: 'op.id-reused', params: { opId: op.opId } });
}

/**
/**
 * Applies an operation's record edits in order; writes each record touched once, with its history
 * and conflicts (one statement); the number of conflicts. With `scenario`, the lines' scenario must
 * be one the workbook has or had (its record read with the others, deleted or not), else
 * op.scenario-unknown: the deletion of a large scenario's lines travels in operations after its
 * record's, and an office that edited it offline must not be blocked (such lines stay under no
 * scenario, invisible, each with its conflict).
 */
async function applyEdits(tx: Queryable, workbookId: string, seq: number, edits: RecordEdit[], opId: string, scenario: string | null): Promise<number> {
  if (!edits.length) return 0;
  const keys = [...new Map(edits.map((e) => [recordKey(e.kind, e.scope, e.id), e])).values()];
  const read = scenario === null ? keys : [...keys, { kind: 'scenario' as const, scope: '', id: scenario }];
  const current = await tx.query<{ kind: RecordKind; scope: string; id: string; data: unknown; seq: number }>(
    `select r.kind, r.scope, r.id, r.data, r.seq from records r
       join unnest($2::text[], $3::text[], $4::text[]) as k(kind, scope, id) on r.kind = k.kind and r.scope = k.scope and r.id = k.id
      where r.workbook_id = $1`,
    [workbookId, read.map((e) => e.kind), read.map((e) => e.scope), read.map((e) => e.id)],
  );
  if (scenario !== null && !current.some((r) => r.kind === 'scenario' && r.id === scenario)) {
    throw new Refusal({ code: 'op.scenario-unknown', params: { opId, scenarioId: scenario } });
  }
  const state = new Map(current.map((r) => [recordKey(r.kind, r.scope, r.id), { data: r.data, seq: r.seq as number | null }]));
  const conflicts: (FieldConflict & { edit: RecordEdit; keptSeq: number | null })[] = [];
  for (const edit of edits) {
    const key = recordKey(edit.kind, edit.scope, edit.id);
    const before = state.get(key);
    const result = applyRecordEdit(before?.data ?? null, edit);
    for (const c of result.conflicts) conflicts.push({ ...c, edit, keptSeq: before?.seq ?? null });
    state.set(key, { data: result.value, seq });
  }
  const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
  const written = keys.map((e) => ({ e, data: state.get(recordKey(e.kind, e.scope, e.id))?.data ?? null }));
  // The records, their history (with what each holds after this operation) and the conflicts in one statement (one round trip while the workbook is locked).
  await tx.query(
    `with written as (
       insert into records (workbook_id, kind, scope, id, data, seq)
         select $1, k.kind, k.scope, k.id, k.data::jsonb, $2 from unnest($3::text[], $4::text[], $5::text[], $6::text[]) as k(kind, scope, id, data)
       on conflict (workbook_id, kind, scope, id) do update set data = excluded.data, seq = excluded.seq
     ), history as (
       insert into op_records (workbook_id, kind, scope, id, seq, data, kept)
         select $1, k.kind, k.scope, k.id, $2, k.data::jsonb, true from unnest($3::text[], $4::text[], $5::text[], $6::text[]) as k(kind, scope, id, data)
     ), kept as (
       insert into conflicts (workbook_id, seq, kind, scope, record_id, path, base, kept, shown, kept_seq)
         select $1, $2, c.kind, c.scope, c.id, c.path::jsonb, c.base::jsonb, c.kept::jsonb, c.shown::jsonb, c.kept_seq
           from unnest($7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[]) as c(kind, scope, id, path, base, kept, shown, kept_seq)
     ) select 1`,
    [
      workbookId,
      seq,
      written.map((w) => w.e.kind),
      written.map((w) => w.e.scope),
      written.map((w) => w.e.id),
      written.map((w) => json(w.data)),
      conflicts.map((c) => c.edit.kind),
      conflicts.map((c) => c.edit.scope),
      conflicts.map((c) => c.edit.id),
      conflicts.map((c) => JSON.stringify(c.path)),
      conflicts.map((c) => json(c.base)),
      conflicts.map((c) => json(c.kept)),
      conflicts.map((c) => json(c.shown)),
      conflicts.map((c) => c.keptSeq),
    ],
  );
  const wb = edits.find((e) => e.kind === 'workbook');
  const data = wb && (state.get(recordKey('workbook', '', wb.id))?.data as { name?: unknown; year?: unknown } | null);
  if (data && typeof data.name === 'string' && Number.isInteger(data.year)) {
    await tx.query('update workbooks set name = $2, year = $3 where id = $1', [workbookId, data.name, data.year]);
  }
  return conflicts.length;
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

/** The operations after `since`, in order, at most `limit`; `more` when others follow. */
export async function pullOperations(db: Queryable, workbookId: string, since: number, limit: number): Promise<{ ops: PulledOperation[]; lastSeq: number; more: boolean }> {
  const rows = await db.query<OpRow>(
    `select o.seq, o.op_id, o.base_seq, o.scenario_id, o.change, o.created_at, o.user_id, u.display_name
       from ops o join users u on u.id = o.user_id where o.workbook_id = $1 and o.seq > $2 order by o.seq limit $3`,
    [workbookId, since, limit + 1],
  );
  const [wb] = await db.query<{ last_seq: number }>('select last_seq from workbooks where id = $1', [workbookId]);
  return { ops: rows.slice(0, limit).map(pulled), lastSeq: wb?.last_seq ?? 0, more: rows.length > limit };
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
 * and id, after the cursor; `next` names the next chunk (null at the end), `seq` the workbook's last
 * sequence when this chunk was read. Chunks read at different times may stand at different
 * sequences: a client then pulls the operations after the first chunk's `seq` and skips, for each
 * record, those at or below the record's own `seq` (applyPulledOperation does).
 */
export async function readSnapshot(
  db: Db,
  workbookId: string,
  after: [string, string, string] | null,
  limit: number,
): Promise<{ seq: number; records: SnapshotRecord[]; next: string | null }> {
  return db.transaction(async (tx) => {
    // Read in the primary key's order, along its index: PGlite has no autovacuum to gather the
    // statistics, and without them the planner fetched every record after the cursor and sorted them
    // (75–95 ms a chunk at 100 000 lines instead of 20–35).
    await tx.exec('set local enable_sort = off');
    const [wb] = await tx.query<{ last_seq: number }>('select last_seq from workbooks where id = $1', [workbookId]);
    const [kind, scope, id] = after ?? ['', '', ''];
    const rows = await tx.query<SnapshotRecord>(
      `select kind, scope, id, seq, data from records
        where workbook_id = $1 and data is not null and (kind, scope, id) > ($2, $3, $4)
        order by kind, scope, id limit $5`,
      [workbookId, kind, scope, id, limit + 1],
    );
    const records = rows.slice(0, limit);
    const next = rows.length > limit ? encodeCursor(records[records.length - 1]) : null;
    return { seq: wb?.last_seq ?? 0, records, next };
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

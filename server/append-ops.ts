// Appending pushes to workbooks' operation logs, several pushes in one transaction: each workbook's
// row locked once, its operations numbered in the order given, applied to its records field by field
// with the rule the browser shares (domain/sync), and everything written in one statement per
// workbook (the operations, the records as they end, each operation's history rows, the conflicts,
// the last sequence and its notification). Each push keeps its own answer: it is accepted or
// refused as a whole, exactly as if it had run alone after the pushes before it.

import type { Db, Queryable } from './db';
import { done, refused, type ServerProblem, type ServerResult } from './messages';
import { applyRecordEdit, recordEditsOf, recordKey, type RecordEdit, type RecordKind, type SyncOperation } from '../src/domain/sync';
import { equalValues, type FieldConflict } from '../src/domain/merge-fields';

/** What a push answers for each operation: its sequence, whether it was stored before, how many fields it overwrote in conflict. */
export interface PushResult {
  opId: string;
  seq: number;
  duplicate: boolean;
  conflicts: number;
}

/** One push: a user's operations for one workbook, accepted or refused together. */
export interface Push {
  workbookId: string;
  userId: string;
  ops: SyncOperation[];
}

export type PushOutcome = ServerResult<{ results: PushResult[]; lastSeq: number }>;

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

/** An operation with its record edits worked out once. */
interface Prepared {
  op: SyncOperation;
  edits: RecordEdit[];
  /** The scenario its lines must belong to (one the workbook has or had), or null when it has no lines or creates that scenario. */
  scenario: string | null;
}

function prepare(op: SyncOperation): Prepared {
  const edits = recordEditsOf(op.change, op.scenarioId);
  const created = edits.some((e) => e.kind === 'scenario' && e.id === op.scenarioId && e.after !== null);
  const scenario = edits.some((e) => e.kind === 'line') && !created ? (op.scenarioId ?? '') : null;
  return { op, edits, scenario };
}

/**
 * Appends the pushes in one transaction (committed together; a refused push leaves nothing and the
 * others go on), workbook by workbook in the order each first appears, each workbook's pushes in
 * the order given. (Several workbooks in one transaction is for PGlite's one connection: on
 * PostgreSQL, transactions locking several workbooks in different orders could deadlock.)
 * Per operation: one whose id is stored already is not stored again (duplicate: true) when it is
 * the same change to the same workbook, and refused (op.id-reused) otherwise. Refused too: records
 * of another workbook, lines of a scenario the workbook never had, a base sequence the workbook has
 * not reached. Each accepted operation gets its workbook's next sequence and is applied to the
 * records (each field: the last operation accepted wins; one that overwrote a value its author had
 * not seen leaves a conflict row with that value); each workbook that took operations sends one
 * notification on `channel`, its new last sequence. The outcomes come in the pushes' order.
 * Throws (nothing stored) when the database fails.
 */
export async function appendPushes(db: Db, pushes: Push[], channel: string): Promise<PushOutcome[]> {
  const outcomes: PushOutcome[] = new Array(pushes.length);
  const byWorkbook = new Map<string, { index: number; ops: Prepared[]; userId: string }[]>();
  pushes.forEach((push, index) => {
    const ops = push.ops.map(prepare);
    for (const p of ops) {
      const stray = strayRecord(p.edits, push.workbookId);
      if (stray) {
        outcomes[index] = refused('op.wrong-workbook', { opId: p.op.opId, detail: stray });
        return;
      }
    }
    const list = byWorkbook.get(push.workbookId) ?? [];
    list.push({ index, ops, userId: push.userId });
    byWorkbook.set(push.workbookId, list);
  });
  if (!byWorkbook.size) return outcomes;
  await db.transaction(async (tx) => {
    for (const workbookId of byWorkbook.keys()) {
      const members = byWorkbook.get(workbookId)!;
      const answers = await appendToWorkbook(tx, workbookId, members, channel);
      members.forEach((m, i) => (outcomes[m.index] = answers[i]));
    }
  });
  return outcomes;
}

/** What is known of a record while the pushes are applied: its content (null once deleted) and the sequence that last wrote it. */
interface RecordState {
  kind: RecordKind;
  scope: string;
  id: string;
  data: unknown;
  seq: number;
}

/** The rows one workbook's accepted operations write. */
interface Writes {
  ops: { seq: number; op: SyncOperation; userId: string }[];
  /** Each record an operation touched, with what it holds after that operation (kept per operation: earlier versions are read from it). */
  history: { key: string; kind: RecordKind; scope: string; id: string; seq: number; data: unknown }[];
  conflicts: (FieldConflict & { seq: number; edit: RecordEdit; keptSeq: number | null })[];
  /** The workbook's name and year as its record last said them validly. */
  heading: { name: string; year: number } | null;
}

async function appendToWorkbook(tx: Queryable, workbookId: string, members: { ops: Prepared[]; userId: string }[], channel: string): Promise<PushOutcome[]> {
  const [locked] = await tx.query<{ last_seq: number }>('select last_seq from workbooks where id = $1 for update', [workbookId]);
  const all = members.flatMap((m) => m.ops);
  const stored = await readStored(tx, workbookId, all);
  const sameAsStored = await compareWithStored(tx, all, stored.seen);

  const state = stored.records;
  const accepted = new Map<string, { op: SyncOperation; seq: number }>();
  const writes: Writes = { ops: [], history: [], conflicts: [], heading: null };
  let lastSeq = locked.last_seq;
  const answers: (PushResult[] | ServerProblem)[] = [];
  for (const member of members) {
    // A push is tried on an overlay of the state: kept when it is accepted, dropped when refused.
    const overlay = new Map<string, RecordState>();
    const mine: Writes = { ops: [], history: [], conflicts: [], heading: writes.heading };
    const ids = new Map<string, { op: SyncOperation; seq: number }>();
    const results: PushResult[] = [];
    let seq = lastSeq;
    try {
      for (const p of member.ops) {
        const { op } = p;
        const earlier = ids.get(op.opId) ?? accepted.get(op.opId);
        const seen = stored.seen.get(op.opId);
        if (earlier || seen) {
          const same = earlier
            ? equalValues(earlier.op.change, op.change) && (earlier.op.scenarioId ?? null) === (op.scenarioId ?? null)
            : seen!.workbookId === workbookId && sameAsStored.get(p) === true;
          if (!same) throw new Refusal({ code: 'op.id-reused', params: { opId: op.opId } });
          results.push({ opId: op.opId, seq: earlier ? earlier.seq : seen!.seq, duplicate: true, conflicts: 0 });
          continue;
        }
        if (op.baseSeq > seq) throw new Refusal({ code: 'op.base-ahead', params: { opId: op.opId, baseSeq: op.baseSeq, lastSeq: seq } });
        seq++;
        const conflicts = applyOperation(p, seq, (key) => overlay.get(key) ?? state.get(key), overlay, mine);
        ids.set(op.opId, { op, seq });
        mine.ops.push({ seq, op, userId: member.userId });
        results.push({ opId: op.opId, seq, duplicate: false, conflicts });
      }
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      answers.push(err.problem);
      continue;
    }
    for (const [k, v] of overlay) state.set(k, v);
    for (const [k, v] of ids) accepted.set(k, v);
    writes.ops.push(...mine.ops);
    writes.history.push(...mine.history);
    writes.conflicts.push(...mine.conflicts);
    writes.heading = mine.heading;
    lastSeq = seq;
    answers.push(results);
  }
  if (writes.ops.length) await writeAll(tx, workbookId, writes, state, lastSeq, channel);
  return answers.map((a) => (Array.isArray(a) ? done({ results: a, lastSeq }) : { ok: false, error: a }));
}

/**
 * Applies one operation's record edits in order on the state `read` gives, into `overlay`, noting
 * its history rows, its conflicts and the workbook's heading in `out`; the number of conflicts.
 * Lines must belong to a scenario the workbook has or had (its record stored, deleted or not):
 * the deletion of a large scenario's lines travels in operations after its record's, and an
 * office that edited it offline must not be blocked (such lines stay under no scenario).
 */
function applyOperation(p: Prepared, seq: number, read: (key: string) => RecordState | undefined, overlay: Map<string, RecordState>, out: Writes): number {
  if (p.scenario !== null && !read(recordKey('scenario', '', p.scenario))) {
    throw new Refusal({ code: 'op.scenario-unknown', params: { opId: p.op.opId, scenarioId: p.scenario } });
  }
  let conflicts = 0;
  const touched = new Set<string>();
  for (const edit of p.edits) {
    const key = recordKey(edit.kind, edit.scope, edit.id);
    const before = read(key);
    const result = applyRecordEdit(before?.data ?? null, edit);
    for (const c of result.conflicts) out.conflicts.push({ ...c, seq, edit, keptSeq: before?.seq ?? null });
    conflicts += result.conflicts.length;
    overlay.set(key, { kind: edit.kind, scope: edit.scope, id: edit.id, data: result.value, seq });
    touched.add(key);
    if (edit.kind === 'workbook') {
      const data = result.value as { name?: unknown; year?: unknown } | null;
      if (data && typeof data.name === 'string' && Number.isInteger(data.year)) out.heading = { name: data.name, year: data.year as number };
    }
  }
  // What each record holds once the whole operation is applied (it may edit a record twice).
  for (const key of touched) {
    const r = overlay.get(key)!;
    out.history.push({ key, kind: r.kind, scope: r.scope, id: r.id, seq, data: r.data });
  }
  return conflicts;
}

/** The operations already stored under the ids given (in any workbook), and the records the operations name, in one statement. */
async function readStored(tx: Queryable, workbookId: string, ops: Prepared[]) {
  const keys = new Map<string, { kind: string; scope: string; id: string }>();
  for (const p of ops) {
    for (const e of p.edits) keys.set(recordKey(e.kind, e.scope, e.id), e);
    if (p.scenario !== null) keys.set(recordKey('scenario', '', p.scenario), { kind: 'scenario', scope: '', id: p.scenario });
  }
  const k = [...keys.values()];
  const rows = await tx.query<{ what: 'op' | 'record'; kind: RecordKind; scope: string; id: string; data: unknown; seq: number }>(
    `select 'op' as what, '' as kind, o.workbook_id as scope, o.op_id as id, null::jsonb as data, o.seq from ops o where o.op_id = any($2::text[])
     union all
     select 'record', r.kind, r.scope, r.id, r.data, r.seq from records r
       join unnest($3::text[], $4::text[], $5::text[]) as k(kind, scope, id) on r.kind = k.kind and r.scope = k.scope and r.id = k.id
      where r.workbook_id = $1`,
    [workbookId, [...new Set(ops.map((p) => p.op.opId))], k.map((e) => e.kind), k.map((e) => e.scope), k.map((e) => e.id)],
  );
  const seen = new Map<string, { workbookId: string; seq: number }>();
  const records = new Map<string, RecordState>();
  for (const r of rows) {
    if (r.what === 'op') seen.set(r.id, { workbookId: r.scope, seq: r.seq });
    else records.set(recordKey(r.kind, r.scope, r.id), { kind: r.kind, scope: r.scope, id: r.id, data: r.data, seq: r.seq });
  }
  return { seen, records };
}

/** For operations whose id is stored already: whether the stored one is the same change (compared as jsonb) of the same scenario. */
async function compareWithStored(tx: Queryable, ops: Prepared[], seen: Map<string, unknown>): Promise<Map<Prepared, boolean>> {
  const asked = ops.filter((p) => seen.has(p.op.opId));
  const same = new Map<Prepared, boolean>();
  if (!asked.length) return same;
  const rows = await tx.query<{ i: number; same: boolean }>(
    `select k.i, (o.change = k.change::jsonb and o.scenario_id is not distinct from k.scenario_id) as same
       from unnest($1::int[], $2::text[], $3::text[], $4::text[]) as k(i, op_id, change, scenario_id) join ops o on o.op_id = k.op_id`,
    [asked.map((_, i) => i), asked.map((p) => p.op.opId), asked.map((p) => JSON.stringify(p.op.change)), asked.map((p) => p.op.scenarioId ?? null)],
  );
  for (const r of rows) same.set(asked[r.i], r.same);
  return same;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/**
 * Writes a workbook's accepted operations, its records as they end, the history rows, the
 * conflicts, the new last sequence (and heading) and its notification, in one statement: one round
 * trip while the workbook is locked. The notification goes out on commit.
 */
async function writeAll(tx: Queryable, workbookId: string, w: Writes, state: Map<string, RecordState>, lastSeq: number, channel: string): Promise<void> {
  const written = [...new Set(w.history.map((h) => h.key))].map((key) => state.get(key)!);
  const history = w.history;
  await tx.query(
    `with logged as (
       insert into ops (workbook_id, seq, op_id, base_seq, user_id, scenario_id, change)
         select $1, o.seq, o.op_id, o.base_seq, o.user_id, o.scenario_id, o.change::jsonb
           from unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[]) as o(seq, op_id, base_seq, user_id, scenario_id, change)
     ), written as (
       insert into records (workbook_id, kind, scope, id, data, seq)
         select $1, k.kind, k.scope, k.id, k.data::jsonb, k.seq from unnest($8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[]) as k(kind, scope, id, data, seq)
       on conflict (workbook_id, kind, scope, id) do update set data = excluded.data, seq = excluded.seq
     ), history as (
       insert into op_records (workbook_id, kind, scope, id, seq, data, kept)
         select $1, h.kind, h.scope, h.id, h.seq, h.data::jsonb, true
           from unnest($13::text[], $14::text[], $15::text[], $16::bigint[], $31::text[]) as h(kind, scope, id, seq, data)
     ), kept as (
       insert into conflicts (workbook_id, seq, kind, scope, record_id, path, base, kept, shown, kept_seq)
         select $1, c.seq, c.kind, c.scope, c.id, c.path::jsonb, c.base::jsonb, c.kept::jsonb, c.shown::jsonb, c.kept_seq
           from unnest($17::bigint[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[], $25::bigint[])
                with ordinality as c(seq, kind, scope, id, path, base, kept, shown, kept_seq, n)
          order by c.n
     ), bumped as (
       update workbooks set last_seq = $26, name = coalesce($27, name), year = coalesce($28, year) where id = $1
     ) select pg_notify($29, $30)`,
    [
      workbookId,
      w.ops.map((o) => o.seq),
      w.ops.map((o) => o.op.opId),
      w.ops.map((o) => o.op.baseSeq),
      w.ops.map((o) => o.userId),
      w.ops.map((o) => o.op.scenarioId ?? null),
      w.ops.map((o) => JSON.stringify(o.op.change)),
      written.map((r) => r.kind),
      written.map((r) => r.scope),
      written.map((r) => r.id),
      written.map((r) => json(r.data)),
      written.map((r) => r.seq),
      history.map((h) => h.kind),
      history.map((h) => h.scope),
      history.map((h) => h.id),
      history.map((h) => h.seq),
      w.conflicts.map((c) => c.seq),
      w.conflicts.map((c) => c.edit.kind),
      w.conflicts.map((c) => c.edit.scope),
      w.conflicts.map((c) => c.edit.id),
      w.conflicts.map((c) => JSON.stringify(c.path)),
      w.conflicts.map((c) => json(c.base)),
      w.conflicts.map((c) => json(c.kept)),
      w.conflicts.map((c) => json(c.shown)),
      w.conflicts.map((c) => c.keptSeq),
      lastSeq,
      w.heading?.name ?? null,
      w.heading?.year ?? null,
      channel,
      `${workbookId} ${lastSeq}`,
      history.map((h) => json(h.data)),
    ],
  );
}

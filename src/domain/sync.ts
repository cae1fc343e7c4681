// Operations of a shared workbook: every Change the app makes, sent to the server with a stable id,
// as a list of record changes (before/after of one workbook, scenario, item, line, place or rule).
// The server applies each to its records in the order it assigns (its sequence number), field by
// field (merge-fields.ts), and a browser applies the same operations, pulled in that order, with
// the same function: both end with the same records.

import type { Change, RecordChange } from './edit';
import type { AllocationRuleRecord, Id, Line, Place, Scenario, TreeNode, Workbook } from './model';
import type { WorkbookArchive } from './workbook-archive';
import { equalValues, mergeFields, type FieldConflict } from './merge-fields';

/** A shared workbook as the server lists it (the server writes it, browsers read it). */
export interface SharedWorkbookSummary {
  id: string;
  name: string;
  year: number;
  orgId: string;
  orgName: string;
  lastSeq: number;
  /** Where it stands towards the province: never sent, or its latest submission's state. */
  state: 'draft' | 'submitted' | 'returned' | 'approved';
  createdAt: string;
}

/** The kinds of record a workbook holds. */
export const RECORD_KINDS = ['workbook', 'scenario', 'node', 'line', 'place', 'rule'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/**
 * What an operation carries: a Change (as the app's undo history holds it), plus whole scenarios,
 * which sharing a workbook and copying a scenario create. A workbook record may be created
 * (before null) by the operation that first uploads it.
 */
export interface SyncChange extends Omit<Change, 'workbook' | 'scenario'> {
  workbook?: { before: Workbook | null; after: Workbook | null };
  scenario?: { before: Scenario | null; after: Scenario | null };
  scenarios?: RecordChange<Scenario>[];
}

/** One operation as a client sends it: its own id, the last server sequence its author had seen, what it changes. */
export interface SyncOperation {
  /** Stable and unique (a random UUID): sending it again stores it once. */
  opId: string;
  /** The server sequence the author's copy was at when the change was made. */
  baseSeq: number;
  /** The scenario whose lines the change edits (lines carry no scenario of their own). */
  scenarioId?: Id | null;
  change: SyncChange;
}

/** One record's change: its kind, scope (a line's scenario; '' for the others), id, and both ends (null = absent). */
export interface RecordEdit {
  kind: RecordKind;
  scope: string;
  id: Id;
  before: unknown | null;
  after: unknown | null;
}

/** A conflict on one record of an operation. */
export interface RecordConflict extends FieldConflict {
  kind: RecordKind;
  scope: string;
  id: Id;
}

/** The record changes of an operation, in a fixed order (workbook, scenarios, items, lines, places, rules); lines scoped by the scenario. */
export function recordEditsOf(change: SyncChange, scenarioId: Id | null | undefined): RecordEdit[] {
  const out: RecordEdit[] = [];
  const push = (kind: RecordKind, scope: string, list: RecordChange<{ id: Id }>[] | undefined) => {
    for (const { before, after } of list ?? []) {
      const id = (after ?? before)?.id;
      if (id !== undefined) out.push({ kind, scope, id, before, after });
    }
  };
  if (change.workbook) push('workbook', '', [change.workbook]);
  push('scenario', '', [...(change.scenarios ?? []), ...(change.scenario ? [change.scenario] : [])]);
  push('node', '', change.nodes);
  push('line', scenarioId ?? '', change.lines);
  push('place', '', change.places);
  push('rule', '', change.rules);
  return out;
}

/** Fields that say when a record was last written, not what it holds: never a conflict. */
const BOOKKEEPING_FIELDS: Partial<Record<RecordKind, ReadonlySet<string>>> = { workbook: new Set(['updatedAt']) };

/**
 * The record after one record change, applied to what is stored (null = absent), and the fields
 * the change overwrote that someone else had changed meanwhile:
 * - an edit merges field by field (merge-fields.ts);
 * - a creation replaces whatever is stored; a record created twice with different content is a conflict;
 * - a deletion removes the record; one another edit changed meanwhile is a conflict keeping it whole;
 * - an edit of a record deleted meanwhile puts it back as edited, a conflict keeping "absent".
 * The same stored record and change always give the same result (both server and browser run this).
 */
export function applyRecordEdit(stored: unknown | null, edit: RecordEdit): { value: unknown | null; conflicts: FieldConflict[] } {
  const { before, after } = edit;
  let result: { value: unknown | null; conflicts: FieldConflict[] };
  if (after === null) {
    const conflicts = stored !== null && before !== null && !equalValues(stored, before) ? [{ path: [], base: before, kept: stored, shown: undefined }] : [];
    result = { value: null, conflicts };
  } else if (stored === null) {
    result = { value: after, conflicts: before !== null ? [{ path: [], base: before, kept: undefined, shown: after }] : [] };
  } else if (before === null) {
    result = { value: after, conflicts: equalValues(stored, after) ? [] : [{ path: [], base: undefined, kept: stored, shown: after }] };
  } else {
    result = mergeFields(stored, before, after);
  }
  const ignored = BOOKKEEPING_FIELDS[edit.kind];
  if (ignored) result.conflicts = result.conflicts.filter((c) => !(c.path.length === 1 && ignored.has(c.path[0])));
  return result;
}

/** The key of a record within a workbook: kind, scope and id. */
export function recordKey(kind: RecordKind, scope: string, id: Id): string {
  return `${kind}\u0000${scope}\u0000${id}`;
}

/** A record as a client keeps it: its content and the server sequence of the last operation that wrote it. */
export interface SyncedRecord {
  data: unknown;
  seq: number;
}

/**
 * Applies an operation the server numbered `seq` to a client's copy of the server's records (by
 * recordKey), as the server applied it: a record already written by this operation or a later one
 * (a snapshot read after it) is left as it is. Deleted records leave the map.
 */
export function applyPulledOperation(records: Map<string, SyncedRecord>, op: Pick<SyncOperation, 'scenarioId' | 'change'>, seq: number): void {
  for (const edit of recordEditsOf(op.change, op.scenarioId)) {
    const key = recordKey(edit.kind, edit.scope, edit.id);
    const current = records.get(key);
    if (current && current.seq >= seq) continue;
    const { value } = applyRecordEdit(current ? current.data : null, edit);
    if (value === null) records.delete(key);
    else records.set(key, { data: value, seq });
  }
}

/** An operation as the server gives it back: the client's operation with its sequence, who sent it and when. */
export interface PulledOperation extends SyncOperation {
  seq: number;
  userName: string;
  at: string;
}

/** A conflict the server recorded: the field of a record, what its author saw, the value kept aside and the one shown (null: absent). */
export interface ServerConflict {
  id: number;
  seq: number;
  kind: RecordKind;
  scope: string;
  recordId: string;
  path: string[];
  base: unknown;
  kept: unknown;
  shown: unknown;
  userName: string;
  at: string;
  /** What a person made of it, for everyone (the first decision stands), who and when; null while open. */
  decision?: 'confirmed' | 'reversed' | null;
  decidedBy?: string | null;
  decidedAt?: string | null;
}

/** The lines an upload operation carries at most, so that one push stays well under the server's body limit. */
export const UPLOAD_LINES_PER_OP = 2000;

/**
 * Record changes too large for one operation: the records of `head` (workbook, scenarios, items,
 * places, rules) and lines grouped by their scenario, in the order the server must take them.
 */
export interface SplitChange {
  head: Omit<SyncChange, 'lines'>;
  lines: { scenarioId: Id; changes: RecordChange<Line>[] }[];
}

/**
 * The operations that carry a change in order, each holding at most `linesPerOp` lines: the
 * first has every record of the head and the first group's first lines, the others one group's
 * lines each. Nothing is dropped or repeated; an empty change gives no operation.
 */
export function splitOperations(change: SplitChange, newId: () => string, baseSeq: number, linesPerOp = UPLOAD_LINES_PER_OP): SyncOperation[] {
  const first = change.lines[0];
  const head: SyncChange = { ...change.head, ...(first?.changes.length ? { lines: first.changes.slice(0, linesPerOp) } : {}) };
  const ops: SyncOperation[] = [];
  if (Object.values(head).some((v) => (Array.isArray(v) ? v.length > 0 : v !== undefined))) {
    ops.push({ opId: newId(), baseSeq, scenarioId: first?.scenarioId ?? null, change: head });
  }
  change.lines.forEach((g, i) => {
    for (let from = i === 0 ? linesPerOp : 0; from < g.changes.length; from += linesPerOp) {
      ops.push({ opId: newId(), baseSeq, scenarioId: g.scenarioId, change: { lines: g.changes.slice(from, from + linesPerOp) } });
    }
  });
  return ops;
}

/**
 * The operations that upload a whole workbook into an empty shared one, in the order the server
 * must take them: first the workbook, every scenario, item, place and rule (with the baseline's
 * first lines), then each scenario's lines, at most `linesPerOp` to an operation. Every record is
 * created (before null), so the server ends with exactly these records.
 */
export function uploadOperations(archive: WorkbookArchive, newId: () => string, linesPerOp = UPLOAD_LINES_PER_OP): SyncOperation[] {
  const create = <T>(list: readonly T[]) => list.map((after) => ({ before: null, after }));
  const scenarios = archive.scenarios.map(({ lines: _lines, ...s }) => s as Scenario);
  const baselineId = archive.workbook.baselineScenarioId;
  const ordered = [...archive.scenarios].sort((a, b) => Number(b.id === baselineId) - Number(a.id === baselineId));
  const head = {
    workbook: { before: null, after: archive.workbook },
    scenarios: create(scenarios),
    nodes: create(archive.nodes),
    places: create(archive.places),
    rules: create(archive.rules),
  };
  const lines = ordered.map((s) => ({ scenarioId: s.id, changes: create(s.lines) }));
  if (!lines.length) lines.push({ scenarioId: baselineId, changes: [] });
  return splitOperations({ head, lines }, newId, 0, linesPerOp);
}

/**
 * A workbook with every scenario's lines from a client's copy of the server's records (a
 * snapshot, brought up to date with applyPulledOperation); null when it holds no workbook record.
 * Items, places, rules and scenarios in a stable order (by `order`, then id).
 */
export function archiveOfRecords(records: ReadonlyMap<string, SyncedRecord>): WorkbookArchive | null {
  let workbook: Workbook | null = null;
  const scenarios: Scenario[] = [];
  const nodes: TreeNode[] = [];
  const places: Place[] = [];
  const rules: AllocationRuleRecord[] = [];
  const lines = new Map<string, Line[]>();
  for (const [key, { data }] of records) {
    const [kind, scope] = key.split('\u0000') as [RecordKind, string];
    if (kind === 'workbook') workbook = data as Workbook;
    else if (kind === 'scenario') scenarios.push(data as Scenario);
    else if (kind === 'node') nodes.push(data as TreeNode);
    else if (kind === 'place') places.push(data as Place);
    else if (kind === 'rule') rules.push(data as AllocationRuleRecord);
    else {
      let list = lines.get(scope);
      if (!list) lines.set(scope, (list = []));
      list.push(data as Line);
    }
  }
  if (!workbook) return null;
  const byOrder = (a: { order?: number; id: string }, b: { order?: number; id: string }) => (a.order ?? 0) - (b.order ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  nodes.sort(byOrder);
  places.sort(byOrder);
  rules.sort(byOrder);
  scenarios.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  return { workbook, nodes, places, rules, scenarios: scenarios.map((s) => ({ ...s, lines: (lines.get(s.id) ?? []).sort(byOrder) })) };
}

/** The record with the value at `path` (keys of nested plain objects) replaced (undefined removes it). Null when the path does not lead through plain objects. */
export function withValueAt<T>(record: T, path: readonly string[], value: unknown): T | null {
  if (!path.length) return null;
  const [key, ...rest] = path;
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return null;
  const out: Record<string, unknown> = { ...(record as Record<string, unknown>) };
  if (rest.length) {
    const inner = withValueAt(out[key] ?? {}, rest, value);
    if (inner === null) return null;
    out[key] = inner;
  } else if (value === undefined) delete out[key];
  else out[key] = value;
  return out as T;
}

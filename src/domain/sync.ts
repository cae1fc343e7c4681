// Operations of a shared workbook: every Change the app makes, sent to the server with a stable id,
// as a list of record changes (before/after of one workbook, scenario, item, line, place or rule).
// The server applies each to its records in the order it assigns (its sequence number), field by
// field (merge-fields.ts), and a browser applies the same operations, pulled in that order, with
// the same function: both end with the same records.

import type { Change, RecordChange } from './edit';
import type { Id, Scenario, Workbook } from './model';
import { equalValues, mergeFields, type FieldConflict } from './merge-fields';

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

// A shared workbook's earlier states: the log's steps as the server lists them; one record as it
// stood after any operation of the log, its changes applied again in the server's order with the
// rule the server applied them with (applyRecordEdit), from absent (the server keeps each record's
// content after every operation since its schema 005; this is how it reads a record whose
// operations came before that); and the records that restoring a scenario as it stood then, as a
// new variant of the workbook as it is now, writes.

import type { AllocationRuleRecord, Id, Line, Place, Scenario, TreeNode } from './model';
import { copyScenarioRecords } from './scenarios';
import { applyRecordEdit, type RecordEdit, type SyncedRecord } from './sync';
import type { WorkbookArchive } from './workbook-archive';

/** How many records of each kind an operation changed. */
export interface StepCounts {
  workbook: number;
  scenarios: number;
  nodes: number;
  lines: number;
  places: number;
  rules: number;
}

/** One step of a workbook's log (the server writes it, browsers read it): the version it made, who, when, from which version, on which scenario, how much it changed. */
export interface VersionStep {
  seq: number;
  baseSeq: number;
  userName: string;
  at: string;
  scenarioId: string | null;
  counts: StepCounts;
}

/** One change of a record in the log: the operation's sequence and the record's two ends in it. */
export interface LoggedEdit {
  seq: number;
  edit: RecordEdit;
}

/**
 * The record as it stood once every operation up to `atSeq` was applied: `changes` (the record's
 * own, oldest first, several in one operation in their order) folded from absent; null when it did
 * not exist then. Its `seq` is the last operation up to `atSeq` that changed it.
 */
export function recordAfter(changes: readonly LoggedEdit[], atSeq: number): SyncedRecord | null {
  let data: unknown | null = null;
  let seq = 0;
  for (const c of changes) {
    if (c.seq > atSeq) break;
    data = applyRecordEdit(data, c.edit).value;
    seq = c.seq;
  }
  return data === null ? null : { data, seq };
}

/** What restoring a scenario of an earlier version writes: the new variant, its rules and lines, and the items and places its lines and rules need that are gone now. */
export interface RestoredScenario {
  /** The scenario restored, as it stood then. */
  from: Scenario;
  scenario: Scenario;
  rules: AllocationRuleRecord[];
  lines: Line[];
  nodes: TreeNode[];
  places: Place[];
}

/** The records of `list` named by `ids` and every ancestor of theirs (by parentId) that `present` lacks. */
function missingWithAncestors<T extends { id: Id; parentId: Id | null }>(list: readonly T[], ids: Iterable<Id>, present: ReadonlySet<Id>): T[] {
  const byId = new Map(list.map((x) => [x.id, x]));
  const out = new Map<Id, T>();
  for (const start of ids) {
    for (let id: Id | null = start; id !== null && !present.has(id) && !out.has(id);) {
      const rec = byId.get(id);
      if (!rec) break;
      out.set(id, rec);
      id = rec.parentId;
    }
  }
  return [...out.values()];
}

/**
 * A scenario as it stood in `then` (the workbook at an earlier version; its baseline when the
 * scenario did not exist then) as a new variant of the workbook now: its lines as they were, its
 * inputs then as its own, its rules under fresh ids (the lines' allocations following them), and
 * the items and places those lines and rules name that the workbook `now` lacks, with their
 * ancestors, so nothing the variant holds points at a record that is gone. It names its source
 * only while that scenario still exists.
 */
export function restoreScenarioFrom(
  then: WorkbookArchive,
  scenarioId: Id,
  now: { scenarioIds: ReadonlySet<Id>; nodeIds: ReadonlySet<Id>; placeIds: ReadonlySet<Id> },
  opts: { id: Id; name: string; note?: string; now: number; newId: () => Id },
): RestoredScenario {
  const from = then.scenarios.find((s) => s.id === scenarioId) ?? then.scenarios.find((s) => s.id === then.workbook.baselineScenarioId) ?? then.scenarios[0];
  const { lines: fromLines, ...fromScenario } = from;
  const rulesThen = then.rules.filter((r) => r.scenarioId === from.id);
  const copy = copyScenarioRecords(then.workbook, fromScenario, rulesThen, { ...opts, kind: 'variant' });
  const { sourceId: _source, ...unnamed } = copy.scenario;
  const scenario = now.scenarioIds.has(from.id) ? copy.scenario : unnamed;
  const ruleIds = new Map(rulesThen.map((r, i) => [r.id, copy.rules[i].id]));
  const lines = fromLines.map((l) =>
    l.allocation && ruleIds.has(l.allocation.ruleId) ? { ...l, allocation: { ...l.allocation, ruleId: ruleIds.get(l.allocation.ruleId)! } } : l,
  );
  const nodes = missingWithAncestors(then.nodes, [...lines.map((l) => l.nodeId), ...copy.rules.map((r) => r.nodeId)], now.nodeIds);
  const places = missingWithAncestors(
    then.places,
    lines.flatMap((l) => (l.placeId === null ? [] : [l.placeId])),
    now.placeIds,
  );
  return { from: fromScenario, scenario, rules: copy.rules, lines, nodes, places };
}

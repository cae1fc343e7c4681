// Reading and writing workbooks: list, create, load and delete whole workbooks, commit one edit step
// atomically (only the line chunks it touched), and app-level meta facts. Every write resolves to a
// Result and never rejects (storage-failure.ts); reads reject only when the database cannot be read.
// Records handed in must be plain objects (callers pass `$state.snapshot()`s, never reactive proxies):
// IndexedDB structured-clones them and fails on proxies and functions.

import Dexie from 'dexie';
import type { AllocationRuleRecord, Id, Line, Place, Result, Scenario, TreeNode, Workbook, WorkbookData } from '../domain/model';
import { fail } from '../domain/model';
import type { LineChunk, PlanbenchDB } from './database';
import { CHUNK_SIZE, ChunkedLines } from './line-chunks';
import { StepChunks, type ChunkLineMove, type ChunkLineWrites } from './chunk-writes';
import { Refusal, writeSafely } from './storage-failure';
import { mergeRecord } from '../domain/merge-fields';
import { queueOperation, type PendingSync } from './sync-queue';

// The per-field merge rule lives in the domain, where the server and the browser's sync share it.
export { mergeRecord };
export type { ChunkLineMove, ChunkLineWrites, LineWrite } from './chunk-writes';

/** Every stored workbook, most recently changed (`updatedAt`) first. */
export async function listWorkbooks(db: PlanbenchDB): Promise<Workbook[]> {
  return db.workbooks.orderBy('updatedAt').reverse().toArray();
}

/**
 * Stores a whole workbook in one transaction (all or nothing): the workbook, its nodes, scenarios,
 * and the lines (of the baseline scenario) packed CHUNK_SIZE to a chunk in the given order.
 * Replaces any stored workbook with the same id, so loading it gives back exactly `data`.
 * Never rejects: 'db.quota-create' { name } when storage is full, 'db.write-failed' { detail }
 * otherwise (also when a record names another workbook, a bug in the caller); nothing is written then.
 * `chunkSize` packs the lines in larger chunks, as workbooks were stored before CHUNK_SIZE was 100
 * (tests and benchmarks of such workbooks).
 */
export async function createWorkbook(db: PlanbenchDB, data: WorkbookData, chunkSize = CHUNK_SIZE): Promise<Result<void>> {
  return writeSafely({ code: 'db.quota-create', params: { name: data.workbook.name } }, () =>
    db.transaction('rw', WORKBOOK_TABLES(db), () => writeWorkbookRecords(db, data, chunkSize)),
  );
}

/**
 * The records of a new workbook, written inside the caller's transaction (createWorkbook, a restored
 * backup); rejects on any failure, so that the caller's transaction writes nothing.
 */
export async function writeWorkbookRecords(db: PlanbenchDB, data: WorkbookData, chunkSize = CHUNK_SIZE): Promise<void> {
  const workbookId = data.workbook.id;
  const places = data.places ?? [];
  const rules = data.rules ?? [];
  const stray = [...data.nodes, ...data.scenarios, ...places, ...rules].find((r) => r.workbookId !== workbookId);
  if (stray) throw new Error(`createWorkbook: record ${stray.id} belongs to workbook ${stray.workbookId}, not ${workbookId}`);
  const packed = ChunkedLines.fromLines(data.lines, chunkSize);
  const scenarioId = data.workbook.baselineScenarioId;
  const chunks: LineChunk[] = packed.chunkNos().map((no) => ({ scenarioId, workbookId, no, lines: packed.lines(no) }));
  await removeWorkbookRecords(db, workbookId);
  await db.workbooks.add(data.workbook);
  await db.nodes.bulkAdd(data.nodes);
  await db.scenarios.bulkAdd(data.scenarios);
  await db.lineChunks.bulkAdd(chunks);
  await db.places.bulkAdd(places);
  await db.rules.bulkAdd(rules);
}

/**
 * A workbook with its nodes, scenarios, and one scenario's lines (ordered by chunk, then position in
 * the chunk) and allocation rules — the baseline's unless `scenarioId` names another of its
 * scenarios — read in one transaction, plus the chunk bookkeeping for later edits; null when absent.
 */
export async function loadWorkbook(db: PlanbenchDB, id: Id, scenario?: Id): Promise<{ data: WorkbookData; chunks: ChunkedLines; scenarioId: Id } | null> {
  return db.transaction('r', WORKBOOK_TABLES(db), async () => {
    const workbook = await db.workbooks.get(id);
    if (!workbook) return null;
    const wanted = scenario ? await db.scenarios.get(scenario) : undefined;
    const scenarioId = wanted?.workbookId === id ? wanted.id : workbook.baselineScenarioId;
    const [nodes, scenarios, stored, places, rules] = await Promise.all([
      db.nodes.where('workbookId').equals(id).toArray(),
      db.scenarios.where('workbookId').equals(id).toArray(),
      db.lineChunks.where('[scenarioId+no]').between([scenarioId, Dexie.minKey], [scenarioId, Dexie.maxKey]).toArray(),
      db.places.where('workbookId').equals(id).toArray(),
      db.rules.where('scenarioId').equals(scenarioId).toArray(),
    ]);
    const byNo: Line[][] = [];
    for (const c of stored) byNo[c.no] = c.lines;
    const chunks = new ChunkedLines(byNo);
    return { data: { workbook, nodes, scenarios, lines: chunks.allLines(), places, rules }, chunks, scenarioId };
  });
}

/**
 * What another tab may have changed in a workbook, read in one transaction: the workbook record, its
 * nodes, scenarios and places, one scenario's rules, and the named chunks of that scenario's lines
 * (an absent chunk comes back empty). Null when the workbook is gone.
 */
export async function loadChanged(
  db: PlanbenchDB,
  workbookId: Id,
  scenarioId: Id,
  chunkNos: readonly number[],
): Promise<{ workbook: Workbook; nodes: TreeNode[]; scenarios: Scenario[]; places: Place[]; rules: AllocationRuleRecord[]; chunks: Map<number, Line[]> } | null> {
  return db.transaction('r', WORKBOOK_TABLES(db), async () => {
    const workbook = await db.workbooks.get(workbookId);
    if (!workbook) return null;
    const [nodes, scenarios, places, rules, stored] = await Promise.all([
      db.nodes.where('workbookId').equals(workbookId).toArray(),
      db.scenarios.where('workbookId').equals(workbookId).toArray(),
      db.places.where('workbookId').equals(workbookId).toArray(),
      db.rules.where('scenarioId').equals(scenarioId).toArray(),
      db.lineChunks.bulkGet(chunkNos.map((no): [Id, number] => [scenarioId, no])),
    ]);
    const chunks = new Map(chunkNos.map((no, i) => [no, stored[i]?.lines ?? []]));
    return { workbook, nodes, scenarios, places, rules, chunks };
  });
}

/**
 * Removes a workbook and every node, scenario and line chunk of it in one transaction; other
 * workbooks are untouched. Never rejects: on 'db.quota-delete' or 'db.write-failed' { detail }
 * the workbook is stored whole as before.
 */
export async function deleteWorkbook(db: PlanbenchDB, id: Id): Promise<Result<void>> {
  return writeSafely({ code: 'db.quota-delete' }, () => db.transaction('rw', WORKBOOK_TABLES(db), () => removeWorkbookRecords(db, id)));
}

/** What a commit wrote of each scenario's lines. */
export interface CommitOutcome {
  /** The chunk numbers put or deleted, by scenario (the other tabs read them back). */
  chunks: Map<Id, number[]>;
  /** Lines moved out of an older chunk it split into new chunks (the session's bookkeeping follows them). */
  moves: ChunkLineMove[];
}

/** What one edit step writes, all of it belonging to one workbook. */
export interface WorkbookChange {
  /** The new workbook record (its updatedAt is overwritten with the commit time). */
  workbook?: Workbook;
  /** The workbook changed, when `workbook` is not given (else taken from the chunks or nodes). */
  workbookId?: Id;
  putNodes?: TreeNode[];
  /** Applied after `putNodes`: an id in both ends up deleted. */
  deleteNodeIds?: Id[];
  /** Whole chunk records to rewrite; a chunk with `lines.length === 0` is deleted. */
  chunks?: LineChunk[];
  /**
   * Line-level writes, merged into the stored chunk inside the transaction so that lines another
   * tab wrote to the same chunk meanwhile are kept: `put` replaces or appends lines by id, `deleteIds`
   * removes them; a chunk left empty is deleted. A line edited or deleted that its chunk does not hold
   * as stored (another tab split the chunk) is written where it is stored: every chunk of the
   * scenario is then read to find it. A chunk written that holds more than CHUNK_SIZE lines (stored
   * before that size) is split in the same transaction (CommitOutcome.moves).
   */
  lineWrites?: ChunkLineWrites[];
  putPlaces?: Place[];
  deletePlaceIds?: Id[];
  putRules?: AllocationRuleRecord[];
  deleteRuleIds?: Id[];
  putScenarios?: Scenario[];
  /**
   * The records as this tab knew them before the change, by id: a record put with a base is
   * merged into the stored one field by field (nested objects key by key, lists of keyed entries
   * entry by entry), so that another tab's edit of other fields meanwhile is kept, as with lines.
   * A record put without a base replaces the stored one.
   */
  bases?: { workbook?: Workbook; nodes?: Map<Id, TreeNode>; places?: Map<Id, Place>; scenarios?: Map<Id, Scenario> };
  /** The step as records, queued as an operation in the same transaction when the workbook is shared (ignored when it is local). */
  sync?: PendingSync;
}

/**
 * Writes one edit step in ONE transaction: either all of it lands or none of it does, and the stored
 * workbook's updatedAt becomes the commit time; gives the line chunks written. Never rejects:
 * failures come back as values, 'db.quota' (storage full), 'workbook.missing' (deleted meanwhile,
 * e.g. in another tab; nothing is written) or 'db.write-failed' { detail } (database closed, invalid
 * record, mixed workbooks).
 */
export async function commitChange(db: PlanbenchDB, change: WorkbookChange): Promise<Result<CommitOutcome>> {
  const named = [
    change.workbook?.id,
    change.workbookId,
    ...(change.chunks ?? []).map((c) => c.workbookId),
    ...(change.putNodes ?? []).map((n) => n.workbookId),
    ...(change.putPlaces ?? []).map((p) => p.workbookId),
    ...(change.putRules ?? []).map((r) => r.workbookId),
    ...(change.putScenarios ?? []).map((r) => r.workbookId),
    ...(change.lineWrites ?? []).map((w) => w.workbookId),
  ];
  const ids = new Set(named.filter((id) => id !== undefined));
  if (ids.size > 1) return fail('db.write-failed', { detail: `one change names several workbooks: ${[...ids].join(', ')}` });
  const deleteNodeIds = change.deleteNodeIds ?? [];
  return writeSafely({ code: 'db.quota' }, () =>
    db.transaction('rw', WORKBOOK_TABLES(db), async (): Promise<CommitOutcome> => {
      const outcome: CommitOutcome = { chunks: new Map(), moves: [] };
      let workbookId: Id | undefined = ids.values().next().value;
      if (workbookId === undefined && deleteNodeIds.length) {
        workbookId = (await db.nodes.bulkGet(deleteNodeIds)).find((n) => n !== undefined)?.workbookId;
      }
      // Nothing stored is named by the change (e.g. deleting nodes that are already gone).
      if (workbookId === undefined) return outcome;
      // Every record the merges need is read in one round and every write issued in the next, so the
      // transaction waits on the page's event loop twice, not once per table (once more to find a
      // line in every chunk, or the highest chunk number for the parts of an older chunk it splits).
      const bases = change.bases ?? {};
      const chunks = change.chunks ?? [];
      const lineWrites = change.lineWrites ?? [];
      const [share, stored, lines, nodes, places, scenarios] = await Promise.all([
        change.sync ? db.shares.get(workbookId) : undefined,
        db.workbooks.get(workbookId),
        StepChunks.read(db, lineWrites),
        merged(db.nodes, change.putNodes ?? [], bases.nodes),
        merged(db.places, change.putPlaces ?? [], bases.places),
        merged(db.scenarios, change.putScenarios ?? [], bases.scenarios),
      ]);
      // Writing the rest would leave orphan records, or resurrect a workbook deleted in another tab.
      if (!stored) throw new Refusal({ code: 'workbook.missing' });
      // A whole chunk is written before line writes merge into it.
      for (const c of chunks) lines.overwrite(c);
      await lines.findStrays(lineWrites);
      lines.write(lineWrites);
      outcome.moves = await lines.splitLarge();
      // A shared workbook's step is also an operation for the server, queued with it or not at all.
      const queued = share && change.sync ? queueOperation(db, share, change.sync, { workbook: stored, lines: lines.storedLines }) : null;
      const wb = change.workbook && bases.workbook ? mergeRecord(stored, bases.workbook, change.workbook) : (change.workbook ?? stored);
      // Requests run in the order issued: a node both put and deleted ends up deleted, a whole chunk
      // is written before the lines merged into it.
      const writes: Promise<unknown>[] = [db.workbooks.put({ ...wb, updatedAt: Date.now() })];
      if (nodes.length) writes.push(db.nodes.bulkPut(nodes));
      if (deleteNodeIds.length) writes.push(db.nodes.bulkDelete(deleteNodeIds));
      const full = chunks.filter((c) => c.lines.length > 0);
      const emptied = chunks.filter((c) => c.lines.length === 0).map((c): [Id, number] => [c.scenarioId, c.no]);
      if (full.length) writes.push(db.lineChunks.bulkPut(full));
      if (emptied.length) writes.push(db.lineChunks.bulkDelete(emptied));
      const back = lines.writeBack();
      writes.push(...back.writes);
      for (const c of chunks) noteChunk(outcome, c.scenarioId, c.no);
      for (const [scenarioId, nos] of back.written) for (const no of nos) noteChunk(outcome, scenarioId, no);
      if (places.length) writes.push(db.places.bulkPut(places));
      if (change.deletePlaceIds?.length) writes.push(db.places.bulkDelete(change.deletePlaceIds));
      if (change.putRules?.length) writes.push(db.rules.bulkPut(change.putRules));
      if (change.deleteRuleIds?.length) writes.push(db.rules.bulkDelete(change.deleteRuleIds));
      if (scenarios.length) writes.push(db.scenarios.bulkPut(scenarios));
      if (queued) writes.push(queued);
      await Promise.all(writes);
      return outcome;
    }),
  );
}

function noteChunk(outcome: CommitOutcome, scenarioId: Id, no: number): void {
  const nos = outcome.chunks.get(scenarioId);
  if (!nos) outcome.chunks.set(scenarioId, [no]);
  else if (!nos.includes(no)) nos.push(no);
}

/** Records to put, each merged into the stored one when this tab's base for it is known. */
async function merged<T extends { id: Id }>(table: { bulkGet(ids: Id[]): Promise<(T | undefined)[]> }, records: T[], bases: Map<Id, T> | undefined): Promise<T[]> {
  if (!bases?.size) return records;
  const stored = await table.bulkGet(records.map((r) => r.id));
  return records.map((r, i) => {
    const base = bases.get(r.id);
    const current = stored[i];
    return base && current ? mergeRecord(current, base, r) : r;
  });
}

/** The stored value of an app-level fact; undefined when never set. */
export async function getMeta(db: PlanbenchDB, key: string): Promise<unknown> {
  return (await db.meta.get(key))?.value;
}

/**
 * Stores an app-level fact (a plain, structured-cloneable value), replacing any earlier one. Never
 * rejects: on 'db.quota-meta' or 'db.write-failed' { detail } the earlier value stays.
 */
export async function setMeta(db: PlanbenchDB, key: string, value: unknown): Promise<Result<void>> {
  return writeSafely({ code: 'db.quota-meta' }, async () => {
    await db.meta.put({ key, value });
  });
}

/** Every table holding records of a workbook, for transactions that span them all. */
export const WORKBOOK_TABLES = (db: PlanbenchDB) => [
  db.workbooks,
  db.nodes,
  db.scenarios,
  db.lineChunks,
  db.places,
  db.rules,
  db.outbox,
  db.shares,
  db.syncShadows,
  db.undoSteps,
];

/** Removes every record of a workbook (but its line chunks when `keepLines`), inside the caller's transaction. */
export async function removeWorkbookRecords(db: PlanbenchDB, id: Id, keepLines = false): Promise<void> {
  await db.places.where('workbookId').equals(id).delete();
  await db.rules.where('workbookId').equals(id).delete();
  await db.nodes.where('workbookId').equals(id).delete();
  await db.scenarios.where('workbookId').equals(id).delete();
  if (!keepLines) await db.lineChunks.where('workbookId').equals(id).delete();
  await db.outbox.where('workbookId').equals(id).delete();
  await db.syncShadows.where('workbookId').equals(id).delete();
  await db.undoSteps.where('workbookId').equals(id).delete();
  await db.shares.delete(id);
  await db.workbooks.delete(id);
}

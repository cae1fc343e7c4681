// Scenarios in storage: copy a scenario as a variant or a frozen version, delete one (and put it
// back), update its name, note or adoption, restore a version as the baseline, restore a scenario
// of a shared workbook's earlier state as a new variant, and read any scenario's lines. Each write is one transaction that never rejects: all of it lands, or none of
// it does and a problem says why ('scenario.missing', a refusal of the model, 'db.quota-scenario',
// 'db.write-failed'). On a shared workbook the same transaction queues what it wrote as operations
// for the server (sync-queue.ts queueScenarioOperations), lines in several when they are many.

import Dexie from 'dexie';
import type { AllocationRuleRecord, Id, Line, Result, Scenario, Workbook } from '../domain/model';
import { copyScenarioRecords, isFrozen, kindOf, restoreAsBaselineRecords, type ScenarioCopy } from '../domain/scenarios';
import type { LineChunk, PlanbenchDB } from './database';
import { Refusal, writeSafely } from './storage-failure';
import { WORKBOOK_TABLES } from './workbook-repo';
import { splitOperations, type SplitChange } from '../domain/sync';
import { queueScenarioOperations } from './sync-queue';
import { restoreScenarioFrom, type RestoredScenario } from '../domain/sync-history';
import type { WorkbookArchive } from '../domain/workbook-archive';
import { CHUNK_SIZE } from './line-chunks';

const created = <T>(list: readonly T[]) => list.map((after) => ({ before: null, after }));
const removed = <T>(list: readonly T[]) => list.map((before) => ({ before, after: null }));

/** On a shared workbook, queues what a scenario operation writes as operations (in the caller's transaction, before its writes). */
function queueShared(db: PlanbenchDB, workbookId: Id, change: SplitChange): Promise<void> {
  return queueScenarioOperations(db, workbookId, (baseSeq) => splitOperations(change, () => crypto.randomUUID(), baseSeq));
}

const chunksOf = (db: PlanbenchDB, scenarioId: Id) => db.lineChunks.where('[scenarioId+no]').between([scenarioId, Dexie.minKey], [scenarioId, Dexie.maxKey]);

/** One scenario's lines in stored order. */
export async function loadScenarioLines(db: PlanbenchDB, scenarioId: Id): Promise<Line[]> {
  const chunks = await chunksOf(db, scenarioId).toArray();
  return chunks.sort((a, b) => a.no - b.no).flatMap((c) => c.lines);
}

/** Everything a deleted scenario had, to put it back exactly (undo of a delete). */
export interface ScenarioSnapshot {
  scenario: Scenario;
  chunks: LineChunk[];
  rules: AllocationRuleRecord[];
}

async function storedPair(db: PlanbenchDB, workbookId: Id, scenarioId: Id): Promise<{ wb: Workbook; s: Scenario }> {
  const [wb, s] = await Promise.all([db.workbooks.get(workbookId), db.scenarios.get(scenarioId)]);
  if (!wb || !s || s.workbookId !== workbookId) throw new Refusal({ code: 'scenario.missing' });
  return { wb, s };
}

async function writeCopy(db: PlanbenchDB, workbookId: Id, sourceId: Id, opts: { kind: 'variant' | 'version'; name: string; note?: string }): Promise<Scenario> {
  const { wb, s } = await storedPair(db, workbookId, sourceId);
  const [stored, rules] = await Promise.all([chunksOf(db, sourceId).toArray(), db.rules.where('scenarioId').equals(sourceId).toArray()]);
  const id = crypto.randomUUID();
  const copy = copyScenarioRecords(wb, s, rules, { id, ...opts, now: Date.now(), newId: () => crypto.randomUUID() });
  const lines = stored.sort((a, b) => a.no - b.no).flatMap((c) => c.lines);
  await queueShared(db, workbookId, { head: { scenarios: created([copy.scenario]), rules: created(copy.rules) }, lines: [{ scenarioId: id, changes: created(lines) }] });
  await db.scenarios.add(copy.scenario);
  await db.lineChunks.bulkAdd(stored.map((c) => ({ ...c, scenarioId: id })));
  if (copy.rules.length) await db.rules.bulkAdd(copy.rules);
  await db.workbooks.put({ ...wb, updatedAt: Date.now() });
  return copy.scenario;
}

/**
 * Copies a scenario (or version) as a new variant or version: its lines (same ids, so they match
 * across scenarios), its rules (fresh ids) and its inputs. Returns the new scenario.
 */
export async function copyScenario(
  db: PlanbenchDB,
  workbookId: Id,
  sourceId: Id,
  opts: { kind: 'variant' | 'version'; name: string; note?: string },
): Promise<Result<Scenario>> {
  return run(db, () => writeCopy(db, workbookId, sourceId, opts));
}

/**
 * Writes a copy an open session made of the scenario it shows (domain/scenarios
 * copyScenarioRecords, from its records), with the lines it holds by chunk number (as stored once its
 * edits are saved): the source's lines are not read back. The source must still be stored.
 */
export async function writeHeldCopy(
  db: PlanbenchDB,
  workbookId: Id,
  sourceId: Id,
  copy: ScenarioCopy,
  held: readonly (readonly Line[] | undefined)[],
): Promise<Result<Scenario>> {
  return run(db, async () => {
    const { wb } = await storedPair(db, workbookId, sourceId);
    const id = copy.scenario.id;
    const lines = created(held.flatMap((l) => l ?? []));
    await queueShared(db, workbookId, { head: { scenarios: created([copy.scenario]), rules: created(copy.rules) }, lines: [{ scenarioId: id, changes: lines }] });
    await db.scenarios.add(copy.scenario);
    await db.lineChunks.bulkAdd(held.flatMap((lines, no) => (lines?.length ? [{ scenarioId: id, workbookId, no, lines: [...lines] }] : [])));
    if (copy.rules.length) await db.rules.bulkAdd(copy.rules);
    await db.workbooks.put({ ...wb, updatedAt: copy.scenario.createdAt });
    return copy.scenario;
  });
}

/** Deletes a variant or version with its lines and rules; the baseline cannot be deleted. */
export async function deleteScenario(db: PlanbenchDB, workbookId: Id, scenarioId: Id): Promise<Result<ScenarioSnapshot>> {
  return run(db, async () => {
    const { wb, s } = await storedPair(db, workbookId, scenarioId);
    if (kindOf(s, wb) === 'baseline') throw new Refusal({ code: 'scenario.baseline-delete' });
    const chunks = await chunksOf(db, scenarioId).toArray();
    const rules = await db.rules.where('scenarioId').equals(scenarioId).toArray();
    const lines = chunks.sort((a, b) => a.no - b.no).flatMap((c) => c.lines);
    await queueShared(db, workbookId, { head: { scenarios: removed([s]), rules: removed(rules) }, lines: [{ scenarioId, changes: removed(lines) }] });
    await chunksOf(db, scenarioId).delete();
    await db.rules.bulkDelete(rules.map((r) => r.id));
    await db.undoSteps.where('scenarioId').equals(scenarioId).delete();
    await db.scenarios.delete(scenarioId);
    return { scenario: s, chunks, rules };
  });
}

/** Puts a deleted scenario back exactly as it was. */
export async function restoreScenario(db: PlanbenchDB, snap: ScenarioSnapshot): Promise<Result<Scenario>> {
  return run(db, async () => {
    if (!(await db.workbooks.get(snap.scenario.workbookId))) throw new Refusal({ code: 'scenario.missing' });
    const lines = [...snap.chunks].sort((a, b) => a.no - b.no).flatMap((c) => c.lines);
    await queueShared(db, snap.scenario.workbookId, {
      head: { scenarios: created([snap.scenario]), rules: created(snap.rules) },
      lines: [{ scenarioId: snap.scenario.id, changes: created(lines) }],
    });
    await db.scenarios.put(snap.scenario);
    await db.lineChunks.bulkPut(snap.chunks);
    await db.rules.bulkPut(snap.rules);
    return snap.scenario;
  });
}

/**
 * Renames a scenario, changes its note, or marks it adopted (unmarking any other). A version keeps
 * its lines frozen, but its name and note may change.
 */
export async function updateScenario(db: PlanbenchDB, workbookId: Id, scenarioId: Id, patch: { name?: string; note?: string; adopted?: boolean }): Promise<Result<Scenario>> {
  return run(db, async () => {
    const { s } = await storedPair(db, workbookId, scenarioId);
    const next: Scenario = { ...s, ...patch };
    const others = patch.adopted ? (await db.scenarios.where('workbookId').equals(workbookId).toArray()).filter((o) => o.id !== scenarioId && o.adopted) : [];
    const unadopted = others.map((o) => ({ ...o, adopted: false }));
    const scenarios = [...others.map((before, i) => ({ before, after: unadopted[i] })), { before: s, after: next }];
    await queueShared(db, workbookId, { head: { scenarios }, lines: [] });
    if (unadopted.length) await db.scenarios.bulkPut(unadopted);
    await db.scenarios.put(next);
    return next;
  });
}

/**
 * Restores a version as the baseline: a new baseline copied from it, and the previous baseline kept
 * as a version (never lost). Returns the new baseline.
 */
export async function restoreAsBaseline(db: PlanbenchDB, workbookId: Id, versionId: Id, names: { name: string; keptName: string }): Promise<Result<Scenario>> {
  return run(db, async () => {
    const { wb, s: version } = await storedPair(db, workbookId, versionId);
    if (!isFrozen(version, wb)) throw new Refusal({ code: 'scenario.not-version' });
    const oldBaseline = await db.scenarios.get(wb.baselineScenarioId);
    if (!oldBaseline) throw new Refusal({ code: 'scenario.missing' });
    const newId = crypto.randomUUID();
    const now = Date.now();
    const rec = restoreAsBaselineRecords(wb, oldBaseline, version, { newId, ...names, now });
    const [chunks, rules] = await Promise.all([chunksOf(db, versionId).toArray(), db.rules.where('scenarioId').equals(versionId).toArray()]);
    const newRules = rules.map((r) => ({ ...r, id: crypto.randomUUID(), scenarioId: newId }));
    const workbook = { ...rec.workbook, updatedAt: now };
    await queueShared(db, workbookId, {
      head: {
        workbook: { before: wb, after: workbook },
        scenarios: [{ before: oldBaseline, after: rec.keptBaseline }, ...created([rec.newBaseline])],
        rules: created(newRules),
      },
      lines: [{ scenarioId: newId, changes: created(chunks.sort((a, b) => a.no - b.no).flatMap((c) => c.lines)) }],
    });
    await db.scenarios.bulkPut([rec.keptBaseline, rec.newBaseline]);
    await db.lineChunks.bulkAdd(chunks.map((c) => ({ ...c, scenarioId: newId })));
    await db.rules.bulkAdd(newRules);
    await db.workbooks.put(workbook);
    return rec.newBaseline;
  });
}

/**
 * Adds a scenario of `then` (the workbook as it stood at an earlier version) to the stored workbook
 * as a new variant (domain/sync-history restoreScenarioFrom: its lines and inputs as they were, the
 * items and places they need that are gone here put back), queued for the server like any copy.
 */
export async function restoreScenarioOfVersion(
  db: PlanbenchDB,
  workbookId: Id,
  then: WorkbookArchive,
  scenarioId: Id,
  opts: { name: string; note?: string },
): Promise<Result<RestoredScenario>> {
  return run(db, async () => {
    const wb = await db.workbooks.get(workbookId);
    if (!wb) throw new Refusal({ code: 'workbook.missing' });
    const [scenarios, nodes, places] = await Promise.all([
      db.scenarios.where('workbookId').equals(workbookId).primaryKeys(),
      db.nodes.where('workbookId').equals(workbookId).primaryKeys(),
      db.places.where('workbookId').equals(workbookId).primaryKeys(),
    ]);
    const now = Date.now();
    const r = restoreScenarioFrom(
      then,
      scenarioId,
      { scenarioIds: new Set(scenarios), nodeIds: new Set(nodes), placeIds: new Set(places) },
      {
        id: crypto.randomUUID(),
        ...opts,
        now,
        newId: () => crypto.randomUUID(),
      },
    );
    const id = r.scenario.id;
    await queueShared(db, workbookId, {
      head: { scenarios: created([r.scenario]), rules: created(r.rules), nodes: created(r.nodes), places: created(r.places) },
      lines: [{ scenarioId: id, changes: created(r.lines) }],
    });
    await db.scenarios.add(r.scenario);
    const chunks = Array.from({ length: Math.ceil(r.lines.length / CHUNK_SIZE) }, (_, no) => ({
      scenarioId: id,
      workbookId,
      no,
      lines: r.lines.slice(no * CHUNK_SIZE, (no + 1) * CHUNK_SIZE),
    }));
    await db.lineChunks.bulkAdd(chunks);
    if (r.rules.length) await db.rules.bulkAdd(r.rules);
    if (r.nodes.length) await db.nodes.bulkPut(r.nodes);
    if (r.places.length) await db.places.bulkPut(r.places);
    await db.workbooks.put({ ...wb, updatedAt: now });
    return r;
  });
}

/** Runs one transaction over the workbook tables; failures come back as values. */
async function run<T>(db: PlanbenchDB, body: () => Promise<T>): Promise<Result<T>> {
  return writeSafely({ code: 'db.quota-scenario' }, () => db.transaction('rw', WORKBOOK_TABLES(db), body));
}

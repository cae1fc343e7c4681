// Reading and writing workbooks: create, load, delete, and commit one edit step atomically.
// Records handed in must be plain objects (snapshots, never reactive proxies).

import Dexie from 'dexie';
import type { Id, Result, TreeNode, Workbook, WorkbookData } from '../domain/model';
import { fail, ok } from '../domain/model';
import type { LineChunk, PlanbenchDB } from './database';
import { ChunkedLines } from './line-chunks';

/** Workbooks, most recently changed first. */
export async function listWorkbooks(db: PlanbenchDB): Promise<Workbook[]> {
  return db.workbooks.orderBy('updatedAt').reverse().toArray();
}

/** Writes a whole workbook in one transaction (all or nothing). */
export async function createWorkbook(db: PlanbenchDB, data: WorkbookData): Promise<void> {
  const packed = ChunkedLines.fromLines(data.lines);
  const scenarioId = data.workbook.baselineScenarioId;
  const chunks: LineChunk[] = packed.chunkNos().map((no) => ({ scenarioId, workbookId: data.workbook.id, no, lines: packed.lines(no) }));
  await db.transaction('rw', [db.workbooks, db.nodes, db.scenarios, db.lineChunks], async () => {
    await db.workbooks.put(data.workbook);
    await db.nodes.bulkPut(data.nodes);
    await db.scenarios.bulkPut(data.scenarios);
    await db.lineChunks.bulkPut(chunks);
  });
}

/** A workbook with its tree, scenarios and baseline lines (in chunk order), or null when absent. */
export async function loadWorkbook(db: PlanbenchDB, id: Id): Promise<{ data: WorkbookData; chunks: ChunkedLines } | null> {
  return db.transaction('r', [db.workbooks, db.nodes, db.scenarios, db.lineChunks], async () => {
    const workbook = await db.workbooks.get(id);
    if (!workbook) return null;
    const [nodes, scenarios, stored] = await Promise.all([
      db.nodes.where('workbookId').equals(id).toArray(),
      db.scenarios.where('workbookId').equals(id).toArray(),
      db.lineChunks.where('[scenarioId+no]').between([workbook.baselineScenarioId, Dexie.minKey], [workbook.baselineScenarioId, Dexie.maxKey]).toArray(),
    ]);
    const chunks = new ChunkedLines(stored);
    return { data: { workbook, nodes, scenarios, lines: chunks.allLines() }, chunks };
  });
}

/** Removes a workbook and every record belonging to it, in one transaction. */
export async function deleteWorkbook(db: PlanbenchDB, id: Id): Promise<void> {
  await db.transaction('rw', [db.workbooks, db.nodes, db.scenarios, db.lineChunks], async () => {
    await db.nodes.where('workbookId').equals(id).delete();
    await db.scenarios.where('workbookId').equals(id).delete();
    await db.lineChunks.where('workbookId').equals(id).delete();
    await db.workbooks.delete(id);
  });
}

/** What one edit step writes. A chunk with no lines is deleted. */
export interface WorkbookChange {
  workbook?: Workbook;
  /** The workbook to touch (its updatedAt) when `workbook` is not given. */
  workbookId?: Id;
  putNodes?: TreeNode[];
  deleteNodeIds?: Id[];
  chunks?: LineChunk[];
}

/**
 * Writes one edit step in a single transaction: either all of it lands or none of it does. Sets the
 * workbook's updatedAt. Expected failures (storage full, database closed) come back as values.
 */
export async function commitChange(db: PlanbenchDB, change: WorkbookChange): Promise<Result<void>> {
  try {
    await db.transaction('rw', [db.workbooks, db.nodes, db.lineChunks], async () => {
      const now = Date.now();
      const wbId = change.workbook?.id ?? change.workbookId ?? change.chunks?.[0]?.workbookId ?? change.putNodes?.[0]?.workbookId;
      if (change.workbook) await db.workbooks.put({ ...change.workbook, updatedAt: now });
      else if (wbId) await db.workbooks.update(wbId, { updatedAt: now });
      if (change.putNodes?.length) await db.nodes.bulkPut(change.putNodes);
      if (change.deleteNodeIds?.length) await db.nodes.bulkDelete(change.deleteNodeIds);
      for (const c of change.chunks ?? []) {
        if (c.lines.length) await db.lineChunks.put(c);
        else await db.lineChunks.delete([c.scenarioId, c.no]);
      }
    });
    return ok(undefined);
  } catch (err) {
    if (isQuotaError(err)) return fail('db.quota');
    return fail('db.write-failed', { detail: errorText(err) });
  }
}

export async function getMeta(db: PlanbenchDB, key: string): Promise<unknown> {
  return (await db.meta.get(key))?.value;
}

export async function setMeta(db: PlanbenchDB, key: string, value: unknown): Promise<void> {
  await db.meta.put({ key, value });
}

function isQuotaError(err: unknown): boolean {
  for (let e = err as { name?: string; inner?: unknown } | undefined, depth = 0; e && depth < 5; e = e.inner as typeof e, depth++) {
    if (e.name === 'QuotaExceededError' || e.name === 'QuotaExceeded') return true;
  }
  return false;
}

function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string } | undefined;
  return e?.message ? `${e.name ?? 'Error'}: ${e.message}` : String(err);
}

// Backups in and out of the database: every scenario's lines of a workbook (the baseline, variants,
// versions), the whole workbook as one archive for a backup file, and restoring an archive as a new
// workbook under fresh ids in one transaction (all of it lands, or nothing does).

import type { Id, Line, Result } from '../domain/model';
import { archiveBaseline, copyArchive, type WorkbookArchive } from '../domain/workbook-archive';
import type { LineChunk, PlanbenchDB } from './database';
import { ChunkedLines } from './line-chunks';
import { writeSafely } from './storage-failure';
import { WORKBOOK_TABLES, loadWorkbook, writeWorkbookRecords } from './workbook-repo';

/** The lines of every scenario of a workbook, by scenario id, each in stored order (chunk by
 * chunk, then position in the chunk, as loadWorkbook orders the baseline's). A scenario without
 * lines is absent from the map. */
export async function loadAllScenarioLines(db: PlanbenchDB, workbookId: Id): Promise<Map<Id, Line[]>> {
  const chunks = await db.lineChunks.where('workbookId').equals(workbookId).toArray();
  chunks.sort((a, b) => (a.scenarioId < b.scenarioId ? -1 : a.scenarioId > b.scenarioId ? 1 : a.no - b.no));
  const out = new Map<Id, Line[]>();
  for (const c of chunks) {
    let lines = out.get(c.scenarioId);
    if (!lines) out.set(c.scenarioId, (lines = []));
    for (const l of c.lines) lines.push(l);
  }
  return out;
}

/** A stored workbook with every scenario and its lines, read in one transaction; null when absent. */
export async function loadWorkbookArchive(db: PlanbenchDB, workbookId: Id): Promise<WorkbookArchive | null> {
  return db.transaction('r', WORKBOOK_TABLES(db), async () => {
    const loaded = await loadWorkbook(db, workbookId);
    if (!loaded) return null;
    // loadWorkbook reads the baseline's rules only; a backup holds every scenario's.
    const [lines, rules] = await Promise.all([loadAllScenarioLines(db, workbookId), db.rules.where('workbookId').equals(workbookId).toArray()]);
    const { workbook, nodes, scenarios, places } = loaded.data;
    return {
      workbook,
      nodes,
      places: places ?? [],
      rules,
      scenarios: scenarios.map((s) => ({ ...s, lines: lines.get(s.id) ?? [] })),
    };
  });
}

/**
 * Stores an archive (e.g. read from a backup file) as a NEW workbook: fresh ids everywhere, every
 * scenario with its own lines, links kept (domain/workbook-archive.ts), the name given or the
 * archive's. One transaction that never rejects: on any failure nothing is written
 * ('db.quota-create' { name } when storage is full, 'db.write-failed' { detail } otherwise).
 * Returns the workbook as stored.
 */
export async function restoreBackup(db: PlanbenchDB, archive: WorkbookArchive, opts: { name?: string; now?: number } = {}): Promise<Result<WorkbookArchive>> {
  const copy = copyArchive(archive, opts.name ?? archive.workbook.name, opts.now ?? Date.now());
  const workbookId = copy.workbook.id;
  const others: LineChunk[] = copy.scenarios
    .filter((s) => s.id !== copy.workbook.baselineScenarioId)
    .flatMap((s) => {
      const packed = ChunkedLines.fromLines(s.lines);
      return packed.chunkNos().map((no) => ({ scenarioId: s.id, workbookId, no, lines: packed.lines(no) }));
    });
  return writeSafely({ code: 'db.quota-create', params: { name: copy.workbook.name } }, () =>
    db.transaction('rw', WORKBOOK_TABLES(db), async () => {
      // The baseline as any new workbook is stored, then the other scenarios' lines beside it.
      await writeWorkbookRecords(db, archiveBaseline(copy));
      if (others.length) await db.lineChunks.bulkAdd(others);
      return copy;
    }),
  );
}

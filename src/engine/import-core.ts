// The file import as the import worker serves it, independent of where it runs: io's import
// service (reads by request id, cancel by id) plus what keeps the main thread responsive on big
// files: a read answers with a summary (no table rows, no lines, the first problems only), and
// the lines are then fetched in pages, each small enough to clone in a few milliseconds. The
// worker wraps this with Comlink; the client falls back to it on the main thread.

import type { Result } from '../domain/model';
import { ok } from '../domain/model';
import type { DetectedTable } from '../io/table-detect';
import type { ImportedLine, ImportPlan, ImportReading } from '../io/import-plan';
import type { ImportProblem } from '../io/import-types';
import type { ReconcileRow, Reconciliation } from '../io/reconcile';
import { createImportService, type ImportService } from '../io/import-service';

/** Problems a summary carries; the rest are counted. */
export const SUMMARY_PROBLEMS = 500;
/** Rows of the reconciliation a summary carries: every row that differs first, then the outermost. */
export const SUMMARY_RECONCILE_ROWS = 400;

/** A reading without its bulk: what the import dialog shows. */
export interface ImportSummary extends Omit<ImportReading, 'table' | 'result' | 'preview'> {
  table: Omit<DetectedTable, 'rows'> & { rowCount: number };
  preview: ImportReading['preview'];
  result: Omit<ImportPlan, 'lines' | 'problems' | 'preview' | 'reconciliation'> & {
    /** The reconciliation, its rows cut to SUMMARY_RECONCILE_ROWS (those that differ first). */
    reconciliation: Reconciliation & { rowCount: number; differing: number };
    /** The first SUMMARY_PROBLEMS problems (file and column problems first, then cells in order). */
    problems: ImportProblem[];
    problemCount: number;
    errorCount: number;
    lineCount: number;
    /** Lines with at least one cell that could not be read (imported marked). */
    markedLines: number;
    /** Sums of the lines read, in đồng. */
    plan: number;
    disbursed: number;
  };
}

export interface ImportApi {
  /** Reads a file (io/import-plan readImport) and keeps the reading under `requestId` until released. */
  read(...args: Parameters<ImportService['read']>): Promise<Result<ImportSummary>>;
  /** Stops the read with that id (it ends with import.cancelled); false when none is running. */
  cancel: ImportService['cancel'];
  /** Lines `from` … `from + count` of a kept reading ([] past the end or when none is kept). */
  lines(requestId: string, from: number, count: number): ImportedLine[];
  /** Forgets a kept reading. */
  release(requestId: string): void;
}

/** The summary of a reading (file-level problems first, as readImport lists them). */
export function summarize(r: ImportReading): ImportSummary {
  const { rows, ...table } = r.table;
  const { lines, problems, preview: _preview, reconciliation, ...rest } = r.result;
  let plan = 0;
  let disbursed = 0;
  let markedLines = 0;
  for (const l of lines) {
    plan += l.line.plan;
    disbursed += l.line.disbursed;
    if (l.invalid.length) markedLines++;
  }
  return {
    file: r.file,
    sheet: r.sheet,
    mapping: r.mapping,
    guessedMapping: r.guessedMapping,
    fromTemplate: r.fromTemplate,
    preview: r.preview,
    table: { ...table, rowCount: rows.length },
    result: {
      ...rest,
      problems: problems.slice(0, SUMMARY_PROBLEMS),
      problemCount: problems.length,
      errorCount: problems.reduce((n, p) => n + (p.severity === 'error' ? 1 : 0), 0),
      lineCount: lines.length,
      markedLines,
      plan,
      disbursed,
      reconciliation: {
        ...reconciliation,
        rows: keyRows(reconciliation.rows),
        rowCount: reconciliation.rows.length + reconciliation.quietRows,
        differing: reconciliation.rows.filter((x) => !x.ok).length,
      },
    },
  };
}

/** The reconciliation rows worth showing of a large file: every row that differs (up to the cap),
 * then the outermost ones, in file order. */
function keyRows(rows: readonly ReconcileRow[]): ReconcileRow[] {
  if (rows.length <= SUMMARY_RECONCILE_ROWS) return [...rows];
  const keep = new Set<ReconcileRow>();
  for (const x of rows) if (!x.ok && keep.size < SUMMARY_RECONCILE_ROWS) keep.add(x);
  for (let depth = 0; keep.size < SUMMARY_RECONCILE_ROWS && depth < 8; depth++) {
    for (const x of rows) if (x.depth === depth && keep.size < SUMMARY_RECONCILE_ROWS) keep.add(x);
  }
  return rows.filter((x) => keep.has(x));
}

/** An import service keeping its readings for paging. */
export function createImportApi(): ImportApi {
  const service = createImportService();
  const kept = new Map<string, ImportReading>();
  return {
    async read(requestId, bytes, fileName, context, options, onProgress) {
      kept.delete(requestId);
      const r = await service.read(requestId, bytes, fileName, context, options, onProgress);
      if (!r.ok) return r;
      kept.set(requestId, r.value);
      return ok(summarize(r.value));
    },
    cancel: (requestId) => service.cancel(requestId),
    lines: (requestId, from, count) => kept.get(requestId)?.result.lines.slice(from, from + count) ?? [],
    release(requestId) {
      kept.delete(requestId);
    },
  };
}

// Reading a shared workbook from its server into this browser: the snapshot chunk after chunk, each
// chunk's lines handed to the SnapshotWriter (stored while the next chunk is fetched), then the
// operations after the snapshot's first chunk, applied as the server applied them.

import type { Line, Result } from '../domain/model';
import { fail, ok } from '../domain/model';
import { applyPulledOperation, archiveOfRecords, recordEditsOf, recordKey, type RecordKind, type SyncedRecord } from '../domain/sync';
import type { ServerApi } from '../net/server-api';
import type { SnapshotRecords, SnapshotWriter } from '../db/snapshot-writer';

/** Where an open from the server stands: reading (and storing as it reads), storing the rest, opening the session. */
export type OpenPhase = 'fetch' | 'store' | 'open';

/** Told with the records read so far and what is being done. */
export type OpenProgress = (records: number, phase: OpenPhase) => void;

/** How every line's key begins (a key with no scope and no id, less the separator before the id). */
const LINE_KEY = recordKey('line', '', '').slice(0, -1);

/**
 * Reads a workbook's records from the server as they stand after its last operation: every line
 * goes to `writer` (staged there as it comes), the other records come back with the sequence they
 * stand at and the number of records read. sync.empty-snapshot when the server has no workbook record.
 */
export async function readServerWorkbook(
  api: ServerApi,
  workbookId: string,
  writer: SnapshotWriter,
  onProgress: OpenProgress,
): Promise<Result<{ records: SnapshotRecords; lastSeq: number; count: number }>> {
  const records = new Map<string, SyncedRecord>();
  let since: number | null = null;
  for await (const chunk of api.snapshotChunks(workbookId)) {
    if (!chunk.ok) return chunk;
    since ??= chunk.value.seq;
    const lines: { scope: string; line: Line }[] = [];
    for (const r of chunk.value.records) {
      records.set(recordKey(r.kind as RecordKind, r.scope, r.id), { data: r.data, seq: r.seq });
      if (r.kind === 'line') lines.push({ scope: r.scope, line: r.data as Line });
    }
    writer.putLines(lines);
    writer.stage();
    onProgress(records.size, 'fetch');
  }
  let lastSeq = since ?? 0;
  for (;;) {
    const page = await api.pull(workbookId, lastSeq, 200);
    if (!page.ok) return page;
    for (const op of page.value.ops) {
      applyPulledOperation(records, op, op.seq);
      for (const e of recordEditsOf(op.change, op.scenarioId)) {
        if (e.kind !== 'line') continue;
        const now = records.get(recordKey('line', e.scope, e.id));
        if (now) writer.putLines([{ scope: e.scope, line: now.data as Line }]);
        else writer.removeLine(e.scope, e.id);
      }
    }
    if (page.value.ops.length) lastSeq = page.value.ops[page.value.ops.length - 1].seq;
    if (!page.value.more || !page.value.ops.length) break;
  }
  const count = records.size;
  // The lines are the writer's; the other records make the archive (a few hundred).
  for (const key of records.keys()) if (key.startsWith(LINE_KEY)) records.delete(key);
  const archive = archiveOfRecords(records);
  if (!archive) return fail('sync.empty-snapshot');
  const { workbook, nodes, places, rules } = archive;
  return ok({ records: { workbook, nodes, places, rules, scenarios: archive.scenarios.map(({ lines: _lines, ...s }) => s) }, lastSeq, count });
}

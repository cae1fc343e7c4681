// A shared workbook stored while it is read from the server: each chunk of the snapshot's lines is
// written (100 lines to a stored chunk, in the order they arrive) while the next is fetched, and one
// last transaction writes the rest (the workbook, its tree, scenarios, places, rules, the share, the
// chunks the operations pulled after the snapshot changed) and makes the workbook visible.
//
// Nothing is visible before that last transaction: line chunks with no workbook record are listed
// nowhere and read by nothing. Each attempt marks itself in `meta` (`opening:<workbook>`); a failed
// attempt removes what it wrote, and one interrupted (the tab closed) leaves the mark, by which the
// next start removes its chunks (removeInterruptedOpens). The last transaction writes every chunk
// again from what is held in memory when it cannot vouch for the staged ones (another attempt or a
// sweep took the mark, a chunk is missing, the workbook is already stored here), so the workbook
// it makes visible is always whole.

import type { AllocationRuleRecord, Id, Line, Place, Result, Scenario, TreeNode, Workbook } from '../domain/model';
import type { LineChunk, PlanbenchDB, ShareRecord } from './database';
import { ChunkedLines } from './line-chunks';
import { writeSafely } from './storage-failure';
import { WORKBOOK_TABLES, removeWorkbookRecords } from './workbook-repo';

const MARK = 'opening:';

/** The records of a workbook read from the server but its lines (held by the writer). */
export interface SnapshotRecords {
  workbook: Workbook;
  nodes: TreeNode[];
  scenarios: Scenario[];
  places: Place[];
  rules: AllocationRuleRecord[];
}

export class SnapshotWriter {
  /** Scenario (a line record's scope) → its lines as packed, the stored layout once finished. */
  private readonly packed = new Map<Id, ChunkedLines>();
  /** Chunks changed since they were last written, by scope. */
  private readonly dirty = new Map<Id, Set<number>>();
  /** Chunks written by the staging transactions, by scope. */
  private readonly staged = new Map<Id, Set<number>>();
  private readonly attempt = crypto.randomUUID();
  private writing: Promise<void> = Promise.resolve();
  /** False once a staging write failed or was refused: the last transaction then writes every chunk. */
  private staging: boolean;
  private started = false;

  /** `stage` false writes everything in the last transaction (a workbook already stored here is replaced there, as a whole). */
  constructor(
    private readonly db: PlanbenchDB,
    private readonly workbookId: Id,
    stage = true,
  ) {
    this.staging = stage;
  }

  /** Takes lines read from the server (a line record's scope is its scenario); a line already held is replaced in its place. */
  putLines(lines: readonly { scope: Id; line: Line }[]): void {
    for (const { scope, line } of lines) this.note(scope, this.linesOf(scope).replace(line));
  }

  /** Takes out a line the operations after the snapshot deleted. */
  removeLine(scope: Id, id: Id): void {
    this.note(scope, this.packed.get(scope)?.remove(id));
  }

  /**
   * Writes the chunks changed since the last call, in a transaction of its own, after the ones
   * before (the caller goes on reading meanwhile): a failure only means the last transaction
   * writes every chunk.
   */
  stage(): void {
    if (!this.staging) return;
    const chunks = this.takeDirty();
    if (!chunks.length) return;
    const first = !this.started;
    this.started = true;
    this.writing = this.writing.then(async () => {
      if (!this.staging) return;
      const r = await writeSafely({ code: 'db.quota' }, () =>
        this.db.transaction('rw', [this.db.workbooks, this.db.lineChunks, this.db.meta], async () => {
          // Never into a workbook stored meanwhile (by another tab), nor after another attempt or a
          // sweep took the mark.
          if (await this.db.workbooks.get(this.workbookId)) return false;
          if (first) {
            // Chunks of an earlier attempt that was interrupted.
            await this.db.lineChunks.where('workbookId').equals(this.workbookId).delete();
            await this.db.meta.put({ key: MARK + this.workbookId, value: this.attempt });
          } else if ((await this.db.meta.get(MARK + this.workbookId))?.value !== this.attempt) return false;
          await writeChunks(this.db, chunks);
          return true;
        }),
      );
      if (!(r.ok && r.value)) this.staging = false;
      else
        for (const c of chunks) {
          if (c.lines.length) this.stagedOf(c.scenarioId).add(c.no);
          else this.stagedOf(c.scenarioId).delete(c.no);
        }
    });
  }

  /**
   * Resolves once the staging writes are done: `finish` called then issues its transaction at
   * once, before any a session opened meanwhile may issue (a step it stores lands after it).
   */
  drained(): Promise<void> {
    return this.writing;
  }

  /** Each scenario's lines as they will be stored (a fresh copy of the bookkeeping; the session opened on it may change it). */
  chunksOf(scenarioId: Id): ChunkedLines {
    return new ChunkedLines(this.packed.get(scenarioId)?.byChunk() ?? []);
  }

  /**
   * Stores the workbook as shared at the sequence its records stand at, in one transaction: the
   * records given, the chunks of every scenario among `records.scenarios` (lines of any other scope
   * are dropped), the share; the staged chunks are kept only when all of them are there as written,
   * else every chunk is written again. A workbook of the same id stored here is replaced. On failure
   * nothing of the workbook is left (what was staged is removed). Gives whether the staged chunks were kept.
   */
  async finish(records: SnapshotRecords, share: Omit<ShareRecord, 'conflictSeq' | 'conflicts'>): Promise<Result<{ kept: boolean }>> {
    await this.writing;
    const live = new Set(records.scenarios.map((s) => s.id));
    const { db, workbookId } = this;
    // Every chunk, should the staged ones not do, and the ones changed since they were staged.
    const all: LineChunk[] = [];
    for (const [scope, packed] of this.packed) {
      if (!live.has(scope)) continue;
      for (const no of packed.chunkNos()) all.push({ scenarioId: scope, workbookId, no, lines: packed.lines(no) });
    }
    const changed = this.takeDirty().filter((c) => live.has(c.scenarioId));
    const stagedCount = [...this.staged.values()].reduce((n, s) => n + s.size, 0);
    const dead = [...this.staged].filter(([scope]) => !live.has(scope)).flatMap(([scope, nos]) => [...nos].map((no): [Id, number] => [scope, no]));
    const r = await writeSafely({ code: 'db.quota-create', params: { name: records.workbook.name } }, () =>
      db.transaction('rw', [...WORKBOOK_TABLES(db), db.meta], async () => {
        const mine = (await db.meta.get(MARK + workbookId))?.value === this.attempt;
        const whole = this.staging && mine && !(await db.workbooks.get(workbookId)) && (await db.lineChunks.where('workbookId').equals(workbookId).count()) === stagedCount;
        if (whole) {
          await removeWorkbookRecords(db, workbookId, true);
          await writeRecords(db, records);
          if (dead.length) await db.lineChunks.bulkDelete(dead);
          await writeChunks(db, changed);
        } else {
          await removeWorkbookRecords(db, workbookId);
          await writeRecords(db, records);
          await db.lineChunks.bulkAdd(all.filter((c) => c.lines.length));
        }
        if (mine) await db.meta.delete(MARK + workbookId);
        await db.shares.put({ ...share, conflictSeq: share.lastSeq, conflicts: [] });
        return { kept: whole };
      }),
    );
    if (!r.ok) await this.abandon();
    return r;
  }

  /** Removes what this attempt staged (once its writes are done), unless the workbook is stored meanwhile; never rejects. */
  async abandon(): Promise<void> {
    this.staging = false;
    await this.writing;
    await removeStaged(this.db, this.workbookId, this.attempt);
  }

  private linesOf(scope: Id): ChunkedLines {
    let packed = this.packed.get(scope);
    if (!packed) this.packed.set(scope, (packed = new ChunkedLines()));
    return packed;
  }

  private stagedOf(scope: Id): Set<number> {
    let s = this.staged.get(scope);
    if (!s) this.staged.set(scope, (s = new Set()));
    return s;
  }

  private note(scope: Id, no: number | undefined): void {
    if (no === undefined) return;
    let d = this.dirty.get(scope);
    if (!d) this.dirty.set(scope, (d = new Set()));
    d.add(no);
  }

  private takeDirty(): LineChunk[] {
    const out: LineChunk[] = [];
    for (const [scope, nos] of this.dirty) {
      const packed = this.packed.get(scope)!;
      for (const no of nos) out.push({ scenarioId: scope, workbookId: this.workbookId, no, lines: packed.lines(no) });
    }
    this.dirty.clear();
    return out;
  }
}

/** Puts chunks, and deletes those left empty, inside the caller's transaction. */
async function writeChunks(db: PlanbenchDB, chunks: readonly LineChunk[]): Promise<void> {
  const full = chunks.filter((c) => c.lines.length);
  const emptied = chunks.filter((c) => !c.lines.length).map((c): [Id, number] => [c.scenarioId, c.no]);
  if (full.length) await db.lineChunks.bulkPut(full);
  if (emptied.length) await db.lineChunks.bulkDelete(emptied);
}

/** The workbook's records but its lines, into the caller's transaction (its earlier ones removed). */
async function writeRecords(db: PlanbenchDB, r: SnapshotRecords): Promise<void> {
  const stray = [...r.nodes, ...r.scenarios, ...r.places, ...r.rules].find((x) => x.workbookId !== r.workbook.id);
  if (stray) throw new Error(`a record ${stray.id} of the snapshot belongs to workbook ${stray.workbookId}, not ${r.workbook.id}`);
  await db.workbooks.add(r.workbook);
  await db.nodes.bulkAdd(r.nodes);
  await db.scenarios.bulkAdd(r.scenarios);
  await db.places.bulkAdd(r.places);
  await db.rules.bulkAdd(r.rules);
}

/** Removes the chunks an attempt staged and its mark, when the workbook is not stored (any attempt's when `attempt` is null); never rejects. */
async function removeStaged(db: PlanbenchDB, workbookId: Id, attempt: string | null): Promise<void> {
  await writeSafely({ code: 'db.quota-delete' }, () =>
    db.transaction('rw', [db.workbooks, db.lineChunks, db.meta], async () => {
      const mark = await db.meta.get(MARK + workbookId);
      if (attempt !== null && mark?.value !== attempt) return;
      if (!(await db.workbooks.get(workbookId))) await db.lineChunks.where('workbookId').equals(workbookId).delete();
      if (mark) await db.meta.delete(MARK + workbookId);
    }),
  );
}

/**
 * Removes what opens from the server interrupted before they finished (the tab closed) left: the
 * line chunks of a workbook not stored, by the mark each attempt keeps until it is done. An
 * attempt still running in another tab then writes every chunk in its last transaction.
 */
export async function removeInterruptedOpens(db: PlanbenchDB): Promise<void> {
  const marks = await db.meta.where('key').startsWith(MARK).primaryKeys();
  for (const key of marks) await removeStaged(db, key.slice(MARK.length), null);
}

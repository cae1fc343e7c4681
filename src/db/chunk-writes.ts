// The line chunks of one commit, inside its transaction (workbook-repo.ts commitChange): the chunks a
// step's line writes name, read in one round; the writes merged into what is stored, each line
// written where it is stored even when the step's chunk number is out of date (another tab split
// that chunk: then every chunk of the scenario is read); an older chunk of more than CHUNK_SIZE
// lines that the step writes split into chunks of CHUNK_SIZE (the first part keeps its number, the
// rest take numbers after the highest stored); the chunks changed written back. Lines move only
// between chunks written in the same transaction, so none is ever lost or stored twice.

import Dexie from 'dexie';
import type { Id, Line } from '../domain/model';
import { mergeRecord } from '../domain/merge-fields';
import type { LineChunk, PlanbenchDB } from './database';
import { CHUNK_SIZE, type LineMove } from './line-chunks';

/**
 * A line as one edit changed it. With `before`, only the fields that differ between before and
 * after are written onto the stored line, so another tab's edit of another field of the same line
 * is kept; without it (a new line) the line is written whole.
 */
export interface LineWrite {
  before: Line | null;
  after: Line;
}

/** Line-level writes of one chunk: `put` replaces or appends lines by id, `deleteIds` removes them. */
export interface ChunkLineWrites {
  scenarioId: Id;
  workbookId: Id;
  no: number;
  put: LineWrite[];
  deleteIds: Id[];
}

/** Lines a commit moved out of an older chunk of a scenario into a new one (ChunkedLines.move follows it). */
export interface ChunkLineMove extends LineMove {
  scenarioId: Id;
  workbookId: Id;
}

/** A chunk as the transaction sees it: its lines now (null: no record), and whether a record is stored. */
interface Slot {
  scenarioId: Id;
  workbookId: Id;
  no: number;
  lines: Map<Id, Line> | null;
  stored: boolean;
  changed: boolean;
}

const keyOf = (scenarioId: Id, no: number) => `${scenarioId}|${no}`;
const lineKey = (scenarioId: Id, id: Id) => `${scenarioId}|${id}`;

export class StepChunks {
  private readonly slots = new Map<string, Slot>();
  /** Where each line of the chunks read is, by lineKey: made only when a line is not in the chunk named. */
  private holders: Map<string, Slot> | null = null;
  /** The highest chunk number a whole chunk record of the step is written to, by scenario. */
  private readonly wholeNos = new Map<Id, number>();
  /** Each line as stored before the step, in the chunks read (the server's copy, for a shared workbook's queue). */
  readonly storedLines = new Map<Id, Line>();

  private constructor(private readonly db: PlanbenchDB) {}

  /** Reads every chunk the writes name, in one round (issued within this call). */
  static async read(db: PlanbenchDB, writes: readonly ChunkLineWrites[]): Promise<StepChunks> {
    const named = new Map<string, { scenarioId: Id; workbookId: Id; no: number }>();
    for (const w of writes) named.set(keyOf(w.scenarioId, w.no), { scenarioId: w.scenarioId, workbookId: w.workbookId, no: w.no });
    const list = [...named.values()];
    const stored = list.length ? await db.lineChunks.bulkGet(list.map((c): [Id, number] => [c.scenarioId, c.no])) : [];
    const out = new StepChunks(db);
    list.forEach((c, i) => out.take(c.scenarioId, c.workbookId, c.no, stored[i]));
    return out;
  }

  /** A whole chunk record written by the step before its line writes: they merge into it. */
  overwrite(c: LineChunk): void {
    this.wholeNos.set(c.scenarioId, Math.max(c.no, this.wholeNos.get(c.scenarioId) ?? -1));
    const slot = this.slots.get(keyOf(c.scenarioId, c.no));
    if (!slot) return;
    slot.lines = c.lines.length ? new Map(c.lines.map((l) => [l.id, l])) : null;
    slot.stored = c.lines.length > 0;
  }

  /**
   * When a line the writes edit or delete is not in the chunk they name (another tab split that
   * chunk, or deleted the line), reads every chunk of its scenario, so that the write finds the line
   * wherever it is stored. Usually nothing is read.
   */
  async findStrays(writes: readonly ChunkLineWrites[]): Promise<void> {
    const scopes = new Map<Id, Id>();
    for (const w of writes) {
      const lines = this.slots.get(keyOf(w.scenarioId, w.no))?.lines;
      const stray = w.deleteIds.some((id) => !lines?.has(id)) || w.put.some((p) => p.before && !lines?.has(p.after.id));
      if (stray) scopes.set(w.scenarioId, w.workbookId);
    }
    await Promise.all(
      [...scopes].map(async ([scenarioId, workbookId]) => {
        const all = await this.db.lineChunks.where('[scenarioId+no]').between([scenarioId, Dexie.minKey], [scenarioId, Dexie.maxKey]).toArray();
        for (const c of all) if (!this.slots.has(keyOf(scenarioId, c.no))) this.take(scenarioId, workbookId, c.no, c);
      }),
    );
  }

  /**
   * Merges line writes into the chunks read: each line into the chunk that holds it (the one named
   * when none read holds it: a new line), a deleted line out of the chunk that holds it.
   */
  write(writes: readonly ChunkLineWrites[]): void {
    for (const w of writes) {
      const named = this.slots.get(keyOf(w.scenarioId, w.no))!;
      for (const id of w.deleteIds) {
        const slot = this.holderOf(named, id);
        if (!slot) continue;
        slot.lines!.delete(id);
        slot.changed = true;
        this.holders?.delete(lineKey(w.scenarioId, id));
      }
      for (const { before, after } of w.put) {
        const slot = this.holderOf(named, after.id) ?? named;
        const current = slot.lines?.get(after.id);
        (slot.lines ??= new Map()).set(after.id, before && current ? mergeRecord(current, before, after) : after);
        slot.changed = true;
        this.holders?.set(lineKey(w.scenarioId, after.id), slot);
      }
    }
  }

  /** The chunk read that holds a line: the one named, as usual, else found among all those read. */
  private holderOf(named: Slot, id: Id): Slot | undefined {
    if (named.lines?.has(id)) return named;
    if (!this.holders) {
      this.holders = new Map();
      for (const slot of this.slots.values()) for (const held of slot.lines?.keys() ?? []) this.holders.set(lineKey(slot.scenarioId, held), slot);
    }
    return this.holders.get(lineKey(named.scenarioId, id));
  }

  /**
   * Splits every chunk written that holds more than CHUNK_SIZE lines (an older workbook's) into
   * chunks of CHUNK_SIZE, in its order: the first part stays, each next one goes to a new chunk
   * numbered after the highest stored for the scenario (read here, only when a chunk is that large).
   * Returns the moves made.
   */
  async splitLarge(): Promise<ChunkLineMove[]> {
    const large = [...this.slots.values()].filter((s) => s.changed && (s.lines?.size ?? 0) > CHUNK_SIZE).sort((a, b) => a.no - b.no);
    if (!large.length) return [];
    const scopes = [...new Set(large.map((s) => s.scenarioId))];
    // The last key of each scenario's chunks, not the record: it may be a 1 000-line chunk.
    const last = await Promise.all(scopes.map((id) => this.db.lineChunks.where('[scenarioId+no]').between([id, Dexie.minKey], [id, Dexie.maxKey]).lastKey()));
    const highest = new Map(scopes.map((id, i) => [id, Math.max(Array.isArray(last[i]) ? Number((last[i] as unknown[])[1]) : -1, this.wholeNos.get(id) ?? -1)]));
    for (const s of this.slots.values()) if (highest.has(s.scenarioId) && s.no > highest.get(s.scenarioId)!) highest.set(s.scenarioId, s.no);
    const moves: ChunkLineMove[] = [];
    for (const slot of large) {
      const lines = [...slot.lines!.values()];
      slot.lines = new Map(lines.slice(0, CHUNK_SIZE).map((l) => [l.id, l]));
      for (let i = CHUNK_SIZE; i < lines.length; i += CHUNK_SIZE) {
        const no = highest.get(slot.scenarioId)! + 1;
        highest.set(slot.scenarioId, no);
        const part = lines.slice(i, i + CHUNK_SIZE);
        this.slots.set(keyOf(slot.scenarioId, no), {
          scenarioId: slot.scenarioId,
          workbookId: slot.workbookId,
          no,
          lines: new Map(part.map((l) => [l.id, l])),
          stored: false,
          changed: true,
        });
        moves.push({ scenarioId: slot.scenarioId, workbookId: slot.workbookId, from: slot.no, to: no, ids: part.map((l) => l.id) });
      }
    }
    return moves;
  }

  /** Issues the writes of every chunk changed (a chunk left empty is deleted); returns them with the chunk numbers written, by scenario. */
  writeBack(): { writes: Promise<unknown>[]; written: Map<Id, number[]> } {
    const writes: Promise<unknown>[] = [];
    const written = new Map<Id, number[]>();
    for (const slot of this.slots.values()) {
      if (!slot.changed) continue;
      if (slot.lines?.size) writes.push(this.db.lineChunks.put({ scenarioId: slot.scenarioId, workbookId: slot.workbookId, no: slot.no, lines: [...slot.lines.values()] }));
      else if (slot.stored) writes.push(this.db.lineChunks.delete([slot.scenarioId, slot.no]));
      else continue;
      const nos = written.get(slot.scenarioId);
      if (nos) nos.push(slot.no);
      else written.set(slot.scenarioId, [slot.no]);
    }
    return { writes, written };
  }

  private take(scenarioId: Id, workbookId: Id, no: number, record: LineChunk | undefined): void {
    this.slots.set(keyOf(scenarioId, no), {
      scenarioId,
      workbookId,
      no,
      lines: record ? new Map(record.lines.map((l) => [l.id, l])) : null,
      stored: !!record,
      changed: false,
    });
    for (const l of record?.lines ?? []) this.storedLines.set(l.id, l);
  }
}

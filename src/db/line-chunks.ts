// Which storage chunk each line of a scenario lives in. Lines are stored up to CHUNK_SIZE to an
// IndexedDB record, so an edit rewrites the chunk(s) it touched, never the whole workbook.
// Pure bookkeeping: no Dexie, no I/O; the repository writes what `lines(no)` returns.

import type { Id, Line } from '../domain/model';

/**
 * Most lines a chunk record is packed with, or given by `add`. An edit reads and rewrites its whole
 * chunk inside the transaction, so this bounds the work of storing one edit: at 100 lines a typed
 * amount is stored in a few milliseconds, where a 1 000-line chunk took tens. Chunks stored larger
 * (up to 1 000 lines, before this size) are split by the transaction of the first edit that writes
 * them (chunk-writes.ts), the session following with `move`; `add` only fills chunks below this size.
 */
export const CHUNK_SIZE = 100;

/** Lines taken out of one chunk into another (a split of an older chunk), by id. */
export interface LineMove {
  from: number;
  to: number;
  ids: Id[];
}

export class ChunkedLines {
  /** Chunk number → its lines by id, in stored order (Map keeps insertion order; a replace keeps the slot). */
  private readonly chunks = new Map<number, Map<Id, Line>>();
  private readonly where = new Map<Id, number>();
  private maxNo = -1;

  /**
   * From stored chunks, indexed by chunk number (holes allowed). Every line ends up in exactly one
   * chunk; a line id stored twice is a bug and throws.
   */
  constructor(chunks: readonly (readonly Line[] | undefined)[] = []) {
    for (let no = 0; no < chunks.length; no++) {
      const lines = chunks[no];
      if (!lines) continue;
      const m = new Map<Id, Line>();
      for (const l of lines) {
        const other = this.where.get(l.id) ?? (m.has(l.id) ? no : undefined);
        if (other !== undefined) throw new Error(`ChunkedLines: line ${l.id} is in chunk ${other} and chunk ${no}`);
        m.set(l.id, l);
        this.where.set(l.id, no);
      }
      this.chunks.set(no, m);
      this.maxNo = no;
    }
  }

  /**
   * Packs lines in the given order, `size` (CHUNK_SIZE unless given: a larger one writes an older
   * workbook's shape, for tests and benchmarks) to a chunk, numbered from 0 (the last one may be short).
   */
  static fromLines(lines: readonly Line[], size = CHUNK_SIZE): ChunkedLines {
    const chunks: Line[][] = [];
    for (let i = 0; i < lines.length; i += size) chunks.push(lines.slice(i, i + size));
    return new ChunkedLines(chunks);
  }

  /** Number of lines held. */
  get size(): number {
    return this.where.size;
  }

  /** The chunk a line lives in; undefined when the line is unknown. */
  chunkOf(id: Id): number | undefined {
    return this.where.get(id);
  }

  /**
   * Puts a new line in the highest-numbered chunk with room, else in a new chunk after the last;
   * returns that chunk's number. A line whose id is already held is replaced in place instead.
   */
  add(line: Line): number {
    if (this.where.has(line.id)) return this.replace(line);
    let no = this.maxNo;
    // Usually the last chunk has room; otherwise reuse room left by removals before growing.
    while (no >= 0 && (this.chunks.get(no)?.size ?? CHUNK_SIZE) >= CHUNK_SIZE) no--;
    if (no < 0) {
      no = ++this.maxNo;
      this.chunks.set(no, new Map());
    }
    this.chunks.get(no)!.set(line.id, line);
    this.where.set(line.id, no);
    return no;
  }

  /** Removes a line; returns the chunk it was in (to rewrite), or undefined when it was unknown. */
  remove(id: Id): number | undefined {
    const no = this.where.get(id);
    if (no === undefined) return undefined;
    this.chunks.get(no)!.delete(id);
    this.where.delete(id);
    return no;
  }

  /** Swaps in a new object for a held line (same id), at the same chunk and position; returns the chunk. An unknown line is added. */
  replace(line: Line): number {
    const no = this.where.get(line.id);
    if (no === undefined) return this.add(line);
    this.chunks.get(no)!.set(line.id, line);
    return no;
  }

  /**
   * Replaces a whole chunk with its lines as stored (after another tab wrote it): lines no longer in
   * it are dropped, the others take the stored order. A line held in another chunk moves here.
   */
  setChunk(no: number, lines: readonly Line[]): void {
    for (const id of this.chunks.get(no)?.keys() ?? []) this.where.delete(id);
    const m = new Map<Id, Line>();
    for (const l of lines) {
      const other = this.where.get(l.id);
      if (other !== undefined && other !== no) this.chunks.get(other)?.delete(l.id);
      m.set(l.id, l);
      this.where.set(l.id, no);
    }
    this.chunks.set(no, m);
    if (no > this.maxNo) this.maxNo = no;
  }

  /**
   * Moves the named lines this bookkeeping holds in `from` to `to` (as a commit split an older chunk,
   * see chunk-writes.ts); a line held elsewhere, or not at all, stays as it is. Each line stays held once.
   */
  move(m: LineMove): void {
    const from = this.chunks.get(m.from);
    if (!from || m.from === m.to) return;
    let to = this.chunks.get(m.to);
    for (const id of m.ids) {
      const line = from.get(id);
      if (!line) continue;
      if (!to) this.chunks.set(m.to, (to = new Map()));
      from.delete(id);
      to.set(id, line);
      this.where.set(id, m.to);
    }
    if (to && m.to > this.maxNo) this.maxNo = m.to;
  }

  /** A fresh array of the chunk's current lines, safe to hand to IndexedDB; empty means "delete the record". */
  lines(no: number): Line[] {
    const m = this.chunks.get(no);
    return m ? [...m.values()] : [];
  }

  /** Numbers of the chunks held, ascending; emptied chunks stay listed (add may refill them). */
  chunkNos(): number[] {
    return [...this.chunks.keys()].sort((a, b) => a - b);
  }

  /** Each chunk's lines by chunk number (an absent chunk is a hole), as the chunks are stored. */
  byChunk(): Line[][] {
    const out: Line[][] = [];
    for (const no of this.chunkNos()) out[no] = this.lines(no);
    return out;
  }

  /** Every line, chunk by chunk, in stored order within a chunk. */
  allLines(): Line[] {
    const out: Line[] = [];
    for (const no of this.chunkNos()) for (const l of this.chunks.get(no)!.values()) out.push(l);
    return out;
  }
}

// Which storage chunk each line lives in. Lines are stored ~1 000 to an IndexedDB record, so an
// edit rewrites one chunk, never the whole workbook. Pure bookkeeping: no Dexie here.

import type { Id, Line } from '../domain/model';

export const CHUNK_SIZE = 1000;

export class ChunkedLines {
  private chunks: Map<number, Map<Id, Line>> = new Map();
  private where = new Map<Id, number>();

  /** From stored chunks, by chunk number. */
  constructor(chunks: { no: number; lines: Line[] }[] = []) {
    for (const c of chunks) {
      const m = new Map<Id, Line>();
      for (const l of c.lines) {
        m.set(l.id, l);
        this.where.set(l.id, c.no);
      }
      this.chunks.set(c.no, m);
    }
  }

  /** Packs lines in order, CHUNK_SIZE to a chunk, numbered from 0. */
  static fromLines(lines: readonly Line[]): ChunkedLines {
    const chunks: { no: number; lines: Line[] }[] = [];
    for (let i = 0; i < lines.length; i += CHUNK_SIZE) chunks.push({ no: chunks.length, lines: lines.slice(i, i + CHUNK_SIZE) });
    return new ChunkedLines(chunks);
  }

  get size(): number {
    return this.where.size;
  }

  chunkOf(id: Id): number | undefined {
    return this.where.get(id);
  }

  /** Adds a line to the last chunk with room, or a new chunk; returns the chunk number. */
  add(line: Line): number {
    const existing = this.where.get(line.id);
    if (existing !== undefined) return this.replace(line);
    let no = -1;
    for (const [n, m] of this.chunks) if (m.size < CHUNK_SIZE && n > no) no = n;
    if (no < 0) {
      no = this.chunks.size ? Math.max(...this.chunks.keys()) + 1 : 0;
      this.chunks.set(no, new Map());
    }
    this.chunks.get(no)!.set(line.id, line);
    this.where.set(line.id, no);
    return no;
  }

  /** Removes a line; returns the chunk it was in. */
  remove(id: Id): number | undefined {
    const no = this.where.get(id);
    if (no === undefined) return undefined;
    this.chunks.get(no)!.delete(id);
    this.where.delete(id);
    return no;
  }

  /** Replaces a line (same id) in its chunk; adds it when unknown. Returns the chunk number. */
  replace(line: Line): number {
    const no = this.where.get(line.id);
    if (no === undefined) return this.add(line);
    this.chunks.get(no)!.set(line.id, line);
    return no;
  }

  /** A fresh array of the chunk's lines, safe to hand to IndexedDB (empty = delete the record). */
  lines(no: number): Line[] {
    return [...(this.chunks.get(no)?.values() ?? [])];
  }

  chunkNos(): number[] {
    return [...this.chunks.keys()].sort((a, b) => a - b);
  }

  /** Every line, chunk by chunk. */
  allLines(): Line[] {
    const out: Line[] = [];
    for (const no of this.chunkNos()) for (const l of this.chunks.get(no)!.values()) out.push(l);
    return out;
  }
}

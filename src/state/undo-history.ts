// The undo history of one open workbook: every step as a Change with the cell the grid selects when
// the step is undone or redone. Pure bookkeeping: the session applies what it hands back.

import type { Change } from '../domain/edit';
import type { CellFocus } from './grid-view.svelte';

/**
 * One undoable step: the change made, the cell to select when it is undone or redone (if any), and
 * its place in the scenario's history (`seq`: when it was made, in thousandths of a millisecond,
 * so that the steps of two tabs stored side by side keep their order).
 */
export interface UndoEntry {
  readonly change: Change;
  readonly focus: CellFocus | null;
  readonly seq: number;
}

export class UndoHistory {
  private done: UndoEntry[] = [];
  private undone: UndoEntry[] = [];
  private lastSeq = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  /** Records a step just made; what was undone before it can no longer be redone. */
  record(change: Change, focus: CellFocus | null): UndoEntry {
    this.lastSeq = Math.max(this.clock() * 1000, this.lastSeq + 1);
    const entry: UndoEntry = { change, focus, seq: this.lastSeq };
    this.done.push(entry);
    this.undone = [];
    return entry;
  }

  /**
   * Puts back the steps of an earlier session (read from storage), before any made since: `done`
   * oldest first, `undone` as redo takes them last first. The undone ones are kept only while this
   * session has made no step of its own (a new step ends redo).
   */
  restore(done: readonly UndoEntry[], undone: readonly UndoEntry[]): void {
    const fresh = this.done.length === 0 && this.undone.length === 0;
    this.done = [...done, ...this.done];
    if (fresh) this.undone = [...undone];
    for (const e of [...done, ...undone]) this.lastSeq = Math.max(this.lastSeq, e.seq);
  }

  /** The latest step, moved to the redo side, or null when there is nothing to undo. The caller applies its inverse. */
  takeUndo(): UndoEntry | null {
    const entry = this.done.pop();
    if (!entry) return null;
    this.undone.push(entry);
    return entry;
  }

  /** The step undone last, moved back to the undo side, or null when there is nothing to redo. The caller applies it again. */
  takeRedo(): UndoEntry | null {
    const entry = this.undone.pop();
    if (!entry) return null;
    this.done.push(entry);
    return entry;
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  /**
   * Adds to a step still on the undo side (by its seq) the lines that followed from it (the values
   * its formulas took): a line the step changes gets their fields in its record after, any other
   * line comes as it is changed. The amended step, or null when it is not on the undo side.
   */
  amend(seq: number, followed: Change): UndoEntry | null {
    const at = this.done.findIndex((e) => e.seq === seq);
    if (at < 0) return null;
    const entry = this.done[at];
    const lines = (entry.change.lines ?? []).slice();
    const index = new Map(lines.map((c, k) => [c.after?.id, k]));
    for (const c of followed.lines ?? []) {
      const k = c.after ? index.get(c.after.id) : undefined;
      const mine = k === undefined ? undefined : lines[k];
      if (mine?.after && c.before && c.after) {
        const after = { ...mine.after };
        for (const f of Object.keys(c.after) as (keyof typeof c.after)[]) if (c.after[f] !== c.before[f]) Object.assign(after, { [f]: c.after[f] });
        lines[k!] = { before: mine.before, after };
      } else lines.push(c);
    }
    const amended: UndoEntry = { ...entry, change: { ...entry.change, lines } };
    this.done[at] = amended;
    return amended;
  }

  /** Forgets the latest step if it is the one given (its seq): it was taken back at once, not to be redone. False when it is not the latest. */
  drop(seq: number): boolean {
    if (this.done[this.done.length - 1]?.seq !== seq) return false;
    this.done.pop();
    return true;
  }

  /** The change the next undo takes back (by identity), or null. */
  get latest(): Change | null {
    return this.done[this.done.length - 1]?.change ?? null;
  }
}

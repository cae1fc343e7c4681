// The undo history of one open workbook: every step as a Change with the cell the grid selects when
// the step is undone or redone. Pure bookkeeping: the session applies what it hands back.

import type { Change } from '../domain/edit';
import type { CellFocus } from './grid-view.svelte';

/** One undoable step: the change made, and the cell to select when it is undone or redone (if any). */
export interface UndoEntry {
  readonly change: Change;
  readonly focus: CellFocus | null;
}

export class UndoHistory {
  private done: UndoEntry[] = [];
  private undone: UndoEntry[] = [];

  /** Records a step just made; what was undone before it can no longer be redone. */
  record(change: Change, focus: CellFocus | null): UndoEntry {
    const entry: UndoEntry = { change, focus };
    this.done.push(entry);
    this.undone = [];
    return entry;
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

  /** The change the next undo takes back (by identity), or null. */
  get latest(): Change | null {
    return this.done[this.done.length - 1]?.change ?? null;
  }
}

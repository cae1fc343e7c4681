// The undo history: undo and redo take steps back and forth in order, a new step ends what could be
// redone, and each step brings back the cell it was made in.
import { describe, expect, it } from 'vitest';
import { UndoHistory } from '../../src/state/undo-history';
import { blankLine, type Change } from '../../src/domain/edit';
import type { CellFocus } from '../../src/state/grid-view.svelte';

/** A distinct step (compared by identity). */
const step = (): Change => ({ lines: [] });
const cell = (id: string): CellFocus => ({ target: { kind: 'line', id }, field: 'plan' });

describe('UndoHistory', () => {
  it('has nothing to undo or redo when new', () => {
    const h = new UndoHistory();
    expect([h.canUndo, h.canRedo, h.latest]).toEqual([false, false, null]);
    expect(h.takeUndo()).toBeNull();
    expect(h.takeRedo()).toBeNull();
  });

  it('undoes the latest step first, redoes the one undone last, each with its own cell', () => {
    const h = new UndoHistory();
    const a = step();
    const b = step();
    h.record(a, cell('x'));
    h.record(b, null);
    expect(h.latest).toBe(b);
    const first = h.takeUndo()!;
    expect(first.change).toBe(b);
    expect(first.focus).toBeNull();
    const second = h.takeUndo()!;
    expect(second.change).toBe(a);
    expect(second.focus).toEqual(cell('x'));
    expect(h.canUndo).toBe(false);
    expect(h.takeUndo()).toBeNull();
    expect(h.takeRedo()!.change).toBe(a);
    expect(h.latest).toBe(a);
    expect(h.takeRedo()!.change).toBe(b);
    expect(h.canRedo).toBe(false);
    expect(h.takeRedo()).toBeNull();
  });

  it('forgets what was undone once a new step is made', () => {
    const h = new UndoHistory();
    h.record(step(), null);
    h.takeUndo();
    expect(h.canRedo).toBe(true);
    const c = step();
    h.record(c, cell('y'));
    expect(h.canRedo).toBe(false);
    expect(h.takeRedo()).toBeNull();
    expect(h.takeUndo()!.change).toBe(c);
    expect(h.canUndo).toBe(false);
  });
});

describe('a step amended with what followed from it', () => {
  const line = (id: string, plan: number, expectedRate: number | null = null) => ({ ...blankLine(id, 'node', 0, 2026), plan, expectedRate });

  it('takes the values its formulas took into the step: into the lines it changes, and as lines of their own', () => {
    const h = new UndoHistory();
    const a0 = line('a', 1);
    const a1 = line('a', 2);
    const entry = h.record({ lines: [{ before: a0, after: a1 }] }, null);
    const b0 = line('b', 5);
    const amended = h.amend(entry.seq, {
      lines: [
        { before: a1, after: { ...a1, expectedRate: 40 } },
        { before: b0, after: { ...b0, plan: 7 } },
      ],
    })!;
    expect(amended.seq).toBe(entry.seq);
    expect(amended.change.lines).toEqual([
      { before: a0, after: { ...a1, expectedRate: 40 } },
      { before: b0, after: { ...b0, plan: 7 } },
    ]);
    // Undo takes the amended step back, all of it.
    expect(h.takeUndo()!.change).toBe(amended.change);
  });

  it('leaves a step already undone as it was', () => {
    const h = new UndoHistory();
    const entry = h.record({ lines: [{ before: line('a', 1), after: line('a', 2) }] }, null);
    h.takeUndo();
    expect(h.amend(entry.seq, { lines: [{ before: line('a', 1), after: line('a', 3) }] })).toBeNull();
    expect(h.takeRedo()!.change).toBe(entry.change);
  });
});

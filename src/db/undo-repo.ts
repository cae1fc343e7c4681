// Each scenario's undo history as stored, so that undo survives a reload (db/database.ts
// UndoStepRecord): a step recorded (the steps undone before it can no longer be redone), a step
// moved between done and undone, the history read back in order. Writes never reject; a history
// that cannot be kept is not worth an error of its own (the edit's own write says when storage
// fails), so callers may ignore the result.

import type { Id, Result } from '../domain/model';
import type { Change } from '../domain/edit';
import type { PlanbenchDB, UndoStepRecord } from './database';
import { writeSafely } from './storage-failure';

/** Steps kept per scenario: the oldest go beyond it. */
export const UNDO_STEPS_KEPT = 200;

/** Records a new step as done; drops the scenario's undone steps (a new step ends redo) and the oldest beyond UNDO_STEPS_KEPT. */
export async function recordUndoStep<F>(db: PlanbenchDB, step: Omit<UndoStepRecord<F>, 'side'>): Promise<Result<void>> {
  return writeSafely({ code: 'db.write-failed' }, () =>
    db.transaction('rw', db.undoSteps, async () => {
      const side = (s: UndoStepRecord['side']) => db.undoSteps.where('[scenarioId+side]').equals([step.scenarioId, s]);
      await side('undone').delete();
      // Keys only (in key order: oldest first), not the changes they hold.
      const done = await side('done').primaryKeys();
      if (done.length >= UNDO_STEPS_KEPT) await db.undoSteps.bulkDelete(done.slice(0, done.length - UNDO_STEPS_KEPT + 1));
      await db.undoSteps.put({ ...step, side: 'done' });
    }),
  );
}

/** Moves a step to the done or undone side (undo, redo); a step not stored (too large to keep) is left alone. */
export async function moveUndoStep(db: PlanbenchDB, scenarioId: Id, seq: number, side: UndoStepRecord['side']): Promise<Result<void>> {
  return writeSafely({ code: 'db.write-failed' }, async () => {
    await db.undoSteps.update([scenarioId, seq], { side });
  });
}

/** Forgets one stored step (a step taken back at once, not to be redone). */
export async function removeUndoStep(db: PlanbenchDB, scenarioId: Id, seq: number): Promise<Result<void>> {
  return writeSafely({ code: 'db.write-failed' }, async () => {
    await db.undoSteps.delete([scenarioId, seq]);
  });
}

/** Forgets a scenario's stored history (a step too large to keep: undo after a reload cannot go past it). */
export async function clearUndoSteps(db: PlanbenchDB, scenarioId: Id): Promise<Result<void>> {
  return writeSafely({ code: 'db.write-failed' }, async () => {
    await db.undoSteps.where('scenarioId').equals(scenarioId).delete();
  });
}

/** A scenario's stored history: the done steps oldest first, the undone steps newest-undone last (as redo takes them: the oldest first). */
export async function loadUndoSteps<F>(db: PlanbenchDB, scenarioId: Id): Promise<{ done: UndoStepRecord<F>[]; undone: UndoStepRecord<F>[] }> {
  try {
    // The stored focus is the shape the caller stored (F): storage gives back what it was given.
    const steps = (await db.undoSteps.where('scenarioId').equals(scenarioId).sortBy('seq')) as UndoStepRecord<F>[];
    const done = steps.filter((s) => s.side === 'done');
    // Only steps undone after the last one done can be redone (another tab may have left older ones).
    const last = done.length ? done[done.length - 1].seq : -Infinity;
    return { done, undone: steps.filter((s) => s.side === 'undone' && s.seq > last).reverse() };
  } catch {
    return { done: [], undone: [] };
  }
}

/** How many records a change writes: a step beyond a few thousand is not kept in the stored history. */
export function changeSize(change: Change): number {
  return (change.lines?.length ?? 0) + (change.nodes?.length ?? 0) + (change.places?.length ?? 0) + (change.rules?.length ?? 0);
}

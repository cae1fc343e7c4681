// Ctrl+Z / Ctrl+Y (and Ctrl+Shift+Z) in any of the app's grids go to the session's undo history,
// never to Handsontable's own, so every grid shares one history with the toolbar buttons.

import type Handsontable from 'handsontable';

export interface UndoTarget {
  undo(): boolean;
  redo(): boolean;
}

/** Handles an undo/redo key press; true when it did (the event is then stopped). */
export function handleUndoKeys(hot: Handsontable, e: KeyboardEvent, target: UndoTarget): boolean {
  if (hot.getActiveEditor()?.isOpened()) return false;
  const ctrl = e.ctrlKey || e.metaKey;
  if (!ctrl) return false;
  const key = e.key.toLowerCase();
  const undo = !e.shiftKey && key === 'z';
  const redo = key === 'y' || (e.shiftKey && key === 'z');
  if (!undo && !redo) return false;
  e.preventDefault();
  e.stopImmediatePropagation();
  if (undo) target.undo();
  else target.redo();
  return true;
}

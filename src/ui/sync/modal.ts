// What the shared-workbook dialogs have in common: the props they take from the shell, and a
// modal <dialog> that follows its `open` prop.

import type { AppState } from '../../state/app.svelte';
import type { Lang } from '../../domain/model';

/** The props of a shared-workbook dialog opened from the header. */
export interface SyncDialogProps {
  app: AppState;
  lang: Lang;
  open: boolean;
  onclose: () => void;
}

/** Shows the dialog as a modal when `open` turns true (after `onOpen`, which readies its content), and closes it when false. */
export function followOpen(dialog: HTMLDialogElement, open: boolean, onOpen: () => void = () => {}): void {
  if (open && !dialog.open) {
    onOpen();
    dialog.showModal();
  }
  if (!open && dialog.open) dialog.close();
}

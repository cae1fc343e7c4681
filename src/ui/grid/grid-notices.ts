// How a grid reaches the app's notice bar beyond a plain message (set by the shell as a context,
// so the grids inside the plan, disbursement and checks tabs need no extra properties).

import type { NoticeAction } from '../../state/app.svelte';

export const GRID_NOTICES = Symbol('grid-notices');

export interface GridNotices {
  notify(kind: 'info' | 'error', text: string, actions: NoticeAction[]): void;
  /** An edit landed whole: a refusal shown earlier no longer applies. */
  accepted(): void;
}

// What a user sets on a grid's view and expects to find again after a reload: column widths,
// hidden columns, sort and filters, kept in this browser per workbook and view (not in the
// workbook: another office opening it sees its own).

import type { GridViewState } from './row-view';

export interface GridPrefs extends GridViewState {
  /** Width of each column the user resized, by column key. */
  widths: Record<string, number>;
  /** Keys of the columns the user hid. */
  hidden: string[];
  /** Whether the month columns are folded into their sum (the default). */
  monthsFolded: boolean;
}

export const EMPTY_PREFS: GridPrefs = { sort: null, filters: [], widths: {}, hidden: [], monthsFolded: true };

const keyOf = (workbookId: string, viewKey: string) => `planbench.grid:${workbookId}:${viewKey}`;

export function loadGridPrefs(workbookId: string, viewKey: string): GridPrefs {
  try {
    const raw = globalThis.localStorage?.getItem(keyOf(workbookId, viewKey));
    if (!raw) return EMPTY_PREFS;
    const p = JSON.parse(raw) as Partial<GridPrefs>;
    const widths =
      p.widths && typeof p.widths === 'object' ? Object.fromEntries(Object.entries(p.widths).filter(([, w]) => typeof w === 'number' && w >= 20 && w <= 2000)) : {};
    return {
      sort: p.sort && typeof p.sort.key === 'string' && (p.sort.dir === 1 || p.sort.dir === -1) ? p.sort : null,
      filters: Array.isArray(p.filters) ? p.filters.filter((f) => f && typeof f.key === 'string' && typeof f.op === 'string' && typeof f.value === 'string') : [],
      widths,
      hidden: Array.isArray(p.hidden) ? p.hidden.filter((h) => typeof h === 'string') : [],
      monthsFolded: p.monthsFolded !== false,
    };
  } catch {
    return EMPTY_PREFS;
  }
}

export function saveGridPrefs(workbookId: string, viewKey: string, prefs: GridPrefs): void {
  try {
    globalThis.localStorage?.setItem(keyOf(workbookId, viewKey), JSON.stringify(prefs));
  } catch {
    // Storage refused (private mode, full): the settings last for this visit.
  }
}

/** Changes part of a view's settings, keeping the rest as stored. */
export function updateGridPrefs(workbookId: string, viewKey: string, patch: Partial<GridPrefs>): GridPrefs {
  const next = { ...loadGridPrefs(workbookId, viewKey), ...patch };
  saveGridPrefs(workbookId, viewKey, next);
  return next;
}

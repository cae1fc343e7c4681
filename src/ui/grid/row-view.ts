// Sort and filter of the grid as a user sets them (a column, a direction; a column, a condition, a
// value), turned into the session's RowView: lines kept and ordered within their item, sibling
// items ordered by their roll-up, so every line keeps its path in the tree in view.

import type { WorkbookSession } from '../../state/session.svelte';
import { nodeRow, type RowView } from '../../state/rows';
import { parseAmount, parseRate } from '../../domain/amount';
import { amountIn, amountSource, cellText, isAmountColumn, type AmountSource, type GridColumn, type ViewSettings } from './columns';

export type FilterOp = 'contains' | 'not-contains' | 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'blank' | 'not-blank';

export interface ColumnFilter {
  key: string;
  op: FilterOp;
  /** As typed, in the view's unit and number format. */
  value: string;
}

export interface GridViewState {
  sort: { key: string; dir: 1 | -1 } | null;
  filters: ColumnFilter[];
}

export const NO_VIEW: GridViewState = { sort: null, filters: [] };

export const TEXT_OPS: readonly FilterOp[] = ['contains', 'not-contains', 'eq', 'ne', 'blank', 'not-blank'];
export const NUMBER_OPS: readonly FilterOp[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'blank', 'not-blank'];

const RATE_KINDS = new Set(['rate', 'derived-rate']);

/** Whether a column is compared as numbers (amounts in đồng, rates in percent, years). */
export function isNumberColumn(c: GridColumn): boolean {
  return isAmountColumn(c) || RATE_KINDS.has(c.kind) || c.kind === 'year';
}

/** A cell's value to compare: a number for number columns (null when blank), else its text lower-cased. */
function valueOf(s: WorkbookSession, code: number, c: GridColumn, view: ViewSettings, src: AmountSource = amountSource(s)): number | string | null {
  if (isAmountColumn(c)) return amountIn(src, code, c.key) ?? null;
  const text = cellText(s, code, c, view).trim();
  if (!isNumberColumn(c)) return text.normalize('NFC').toLocaleLowerCase('vi');
  if (!text) return null;
  if (c.kind === 'year') return Number(text);
  const r = parseRate(text, { locale: view.locale });
  return r.ok && !r.value.blank ? r.value.value : null;
}

/** The typed value of a filter in the column's terms, or null when it cannot be read. */
function filterTarget(f: ColumnFilter, c: GridColumn, view: ViewSettings): number | string | null {
  if (f.op === 'blank' || f.op === 'not-blank') return '';
  if (!isNumberColumn(c)) return f.value.normalize('NFC').toLocaleLowerCase('vi');
  if (c.kind === 'year') return /^\d{4}$/.test(f.value.trim()) ? Number(f.value.trim()) : null;
  if (RATE_KINDS.has(c.kind)) {
    const r = parseRate(f.value, { locale: view.locale });
    return r.ok && !r.value.blank ? r.value.value : null;
  }
  const r = parseAmount(f.value, { unit: view.unit, locale: view.locale });
  return r.ok && !r.value.blank ? r.value.value : null;
}

/** A filter that cannot be read (a word where a number is asked): said, not silently ignored. */
export function unreadableFilter(f: ColumnFilter, cols: readonly GridColumn[], view: ViewSettings): boolean {
  const c = cols.find((x) => x.key === f.key);
  return !c || filterTarget(f, c, view) === null;
}

function passes(v: number | string | null, op: FilterOp, target: number | string): boolean {
  const blank = v === null || v === '';
  if (op === 'blank') return blank;
  if (op === 'not-blank') return !blank;
  if (op === 'contains') return typeof v === 'string' && v.includes(target as string);
  if (op === 'not-contains') return !(typeof v === 'string' && v.includes(target as string));
  if (op === 'ne') return v !== target;
  if (blank) return false;
  switch (op) {
    case 'eq':
      return v === target;
    case 'gt':
      return v! > target;
    case 'ge':
      return v! >= target;
    case 'lt':
      return v! < target;
    default:
      return v! <= target;
  }
}

/** Blanks last whichever the direction; numbers as numbers, text in Vietnamese order. */
function compareValues(a: number | string | null, b: number | string | null, dir: 1 | -1): number {
  const ab = a === null || a === '';
  const bb = b === null || b === '';
  if (ab || bb) return ab === bb ? 0 : ab ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return (a - b) * dir;
  return String(a).localeCompare(String(b), 'vi') * dir;
}

/** The session's RowView for a sort and filters (null when there is neither). */
export function rowViewOf(s: WorkbookSession, state: GridViewState, cols: readonly GridColumn[], view: ViewSettings): RowView | null {
  const filters = state.filters
    .map((f) => ({ f, c: cols.find((x) => x.key === f.key) }))
    .filter((x): x is { f: ColumnFilter; c: GridColumn } => !!x.c)
    .map(({ f, c }) => ({ f, c, target: filterTarget(f, c, view) }))
    .filter((x) => x.target !== null);
  const sortCol = state.sort ? cols.find((x) => x.key === state.sort!.key) : undefined;
  if (!filters.length && !sortCol) return null;
  const dir = state.sort?.dir ?? 1;
  let lineKeys: (number | string | null)[] = [];
  let nodeKeys: (number | string | null)[] = [];
  // What the values are read from, read again at each build (the lines' indices are the build's).
  let src = amountSource(s);
  return {
    refresh: () => {
      src = amountSource(s);
    },
    prepare: () => {
      src = amountSource(s);
      if (!sortCol) return;
      lineKeys = src.lines.map((_, i) => valueOf(s, i, sortCol, view, src));
      nodeKeys = src.tree.nodes.map((_, k) => valueOf(s, nodeRow(k), sortCol, view, src));
    },
    keepLine: filters.length ? (i) => filters.every(({ f, c, target }) => passes(valueOf(s, i, c, view, src), f.op, target!)) : null,
    lineOrder: sortCol ? (a, b) => compareValues(lineKeys[a], lineKeys[b], dir) || a - b : null,
    nodeOrder: sortCol ? (a, b) => compareValues(nodeKeys[a], nodeKeys[b], dir) || a - b : null,
  };
}

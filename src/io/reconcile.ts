// The file checks its own reading: every total and subtotal an imported table states (a "Tổng
// cộng" or "Cộng" row, a project over its sub-projects, a district over its communes, a section, a
// "Tổng số" column beside its parts) against the sum of the lines that will land under it, column
// by column. Each amount column is a question about the lines (the plan of NSTW money, disbursed
// money, the plan of Dự án 3…), asked of every row that states a figure in it. A difference never
// blocks an import (real reports are inconsistent) but it is never silent: the import dialog and
// the command line show it before anything is written. Also lists the columns holding numbers that
// map to nothing, with their totals. Pure.

import type { CapitalType, Id, Source } from '../domain/model';
import type { ColumnRole } from './column-map';
import type { Children } from './row-tree';
import { bottomUp } from './row-tree';

/** What a column asks of the lines: their plan or disbursed money, of a source, capital type,
 * vintage, item (a node and everything under it) or place, where the column's header names one. */
export interface ColumnQuestion {
  col: number;
  measure: 'plan' | 'disbursed';
  source?: Source;
  capital?: CapitalType;
  vintage?: number;
  /** Node ids of the item the column names and of everything under it. */
  items?: ReadonlySet<Id>;
  place?: string;
}

/** One stated figure against what the lines give. */
export interface ReconcileCell {
  /** 0-based column of the table. */
  col: number;
  /** What the column counts. */
  measure: 'plan' | 'disbursed';
  stated: number;
  computed: number;
  /** For a cell that differs and that the workbook's stated figures will not check (a section, a
   * place, a split by capital type or year): the lines under it (indexes into the reading's lines),
   * so the checks tab can keep comparing; null when there are too many to keep. */
  lines?: number[] | null;
}

export interface ReconcileRow {
  /** 1-based row of the sheet. */
  row: number;
  /** What the row is: the table's total, a subtotal of rows under it, or a line whose "Tổng số"
   * column states its own total. */
  kind: 'total' | 'group' | 'line';
  label: string;
  /** Depth in the file's shape (0: outermost). */
  depth: number;
  /** The item the row states for, when it is one item's whole. */
  nodeId: Id | null;
  cells: ReconcileCell[];
  /** Every cell matches. */
  ok: boolean;
}

/** A column holding numbers that no meaning was given to. */
export interface UnmappedColumn {
  col: number;
  header: string;
  /** Sum of its numbers on the rows that make lines, in đồng read in the table's unit. */
  total: number;
  /** Rows with a number in it. */
  count: number;
}

export interface Reconciliation {
  /** The amount columns asked, in table order, with their headers. */
  columns: { col: number; header: string }[];
  /** Every row that states a figure, in file order. */
  rows: ReconcileRow[];
  /** Cells compared, and how many match. */
  checked: number;
  matched: number;
  unmapped: UnmappedColumn[];
}

export interface ReconcileInput {
  questions: readonly ColumnQuestion[];
  headers: readonly string[];
  /** Per table.rows index. */
  parent: Int32Array;
  kids: Children;
  /** Rows that state figures for what is under them, and their kind (table.rows index → label). */
  statedRows: readonly { i: number; row: number; kind: ReconcileRow['kind']; label: string; nodeId: Id | null; scope: number | 'table' | 'self' }[];
  /** A stated figure of a row in a column (đồng), or null. */
  value: (i: number, col: number) => number | null;
  lines: readonly { nodeId: Id; source: Source; capital: CapitalType; vintage: number; plan: number; disbursed: number }[];
  /** table.rows index of each line, and the place its column named (null for the row's own). */
  lineRows: readonly number[];
  linePlaces: readonly (string | null)[];
  /** For a breakdown under a total ("- NSTW", "- Vốn ĐTPT" under "Tổng cộng"): the part it states. */
  splitOfRow?: (i: number) => { source?: Source; capital?: CapitalType } | null;
}

/** Each stated row's figures against the sum of the lines under it, column by column. */
export function reconcile(input: ReconcileInput): Omit<Reconciliation, 'unmapped'> {
  const n = input.parent.length;
  const order = bottomUp(input.parent);
  const depth = new Int32Array(n);
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k];
    const p = input.parent[i];
    depth[i] = p >= 0 ? depth[p] + 1 : 0;
  }
  const byRow = new Map<number, ReconcileCell[]>();
  let checked = 0;
  let matched = 0;
  const acc = new Float64Array(n);
  for (const q of input.questions) {
    const sumFor = (split: { source?: Source; capital?: CapitalType } | null): { under: Float64Array; all: number } => {
      acc.fill(0);
      let all = 0;
      const source = split?.source ?? q.source;
      const capital = split?.capital ?? q.capital;
      input.lines.forEach((l, k) => {
        if (source !== undefined && l.source !== source) return;
        if (capital !== undefined && l.capital !== capital) return;
        if (q.vintage !== undefined && l.vintage !== q.vintage) return;
        if (q.items && !q.items.has(l.nodeId)) return;
        if (q.place !== undefined && input.linePlaces[k] !== q.place) return;
        const v = q.measure === 'plan' ? l.plan : l.disbursed;
        acc[input.lineRows[k]] += v;
        all += v;
      });
      for (const i of order) if (input.parent[i] >= 0) acc[input.parent[i]] += acc[i];
      return { under: acc.slice(), all };
    };
    const plain = sumFor(null);
    const bySplit = new Map<string, { under: Float64Array; all: number }>();
    for (const s of input.statedRows) {
      const stated = input.value(s.i, q.col);
      if (stated === null) continue;
      const split = input.splitOfRow?.(s.i) ?? null;
      let sums = plain;
      if (split && (split.source || split.capital)) {
        const key = `${split.source ?? ''}|${split.capital ?? ''}`;
        if (!bySplit.has(key)) bySplit.set(key, sumFor(split));
        sums = bySplit.get(key)!;
      }
      const computed = s.scope === 'table' ? sums.all : s.scope === 'self' ? sums.under[s.i] : sums.under[s.scope];
      checked++;
      if (computed === stated) matched++;
      const cells = byRow.get(s.i) ?? [];
      const cell: ReconcileCell = { col: q.col, measure: q.measure, stated, computed };
      // Kept for the checks tab unless the item's or the program's stated figures check it there.
      const statedThere = asStatedFigure(q, split) && (s.nodeId !== null || s.scope === 'table');
      if (computed !== stated && !statedThere) cell.lines = linesUnder(s, q, split);
      cells.push(cell);
      byRow.set(s.i, cells);
    }
  }
  /** The lines under a stated row that a question (and the row's split) counts. */
  function linesUnder(s: ReconcileInput['statedRows'][number], q: ColumnQuestion, split: { source?: Source; capital?: CapitalType } | null): number[] | null {
    const top = s.scope === 'table' ? -1 : s.scope === 'self' ? s.i : s.scope;
    const out: number[] = [];
    const source = split?.source ?? q.source;
    const capital = split?.capital ?? q.capital;
    for (let k = 0; k < input.lines.length; k++) {
      const l = input.lines[k];
      if ((source !== undefined && l.source !== source) || (capital !== undefined && l.capital !== capital) || (q.vintage !== undefined && l.vintage !== q.vintage)) continue;
      if ((q.items && !q.items.has(l.nodeId)) || (q.place !== undefined && input.linePlaces[k] !== q.place)) continue;
      let at = input.lineRows[k];
      while (top >= 0 && at >= 0 && at !== top) at = input.parent[at];
      if (top >= 0 && at !== top) continue;
      out.push(k);
      if (out.length > MAX_KEPT_LINES) return null;
    }
    return out;
  }

  const rows: ReconcileRow[] = [];
  for (const s of input.statedRows) {
    const cells = byRow.get(s.i);
    if (!cells) continue;
    cells.sort((a, b) => a.col - b.col);
    rows.push({ row: s.row, kind: s.kind, label: s.label, depth: s.scope === 'table' ? 0 : depth[s.i], nodeId: s.nodeId, cells, ok: cells.every((c) => c.stated === c.computed) });
  }
  rows.sort((a, b) => a.row - b.row);
  return { columns: input.questions.map((q) => ({ col: q.col, header: input.headers[q.col] || '' })), rows, checked, matched };
}

/** Lines a kept difference lists at most (a larger one is shown in the dialog only). */
const MAX_KEPT_LINES = 20_000;

/** Whether the answer to a question is one of the figures an item or the program states (its
 * plan, plan of one source, or disbursed), which the checks compare on their own. */
function asStatedFigure(q: ColumnQuestion, split: { source?: Source; capital?: CapitalType } | null): boolean {
  const source = split?.source ?? q.source;
  if (q.capital !== undefined || split?.capital !== undefined || q.vintage !== undefined || q.items || q.place !== undefined) return false;
  return q.measure === 'plan' || source === undefined;
}

/** The question a column asks, or null for a column that holds no money of the lines. */
export function questionOf(
  role: ColumnRole,
  col: number,
  opts: { year: number; headerVintages: boolean; itemNodes: (code: string) => ReadonlySet<Id> | undefined },
): ColumnQuestion | null {
  const measure = role.field === 'plan' || role.field === 'statedPlan' ? 'plan' : role.field === 'disbursed' || role.field === 'statedDisbursed' ? 'disbursed' : null;
  // A supplement's money is part of the same lines as the plan it adds to: no question of its own.
  if (measure === null || role.supplement) return null;
  const q: ColumnQuestion = { col, measure };
  if (role.field === 'plan' || role.field === 'disbursed') {
    if (role.source) q.source = role.source;
    if (role.capital) q.capital = role.capital;
    if (role.field === 'plan' && opts.headerVintages) {
      const v = role.vintage ?? (role.carriedIn ? opts.year - 1 : undefined);
      if (v !== undefined) q.vintage = v;
    }
  }
  if (role.item) q.items = opts.itemNodes(role.item);
  if (role.place) q.place = role.place;
  return q;
}

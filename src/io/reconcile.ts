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
  /** Every row that states a figure, in file order; in a large file, but the lines whose own
   * "Tổng số" matches (counted in `quietRows`: one per line). */
  rows: ReconcileRow[];
  /** Lines whose "Tổng số" matches what they hold, not listed in `rows`. */
  quietRows: number;
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
  statedRows: readonly { i: number; row: number; kind: ReconcileRow['kind']; nodeId: Id | null; scope: StatedScope }[];
  /** The label of a stated row (asked only of the rows listed). */
  labelOf: (s: ReconcileInput['statedRows'][number]) => string;
  /** A stated figure of a row in a column (đồng), or null. */
  value: (i: number, col: number) => number | null;
  lines: readonly { nodeId: Id; source: Source; capital: CapitalType; vintage: number; plan: number; disbursed: number }[];
  /** table.rows index of each line, and the place its column named (null for the row's own). */
  lineRows: readonly number[];
  linePlaces: readonly (string | null)[];
  /** For a breakdown under a total ("- NSTW", "- Vốn ĐTPT", "- Vốn năm 2023 chuyển sang" under
   * "Tổng cộng"): the part it states. */
  splitOfRow?: (i: number) => Split;
}

/** What a stated row totals: the table, itself (its rows under it), the rows under another row
 * (a "Cộng" closing a group), or a run of rows (a "Cộng" after rows of no group: table.rows
 * indexes, both included). */
export type StatedScope = number | 'table' | 'self' | { from: number; to: number };

type Split = { source?: Source; capital?: CapitalType; vintage?: number } | null;

/** Each stated row's figures against the sum of the lines under it, column by column. */
export function reconcile(input: ReconcileInput): Omit<Reconciliation, 'unmapped'> {
  const n = input.parent.length;
  const parent = input.parent;
  const order = bottomUp(parent);
  const depth = new Int32Array(n);
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k];
    depth[i] = parent[i] >= 0 ? depth[parent[i]] + 1 : 0;
  }
  const stated = input.statedRows;
  const cellsOf: (ReconcileCell[] | undefined)[] = new Array(stated.length);
  const splits: Split[] = stated.map((s) => {
    const split = input.splitOfRow?.(s.i) ?? null;
    return split && (split.source || split.capital || split.vintage !== undefined) ? split : null;
  });
  const lines = input.lines;
  const lineRow = Int32Array.from(input.lineRows);
  const ranged = stated.some((s) => typeof s.scope === 'object');
  type Sums = { under: Float64Array; own: Float64Array | null; all: number };
  /** What the lines of a run of rows hold (rows of a file's shape are contiguous: a row's
   * descendants follow it, so the run's own sums are all of it). */
  const runSum = (own: Float64Array, run: { from: number; to: number }): number => {
    let sum = 0;
    for (let i = run.from; i <= run.to; i++) sum += own[i];
    return sum;
  };
  let checked = 0;
  let matched = 0;
  for (const q of input.questions) {
    /** What the lines of each row hold, summed up the shape (and in all), for this question. */
    const sumFor = (split: Split): Sums => {
      const under = new Float64Array(n);
      let all = 0;
      const source = split?.source ?? q.source;
      const capital = split?.capital ?? q.capital;
      const vintage = split?.vintage ?? q.vintage;
      const plan = q.measure === 'plan';
      for (let k = 0; k < lines.length; k++) {
        const l = lines[k];
        if ((source !== undefined && l.source !== source) || (capital !== undefined && l.capital !== capital) || (vintage !== undefined && l.vintage !== vintage)) continue;
        if ((q.items && !q.items.has(l.nodeId)) || (q.place !== undefined && input.linePlaces[k] !== q.place)) continue;
        const v = plan ? l.plan : l.disbursed;
        under[lineRow[k]] += v;
        all += v;
      }
      const own = ranged ? under.slice() : null;
      for (let k = 0; k < order.length; k++) {
        const i = order[k];
        if (parent[i] >= 0) under[parent[i]] += under[i];
      }
      return { under, own, all };
    };
    let plain: Sums | null = null;
    const bySplit = new Map<string, Sums>();
    for (let x = 0; x < stated.length; x++) {
      const s = stated[x];
      const figure = input.value(s.i, q.col);
      if (figure === null) continue;
      const split = splits[x];
      let sums: Sums;
      if (split) {
        const key = `${split.source ?? ''}|${split.capital ?? ''}|${split.vintage ?? ''}`;
        sums = bySplit.get(key) ?? bySplit.set(key, sumFor(split)).get(key)!;
      } else sums = plain ??= sumFor(null);
      const computed = s.scope === 'table' ? sums.all : s.scope === 'self' ? sums.under[s.i] : typeof s.scope === 'number' ? sums.under[s.scope] : runSum(sums.own!, s.scope);
      checked++;
      if (computed === figure) matched++;
      const cell: ReconcileCell = { col: q.col, measure: q.measure, stated: figure, computed };
      // Kept for the checks tab unless the item's or the program's stated figures check it there.
      const statedThere = asStatedFigure(q, split) && (s.nodeId !== null || s.scope === 'table');
      if (computed !== figure && !statedThere) cell.lines = linesUnder(s, q, split);
      (cellsOf[x] ??= []).push(cell);
    }
  }
  /** The lines under a stated row that a question (and the row's split) counts. */
  function linesUnder(s: ReconcileInput['statedRows'][number], q: ColumnQuestion, split: Split): number[] | null {
    const run = typeof s.scope === 'object' ? s.scope : null;
    const top = s.scope === 'table' || run ? -1 : s.scope === 'self' ? s.i : (s.scope as number);
    const out: number[] = [];
    const source = split?.source ?? q.source;
    const capital = split?.capital ?? q.capital;
    const vintage = split?.vintage ?? q.vintage;
    for (let k = 0; k < lines.length; k++) {
      const l = lines[k];
      if ((source !== undefined && l.source !== source) || (capital !== undefined && l.capital !== capital) || (vintage !== undefined && l.vintage !== vintage)) continue;
      if ((q.items && !q.items.has(l.nodeId)) || (q.place !== undefined && input.linePlaces[k] !== q.place)) continue;
      if (run && (lineRow[k] < run.from || lineRow[k] > run.to)) continue;
      let at = lineRow[k];
      while (top >= 0 && at >= 0 && at !== top) at = parent[at];
      if (top >= 0 && at !== top) continue;
      out.push(k);
      if (out.length > MAX_KEPT_LINES) return null;
    }
    return out;
  }

  const rows: ReconcileRow[] = [];
  let quietRows = 0;
  // A large file's lines that match their own "Tổng số" are counted, not listed: one row per line
  // would be most of the file again.
  const quiet = stated.reduce((a, s) => a + (s.kind === 'line' ? 1 : 0), 0) > QUIET_AFTER;
  for (let x = 0; x < stated.length; x++) {
    const cells = cellsOf[x];
    if (!cells) continue;
    const s = stated[x];
    const ok = cells.every((c) => c.stated === c.computed);
    if (ok && quiet && s.kind === 'line') {
      quietRows++;
      continue;
    }
    if (cells.length > 1) cells.sort((a, b) => a.col - b.col);
    rows.push({ row: s.row, kind: s.kind, label: input.labelOf(s), depth: s.scope === 'table' || typeof s.scope === 'object' ? 0 : depth[s.i], nodeId: s.nodeId, cells, ok });
  }
  // Stated rows come in table order, which is the sheet's; sorted only if a caller gave them otherwise.
  if (rows.some((r, k) => k > 0 && rows[k - 1].row > r.row)) rows.sort((a, b) => a.row - b.row);
  return { columns: input.questions.map((q) => ({ col: q.col, header: input.headers[q.col] || '' })), rows, quietRows, checked, matched };
}

/** Lines stating their own total beyond which those that match are counted, not listed. */
const QUIET_AFTER = 1000;

/** Lines a kept difference lists at most (a larger one is shown in the dialog only). */
const MAX_KEPT_LINES = 20_000;

/** Whether the answer to a question is one of the figures an item or the program states (its
 * plan, plan of one source, or disbursed), which the checks compare on their own. */
function asStatedFigure(q: ColumnQuestion, split: Split): boolean {
  const source = split?.source ?? q.source;
  if (q.capital !== undefined || split?.capital !== undefined || q.vintage !== undefined || split?.vintage !== undefined || q.items || q.place !== undefined) return false;
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

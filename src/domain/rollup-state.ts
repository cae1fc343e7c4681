// The roll-up a recalculation service keeps between edits: the whole Rollup, the plan's budget cells
// and what the last pass traced. An edit of a few lines takes their figures out of their node and its
// ancestors, projects those lines again, redraws only their budget cells oldest vintage first, and
// adds the new figures back: the very figures rollUp gives for the edited columns, to the đồng, since
// no sum can pass 2^53 meanwhile (PassTrace; when one might, or when many lines change, it rolls
// everything up again). What changed comes out as a patch, a few small arrays, to apply to a copy
// of the roll-up kept elsewhere (across a worker boundary). Pure.

import { BudgetCells } from './budget-cells';
import { MONTH_COUNT } from './model';
import type { ProjectionParams } from './projection';
import {
  applyColumnEdits,
  CELL_SUMS,
  drawCell,
  emptyRollup,
  emptyTrace,
  isTraceExact,
  MAG_UNSPENT,
  nodeMeasures,
  passContext,
  projectLines,
  reprojectInto,
  rollUpInto,
  rollupBuffers,
  sumCell,
  traceLines,
  type ColumnEdit,
  type ColumnField,
  type PassContext,
  type PassTrace,
  type PlanColumns,
  type Rollup,
} from './rollup';

/** Amounts per node in a patch: the nodeMeasures, then the MONTH_COUNT months. */
const NODE_AMOUNTS = 15 + MONTH_COUNT;
/** Amounts per line in a patch: projected, required, unspent, carry-over, lapse, run-rate. */
const LINE_AMOUNTS = 6;
/** Lines moved to another budget cell (or place in it) that an edit redraws by itself; beyond, the cells are regrouped. */
const MOVE_LIMIT = 32;

/** The figures of a roll-up that an edit changed, as small arrays (transferable). */
export interface RollupPatch {
  /** Nodes whose figures changed, nodeCount standing for the total; NODE_AMOUNTS amounts and 2 counts (flagged, monthsKnown) each. */
  nodes: Int32Array;
  nodeAmounts: Float64Array;
  nodeCounts: Int32Array;
  /** Lines whose figures changed; LINE_AMOUNTS amounts and their flags each. */
  lines: Int32Array;
  lineAmounts: Float64Array;
  lineFlags: Uint8Array;
  overflow: boolean;
}

/** A roll-up after an edit: the whole of it, or what changed in the one before. */
export type RollupUpdate = { kind: 'full'; rollup: Rollup } | { kind: 'patch'; patch: RollupPatch };

/** A plan's columns with their roll-up, kept equal to rollUp of the columns through every edit. */
export class RollupState {
  /** The current roll-up, updated in place: copy it (copyRollup) before handing it away. */
  readonly rollup: Rollup;
  private cells: BudgetCells;
  private readonly trace: PassTrace;
  private ctx: PassContext;
  /** Whether every sum of the roll-up is exact, so lines may be taken away and added again. */
  private exact = false;
  private readonly lineMark: Uint8Array;
  private readonly nodeMark: Uint8Array;
  private scratch = new Float64Array(64);
  private readonly sums = new Float64Array(CELL_SUMS);
  private readonly vector = new Float64Array(15);

  /** Rolls the columns up; the state keeps them and changes them in place on each edit. */
  constructor(readonly cols: PlanColumns) {
    const n = cols.plan.length;
    this.rollup = emptyRollup(cols.nodeParent.length, n);
    this.trace = emptyTrace(n);
    this.cells = BudgetCells.build(cols);
    this.lineMark = new Uint8Array(n);
    this.nodeMark = new Uint8Array(cols.nodeParent.length + 1);
    this.ctx = passContext(cols.params);
    this.rollUpAll();
    // Listed now rather than at the first edit, which should not wait for it.
    this.cells.listMembers(cols);
  }

  /**
   * Replaces the projection parameters and rolls every line up again (the cells stay as they are):
   * only what a projection moves when the year is the same and every sum exact, and not the
   * run-rates when the as-of day is the same too.
   */
  configure(params: ProjectionParams): void {
    const sameYear = params.year === this.cols.params.year;
    const sameDay = Object.is(params.asOfDay, this.cols.params.asOfDay);
    this.cols.params = params;
    this.ctx = passContext(params);
    if (!sameYear || !this.exact) return this.rollUpAll();
    reprojectInto(this.cols, this.cells, this.rollup, this.trace, sameDay);
    this.exact = isTraceExact(this.trace) && !this.rollup.overflow;
  }

  /**
   * Applies the edits to the columns, in order, and brings the roll-up to what rollUp gives for them.
   * Returns what changed, or null when everything was rolled up again (many lines edited, or a sum
   * that might pass 2^53 đồng): then send the whole roll-up.
   */
  edit(edits: readonly ColumnEdit[]): RollupPatch | null {
    const { cols, cells } = this;
    cells.listMembers(cols);
    const lines = this.markLines(edits);
    // Only a line whose source, capital type, slot or vintage was edited can move to another cell.
    const movable = movableLines(edits);
    const before = movable.map((i) => cellKeyOf(cols, i));
    const touched = this.cellsToRedraw(lines);
    if (touched) {
      // Out first, everything, so that no sum holds old and new figures at once (see PassTrace).
      for (const i of lines) this.addLine(i, -1);
      for (const c of touched) this.addCell(c, -1);
    }
    applyColumnEdits(cols, edits);
    const moved = movable.filter((i, k) => cellKeyOf(cols, i) !== before[k]);
    if (!touched || moved.length > MOVE_LIMIT) return this.rollUpAfter(lines, moved);
    for (const i of moved) {
      const c = cells.cellFor(cols, i);
      if (touched.has(c)) continue;
      // A cell the line joins: its figures come out before the line is in it.
      touched.add(c);
      this.addCell(c, -1);
    }
    cells.place(cols, moved);
    for (const i of lines) projectLines(cols, this.ctx, this.rollup, this.trace.lineTarget, i, i + 1);
    const changed = [...lines];
    for (const c of touched) {
      this.redraw(c, changed);
      this.addCell(c, 1, true);
    }
    for (const i of lines) this.addLine(i, 1);
    for (const i of changed) this.lineMark[i] = 0;
    if (!isTraceExact(this.trace)) return this.rollUpAfter([], []);
    return this.patchOf(changed);
  }

  /** The lines the edits name (each once, marked in lineMark), those outside the plan left out. */
  private markLines(edits: readonly ColumnEdit[]): number[] {
    const lines: number[] = [];
    for (const { line } of edits) {
      if (line >= 0 && line < this.lineMark.length && !this.lineMark[line]) {
        this.lineMark[line] = 1;
        lines.push(line);
      }
    }
    return lines;
  }

  /**
   * The budget cells of the given lines, to redraw; null when rolling everything up again is the
   * better way: a sum might pass 2^53, or the lines or their cells are a good part of the plan.
   */
  private cellsToRedraw(lines: readonly number[]): Set<number> | null {
    const n = this.cols.plan.length;
    if (!this.exact || lines.length > n / 16 + 16) return null;
    const { cells } = this;
    const touched = new Set<number>();
    let redraw = 0;
    for (const i of lines) {
      const c = cells.cellOf[i];
      if (touched.has(c)) continue;
      touched.add(c);
      redraw += cells.start[c + 1] - cells.start[c];
    }
    return redraw <= n / 2 + 64 ? touched : null;
  }

  /** Rolls everything up again after an edit of the given lines (marks cleared), the moved ones placed in their cells. */
  private rollUpAfter(lines: readonly number[], moved: number[]): null {
    if (moved.length > MOVE_LIMIT) this.cells = BudgetCells.build(this.cols);
    else this.cells.place(this.cols, moved);
    for (const i of lines) this.lineMark[i] = 0;
    this.nodeMark.fill(0);
    this.rollUpAll();
    return null;
  }

  private rollUpAll(): void {
    rollUpInto(this.cols, this.cells, this.rollup, this.trace);
    this.exact = isTraceExact(this.trace) && !this.rollup.overflow;
  }

  /** Redraws cell c; lines whose unspent moved join `changed` (marked). */
  private redraw(c: number, changed: number[]): void {
    const { cells, rollup: r } = this;
    const a = cells.start[c];
    const b = cells.start[c + 1];
    if (this.scratch.length < b - a) this.scratch = new Float64Array(2 * (b - a));
    for (let j = a; j < b; j++) this.scratch[j - a] = r.lineUnspent[cells.members[j]];
    drawCell(this.cols, cells, r, c, this.sums);
    for (let j = a; j < b; j++) {
      const i = cells.members[j];
      if (!this.lineMark[i] && !Object.is(this.scratch[j - a], r.lineUnspent[i])) {
        this.lineMark[i] = 1;
        changed.push(i);
      }
    }
  }

  /** Adds (1) or takes away (−1) a line's own figures along its node's chain, all but those its cell draws. */
  private addLine(i: number, sign: 1 | -1): void {
    const { cols, rollup: r } = this;
    traceLines(cols, r, this.trace, i, i + 1, sign);
    const node = cols.lineNode[i];
    if (node < 0) return;
    const v = this.vector.fill(0);
    const p = sign * cols.plan[i];
    v[0] = p;
    v[1] = sign * cols.disbursed[i];
    v[2] = sign * r.lineProjected[i];
    v[4 + cols.source[i]] = p;
    v[7 + cols.capital[i]] = p;
    v[9] = sign * r.lineRequired[i];
    if (cols.vintage[i] < cols.params.year) v[10] = p;
    v[13] = sign * this.trace.lineTarget[i];
    const rr = r.lineRunRate[i];
    if (!Number.isNaN(rr)) v[14] = sign * rr;
    const flagged = r.lineFlags[i] ? sign : 0;
    const row = cols.monthRow[i];
    const measures = nodeMeasures(r);
    for (let k = node; k >= 0; k = this.up(k)) {
      for (let m = 0; m < 15; m++) measures[m][k] += v[m];
      r.flagged[k] += flagged;
      if (row < 0) continue;
      r.monthsKnown[k] += sign;
      for (let m = 0; m < MONTH_COUNT; m++) {
        const x = cols.months[row * MONTH_COUNT + m];
        if (!Number.isNaN(x)) r.months[k * MONTH_COUNT + m] += sign * x;
      }
    }
  }

  /** Adds (1) or takes away (−1) what cell c draws (its unspent, carry-over, lapse) along its node's chain. */
  private addCell(c: number, sign: 1 | -1, drawn = false): void {
    const { cells, rollup: r, sums } = this;
    if (!drawn) sumCell(cells, r, c, sums);
    this.trace.magnitude[MAG_UNSPENT] += sign * sums[3];
    for (let k = cells.node[c]; k >= 0; k = this.up(k)) {
      r.unspent[k] += sign * sums[0];
      r.carryOver[k] += sign * sums[1];
      r.lapse[k] += sign * sums[2];
    }
  }

  /** The next node up the chain from k (marking k as changed): its parent, the total, then −1. */
  private up(k: number): number {
    this.nodeMark[k] = 1;
    const total = this.rollup.nodeCount;
    if (k === total) return -1;
    const parent = this.cols.nodeParent[k];
    return parent >= 0 ? parent : total;
  }

  private patchOf(lines: number[]): RollupPatch {
    const r = this.rollup;
    const nodes: number[] = [];
    for (let k = 0; k < this.nodeMark.length; k++) if (this.nodeMark[k]) nodes.push(k);
    this.nodeMark.fill(0);
    const measures = nodeMeasures(r);
    const patch: RollupPatch = {
      nodes: Int32Array.from(nodes),
      nodeAmounts: new Float64Array(nodes.length * NODE_AMOUNTS),
      nodeCounts: new Int32Array(nodes.length * 2),
      lines: Int32Array.from(lines),
      lineAmounts: new Float64Array(lines.length * LINE_AMOUNTS),
      lineFlags: new Uint8Array(lines.length),
      overflow: r.overflow,
    };
    nodes.forEach((k, j) => {
      const at = j * NODE_AMOUNTS;
      for (let m = 0; m < 15; m++) patch.nodeAmounts[at + m] = measures[m][k];
      patch.nodeAmounts.set(r.months.subarray(k * MONTH_COUNT, (k + 1) * MONTH_COUNT), at + 15);
      patch.nodeCounts[2 * j] = r.flagged[k];
      patch.nodeCounts[2 * j + 1] = r.monthsKnown[k];
    });
    lines.forEach((i, j) => {
      const at = j * LINE_AMOUNTS;
      patch.lineAmounts[at] = r.lineProjected[i];
      patch.lineAmounts[at + 1] = r.lineRequired[i];
      patch.lineAmounts[at + 2] = r.lineUnspent[i];
      patch.lineAmounts[at + 3] = r.lineCarry[i];
      patch.lineAmounts[at + 4] = r.lineLapse[i];
      patch.lineAmounts[at + 5] = r.lineRunRate[i];
      patch.lineFlags[j] = r.lineFlags[i];
    });
    return patch;
  }
}

/** A line's budget cell and vintage as one text, to tell which lines an edit moved. */
/** The columns that place a line in its budget cell (see cellKeyOf). */
const CELL_FIELDS: ReadonlySet<ColumnField> = new Set<ColumnField>(['source', 'capital', 'slot', 'vintage']);

/** The lines (each once) of edits that change a column placing a line in its cell. */
function movableLines(edits: readonly ColumnEdit[]): number[] {
  const lines = new Set<number>();
  for (const e of edits) if (CELL_FIELDS.has(e.field)) lines.add(e.line);
  return [...lines];
}

function cellKeyOf(cols: PlanColumns, i: number): string {
  return `${cols.source[i]}|${cols.capital[i]}|${cols.slot[i]}|${cols.vintage[i]}`;
}

/** Applies a patch to the roll-up it was made against, in place, and returns it as a new object (a new identity for reactive holders). */
export function applyRollupUpdate(held: Rollup | null, update: RollupUpdate): Rollup {
  if (update.kind === 'full') return update.rollup;
  if (!held) throw new Error('applyRollupUpdate: a patch without the roll-up it patches');
  const p = update.patch;
  const measures = nodeMeasures(held);
  p.nodes.forEach((k, j) => {
    const at = j * NODE_AMOUNTS;
    for (let m = 0; m < 15; m++) measures[m][k] = p.nodeAmounts[at + m];
    held.months.set(p.nodeAmounts.subarray(at + 15, at + NODE_AMOUNTS), k * MONTH_COUNT);
    held.flagged[k] = p.nodeCounts[2 * j];
    held.monthsKnown[k] = p.nodeCounts[2 * j + 1];
  });
  p.lines.forEach((i, j) => {
    const at = j * LINE_AMOUNTS;
    held.lineProjected[i] = p.lineAmounts[at];
    held.lineRequired[i] = p.lineAmounts[at + 1];
    held.lineUnspent[i] = p.lineAmounts[at + 2];
    held.lineCarry[i] = p.lineAmounts[at + 3];
    held.lineLapse[i] = p.lineAmounts[at + 4];
    held.lineRunRate[i] = p.lineAmounts[at + 5];
    held.lineFlags[i] = p.lineFlags[j];
  });
  return { ...held, overflow: p.overflow };
}

/** A copy of a roll-up sharing no array with it. */
export function copyRollup(r: Rollup): Rollup {
  const out = { ...r };
  for (const [key, value] of Object.entries(r)) if (ArrayBuffer.isView(value)) (out as Record<string, unknown>)[key] = (value as Float64Array).slice();
  return out;
}

/** The transferable buffers of an update. */
export function rollupUpdateBuffers(u: RollupUpdate): ArrayBuffer[] {
  if (u.kind === 'full') return rollupBuffers(u.rollup);
  const p = u.patch;
  return [p.nodes, p.nodeAmounts, p.nodeCounts, p.lines, p.lineAmounts, p.lineFlags].map((a) => a.buffer as ArrayBuffer);
}

/**
 * What several edits made in turn changed, as one update: the whole roll-up (copied) when any of them
 * rolled it up whole, else one patch holding each node's and line's figures as the last patch that
 * names it left them (an empty one for no edit).
 */
export function updateAfter(state: RollupState, patches: readonly (RollupPatch | null)[]): RollupUpdate {
  if (patches.some((p) => p === null)) return { kind: 'full', rollup: copyRollup(state.rollup) };
  const list = patches as RollupPatch[];
  if (list.length === 1) return { kind: 'patch', patch: list[0] };
  const overflow = list.length ? list[list.length - 1].overflow : state.rollup.overflow;
  const nodeAt = new Map<number, [RollupPatch, number]>();
  const lineAt = new Map<number, [RollupPatch, number]>();
  for (const p of list) {
    p.nodes.forEach((k, j) => nodeAt.set(k, [p, j]));
    p.lines.forEach((i, j) => lineAt.set(i, [p, j]));
  }
  const out: RollupPatch = {
    nodes: Int32Array.from(nodeAt.keys()),
    nodeAmounts: new Float64Array(nodeAt.size * NODE_AMOUNTS),
    nodeCounts: new Int32Array(nodeAt.size * 2),
    lines: Int32Array.from(lineAt.keys()),
    lineAmounts: new Float64Array(lineAt.size * LINE_AMOUNTS),
    lineFlags: new Uint8Array(lineAt.size),
    overflow,
  };
  let j = 0;
  for (const [p, at] of nodeAt.values()) {
    out.nodeAmounts.set(p.nodeAmounts.subarray(at * NODE_AMOUNTS, (at + 1) * NODE_AMOUNTS), j * NODE_AMOUNTS);
    out.nodeCounts[2 * j] = p.nodeCounts[2 * at];
    out.nodeCounts[2 * j + 1] = p.nodeCounts[2 * at + 1];
    j++;
  }
  j = 0;
  for (const [p, at] of lineAt.values()) {
    out.lineAmounts.set(p.lineAmounts.subarray(at * LINE_AMOUNTS, (at + 1) * LINE_AMOUNTS), j * LINE_AMOUNTS);
    out.lineFlags[j] = p.lineFlags[at];
    j++;
  }
  return { kind: 'patch', patch: out };
}

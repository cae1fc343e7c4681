// The budget cells of a plan: the lines that draw on one pot of money, those of one node, slot
// (implementing unit and place), source and capital type. A cell's money is drawn oldest vintage
// first, then in line order: the draw order, one list of every line by vintage then line, takes
// each cell's members in that order, so a full pass draws every cell in one sweep. The roll-up
// keeps the cells between passes, so a pass need not group the lines again, and an edit finds the
// lines its cell shares money with (each cell's members listed, built on demand). Pure.

import type { PlanColumns } from './rollup';

/** Source × capital type combinations: a cell's code within its node is source · 2 + capital. */
const KINDS = 6;

/** Every line by vintage, then line order; and each cell's last line in that order (its newest money). */
export interface DrawOrder {
  lines: Int32Array;
  last: Int32Array;
}

/** The budget cells of one plan's columns; kept true to them by place() as edits move lines. */
export class BudgetCells {
  /** Number of cells (a cell left empty by an edit stays, with no members). */
  count = 0;
  /** The cell of each line. */
  readonly cellOf: Int32Array;
  /** Each cell's node (−1 for lines outside the tree), slot, and source · 2 + capital type. */
  node: Int32Array;
  slot: Int32Array;
  kind: Uint8Array;
  /**
   * Members of cell c, once listed (listMembers): members[start[c]] … members[start[c + 1] − 1], in
   * draw order. Empty until then.
   */
  start = new Int32Array(0);
  members = new Int32Array(0);
  private order: DrawOrder | null = null;
  private byKey: Map<number, number> | null = null;

  private constructor(n: number, capacity: number) {
    this.cellOf = new Int32Array(n);
    this.node = new Int32Array(capacity);
    this.slot = new Int32Array(capacity);
    this.kind = new Uint8Array(capacity);
  }

  /**
   * The cells of the columns' lines, grouped by counting (node and kind first, then slot) rather
   * than by a map lookup per line; numbered by node and kind, then as first met.
   */
  static build(cols: PlanColumns): BudgetCells {
    const { lineNode, slot, source, capital } = cols;
    const n = lineNode.length;
    const nodeCount = cols.nodeParent.length;
    const groups = (nodeCount + 1) * KINDS;
    const group = new Int32Array(n);
    const groupStart = new Int32Array(groups + 1);
    let maxSlot = 0;
    let regular = true;
    for (let i = 0; i < n; i++) {
      const g = (lineNode[i] + 1) * KINDS + source[i] * 2 + capital[i];
      if (!(lineNode[i] >= -1 && lineNode[i] < nodeCount && source[i] < 3 && capital[i] < 2 && slot[i] >= 0)) regular = false;
      group[i] = g;
      if (regular) groupStart[g + 1]++;
      if (slot[i] > maxSlot) maxSlot = slot[i];
    }
    // Odd codes (a slot far beyond the number of lines, a node outside the tree) are grouped by key instead.
    if (!regular || maxSlot > 4 * n + 1024) return BudgetCells.buildByKey(cols);
    for (let g = 0; g < groups; g++) groupStart[g + 1] += groupStart[g];
    const fill = groupStart.slice(0, groups);
    const byGroup = new Int32Array(n);
    for (let i = 0; i < n; i++) byGroup[fill[group[i]]++] = i;
    // Within a group (lines in their order), one cell per slot met.
    const cellOfSlot = new Int32Array(maxSlot + 1).fill(-1);
    const cells = new BudgetCells(n, 8);
    for (let g = 0; g < groups; g++) {
      const a = groupStart[g];
      const b = groupStart[g + 1];
      for (let j = a; j < b; j++) {
        const i = byGroup[j];
        let c = cellOfSlot[slot[i]];
        if (c < 0) c = cellOfSlot[slot[i]] = cells.add(lineNode[i], slot[i], source[i] * 2 + capital[i]);
        cells.cellOf[i] = c;
      }
      for (let j = a; j < b; j++) cellOfSlot[slot[byGroup[j]]] = -1;
    }
    return cells;
  }

  /** The same cells as build, grouped through a map: for codes build cannot count on. */
  private static buildByKey(cols: PlanColumns): BudgetCells {
    const cells = new BudgetCells(cols.lineNode.length, 8);
    for (let i = 0; i < cols.lineNode.length; i++) cells.cellOf[i] = cells.cellFor(cols, i);
    return cells;
  }

  /** A new, empty cell. */
  private add(node: number, slot: number, kind: number): number {
    const c = this.count++;
    if (c >= this.node.length) {
      const capacity = this.node.length * 2;
      const grown = <T extends Int32Array | Uint8Array>(a: T, b: T): T => (b.set(a), b);
      this.node = grown(this.node, new Int32Array(capacity));
      this.slot = grown(this.slot, new Int32Array(capacity));
      this.kind = grown(this.kind, new Uint8Array(capacity));
    }
    this.node[c] = node;
    this.slot[c] = slot;
    this.kind[c] = kind;
    if (this.start.length) {
      if (c + 1 >= this.start.length) {
        const start = new Int32Array(2 * this.start.length);
        start.set(this.start);
        this.start = start;
      }
      this.start[c + 1] = this.start[c];
    }
    if (this.byKey) this.byKey.set(cellKey(node, slot, kind), c);
    return c;
  }

  /** The draw order of the lines (cached until lines are placed again). */
  drawOrder(cols: PlanColumns): DrawOrder {
    if (this.order && this.order.last.length >= this.count) return this.order;
    const { vintage } = cols;
    const n = vintage.length;
    let low = 0;
    let high = 0;
    for (let i = 0; i < n; i++) {
      if (i === 0 || vintage[i] < low) low = vintage[i];
      if (i === 0 || vintage[i] > high) high = vintage[i];
    }
    const lines = new Int32Array(n);
    if (high - low <= 4096) {
      // Years: counted, which keeps line order within a year.
      const at = new Int32Array(high - low + 2);
      for (let i = 0; i < n; i++) at[vintage[i] - low + 1]++;
      for (let v = 1; v < at.length; v++) at[v] += at[v - 1];
      for (let i = 0; i < n; i++) lines[at[vintage[i] - low]++] = i;
    } else {
      lines.set(Array.from({ length: n }, (_, i) => i).sort((x, y) => vintage[x] - vintage[y] || x - y));
    }
    const last = new Int32Array(Math.max(this.count, 1)).fill(-1);
    for (let j = 0; j < n; j++) last[this.cellOf[lines[j]]] = lines[j];
    this.order = { lines, last };
    return this.order;
  }

  /** Lists each cell's members (start, members), in draw order, if not listed yet. */
  listMembers(cols: PlanColumns): void {
    if (this.start.length) return;
    const n = this.cellOf.length;
    this.start = new Int32Array(Math.max(this.node.length, this.count) + 1);
    for (let i = 0; i < n; i++) this.start[this.cellOf[i] + 1]++;
    for (let c = 0; c < this.count; c++) this.start[c + 1] += this.start[c];
    const at = this.start.slice(0, this.count);
    this.members = new Int32Array(n);
    for (const i of this.drawOrder(cols).lines) this.members[at[this.cellOf[i]]++] = i;
  }

  /** The cell a line belongs to by its columns now, created (empty) if none had its key. */
  cellFor(cols: PlanColumns, i: number): number {
    if (!this.byKey) {
      this.byKey = new Map();
      for (let c = 0; c < this.count; c++) this.byKey.set(cellKey(this.node[c], this.slot[c], this.kind[c]), c);
    }
    const kind = cols.source[i] * 2 + cols.capital[i];
    return this.byKey.get(cellKey(cols.lineNode[i], cols.slot[i], kind)) ?? this.add(cols.lineNode[i], cols.slot[i], kind);
  }

  /**
   * Puts the given lines (each once) in the cell and at the place their columns now say: the lines
   * whose source, capital type, slot or vintage an edit changed (every other line must be where it
   * was). The members must be listed. Returns the cells that gained a line. Each line moved shifts
   * the members between its old and new place: meant for a few lines at a time.
   */
  place(cols: PlanColumns, lines: readonly number[]): number[] {
    if (!lines.length) return [];
    this.order = null;
    const target = lines.map((i) => this.cellFor(cols, i));
    // All out first: the lines left in each cell are then in order, and each line goes back at its place.
    let end = this.members.length;
    for (const i of lines) {
      const c = this.cellOf[i];
      const p = this.start[c] + this.members.subarray(this.start[c], this.start[c + 1]).indexOf(i);
      this.members.copyWithin(p, p + 1, end);
      end--;
      for (let k = c + 1; k <= this.count; k++) this.start[k]--;
    }
    for (let m = 0; m < lines.length; m++) {
      const i = lines[m];
      const c = target[m];
      const q = this.placeIn(cols.vintage, c, i);
      this.members.copyWithin(q + 1, q, end);
      this.members[q] = i;
      end++;
      for (let k = c + 1; k <= this.count; k++) this.start[k]++;
      this.cellOf[i] = c;
    }
    return [...new Set(target)];
  }

  /** Where line i goes among the members of cell c (which does not hold it): the first member after it. */
  private placeIn(vintage: Int32Array, c: number, i: number): number {
    let lo = this.start[c];
    let hi = this.start[c + 1];
    const v = vintage[i];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.members[mid];
      if (vintage[m] < v || (vintage[m] === v && m < i)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** One number per (node, slot, kind): exact while the tree has fewer than ~350 000 nodes. */
function cellKey(node: number, slot: number, kind: number): number {
  return ((node + 1) * KINDS + kind) * 2 ** 32 + (slot >>> 0);
}

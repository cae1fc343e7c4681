// The budget cells of a plan: the lines that draw on one pot of money, those of one node, slot
// (implementing unit and place), source and capital type. Each cell lists its members in the order
// its money is drawn: oldest vintage first, then line order. The roll-up keeps them between passes,
// so a full pass need not group and sort the lines again, and an edit finds the lines its cell
// shares money with. Pure.

import type { PlanColumns } from './rollup';

/** Source × capital type combinations: a cell's code within its node is source · 2 + capital. */
const KINDS = 6;

export class BudgetCells {
  /** Number of cells (a cell left empty by an edit stays, with no members). */
  count = 0;
  /** The cell of each line. */
  readonly cellOf: Int32Array;
  /** Members of cell c: members[start[c]] … members[start[c + 1] − 1], oldest vintage first, then by line. */
  start: Int32Array;
  readonly members: Int32Array;
  /** Each cell's node (−1 for lines outside the tree), slot, source and capital type. */
  node: Int32Array;
  slot: Int32Array;
  kind: Uint8Array;
  /** Whether lines were placed since the cells were built: their numbering is then not build's. */
  placed = false;
  private byKey: Map<number, number> | null = null;

  private constructor(n: number, capacity: number) {
    this.cellOf = new Int32Array(n);
    this.members = new Int32Array(n);
    this.start = new Int32Array(capacity + 1);
    this.node = new Int32Array(capacity);
    this.slot = new Int32Array(capacity);
    this.kind = new Uint8Array(capacity);
  }

  /**
   * The cells of the columns' lines. Lines are grouped by counting (node and kind first, then slot),
   * not by a map lookup per line; a cell's members are sorted only when its vintages are out of order.
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
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[fill[group[i]]++] = i;
    // Within a group (lines in their order), one cell per slot met, numbered as first met.
    const cellOfSlot = new Int32Array(maxSlot + 1).fill(-1);
    const cellOf = new Int32Array(n);
    const size = new Int32Array(n + 1);
    const firstLine = new Int32Array(n);
    let count = 0;
    for (let g = 0; g < groups; g++) {
      const a = groupStart[g];
      const b = groupStart[g + 1];
      for (let j = a; j < b; j++) {
        const i = order[j];
        let c = cellOfSlot[slot[i]];
        if (c < 0) {
          c = cellOfSlot[slot[i]] = count++;
          firstLine[c] = i;
        }
        cellOf[i] = c;
        size[c]++;
      }
      for (let j = a; j < b; j++) cellOfSlot[slot[order[j]]] = -1;
    }
    const cells = new BudgetCells(n, Math.max(count, 8));
    cells.cellOf.set(cellOf);
    cells.count = count;
    for (let c = 0; c < count; c++) {
      const i = firstLine[c];
      cells.start[c + 1] = cells.start[c] + size[c];
      cells.node[c] = lineNode[i];
      cells.slot[c] = slot[i];
      cells.kind[c] = source[i] * 2 + capital[i];
    }
    const at = cells.start.slice(0, count);
    for (let j = 0; j < n; j++) {
      const i = order[j];
      cells.members[at[cellOf[i]]++] = i;
    }
    cells.sortByVintage(cols.vintage);
    return cells;
  }

  /** The same cells as build, grouped through a map: for codes build cannot count on. */
  private static buildByKey(cols: PlanColumns): BudgetCells {
    const n = cols.lineNode.length;
    const cells = new BudgetCells(n, 8);
    cells.byKey = new Map();
    const size: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = cells.cellFor(cols, i);
      cells.cellOf[i] = c;
      size[c] = (size[c] ?? 0) + 1;
    }
    for (let c = 0; c < cells.count; c++) cells.start[c + 1] = cells.start[c] + size[c];
    const at = cells.start.slice(0, cells.count);
    for (let i = 0; i < n; i++) cells.members[at[cells.cellOf[i]]++] = i;
    cells.sortByVintage(cols.vintage);
    return cells;
  }

  /** Sorts each cell whose members (in line order) are not in vintage order: by vintage, then line. */
  private sortByVintage(vintage: Int32Array): void {
    const n = this.members.length;
    let keys: Float64Array | null = null;
    for (let c = 0; c < this.count; c++) {
      const a = this.start[c];
      const b = this.start[c + 1];
      let sorted = true;
      for (let j = a + 1; j < b && sorted; j++) sorted = vintage[this.members[j - 1]] <= vintage[this.members[j]];
      if (sorted) continue;
      let low = Infinity;
      for (let j = a; j < b; j++) low = Math.min(low, vintage[this.members[j]]);
      // One number per member, (vintage, line) in order, sorted natively; exact below 2^53.
      keys ??= new Float64Array(n);
      for (let j = a; j < b; j++) {
        const i = this.members[j];
        keys[j] = (vintage[i] - low) * n + i;
      }
      const part = keys.subarray(a, b).sort();
      for (let j = 0; j < part.length; j++) {
        const k = part[j];
        this.members[a + j] = k - Math.floor(k / n) * n;
      }
    }
  }

  /** The cell a line belongs to by its columns now, created (empty) if none had its key. */
  cellFor(cols: PlanColumns, i: number): number {
    if (!this.byKey) {
      this.byKey = new Map();
      for (let c = 0; c < this.count; c++) this.byKey.set(cellKey(this.node[c], this.slot[c], this.kind[c]), c);
    }
    const kind = cols.source[i] * 2 + cols.capital[i];
    const key = cellKey(cols.lineNode[i], cols.slot[i], kind);
    let c = this.byKey.get(key);
    if (c === undefined) {
      c = this.count++;
      if (c >= this.node.length) this.grow();
      this.start[c + 1] = this.start[c];
      this.node[c] = cols.lineNode[i];
      this.slot[c] = cols.slot[i];
      this.kind[c] = kind;
      this.byKey.set(key, c);
    }
    return c;
  }

  private grow(): void {
    const capacity = this.node.length * 2;
    const start = new Int32Array(capacity + 1);
    start.set(this.start);
    this.start = start;
    for (const name of ['node', 'slot'] as const) {
      const next = new Int32Array(capacity);
      next.set(this[name]);
      this[name] = next;
    }
    const kind = new Uint8Array(capacity);
    kind.set(this.kind);
    this.kind = kind;
  }

  /**
   * Puts the given lines (each once) in the cell and at the place their columns now say: the lines
   * whose source, capital type, slot or vintage an edit changed (every other line must be where it
   * was). Returns the cells that gained a line. Each line moved shifts the members between its old
   * and new place: meant for a few lines at a time.
   */
  place(cols: PlanColumns, lines: readonly number[]): number[] {
    const target = lines.map((i) => this.cellFor(cols, i));
    if (lines.length) this.placed = true;
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

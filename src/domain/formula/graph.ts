// Which formula depends on which, through the tree: a reference to an item's figure depends on
// every line below it (an item's plan is the sum of its lines' plans), so a line whose formula
// reads its own item's total is a cycle. The graph has a vertex per line field (typed or computed)
// and one per item and line field (the item's sum of that field); it gives the order to compute
// formulas in, by levels (the formulas of one level read no formula of the same level or a later
// one, so a level is one batch for the roll-up), the cycles with the cells they pass through, and
// the formulas a change of some cells makes stale. Vertices are numbers and edges typed arrays:
// linear in lines, formulas, references and items; no recursion.

import type { ItemRefField, LineRefField, Ref } from './parse';

/** A line's fields a formula may compute or read, in the order of their vertex numbers. */
export const GRAPH_FIELDS: readonly LineRefField[] = ['plan', 'disbursed', 'expectedRate'];
const FIELD_NO: Record<LineRefField, number> = { plan: 0, disbursed: 1, expectedRate: 2 };
const F = GRAPH_FIELDS.length;

/** A formula's place (a line, by its index, and a field) and what it reads. */
export interface FormulaCell {
  line: number;
  field: LineRefField;
  refs: readonly Ref[];
}

/** The tree as the graph needs it, by index. */
export interface FormulaTree {
  lineCount: number;
  itemCount: number;
  /** Index of an item's parent, -1 for a root. */
  itemParent(k: number): number;
  /** Index of a line's item, -1 when it has none. */
  lineItem(i: number): number;
  /** Index of a line by id, -1 when it is gone. */
  lineIndex(id: string): number;
  /** Index of an item by id, -1 when it is gone. */
  itemIndex(id: string): number;
}

/** Which of a line's typed fields an item's figure sums or projects from. */
export const ITEM_FIELD_INPUTS: Record<ItemRefField, readonly LineRefField[]> = {
  plan: ['plan'],
  central: ['plan'],
  local: ['plan'],
  other: ['plan'],
  investment: ['plan'],
  recurrent: ['plan'],
  requiredLocal: ['plan'],
  disbursed: ['disbursed'],
  projected: ['plan', 'disbursed', 'expectedRate'],
  unspent: ['plan', 'disbursed', 'expectedRate'],
  carryOver: ['plan', 'disbursed', 'expectedRate'],
  lapse: ['plan', 'disbursed', 'expectedRate'],
};

/** The vertex of a line's field (also the number a formula cell is known by). */
export const cellVertex = (line: number, field: LineRefField): number => line * F + FIELD_NO[field];
/** The line and field of a cell vertex. */
export const vertexCell = (v: number): { line: number; field: LineRefField } => ({ line: Math.floor(v / F), field: GRAPH_FIELDS[v % F] });

export interface FormulaPlan {
  /** Formula cells (cellVertex) in an order where each comes after everything it reads. */
  order: Int32Array;
  /** The level of each formula cell by vertex (-1: no formula, or on or after a cycle). */
  levelOf(cell: number): number;
  /** Cycles found, each as the formula cells it passes through; those cells and what reads them are not in `order`. */
  cycles: number[][];
  /** Formula cells on a cycle or reading one: they show #CYCLE!. */
  inCycle: number[];
  /** The formula cells to recompute after the given cells changed, in order. */
  staleAfter(changed: Iterable<number>): number[];
}

/**
 * Lays out the formulas of a workbook (see the module comment). `how`: 'graph' lays out the whole
 * graph even where formulas read only their own line's typed figures (which it does not need).
 */
export function planFormulas(cells: readonly FormulaCell[], tree: FormulaTree, how: 'any' | 'graph' = 'any'): FormulaPlan {
  const cellCount = tree.lineCount * F;
  const isFormula = new Uint8Array(cellCount);
  for (const c of cells) isFormula[cellVertex(c.line, c.field)] = 1;
  return (how === 'any' && planOwnLines(cells, isFormula, cellCount)) || planGraph(cells, tree, isFormula);
}

/**
 * The plan when every formula reads only its own line's typed figures (a column formula such as
 * =[@disbursed]/[@plan]): no formula reads another, so every one is of level 0, in line order,
 * none is on a cycle, and a change makes stale only the formulas of its line that read it. Null
 * otherwise. Linear in the cells, with no graph built.
 */
function planOwnLines(cells: readonly FormulaCell[], isFormula: Uint8Array, cellCount: number): FormulaPlan | null {
  const order = new Int32Array(cells.length);
  let previous = -1;
  for (let j = 0; j < cells.length; j++) {
    const c = cells[j];
    const v = cellVertex(c.line, c.field);
    // In vertex order (the book's): the position of a cell is then found by a binary search.
    if (v <= previous) return null;
    previous = v;
    order[j] = v;
    for (const r of c.refs) if (r.kind !== 'self' || isFormula[cellVertex(c.line, r.field)]) return null;
  }
  return {
    order,
    levelOf: (v) => (v >= 0 && v < cellCount && isFormula[v] ? 0 : -1),
    cycles: [],
    inCycle: [],
    staleAfter(changed) {
      const out: number[] = [];
      for (const v of changed) {
        if (v < 0 || v >= cellCount) continue;
        const line = Math.floor(v / F);
        const field = GRAPH_FIELDS[v % F];
        // The formulas of the line (at most one per field) that read the changed field.
        for (let f = 0; f < F; f++) {
          const u = line * F + f;
          if (!isFormula[u]) continue;
          const c = cells[positionOf(order, u)];
          if (c.refs.some((r) => r.field === field)) out.push(u);
        }
      }
      return [...new Set(out)].sort((a, b) => a - b);
    },
  };
}

/** Where v is in an increasing array (v must be in it). */
function positionOf(sorted: Int32Array, v: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The plan through the whole graph: lines, items and the sums between them. */
function planGraph(cells: readonly FormulaCell[], tree: FormulaTree, isFormula: Uint8Array): FormulaPlan {
  const cellCount = tree.lineCount * F;
  const total = tree.itemCount; // the program total's sums follow the items'
  const sumVertex = (k: number, f: number) => cellCount + (k < 0 ? total : k) * F + f;
  const vertexCount = cellCount + (tree.itemCount + 1) * F;

  // Edges from what is read to what reads it, gathered into typed arrays grown by doubling, then packed (CSR).
  let from = new Int32Array(Math.max(64, tree.itemCount * F + cells.length * 4));
  let to = new Int32Array(from.length);
  let edges = 0;
  const edge = (a: number, b: number) => {
    if (edges === from.length) {
      const wider = (x: Int32Array) => {
        const y = new Int32Array(x.length * 2);
        y.set(x);
        return y;
      };
      from = wider(from);
      to = wider(to);
    }
    from[edges] = a;
    to[edges++] = b;
  };
  for (let k = 0; k < tree.itemCount; k++) for (let f = 0; f < F; f++) edge(sumVertex(k, f), sumVertex(tree.itemParent(k), f));
  const reaches = new Uint8Array(cellCount); // cells already sent to their item's sums
  const toSums = (v: number) => {
    if (reaches[v]) return;
    reaches[v] = 1;
    const k = tree.lineItem(Math.floor(v / F));
    if (k >= 0) edge(v, sumVertex(k, v % F));
  };
  for (const c of cells) {
    const v = cellVertex(c.line, c.field);
    toSums(v);
    for (const r of c.refs) {
      if (r.kind === 'line' || r.kind === 'self') {
        const i = r.kind === 'self' ? c.line : tree.lineIndex(r.id);
        if (i < 0) continue; // a deleted line: #REF! when computed, no dependency
        const u = cellVertex(i, r.field);
        toSums(u);
        edge(u, v);
        continue;
      }
      const k = r.kind === 'total' ? -1 : tree.itemIndex(r.id);
      if (r.kind === 'item' && k < 0) continue;
      for (const f of ITEM_FIELD_INPUTS[r.field]) edge(sumVertex(k, FIELD_NO[f]), v);
    }
  }
  const start = new Int32Array(vertexCount + 1);
  for (let e = 0; e < edges; e++) start[from[e] + 1]++;
  for (let v = 0; v < vertexCount; v++) start[v + 1] += start[v];
  const readers = new Int32Array(edges);
  const fill = start.slice(0, vertexCount);
  const indegree = new Int32Array(vertexCount);
  for (let e = 0; e < edges; e++) {
    readers[fill[from[e]]++] = to[e];
    indegree[to[e]]++;
  }

  // Kahn's algorithm over the vertices that take part; a vertex's level is the deepest formula above it.
  const level = new Int32Array(vertexCount).fill(-1);
  const queue = new Int32Array(vertexCount);
  let tail = 0;
  for (let v = 0; v < vertexCount; v++) if (indegree[v] === 0) queue[tail++] = v;
  const order: number[] = [];
  const cellLevel = new Int32Array(cellCount).fill(-1);
  const left = indegree.slice();
  for (let q = 0; q < tail; q++) {
    const v = queue[q];
    let out = level[v];
    if (v < cellCount && isFormula[v]) {
      out = level[v] + 1;
      cellLevel[v] = out;
      order.push(v);
    }
    for (let e = start[v]; e < start[v + 1]; e++) {
      const r = readers[e];
      if (level[r] < out) level[r] = out;
      if (--left[r] === 0) queue[tail++] = r;
    }
  }
  // What is left sits on a cycle or reads one.
  const stuck: number[] = [];
  for (let v = 0; v < vertexCount; v++) if (left[v] > 0) stuck.push(v);
  const inCycle = stuck.filter((v) => v < cellCount && isFormula[v]);
  const cycles = stuck.length ? findCycles(stuck, start, readers, (v) => v < cellCount && isFormula[v] === 1) : [];

  const position = new Int32Array(cellCount).fill(-1);
  order.forEach((v, i) => (position[v] = i));
  return {
    order: Int32Array.from(order),
    levelOf: (v) => (v >= 0 && v < cellCount ? cellLevel[v] : -1),
    cycles,
    inCycle,
    staleAfter(changed) {
      const seen = new Uint8Array(vertexCount);
      const stack: number[] = [];
      for (const v of changed) {
        if (v < 0 || v >= cellCount) continue;
        stack.push(v);
        // A typed cell nobody reads directly still moves its item's sums.
        const k = tree.lineItem(Math.floor(v / F));
        if (k >= 0) stack.push(sumVertex(k, v % F));
      }
      const out: number[] = [];
      while (stack.length) {
        const v = stack.pop()!;
        for (let e = start[v]; e < start[v + 1]; e++) {
          const r = readers[e];
          if (seen[r]) continue;
          seen[r] = 1;
          if (r < cellCount && position[r] >= 0) out.push(r);
          stack.push(r);
        }
      }
      return out.sort((a, b) => position[a] - position[b]);
    },
  };
}

/** One cycle per loop of stuck vertices, named by its formula cells. */
function findCycles(stuck: number[], start: Int32Array, readers: Int32Array, isFormula: (v: number) => boolean): number[][] {
  // Drop what only reads a cycle (no stuck reader left, repeatedly): every vertex left then has a
  // reader left, so a walk along readers closes a loop.
  const live = new Set(stuck);
  const out = new Map<number, number>();
  const writers = new Map<number, number[]>();
  for (const v of live) {
    let n = 0;
    for (let e = start[v]; e < start[v + 1]; e++) {
      const r = readers[e];
      if (!live.has(r)) continue;
      n++;
      let w = writers.get(r);
      if (!w) writers.set(r, (w = []));
      w.push(v);
    }
    out.set(v, n);
  }
  const sinks = [...live].filter((v) => out.get(v) === 0);
  while (sinks.length) {
    const v = sinks.pop()!;
    live.delete(v);
    for (const w of writers.get(v) ?? []) {
      const n = out.get(w)! - 1;
      out.set(w, n);
      if (n === 0 && live.has(w)) sinks.push(w);
    }
  }
  const cycles: number[][] = [];
  const done = new Set<number>();
  for (const first of live) {
    if (done.has(first)) continue;
    const path: number[] = [];
    const at = new Map<number, number>();
    let v: number | undefined = first;
    while (v !== undefined && !at.has(v) && !done.has(v)) {
      at.set(v, path.length);
      path.push(v);
      let next: number | undefined;
      for (let e = start[v]; e < start[v + 1] && next === undefined; e++) if (live.has(readers[e])) next = readers[e];
      v = next;
    }
    for (const p of path) done.add(p);
    if (v !== undefined && at.has(v)) {
      const loop = path.slice(at.get(v)!).filter(isFormula);
      if (loop.length) cycles.push(loop);
    }
  }
  return cycles;
}

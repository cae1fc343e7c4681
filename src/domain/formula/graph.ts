// Which formula depends on which, through the tree: a reference to an item's figure depends on
// every line below it (an item's plan is the sum of its lines' plans), so a line whose formula
// reads its own item's total is a cycle. The graph has a node per formula cell and one per item
// and line field (the item's sum of that field); it gives the order to compute formulas in, by
// levels (the formulas of one level read no formula of the same level or a later one, so a level
// is one batch for the roll-up), the cycles with the cells they pass through, and the formulas a
// change of some cells makes stale. Linear in formulas, references and items; no recursion.

import type { ItemRefField, LineRefField, Ref } from './parse';

/** A formula's place: a line's field. */
export interface FormulaCell {
  line: string;
  field: LineRefField;
  refs: readonly Ref[];
}

/** The tree as the graph needs it. */
export interface FormulaTree {
  /** Every item, parents before children or in any order. */
  items: readonly string[];
  itemParent(id: string): string | null;
  /** The item of a line; null when the line is gone. */
  lineItem(id: string): string | null;
}

/** Which of a line's typed fields an item's figure sums or projects from. */
export const ITEM_FIELD_INPUTS: Record<ItemRefField, readonly LineRefField[]> = {
  plan: ['plan'], central: ['plan'], local: ['plan'], other: ['plan'], investment: ['plan'], recurrent: ['plan'], requiredLocal: ['plan'],
  disbursed: ['disbursed'],
  projected: ['plan', 'disbursed', 'expectedRate'], unspent: ['plan', 'disbursed', 'expectedRate'],
  carryOver: ['plan', 'disbursed', 'expectedRate'], lapse: ['plan', 'disbursed', 'expectedRate'],
};

/** The key of a line's field in the graph ("line id:field"). */
export const cellKey = (line: string, field: LineRefField): string => `${line}:${field}`;
const TOTAL = '\u0000total';
const sumKey = (item: string, field: LineRefField): string => `\u0001${item}:${field}`;

export interface FormulaPlan {
  /** Formula cells (cellKey) in an order where each comes after everything it reads. */
  order: string[];
  /** The level of each cell in `order`: 0 reads no formula; otherwise one more than the deepest formula it reads. */
  levels: number[];
  /** Cycles found, each as the formula cells it passes through; those cells and what reads them are not in `order`. */
  cycles: string[][];
  /** Cells that read a cycle (or are in one): they show #CYCLE!. */
  inCycle: Set<string>;
  /** The formula cells to recompute after the given cells changed, in order. */
  staleAfter(changed: Iterable<{ line: string; field: LineRefField }>): string[];
}

/** Lays out the formulas of a workbook (see the module comment). */
export function planFormulas(cells: readonly FormulaCell[], tree: FormulaTree): FormulaPlan {
  // Edges point from what is read to what reads it.
  const readers = new Map<string, string[]>();
  const indegree = new Map<string, number>();
  const formulaKeys = new Set<string>();
  const edge = (from: string, to: string) => {
    let list = readers.get(from);
    if (!list) readers.set(from, (list = []));
    list.push(to);
    indegree.set(to, (indegree.get(to) ?? 0) + 1);
    if (!indegree.has(from)) indegree.set(from, 0);
  };
  const node = (k: string) => {
    if (!indegree.has(k)) indegree.set(k, 0);
  };
  const parentSum = (item: string, field: LineRefField) => {
    const p = tree.itemParent(item);
    return p === null ? sumKey(TOTAL, field) : sumKey(p, field);
  };
  for (const item of tree.items) for (const f of ['plan', 'disbursed', 'expectedRate'] as const) edge(sumKey(item, f), parentSum(item, f));
  for (const c of cells) {
    const key = cellKey(c.line, c.field);
    formulaKeys.add(key);
    node(key);
    const item = tree.lineItem(c.line);
    if (item !== null) edge(key, sumKey(item, c.field));
    for (const r of c.refs) {
      if (r.kind === 'line') edge(cellKey(r.id, r.field), key);
      else if (r.kind === 'self') edge(cellKey(c.line, r.field), key);
      else for (const f of ITEM_FIELD_INPUTS[r.field]) edge(sumKey(r.kind === 'total' ? TOTAL : r.id, f), key);
    }
  }
  // A cell that is read but has no formula is typed: it reaches its item's sums too.
  for (const k of [...indegree.keys()]) {
    if (k.startsWith('\u0001') || formulaKeys.has(k)) continue;
    const colon = k.lastIndexOf(':');
    const item = tree.lineItem(k.slice(0, colon));
    if (item !== null) edge(k, sumKey(item, k.slice(colon + 1) as LineRefField));
  }

  // Kahn's algorithm; a node's level is the deepest formula above it.
  const level = new Map<string, number>();
  const queue: string[] = [];
  for (const [k, d] of indegree) if (d === 0) queue.push(k);
  const order: string[] = [];
  const levels: number[] = [];
  const left = new Map(indegree);
  for (let q = 0; q < queue.length; q++) {
    const k = queue[q];
    const isFormula = formulaKeys.has(k);
    const own = level.get(k) ?? -1;
    if (isFormula) {
      order.push(k);
      levels.push(own + 1);
    }
    const out = isFormula ? own + 1 : own;
    for (const r of readers.get(k) ?? []) {
      if ((level.get(r) ?? -1) < out) level.set(r, out);
      const d = left.get(r)! - 1;
      left.set(r, d);
      if (d === 0) queue.push(r);
    }
  }
  // What is left sits on a cycle or reads one.
  const stuck = new Set<string>();
  for (const [k, d] of left) if (d > 0) stuck.add(k);
  const inCycle = new Set([...stuck].filter((k) => formulaKeys.has(k)));
  const cycles = findCycles(stuck, readers, formulaKeys);

  const position = new Map<string, number>();
  order.forEach((k, i) => position.set(k, i));
  return {
    order,
    levels,
    cycles,
    inCycle,
    staleAfter(changed) {
      const seen = new Set<string>();
      const stack: string[] = [];
      for (const c of changed) {
        const k = cellKey(c.line, c.field);
        stack.push(k);
        // A typed cell nobody reads directly still moves its item's sums.
        const item = tree.lineItem(c.line);
        if (item !== null) stack.push(sumKey(item, c.field));
      }
      const out: string[] = [];
      while (stack.length) {
        const k = stack.pop()!;
        for (const r of readers.get(k) ?? []) {
          if (seen.has(r)) continue;
          seen.add(r);
          if (formulaKeys.has(r)) out.push(r);
          stack.push(r);
        }
      }
      return out.filter((k) => position.has(k)).sort((a, b) => position.get(a)! - position.get(b)!);
    },
  };
}

/** One cycle per strongly tied group of stuck nodes, named by its formula cells. */
function findCycles(stuck: Set<string>, readers: Map<string, string[]>, formulaKeys: Set<string>): string[][] {
  // Drop what only reads a cycle (no stuck reader left, repeatedly): every node left then has a
  // reader left, so a walk along readers closes a loop.
  const live = new Set(stuck);
  const out = new Map<string, number>();
  for (const k of live) out.set(k, (readers.get(k) ?? []).filter((r) => live.has(r)).length);
  const writers = new Map<string, string[]>();
  for (const k of live) for (const r of readers.get(k) ?? []) if (live.has(r)) (writers.get(r) ?? writers.set(r, []).get(r)!).push(k);
  const sinks = [...live].filter((k) => out.get(k) === 0);
  while (sinks.length) {
    const k = sinks.pop()!;
    live.delete(k);
    for (const w of writers.get(k) ?? []) {
      const n = out.get(w)! - 1;
      out.set(w, n);
      if (n === 0 && live.has(w)) sinks.push(w);
    }
  }
  const cycles: string[][] = [];
  const done = new Set<string>();
  for (const start of live) {
    if (done.has(start)) continue;
    // Walk stuck readers until a node repeats: the loop from its first visit is a cycle.
    const path: string[] = [];
    const at = new Map<string, number>();
    let k: string | undefined = start;
    while (k !== undefined && !at.has(k) && !done.has(k)) {
      at.set(k, path.length);
      path.push(k);
      k = (readers.get(k) ?? []).find((r) => live.has(r));
    }
    for (const p of path) done.add(p);
    if (k !== undefined && at.has(k)) {
      const loop = path.slice(at.get(k)!).filter((p) => formulaKeys.has(p));
      if (loop.length) cycles.push(loop);
    }
  }
  return cycles;
}

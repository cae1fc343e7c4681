// The grid's row model: which node, line or total each visible row shows, given the tree, the lines
// (sorted by node, then order) and the collapsed nodes. Encoded in an Int32Array for large plans:
// r ≥ 0 is line r, r = -1 is the program total, r ≤ -2 is node (-r - 2).

import type { OrderedTree } from '../domain/tree';

export const TOTAL_ROW = -1;
export const nodeRow = (nodeIndex: number): number => -nodeIndex - 2;
export const rowNode = (code: number): number => -code - 2;

/** Index of the first line of each node, and one past its last (lines sorted by node index). */
export function lineRanges(nodeCount: number, lineNode: Int32Array): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(nodeCount).fill(-1);
  const end = new Int32Array(nodeCount).fill(-1);
  for (let i = 0; i < lineNode.length; i++) {
    const k = lineNode[i];
    if (k < 0) continue;
    if (start[k] < 0) start[k] = i;
    end[k] = i + 1;
  }
  return { start, end };
}

/**
 * A sort and a filter of the grid that keep the tree: lines are kept or not, and ordered within
 * their item; sibling items are ordered among themselves. An item shows while a line under it is
 * kept, so each line's path stays in view.
 */
export interface RowView {
  /** Called before each build: the moment to read the values the functions below compare. */
  prepare?: (() => void) | null;
  /** Re-reads the values keepLine tests, without the sort's work (to count what a filter keeps now). */
  refresh?: (() => void) | null;
  keepLine?: ((line: number) => boolean) | null;
  lineOrder?: ((a: number, b: number) => number) | null;
  nodeOrder?: ((a: number, b: number) => number) | null;
}

/** Visible rows: each node then its lines then its children, skipping what collapsed nodes hide. */
export function buildRows(tree: OrderedTree, lineNode: Int32Array, collapsed: ReadonlySet<string>, view?: RowView | null): Int32Array {
  if (view && (view.keepLine || view.lineOrder || view.nodeOrder)) return buildViewRows(tree, lineNode, collapsed, view);
  return buildPlainRows(tree, lineNode, collapsed);
}

function buildPlainRows(tree: OrderedTree, lineNode: Int32Array, collapsed: ReadonlySet<string>): Int32Array {
  const n = tree.nodes.length;
  const { start, end } = lineRanges(n, lineNode);
  const out = new Int32Array(n + lineNode.length + 1);
  let len = 0;
  let hideDeeperThan = Infinity;
  for (let k = 0; k < n; k++) {
    const d = tree.depth[k];
    if (d > hideDeeperThan) continue;
    hideDeeperThan = Infinity;
    out[len++] = nodeRow(k);
    if (collapsed.has(tree.nodes[k].id)) {
      hideDeeperThan = d;
      continue;
    }
    if (start[k] >= 0) for (let i = start[k]; i < end[k]; i++) out[len++] = i;
  }
  out[len++] = TOTAL_ROW;
  return out.slice(0, len);
}

/** buildRows under a sort or a filter: the tree walked with ordered children, items without kept lines left out. */
function buildViewRows(tree: OrderedTree, lineNode: Int32Array, collapsed: ReadonlySet<string>, view: RowView): Int32Array {
  view.prepare?.();
  const n = tree.nodes.length;
  const { start, end } = lineRanges(n, lineNode);
  // Kept lines per item, counted up the tree (a parent's index is always smaller than its child's).
  const kept = new Int32Array(n);
  const keep = view.keepLine;
  for (let i = 0; i < lineNode.length; i++) if (lineNode[i] >= 0 && (!keep || keep(i))) kept[lineNode[i]]++;
  for (let k = n - 1; k >= 0; k--) if (tree.parentIndex[k] >= 0) kept[tree.parentIndex[k]] += kept[k];
  const children: number[][] = Array.from({ length: n }, () => []);
  const roots: number[] = [];
  for (let k = 0; k < n; k++) (tree.parentIndex[k] >= 0 ? children[tree.parentIndex[k]] : roots).push(k);
  if (view.nodeOrder) {
    roots.sort(view.nodeOrder);
    for (const list of children) if (list.length > 1) list.sort(view.nodeOrder);
  }
  const out = new Int32Array(n + lineNode.length + 1);
  let len = 0;
  // Depth first without recursion (a tree may be as deep as a file made it).
  const stack = [...roots].reverse();
  while (stack.length) {
    const k = stack.pop()!;
    if (keep && kept[k] === 0) continue;
    out[len++] = nodeRow(k);
    if (collapsed.has(tree.nodes[k].id)) continue;
    if (start[k] >= 0) {
      const lines: number[] = [];
      for (let i = start[k]; i < end[k]; i++) if (!keep || keep(i)) lines.push(i);
      if (view.lineOrder) lines.sort(view.lineOrder);
      for (const i of lines) out[len++] = i;
    }
    for (let c = children[k].length - 1; c >= 0; c--) stack.push(children[k][c]);
  }
  out[len++] = TOTAL_ROW;
  return out.slice(0, len);
}

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

/** Visible rows: each node then its lines then its children, skipping what collapsed nodes hide. */
export function buildRows(tree: OrderedTree, lineNode: Int32Array, collapsed: ReadonlySet<string>): Int32Array {
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

// The budget-line tree: the program's default projects and sub-projects, and pure operations that
// order, query and edit a tree of nodes. Editing functions return new arrays; inputs are not mutated.

import type { Id, TreeNode } from './model';
import { newId } from './ids';

interface TreeTemplate {
  code: string;
  name: string;
  children?: TreeTemplate[];
}

/** The 2021–2025 sustainable poverty reduction program: 7 projects, 13 leaves (DOMAIN.md). */
export const POVERTY_PROGRAM_TREE: readonly TreeTemplate[] = [
  {
    code: 'DA1',
    name: 'Hỗ trợ đầu tư phát triển hạ tầng kinh tế - xã hội các huyện nghèo, các xã đặc biệt khó khăn vùng bãi ngang, ven biển và hải đảo',
    children: [
      { code: 'DA1.TDA1', name: 'Hỗ trợ đầu tư phát triển hạ tầng kinh tế - xã hội tại các huyện nghèo' },
      { code: 'DA1.TDA2', name: 'Hỗ trợ đầu tư phát triển hạ tầng kinh tế - xã hội các xã đặc biệt khó khăn vùng bãi ngang, ven biển và hải đảo' },
    ],
  },
  { code: 'DA2', name: 'Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo' },
  {
    code: 'DA3',
    name: 'Hỗ trợ phát triển sản xuất, cải thiện dinh dưỡng',
    children: [
      { code: 'DA3.TDA1', name: 'Hỗ trợ phát triển sản xuất trong lĩnh vực nông nghiệp' },
      { code: 'DA3.TDA2', name: 'Cải thiện dinh dưỡng' },
    ],
  },
  {
    code: 'DA4',
    name: 'Phát triển giáo dục nghề nghiệp, việc làm bền vững',
    children: [
      { code: 'DA4.TDA1', name: 'Phát triển giáo dục nghề nghiệp vùng nghèo, vùng khó khăn' },
      { code: 'DA4.TDA2', name: 'Hỗ trợ người lao động đi làm việc ở nước ngoài theo hợp đồng' },
      { code: 'DA4.TDA3', name: 'Hỗ trợ việc làm bền vững' },
    ],
  },
  { code: 'DA5', name: 'Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo trên địa bàn các huyện nghèo' },
  {
    code: 'DA6',
    name: 'Truyền thông và giảm nghèo về thông tin',
    children: [
      { code: 'DA6.TDA1', name: 'Giảm nghèo về thông tin' },
      { code: 'DA6.TDA2', name: 'Truyền thông về giảm nghèo đa chiều' },
    ],
  },
  {
    code: 'DA7',
    name: 'Nâng cao năng lực và giám sát, đánh giá Chương trình',
    children: [
      { code: 'DA7.TDA1', name: 'Nâng cao năng lực thực hiện Chương trình' },
      { code: 'DA7.TDA2', name: 'Giám sát, đánh giá' },
    ],
  },
];

/** Fresh nodes (new ids) for a workbook from a template tree; sibling order follows the template. */
export function instantiateTree(workbookId: Id, template: readonly TreeTemplate[] = POVERTY_PROGRAM_TREE): TreeNode[] {
  const out: TreeNode[] = [];
  const walk = (items: readonly TreeTemplate[], parentId: Id | null) => {
    items.forEach((t, i) => {
      const node: TreeNode = { id: newId(), workbookId, parentId, code: t.code, name: t.name, order: i };
      out.push(node);
      if (t.children) walk(t.children, node.id);
    });
  };
  walk(template, null);
  return out;
}

/** A tree in pre-order: every parent comes before its children, siblings by `order` then code. */
export interface OrderedTree {
  nodes: TreeNode[];
  /** Index in `nodes` of each node's parent, -1 for roots. Always smaller than the child's index. */
  parentIndex: Int32Array;
  depth: Int32Array;
  indexOf: Map<Id, number>;
  hasChildren: Uint8Array;
}

/** Orders nodes depth-first; nodes whose parent is missing (or that sit in a cycle) become roots. */
export function orderTree(nodes: readonly TreeNode[]): OrderedTree {
  const byParent = new Map<Id | null, TreeNode[]>();
  const ids = new Set(nodes.map((n) => n.id));
  for (const n of nodes) {
    const key = n.parentId !== null && ids.has(n.parentId) && n.parentId !== n.id ? n.parentId : null;
    let list = byParent.get(key);
    if (!list) byParent.set(key, (list = []));
    list.push(n);
  }
  for (const list of byParent.values()) list.sort(compareSiblings);
  const ordered: TreeNode[] = [];
  const depthList: number[] = [];
  const parentList: number[] = [];
  const seen = new Set<Id>();
  // Depth first without recursion: a tree from a file may be as deep as the file says.
  const visit = (root: TreeNode, rootDepth: number, rootParent: number) => {
    const stack: [TreeNode, number, number][] = [[root, rootDepth, rootParent]];
    while (stack.length) {
      const [n, depth, parent] = stack.pop()!;
      if (seen.has(n.id)) continue;
      seen.add(n.id);
      const idx = ordered.length;
      ordered.push(n);
      depthList.push(depth);
      parentList.push(parent);
      const kids = byParent.get(n.id) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], depth + 1, idx]);
    }
  };
  for (const r of byParent.get(null) ?? []) visit(r, 0, -1);
  // Nodes caught in a parent cycle are never reached from a root: show them as roots, never drop them.
  for (const n of [...nodes].sort(compareSiblings)) if (!seen.has(n.id)) visit(n, 0, -1);
  const indexOf = new Map(ordered.map((n, i) => [n.id, i]));
  const hasChildren = new Uint8Array(ordered.length);
  for (const p of parentList) if (p >= 0) hasChildren[p] = 1;
  return {
    nodes: ordered,
    parentIndex: Int32Array.from(parentList),
    depth: Int32Array.from(depthList),
    indexOf,
    hasChildren,
  };
}

function compareSiblings(a: TreeNode, b: TreeNode): number {
  return a.order - b.order || a.code.localeCompare(b.code, 'vi') || a.id.localeCompare(b.id);
}

/** Ids of a node and all its descendants. */
export function subtreeIds(nodes: readonly TreeNode[], rootId: Id): Set<Id> {
  const out = new Set<Id>([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const n of nodes) {
      if (n.parentId !== null && out.has(n.parentId) && !out.has(n.id)) {
        out.add(n.id);
        grew = true;
      }
    }
  }
  return out;
}

/** Siblings of a node (same parent), in display order, the node included. */
export function siblingsOf(nodes: readonly TreeNode[], node: TreeNode): TreeNode[] {
  return nodes.filter((n) => n.parentId === node.parentId).sort(compareSiblings);
}

/** A sort key placing a new sibling right after `after` (or last when null). */
export function orderAfter(siblings: readonly { order: number }[], after: { order: number } | null): number {
  if (siblings.length === 0) return 0;
  if (after === null) return Math.max(...siblings.map((s) => s.order)) + 1;
  const next = siblings.filter((s) => s.order > after.order).map((s) => s.order);
  return next.length ? (after.order + Math.min(...next)) / 2 : after.order + 1;
}

/**
 * Moving a node one place up or down among its siblings: the nodes whose order changes, with their
 * new order (empty when the node is already first or last).
 */
export function moveAmongSiblings(nodes: readonly TreeNode[], id: Id, delta: -1 | 1): TreeNode[] {
  const node = nodes.find((n) => n.id === id);
  if (!node) return [];
  const sibs = siblingsOf(nodes, node);
  const i = sibs.findIndex((s) => s.id === id);
  const j = i + delta;
  if (j < 0 || j >= sibs.length) return [];
  // Renumber the siblings 0..n-1 with the two swapped, so equal or fractional keys cannot stick.
  const reordered = [...sibs];
  [reordered[i], reordered[j]] = [reordered[j], reordered[i]];
  return reordered.flatMap((s, k) => (s.order === k ? [] : [{ ...s, order: k }]));
}

/** How deep a plan's tree may go: the program has three levels; files with work items under communes a few more. */
export const MAX_TREE_DEPTH = 32;

/**
 * The first problem of a set of parent links, without recursion: an item that is its own parent,
 * one caught in a cycle, or one deeper than `max` levels. Null when the tree is sound.
 */
export function treeFault(records: readonly { id: string; parentId: string | null }[], max = MAX_TREE_DEPTH): { kind: 'self' | 'cycle' | 'deep'; id: string } | null {
  const parent = new Map(records.map((r) => [r.id, r.parentId]));
  const depth = new Map<string, number>();
  for (const r of records) {
    if (r.parentId === r.id) return { kind: 'self', id: r.id };
    // Walk up until a node of known depth (or a root), then give depths on the way back down.
    const path: string[] = [];
    const onPath = new Set<string>();
    let at: string | null = r.id;
    while (at !== null && !depth.has(at)) {
      if (onPath.has(at)) return { kind: 'cycle', id: at };
      onPath.add(at);
      path.push(at);
      if (path.length > max + 1) return { kind: 'deep', id: r.id };
      const up: string | null | undefined = parent.get(at);
      at = up === undefined ? null : up;
    }
    let d = at === null ? -1 : depth.get(at)!;
    for (let i = path.length - 1; i >= 0; i--) {
      d++;
      if (d >= max) return { kind: 'deep', id: r.id };
      depth.set(path[i], d);
    }
  }
  return null;
}

import { describe, expect, it } from 'vitest';
import { instantiateTree, orderTree, moveAmongSiblings, subtreeIds, orderAfter, POVERTY_PROGRAM_TREE } from '../../src/domain/tree';
import type { TreeNode } from '../../src/domain/model';

describe('the default program tree', () => {
  it('has the 7 projects and 13 leaves of the 2021–2025 program', () => {
    const nodes = instantiateTree('wb');
    const roots = nodes.filter((n) => n.parentId === null);
    const leaves = nodes.filter((n) => !nodes.some((c) => c.parentId === n.id));
    expect(roots.map((r) => r.code)).toEqual(['DA1', 'DA2', 'DA3', 'DA4', 'DA5', 'DA6', 'DA7']);
    expect(leaves).toHaveLength(13);
    expect(leaves.map((l) => l.code)).toContain('DA3.TDA2');
    expect(POVERTY_PROGRAM_TREE).toHaveLength(7);
  });

  it('orders depth-first with parents before children', () => {
    const tree = orderTree(instantiateTree('wb').reverse());
    expect(tree.nodes.slice(0, 4).map((n) => n.code)).toEqual(['DA1', 'DA1.TDA1', 'DA1.TDA2', 'DA2']);
    for (let i = 0; i < tree.nodes.length; i++) expect(tree.parentIndex[i]).toBeLessThan(i);
    expect(tree.depth[tree.indexOf.get(tree.nodes.find((n) => n.code === 'DA4.TDA3')!.id)!]).toBe(1);
  });
});

describe('tree edits', () => {
  const mk = (id: string, parentId: string | null, order: number): TreeNode => ({ id, workbookId: 'w', parentId, code: id, name: id, order });

  it('moving a node swaps it with its neighbour and renumbers siblings', () => {
    const nodes = [mk('a', null, 0), mk('b', null, 1), mk('c', null, 2)];
    const moved = moveAmongSiblings(nodes, 'c', -1);
    const after = nodes.map((n) => moved.find((m) => m.id === n.id) ?? n);
    expect(orderTree(after).nodes.map((n) => n.id)).toEqual(['a', 'c', 'b']);
    expect(moveAmongSiblings(nodes, 'a', -1)).toEqual([]);
  });

  it('a node in a parent cycle is still shown, never dropped', () => {
    const nodes = [mk('a', 'b', 0), mk('b', 'a', 1), mk('r', null, 0)];
    expect(orderTree(nodes).nodes).toHaveLength(3);
  });

  it('subtree ids include all descendants', () => {
    const nodes = [mk('a', null, 0), mk('b', 'a', 0), mk('c', 'b', 0), mk('d', null, 1)];
    expect([...subtreeIds(nodes, 'a')].sort()).toEqual(['a', 'b', 'c']);
  });

  it('orderAfter places a new sibling between neighbours or last', () => {
    const sibs = [{ order: 0 }, { order: 1 }];
    expect(orderAfter(sibs, sibs[0])).toBe(0.5);
    expect(orderAfter(sibs, null)).toBe(2);
    expect(orderAfter([], null)).toBe(0);
  });
});

// The grid's view state: collapsing and expanding items changes the rows shown, opening a row's
// ancestors shows it, and every focus request is new.
import { describe, expect, it } from 'vitest';
import { GridView } from '../../src/state/grid-view.svelte';
import { orderTree } from '../../src/domain/tree';
import { nodeRow, TOTAL_ROW } from '../../src/state/rows';
import type { TreeNode } from '../../src/domain/model';

const node = (id: string, parentId: string | null, order: number): TreeNode => ({ id, workbookId: 'w', parentId, code: id, name: id, order });

function view() {
  // A ⊃ B; two lines under B, one under A.
  const tree = orderTree([node('A', null, 0), node('B', 'A', 0)]);
  const lineNode = Int32Array.from([tree.indexOf.get('A')!, tree.indexOf.get('B')!, tree.indexOf.get('B')!]);
  let rebuilt = 0;
  const v = new GridView(
    () => ({ tree, lineNode }),
    () => rebuilt++,
  );
  v.rebuild();
  return { v, tree, rebuilt: () => rebuilt };
}

describe('GridView', () => {
  it('hides what a collapsed item holds, and shows it again when expanded', () => {
    const { v, tree } = view();
    const all = [...v.rows];
    expect(all).toContain(TOTAL_ROW);
    expect(all.filter((r) => r >= 0)).toHaveLength(3);
    v.toggleCollapsed('A');
    expect([...v.rows].filter((r) => r >= 0)).toHaveLength(0);
    expect([...v.rows]).toContain(nodeRow(tree.indexOf.get('A')!));
    expect([...v.rows]).not.toContain(nodeRow(tree.indexOf.get('B')!));
    v.toggleCollapsed('A');
    expect([...v.rows]).toEqual(all);
  });

  it('collapses every item holding lines or items, and opens a row’s ancestors', () => {
    const { v } = view();
    v.setAllCollapsed(true);
    expect([...v.collapsed].sort()).toEqual(['A', 'B']);
    v.expand(['B', 'A']);
    expect(v.collapsed.size).toBe(0);
    expect([...v.rows].filter((r) => r >= 0)).toHaveLength(3);
  });

  it('rebuilds only when something changed', () => {
    const { v, rebuilt } = view();
    const before = rebuilt();
    v.toggleCollapsed('A', false);
    v.expand(['A', 'B']);
    expect(rebuilt()).toBe(before);
    v.toggleCollapsed('A', true);
    expect(rebuilt()).toBe(before + 1);
  });

  it('makes every focus request new, even for the same cell', () => {
    const { v } = view();
    const cell = { target: { kind: 'line' as const, id: 'x' }, field: 'plan' as const };
    v.requestFocus(cell);
    const first = v.focusRequest!;
    v.requestFocus(cell, true);
    expect(v.focusRequest!.seq).toBeGreaterThan(first.seq);
    expect(v.focusRequest).toMatchObject({ ...cell, keepFocus: true });
  });
});

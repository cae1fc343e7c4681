// What the grid shows of the plan, apart from the plan itself: which rows are visible (items
// collapsed, the sort and filter), and the cell it should select next. The rows are rebuilt from
// the tree and the line → item index the session hands over; this holds no lines of its own.

import type { Id } from '../domain/model';
import type { AnyField } from '../domain/edit';
import type { OrderedTree } from '../domain/tree';
import { buildRows, type RowView } from './rows';

/** What a grid row shows: a line, a tree node, or the program total. */
export type RowTarget = { kind: 'line'; id: Id } | { kind: 'node'; id: Id } | { kind: 'total' };

/** A cell of the grid: a row's target and a field. */
export interface CellFocus {
  target: RowTarget;
  field: AnyField;
}

/** A cell the grid should select; `seq` changes with every request, `keepFocus` leaves the keyboard where it is. */
export interface FocusRequest extends CellFocus {
  seq: number;
  keepFocus?: boolean;
}

/** The plan's shape as the rows are built from it: the ordered tree and each line's item index. */
export interface PlanShape {
  tree: OrderedTree;
  lineNode: Int32Array;
}

export class GridView {
  /** Visible rows (see rows.ts). */
  rows = $state.raw<Int32Array>(new Int32Array(0));
  collapsed = $state.raw<Set<Id>>(new Set());
  /** The sort and filter the grid shows the plan under (null: the plan's own order, every line). */
  rowView = $state.raw<RowView | null>(null);
  /** A cell the grid should select (after undo, redo, or adding a row). */
  focusRequest = $state.raw<FocusRequest | null>(null);
  private focusSeq = 0;

  /** `shape` reads the plan as it is now; `onRows` is told each time the rows are rebuilt. */
  constructor(
    private readonly shape: () => PlanShape,
    private readonly onRows: () => void,
  ) {}

  /** Rebuilds the visible rows from the plan as it is now. */
  rebuild(): void {
    const { tree, lineNode } = this.shape();
    this.rows = buildRows(tree, lineNode, this.collapsed, this.rowView);
    this.onRows();
  }

  /** Shows the plan under a sort and filter (null: its own order, every line). */
  setRowView(view: RowView | null): void {
    this.rowView = view;
    this.rebuild();
  }

  /** Collapses or expands an item (toggles without `collapsed`); rows are rebuilt only when it changes. */
  toggleCollapsed(nodeId: Id, collapsed?: boolean): void {
    const next = new Set(this.collapsed);
    const want = collapsed ?? !next.has(nodeId);
    if (want === next.has(nodeId)) return;
    if (want) next.add(nodeId);
    else next.delete(nodeId);
    this.collapsed = next;
    this.rebuild();
  }

  /** Collapses every item that holds sub-items or lines, or expands every item. */
  setAllCollapsed(collapsed: boolean): void {
    const { tree, lineNode } = this.shape();
    const holdsLines = new Set(lineNode);
    this.collapsed = collapsed ? new Set(tree.nodes.filter((_, k) => tree.hasChildren[k] || holdsLines.has(k)).map((n) => n.id)) : new Set();
    this.rebuild();
  }

  /** Expands the given items (a row's ancestors), rebuilding the rows only if one was collapsed. */
  expand(ids: Iterable<Id>): void {
    const next = new Set(this.collapsed);
    for (const id of ids) next.delete(id);
    if (next.size === this.collapsed.size) return;
    this.collapsed = next;
    this.rebuild();
  }

  /** Asks the grid to select a cell; each request is new, even for the same cell. */
  requestFocus(focus: CellFocus, keepFocus?: boolean): void {
    this.focusRequest = { target: focus.target, field: focus.field, seq: ++this.focusSeq, keepFocus };
  }
}

// One open workbook: its tree, lines and roll-up, every edit as an undoable change that is saved at
// once (only the touched chunks) and sent to the recalculation worker. Glue between ui, db and engine.

import type { AllocationRuleRecord, CounterpartRatio, CriterionKind, Id, Line, LineField, Place, Problem, Result, TreeNode, Workbook, WorkbookData } from '../domain/model';
import { blankPlace, criteriaOf, criterionKey, readCriterionInput, setPlaceField } from '../domain/places';
import { orderTree, subtreeIds, siblingsOf, orderAfter, moveAmongSiblings, type OrderedTree } from '../domain/tree';
import { buildColumns, columnValue, counterpartColumn, type ColumnEdit, type ColumnField, type Rollup } from '../domain/rollup';
import {
  blankLine,
  invertChange,
  isEmptyChange,
  LINE_FIELDS,
  NODE_FIELDS,
  readFieldInput,
  setLineField,
  setNodeField,
  setWorkbookStatedPlan,
  type AnyField,
  type Change,
  type NodeField,
  type RecordChange,
  type ReadContext,
} from '../domain/edit';
import { newId } from '../domain/ids';
import { normalizeText } from '../domain/text';
import type { AllocationResult, AllocationRule } from '../domain/allocate';
import { linesForSplit } from '../domain/allocation-plan';
import type { PlanbenchDB } from '../db/database';
import { commitChange } from '../db/workbook-repo';
import { ChunkedLines } from '../db/line-chunks';
import type { LineChunk } from '../db/database';
import { RecalcClient } from '../engine/recalc-client';
import { buildRows, rowNode, TOTAL_ROW } from './rows';

/** What a grid row shows: a line, a tree node, or the program total. */
export type RowTarget = { kind: 'line'; id: Id } | { kind: 'node'; id: Id } | { kind: 'total' };

export interface CellInput {
  target: RowTarget;
  field: AnyField;
  raw: unknown;
}

/** A refused cell: where, what was typed, and why. */
export interface CellProblem {
  target: RowTarget;
  field: AnyField;
  raw: unknown;
  problem: Problem;
}

export type SaveStatus = 'saved' | 'saving' | 'error';

/** A typed or pasted value for the places sheet: a place's code, name or a criterion value. */
export interface PlaceInput {
  placeId: Id;
  field: string;
  raw: unknown;
}
export interface PlaceProblem extends PlaceInput {
  problem: Problem;
}

const COLUMN_OF: Partial<Record<LineField, ColumnField>> = {
  plan: 'plan',
  disbursed: 'disbursed',
  expectedRate: 'expected',
  source: 'source',
  capital: 'capital',
};

export class WorkbookSession {
  workbook = $state.raw<Workbook>(null as unknown as Workbook);
  tree = $state.raw<OrderedTree>(orderTree([]));
  /** Lines in display order: by node (pre-order), then by `order`. */
  lines = $state.raw<Line[]>([]);
  lineNode = $state.raw<Int32Array>(new Int32Array(0));
  rollup = $state.raw<Rollup | null>(null);
  /** Visible rows (see rows.ts). */
  rows = $state.raw<Int32Array>(new Int32Array(0));
  collapsed = $state.raw<Set<Id>>(new Set());
  /** Bumps on every change of data; the grid repaints on it. */
  revision = $state(0);
  /** Places of the places sheet, in display order. */
  places = $state.raw<Place[]>([]);
  /** Saved allocation rules of the workbook. */
  rules = $state.raw<AllocationRuleRecord[]>([]);
  /** Bumps when places or criteria change; the places sheet repaints on it. */
  placesRevision = $state(0);
  /** Bumps when rows are added, removed or reordered; the grid reloads its rows on it. */
  structureRevision = $state(0);
  saveStatus = $state<SaveStatus>('saved');
  saveError = $state<Problem | null>(null);
  canUndo = $state(false);
  canRedo = $state(false);
  /** A cell the grid should select (after undo, redo, or adding a row); `seq` changes each time. */
  focusRequest = $state.raw<{ target: RowTarget; field: AnyField; seq: number } | null>(null);
  private focusSeq = 0;

  private lineIndex = new Map<Id, number>();
  private nodeById = new Map<Id, TreeNode>();
  private chunks: ChunkedLines;
  private undoStack: Change[] = [];
  private redoStack: Change[] = [];
  private saving: Promise<void> = Promise.resolve();
  private pendingSaves = 0;
  private engine: RecalcClient;
  /** Resolves when the first roll-up has arrived. */
  ready: Promise<void>;

  constructor(
    private db: PlanbenchDB,
    data: WorkbookData,
    chunks: ChunkedLines,
    engine?: RecalcClient,
  ) {
    this.workbook = data.workbook;
    this.chunks = chunks;
    this.engine = engine ?? new RecalcClient();
    for (const n of data.nodes) this.nodeById.set(n.id, n);
    this.places = sortPlaces(data.places ?? []);
    this.rules = data.rules ?? [];
    this.rebuildStructure(data.lines);
    this.ready = this.reloadEngine();
  }

  get scenarioId(): Id {
    return this.workbook.baselineScenarioId;
  }

  get recalcMode(): string {
    return this.engine.mode;
  }

  /** Milliseconds the last recalculation took from request to result. */
  get recalcRoundTripMs(): number {
    return this.engine.lastRoundTripMs;
  }

  /** Waits until every edit made so far is in IndexedDB. */
  flush(): Promise<void> {
    return this.saving;
  }

  dispose(): void {
    this.engine.dispose();
  }

  // ---- reading ------------------------------------------------------------------------------

  /** The target shown by a row code (see rows.ts). */
  targetOfRow(code: number): RowTarget {
    if (code === TOTAL_ROW) return { kind: 'total' };
    if (code >= 0) return { kind: 'line', id: this.lines[code].id };
    return { kind: 'node', id: this.tree.nodes[rowNode(code)].id };
  }

  /** Index of the visible row showing a target, or -1 when hidden or absent. */
  rowOfTarget(t: RowTarget): number {
    let code: number;
    if (t.kind === 'total') code = TOTAL_ROW;
    else if (t.kind === 'line') code = this.lineIndex.get(t.id) ?? NaN;
    else {
      const k = this.tree.indexOf.get(t.id);
      code = k === undefined ? NaN : -k - 2;
    }
    return Number.isNaN(code) ? -1 : this.rows.indexOf(code);
  }

  nodeOf(id: Id): TreeNode | undefined {
    return this.nodeById.get(id);
  }

  lineOf(id: Id): Line | undefined {
    const i = this.lineIndex.get(id);
    return i === undefined ? undefined : this.lines[i];
  }

  // ---- editing ------------------------------------------------------------------------------

  /**
   * Reads and applies cell inputs as one undoable step. Unreadable inputs are refused (their cells
   * keep their old values) and returned; everything readable is applied.
   */
  setCells(inputs: CellInput[], ctx: ReadContext): CellProblem[] {
    const problems: CellProblem[] = [];
    const lineAfter = new Map<Id, Line>();
    const nodeAfter = new Map<Id, TreeNode>();
    let wbAfter: Workbook | null = null;
    let focus: { target: RowTarget; field: AnyField } | null = null;
    for (const input of inputs) {
      const allowed = input.target.kind === 'line' ? LINE_FIELDS : input.target.kind === 'node' ? NODE_FIELDS : new Set(['statedPlan']);
      if (!allowed.has(input.field)) throw new Error(`setCells: field ${input.field} does not belong to a ${input.target.kind} row`);
      const r = readFieldInput(input.field, input.raw, ctx);
      if (!r.ok) {
        problems.push({ ...input, problem: r.error });
        continue;
      }
      const t = input.target;
      focus ??= { target: t, field: input.field };
      if (t.kind === 'line') {
        const cur = lineAfter.get(t.id) ?? this.lineOf(t.id);
        if (cur) lineAfter.set(t.id, setLineField(cur, input.field as LineField, r.value));
      } else if (t.kind === 'node') {
        const cur = nodeAfter.get(t.id) ?? this.nodeById.get(t.id);
        if (cur) nodeAfter.set(t.id, setNodeField(cur, input.field as NodeField, r.value));
      } else if (input.field === 'statedPlan') {
        wbAfter = setWorkbookStatedPlan(wbAfter ?? this.workbook, r.value as number | null);
      }
    }
    const change: Change = {
      lines: [...lineAfter.values()].map((after) => ({ before: this.lineOf(after.id)!, after })).filter((c) => c.before !== c.after),
      nodes: [...nodeAfter.values()].map((after) => ({ before: this.nodeById.get(after.id)!, after })).filter((c) => c.before !== c.after),
      workbook: wbAfter && wbAfter !== this.workbook ? { before: this.workbook, after: wbAfter } : undefined,
    };
    if (!isEmptyChange(change)) this.commit(change, focus);
    return problems;
  }

  /**
   * Reads and applies places-sheet inputs as one undoable step; unreadable values are refused
   * (the cell keeps its value) and returned.
   */
  setPlaceCells(inputs: PlaceInput[], locale: ReadContext['locale']): PlaceProblem[] {
    const problems: PlaceProblem[] = [];
    const after = new Map<Id, Place>();
    const criteria = new Map(criteriaOf(this.workbook).map((c) => [c.key, c]));
    for (const input of inputs) {
      const cur = after.get(input.placeId) ?? this.places.find((p) => p.id === input.placeId);
      if (!cur) continue;
      let value: string | number | null;
      if (input.field === 'name' || input.field === 'code') value = normalizeText(String(input.raw ?? ''));
      else {
        const def = criteria.get(input.field);
        if (!def) throw new Error(`setPlaceCells: unknown criterion ${input.field}`);
        const r = readCriterionInput(def.kind, input.raw, locale);
        if (!r.ok) {
          problems.push({ ...input, problem: r.error });
          continue;
        }
        value = r.value;
      }
      after.set(cur.id, setPlaceField(cur, input.field, value));
    }
    const places = [...after.values()]
      .map((a) => ({ before: this.places.find((p) => p.id === a.id)!, after: a }))
      .filter((c) => c.before !== c.after);
    if (places.length) this.commit({ places }, null);
    return problems;
  }

  /** Splits an envelope in the worker for a preview; null when a newer preview superseded it. */
  previewAllocation(rule: AllocationRule): Promise<Result<AllocationResult> | null> {
    return this.engine.allocate(rule);
  }

  /**
   * Writes a split into the plan and saves its rule, as ONE undoable step: a line per recipient
   * with money (and per reserve) under the rule's budget line; earlier lines of the rule updated.
   */
  applyAllocation(rec: AllocationRuleRecord, result: AllocationResult): number {
    const before = this.rules.find((r) => r.id === rec.id) ?? null;
    const lines = linesForSplit(rec, result, this.lines, this.places, newId);
    this.commit({ lines, rules: [{ before, after: { ...rec, updatedAt: Date.now() } }] }, null);
    return lines.length;
  }

  /** Deletes a saved rule (undoable); the plan lines it wrote stay as they are. */
  deleteRule(id: Id): void {
    const before = this.rules.find((r) => r.id === id);
    if (before) this.commit({ rules: [{ before, after: null }] }, null);
  }

  /** Adds an empty place at the end of the sheet; returns its id. */
  addPlace(): Id {
    const order = this.places.length ? Math.max(...this.places.map((p) => p.order)) + 1 : 0;
    const place = blankPlace(newId(), this.workbook.id, order);
    this.commit({ places: [{ before: null, after: place }] }, null);
    return place.id;
  }

  deletePlaces(ids: Id[]): void {
    const gone = this.places.filter((p) => ids.includes(p.id));
    if (gone.length) this.commit({ places: gone.map((p) => ({ before: p, after: null })) }, null);
  }

  /** Adds a criterion column to the places sheet (undoable); returns its key. */
  addCriterion(label: string, kind: CriterionKind): string {
    const criteria = criteriaOf(this.workbook);
    const key = criterionKey(label, criteria);
    this.commit({ workbook: { before: this.workbook, after: { ...this.workbook, criteria: [...criteria, { key, label: label.trim(), kind }] } } }, null);
    return key;
  }

  /** Adds an empty line under a node (after `afterLineId` when given); returns its id. */
  insertLine(nodeId: Id, afterLineId?: Id): Id {
    const siblings = this.lines.filter((l) => l.nodeId === nodeId);
    const after = afterLineId ? (siblings.find((l) => l.id === afterLineId) ?? null) : null;
    const line = blankLine(newId(), nodeId, orderAfter(siblings, after), this.workbook.year);
    this.commit({ lines: [{ before: null, after: line }] }, { target: { kind: 'line', id: line.id }, field: 'label' }, true);
    return line.id;
  }

  /** Deletes lines, as one undoable step. */
  deleteLines(ids: Id[]): void {
    const lines = ids.map((id) => this.lineOf(id)).filter((l): l is Line => !!l);
    if (!lines.length) return;
    this.commit({ lines: lines.map((l) => ({ before: l, after: null })) }, { target: { kind: 'line', id: lines[0].id }, field: 'label' });
  }

  /** Adds a tree node as the last child of `parentId` (null: a new project); returns its id. */
  addNode(parentId: Id | null, code: string, name: string): Id {
    const siblings = [...this.nodeById.values()].filter((n) => n.parentId === parentId);
    const node: TreeNode = { id: newId(), workbookId: this.workbook.id, parentId, code, name, order: orderAfter(siblings, null) };
    this.commit({ nodes: [{ before: null, after: node }] }, { target: { kind: 'node', id: node.id }, field: 'code' }, true);
    return node.id;
  }

  /** Deletes a node with its descendants and all their lines, as one undoable step. */
  deleteNode(id: Id): void {
    const ids = subtreeIds([...this.nodeById.values()], id);
    const lines = this.lines.filter((l) => ids.has(l.nodeId));
    this.commit(
      {
        lines: lines.map((l) => ({ before: l, after: null })),
        nodes: [...ids].map((nid) => ({ before: this.nodeById.get(nid)!, after: null })),
      },
      { target: { kind: 'node', id }, field: 'code' },
    );
  }

  /** Moves a node one place up or down among its siblings. */
  moveNode(id: Id, delta: -1 | 1): void {
    const moved = moveAmongSiblings([...this.nodeById.values()], id, delta);
    if (!moved.length) return;
    this.commit({ nodes: moved.map((after) => ({ before: this.nodeById.get(after.id)!, after })) }, { target: { kind: 'node', id }, field: 'code' }, true);
  }

  /** Makes a node the last child of its previous sibling (indent) or a sibling of its parent (outdent). */
  shiftNode(id: Id, direction: 'in' | 'out'): void {
    const node = this.nodeById.get(id);
    if (!node) return;
    const all = [...this.nodeById.values()];
    let parentId: Id | null;
    if (direction === 'in') {
      const sibs = siblingsOf(all, node);
      const i = sibs.findIndex((s) => s.id === id);
      if (i <= 0) return;
      parentId = sibs[i - 1].id;
    } else {
      if (node.parentId === null) return;
      parentId = this.nodeById.get(node.parentId)?.parentId ?? null;
    }
    const newSiblings = all.filter((n) => n.parentId === parentId && n.id !== id);
    const anchor = direction === 'out' ? (this.nodeById.get(node.parentId!) ?? null) : null;
    const after: TreeNode = { ...node, parentId, order: orderAfter(newSiblings, anchor) };
    this.commit({ nodes: [{ before: node, after }] }, { target: { kind: 'node', id }, field: 'code' }, true);
  }

  /** Sets the required counterpart ratio (percent of central money) for the plan year and a capital type; undoable. */
  setCounterpartRatio(capital: CounterpartRatio['capital'], percent: number | null): void {
    const year = this.workbook.year;
    const others = (this.workbook.counterpart ?? []).filter((r) => !(r.year === year && r.capital === capital));
    const counterpart = percent === null ? others : [...others, { year, capital, percent }];
    this.commit({ workbook: { before: this.workbook, after: { ...this.workbook, counterpart } } }, null);
  }

  /** Renames the workbook (undoable). */
  rename(name: string): void {
    const trimmed = name.trim();
    if (!trimmed || trimmed === this.workbook.name) return;
    this.commit({ workbook: { before: this.workbook, after: { ...this.workbook, name: trimmed } } }, null);
  }

  undo(): boolean {
    const c = this.undoStack.pop();
    if (!c) return false;
    this.redoStack.push(c);
    this.apply(invertChange(c));
    this.requestFocus(c);
    this.syncUndoFlags();
    return true;
  }

  redo(): boolean {
    const c = this.redoStack.pop();
    if (!c) return false;
    this.undoStack.push(c);
    this.apply(c);
    this.requestFocus(c);
    this.syncUndoFlags();
    return true;
  }

  toggleCollapsed(nodeId: Id, collapsed?: boolean): void {
    const next = new Set(this.collapsed);
    const want = collapsed ?? !next.has(nodeId);
    if (want === next.has(nodeId)) return;
    if (want) next.add(nodeId);
    else next.delete(nodeId);
    this.collapsed = next;
    this.rebuildRows();
  }

  setAllCollapsed(collapsed: boolean): void {
    this.collapsed = collapsed ? new Set(this.tree.nodes.filter((_, k) => this.tree.hasChildren[k] || this.hasLines(k)).map((n) => n.id)) : new Set();
    this.rebuildRows();
  }

  // ---- internals ----------------------------------------------------------------------------

  private hasLines(k: number): boolean {
    return this.lineNode.includes(k);
  }

  private requestFocus(change: Change): void {
    const focus = (change as Change & { focus?: SessionFocus | null }).focus;
    if (focus) this.focusRequest = { ...focus, seq: ++this.focusSeq };
  }

  private commit(change: Change, focus: SessionFocus | null, selectAfter = false): void {
    (change as Change & { focus?: SessionFocus | null }).focus = focus;
    this.undoStack.push(change);
    this.redoStack = [];
    this.apply(change);
    if (selectAfter) this.requestFocus(change);
    this.syncUndoFlags();
  }

  private syncUndoFlags(): void {
    this.canUndo = this.undoStack.length > 0;
    this.canRedo = this.redoStack.length > 0;
  }

  /** Applies a change to memory, the database and the worker. */
  private apply(change: Change): void {
    let structural = false;
    /** Whether something changed that the worker's next roll-up will not repaint by itself. */
    let repaintNow = !!change.workbook;
    const colEdits: ColumnEdit[] = [];
    const dirtyChunks = new Set<number>();
    for (const { before, after } of change.lines ?? []) {
      if (before && after) {
        const i = this.lineIndex.get(after.id);
        if (i === undefined) continue;
        if (before.nodeId !== after.nodeId || before.order !== after.order) structural = true;
        this.lines[i] = after;
        dirtyChunks.add(this.chunks.replace(after));
        for (const key of Object.keys(after) as (keyof Line)[]) {
          if (before[key] === after[key]) continue;
          const col = COLUMN_OF[key as LineField];
          if (col) colEdits.push({ line: i, field: col, value: columnValue(after, col) });
          else repaintNow = true;
        }
        if (Object.keys(before).length !== Object.keys(after).length) repaintNow = true;
      } else if (after) {
        structural = true;
        dirtyChunks.add(this.chunks.add(after));
      } else if (before) {
        structural = true;
        const no = this.chunks.remove(before.id);
        if (no !== undefined) dirtyChunks.add(no);
      }
    }
    const putNodes: TreeNode[] = [];
    const deleteNodeIds: Id[] = [];
    for (const { before, after } of change.nodes ?? []) {
      if (after) {
        if (!before || before.parentId !== after.parentId || before.order !== after.order) structural = true;
        this.nodeById.set(after.id, after);
        putNodes.push(after);
      } else if (before) {
        structural = true;
        this.nodeById.delete(before.id);
        deleteNodeIds.push(before.id);
      }
    }
    if (change.workbook) {
      const ratiosChanged = change.workbook.before.counterpart !== change.workbook.after.counterpart;
      this.workbook = change.workbook.after;
      if (ratiosChanged && !structural) void this.reloadEngine();
    }
    const rules = applyRecordChanges(this.rules, change.rules);
    if (change.rules?.length) this.rules = rules.records;
    const places = applyRecordChanges(this.places, change.places);
    if (change.places?.length || change.workbook) {
      this.places = sortPlaces(places.records);
      this.placesRevision++;
    }

    if (putNodes.length || deleteNodeIds.length) repaintNow = true;
    if (structural) {
      // Row and node indices move: the old roll-up no longer lines up with them until the new one arrives.
      this.rollup = null;
      this.rebuildStructure(this.chunks.allLines());
      void this.reloadEngine();
    } else {
      if (putNodes.length) this.tree = orderTree([...this.nodeById.values()]);
      if (colEdits.length) void this.sendEdits(colEdits);
    }
    // A plain amount edit is painted once, when its roll-up arrives a few milliseconds later:
    // painting now as well would keep the main thread busy while the worker's answer waits.
    if (structural || repaintNow || !colEdits.length) this.revision++;

    const chunks: LineChunk[] = [...dirtyChunks].map((no) => ({
      scenarioId: this.scenarioId,
      workbookId: this.workbook.id,
      no,
      lines: this.chunks.lines(no),
    }));
    this.save({ workbook: change.workbook ? this.workbook : undefined, workbookId: this.workbook.id, putNodes, deleteNodeIds, chunks,
      putPlaces: places.put,
      deletePlaceIds: places.deleted,
      putRules: rules.put,
      deleteRuleIds: rules.deleted,
    });
  }

  /** Milliseconds the last save took from the edit to its transaction completing (diagnostics). */
  lastSaveMs = 0;
  /** Milliseconds the last save's IndexedDB transaction itself took (diagnostics). */
  lastCommitMs = 0;

  private save(change: Parameters<typeof commitChange>[1]): void {
    this.pendingSaves++;
    this.saveStatus = 'saving';
    const started = performance.now();
    this.saving = this.saving.then(async () => {
      const commitStarted = performance.now();
      const r = await commitChange(this.db, change);
      this.lastCommitMs = performance.now() - commitStarted;
      this.lastSaveMs = performance.now() - started;
      this.pendingSaves--;
      if (!r.ok) {
        this.saveStatus = 'error';
        this.saveError = r.error;
      } else if (this.pendingSaves === 0 && this.saveStatus !== 'error') {
        this.saveStatus = 'saved';
      }
    });
  }

  private rebuildStructure(lines: Line[]): void {
    const tree = orderTree([...this.nodeById.values()]);
    const nodeIdx = (l: Line) => tree.indexOf.get(l.nodeId) ?? Number.MAX_SAFE_INTEGER;
    const sorted = [...lines].sort((a, b) => nodeIdx(a) - nodeIdx(b) || a.order - b.order || a.id.localeCompare(b.id));
    this.tree = tree;
    this.lines = sorted;
    this.lineIndex = new Map(sorted.map((l, i) => [l.id, i]));
    this.lineNode = Int32Array.from(sorted, (l) => tree.indexOf.get(l.nodeId) ?? -1);
    this.rebuildRows();
    this.structureRevision++;
  }

  private rebuildRows(): void {
    this.rows = buildRows(this.tree, this.lineNode, this.collapsed);
    this.structureRevision++;
  }

  private async reloadEngine(): Promise<void> {
    const r = await this.engine.load(buildColumns(this.tree, this.lines, counterpartColumn(this.workbook.counterpart, this.workbook.year)));
    if (r) this.setRollup(r);
  }

  private async sendEdits(edits: ColumnEdit[]): Promise<void> {
    const r = await this.engine.edit(edits);
    if (r) this.setRollup(r);
  }

  private setRollup(r: Rollup): void {
    this.rollup = r;
    this.revision++;
  }
}

type SessionFocus = { target: RowTarget; field: AnyField };

/** Records after a list of before/after changes, with what to write and what to delete. */
function applyRecordChanges<T extends { id: Id }>(records: readonly T[], changes: RecordChange<T>[] | undefined): { records: T[]; put: T[]; deleted: Id[] } {
  const byId = new Map(records.map((r) => [r.id, r]));
  const put: T[] = [];
  const deleted: Id[] = [];
  for (const { before, after } of changes ?? []) {
    if (after) {
      byId.set(after.id, after);
      put.push(after);
    } else if (before) {
      byId.delete(before.id);
      deleted.push(before.id);
    }
  }
  return { records: [...byId.values()], put, deleted };
}

function sortPlaces(places: Place[]): Place[] {
  return places.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

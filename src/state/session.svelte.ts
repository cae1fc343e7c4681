// One open workbook: its tree, lines and roll-up, every edit as an undoable change that is saved at
// once (only the touched chunks) and sent to the recalculation worker. Glue between ui, db and engine;
// it composes the undo history (undo-history.ts), the save queue (save-queue.svelte.ts), the checks
// scheduler (checks-scheduler.svelte.ts) and the grid's view state (grid-view.svelte.ts).

import type {
  AllocationRuleRecord,
  CounterpartRatio,
  CriterionKind,
  Id,
  Line,
  LineField,
  FileCheck,
  OfficeInfo,
  Place,
  Problem,
  ProjectionSettings,
  Result,
  Scenario,
  TreeNode,
  Workbook,
  WorkbookData,
} from '../domain/model';
import { blankPlace, criteriaOf, criterionKey, readCriterionInput, setPlaceField } from '../domain/places';
import { orderTree, subtreeIds, siblingsOf, orderAfter, moveAmongSiblings, type OrderedTree } from '../domain/tree';
import { buildColumns, counterpartColumn, lineColumnEdits, SlotTable, type ColumnEdit, type Rollup } from '../domain/rollup';
import { projectionOf, projectionParams } from '../domain/projection';
import { effectiveWorkbook, isFrozen, sortScenarios, splitEffective } from '../domain/scenarios';
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
  withNote,
  type AnyField,
  type Change,
  type NodeField,
  type RecordChange,
  type ReadContext,
} from '../domain/edit';
import { newId } from '../domain/ids';
import { officeOf, placeLine } from '../domain/office';
import { normalizeText } from '../domain/text';
import type { AllocationResult, AllocationRule } from '../domain/allocate';
import type { AllocationRequest } from '../domain/allocate';
import { linesForSplit, type WriteMode } from '../domain/allocation-plan';
import { confirmProjectedCarry } from '../domain/next-year';
import type { PlanbenchDB } from '../db/database';
import { withValueAt, type SyncChange } from '../domain/sync';
import { commitChange, loadChanged, type CommitOutcome, type LineWrite, type WorkbookChange } from '../db/workbook-repo';
import { ChunkedLines } from '../db/line-chunks';
import { RecalcClient, type FormulaOwner } from '../engine/recalc-client';
import { RuleChecks } from './rule-checks.svelte';
import { checkContextOf, type CheckEntry } from '../domain/checks';
import { rowNode, TOTAL_ROW, type RowView } from './rows';
import { orderLines } from '../domain/compare-request';
import { UndoHistory, type UndoEntry } from './undo-history';
import { changeSize, clearUndoSteps, loadUndoSteps, moveUndoStep, recordUndoStep, removeUndoStep } from '../db/undo-repo';
import { SaveQueue, type SaveStatus } from './save-queue.svelte';
import { ChecksScheduler } from './checks-scheduler.svelte';
import { GridView, type CellFocus, type FocusRequest, type RowTarget } from './grid-view.svelte';
import { importChange, importChangeInSlices, withFileChecks, type ImportChangeOptions, type ImportOutcome, type IncomingPlan } from '../domain/import-change';
import { afterPaint, yieldToEventLoop } from '../io/import-types';
import { FormulaCells, type FormulaCellError, type FormulaSource } from './formula-cells';
import type { FormulaResults } from '../domain/formula/column-formulas';
import { mergeRecord } from '../domain/merge-fields';
import { FormulaView } from './formula-view';
import { FORMULA_FIELDS } from '../domain/formula/book';
import { isFormulaText, type ItemRefField, type LineRefField } from '../domain/formula/parse';
import { cycleProblem, withoutFormula, withTypedFormula } from '../domain/formula/workbook-edit';
import type { FormulaField } from '../domain/model';

export type { RowTarget, SaveStatus };

/** From this many lines, formulas' values are stored after the page has painted them. */
const PAINT_BEFORE_SAVE = 2_000;

/** A column formula being set, by its field and stored text: the worker refuses formulas in which it reads itself. */
type FormulaGuard = { field: FormulaField; text: string };

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

/** A typed or pasted value for the places sheet: a place's code, name or a criterion value. */
export interface PlaceInput {
  placeId: Id;
  field: string;
  raw: unknown;
}
export interface PlaceProblem extends PlaceInput {
  problem: Problem;
}

/** Line fields the worker's columns do not hold: editing them needs a repaint but no recalculation. */
/** Records a step may change and still be stored in the undo history (see keepStep). */
const UNDO_STEP_LIMIT = 2_000;

const TEXT_ONLY: ReadonlySet<string> = new Set<keyof Line>(['label', 'stated', 'carryConfirmed', 'allocation']);

export class WorkbookSession {
  workbook = $state.raw<Workbook>(null as unknown as Workbook);
  tree = $state.raw<OrderedTree>(orderTree([]));
  /** Lines in display order: by node (pre-order), then by `order`. */
  lines = $state.raw<Line[]>([]);
  lineNode = $state.raw<Int32Array>(new Int32Array(0));
  rollup = $state.raw<Rollup | null>(null);
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
  canUndo = $state(false);
  canRedo = $state(false);

  private lineIndex = new Map<Id, number>();
  private nodeById = new Map<Id, TreeNode>();
  private chunks: ChunkedLines;
  private readonly history = new UndoHistory();
  /** Rows shown, collapsed items, sort and filter, the cell to select. */
  private readonly view = new GridView(
    () => ({ tree: this.tree, lineNode: this.lineNode }),
    () => this.bump('structure'),
  );
  private readonly saves: SaveQueue;
  private readonly checker: ChecksScheduler;
  private engine: RecalcClient;
  private slots = new SlotTable();
  private readonly formulas = new FormulaCells();
  /** The worker's plan number (RecalcClient.planNumber) that lines up with `lines`; -1 while the lines moved and it was not loaded again. */
  private enginePlan = -1;
  private readonly formulaView = new FormulaView(() => ({ workbook: this.workbook, nodes: this.tree.nodes, lines: this.lines, nodeById: this.nodeById }));
  /** Resolves when the first roll-up has arrived. */
  ready: Promise<void>;

  constructor(
    private db: PlanbenchDB,
    data: WorkbookData,
    chunks: ChunkedLines,
    engine?: RecalcClient,
    scenarioId?: Id,
    /** Set for a workbook shown read-only (a district's submitted version): every edit is refused with it. */
    private readonly readOnly: Problem | null = null,
  ) {
    this.storedWorkbook = data.workbook;
    this.scenario =
      data.scenarios.find((s) => s.id === (scenarioId ?? data.workbook.baselineScenarioId)) ??
      ({ id: data.workbook.baselineScenarioId, workbookId: data.workbook.id, name: '', createdAt: 0 } satisfies Scenario);
    this.scenarios = sortScenarios(data.scenarios, data.workbook);
    this.workbook = effectiveWorkbook(data.workbook, this.scenario);
    this.frozen = readOnly !== null || isFrozen(this.scenario, data.workbook);
    this.chunks = chunks;
    this.engine = engine ?? new RecalcClient();
    this.saves = new SaveQueue(
      (change) => commitChange(this.db, change),
      (outcome) => this.takeCommitted(outcome),
    );
    this.checker = new ChecksScheduler(() =>
      this.engine.checks(checkContextOf(this.workbook, this.tree.nodes, this.lines, this.places, criteriaOf(this.workbook), this.scenario.fileChecks)),
    );
    for (const n of data.nodes) this.nodeById.set(n.id, n);
    this.places = sortPlaces(data.places ?? []);
    this.rules = data.rules ?? [];
    this.rebuildStructure(data.lines);
    // The worker computes the formulas; what it answers is written into the lines here. Formulas
    // whose values are not what their records say (a file restored, a workbook of an older version)
    // are brought up to date as one step, once the roll-up is painted.
    this.engine.onFormulas = (results, plan, owner) => this.takeFormulas(results, plan, owner);
    this.ready = this.reloadEngine('new-step');
    // The undo history of earlier sessions of this scenario (undo survives a reload).
    this.historyLoaded = this.frozen
      ? Promise.resolve()
      : loadUndoSteps<CellFocus>(db, this.scenario.id).then(({ done, undone }) => {
          this.history.restore(done, undone);
          this.syncUndoFlags();
        });
    this.formulasChecked = this.ready.then(() => this.formulasSettled());
  }

  /** Resolves once every formula was computed after opening (see the constructor). */
  readonly formulasChecked: Promise<void>;
  /** Resolves once the undo history stored by earlier sessions is back. */
  readonly historyLoaded: Promise<void>;

  private formulaSource(): FormulaSource {
    return { workbook: this.workbook, nodes: this.tree.nodes, lines: this.lines };
  }

  /** Resolves once the worker has answered everything sent so far, the formulas' values written into the lines. */
  async formulasSettled(): Promise<void> {
    do await Promise.all([this.engine.settled(), ...this.engineWork]);
    while (this.engineWork.size || this.engine.busy);
  }

  /**
   * Sends the formulas to the worker, which computes them all (on the plan it holds: only when that
   * plan is these lines). `withLineIds`: the plan was just loaded.
   */
  private sendFormulas(owner: FormulaOwner, withLineIds: boolean, guard?: FormulaGuard): Promise<number[] | null> {
    if (this.enginePlan !== this.engine.planNumber) return Promise.resolve(null);
    // The lines' ids go with the first formulas the worker holds of this plan.
    const spec = this.formulas.spec(this.formulaSource(), withLineIds || !this.formulasSent);
    if (!spec) this.formulas.clear();
    // None before and none now: nothing to tell.
    if (!spec && !this.formulasSent) return Promise.resolve(null);
    const sentBefore = this.formulasSent;
    this.formulasSent = !!spec;
    return this.engine.setFormulas(spec, owner, guard).then(({ rollup, refused }) => {
      if (refused) this.formulasSent = sentBefore;
      if (rollup) this.setRollup(rollup);
      return refused;
    });
  }
  /** Whether the worker holds formulas of this plan. */
  private formulasSent = false;

  /**
   * What the worker's formulas computed, on the plan it holds: the cells in error taken in, and the
   * values that moved written into the lines and stored, as part of the step that caused them (its
   * undo takes them back with it), as a step of their own, or as no step (after an undo, another
   * tab's change, a projection change: what follows from records as they are). A read-only session
   * keeps the values it was opened with.
   */
  private takeFormulas(results: FormulaResults, plan: number, owner: FormulaOwner): void {
    if (plan !== this.enginePlan) return;
    const taken = this.formulas.take(results, this.lines);
    // Not repainted here: the answer these came with brings its roll-up, which repaints once (setRollup).
    if (!taken || this.frozen) return;
    const { change } = taken;
    if (owner === 'new-step') {
      const entry = this.history.record(change, null);
      this.keepStep(entry);
      this.syncUndoFlags();
    } else if (owner !== null) {
      const entry = this.history.amend(owner, change);
      if (entry) this.keepStep(entry);
    }
    // Many values (a column formula's) are painted first: their chunks' bookkeeping and their
    // storage (cloning 100 000 records) come once the page has painted them, the step keeping its
    // place among the saves meanwhile.
    const later = change.lines!.length > PAINT_BEFORE_SAVE;
    const applied = this.updateMemory(change, { at: taken.at, chunksLater: later });
    if (!later) this.saves.enqueue(this.storagePlan(change, applied));
    else
      this.saves.enqueue(() => {
        this.noteDerivedChunks(change, applied);
        return this.storagePlan(change, applied);
      }, afterPaint);
  }

  /**
   * The chunks of lines whose formulas' values were put in memory earlier (see takeFormulas): each
   * line as it is now (an edit made since included), or none when it is gone.
   */
  private noteDerivedChunks(change: Change, u: MemoryUpdate): void {
    for (const { before, after } of change.lines ?? []) {
      const now = this.lineOf(after!.id);
      if (now) noteChunkWrite(u, this.chunks.replace(now), { before: before!, after: now }, null);
    }
  }

  // ---- formulas -------------------------------------------------------------------------------

  /** The formula that computes a line's field as the user reads it (own or column), or null. */
  formulaOf(lineId: Id, field: FormulaField, locale: ReadContext['locale']): { text: string; fromColumn: boolean } | null {
    return this.formulaView.formulaOf(this.lineOf(lineId), field, locale);
  }

  /** How a formula names a cell clicked while it is typed (see FormulaView.referenceText). */
  referenceText(target: RowTarget, field: ItemRefField | LineRefField, locale: ReadContext['locale']): string | null {
    return this.formulaView.referenceText(target, field, locale);
  }

  /** True when a value was typed over the column formula that reaches this cell. */
  isTypedOver(lineId: Id, field: FormulaField): boolean {
    return !!this.lineOf(lineId)?.typedOver?.includes(field);
  }

  /** Why a formula cell shows no value of its own (#REF!, a cycle …), or null. */
  formulaErrorOf(lineId: Id, field: FormulaField): FormulaCellError | null {
    return this.formulas.errorOf(lineId, field);
  }

  /** The formula cells the latest changes left in error (each said once), with the value each keeps. */
  takeNewFormulaErrors(): { line: Line; field: FormulaField; error: FormulaCellError }[] {
    return this.formulas.takeNewErrors().flatMap((e) => {
      const line = this.lineOf(e.line);
      return line ? [{ line, field: e.field, error: e.error }] : [];
    });
  }

  /** Every formula cell in error. */
  formulaErrors(): ReturnType<FormulaCells['allErrors']> {
    return this.formulas.allErrors();
  }

  /**
   * Sets (or clears, with null) the column formula of a field for the lines of an item (or, with
   * null, of the whole workbook), as one step: every line it reaches is computed, except cells a
   * value was typed over.
   */
  async setColumnFormula(nodeId: Id | null, field: FormulaField, typed: string | null, ctx: ReadContext): Promise<Result<void>> {
    if (this.refuseFrozen()) return { ok: false, error: this.refusal!.problem };
    const made = this.formulaView.columnFormulaChange(nodeId, field, typed, ctx);
    if (!made.ok) return made;
    const { change, formula } = made.value;
    const guard = formula ? { field, text: formula.text } : undefined;
    this.formulaCheck = Promise.resolve(null);
    const entry = this.commit(change, nodeId === null ? null : { target: { kind: 'node', id: nodeId }, field: 'plan' }, false, guard);
    const refused = entry && (await this.formulaCheck);
    if (!entry || !refused) return { ok: true, value: undefined };
    // It would read itself on a line it reaches: the worker kept the formulas it held; the step is taken back and forgotten.
    const lines = this.lines;
    this.dropStep(entry);
    return cycleProblem(lines, refused);
  }

  /** What the worker said of the formulas sent last with a column formula to check (see tellWorker): the cycle's cells, or null. */
  private formulaCheck: Promise<number[] | null> = Promise.resolve(null);

  /** Takes a step just made back and out of the history (not redone, not kept for a reload). */
  private dropStep(entry: UndoEntry): void {
    if (!this.history.drop(entry.seq)) return;
    void removeUndoStep(this.db, this.scenarioId, entry.seq);
    this.apply(invertChange(entry.change), null);
    this.syncUndoFlags();
  }

  /** How many line cells a column formula computes. */
  columnFormulaReach(nodeId: Id | null, field: FormulaField): number {
    return this.formulaView.columnFormulaReach(nodeId, field);
  }

  /** The column formula set on an item (null: the workbook's), as the user reads it. */
  columnFormulaOf(nodeId: Id | null, field: FormulaField, locale: ReadContext['locale']): string | null {
    return this.formulaView.columnFormulaOf(nodeId, field, locale);
  }

  /** The scenario this session edits (its lines, rules and inputs). */
  get scenarioId(): Id {
    return this.scenario.id;
  }

  /** The scenario record (name, kind, note) and the workbook's scenarios, as loaded (reactive: another browser's scenario operations change them). */
  scenario = $state.raw<Scenario>(null as unknown as Scenario);
  scenarios = $state.raw<Scenario[]>([]);
  /** The workbook record as stored (the baseline's inputs); `workbook` is this scenario's view of it. */
  private storedWorkbook: Workbook;
  /** A frozen version: every edit is refused with `refusal` set. */
  readonly frozen: boolean;
  /** The last edit refused because the scenario is frozen (the UI says why). */
  refusal = $state.raw<{ problem: Problem; seq: number } | null>(null);

  /**
   * Set when this tab can no longer store edits (another tab upgraded the database): every edit is
   * then refused with it, rather than shown and lost.
   */
  private blocked: Problem | null = null;

  block(problem: Problem): void {
    this.blocked = problem;
  }

  /**
   * Refuses an edit of a frozen version, or of a tab that can no longer store it (setting `refusal`,
   * which the UI shows); true when refused.
   */
  refuseFrozen(): boolean {
    if (!this.frozen && !this.blocked) return false;
    const problem = this.blocked ?? this.readOnly ?? { code: 'scenario.frozen', params: { name: this.scenario.name } };
    this.refusal = { problem, seq: (this.refusal?.seq ?? 0) + 1 };
    return true;
  }

  get recalcMode(): string {
    return this.engine.mode;
  }

  /** Milliseconds the last recalculation took from request to result. */
  get recalcRoundTripMs(): number {
    return this.engine.lastRoundTripMs;
  }

  /**
   * What this session holds of its scenario and workbook, as stored once its edits are saved: the
   * workbook and scenario records, the rules, the lines by chunk, the nodes, places and scenarios. A
   * copy of the scenario is made and opened from these without reading them back.
   */
  held(): { workbook: Workbook; scenario: Scenario; rules: AllocationRuleRecord[]; chunks: Line[][]; nodes: TreeNode[]; places: Place[]; scenarios: Scenario[] } {
    return {
      workbook: this.storedWorkbook,
      scenario: this.scenario,
      rules: this.rules,
      chunks: this.chunks.byChunk(),
      nodes: [...this.nodeById.values()],
      places: this.places,
      scenarios: this.scenarios,
    };
  }

  /** Waits until every edit made so far is in IndexedDB (or refused by it: see unsavedCount). */
  async flush(): Promise<void> {
    // The formulas' values that follow from the edits are part of them.
    await this.formulasSettled();
    return this.saves.flush();
  }

  dispose(): void {
    this.checker.dispose();
    this.engine.dispose();
  }

  // ---- the grid's view: rows shown, collapsed items, sort and filter, the cell to select ------

  /** Visible rows (see rows.ts). */
  get rows(): Int32Array {
    return this.view.rows;
  }

  get collapsed(): ReadonlySet<Id> {
    return this.view.collapsed;
  }

  /** The sort and filter the grid shows the plan under (null: the plan's own order, every line). */
  get rowView(): RowView | null {
    return this.view.rowView;
  }

  /** A cell the grid should select (after undo, redo, or adding a row); `seq` changes each time. */
  get focusRequest(): FocusRequest | null {
    return this.view.focusRequest;
  }

  setRowView(view: RowView | null): void {
    this.view.setRowView(view);
  }

  toggleCollapsed(nodeId: Id, collapsed?: boolean): void {
    this.view.toggleCollapsed(nodeId, collapsed);
  }

  setAllCollapsed(collapsed: boolean): void {
    this.view.setAllCollapsed(collapsed);
  }

  /** Selects a cell in the grid, opening the collapsed items that hide its row. */
  focusTarget(target: RowTarget, field: AnyField, opts: { keepFocus?: boolean } = {}): void {
    const ancestors: Id[] = [];
    let id = target.kind === 'line' ? (this.lineOf(target.id)?.nodeId ?? null) : target.kind === 'node' ? (this.nodeById.get(target.id)?.parentId ?? null) : null;
    for (; id; id = this.nodeById.get(id)?.parentId ?? null) ancestors.push(id);
    this.view.expand(ancestors);
    this.view.requestFocus({ target, field }, opts.keepFocus);
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
  setCells(inputs: CellInput[], ctx: ReadContext, newLines: Line[] = []): CellProblem[] {
    if (this.refuseFrozen()) return inputs.map((i) => ({ ...i, problem: this.refusal!.problem }));
    const problems: CellProblem[] = [];
    const lineAfter = new Map<Id, Line>(newLines.map((l) => [l.id, l]));
    const added = new Set(newLines.map((l) => l.id));
    const nodeAfter = new Map<Id, TreeNode>();
    let wbAfter: Workbook | null = null;
    let focus: CellFocus | null = null;
    const formulaState = () => ({ workbook: this.workbook, nodes: this.tree.nodes, lines: this.lines.map((l) => lineAfter.get(l.id) ?? l) });
    for (const input of inputs) {
      const allowed = input.target.kind === 'line' ? LINE_FIELDS : input.target.kind === 'node' ? NODE_FIELDS : new Set(['statedPlan']);
      if (!allowed.has(input.field)) throw new Error(`setCells: field ${input.field} does not belong to a ${input.target.kind} row`);
      const t0 = input.target;
      const formulaField = t0.kind === 'line' && (FORMULA_FIELDS as readonly string[]).includes(input.field) ? (input.field as FormulaField) : null;
      if (formulaField && t0.kind === 'line' && typeof input.raw === 'string' && isFormulaText(input.raw)) {
        const cur = lineAfter.get(t0.id) ?? this.lineOf(t0.id);
        if (!cur) continue;
        const typed = withTypedFormula(formulaState(), cur, formulaField, input.raw, ctx);
        if (!typed.ok) problems.push({ ...input, problem: typed.error });
        else {
          focus ??= { target: t0, field: input.field };
          lineAfter.set(t0.id, typed.value);
        }
        continue;
      }
      const r = readFieldInput(input.field, input.raw, ctx);
      if (!r.ok) {
        problems.push({ ...input, problem: r.error });
        continue;
      }
      const t = input.target;
      focus ??= { target: t, field: input.field };
      if (t.kind === 'line') {
        let cur = lineAfter.get(t.id) ?? this.lineOf(t.id);
        // A value typed into a formula's cell replaces the formula (over a column formula: marked as typed over).
        if (cur && formulaField) cur = withoutFormula(cur, formulaField, this.formulaView.columnFormulaReaches(cur, formulaField));
        if (cur) lineAfter.set(t.id, setLineField(cur, input.field as LineField, r.value));
      } else if (t.kind === 'node') {
        const cur = nodeAfter.get(t.id) ?? this.nodeById.get(t.id);
        if (cur) nodeAfter.set(t.id, setNodeField(cur, input.field as NodeField, r.value));
      } else if (input.field === 'statedPlan') {
        wbAfter = setWorkbookStatedPlan(wbAfter ?? this.workbook, r.value as number | null);
      }
    }
    const change: Change = {
      lines: [...lineAfter.values()].map((after) => ({ before: added.has(after.id) ? null : this.lineOf(after.id)!, after })).filter((c) => c.before !== c.after),
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
    if (this.refuseFrozen()) return inputs.map((i) => ({ ...i, problem: this.refusal!.problem }));
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
    const places = [...after.values()].map((a) => ({ before: this.places.find((p) => p.id === a.id)!, after: a })).filter((c) => c.before !== c.after);
    if (places.length) this.commit({ places }, null);
    return problems;
  }

  /** Splits an envelope in the worker for a preview; null when a newer preview superseded it. */
  previewAllocation(rule: AllocationRule | AllocationRequest): Promise<Result<AllocationResult> | null> {
    return this.engine.allocate(rule);
  }

  /**
   * Writes a split into the plan and saves its rule, as ONE undoable step: a line per recipient
   * with money (and per reserve) under the rule's budget line; earlier lines of the rule updated.
   */
  applyAllocation(rec: AllocationRuleRecord, result: AllocationResult, mode: WriteMode = 'replace'): number {
    const before = this.rules.find((r) => r.id === rec.id) ?? null;
    const lines = linesForSplit(rec, result, this.lines, this.places, newId, mode);
    this.commit({ lines, rules: [{ before, after: { ...rec, updatedAt: Date.now() } }] }, null);
    return lines.filter((c) => c.after?.allocation).length;
  }

  /** Whether each saved rule still matches the plan (see checkRules). */
  readonly ruleChecks = new RuleChecks((rule) => this.engine.allocate(rule, 'check'));

  /**
   * Splits the saved rules again in the worker and compares each split with the lines its rule
   * wrote; the result lands in `ruleChecks.statuses`. Call it when places, rules or lines change.
   */
  checkRules(): Promise<void> {
    return this.ruleChecks.refresh(this.rules, this.places, this.lines);
  }

  /** Deletes a saved rule (undoable); the plan lines it wrote stay as they are. */
  deleteRule(id: Id): void {
    const before = this.rules.find((r) => r.id === id);
    if (before) this.commit({ rules: [{ before, after: null }] }, null);
  }

  // ---- imports ------------------------------------------------------------------------------

  /** Changes applied to this session so far, its own and other tabs' (an import checks it). */
  private applied = 0;

  /** Cells imported unread, "lineId|field" → the value the import gave them (see isImportMarked). */
  private importMarks = new Map<string, unknown>();

  /**
   * Applies an import (domain/import-change) as ONE undoable step, saved in one transaction, so one
   * undo takes it all back; `places` are added in the same step (a district when consolidating).
   * Fails with scenario.frozen on a frozen version; the workbook is then untouched.
   */
  async applyImport(incoming: IncomingPlan, opts: ImportChangeOptions & { places?: Place[]; fileChecks?: FileCheck[] } = {}): Promise<Result<ImportOutcome>> {
    if (this.refuseFrozen()) return { ok: false, error: this.refusal!.problem };
    const target = () => ({ workbook: this.workbook, nodes: [...this.nodeById.values()], lines: this.lines });
    const seen = this.applied;
    // Worked out in slices and committed in a later task, so the page paints meanwhile; worked out
    // again at once if another change (another tab's) landed in between.
    let out = await importChangeInSlices(target(), incoming, opts, yieldToEventLoop);
    await afterPaint();
    if (this.refuseFrozen()) return { ok: false, error: this.refusal!.problem };
    if (this.applied !== seen) out = importChange(target(), incoming, opts);
    if (opts.places?.length) out.change.places = opts.places.map((after) => ({ before: null, after }));
    // The file's totals its lines did not reproduce stay with the scenario, on the lines they landed in.
    if (opts.fileChecks?.length) out.change.scenario = withFileChecks(this.scenario, opts.fileChecks, out.landed);
    const { change, marks } = out;
    await this.repaintAfter(() => {
      if (!isEmptyChange(change)) this.commit(change, null);
      for (const m of marks) {
        const l = this.lineOf(m.lineId);
        if (l) this.importMarks.set(`${m.lineId}|${m.field}`, importedValue(l, m.field));
      }
    });
    return { ok: true, value: out };
  }

  /** Whether a line's cell came in unread from an import and still holds what the import gave it
   * (the grid marks it as it marks a refused cell; typing a value, or undoing the import, clears it). */
  isImportMarked(lineId: Id, field: AnyField): boolean {
    const key = `${lineId}|${field}`;
    if (!this.importMarks.has(key)) return false;
    const l = this.lineOf(lineId);
    return l !== undefined && importedValue(l, field) === this.importMarks.get(key);
  }

  /**
   * Confirms the projected carry-over of the current roll-up on the lines, as one undoable step:
   * only where the user has confirmed nothing yet, or on every line when `onlyUnconfirmed` is
   * false. Returns how many lines changed (0 while the roll-up is being recomputed).
   */
  confirmCarryOver(onlyUnconfirmed = true): number {
    const r = this.rollup;
    if (!r || r.lineCarry.length !== this.lines.length) return 0;
    const lines = confirmProjectedCarry(this.lines, r.lineCarry, onlyUnconfirmed);
    if (lines.length) this.commit({ lines }, null);
    return lines.length;
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

  /**
   * Empty lines for a node, after `afterLineId` (else last), not yet in the plan: setCells adds
   * them with their values in one step.
   */
  blankLines(nodeId: Id, afterLineId: Id | undefined, count: number): Line[] {
    const siblings = this.lines.filter((l) => l.nodeId === nodeId);
    const after = afterLineId ? (siblings.find((l) => l.id === afterLineId) ?? null) : null;
    const from = after ? after.order : siblings.length ? Math.max(...siblings.map((l) => l.order)) : -1;
    const next = after ? orderAfter(siblings, after) : from + 1;
    // Between `after` and the next sibling (orderAfter gives their midpoint), evenly.
    const step = after && next !== from + 1 ? ((next - from) * 2) / (count + 1) : 1;
    return Array.from({ length: count }, (_, i) => blankLine(newId(), nodeId, from + step * (i + 1), this.workbook.year));
  }

  /** The last change made (identity only): a later action can tell whether it is still the one to undo. */
  get latestChange(): object | null {
    return this.history.latest;
  }

  /** Adds an empty line under a node (after `afterLineId` when given); returns its id. */
  insertLine(nodeId: Id, afterLineId?: Id): Id {
    const siblings = this.lines.filter((l) => l.nodeId === nodeId);
    const after = afterLineId ? (siblings.find((l) => l.id === afterLineId) ?? null) : null;
    const line = blankLine(newId(), nodeId, orderAfter(siblings, after), this.workbook.year);
    this.commit({ lines: [{ before: null, after: line }] }, { target: { kind: 'line', id: line.id }, field: 'label' }, true);
    return line.id;
  }

  /** Sets (or, with blank text, removes) the note on a cell of a line or item, as one undoable step. */
  setNote(target: RowTarget, key: string, text: string | null): void {
    if (target.kind === 'line') {
      const before = this.lineOf(target.id);
      if (!before) return;
      const after = withNote(before, key, text);
      if (after !== before) this.commit({ lines: [{ before, after }] }, null);
    } else if (target.kind === 'node') {
      const before = this.nodeById.get(target.id);
      if (!before) return;
      const after = withNote(before, key, text);
      if (after !== before) this.commit({ nodes: [{ before, after }] }, null);
    }
  }

  /** The note on a cell of a line or item, if any. */
  noteOf(target: RowTarget, key: string): string | undefined {
    if (target.kind === 'line') return this.lineOf(target.id)?.notes?.[key];
    if (target.kind === 'node') return this.nodeById.get(target.id)?.notes?.[key];
    return undefined;
  }

  /**
   * Moves lines to another item, after its own lines, in their order: one undoable step. Their
   * money moves with them (the old item's roll-up falls, the new one's rises by the same).
   */
  moveLines(ids: Id[], nodeId: Id): number {
    if (!this.nodeById.has(nodeId)) return 0;
    const lines = ids.map((id) => this.lineOf(id)).filter((l): l is Line => !!l && l.nodeId !== nodeId);
    if (!lines.length) return 0;
    let order = Math.max(-1, ...this.lines.filter((l) => l.nodeId === nodeId).map((l) => l.order)) + 1;
    const changes = lines.map((l) => ({ before: l, after: { ...l, nodeId, order: order++ } }));
    this.toggleCollapsed(nodeId, false);
    this.commit({ lines: changes }, { target: { kind: 'line', id: lines[0].id }, field: 'label' }, true);
    return lines.length;
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

  /** Changes the workbook's projection settings (method, profiles, extension); undoable. */
  setProjection(patch: Partial<ProjectionSettings>): void {
    const settings = { ...this.workbook.settings, projection: { ...projectionOf(this.workbook), ...patch } };
    this.commit({ workbook: { before: this.workbook, after: { ...this.workbook, settings } } }, null);
  }

  /** Sets the workbook's default as-of date for disbursed-so-far (ISO, null = none); undoable. */
  setAsOf(asOf: string | null): void {
    if (asOf === this.workbook.settings.asOf) return;
    this.commit({ workbook: { before: this.workbook, after: { ...this.workbook, settings: { ...this.workbook.settings, asOf } } } }, null);
  }

  /** Renames the workbook (undoable). */
  /** Changes the office and report heading (one undo step); the place line follows its province and district. */
  setOffice(patch: Partial<OfficeInfo>): void {
    const office = { ...officeOf(this.workbook), ...patch };
    const after = { ...this.workbook, office, placeName: placeLine(office) || this.workbook.placeName };
    if (JSON.stringify(after.office) === JSON.stringify(this.workbook.office) && after.placeName === this.workbook.placeName) return;
    this.commit({ workbook: { before: this.workbook, after } }, null);
  }

  rename(name: string): void {
    const trimmed = name.trim();
    if (!trimmed || trimmed === this.workbook.name) return;
    this.commit({ workbook: { before: this.workbook, after: { ...this.workbook, name: trimmed } } }, null);
  }

  /**
   * Applies the districts' versions brought into a province's workbook (domain/consolidate
   * replaceDistrictLines) as one undoable step; false when refused (a frozen or read-only workbook).
   */
  applyConsolidation(change: Change): boolean {
    if (this.refuseFrozen()) return false;
    if (!isEmptyChange(change)) this.commit(change, null);
    return true;
  }

  // ---- conflicts of a shared workbook --------------------------------------------------------

  /**
   * Types back, as one undoable step, the value a sync conflict kept aside (the server showed the
   * other); false when that field cannot be set on its own here: the record is gone, the field is
   * an entry of a keyed list or the whole record, or the line belongs to another scenario.
   */
  reverseConflict(c: { kind: string; scope: string; recordId: Id; path: readonly string[]; kept: unknown }): boolean {
    if (this.refuseFrozen()) return false;
    const set = <T>(before: T | undefined): T | null => (before ? withValueAt(before, c.path, c.kept) : null);
    if (c.kind === 'line') {
      const before = c.scope === this.scenarioId ? this.lineOf(c.recordId) : undefined;
      const after = set(before);
      if (!before || !after) return false;
      this.commit({ lines: [{ before, after }] }, null);
    } else if (c.kind === 'node') {
      const before = this.nodeById.get(c.recordId);
      const after = set(before);
      if (!before || !after) return false;
      this.commit({ nodes: [{ before, after }] }, null);
    } else if (c.kind === 'place') {
      const before = this.places.find((p) => p.id === c.recordId);
      const after = set(before);
      if (!before || !after) return false;
      this.commit({ places: [{ before, after }] }, null);
    } else if (c.kind === 'workbook') {
      const after = c.recordId === this.workbook.id ? set(this.workbook) : null;
      if (!after) return false;
      this.commit({ workbook: { before: this.workbook, after } }, null);
    } else return false;
    return true;
  }

  // ---- plan checks and their review marks ----------------------------------------------------

  /** The plan's check entries (domain/checks), recomputed in the worker after every change; null until the first. */
  get checks(): CheckEntry[] | null {
    return this.checker.entries;
  }

  /** Runs the checks in the worker now; resolves once the entries of this run, or of a newer one, are in `checks`. */
  refreshChecks(): Promise<void> {
    return this.checker.refresh();
  }

  /** Checks once the current burst of changes is sent, after the roll-up is painted (see ChecksScheduler). */
  private queueChecks(): void {
    this.checker.request(this.lines.length);
  }

  /** The review marks of this scenario's check entries, by entry id. */
  get reviews(): NonNullable<Scenario['reviews']> {
    return this.scenario.reviews ?? {};
  }

  /**
   * Marks a check entry reviewed with a note (null removes the mark), as one undoable step stored
   * with the scenario. The mark holds while the entry's numbers keep `fingerprint`.
   */
  setReview(entryId: string, fingerprint: string, note: string | null): void {
    const before = this.scenario;
    const reviews = { ...(before.reviews ?? {}) };
    if (note === null) delete reviews[entryId];
    else reviews[entryId] = { note, fingerprint, at: Date.now() };
    const after: Scenario = { ...before, reviews };
    if (!Object.keys(reviews).length) delete after.reviews;
    this.commit({ scenario: { before, after } }, null);
  }

  // ---- undo and redo ------------------------------------------------------------------------

  /** Takes back the latest step and selects its cell; false when there is nothing to undo. */
  undo(): boolean {
    const entry = this.history.takeUndo();
    if (!entry) return false;
    void moveUndoStep(this.db, this.scenarioId, entry.seq, 'undone');
    // The step holds its formulas' values; the worker computes again what the undo reaches (and the cells in error).
    this.apply(invertChange(entry.change), null);
    if (entry.focus) this.view.requestFocus(entry.focus);
    this.syncUndoFlags();
    return true;
  }

  /** Makes the step undone last again and selects its cell; false when there is nothing to redo. */
  redo(): boolean {
    const entry = this.history.takeRedo();
    if (!entry) return false;
    void moveUndoStep(this.db, this.scenarioId, entry.seq, 'done');
    this.apply(entry.change, null);
    if (entry.focus) this.view.requestFocus(entry.focus);
    this.syncUndoFlags();
    return true;
  }

  // ---- internals ----------------------------------------------------------------------------

  /** Makes a change one undoable step (refused on a frozen version); `selectAfter` selects its cell now. */
  private commit(change: Change, focus: CellFocus | null, selectAfter = false, guard?: FormulaGuard): UndoEntry | null {
    if (this.refuseFrozen()) return null;
    const entry = this.history.record(change, focus);
    this.apply(change, entry.seq, guard);
    this.keepStep(entry);
    if (selectAfter && focus) this.view.requestFocus(focus);
    this.syncUndoFlags();
    return entry;
  }

  /**
   * Stores a step of the undo history, so that undo survives a reload (after the step's own write:
   * the edit first). A step of more than UNDO_STEP_LIMIT records (an import, a column formula) is
   * not stored, and the stored history ends there: after a reload, undo stops at it.
   */
  private keepStep(entry: UndoEntry): void {
    const scenarioId = this.scenarioId;
    if (changeSize(entry.change) > UNDO_STEP_LIMIT) void clearUndoSteps(this.db, scenarioId);
    else void recordUndoStep<CellFocus>(this.db, { scenarioId, workbookId: this.workbook.id, seq: entry.seq, change: entry.change, focus: entry.focus });
  }

  private syncUndoFlags(): void {
    this.canUndo = this.history.canUndo;
    this.canRedo = this.history.canRedo;
  }

  /**
   * Applies a change in three steps: memory (lines, tree, records, rows), then the storage plan
   * (queued at once as one transaction), then the worker message and the repaint. `owner`: the step
   * the formulas it reaches belong to (see takeFormulas).
   */
  private apply(change: Change, owner: FormulaOwner, guard?: FormulaGuard): void {
    const applied = this.updateMemory(change);
    this.saves.enqueue(this.storagePlan(change, applied));
    this.tellWorker(applied, owner, guard);
  }

  /** Step 1: the change in memory, with what the later steps need to know of it. */
  private updateMemory(change: Change, derived?: { at: readonly number[]; chunksLater: boolean }): MemoryUpdate {
    this.applied++;
    const u: MemoryUpdate = {
      structural: false,
      repaintNow: !!change.workbook,
      colEdits: [],
      chunkWrites: new Map(),
      putNodes: [],
      deleteNodeIds: [],
      engine: 'none',
      places: { records: [], put: [], deleted: [] },
      rules: { records: [], put: [], deleted: [] },
      // What this tab knew of each record it puts, before this change: the database merges field by field against it.
      bases: {
        workbook: change.workbook ? this.storedWorkbook : undefined,
        nodes: new Map((change.nodes ?? []).filter((c) => c.before && c.after).map((c) => [c.before!.id, c.before!])),
        places: new Map((change.places ?? []).filter((c) => c.before && c.after).map((c) => [c.before!.id, c.before!])),
        scenarios: new Map([[this.scenario.id, this.scenario]]),
      },
      split: null,
      formulasMoved: false,
    };
    if (derived) this.updateDerivedLines(change.lines ?? [], derived.at, derived.chunksLater ? null : u);
    else this.updateLines(change.lines ?? [], u);
    for (const { before, after } of change.nodes ?? []) {
      if (before?.columnFormulas !== after?.columnFormulas) u.formulasMoved = true;
      if (after) {
        if (!before || before.parentId !== after.parentId || before.order !== after.order) u.structural = true;
        this.nodeById.set(after.id, after);
        u.putNodes.push(after);
      } else if (before) {
        u.structural = true;
        this.nodeById.delete(before.id);
        u.deleteNodeIds.push(before.id);
      }
    }
    if (change.workbook) {
      const { before, after } = change.workbook;
      if (before.columnFormulas !== after.columnFormulas || before.settings.formulaRounding !== after.settings.formulaRounding) u.formulasMoved = true;
      this.workbook = after;
      if (before.counterpart !== after.counterpart) u.engine = 'reload';
      else if (before.settings !== after.settings || before.year !== after.year) u.engine = 'configure';
    }
    u.rules = applyRecordChanges(this.rules, change.rules);
    if (change.rules?.length) this.rules = u.rules.records;
    u.places = applyRecordChanges(this.places, change.places);
    if (change.places?.length || change.workbook) {
      this.places = sortPlaces(u.places.records);
      this.placesRevision++;
    }
    if (u.putNodes.length || u.deleteNodeIds.length) u.repaintNow = true;
    if (u.structural) {
      // Row and node indices move: the old roll-up no longer lines up with them until the new one arrives.
      this.rollup = null;
      this.rebuildStructure(this.chunks.allLines());
    } else if (u.putNodes.length) this.tree = orderTree([...this.nodeById.values()]);
    if (change.scenario) {
      this.scenario = change.scenario.after;
      this.scenarios = this.scenarios.map((s) => (s.id === this.scenario.id ? this.scenario : s));
    }
    u.split = change.workbook ? splitEffective(this.workbook, this.storedWorkbook, this.scenario) : null;
    if (u.split) {
      this.storedWorkbook = u.split.workbook;
      if (u.split.scenario) this.scenario = u.split.scenario;
    }
    return u;
  }

  /**
   * The values formulas took, in memory and (unless `u` is null: see noteDerivedChunks) in their
   * chunks: lines at known places (`at`), whose computed fields alone moved (the worker holds them
   * already: no column edit, no repaint asked).
   */
  private updateDerivedLines(changes: NonNullable<Change['lines']>, at: readonly number[], u: MemoryUpdate | null): void {
    const { lines, chunks } = this;
    for (let k = 0; k < changes.length; k++) {
      const { before, after } = changes[k];
      lines[at[k]] = after!;
      if (u) noteChunkWrite(u, chunks.replace(after!), { before: before!, after: after! }, null);
    }
  }

  /** The lines of a change in memory and in their chunks, noting what each touched chunk gains and loses. */
  private updateLines(changes: NonNullable<Change['lines']>, u: MemoryUpdate): void {
    const write = (no: number | undefined, put: LineWrite | null, deleted: Id | null) => noteChunkWrite(u, no, put, deleted);
    // Read once, not per line: `lines` is a reactive field, and a column formula changes 100 000 lines at once.
    const { lines, lineIndex, chunks, slots } = this;
    for (const c of changes) {
      let { before, after } = c;
      if (before && after) {
        const i = lineIndex.get(after.id);
        if (i === undefined) continue;
        // A step's record that formulas' values moved since the step was made (it is undone or done
        // again): what the step changed lands on the line as it is, as storage merges it.
        const cur = lines[i];
        if (cur !== before) {
          after = mergeRecord(cur, before, after);
          before = cur;
        }
        if (before.nodeId !== after.nodeId || before.order !== after.order) u.structural = true;
        if (before.formulas !== after.formulas || before.typedOver !== after.typedOver) u.formulasMoved = true;
        lines[i] = after;
        write(chunks.replace(after), { before, after }, null);
        lineColumnEdits(i, before, after, slots, u.colEdits);
        // The few text fields, not every key of both records: a column formula changes 100 000 lines at once.
        if (!u.repaintNow) for (const key of TEXT_ONLY) if (before[key as keyof Line] !== after[key as keyof Line]) u.repaintNow = true;
      } else if (after) {
        u.structural = true;
        write(chunks.add(after), { before: null, after }, null);
      } else if (before) {
        u.structural = true;
        write(chunks.remove(before.id), null, before.id);
      }
    }
  }

  /**
   * Step 2: what the change writes, as one transaction: the touched chunks' lines (merged into the
   * stored chunk: another tab may have written other lines of it meanwhile; an older chunk of more
   * than CHUNK_SIZE lines is split there, see takeCommitted) and every record put or deleted, each
   * with the base this tab knew.
   */
  private storagePlan(change: Change, u: MemoryUpdate): WorkbookChange {
    const lineWrites = [...u.chunkWrites].map(([no, w]) => ({
      scenarioId: this.scenarioId,
      workbookId: this.workbook.id,
      no,
      put: [...w.put.values()],
      deleteIds: [...w.deleteIds],
    }));
    return {
      workbook: u.split?.workbook,
      workbookId: this.workbook.id,
      putNodes: u.putNodes,
      deleteNodeIds: u.deleteNodeIds,
      lineWrites,
      putScenarios: u.split?.scenario ? [u.split.scenario] : change.scenario ? [this.scenario] : undefined,
      putPlaces: u.places.put,
      deletePlaceIds: u.places.deleted,
      putRules: u.rules.put,
      deleteRuleIds: u.rules.deleted,
      bases: u.bases,
      sync: { scenarioId: this.scenarioId, change: this.syncChangeOf(change, u) },
    };
  }

  /**
   * The step as the records it changes, for a shared workbook's operation: the stored workbook
   * record and this scenario's record as they were and are (not the scenario's view of the workbook).
   */
  private syncChangeOf(change: Change, u: MemoryUpdate): SyncChange {
    const out: SyncChange = {};
    if (change.lines?.length) out.lines = change.lines;
    if (change.nodes?.length) out.nodes = change.nodes;
    if (change.places?.length) out.places = change.places;
    if (change.rules?.length) out.rules = change.rules;
    if (u.split && u.bases.workbook) out.workbook = { before: u.bases.workbook, after: u.split.workbook };
    const scenarioBefore = u.bases.scenarios?.get(this.scenario.id);
    if ((u.split?.scenario || change.scenario) && scenarioBefore) out.scenario = { before: scenarioBefore, after: this.scenario };
    return out;
  }

  /** Step 3: the worker told (new columns, column edits, projection settings or formulas) and the grid repainted. */
  private tellWorker(u: MemoryUpdate, owner: FormulaOwner, guard?: FormulaGuard): void {
    if (u.structural) {
      if (this.heldRepaints) this.heldRepaints.engine = { owner };
      else void this.reloadEngine(owner);
    } else {
      // Formulas set, changed or removed: the worker lays them out again and computes them all,
      // before the values typed with them (a value typed over a formula is then no formula's).
      if (u.formulasMoved && u.engine !== 'reload') this.formulaCheck = this.sendFormulas(owner, false, guard);
      if (u.engine === 'reload') void this.reloadEngine(owner);
      else if (u.engine === 'configure') void this.engine.configure(projectionParams(this.workbook), owner).then((r) => r && this.setRollup(r));
      if (u.colEdits.length) void this.sendEdits(u.colEdits, owner);
    }
    // A plain amount edit is painted once, when its roll-up arrives a few milliseconds later:
    // painting now as well would keep the main thread busy while the worker's answer waits.
    if (u.structural || u.repaintNow || !u.colEdits.length) this.bump('revision');
    // A change the worker will not answer with a roll-up (text, stated figures, places) is checked now.
    if (!u.structural && !u.colEdits.length) this.queueChecks();
  }

  /** Milliseconds the last save took from the edit to its transaction completing (diagnostics). */
  get lastSaveMs(): number {
    return this.saves.lastSaveMs;
  }

  /** Milliseconds the last save's IndexedDB transaction itself took (diagnostics). */
  get lastCommitMs(): number {
    return this.saves.lastCommitMs;
  }

  /** 'saving' while an edit is not yet stored; 'error' once storage refused one (see saveError). */
  get saveStatus(): SaveStatus {
    return this.saves.status;
  }

  /** Why storage refused the last edit, or null. */
  get saveError(): Problem | null {
    return this.saves.error;
  }

  /** Tries again to store the steps that could not be saved (after space was freed). */
  retrySave(): Promise<void> {
    return this.saves.retry(this.workbook.id);
  }

  /** How many edit steps are in memory only, not yet stored. */
  get unsavedCount(): number {
    return this.saves.unsavedCount;
  }
  /** The chunk a line of this scenario is stored in, as this session knows it (a hint: storage may have moved on). */
  storedChunkOf(lineId: Id): number | undefined {
    return this.chunks.chunkOf(lineId);
  }

  /**
   * After a step is stored: the lines its transaction moved out of an older chunk it split follow in
   * this session's chunks (so later edits name where they now are), and the other tabs are told
   * which chunks were written.
   */
  private takeCommitted(outcome: CommitOutcome): void {
    for (const m of outcome.moves) if (m.scenarioId === this.scenarioId) this.chunks.move(m);
    this.onCommitted?.({ workbookId: this.workbook.id, scenarioId: this.scenarioId, chunks: outcome.chunks.get(this.scenarioId) ?? [] });
  }

  /** Called after each successful commit (the app tells the other tabs). */
  onCommitted: ((m: { workbookId: Id; scenarioId: Id; chunks: number[] }) => void) | null = null;

  /**
   * Takes in what another tab committed to this workbook: the shared records (workbook, tree,
   * scenarios, places, rules) and the named chunks of this scenario's lines are read back from
   * storage, after this tab's own pending writes have landed. Not an undoable step; the undo
   * history stays (undoing re-applies this tab's own change, the later edit winning).
   */
  async applyRemote(m: { workbookId: Id; scenarioId: Id; chunks: number[] }): Promise<void> {
    if (m.workbookId !== this.workbook.id) return;
    await this.saves.flush();
    const mine = m.scenarioId === this.scenarioId ? m.chunks : [];
    const got = await loadChanged(this.db, this.workbook.id, this.scenarioId, mine);
    if (!got) return;
    // The tree, the projection's inputs and the formulas of items and of the workbook as they were:
    // then the lines' columns and the worker's roll-up still line up with the records.
    const sameInputs =
      sameRecords(got.workbook, this.storedWorkbook, ['year', 'counterpart', 'settings', 'columnFormulas']) &&
      got.nodes.length === this.nodeById.size &&
      got.nodes.every((n) => sameRecords(n, this.nodeById.get(n.id)));
    this.storedWorkbook = got.workbook;
    this.scenario = got.scenarios.find((s) => s.id === this.scenarioId) ?? this.scenario;
    this.scenarios = sortScenarios(got.scenarios, got.workbook);
    this.workbook = effectiveWorkbook(got.workbook, this.scenario);
    this.nodeById = new Map(got.nodes.map((n) => [n.id, n]));
    this.places = sortPlaces(got.places);
    this.rules = got.rules;
    this.placesRevision++;
    this.applied++;
    const inPlace = sameInputs ? this.linesEditedInPlace(got.chunks) : null;
    for (const [no, lines] of got.chunks) this.chunks.setChunk(no, lines);
    if (inPlace) {
      // Cells of lines that stay where they are (another office's or tab's edit of a few cells): as a
      // local edit is taken in, the lines replaced and their columns edited in the worker, not every
      // line sorted again and the worker loaded anew (seconds on 100 000 lines).
      const edits: ColumnEdit[] = [];
      for (const { i, before, after } of inPlace) {
        this.lines[i] = after;
        lineColumnEdits(i, before, after, this.slots, edits);
      }
      this.bump('revision');
      if (edits.length) await this.sendEdits(edits, null);
      else this.queueChecks();
      return;
    }
    this.rollup = null;
    this.rebuildStructure(this.chunks.allLines());
    this.bump('revision');
    await this.reloadEngine(null);
  }

  /**
   * The lines of the chunks read back, when every one of them is a line this session holds in those
   * chunks (an older chunk split by the other tab moves lines between them), under the same item and
   * at the same place, and the chunks lost none: each with its index and both records (only those
   * that differ). Null when anything moved, came or went, or a formula changed.
   */
  private linesEditedInPlace(chunks: Map<number, Line[]>): { i: number; before: Line; after: Line }[] | null {
    const out: { i: number; before: Line; after: Line }[] = [];
    const held = new Set<Id>();
    for (const no of chunks.keys()) for (const l of this.chunks.lines(no)) held.add(l.id);
    const seen = new Set<Id>();
    for (const lines of chunks.values()) {
      for (const after of lines) {
        const i = this.lineIndex.get(after.id);
        const before = i === undefined ? undefined : this.lines[i];
        if (i === undefined || !before || !held.has(after.id) || seen.has(after.id)) return null;
        seen.add(after.id);
        if (before.nodeId !== after.nodeId || before.order !== after.order) return null;
        if (JSON.stringify(before.formulas) !== JSON.stringify(after.formulas) || JSON.stringify(before.typedOver) !== JSON.stringify(after.typedOver)) return null;
        if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ i, before, after });
      }
    }
    return seen.size === held.size ? out : null;
  }

  private rebuildStructure(lines: Line[]): void {
    const tree = orderTree([...this.nodeById.values()]);
    const sorted = orderLines(tree, lines);
    this.tree = tree;
    this.lines = sorted;
    this.lineIndex = new Map(sorted.map((l, i) => [l.id, i]));
    this.lineNode = Int32Array.from(sorted, (l) => tree.indexOf.get(l.nodeId) ?? -1);
    // The worker's plan no longer lines up with these lines until they are loaded again.
    this.enginePlan = -1;
    this.view.rebuild();
  }

  /** Repaints asked for while a large change is applied, released together in a later task. */
  private heldRepaints: { revision: boolean; structure: boolean; engine: { owner: FormulaOwner } | null } | null = null;

  private bump(kind: 'revision' | 'structure'): void {
    if (this.heldRepaints) this.heldRepaints[kind] = true;
    else if (kind === 'revision') this.revision++;
    else this.structureRevision++;
  }

  /**
   * Runs `apply`, then lets the page paint before the roll-up columns are built for the worker, and
   * again before the grid reloads its rows: for a large change (100 000 rows) each is a task of its
   * own. The import dialog is open meanwhile, so no one works in the grid in between.
   */
  private async repaintAfter(apply: () => void): Promise<void> {
    this.heldRepaints ??= { revision: false, structure: false, engine: null };
    try {
      apply();
      await afterPaint();
      if (this.heldRepaints.engine) {
        const { owner } = this.heldRepaints.engine;
        this.heldRepaints.engine = null;
        void this.reloadEngine(owner);
        await afterPaint();
      }
    } finally {
      const held = this.heldRepaints;
      this.heldRepaints = null;
      if (held?.engine) void this.reloadEngine(held.engine.owner);
      if (held?.structure) this.structureRevision++;
      if (held?.revision) this.revision++;
    }
  }

  /**
   * Loads the lines into the worker, then their formulas (after the roll-up, which is painted first);
   * resolves once the roll-up is in. `owner`: the step the formulas' values belong to.
   */
  private reloadEngine(owner: FormulaOwner): Promise<void> {
    const wb = this.workbook;
    const loaded = this.engine.load(buildColumns(this.tree, this.lines, counterpartColumn(wb.counterpart, wb.year), projectionParams(wb), this.slots));
    this.enginePlan = this.engine.planNumber;
    this.formulasSent = false;
    const rolledUp = loaded.then((r) => {
      if (r) this.setRollup(r);
    });
    const work = rolledUp.then(async () => {
      await this.sendFormulas(owner, true);
    });
    this.engineWork.add(work);
    void work.finally(() => this.engineWork.delete(work));
    return rolledUp;
  }

  /** Requests to the worker that go on after their first answer (a load, then its formulas). */
  private readonly engineWork = new Set<Promise<void>>();

  private async sendEdits(edits: ColumnEdit[], owner: FormulaOwner): Promise<void> {
    const r = await this.engine.edit(edits, owner);
    if (r) this.setRollup(r);
  }

  private setRollup(r: Rollup): void {
    this.rollup = r;
    this.bump('revision');
    this.queueChecks();
  }
}

/** Notes what a chunk gains (a line put, with the record it replaces) or loses (a line deleted) in a change's writes. */
function noteChunkWrite(u: MemoryUpdate, no: number | undefined, put: LineWrite | null, deleted: Id | null): void {
  if (no === undefined) return;
  let w = u.chunkWrites.get(no);
  if (!w) u.chunkWrites.set(no, (w = { put: new Map(), deleteIds: new Set() }));
  if (put) {
    const earlier = w.put.get(put.after.id);
    w.put.set(put.after.id, earlier ? { before: earlier.before, after: put.after } : put);
    if (w.deleteIds.size) w.deleteIds.delete(put.after.id);
  }
  if (deleted) {
    w.put.delete(deleted);
    w.deleteIds.add(deleted);
  }
}

/** Whether two records hold the same values (all fields, or the named ones); records are JSON data. */
function sameRecords<T extends object>(a: T, b: T | undefined, keys?: (keyof T)[]): boolean {
  if (!b) return false;
  if (!keys) return JSON.stringify(a) === JSON.stringify(b);
  return keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/** What updating memory found out about a change, for the storage plan and the worker message. */
interface MemoryUpdate {
  /** Lines or items added, removed or moved: rows and the worker's columns are rebuilt. */
  structural: boolean;
  /** Something changed that the worker's next roll-up will not repaint by itself. */
  repaintNow: boolean;
  colEdits: ColumnEdit[];
  /** What each touched chunk gains and loses. */
  chunkWrites: Map<number, { put: Map<Id, LineWrite>; deleteIds: Set<Id> }>;
  putNodes: TreeNode[];
  deleteNodeIds: Id[];
  /** What the worker needs besides column edits when nothing structural changed. */
  engine: 'none' | 'reload' | 'configure';
  places: RecordWrites<Place>;
  rules: RecordWrites<AllocationRuleRecord>;
  bases: NonNullable<WorkbookChange['bases']>;
  /** The workbook record and scenario to store after a workbook change (see splitEffective). */
  split: ReturnType<typeof splitEffective> | null;
  /** A formula or a field typed over one was set, changed or removed without the lines moving: the worker is sent them again. */
  formulasMoved: boolean;
}

interface RecordWrites<T> {
  records: T[];
  put: T[];
  deleted: Id[];
}

/** A line's value of a field as an import wrote it (a stated plan lives in `stated`). */
const importedValue = (l: Line, field: AnyField): unknown => (field === 'statedPlan' ? l.stated?.plan : l[field as keyof Line]);

/** Records after a list of before/after changes, with what to write and what to delete. */
function applyRecordChanges<T extends { id: Id }>(records: readonly T[], changes: RecordChange<T>[] | undefined): RecordWrites<T> {
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

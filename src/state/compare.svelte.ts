// The compare view's state: which scenarios or versions of the open workbook are compared (the
// first is the reference), the measures, the roll-up dimension and the rows shown; the scenarios'
// lines loaded from storage, prepared once per choice of scenarios, and the comparison computed in
// a worker of its own (so a comparison never waits behind the grid's recalculation, nor delays it).

import type { Id, Place, Result, Scenario, TreeNode } from '../domain/model';
import { orderTree } from '../domain/tree';
import { compareRequest, groupLines, prepareComparison, type CompareGroups, type PreparedComparison, type ScenarioPlan } from '../domain/compare-request';
import type { CompareDimension, CompareMeasure, Comparison } from '../domain/compare';
import { RecalcClient } from '../engine/recalc-client';
import type { AppState } from './app.svelte';
import type { WorkbookSession } from './session.svelte';

export const MAX_COMPARED = 4;

/** What the user chose to compare and how to show it. */
export interface CompareChoice {
  /** Two to four scenario ids (one shows the values alone); the first is the reference. */
  scenarioIds: Id[];
  measures: CompareMeasure[];
  dimension: CompareDimension;
  onlyChanged: boolean;
  sortByChange: boolean;
}

/** A computed comparison with what is needed to label it. */
export interface CompareOutcome {
  choice: CompareChoice;
  scenarios: Scenario[];
  /** The workbook's baseline scenario, to name it as such. */
  baselineId: Id;
  prepared: PreparedComparison;
  /** Groups of the dimension; null when rolled up by project (the tree's nodes). */
  groups: CompareGroups | null;
  comparison: Comparison;
}

export type CompareStatus = 'idle' | 'loading' | 'computing' | 'ready' | 'error';

interface Loaded {
  scenario: Scenario;
  plan: ScenarioPlan;
  /** The session's revision when loaded, for the scenario open in the grid (its lines change). */
  revision: number;
}

/** A chosen scenario is no longer in storage (deleted meanwhile, e.g. in another tab). */
class MissingScenario extends Error {}

// The last choice per workbook, kept for this visit so leaving the tab and coming back keeps it.
const remembered = new Map<Id, CompareChoice>();

/** The default choice: the open scenario against the one it was copied from (or the baseline). */
export function defaultChoice(session: Pick<WorkbookSession, 'scenarios' | 'scenarioId' | 'workbook' | 'scenario'>): CompareChoice {
  const ids = session.scenarios.map((s) => s.id);
  const current = session.scenarioId;
  const source = session.scenario.sourceId && ids.includes(session.scenario.sourceId) ? session.scenario.sourceId : session.workbook.baselineScenarioId;
  const reference = source !== current ? source : current;
  const other = current !== reference ? current : (ids.find((id) => id !== reference) ?? reference);
  return { scenarioIds: [reference, other], measures: ['plan', 'projected'], dimension: 'project', onlyChanged: false, sortByChange: false };
}

export class CompareState {
  choice = $state<CompareChoice>({ scenarioIds: [], measures: ['plan'], dimension: 'project', onlyChanged: false, sortByChange: false });
  outcome = $state.raw<CompareOutcome | null>(null);
  status = $state<CompareStatus>('idle');
  /** Why the last comparison failed, or null. */
  error = $state<'missing' | 'failed' | null>(null);
  /** Milliseconds from asking the worker to the comparison arriving (diagnostics, benchmarks). */
  lastComputeMs = 0;

  private client: RecalcClient;
  private workbookId: Id | null = null;
  private loaded = new Map<Id, Loaded>();
  private places: Place[] = [];
  private treeNodes: TreeNode[] = [];
  private prepared: { key: string; value: PreparedComparison; groups: Map<CompareDimension, CompareGroups> } | null = null;
  private seq = 0;
  /** The preparation whose columns the worker was last sent (it keeps them rolled up). */
  private sentId: string | null = null;

  constructor(
    private app: AppState,
    client?: RecalcClient,
  ) {
    this.client = client ?? new RecalcClient();
  }

  /**
   * Brings the comparison up to date with the open workbook and the choice: loads the scenarios not
   * loaded yet (and the open one again after an edit), prepares them once per choice of scenarios,
   * then asks the worker. A newer call supersedes an older one still under way.
   */
  async run(): Promise<void> {
    const session = this.app.session;
    if (!session) return;
    const seq = ++this.seq;
    if (this.workbookId !== session.workbook.id) this.reset(session);
    const known = new Set(session.scenarios.map((s) => s.id));
    const kept = this.choice.scenarioIds.filter((id) => known.has(id));
    if (kept.length !== this.choice.scenarioIds.length || kept.length === 0) {
      this.choice.scenarioIds = kept.length ? kept : defaultChoice(session).scenarioIds;
    }
    const choice = $state.snapshot(this.choice) as CompareChoice;
    remembered.set(session.workbook.id, choice);
    try {
      const stale = (id: Id) => !this.loaded.has(id) || (id === session.scenarioId && this.loaded.get(id)!.revision !== session.revision);
      if (choice.scenarioIds.some(stale)) {
        this.status = 'loading';
        for (const id of new Set(choice.scenarioIds)) {
          if (!stale(id)) continue;
          const revision = session.revision;
          // The open scenario is in memory as it is (edits not yet saved included): no need to load it.
          const data =
            id === session.scenarioId
              ? { scenario: session.scenario, workbook: session.workbook, lines: [...session.lines], nodes: session.tree.nodes, places: session.places }
              : await this.app.loadScenario(id);
          if (seq !== this.seq) return;
          if (!data) throw new MissingScenario();
          this.loaded.set(id, { scenario: data.scenario, plan: { workbook: data.workbook, lines: data.lines }, revision });
          if (this.prepared?.key.split('|').includes(id)) this.prepared = null;
          if (!this.places.length && data.places.length) this.places = [...data.places].sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
          this.treeNodes = data.nodes;
        }
      }
      const key = choice.scenarioIds.join('|');
      if (this.prepared?.key !== key) {
        const plans = choice.scenarioIds.map((id) => this.loaded.get(id)!.plan);
        this.prepared = { key, value: prepareComparison(orderTree(this.treeNodes), plans), groups: new Map() };
        // Large plans: keep in memory only the scenarios compared now.
        for (const id of [...this.loaded.keys()]) if (!choice.scenarioIds.includes(id)) this.loaded.delete(id);
      }
      const prepared = this.prepared;
      let groups: CompareGroups | null = null;
      if (choice.dimension !== 'project') {
        groups = prepared.groups.get(choice.dimension) ?? groupLines(prepared.value, choice.dimension, this.places);
        prepared.groups.set(choice.dimension, groups);
      }
      this.status = 'computing';
      const rows = { measures: choice.measures, onlyChanged: choice.onlyChanged, sortByChange: choice.sortByChange };
      const started = performance.now();
      const ask = (columns: boolean) => {
        // The worker handles requests in order: once sent, these columns are there for the next one.
        this.sentId = prepared.value.id;
        return this.client.compare(compareRequest(prepared.value, choice.dimension, groups, rows, columns));
      };
      let result: Result<Comparison> | null;
      try {
        result = await ask(this.sentId !== prepared.value.id);
      } catch {
        // The worker failed and the client now computes on this thread; the request's arrays went with it.
        result = await ask(true);
      }
      // A worker replaced since (the client fell back to this thread) no longer holds the columns.
      if (result && !result.ok && result.error.code === 'compare.columns-missing') result = await ask(true);
      if (!result || seq !== this.seq) return;
      if (!result.ok) throw new Error(result.error.code);
      const comparison = result.value;
      this.lastComputeMs = performance.now() - started;
      this.outcome = {
        choice,
        scenarios: choice.scenarioIds.map((id) => this.loaded.get(id)!.scenario),
        baselineId: session.workbook.baselineScenarioId,
        prepared: prepared.value,
        groups,
        comparison,
      };
      this.status = 'ready';
      this.error = null;
    } catch (err) {
      if (seq !== this.seq) return;
      this.status = 'error';
      this.error = err instanceof MissingScenario ? 'missing' : 'failed';
      if (!(err instanceof MissingScenario)) console.error(err);
    }
  }

  /** Where the last comparison was computed ('worker' or 'main-thread'). */
  get mode(): RecalcClient['mode'] {
    return this.client.mode;
  }

  dispose(): void {
    this.seq++;
    this.client.dispose();
  }

  /**
   * Another workbook is open: forget what was loaded and take its remembered or default choice
   * (a choice made before the first run is kept).
   */
  private reset(session: WorkbookSession): void {
    const keep = this.workbookId === null && this.choice.scenarioIds.length > 0;
    this.workbookId = session.workbook.id;
    this.loaded.clear();
    this.places = [];
    this.prepared = null;
    this.outcome = null;
    if (keep) return;
    const choice = remembered.get(session.workbook.id) ?? defaultChoice(session);
    this.choice = { ...choice, scenarioIds: [...choice.scenarioIds], measures: [...choice.measures] };
  }
}

// Typed client of the recalculation worker. Latest wins: every request takes a generation number,
// and a result that arrives after a newer request was sent is dropped (resolved as null), so the
// UI never paints a stale roll-up. An edit comes back as what changed in the roll-up, which the
// client applies to the copy it holds. Falls back to the main thread if the worker cannot run.

import * as Comlink from 'comlink';
import { applyColumnEdits, columnBuffers, packColumnEdits, packedEditBuffers, type ColumnEdit, type PlanColumns, type Rollup } from '../domain/rollup';
import { applyRollupUpdate } from '../domain/rollup-state';
import type { ProjectionParams } from '../domain/projection';
import type { AllocationCall, CheckCall, EditAnswer, RecalcApi } from './recalc-api';
import { applyFormulaResults, type FormulaResults, type FormulaSpec } from '../domain/formula/column-formulas';
import type { FormulaField } from '../domain/model';
import type { CheckContext, CheckEntry } from '../domain/checks';
import { fromColumns, requestOfRule, type AllocationColumns, type AllocationRequest, type AllocationResult, type AllocationRule } from '../domain/allocate';
import { ok, type Result } from '../domain/model';
import { createRecalcService } from './recalc-core';
import { requestBuffers, type CompareRequest, type Comparison } from '../domain/compare';

type Remote = Comlink.Remote<RecalcApi>;
/**
 * Whom the formulas a request reaches belong to, handed back with them: the undo step that made the
 * request (its seq), 'new-step' for a step of their own, null for none.
 */
export type FormulaOwner = number | 'new-step' | null;
/** From this many edits an edit request is packed into typed arrays (see PackedColumnEdits). */
const PACK_FROM = 256;
/** Allocation requests in one lane supersede each other, never those of the other lane. */
type Lane = 'preview' | 'check';

export class RecalcClient {
  private generation = 0;
  private worker: Worker | null = null;
  private remote: Remote | null = null;
  private local: RecalcApi | null = null;
  /** A mirror of the worker's columns (edits applied), replayed into the main-thread fallback if the worker dies. */
  private mirror: PlanColumns | null = null;
  /**
   * The roll-up as the service last made it, every answer applied in order, superseded or not (the
   * service's edits answer with what changed since its previous answer). Each edit patches its
   * arrays in place and hands out a new object around them.
   */
  private held: Rollup | null = null;
  /** Where the last result was computed: shown in diagnostics and checked by the browser tests. */
  mode: 'worker' | 'main-thread' = 'worker';
  /** Milliseconds from the last request being sent to its result arriving (diagnostics, benchmarks). */
  lastRoundTripMs = 0;

  constructor(useWorker = typeof Worker !== 'undefined') {
    if (useWorker) {
      try {
        this.worker = new Worker(new URL('../../workers/recalc.worker.ts', import.meta.url), { type: 'module' });
        this.remote = Comlink.wrap<RecalcApi>(this.worker);
        this.worker.addEventListener('error', () => this.fallBack());
      } catch {
        this.fallBack();
      }
    } else {
      this.fallBack();
    }
  }

  /**
   * Told, in order, what every answer's formulas now hold (the worker wrote them into its columns
   * and roll-up already), with the number of the plan they were computed on (see planNumber): the
   * lines they name by index are those of that plan.
   */
  onFormulas: ((results: FormulaResults, plan: number, owner: FormulaOwner) => void) | null = null;
  /** The number of the plan last loaded; each load takes a new one. */
  planNumber = 0;
  /** The formulas last sent, every line id included (replayed into the main-thread fallback). */
  private spec: FormulaSpec | null = null;
  /** Requests sent and not yet answered, and who waits for none to be left (see settled). */
  private pending = 0;
  private waiting: (() => void)[] = [];

  /**
   * Replaces the plan (its formulas are sent after it: setFormulas); resolves to its roll-up, or null
   * when a newer request superseded it.
   */
  load(cols: PlanColumns): Promise<Rollup | null> {
    const gen = ++this.generation;
    ++this.planNumber;
    this.mirror = cloneColumns(cols);
    this.spec = null;
    return this.counted(async () => {
      const result = await this.call((api) => (this.remote ? this.remote.load(Comlink.transfer(cols, columnBuffers(cols))) : api.load(cloneColumns(this.mirror!))));
      this.held = result;
      return gen === this.generation ? result : null;
    });
  }

  /**
   * Replaces the formulas of the plan loaded (`lineIds` null stands for those sent last: the lines
   * did not move since) and computes them all; resolves to the roll-up after them, or null when
   * superseded. What they computed is told to onFormulas first, with `owner`. With `guard` (a column
   * formula being set), formulas in which it reads itself are refused: `refused` names the cycle's cells.
   */
  setFormulas(
    formulas: FormulaSpec | null,
    owner: FormulaOwner = null,
    guard?: { field: FormulaField; text: string },
  ): Promise<{ rollup: Rollup | null; refused: number[] | null }> {
    const before = this.spec;
    const full = formulas && !formulas.lineIds && before ? { ...formulas, lineIds: before.lineIds } : formulas;
    this.spec = full;
    const gen = ++this.generation;
    const plan = this.planNumber;
    return this.counted(async () => {
      const answer = await this.call((api) => api.formulas(formulas, guard));
      // Refused: the worker keeps the formulas it held, and so does the replay.
      if (answer.refused && this.spec === full) this.spec = before;
      return { rollup: this.take(answer, gen, plan, owner), refused: answer.refused ?? null };
    });
  }

  private async sendFormulas(formulas: 'again', gen: number, plan: number, owner: FormulaOwner): Promise<Rollup | null> {
    const answer = await this.call((api) => api.formulas(formulas));
    return this.take(answer, gen, plan, owner);
  }

  /** An answer taken in: the roll-up patched, the formulas' values written into the mirror and told. */
  private take(answer: EditAnswer, gen: number, plan: number, owner: FormulaOwner): Rollup | null {
    this.held = applyRollupUpdate(this.held, answer);
    if (answer.formulas) {
      if (this.mirror) applyFormulaResults(this.mirror, answer.formulas);
      this.onFormulas?.(answer.formulas, plan, owner);
    }
    return gen === this.generation ? this.held : null;
  }

  /** Whether a request of the plan is still to be answered. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** Resolves once every request sent so far has been answered (and its formulas told). */
  settled(): Promise<void> {
    return this.pending ? new Promise((resolve) => this.waiting.push(resolve)) : Promise.resolve();
  }

  /**
   * Sends edits (always applied, in order); resolves to the new roll-up, or null when superseded.
   * The roll-up is a new object, but its arrays are those of the one before, updated in place.
   */
  async edit(edits: ColumnEdit[], owner: FormulaOwner = null): Promise<Rollup | null> {
    const gen = ++this.generation;
    const plan = this.planNumber;
    if (this.mirror) applyColumnEdits(this.mirror, edits);
    // Many edits cross packed and transferred: cloning 100 000 edit objects held the page's thread.
    const send = (api: RecalcApi | Remote) => {
      if (api !== this.remote || edits.length < PACK_FROM) return api.edit(edits);
      const packed = packColumnEdits(edits);
      return api.edit(Comlink.transfer(packed, packedEditBuffers(packed)));
    };
    return this.counted(async () => this.take(await this.call(send), gen, plan, owner));
  }

  /** Replaces the projection settings (method, profiles, as-of date) and returns the new roll-up. */
  async configure(params: ProjectionParams, owner: FormulaOwner = null): Promise<Rollup | null> {
    const gen = ++this.generation;
    if (this.mirror) this.mirror.params = { ...params, profiles: params.profiles.slice() };
    const plan = this.planNumber;
    return this.counted(async () => {
      const result = await this.call((api) => api.configure(params));
      this.held = result;
      // Formulas reading a projected figure follow the projection.
      if (this.spec) return this.sendFormulas('again', gen, plan, owner);
      return gen === this.generation ? result : null;
    });
  }

  /** Milliseconds the worker's last full pass took on its own thread (a projection change; benchmarks). */
  lastPassMs(): Promise<number> {
    return this.call((api) => api.lastPassMs());
  }

  private allocationGeneration = { preview: 0, check: 0 };
  /** What the service holds from the allocations sent to it: a copy of the ids, columns by key. */
  private sent: { ids: readonly string[]; columns: Map<string, Float64Array> } | null = null;

  /**
   * Splits an envelope in the worker (see allocateColumns) and returns the parts as objects. The
   * rule may come as recipient objects (its columns are then built here and transferred) or in its
   * columnar form, which costs no object per recipient on the way in.
   */
  async allocate(rule: AllocationRule | AllocationRequest, lane: Lane = 'preview'): Promise<Result<AllocationResult> | null> {
    const built = !('ids' in rule);
    const req = built ? requestOfRule(rule) : ok(rule);
    if (!req.ok) {
      ++this.allocationGeneration[lane];
      return req;
    }
    const result = await this.split(req.value, lane, built);
    return result && (result.ok ? ok(fromColumns(req.value.ids, result.value)) : result);
  }

  /**
   * Splits an envelope in the worker, columns in and out. The worker keeps the ids and the value
   * columns it is sent, so only what changed crosses: ids that differ from the last ones sent, and
   * columns that are not the very arrays sent before (copied, never detached: change values in a
   * new array, never in place, as domain/allocation-plan's requestFromRecord does). The parts come
   * back as transferred columns; cloning one object per recipient would cost more than the split.
   * Latest wins within a lane: resolves to null when a newer split was asked for in the same lane
   * meanwhile (a check of saved rules never cancels the preview being typed). Rule-level failures
   * come back as values in the result.
   */
  allocateColumns(req: AllocationRequest, lane: Lane = 'preview'): Promise<Result<AllocationColumns> | null> {
    return this.split(req, lane, false);
  }

  /** allocateColumns; `own`: the request's columns were built for this call and may be transferred. */
  private async split(req: AllocationRequest, lane: Lane, own: boolean): Promise<Result<AllocationColumns> | null> {
    const gen = ++this.allocationGeneration[lane];
    const started = performance.now();
    let result: Result<AllocationColumns>;
    try {
      result = await this.sendAllocation(req, own);
    } catch (error) {
      this.fallBack();
      // The split returns failures as values, so only a bug gets here; transferred columns are
      // gone, and the same split on this thread would only meet it again.
      if (own) throw error;
      result = await this.sendAllocation(req, false);
    }
    this.lastRoundTripMs = performance.now() - started;
    return gen === this.allocationGeneration[lane] ? result : null;
  }

  private async sendAllocation(req: AllocationRequest, own: boolean): Promise<Result<AllocationColumns>> {
    let ids: readonly string[] | null = null;
    if (this.sent === null || !sameIds(this.sent.ids, req.ids)) {
      this.sent = { ids: req.ids.slice(), columns: new Map() };
      ids = req.ids;
    }
    const kept = this.sent.columns;
    const values: AllocationCall['values'] = {};
    const transfer: ArrayBuffer[] = [];
    for (const [key, col] of Object.entries(req.values)) {
      if (kept.get(key) === col) {
        values[key] = null;
        continue;
      }
      // The caller keeps its arrays: the worker gets a copy, moved rather than cloned (one copy, not two).
      const copy = own || !this.remote ? col : col.slice();
      values[key] = copy;
      transfer.push(copy.buffer as ArrayBuffer);
      if (own) kept.delete(key);
      else kept.set(key, col);
    }
    const call: AllocationCall = { ...req, ids, values };
    if (!this.remote) return this.local!.allocate(call);
    try {
      return await this.remote.allocate(Comlink.transfer(call, transfer));
    } catch (error) {
      this.sent = null;
      throw error;
    }
  }

  private compareGeneration = 0;

  /**
   * Compares scenarios in the worker (domain/compare). The request's arrays are transferred, so build
   * it for this call (domain/compare-request copies the prepared columns); the comparison comes back
   * transferred. The worker keeps the scenarios rolled up (see RecalcApi.compare): columns sent once
   * need not be sent again. Latest wins: resolves to null when a newer comparison was asked for
   * meanwhile. If the worker fails, later comparisons run on the main thread and this one rejects
   * (its arrays are gone): ask again with a fresh request, columns included.
   */
  async compare(req: CompareRequest): Promise<Result<Comparison> | null> {
    const gen = ++this.compareGeneration;
    const started = performance.now();
    let result: Result<Comparison>;
    if (this.remote) {
      try {
        result = await this.remote.compare(Comlink.transfer(req, requestBuffers(req)));
      } catch (error) {
        this.fallBack();
        throw error;
      }
    } else result = this.local!.compare(req);
    this.lastRoundTripMs = performance.now() - started;
    return gen === this.compareGeneration ? result : null;
  }

  private checksGeneration = 0;
  /** The service the last check context went to, and the ids and labels it holds from it. */
  private checksSent: { to: unknown; ids: readonly string[]; labels: readonly string[] } | null = null;

  /**
   * Checks the plan in the worker (domain/checks) against a context built from the lines last sent.
   * Line ids and labels cross only when they changed since the last check. Latest wins: resolves
   * to null when a newer check was asked for meanwhile, or when the worker holds other lines than
   * the context names (ask again once the next roll-up has arrived).
   */
  async checks(ctx: CheckContext): Promise<CheckEntry[] | null> {
    const gen = ++this.checksGeneration;
    const send = (api: RecalcApi | Remote) => {
      const kept = this.checksSent?.to === api ? this.checksSent : null;
      const call: CheckCall = {
        ...ctx,
        lineIds: kept && sameIds(kept.ids, ctx.lineIds) ? null : ctx.lineIds,
        lineLabels: kept && sameIds(kept.labels, ctx.lineLabels) ? null : ctx.lineLabels,
      };
      this.checksSent = { to: api, ids: ctx.lineIds, labels: ctx.lineLabels };
      return api.checks(call);
    };
    let result: CheckEntry[] | null;
    try {
      result = await send(this.remote ?? this.local!);
    } catch {
      this.fallBack();
      result = await send(this.local!);
    }
    return gen === this.checksGeneration ? result : null;
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }

  private async call<T>(fn: (api: RecalcApi | Remote) => T | Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      if (this.remote) {
        try {
          return await fn(this.remote);
        } catch {
          this.fallBack();
        }
      }
      return await fn(this.local!);
    } finally {
      this.lastRoundTripMs = performance.now() - started;
    }
  }

  /** Runs a request of the plan, counted until its answer (formulas included) was taken in (see settled). */
  private async counted<T>(request: () => Promise<T>): Promise<T> {
    this.pending++;
    try {
      return await request();
    } finally {
      if (--this.pending === 0) for (const resolve of this.waiting.splice(0)) resolve();
    }
  }

  /** Moves recalculation to the main thread, replaying the mirrored plan. */
  private fallBack(): void {
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
    this.mode = 'main-thread';
    this.local = createRecalcService();
    this.sent = null;
    // Answers still to come are the new service's: they patch the roll-up it starts from.
    if (this.mirror) {
      this.held = this.local.load(cloneColumns(this.mirror));
      // The mirror holds the formulas' values already: laid out again, they move nothing.
      if (this.spec) this.held = applyRollupUpdate(this.held, this.local.formulas(this.spec));
    }
  }
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function cloneColumns(c: PlanColumns): PlanColumns {
  const out = { ...c, params: { ...c.params, profiles: c.params.profiles.slice() } } as PlanColumns;
  for (const [k, v] of Object.entries(c)) if (ArrayBuffer.isView(v)) (out as unknown as Record<string, unknown>)[k] = (v as Float64Array).slice();
  return out;
}

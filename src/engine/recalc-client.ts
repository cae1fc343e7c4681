// Typed client of the recalculation worker. Latest wins: every request takes a generation number,
// and a result that arrives after a newer request was sent is dropped (resolved as null), so the
// UI never paints a stale roll-up. Falls back to the main thread if the worker cannot run.

import * as Comlink from 'comlink';
import { applyColumnEdits, columnBuffers, type ColumnEdit, type PlanColumns, type Rollup } from '../domain/rollup';
import type { RecalcApi } from './recalc-api';
import type { AllocationResult, AllocationRule } from '../domain/allocate';
import { fromColumns, requestBuffers, toRequest, type AllocationColumns } from '../domain/allocate-columns';
import type { Result } from '../domain/model';
import { createRecalcService } from './recalc-core';

type Remote = Comlink.Remote<RecalcApi>;

export class RecalcClient {
  private generation = 0;
  private worker: Worker | null = null;
  private remote: Remote | null = null;
  private local: RecalcApi | null = null;
  /** A mirror of the worker's columns (edits applied), replayed into the main-thread fallback if the worker dies. */
  private mirror: PlanColumns | null = null;
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

  /** Replaces the plan; resolves to its roll-up, or null when a newer request superseded it. */
  async load(cols: PlanColumns): Promise<Rollup | null> {
    const gen = ++this.generation;
    this.mirror = cloneColumns(cols);
    const result = await this.call((api) => (this.remote ? this.remote.load(Comlink.transfer(cols, columnBuffers(cols))) : api.load(cloneColumns(this.mirror!))));
    return gen === this.generation ? result : null;
  }

  /** Sends edits (always applied, in order); resolves to the new roll-up, or null when superseded. */
  async edit(edits: ColumnEdit[]): Promise<Rollup | null> {
    const gen = ++this.generation;
    if (this.mirror) applyColumnEdits(this.mirror, edits);
    const result = await this.call((api) => api.edit(edits));
    return gen === this.generation ? result : null;
  }

  private allocationGeneration = 0;

  /**
   * Splits an envelope in the worker. Latest wins: resolves to null when a newer split was asked
   * for meanwhile. Rule-level failures come back as values in the result.
   */
  async allocate(rule: AllocationRule): Promise<Result<AllocationResult> | null> {
    const gen = ++this.allocationGeneration;
    // Criterion values cross as transferred columns and parts come back as columns: cloning one
    // object per recipient would cost ten times the split itself.
    const req = toRequest(rule);
    let result: Result<AllocationColumns>;
    try {
      result = this.remote ? await this.remote.allocate(Comlink.transfer(req, requestBuffers(req))) : this.local!.allocate(req);
    } catch {
      this.fallBack();
      result = this.local!.allocate(toRequest(rule));
    }
    if (gen !== this.allocationGeneration) return null;
    return result.ok ? { ok: true, value: fromColumns(req.ids, result.value) } : result;
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }

  private async call(fn: (api: RecalcApi | Remote) => Rollup | Promise<Rollup>): Promise<Rollup> {
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

  /** Moves recalculation to the main thread, replaying the mirrored plan. */
  private fallBack(): void {
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
    this.mode = 'main-thread';
    this.local = createRecalcService();
    if (this.mirror) this.local.load(cloneColumns(this.mirror));
  }
}

function cloneColumns(c: PlanColumns): PlanColumns {
  return {
    nodeParent: c.nodeParent.slice(),
    lineNode: c.lineNode.slice(),
    plan: c.plan.slice(),
    disbursed: c.disbursed.slice(),
    expected: c.expected.slice(),
    source: c.source.slice(),
    capital: c.capital.slice(),
    counterpartBp: c.counterpartBp.slice(),
  };
}

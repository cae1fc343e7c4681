// Whether each saved allocation rule still matches the plan: its split is run again in the worker
// and compared with the amounts on the lines it wrote. A rule is split again only when the rule
// itself or the places changed; an edit of the plan alone only compares again (cheap, no worker).

import type { AllocationRuleRecord, Id, Line, Place, Problem, Result } from '../domain/model';
import type { AllocationResult, AllocationRule } from '../domain/allocate';
import { countMoved, linesOfRule, requestFromRecord } from '../domain/allocation-plan';
import type { AllocationRequest } from '../domain/allocate';

/** A saved rule against the plan: matches it, would move `moved` amounts, or cannot be split now. */
export type RuleStatus = { kind: 'current' } | { kind: 'stale'; moved: number } | { kind: 'failed'; problem: Problem };

/** Splits a rule (in the worker); null when a newer split in the same lane superseded it. */
export type SplitRule = (rule: AllocationRule | AllocationRequest) => Promise<Result<AllocationResult> | null>;

interface CachedSplit {
  rec: AllocationRuleRecord;
  places: readonly Place[];
  result: Result<AllocationResult>;
}

export class RuleChecks {
  /** Status per saved rule id; a rule not yet checked is absent. */
  statuses = $state.raw<ReadonlyMap<Id, RuleStatus>>(new Map());
  private splits = new Map<Id, CachedSplit>();
  private generation = 0;

  constructor(private split: SplitRule) {}

  /**
   * Brings the statuses up to date with the rules, places and lines given. Latest wins: a call
   * made while an earlier one waits for the worker makes the earlier one stop without writing.
   */
  async refresh(rules: readonly AllocationRuleRecord[], places: readonly Place[], lines: readonly Line[]): Promise<void> {
    const gen = ++this.generation;
    const next = new Map<Id, RuleStatus>();
    for (const rec of rules) {
      let cached = this.splits.get(rec.id);
      if (!cached || cached.rec !== rec || cached.places !== places) {
        // Columns read straight from the places: the worker keeps them while the places stay the same.
        const result = await this.split(requestFromRecord(rec, places));
        if (result === null || gen !== this.generation) return;
        cached = { rec, places, result };
        this.splits.set(rec.id, cached);
      }
      next.set(rec.id, statusOf(cached.result, linesOfRule(lines, rec.id)));
    }
    if (gen !== this.generation) return;
    for (const id of this.splits.keys()) if (!next.has(id)) this.splits.delete(id);
    this.statuses = next;
  }
}

function statusOf(result: Result<AllocationResult>, written: ReadonlyMap<string, Line>): RuleStatus {
  if (!result.ok) return { kind: 'failed', problem: result.error };
  const moved = countMoved(result.value, written);
  return moved ? { kind: 'stale', moved } : { kind: 'current' };
}

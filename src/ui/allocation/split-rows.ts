// The rows of the split preview: every place (its part of the split, if the split is for the
// current places), then the reserves, then lines the rule wrote for places no longer in the sheet.
// Rows are built on demand by index, so a table showing 40 of 100 000 places builds 40 rows.

import type { Line, Place } from '../../domain/model';
import type { AllocationResult } from '../../domain/allocate';
import { countMoved, reserveKey } from '../../domain/allocation-plan';

/** One row of the preview. `amount` is absent while there is no split to show. */
export interface SplitRow {
  /** The line key: a place id or a reserve key. */
  key: string;
  name: string;
  kind: 'place' | 'reserve' | 'removed';
  score?: number;
  exact?: number;
  amount?: number;
  /** What bound the amount: a Bound, or 'removed'. */
  bound?: string;
  /** The plan of the line the rule wrote for this key (0 when none). */
  current: number;
}

export interface SplitRows {
  count: number;
  rowAt(i: number): SplitRow;
  /** Sum of the amounts (the envelope, when split), or null without a split; sum of the current plan. */
  totals: { amount: number | null; current: number };
  /** How many amounts applying the split would change; null without a split. */
  moved: number | null;
}

/**
 * The preview rows for a split (or none yet) against the lines its rule wrote. `placeIds` are the
 * places' ids, passed in so that a new split (each keystroke) does not build that set again.
 */
export function buildSplitRows(
  places: readonly Place[],
  placeIds: ReadonlySet<string>,
  result: AllocationResult | null,
  written: ReadonlyMap<string, Line>,
  reserveLabel: (id: string) => string,
): SplitRows {
  const plan = (key: string) => written.get(key)?.plan ?? 0;
  const extra: SplitRow[] = result
    ? result.reserved.map((r) => ({ key: reserveKey(r.id), name: reserveLabel(r.id), kind: 'reserve', amount: r.amount, bound: 'reserved', current: plan(reserveKey(r.id)) }))
    : [...written].filter(([k]) => k.startsWith(reserveKey(''))).map(([key, l]) => ({ key, name: l.label, kind: 'reserve', current: l.plan }));
  const reserves = new Set(extra.map((r) => r.key));
  for (const [key, l] of written)
    if (!placeIds.has(key) && !reserves.has(key) && l.plan !== 0)
      extra.push({ key, name: l.label, kind: 'removed', amount: result ? 0 : undefined, bound: 'removed', current: l.plan });
  let current = 0;
  for (const l of written.values()) current += l.plan;
  let amount: number | null = null;
  if (result) {
    amount = 0;
    for (const p of result.parts) amount += p.amount;
    for (const r of result.reserved) amount += r.amount;
  }
  return {
    count: places.length + extra.length,
    rowAt(i) {
      if (i >= places.length) return extra[i - places.length];
      const p = places[i];
      // A split computed for an older list of places lines up no more: show it once the new one arrives.
      const part = result?.parts[i]?.id === p.id ? result.parts[i] : undefined;
      return { key: p.id, name: p.name, kind: 'place', score: part?.score, exact: part?.exact, amount: part?.amount, bound: part?.bound, current: plan(p.id) };
    },
    totals: { amount, current },
    moved: result ? countMoved(result, written) : null,
  };
}

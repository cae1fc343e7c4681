// Roll-ups and derived figures of a plan, on typed-array columns so a worker can hold a columnar
// copy and receive edits instead of whole line objects. Pure: no I/O, same input → same output.

import type { CounterpartRatio, Line, Source, CapitalType } from './model';
import type { OrderedTree } from './tree';
import { mulDivRound, rateToBasisPoints } from './money';

export const SOURCE_CODE: Record<Source, number> = { central: 0, local: 1, other: 2 };
export const CAPITAL_CODE: Record<CapitalType, number> = { investment: 0, recurrent: 1 };
const CENTRAL = SOURCE_CODE.central;

/** The plan as columns. Line i belongs to node lineNode[i]; parents precede children. */
export interface PlanColumns {
  nodeParent: Int32Array;
  lineNode: Int32Array;
  plan: Float64Array;
  disbursed: Float64Array;
  /** Expected year-end rate in percent, NaN when the user gave none. */
  expected: Float64Array;
  source: Uint8Array;
  capital: Uint8Array;
  /**
   * Required counterpart ratio by capital type (index CAPITAL_CODE), in hundredths of a percent of
   * the central amount (1,73 % → 173); 0 = none required.
   */
  counterpartBp: Float64Array;
}

/** Column names an edit may change. */
export type ColumnField = 'plan' | 'disbursed' | 'expected' | 'source' | 'capital';
export interface ColumnEdit {
  line: number;
  field: ColumnField;
  value: number;
}

/**
 * Figures per node (its lines and all descendants'), with the program total at index nodeCount,
 * and derived figures per line. All amounts are integers in đồng.
 */
export interface Rollup {
  nodeCount: number;
  plan: Float64Array;
  disbursed: Float64Array;
  projected: Float64Array;
  unspent: Float64Array;
  /** Plan by source: central, local, other. */
  central: Float64Array;
  local: Float64Array;
  other: Float64Array;
  /** Plan by capital type. */
  investment: Float64Array;
  recurrent: Float64Array;
  /** Local money required as counterpart of the central lines below (ratio × central plan). */
  requiredLocal: Float64Array;
  lineProjected: Float64Array;
  /** Required counterpart of each line (0 unless the line is central money). */
  lineRequired: Float64Array;
  lineUnspent: Float64Array;
  /** True when a sum passed 2^53 đồng and can no longer be trusted to the đồng. */
  overflow: boolean;
}

/** Counterpart ratios for one year as the columns carry them (hundredths of a percent by capital type). */
export function counterpartColumn(ratios: readonly CounterpartRatio[] | undefined, year: number): Float64Array {
  const out = new Float64Array(2);
  for (const r of ratios ?? []) if (r.year === year) out[CAPITAL_CODE[r.capital]] = rateToBasisPoints(r.percent);
  return out;
}

/** Columns of the given lines against an ordered tree; lines whose node is unknown are skipped (index -1). */
export function buildColumns(tree: OrderedTree, lines: readonly Line[], counterpartBp: Float64Array = new Float64Array(2)): PlanColumns {
  const n = lines.length;
  const cols: PlanColumns = {
    nodeParent: Int32Array.from(tree.parentIndex),
    lineNode: new Int32Array(n),
    plan: new Float64Array(n),
    disbursed: new Float64Array(n),
    expected: new Float64Array(n),
    source: new Uint8Array(n),
    capital: new Uint8Array(n),
    counterpartBp: Float64Array.from(counterpartBp),
  };
  for (let i = 0; i < n; i++) {
    const l = lines[i];
    cols.lineNode[i] = tree.indexOf.get(l.nodeId) ?? -1;
    cols.plan[i] = l.plan;
    cols.disbursed[i] = l.disbursed;
    cols.expected[i] = l.expectedRate ?? NaN;
    cols.source[i] = SOURCE_CODE[l.source];
    cols.capital[i] = CAPITAL_CODE[l.capital];
  }
  return cols;
}

/** The value of a line's field as its column stores it. */
export function columnValue(line: Line, field: ColumnField): number {
  switch (field) {
    case 'plan':
      return line.plan;
    case 'disbursed':
      return line.disbursed;
    case 'expected':
      return line.expectedRate ?? NaN;
    case 'source':
      return SOURCE_CODE[line.source];
    case 'capital':
      return CAPITAL_CODE[line.capital];
  }
}

/** Applies edits to columns in place, in order (a later edit of the same cell wins). */
export function applyColumnEdits(cols: PlanColumns, edits: readonly ColumnEdit[]): void {
  for (const e of edits) cols[e.field][e.line] = e.value;
}

/**
 * Projected year-end disbursement of one line: the expected rate applied to the plan, rounded to the
 * đồng, never below what is already disbursed nor above the money available (the plan) unless more
 * than the plan is already disbursed. No expected rate: nothing more than disbursed is projected.
 */
export function projectLine(plan: number, disbursed: number, expectedRate: number): number {
  if (!Number.isFinite(expectedRate)) return disbursed;
  const target = mulDivRound(plan, rateToBasisPoints(expectedRate), 10_000);
  const ceiling = Math.max(plan, disbursed);
  return Math.min(Math.max(target, disbursed), ceiling);
}

/** Sums lines into their nodes, nodes into their parents, roots into the total; exact in đồng. */
export function rollUp(cols: PlanColumns): Rollup {
  const nodeCount = cols.nodeParent.length;
  const size = nodeCount + 1;
  const mk = () => new Float64Array(size);
  const r: Rollup = {
    nodeCount,
    plan: mk(),
    disbursed: mk(),
    projected: mk(),
    unspent: mk(),
    central: mk(),
    local: mk(),
    other: mk(),
    investment: mk(),
    recurrent: mk(),
    requiredLocal: mk(),
    lineProjected: new Float64Array(cols.plan.length),
    lineRequired: new Float64Array(cols.plan.length),
    lineUnspent: new Float64Array(cols.plan.length),
    overflow: false,
  };
  const bySource = [r.central, r.local, r.other];
  const byCapital = [r.investment, r.recurrent];
  const { lineNode, plan, disbursed, expected, source, capital } = cols;
  for (let i = 0; i < plan.length; i++) {
    const node = lineNode[i];
    const p = plan[i];
    const d = disbursed[i];
    const proj = projectLine(p, d, expected[i]);
    r.lineProjected[i] = proj;
    r.lineUnspent[i] = p - proj;
    const bp = source[i] === CENTRAL ? cols.counterpartBp[capital[i]] : 0;
    const required = bp > 0 ? mulDivRound(p, bp, 10_000) : 0;
    r.lineRequired[i] = required;
    if (node < 0) continue;
    r.plan[node] += p;
    r.disbursed[node] += d;
    r.projected[node] += proj;
    r.unspent[node] += p - proj;
    bySource[source[i]][node] += p;
    byCapital[capital[i]][node] += p;
    r.requiredLocal[node] += required;
  }
  const measures = [r.plan, r.disbursed, r.projected, r.unspent, r.central, r.local, r.other, r.investment, r.recurrent, r.requiredLocal];
  // Children come after their parents, so one backward pass carries every subtree upward.
  for (let k = nodeCount - 1; k >= 0; k--) {
    const parent = cols.nodeParent[k];
    const to = parent >= 0 ? parent : nodeCount;
    for (const m of measures) m[to] += m[k];
  }
  for (const m of measures) {
    for (let k = 0; k < size; k++) {
      if (!Number.isSafeInteger(m[k])) {
        r.overflow = true;
        break;
      }
    }
  }
  return r;
}

/** True when the local money planned under a node falls short of its required counterpart. */
export function isCounterpartShort(r: Rollup, k: number): boolean {
  return r.local[k] < r.requiredLocal[k];
}

/** Disbursement rate in percent (NaN when the plan is zero). */
export function rateOf(disbursed: number, plan: number): number {
  return plan === 0 ? NaN : (disbursed / plan) * 100;
}

/** The transferable buffers of a roll-up (for handing it across a worker boundary without copying). */
export function rollupBuffers(r: Rollup): ArrayBuffer[] {
  return [r.plan, r.disbursed, r.projected, r.unspent, r.central, r.local, r.other, r.investment, r.recurrent, r.requiredLocal, r.lineProjected, r.lineUnspent, r.lineRequired].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

/** The transferable buffers of plan columns. */
export function columnBuffers(c: PlanColumns): ArrayBuffer[] {
  return [c.nodeParent, c.lineNode, c.plan, c.disbursed, c.expected, c.source, c.capital, c.counterpartBp].map((a) => a.buffer as ArrayBuffer);
}

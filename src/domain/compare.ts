// Comparing two to four scenarios of one workbook: each scenario's plan, projected year-end,
// carry-over, at risk of lapse, required counterpart and disbursed, per line, per tree node and per
// group of a roll-up dimension (project, implementing unit, source, capital type or place), and the
// rows a comparison grid shows (only changed lines, sorted by size of change). Pure and columnar,
// so the worker runs it on transferred typed arrays; deltas against the first scenario are read
// from the values (exact: every value is whole đồng).
//
// Lines match across scenarios by id: the caller aligns each scenario's lines to a union list
// (`lineIndex`); a line a scenario does not hold is 0 there. A line's node and group are read from
// each scenario's own line, so moving a line between units moves its money between their groups.

import { columnBuffers, rollUp, type PlanColumns } from './rollup';

export const COMPARE_MEASURES = ['plan', 'projected', 'carryOver', 'lapse', 'requiredLocal', 'disbursed'] as const;
export type CompareMeasure = (typeof COMPARE_MEASURES)[number];
export const MEASURE_INDEX = Object.fromEntries(COMPARE_MEASURES.map((m, i) => [m, i])) as Record<CompareMeasure, number>;

export const COMPARE_DIMENSIONS = ['project', 'unit', 'source', 'capital', 'place'] as const;
/** What the roll-up groups by: the budget-line tree, or one attribute of each line. */
export type CompareDimension = (typeof COMPARE_DIMENSIONS)[number];

/** Row codes of a comparison grid: r ≥ 0 is union line r, -1 the total, r ≤ -2 group (-r - 2). */
export const COMPARE_TOTAL = -1;
export const groupRow = (g: number): number => -g - 2;
export const rowGroup = (code: number): number => -code - 2;

/**
 * One scenario as the comparison reads it. Its columns and line indices are rolled up once: a
 * service that keeps what it rolled up by `key` may be sent them as null again (see recalc-core).
 */
export interface CompareScenarioColumns {
  /** Names these columns: the same key always stands for the same columns. */
  key: string;
  /** The scenario's own lines (its order, its counterpart ratios and projection settings). */
  cols: PlanColumns | null;
  /** Index in the union line list of each of the scenario's lines. */
  lineIndex: Int32Array | null;
  /** Group of each of the scenario's lines in the chosen dimension; null for 'project' (the line's node). */
  group: Int32Array | null;
}

/** A scenario rolled up: each measure's value per line of the scenario, and where each line goes. */
export interface ScenarioValues {
  lineIndex: Int32Array;
  lineNode: Int32Array;
  nodeParent: Int32Array;
  /** One column per measure of COMPARE_MEASURES, in the scenario's line order. */
  values: Float64Array[];
  overflow: boolean;
}

/** Which rows the grid shows. */
export interface CompareRowOptions {
  /** The measures shown: a row has changed when one of them differs from the first scenario's. */
  measures: CompareMeasure[];
  onlyChanged: boolean;
  /** Siblings (nodes, groups, lines of one group) by the size of their change, largest first. */
  sortByChange: boolean;
}

export interface CompareRequest {
  /** Size of the union line list. */
  lineCount: number;
  dimension: CompareDimension;
  /** Number of groups ('project': ignored, the tree's nodes are the groups). */
  groupCount: number;
  /** Two to four scenarios; the first is the reference of every delta. */
  scenarios: CompareScenarioColumns[];
  rows: CompareRowOptions;
}

/**
 * Values of every measure for every scenario. Layout, for measure m (index in COMPARE_MEASURES) and
 * scenario s of S: `line[(m·S + s)·lineCount + i]`, `node[(m·S + s)·(nodeCount + 1) + k]` and
 * `group[(m·S + s)·(groupCount + 1) + g]`, the total last in both roll-ups.
 */
export interface Comparison {
  scenarioCount: number;
  lineCount: number;
  nodeCount: number;
  dimension: CompareDimension;
  /** Groups of the dimension; for 'project' the tree's nodes (then `group` repeats `node`). */
  groupCount: number;
  line: Float64Array;
  node: Float64Array;
  group: Float64Array;
  /** 1 where scenario s holds line i: `present[s·lineCount + i]`. */
  present: Uint8Array;
  /** The group (node for 'project') each line is shown under: its group in the first scenario holding it; -1 = none. */
  lineGroup: Int32Array;
  /** Tree parent of each node, -1 for roots (the rows of 'project' follow it). */
  nodeParent: Int32Array;
  /** The rows to show, as codes (COMPARE_TOTAL, groupRow(g), line index), the total last. */
  rows: Int32Array;
  /** True when a value passed 2^53 đồng and can no longer be trusted to the đồng. */
  overflow: boolean;
}

/** Rolls one scenario up on its own columns (projection, oldest-vintage-first drawing, counterpart). */
export function scenarioValues(cols: PlanColumns, lineIndex: Int32Array): ScenarioValues {
  const r = rollUp(cols);
  return {
    lineIndex,
    lineNode: cols.lineNode,
    nodeParent: cols.nodeParent,
    values: [cols.plan, r.lineProjected, r.lineCarry, r.lineLapse, r.lineRequired, cols.disbursed],
    overflow: r.overflow,
  };
}

/**
 * Compares the scenarios of a request that carries every scenario's columns. Guarantees: every
 * node and group value is the exact sum of the line values below it, so the deltas of the parts
 * sum to the delta of the total; a line a scenario does not hold is 0 there; a line with an
 * unknown node counts nowhere (as in the plan's own roll-up).
 */
export function compareScenarios(req: CompareRequest): Comparison {
  return compareValues(
    req,
    req.scenarios.map((s) => {
      if (!s.cols || !s.lineIndex) throw new Error(`compareScenarios: no columns for ${s.key}`);
      return scenarioValues(s.cols, s.lineIndex);
    }),
  );
}

/** compareScenarios on scenarios already rolled up (one per scenario of the request, in order). */
export function compareValues(req: CompareRequest, scenarios: readonly ScenarioValues[]): Comparison {
  const S = scenarios.length;
  if (S < 1) throw new Error('compareValues: no scenario');
  const n = req.lineCount;
  const nodeParent = scenarios[0].nodeParent;
  const nodeCount = nodeParent.length;
  const byTree = req.dimension === 'project';
  const groupCount = byTree ? nodeCount : req.groupCount;
  const M = COMPARE_MEASURES.length;
  const out: Comparison = {
    scenarioCount: S,
    lineCount: n,
    nodeCount,
    dimension: req.dimension,
    groupCount,
    line: new Float64Array(M * S * n),
    node: new Float64Array(M * S * (nodeCount + 1)),
    group: new Float64Array(M * S * (groupCount + 1)),
    present: new Uint8Array(S * n),
    lineGroup: new Int32Array(n).fill(-1),
    nodeParent: Int32Array.from(nodeParent),
    rows: new Int32Array(0),
    overflow: false,
  };
  for (let s = 0; s < S; s++) {
    const { lineIndex, lineNode, values, overflow } = scenarios[s];
    const group = req.scenarios[s].group;
    if (overflow) out.overflow = true;
    for (let j = 0; j < lineIndex.length; j++) {
      const i = lineIndex[j];
      out.present[s * n + i] = 1;
      const node = lineNode[j];
      const g = byTree ? node : node < 0 ? -1 : (group?.[j] ?? -1);
      if (out.lineGroup[i] < 0) out.lineGroup[i] = g;
      for (let m = 0; m < M; m++) {
        const v = values[m][j];
        out.line[(m * S + s) * n + i] = v;
        if (node >= 0) out.node[(m * S + s) * (nodeCount + 1) + node] += v;
        if (!byTree && g >= 0) out.group[(m * S + s) * (groupCount + 1) + g] += v;
      }
    }
    for (let m = 0; m < M; m++) {
      const base = (m * S + s) * (nodeCount + 1);
      // Children come after their parents, so one backward pass carries every subtree upward.
      for (let k = nodeCount - 1; k >= 0; k--) {
        const p = nodeParent[k];
        out.node[base + (p >= 0 ? p : nodeCount)] += out.node[base + k];
      }
      const gBase = (m * S + s) * (groupCount + 1);
      if (byTree) out.group.set(out.node.subarray(base, base + nodeCount + 1), gBase);
      else {
        let total = 0;
        for (let g = 0; g < groupCount; g++) total += out.group[gBase + g];
        out.group[gBase + groupCount] = total;
      }
    }
  }
  for (const a of [out.node, out.group]) if (!a.every(Number.isSafeInteger)) out.overflow = true;
  out.rows = compareRows(out, req.rows);
  return out;
}

/** A value of the comparison: line i, group g (groupRow code) or the total, as a row code names it. */
export function rowValue(c: Comparison, measure: CompareMeasure, s: number, code: number): number {
  const m = MEASURE_INDEX[measure];
  const S = c.scenarioCount;
  if (code >= 0) return c.line[(m * S + s) * c.lineCount + code];
  const g = code === COMPARE_TOTAL ? c.groupCount : rowGroup(code);
  return c.group[(m * S + s) * (c.groupCount + 1) + g];
}

/** Δ of scenario s against the first scenario on a row (0 for the first itself). Exact in đồng. */
export function rowDelta(c: Comparison, measure: CompareMeasure, s: number, code: number): number {
  return rowValue(c, measure, s, code) - rowValue(c, measure, 0, code);
}

/** Δ % of a value against its reference: NaN when the reference is 0 (no base to measure against). */
export function deltaPercent(value: number, reference: number): number {
  return reference === 0 ? NaN : ((value - reference) / Math.abs(reference)) * 100;
}

/** Size of a row's change: the largest |Δ| of any shown measure in any scenario against the first. */
function changeSize(values: Float64Array, stride: number, S: number, measures: readonly number[], at: number): number {
  let size = 0;
  for (const m of measures) {
    const ref = values[m * S * stride + at];
    for (let s = 1; s < S; s++) {
      const d = Math.abs(values[(m * S + s) * stride + at] - ref);
      if (d > size) size = d;
    }
  }
  return size;
}

/**
 * The rows to show: for 'project' each node, its lines, then its child nodes (tree order); for
 * another dimension each group then its lines (group order); the total last. With `onlyChanged`
 * a line is kept when it changed, a node or group when it changed or keeps a changed line or node
 * below it. With `sortByChange` siblings come largest change first (ties in their own order).
 */
export function compareRows(c: Comparison, opts: CompareRowOptions): Int32Array {
  const S = c.scenarioCount;
  const n = c.lineCount;
  const G = c.groupCount;
  const measures = opts.measures.map((m) => MEASURE_INDEX[m]);
  const lineSize = new Float64Array(n);
  for (let i = 0; i < n; i++) lineSize[i] = changeSize(c.line, n, S, measures, i);
  const groupSize = new Float64Array(G);
  for (let g = 0; g < G; g++) groupSize[g] = changeSize(c.group, G + 1, S, measures, g);

  // Lines under each group, in union order (a counting sort on the group each line shows under).
  const start = new Int32Array(G + 1);
  for (let i = 0; i < n; i++) if (c.lineGroup[i] >= 0) start[c.lineGroup[i] + 1]++;
  for (let g = 0; g < G; g++) start[g + 1] += start[g];
  const fill = start.slice(0, G);
  const members = new Int32Array(start[G]);
  for (let i = 0; i < n; i++) if (c.lineGroup[i] >= 0) members[fill[c.lineGroup[i]]++] = i;

  const byTree = c.dimension === 'project';
  // Whether a group has anything to show: its own change, a changed line, or (tree) a shown child.
  const shown = new Uint8Array(G);
  for (let g = 0; g < G; g++) {
    if (!opts.onlyChanged || groupSize[g] > 0) shown[g] = 1;
    else for (let j = start[g]; j < start[g + 1] && !shown[g]; j++) if (lineSize[members[j]] > 0) shown[g] = 1;
  }
  if (byTree) for (let k = G - 1; k >= 0; k--) if (shown[k] && c.nodeParent[k] >= 0) shown[c.nodeParent[k]] = 1;

  const bySize = (size: Float64Array) => (a: number, b: number) => size[b] - size[a] || a - b;
  const out: number[] = [];
  const emitLines = (g: number) => {
    let list = Array.from(members.subarray(start[g], start[g + 1]));
    if (opts.onlyChanged) list = list.filter((i) => lineSize[i] > 0);
    if (opts.sortByChange) list.sort(bySize(lineSize));
    for (const i of list) out.push(i);
  };
  const children: number[][] = Array.from({ length: G + 1 }, () => []);
  for (let g = 0; g < G; g++) {
    const parent = byTree && c.nodeParent[g] >= 0 ? c.nodeParent[g] : G;
    if (shown[g]) children[parent].push(g);
  }
  const emit = (g: number) => {
    out.push(groupRow(g));
    emitLines(g);
    const kids = children[g];
    if (opts.sortByChange) kids.sort(bySize(groupSize));
    for (const k of kids) emit(k);
  };
  const roots = children[G];
  if (opts.sortByChange) roots.sort(bySize(groupSize));
  for (const g of roots) emit(g);
  out.push(COMPARE_TOTAL);
  return Int32Array.from(out);
}

/** The transferable buffers of a comparison (for handing it across a worker boundary without copying). */
export function comparisonBuffers(c: Comparison): ArrayBuffer[] {
  return [c.line, c.node, c.group, c.present, c.lineGroup, c.nodeParent, c.rows].map((a) => a.buffer as ArrayBuffer);
}

/** The transferable buffers of a request (each scenario's columns, line indices and groups), each once. */
export function requestBuffers(req: CompareRequest): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const s of req.scenarios) {
    if (s.cols) for (const b of columnBuffers(s.cols)) out.add(b);
    if (s.lineIndex) out.add(s.lineIndex.buffer as ArrayBuffer);
    if (s.group) out.add(s.group.buffer as ArrayBuffer);
  }
  return [...out];
}

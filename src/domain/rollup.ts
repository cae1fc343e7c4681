// Roll-ups and derived figures of a plan, on typed-array columns so a worker can hold a columnar
// copy and receive edits instead of whole line objects. Pure: no I/O, same input → same output.

import type { CounterpartRatio, Line, Source, CapitalType } from './model';
import { MONTH_COUNT } from './model';
import type { OrderedTree } from './tree';
import { mulDivRound, rateToBasisPoints, roundHalfUp } from './money';
import { BudgetCells } from './budget-cells';
import {
  cumulativeAt,
  dayNumber,
  METHOD_CODE,
  monthsLeft,
  monthStarts,
  projectByProfile,
  FLAG_EXPECTED_EQUALS_REACHED,
  FLAG_FAR_FROM_PROFILE,
  FLAG_NO_PROFILE,
  FLAG_OVER_DISBURSED,
  type ProjectionParams,
} from './projection';

export const SOURCE_CODE: Record<Source, number> = { central: 0, local: 1, other: 2 };
export const CAPITAL_CODE: Record<CapitalType, number> = { investment: 0, recurrent: 1 };
const CENTRAL = SOURCE_CODE.central;
/** MONTH_COUNT, read once for the loops over lines (see projectLines on imported bindings). */
const MONTHS = MONTH_COUNT;
const INVESTMENT = CAPITAL_CODE.investment;

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
  /** Year the money was assigned. */
  vintage: Int32Array;
  /** METHOD_CODE of the line's projection method; -1 = the workbook's. */
  method: Int8Array;
  /** Day number of the line's as-of date; NaN = the workbook's. */
  asOfDay: Float64Array;
  /** 1 when the line's recurrent money may carry over. */
  eligible: Uint8Array;
  /** The line's implementing unit and place as one small number: lines of one budget cell share it. */
  slot: Int32Array;
  /** Row of the line's monthly actuals in `months`; -1 = none known. */
  monthRow: Int32Array;
  /** MONTH_COUNT actuals per row, NaN = not known. */
  months: Float64Array;
  params: ProjectionParams;
}

/** Column names an edit may change. */
export type ColumnField = 'plan' | 'disbursed' | 'expected' | 'source' | 'capital' | 'vintage' | 'method' | 'asOfDay' | 'eligible' | 'slot' | 'month';
export interface ColumnEdit {
  line: number;
  field: ColumnField;
  value: number;
  /** For field 'month': which month (0 … MONTH_COUNT − 1). */
  month?: number;
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
  /** Plan of lines carried in from earlier years (vintage before the plan year). */
  carriedIn: Float64Array;
  /** Projected unspent that carries over into next year, and that lapses ("at risk of lapse"). */
  carryOver: Float64Array;
  lapse: Float64Array;
  /** The expected-rate level: Σ expected rate × plan (a line without an expected rate: its projection). */
  expectedAmount: Float64Array;
  /** Σ of the lines' monthly run-rates needed to reach their expected rate. */
  runRate: Float64Array;
  /** Number of flagged lines below. */
  flagged: Int32Array;
  /** Actual disbursement by month (MONTH_COUNT per node, node-major) and how many lines report months. */
  months: Float64Array;
  monthsKnown: Int32Array;
  /** Each line's own projection, by its method. */
  lineProjected: Float64Array;
  /** Required counterpart of each line (0 unless the line is central money). */
  lineRequired: Float64Array;
  /** What the line's money is left with at year end once its budget cell spends oldest vintage first. */
  lineUnspent: Float64Array;
  lineCarry: Float64Array;
  lineLapse: Float64Array;
  /** Monthly run-rate from the as-of date to reach the expected rate; NaN = none. */
  lineRunRate: Float64Array;
  /** FLAG_* bits (domain/projection). */
  lineFlags: Uint8Array;
  /** True when a sum passed 2^53 đồng and can no longer be trusted to the đồng. */
  overflow: boolean;
}

/** Counterpart ratios for one year as the columns carry them (hundredths of a percent by capital type). */
export function counterpartColumn(ratios: readonly CounterpartRatio[] | undefined, year: number): Float64Array {
  const out = new Float64Array(2);
  for (const r of ratios ?? []) if (r.year === year) out[CAPITAL_CODE[r.capital]] = rateToBasisPoints(r.percent);
  return out;
}

/** Numbers for the implementing unit and place of lines, stable for a session (see PlanColumns.slot). */
export class SlotTable {
  private map = new Map<string, number>();
  of(line: Pick<Line, 'unit' | 'placeId'>): number {
    const key = line.unit + '\u0000' + (line.placeId ?? '');
    let v = this.map.get(key);
    if (v === undefined) this.map.set(key, (v = this.map.size));
    return v;
  }
}

/** Parameters that project by expected rates only, with no dates (for plans without settings). */
export function noProjection(): ProjectionParams {
  return { year: 0, method: 0, asOfDay: NaN, profiles: new Float64Array(65).fill(NaN), reference: 0, flagGap: Infinity };
}

/** Columns of the given lines against an ordered tree; lines whose node is unknown are skipped (index -1). */
export function buildColumns(
  tree: OrderedTree,
  lines: readonly Line[],
  counterpartBp: Float64Array = new Float64Array(2),
  params: ProjectionParams = noProjection(),
  slots: SlotTable = new SlotTable(),
): PlanColumns {
  const n = lines.length;
  let monthRows = 0;
  for (const l of lines) if (l.months) monthRows++;
  const cols: PlanColumns = {
    nodeParent: Int32Array.from(tree.parentIndex),
    lineNode: new Int32Array(n),
    plan: new Float64Array(n),
    disbursed: new Float64Array(n),
    expected: new Float64Array(n),
    source: new Uint8Array(n),
    capital: new Uint8Array(n),
    counterpartBp: Float64Array.from(counterpartBp),
    vintage: new Int32Array(n),
    method: new Int8Array(n),
    asOfDay: new Float64Array(n),
    eligible: new Uint8Array(n),
    slot: new Int32Array(n),
    monthRow: new Int32Array(n).fill(-1),
    months: new Float64Array(monthRows * MONTH_COUNT).fill(NaN),
    params,
  };
  let row = 0;
  for (let i = 0; i < n; i++) {
    const l = lines[i];
    cols.lineNode[i] = tree.indexOf.get(l.nodeId) ?? -1;
    cols.plan[i] = l.plan;
    cols.disbursed[i] = l.disbursed;
    cols.expected[i] = l.expectedRate ?? NaN;
    cols.source[i] = SOURCE_CODE[l.source];
    cols.capital[i] = CAPITAL_CODE[l.capital];
    cols.vintage[i] = l.vintage;
    cols.method[i] = l.method ? METHOD_CODE[l.method] : -1;
    cols.asOfDay[i] = dayNumber(l.asOf);
    cols.eligible[i] = l.carryEligible ? 1 : 0;
    cols.slot[i] = slots.of(l);
    if (l.months) {
      cols.monthRow[i] = row;
      for (let m = 0; m < MONTH_COUNT; m++) cols.months[row * MONTH_COUNT + m] = l.months[m] ?? NaN;
      row++;
    }
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
    case 'vintage':
      return line.vintage;
    case 'method':
      return line.method ? METHOD_CODE[line.method] : -1;
    case 'asOfDay':
      return dayNumber(line.asOf);
    case 'eligible':
      return line.carryEligible ? 1 : 0;
    case 'slot':
    case 'month':
      throw new Error(`columnValue: ${field} is not read from the line alone`);
  }
}

/** The column edits that bring a line's columns from `before` to `after` (slot from the session's table), appended to `out`. */
export function lineColumnEdits(i: number, before: Line, after: Line, slots: SlotTable, out: ColumnEdit[] = []): ColumnEdit[] {
  // Each of the record's own fields by name (one shape per read, so each stays fast), and a
  // column's value read (a date parsed) only when its field moved: a column formula changes
  // 100 000 lines a step.
  const moved = (field: Exclude<ColumnField, 'slot' | 'month'>) => {
    const v = columnValue(after, field);
    if (!Object.is(columnValue(before, field), v)) out.push({ line: i, field, value: v });
  };
  if (before.plan !== after.plan) moved('plan');
  if (before.disbursed !== after.disbursed) moved('disbursed');
  if (before.expectedRate !== after.expectedRate) moved('expected');
  if (before.source !== after.source) moved('source');
  if (before.capital !== after.capital) moved('capital');
  if (before.vintage !== after.vintage) moved('vintage');
  if (before.method !== after.method) moved('method');
  if (before.asOf !== after.asOf) moved('asOfDay');
  if (before.carryEligible !== after.carryEligible) moved('eligible');
  if (before.unit !== after.unit || before.placeId !== after.placeId) out.push({ line: i, field: 'slot', value: slots.of(after) });
  if (before.months !== after.months)
    for (let m = 0; m < MONTH_COUNT; m++) {
      const v = after.months?.[m] ?? NaN;
      if (!Object.is(before.months?.[m] ?? NaN, v)) out.push({ line: i, field: 'month', month: m, value: v });
    }
  return out;
}

/** Column edits as four typed arrays (one entry per edit): what crosses to the worker, transferred, when there are many. */
export interface PackedColumnEdits {
  line: Int32Array;
  /** Index in EDIT_FIELDS. */
  field: Uint8Array;
  /** The month of a 'month' edit, else 0. */
  month: Uint8Array;
  value: Float64Array;
}

const EDIT_FIELDS: readonly ColumnField[] = ['plan', 'disbursed', 'expected', 'source', 'capital', 'vintage', 'method', 'asOfDay', 'eligible', 'slot', 'month'];
const EDIT_FIELD_NO = new Map(EDIT_FIELDS.map((f, k) => [f, k]));

/** The edits packed in their order (unpackColumnEdits gives them back equal). */
export function packColumnEdits(edits: readonly ColumnEdit[]): PackedColumnEdits {
  const n = edits.length;
  const p: PackedColumnEdits = { line: new Int32Array(n), field: new Uint8Array(n), month: new Uint8Array(n), value: new Float64Array(n) };
  for (let k = 0; k < n; k++) {
    const e = edits[k];
    p.line[k] = e.line;
    p.field[k] = EDIT_FIELD_NO.get(e.field)!;
    p.month[k] = e.month ?? 0;
    p.value[k] = e.value;
  }
  return p;
}

/** The edits a packing holds, in order. */
export function unpackColumnEdits(p: PackedColumnEdits): ColumnEdit[] {
  const out: ColumnEdit[] = new Array(p.line.length);
  for (let k = 0; k < out.length; k++) {
    const field = EDIT_FIELDS[p.field[k]];
    out[k] = field === 'month' ? { line: p.line[k], field, month: p.month[k], value: p.value[k] } : { line: p.line[k], field, value: p.value[k] };
  }
  return out;
}

/** The buffers of a packing, to transfer. */
export const packedEditBuffers = (p: PackedColumnEdits): ArrayBuffer[] => [p.line.buffer, p.field.buffer, p.month.buffer, p.value.buffer] as ArrayBuffer[];

/** Applies edits to columns in place, in order (a later edit of the same cell wins). */
export function applyColumnEdits(cols: PlanColumns, edits: readonly ColumnEdit[]): void {
  for (const e of edits) {
    if (e.field === 'month') setMonth(cols, e.line, e.month ?? 0, e.value);
    else cols[e.field][e.line] = e.value;
  }
}

function setMonth(cols: PlanColumns, line: number, month: number, value: number): void {
  let row = cols.monthRow[line];
  if (row < 0) {
    if (Number.isNaN(value)) return;
    let used = 0;
    for (let i = 0; i < cols.monthRow.length; i++) if (cols.monthRow[i] >= used) used = cols.monthRow[i] + 1;
    if ((used + 1) * MONTH_COUNT > cols.months.length) {
      const grown = new Float64Array(Math.max(used + 1, used * 2) * MONTH_COUNT).fill(NaN);
      grown.set(cols.months);
      cols.months = grown;
    }
    row = cols.monthRow[line] = used;
  }
  cols.months[row * MONTH_COUNT + month] = value;
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

/** A roll-up of zeros for nodeCount nodes (and the total) and n lines. */
export function emptyRollup(nodeCount: number, n: number): Rollup {
  const size = nodeCount + 1;
  const node = () => new Float64Array(size);
  const line = () => new Float64Array(n);
  return {
    nodeCount,
    plan: node(),
    disbursed: node(),
    projected: node(),
    unspent: node(),
    central: node(),
    local: node(),
    other: node(),
    investment: node(),
    recurrent: node(),
    requiredLocal: node(),
    carriedIn: node(),
    carryOver: node(),
    lapse: node(),
    expectedAmount: node(),
    runRate: node(),
    flagged: new Int32Array(size),
    months: new Float64Array(size * MONTH_COUNT),
    monthsKnown: new Int32Array(size),
    lineProjected: line(),
    lineRequired: line(),
    lineUnspent: line(),
    lineCarry: line(),
    lineLapse: line(),
    lineRunRate: line(),
    lineFlags: new Uint8Array(n),
    overflow: false,
  };
}

/** The per-node amounts of a roll-up (all but flagged, monthsKnown and months), in one fixed order. */
export function nodeMeasures(r: Rollup): Float64Array[] {
  return [
    r.plan,
    r.disbursed,
    r.projected,
    r.unspent,
    r.central,
    r.local,
    r.other,
    r.investment,
    r.recurrent,
    r.requiredLocal,
    r.carriedIn,
    r.carryOver,
    r.lapse,
    r.expectedAmount,
    r.runRate,
  ];
}

/** Sums lines into their nodes, nodes into their parents, roots into the total; exact in đồng. */
export function rollUp(cols: PlanColumns): Rollup {
  const r = emptyRollup(cols.nodeParent.length, cols.plan.length);
  rollUpInto(cols, BudgetCells.build(cols), r, emptyTrace(cols.plan.length));
  return r;
}

/**
 * What a pass leaves beside the roll-up, for an incremental one to carry on from (domain/rollup-state).
 * magnitude bounds every partial sum of every measure, in whatever order the lines are added:
 * while each stays at most 2^53 − 1 and no amount is fractional, every sum is exact, so adding and
 * taking away lines gives the very figures a full pass gives.
 */
export interface PassTrace {
  /** Each line's expected-rate level (what it adds to expectedAmount). */
  lineTarget: Float64Array;
  /** Σ |value| over the lines in the tree, by MAG_*. */
  magnitude: Float64Array;
  /** Lines in the tree whose plan, disbursed or a known month is not a whole number (or not finite). */
  fractional: number;
}

/** Indices of PassTrace.magnitude: plan (also bounds the sums by source, capital type and carried in), … */
const MAG_PLAN = 0;
const MAG_DISBURSED = 1;
const MAG_PROJECTED = 2;
/** Unspent also bounds carry-over and lapse. */
export const MAG_UNSPENT = 3;
const MAG_REQUIRED = 4;
const MAG_TARGET = 5;
const MAG_RUN_RATE = 6;
const MAG_MONTHS = 7;

/** A trace for n lines, to be filled by a pass. */
export function emptyTrace(n: number): PassTrace {
  return { lineTarget: new Float64Array(n), magnitude: new Float64Array(8), fractional: 0 };
}

/** Adds (sign 1) or takes away (−1) the magnitudes of lines from … to − 1, but their unspent, which their cells count (sumCell). */
export function traceLines(cols: PlanColumns, r: Rollup, trace: PassTrace, from: number, to: number, sign: 1 | -1): void {
  const { lineNode, plan, disbursed, monthRow, months } = cols;
  const { lineProjected, lineRequired, lineRunRate } = r;
  const { lineTarget } = trace;
  let mPlan = 0;
  let mDisbursed = 0;
  let mProjected = 0;
  let mRequired = 0;
  let mTarget = 0;
  let mRunRate = 0;
  let mMonths = 0;
  let fractional = 0;
  for (let i = from; i < to; i++) {
    if (lineNode[i] < 0) continue;
    const p = plan[i];
    const d = disbursed[i];
    mPlan += Math.abs(p);
    mDisbursed += Math.abs(d);
    mProjected += Math.abs(lineProjected[i]);
    mRequired += Math.abs(lineRequired[i]);
    mTarget += Math.abs(lineTarget[i]);
    const rr = lineRunRate[i];
    if (!Number.isNaN(rr)) mRunRate += Math.abs(rr);
    let whole = Number.isInteger(p) && Number.isInteger(d);
    const row = monthRow[i];
    if (row >= 0) {
      for (let m = row * MONTHS, end = m + MONTHS; m < end; m++) {
        const v = months[m];
        if (Number.isNaN(v)) continue;
        mMonths += Math.abs(v);
        if (!Number.isInteger(v)) whole = false;
      }
    }
    if (!whole) fractional++;
  }
  const mag = trace.magnitude;
  mag[MAG_PLAN] += sign * mPlan;
  mag[MAG_DISBURSED] += sign * mDisbursed;
  mag[MAG_PROJECTED] += sign * mProjected;
  mag[MAG_REQUIRED] += sign * mRequired;
  mag[MAG_TARGET] += sign * mTarget;
  mag[MAG_RUN_RATE] += sign * mRunRate;
  mag[MAG_MONTHS] += sign * mMonths;
  trace.fractional += sign * fractional;
}

/** Whether every sum of the roll-up traced is exact, so lines may be taken away and added again. */
export function isTraceExact(trace: PassTrace): boolean {
  if (trace.fractional !== 0) return false;
  for (const m of trace.magnitude) if (!(m <= Number.MAX_SAFE_INTEGER)) return false;
  return true;
}

/** Projection constants of a pass: the dates, and each method's figures at the workbook's as-of day. */
export interface PassContext {
  params: ProjectionParams;
  starts: Float64Array;
  /** Day number of 1 October: from then an expected rate equal to the rate reached is flagged. */
  lateInYear: number;
  /** Cumulative share of each method at the workbook's as-of day, months left then, the reference profile's share. */
  share: Float64Array;
  left: number;
  referenceShare: number;
}

/** The projection constants of a pass under the given parameters (same parameters, same figures as working them out per line). */
export function passContext(params: ProjectionParams): PassContext {
  const starts = monthStarts(params.year);
  const day = params.asOfDay;
  const known = !Number.isNaN(day);
  const share = new Float64Array(PROFILE_COUNT);
  for (let m = 0; m < PROFILE_COUNT; m++) share[m] = known ? cumulativeAt(params.profiles, m, starts, day) : NaN;
  return {
    params,
    starts,
    lateInYear: starts[9],
    share,
    left: known ? monthsLeft(starts, day) : 0,
    referenceShare: known ? cumulativeAt(params.profiles, params.reference, starts, day) : NaN,
  };
}

/** Methods whose profile the projection parameters carry (13 figures each). */
const PROFILE_COUNT = 5;

/**
 * Projects lines from … to − 1, each by its method: writes their lineProjected, lineRunRate,
 * lineFlags and lineRequired, and their expected-rate level (the expected rate × plan, or the
 * projection without one) in lineTarget.
 */
export function projectLines(cols: PlanColumns, ctx: PassContext, r: Rollup, lineTarget: Float64Array, from: number, to: number): void {
  passLines(cols, ctx, r, lineTarget, null, from, to, JUST_PROJECT);
}

/**
 * What passLines does beside projecting each line: nothing (an edit's lines), every sum of a full
 * pass (rollUpInto), those a projection moves (reprojectInto), or those but the run-rates, which
 * only the as-of day moves.
 */
const JUST_PROJECT = 0;
const SUM_ALL = 1;
const SUM_PROJECTIONS = 2;
const SUM_PROJECTIONS_BUT_RATES = 3;

/** Where passLines adds its lines' figures: their node's amounts (ACC or ACC_PROJECTION each), their cell's money, magnitudes. */
interface LineSums {
  cells: BudgetCells;
  trace: PassTrace;
  acc: Float64Array;
  money: Float64Array;
}

/**
 * Projects lines from … to − 1 (as projectLines says) and, unless mode is JUST_PROJECT, adds each
 * line's own figures (all but those its cell draws) into its node's amounts in acc, their
 * magnitudes into the trace (as traceLines), and its projection into its budget cell's money,
 * while they are still in registers: one loop over the lines for what took two (projecting a block
 * of lines, then reading its figures back to sum them). SUM_PROJECTIONS takes each rated line's target and every line's
 * required counterpart as they are (no projection parameter moves them) and adds only what a
 * projection moves. The mode is the same for every line, so its branches cost next to nothing.
 */
function passLines(cols: PlanColumns, ctx: PassContext, r: Rollup, lineTarget: Float64Array, into: LineSums | null, from: number, to: number, mode: number): void {
  // Imported bindings read once, not per line: a module loader may serve them through getters (the
  // test and benchmark runner's does), which then cost more than the projection itself.
  const [mulDiv, basisPoints, byProfile, shareAt, monthsAfter, round] = [mulDivRound, rateToBasisPoints, projectByProfile, cumulativeAt, monthsLeft, roundHalfUp];
  const [overDisbursed, noProfile, farFromProfile, expectedEqualsReached] = [FLAG_OVER_DISBURSED, FLAG_NO_PROFILE, FLAG_FAR_FROM_PROFILE, FLAG_EXPECTED_EQUALS_REACHED];
  const { plan, disbursed, expected, asOfDay, method, source, capital, counterpartBp, lineNode, vintage, monthRow, months } = cols;
  const { lineProjected, lineRunRate, lineFlags, lineRequired, flagged, monthsKnown } = r;
  const nodeMonths = r.months;
  const { params, starts, lateInYear, left: leftAtDay, referenceShare, share: shareAtDay } = ctx;
  const { profiles, reference, flagGap, year } = params;
  const summing = into !== null && mode !== JUST_PROJECT;
  const all = mode === SUM_ALL;
  const reproject = mode === SUM_PROJECTIONS || mode === SUM_PROJECTIONS_BUT_RATES;
  const rates = mode !== SUM_PROJECTIONS_BUT_RATES;
  const acc = into ? into.acc : new Float64Array(0);
  const money = into ? into.money : new Float64Array(0);
  const cellOf = into ? into.cells.cellOf : new Int32Array(0);
  const width = all ? ACC : ACC_PROJECTION;
  let mPlan = 0;
  let mDisbursed = 0;
  let mProjected = 0;
  let mRequired = 0;
  let mTarget = 0;
  let mRunRate = 0;
  let mMonths = 0;
  let fractional = 0;
  for (let i = from; i < to; i++) {
    const p = plan[i];
    const d = disbursed[i];
    const e = expected[i];
    const ownDay = asOfDay[i];
    const own = !Number.isNaN(ownDay);
    const day = own ? ownDay : params.asOfDay;
    const m = method[i] < 0 ? params.method : method[i];
    const rated = Number.isFinite(e);
    const target = rated ? (reproject ? lineTarget[i] : mulDiv(p, basisPoints(e), 10_000)) : 0;
    // Flags as numbers, not branches: whether a line is flagged is as good as random from one line to
    // the next, and mispredicted branches were most of this loop's time.
    let flags = Number(d > p) * overDisbursed;
    let proj: number;
    // As projectLine, with the target worked out once.
    if (m === 0) proj = rated ? Math.min(Math.max(target, d), Math.max(p, d)) : d;
    else {
      const share = Number.isNaN(day) ? NaN : own || m >= PROFILE_COUNT ? shareAt(profiles, m, starts, day) : shareAtDay[m];
      // Nothing disbursed projects nothing whatever the profile: only flag a projection it could not make.
      if (!(share > 0) && d > 0) flags |= noProfile;
      proj = byProfile(p, d, share);
    }
    lineProjected[i] = proj;
    let runRate = NaN;
    if (rated) {
      const left = Number.isNaN(day) ? 0 : own ? monthsAfter(starts, day) : leftAtDay;
      if (left > 0 && rates) runRate = round(Math.max(0, target - d) / left);
      if (!Number.isNaN(day) && p > 0) {
        const reached = (d / p) * 100;
        const share = own ? shareAt(profiles, reference, starts, day) : referenceShare;
        if (share > 0 && share < 1) flags |= Number(Math.abs(e - Math.min(100, reached / share)) > flagGap) * farFromProfile;
        if (day + 1 >= lateInYear) flags |= Number(e < 100) * Number(Math.abs(e - reached) < 0.5) * expectedEqualsReached;
      }
    }
    if (rates) lineRunRate[i] = runRate;
    lineFlags[i] = flags;
    let required = 0;
    if (!reproject) {
      const bp = source[i] === CENTRAL ? counterpartBp[capital[i]] : 0;
      required = bp > 0 ? mulDiv(p, bp, 10_000) : 0;
      lineRequired[i] = required;
    }
    const level = rated ? target : proj;
    // What a reprojection reads and writes is what a projection moves: a rated line's level stays.
    if (!(reproject && rated)) lineTarget[i] = level;
    if (!summing) continue;
    // The sums, in line order: each node's and each cell's in the order a line-by-line reading adds them.
    money[cellOf[i]] += proj;
    const node = lineNode[i];
    if (node < 0) continue;
    const at = node * width;
    acc[at + 2 * Number(all)] += proj;
    acc[at + (all ? 13 : 1)] += level;
    mProjected += Math.abs(proj);
    mTarget += Math.abs(level);
    if (rates && !Number.isNaN(runRate)) {
      acc[at + (all ? 14 : 2)] += runRate;
      mRunRate += Math.abs(runRate);
    }
    flagged[node] += Number(flags !== 0);
    if (!all) continue;
    acc[at] += p;
    acc[at + 1] += d;
    acc[at + 4 + source[i]] += p;
    acc[at + 7 + capital[i]] += p;
    acc[at + 9] += required;
    acc[at + (vintage[i] < year ? 10 : ACC_NONE)] += p;
    mPlan += Math.abs(p);
    mDisbursed += Math.abs(d);
    mRequired += Math.abs(required);
    let whole = Number.isInteger(p) && Number.isInteger(d);
    const row = monthRow[i];
    if (row >= 0) {
      monthsKnown[node]++;
      for (let m = 0, to = node * MONTHS, from = row * MONTHS; m < MONTHS; m++) {
        const v = months[from + m];
        if (Number.isNaN(v)) continue;
        nodeMonths[to + m] += v;
        mMonths += Math.abs(v);
        if (!Number.isInteger(v)) whole = false;
      }
    }
    if (!whole) fractional++;
  }
  if (!summing) return;
  const mag = into!.trace.magnitude;
  mag[MAG_PROJECTED] += mProjected;
  mag[MAG_TARGET] += mTarget;
  if (rates) mag[MAG_RUN_RATE] += mRunRate;
  if (!all) return;
  mag[MAG_PLAN] += mPlan;
  mag[MAG_DISBURSED] += mDisbursed;
  mag[MAG_REQUIRED] += mRequired;
  mag[MAG_MONTHS] += mMonths;
  into!.trace.fractional += fractional;
}

/**
 * Rolls the columns up into r (every figure overwritten), grouped by the given cells, and leaves in
 * trace what an incremental roll-up needs. rollUp is this on fresh cells and arrays.
 */
export function rollUpInto(cols: PlanColumns, cells: BudgetCells, r: Rollup, trace: PassTrace): void {
  const measures = nodeMeasures(r);
  for (const m of measures) m.fill(0);
  r.flagged.fill(0);
  r.monthsKnown.fill(0);
  r.months.fill(0);
  trace.magnitude.fill(0);
  trace.fractional = 0;
  const n = cols.plan.length;
  const ctx = passContext(cols.params);
  const acc = new Float64Array((r.nodeCount + 1) * ACC);
  const money = new Float64Array(cells.count);
  passLines(cols, ctx, r, trace.lineTarget, { cells, trace, acc, money }, 0, n, SUM_ALL);
  for (let k = 0; k < r.nodeCount; k++) for (let m = 0; m < ACC_NONE; m++) measures[m][k] = acc[k * ACC + m];
  drawAll(cols, cells, r, trace, money);
  // Children come after their parents, so one backward pass carries every subtree upward.
  const nodeCount = r.nodeCount;
  for (let k = nodeCount - 1; k >= 0; k--) {
    const parent = cols.nodeParent[k];
    const to = parent >= 0 ? parent : nodeCount;
    for (const m of measures) m[to] += m[k];
    r.flagged[to] += r.flagged[k];
    r.monthsKnown[to] += r.monthsKnown[k];
    for (let m = 0; m < MONTHS; m++) r.months[to * MONTHS + m] += r.months[k * MONTHS + m];
  }
  markOverflow(r);
}

/** Sets r.overflow: whether a sum (but the run-rates, rounded per line) is not a safe integer. */
function markOverflow(r: Rollup): void {
  r.overflow = false;
  for (const m of [...nodeMeasures(r), r.months]) {
    if (m === r.runRate) continue;
    for (let k = 0; k < m.length; k++) {
      if (!Number.isSafeInteger(m[k])) {
        r.overflow = true;
        break;
      }
    }
  }
}

/**
 * Projects and draws every line again after the projection parameters changed, within one plan
 * year, into the roll-up and trace a pass left (rollUpInto, kept by edits since): every figure ends
 * as rollUpInto gives it. The figures no projection parameter moves (plan, disbursed, the sums by
 * source and capital type, the counterpart, carried in, the months) and their magnitudes are kept,
 * which is right only while every sum of the roll-up is exact (isTraceExact, no overflow): their
 * sums are then the same in any order. Each rated line's expected-rate level (in the trace) and each
 * line's required counterpart are taken as the last pass or edit left them: they move with the
 * plan, the expected rate and the counterpart ratios, never with the projection parameters; so are
 * the run-rates, their sums and magnitude when `sameDay` says the parameters' as-of day is the one
 * of that pass (within a year only the day moves them). The rest is worked out as rollUpInto does,
 * in its order.
 */
export function reprojectInto(cols: PlanColumns, cells: BudgetCells, r: Rollup, trace: PassTrace, sameDay = false): void {
  const moved = [r.projected, r.unspent, r.carryOver, r.lapse, r.expectedAmount];
  if (!sameDay) moved.push(r.runRate);
  for (const m of moved) m.fill(0);
  r.flagged.fill(0);
  const mag = trace.magnitude;
  for (const k of [MAG_PROJECTED, MAG_UNSPENT, MAG_TARGET]) mag[k] = 0;
  if (!sameDay) mag[MAG_RUN_RATE] = 0;
  const n = cols.plan.length;
  const ctx = passContext(cols.params);
  const acc = new Float64Array((r.nodeCount + 1) * ACC_PROJECTION);
  const money = new Float64Array(cells.count);
  passLines(cols, ctx, r, trace.lineTarget, { cells, trace, acc, money }, 0, n, sameDay ? SUM_PROJECTIONS_BUT_RATES : SUM_PROJECTIONS);
  const { projected, expectedAmount, runRate, flagged } = r;
  for (let k = 0; k < r.nodeCount; k++) {
    projected[k] = acc[k * ACC_PROJECTION];
    expectedAmount[k] = acc[k * ACC_PROJECTION + 1];
    if (!sameDay) runRate[k] = acc[k * ACC_PROJECTION + 2];
  }
  drawAll(cols, cells, r, trace, money);
  const nodeCount = r.nodeCount;
  for (let k = nodeCount - 1; k >= 0; k--) {
    const parent = cols.nodeParent[k];
    const to = parent >= 0 ? parent : nodeCount;
    for (const m of moved) m[to] += m[k];
    flagged[to] += flagged[k];
  }
  markOverflow(r);
}

/** Amounts per node while a full pass adds (passLines): the nodeMeasures in their order, then a slot for what is not to be counted. */
const ACC = 16;
const ACC_NONE = 15;
/** Amounts per node while a reprojection adds: projected, expected-rate level, run-rate. */
const ACC_PROJECTION = 3;

/**
 * Draws every budget cell at once (see drawCell): each cell's money, its lines' projections, taken
 * oldest vintage first in one sweep of the draw order; adds what each line keeps into its node.
 */
function drawAll(cols: PlanColumns, cells: BudgetCells, r: Rollup, trace: PassTrace, left: Float64Array): void {
  const { lineNode, plan, capital, vintage, eligible } = cols;
  const n = plan.length;
  const year = cols.params.year;
  // Each cell's money (its lines' projections), drawn oldest vintage first: one sweep of the draw order.
  const { cellOf } = cells;
  const { lines: order, last } = cells.drawOrder(cols);
  const { lineUnspent, lineCarry, lineLapse } = r;
  let unspentMagnitude = 0;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    const c = cellOf[i];
    const p = plan[i];
    const have = left[c];
    // As drawCell: the cell's last line takes what is left, even more than it has.
    const drawn = last[c] === i ? have : Math.min(Math.max(p, 0), have);
    left[c] = have - drawn;
    const unspent = p - drawn;
    lineUnspent[i] = unspent;
    const carry = carryOf(unspent, vintage[i], year, capital[i], eligible[i]);
    const lapse = lapseOf(unspent, carry);
    lineCarry[i] = carry;
    lineLapse[i] = lapse;
    const node = lineNode[i];
    if (node < 0) continue;
    r.unspent[node] += unspent;
    r.carryOver[node] += carry;
    r.lapse[node] += lapse;
    unspentMagnitude += Math.abs(unspent);
  }
  trace.magnitude[MAG_UNSPENT] += unspentMagnitude;
}

/** Length of the sums drawCell and sumCell give: Σ unspent, Σ carry-over, Σ lapse, Σ |unspent|. */
export const CELL_SUMS = 4;

/**
 * Within a budget cell (node, slot, source, capital type) the projected disbursement is drawn from
 * the oldest vintage first, lines of one vintage in their order; what each line keeps at year end
 * carries over or lapses (domain/projection.ts). A cell that spends more than it has leaves the
 * excess on its newest line, whose unspent goes negative and neither carries over nor lapses.
 * Draws cell c alone (its members listed, see BudgetCells), as rollUpInto draws every cell at once:
 * writes the members' lineUnspent, lineCarry and lineLapse, and their sums (CELL_SUMS) into sums.
 */
export function drawCell(cols: PlanColumns, cells: BudgetCells, r: Rollup, c: number, sums: Float64Array): void {
  const { plan, capital, vintage, eligible } = cols;
  const year = cols.params.year;
  const { members } = cells;
  const a = cells.start[c];
  const b = cells.start[c + 1];
  let left = 0;
  for (let j = a; j < b; j++) left += r.lineProjected[members[j]];
  let unspentSum = 0;
  let carrySum = 0;
  let lapseSum = 0;
  let magnitude = 0;
  for (let j = a; j < b; j++) {
    const i = members[j];
    const drawn = j === b - 1 ? left : Math.min(Math.max(plan[i], 0), left);
    left -= drawn;
    const unspent = plan[i] - drawn;
    r.lineUnspent[i] = unspent;
    unspentSum += unspent;
    magnitude += Math.abs(unspent);
    const carry = carryOf(unspent, vintage[i], year, capital[i], eligible[i]);
    const lapse = lapseOf(unspent, carry);
    r.lineCarry[i] = carry;
    r.lineLapse[i] = lapse;
    carrySum += carry;
    lapseSum += lapse;
  }
  sums[0] = unspentSum;
  sums[1] = carrySum;
  sums[2] = lapseSum;
  sums[3] = magnitude;
}

/**
 * What of a line's unspent carries over: all of it when it is positive and carriesOver
 * (domain/projection) holds on the columns' codes, else 0. Worked out as numbers, not branches
 * (which lines carry over is as good as random in the draw order); an amount is finite, so
 * unspent × 0 + 0 is 0.
 */
function carryOf(unspent: number, vintage: number, year: number, capital: number, eligible: number): number {
  const carries = Number(vintage >= year) * (Number(capital === INVESTMENT) | eligible);
  return unspent * Number(unspent > 0) * carries + 0;
}

/** What of a line's unspent lapses: the positive unspent that does not carry over (carryOf). */
function lapseOf(unspent: number, carry: number): number {
  return unspent * Number(unspent > 0) - carry + 0;
}

/** The sums drawCell gave for cell c, read back from the roll-up's line figures. */
export function sumCell(cells: BudgetCells, r: Rollup, c: number, sums: Float64Array): void {
  sums.fill(0);
  for (let j = cells.start[c], b = cells.start[c + 1]; j < b; j++) {
    const i = cells.members[j];
    const u = r.lineUnspent[i];
    sums[0] += u;
    sums[1] += r.lineCarry[i];
    sums[2] += r.lineLapse[i];
    sums[3] += Math.abs(u);
  }
}

/** True when the local money planned under a node falls short of its required counterpart. */
export function isCounterpartShort(r: Rollup, k: number): boolean {
  return r.local[k] < r.requiredLocal[k];
}

/** Disbursement rate in percent (NaN when the plan is zero or negative). */
export function rateOf(disbursed: number, plan: number): number {
  // A rate of a negative plan (a downward adjustment) means nothing: none, not "−385 %".
  return plan <= 0 ? NaN : (disbursed / plan) * 100;
}

/** The transferable buffers of a roll-up (for handing it across a worker boundary without copying). */
export function rollupBuffers(r: Rollup): ArrayBuffer[] {
  return [...nodeMeasures(r), r.flagged, r.months, r.monthsKnown, r.lineProjected, r.lineUnspent, r.lineRequired, r.lineCarry, r.lineLapse, r.lineRunRate, r.lineFlags].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

/** The transferable buffers of plan columns. */
export function columnBuffers(c: PlanColumns): ArrayBuffer[] {
  return [
    c.nodeParent,
    c.lineNode,
    c.plan,
    c.disbursed,
    c.expected,
    c.source,
    c.capital,
    c.counterpartBp,
    c.vintage,
    c.method,
    c.asOfDay,
    c.eligible,
    c.slot,
    c.monthRow,
    c.months,
    c.params.profiles,
  ].map((a) => a.buffer as ArrayBuffer);
}

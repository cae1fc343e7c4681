// Checks of a plan as an auditor makes them: stated figures against the computed ones, totals
// against their parts, rates against their amounts and bases, expectations against what is already
// reached, the counterpart requirement, and figures or labels copied from the row above. Pure; the
// worker runs it after every change (engine/recalc-core) on its plan columns and roll-up, with a
// small context of what the columns do not hold (ids, labels, stated figures, places). Each entry
// says what differs and by how much, with a stable id; nothing is ever corrected.

import type { CriterionDef, FileCheck, Id, Line, Place, StatedFigures, StatedMeasure, StatedYear, TreeNode, WorkbookData } from './model';
import { MONTH_COUNT } from './model';
import { buildColumns, counterpartColumn, isCounterpartShort, rateOf, rollUp, type PlanColumns, type Rollup } from './rollup';
import { mulDivRound, rateToBasisPoints } from './money';
import { FLAG_EXPECTED_EQUALS_REACHED, FLAG_OVER_DISBURSED, projectionParams } from './projection';
import { orderTree } from './tree';
import { orderLines } from './compare-request';

export type CheckSeverity = 'error' | 'warning' | 'info';
export const CHECK_SEVERITIES: readonly CheckSeverity[] = ['error', 'warning', 'info'];

export type CheckKind =
  /** A stated amount (plan, a source, disbursed, carried in) that is not the computed one. */
  | 'stated-amount'
  /** A stated total that is not its stated central + local + other. */
  | 'stated-split'
  /** A computed plan that is not central + local + other, or not investment + recurrent. */
  | 'computed-split'
  /** A stated disbursement rate that does not match its amounts. */
  | 'stated-rate'
  /** A stated expected year-end rate that is not what the lines' expected rates give. */
  | 'stated-expected'
  /** A stated multi-year total that is not the sum of its years. */
  | 'multi-year'
  /** Money carried in on the lines that is not last year's stated carry-over. */
  | 'carry-in'
  /** A stated carry-over out of a past year that is not its plan + carried in − disbursed. */
  | 'carried-out'
  | 'over-disbursed'
  | 'negative'
  | 'expected-below-reached'
  | 'expected-equals-reached'
  /** Local money below the required counterpart of the central money. */
  | 'counterpart'
  | 'repeated-label'
  | 'repeated-figures'
  /** A parent place whose criterion value is not the sum of its places'. */
  | 'place-sum'
  /** A total an imported file states (a section, a place, a split) that its lines no longer make. */
  | 'file-total';

/** Where an entry points: a row of the grid (or a place) and the field to select there. */
export interface CheckTarget {
  kind: 'total' | 'node' | 'line' | 'place';
  /** Null for the total. */
  id: Id | null;
  field: string;
}

/** How a number is written: an amount of đồng, a rate in percent, percentage points, a count. */
export type NumberAs = 'amount' | 'rate' | 'points' | 'count';

export interface CheckNumber {
  key: string;
  value: number;
  as: NumberAs;
}

export interface CheckEntry {
  /** Stable across recalculations: kind, target and measure (and year where it matters). */
  id: string;
  kind: CheckKind;
  severity: CheckSeverity;
  target: CheckTarget;
  /** The figure compared, when there is one (a StatedMeasure, a line field, a criterion key). */
  measure: string | null;
  /** The year the figures belong to (the plan year unless a stated past year is checked). */
  year: number;
  /** The numbers of the finding, in the order a reader wants them: stated, computed, delta first. */
  numbers: CheckNumber[];
  /** Message code of the sentence (domain/messages, CHECK_MESSAGES). */
  message: string;
  /** Text for the sentence that is not a number: codes, labels, names; `*Msg` params name other messages. */
  params: Record<string, string>;
}

/** A node as the checks need it, in the columns' node order. */
export interface CheckNode {
  id: Id;
  code: string;
  stated?: StatedFigures;
}

/** A place that has a parent or children (only those can disagree with their parts). */
export interface CheckPlace {
  id: Id;
  parentId: Id | null;
  name: string;
  values: Record<string, number | null>;
}

/** What the checks need beyond the plan's columns and roll-up. Line arrays follow the columns' line order. */
export interface CheckContext {
  year: number;
  /** The workbook's stated figures by year. */
  stated: readonly StatedYear[];
  nodes: readonly CheckNode[];
  lineIds: readonly Id[];
  lineLabels: readonly string[];
  /** Stated figures of the lines that state some: [line index, figures]. */
  lineStated: readonly (readonly [number, StatedFigures])[];
  /** Indices of lines an allocation rule wrote. */
  lineAllocated: readonly number[];
  places: readonly CheckPlace[];
  criteria: readonly CriterionDef[];
  /** Totals imported files stated that their lines did not reproduce (the scenario's). */
  fileChecks?: readonly FileCheck[];
}

/** Two rates closer than this (percentage points) match (the issue's 0,005). */
export const RATE_TOLERANCE = 0.005;

/** The context of a plan whose lines are in the columns' order (the session's display order). */
export function checkContextOf(
  wb: { year: number; stated: readonly StatedYear[]; criteria?: readonly CriterionDef[] },
  nodes: readonly TreeNode[],
  lines: readonly Line[],
  places: readonly Place[],
  criteria: readonly CriterionDef[] = wb.criteria ?? [],
  fileChecks: readonly FileCheck[] = [],
): CheckContext {
  const lineIds: Id[] = new Array(lines.length);
  const lineLabels: string[] = new Array(lines.length);
  const lineStated: [number, StatedFigures][] = [];
  const lineAllocated: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    lineIds[i] = l.id;
    lineLabels[i] = l.label;
    if (l.stated && Object.keys(l.stated).length) lineStated.push([i, l.stated]);
    if (l.allocation) lineAllocated.push(i);
  }
  const parents = new Set<Id>();
  for (const p of places) if (p.parentId !== null) parents.add(p.parentId);
  return {
    year: wb.year,
    stated: wb.stated,
    nodes: nodes.map((n) => (n.stated ? { id: n.id, code: n.code, stated: n.stated } : { id: n.id, code: n.code })),
    lineIds,
    lineLabels,
    lineStated,
    lineAllocated,
    places: places.filter((p) => p.parentId !== null || parents.has(p.id)).map((p) => ({ id: p.id, parentId: p.parentId, name: p.name, values: p.values })),
    criteria,
    fileChecks,
  };
}

/** A short fingerprint of an entry's numbers: it changes when, and only when, they do. */
export function fingerprintOf(e: Pick<CheckEntry, 'numbers'>): string {
  const text = e.numbers.map((n) => `${n.key}=${n.as === 'amount' || n.as === 'count' ? n.value : n.value.toFixed(4)}`).join(';');
  // FNV-1a, 32 bits, twice with different seeds: short, and collisions need both to agree.
  const hash = (seed: number) => {
    let h = seed;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, '0');
  };
  return hash(0x811c9dc5) + hash(0x050c5d1f);
}

/** The value of one of an entry's numbers (undefined when it has none of that key). */
export function checkNumber(e: CheckEntry, key: string): number | undefined {
  return e.numbers.find((n) => n.key === key)?.value;
}

// ---- the checks ------------------------------------------------------------------------------

/** Computed figures of one row (the total, a node, a line). */
interface RowFigures {
  plan: number;
  central: number;
  local: number;
  other: number;
  disbursed: number;
  carriedIn: number;
  expectedAmount: number;
}

type Row = { target: Omit<CheckTarget, 'field'>; params: Record<string, string>; key: string };
/** A row, or how to make it (a line's row is made only when it has an entry). */
type RowRef = Row | (() => Row);

const AMOUNT_MEASURES = ['plan', 'central', 'local', 'other', 'disbursed', 'carriedIn'] as const satisfies readonly StatedMeasure[];
const MEASURE_FIELD: Partial<Record<StatedMeasure, string>> = { plan: 'statedPlan', disbursed: 'disbursed', rate: 'disbursed', expectedRate: 'expectedRate' };
const fieldOf = (m: StatedMeasure): string => MEASURE_FIELD[m] ?? 'plan';

/**
 * Every finding on a plan, in the order of its rows (nodes in tree order with their lines, the
 * total, stated past years, places). Same input, same output. On a plan whose stated figures are
 * what its lines give, whose sums are exact and whose expectations are possible, it finds nothing.
 */
export function runChecks(cols: PlanColumns, r: Rollup, ctx: CheckContext): CheckEntry[] {
  const run = new CheckRun(cols, r, ctx);
  run.checkRows();
  run.checkLinesOfNoNode();
  run.checkTotal();
  run.checkCarryIn();
  run.checkCounterpart();
  run.checkPastYears();
  run.checkPlaces();
  run.checkFiles();
  return run.out;
}

/** One run of the checks: the plan, its roll-up and context, and the findings so far, in order. */
class CheckRun {
  readonly out: CheckEntry[] = [];
  private readonly year: number;
  /** The total's index in the roll-up (after the nodes). */
  private readonly T: number;
  private readonly totalRow: Row = { target: { kind: 'total', id: null }, params: { rowMsg: 'check.row.total' }, key: 'total' };

  constructor(
    private readonly cols: PlanColumns,
    private readonly r: Rollup,
    private readonly ctx: CheckContext,
  ) {
    this.year = ctx.year;
    this.T = r.nodeCount;
  }

  // ---- findings and rows -----------------------------------------------------------------------

  /** Adds a finding on a row; its id is stable: kind, row, measure and year (when not the plan's). */
  private push(
    ref: RowRef,
    kind: CheckKind,
    severity: CheckSeverity,
    field: string,
    measure: string | null,
    numbers: CheckNumber[],
    message: string = kind,
    params: Record<string, string> = {},
    y = this.year,
  ): void {
    const row = typeof ref === 'function' ? ref() : ref;
    this.out.push({
      id: `${kind}:${row.key}${measure ? `:${measure}` : ''}${y !== this.year ? `:${y}` : ''}`,
      kind,
      severity,
      target: { ...row.target, field },
      measure,
      year: y,
      numbers,
      message: `check.${message}`,
      params: { ...row.params, ...params },
    });
  }

  /** Node k's row. */
  private nodeRow(k: number): Row {
    const node = this.ctx.nodes[k];
    return { target: { kind: 'node', id: node.id }, params: { code: node.code, rowMsg: 'check.row.node' }, key: `node:${node.id}` };
  }

  /** A line's row; `nth` counts from 1 within its item (names a line without a description). */
  private lineRow(i: number, nth: number): Row {
    const { cols, ctx } = this;
    const code = ctx.nodes[cols.lineNode[i]]?.code ?? '';
    const label = ctx.lineLabels[i] ?? '';
    return {
      target: { kind: 'line', id: ctx.lineIds[i] },
      params: label.trim() ? { code, label: shorten(label), rowMsg: 'check.row.line' } : { code, n: String(nth), rowMsg: 'check.row.line-unnamed' },
      key: `line:${ctx.lineIds[i]}`,
    };
  }

  /** Node k's computed figures (k = T: the total's). */
  private nodeFigures(k: number): RowFigures {
    const r = this.r;
    return {
      plan: r.plan[k],
      central: r.central[k],
      local: r.local[k],
      other: r.other[k],
      disbursed: r.disbursed[k],
      carriedIn: r.carriedIn[k],
      expectedAmount: r.expectedAmount[k],
    };
  }

  /** Line i's computed figures. */
  private lineFigures(i: number): RowFigures {
    const cols = this.cols;
    const p = cols.plan[i];
    const s = cols.source[i];
    const e = cols.expected[i];
    return {
      plan: p,
      central: s === 0 ? p : 0,
      local: s === 1 ? p : 0,
      other: s === 2 ? p : 0,
      disbursed: cols.disbursed[i],
      carriedIn: cols.vintage[i] < this.year ? p : 0,
      expectedAmount: Number.isFinite(e) ? mulDivRound(p, rateToBasisPoints(e), 10_000) : this.r.lineProjected[i],
    };
  }

  // ---- the rows in display order -----------------------------------------------------------------

  /** Each node, then its lines, in display order: stated figures, computed splits, lines, repeats. */
  checkRows(): void {
    const { cols, ctx, T: nodeCount } = this;
    const lineStated = new Map(ctx.lineStated.map(([i, f]) => [i, f]));
    const allocated = new Set(ctx.lineAllocated);
    const vintagesOf = yearsHeld(cols, ctx, nodeCount);
    const linesOf = linesByNode(cols.lineNode, nodeCount);
    let prev: { i: number; nth: number } | null = null;
    for (let k = 0; k < nodeCount; k++) {
      const node = ctx.nodes[k];
      const row = this.nodeRow(k);
      if (node.stated) this.checkStated(row, node.stated, this.nodeFigures(k), 'sum', vintagesOf.get(k) ?? [], null, true);
      this.checkComputedSplit(row, k);
      linesOf[k]?.forEach((i, j) => {
        // Most lines find nothing: their row is only built for an entry.
        const lrow = () => this.lineRow(i, j + 1);
        const st = lineStated.get(i);
        if (st) this.checkStated(lrow, st, this.lineFigures(i), 'line', [cols.vintage[i]], this.nodeFigures(k), true);
        this.checkLine(i, lrow);
        if (prev) this.checkRepeated(prev, i, lrow, allocated);
        prev = { i, nth: j + 1 };
      });
    }
  }

  /** Lines under no known node still get their own checks. */
  checkLinesOfNoNode(): void {
    const { lineNode, plan } = this.cols;
    for (let i = 0; i < plan.length; i++) if (lineNode[i] < 0) this.checkLine(i, () => this.lineRow(i, i + 1));
  }

  /** The total: the figures stated for the plan's year, its multi-year total, its computed splits. */
  checkTotal(): void {
    const own = this.ctx.stated.find((s) => s.year === this.year);
    if (own) {
      this.checkStated(this.totalRow, own.figures, this.nodeFigures(this.T), 'sum', [], null, false);
      if (own.figures.multiYearTotal !== undefined) this.checkTotalMultiYear(own.figures.multiYearTotal);
    }
    this.checkComputedSplit(this.totalRow, this.T);
  }

  // ---- per row ---------------------------------------------------------------------------------

  /**
   * Stated figures of a row against its computed ones. `node`: a line's item (other bases for its
   * rate); `multiYear`: check a multi-year total against the row's vintages (the total's differs).
   */
  private checkStated(row: RowRef, st: StatedFigures, c: RowFigures, parts: 'sum' | 'line', years: number[], node: RowFigures | null, multiYear: boolean): void {
    this.checkStatedAmounts(row, st, c, parts);
    this.checkStatedSplit(row, st, this.year);
    if (st.rate !== undefined) this.checkRate(row, st, c, node);
    if (st.expectedRate !== undefined && c.plan !== 0) this.checkStatedExpected(row, st.expectedRate, c);
    if (st.multiYearTotal !== undefined && multiYear) this.checkMultiYear(row, st.multiYearTotal, c.plan, years);
  }

  /** Each stated amount is not negative and equals the computed one. */
  private checkStatedAmounts(row: RowRef, st: StatedFigures, c: RowFigures, parts: 'sum' | 'line'): void {
    for (const m of AMOUNT_MEASURES) {
      const stated = st[m];
      if (stated === undefined) continue;
      if (stated < 0) {
        this.push(row, 'negative', 'error', fieldOf(m), `stated.${m}`, [{ key: 'value', value: stated, as: 'amount' }], 'negative', { measureMsg: `check.measure.${m}` });
        continue;
      }
      const computed = c[m];
      if (computed === stated) continue;
      this.push(row, 'stated-amount', 'error', fieldOf(m), m, amounts(stated, computed), `stated-amount.${parts}`, { measureMsg: `check.measure.${m}` });
    }
  }

  /** A stated expected rate against the row's expected amount over its plan (nonzero). */
  private checkStatedExpected(row: RowRef, stated: number, c: RowFigures): void {
    const computed = (c.expectedAmount / c.plan) * 100;
    if (!(Math.abs(computed - stated) >= RATE_TOLERANCE)) return;
    this.push(row, 'stated-expected', 'warning', 'expectedRate', 'expectedRate', [
      ...rates(stated, computed),
      { key: 'expectedAmount', value: c.expectedAmount, as: 'amount' },
      { key: 'base', value: c.plan, as: 'amount' },
    ]);
  }

  /** A stated rate: checked against the row's own money, named by what it holds; other bases tried. */
  private checkRate(row: RowRef, st: StatedFigures, c: RowFigures, node: RowFigures | null): void {
    const stated = st.rate!;
    const own = c.plan - c.carriedIn;
    const checked: BaseName = c.carriedIn === 0 ? 'year' : own === 0 ? 'carried' : 'both';
    const base = c.plan;
    if (base <= 0) return; // no rate of a zero or negative plan (a negative one is flagged as such)
    const computed = rateOf(c.disbursed, base);
    if (Math.abs(computed - stated) < RATE_TOLERANCE) return;
    const numbers: CheckNumber[] = [...rates(stated, computed), { key: 'numerator', value: c.disbursed, as: 'amount' }, { key: 'base', value: base, as: 'amount' }];
    const params = { baseNameMsg: `check.base.${checked}` };
    for (const [name, value, ofNode] of otherBases(st, c, node, base)) {
      if (Math.abs(rateOf(c.disbursed, value) - stated) < RATE_TOLERANCE) {
        numbers.push({ key: 'matchBase', value, as: 'amount' });
        this.push(row, 'stated-rate', 'warning', 'disbursed', 'rate', numbers, ofNode ? 'stated-rate.match-node' : 'stated-rate.match', {
          ...params,
          matchMsg: `check.base.${name}`,
        });
        return;
      }
    }
    // The rate may come from the stated amounts themselves, which differ from the lines'.
    if (st.disbursed !== undefined && st.plan && Math.abs(rateOf(st.disbursed, st.plan) - stated) < RATE_TOLERANCE && (st.disbursed !== c.disbursed || st.plan !== base)) {
      numbers.push({ key: 'statedNumerator', value: st.disbursed, as: 'amount' }, { key: 'statedBase', value: st.plan, as: 'amount' });
      this.push(row, 'stated-rate', 'warning', 'disbursed', 'rate', numbers, 'stated-rate.stated', params);
      return;
    }
    const rounded = roundsTo(computed, stated);
    this.push(row, 'stated-rate', rounded ? 'info' : 'warning', 'disbursed', 'rate', numbers, rounded ? 'stated-rate.rounded' : 'stated-rate.none', params);
  }

  /** The stated split by source adds up to the stated plan. */
  private checkStatedSplit(row: RowRef, st: StatedFigures, y: number): void {
    if (st.plan === undefined || (st.central === undefined && st.local === undefined && st.other === undefined)) return;
    const central = st.central ?? 0;
    const local = st.local ?? 0;
    const other = st.other ?? 0;
    const sum = central + local + other;
    if (sum === st.plan) return;
    this.push(
      row,
      'stated-split',
      'error',
      'statedPlan',
      'plan',
      [...amounts(st.plan, sum), { key: 'central', value: central, as: 'amount' }, { key: 'local', value: local, as: 'amount' }, { key: 'other', value: other, as: 'amount' }],
      'stated-split',
      { year: String(y) },
      y,
    );
  }

  /** Never fires on sound data: the roll-up puts every line in one source and one capital type. */
  private checkComputedSplit(row: Row, k: number): void {
    const r = this.r;
    const bySource = r.central[k] + r.local[k] + r.other[k];
    if (bySource !== r.plan[k]) this.push(row, 'computed-split', 'error', 'plan', 'source', amounts(r.plan[k], bySource), 'computed-split.source');
    const byCapital = r.investment[k] + r.recurrent[k];
    if (byCapital !== r.plan[k]) this.push(row, 'computed-split', 'error', 'plan', 'capital', amounts(r.plan[k], byCapital), 'computed-split.capital');
  }

  /**
   * A multi-year total against the years the workbook holds for the row (its lines by vintage):
   * less than them cannot be; more leaves the other years to make up the rest (info).
   */
  private checkMultiYear(row: RowRef, stated: number, held: number, years: number[]): void {
    if (stated === held) return;
    const numbers = [...amounts(stated, held), { key: 'missing', value: stated - held, as: 'amount' as const }];
    const params = { years: years.length ? years.join(', ') : String(this.year) };
    if (stated < held) this.push(row, 'multi-year', 'error', 'plan', 'multiYearTotal', numbers, 'multi-year.short', params);
    else this.push(row, 'multi-year', 'info', 'plan', 'multiYearTotal', numbers, 'multi-year.other-years', params);
  }

  /** The program's multi-year total: stated plans of the other years plus this year's own plan. */
  private checkTotalMultiYear(stated: number): void {
    const { r, T, year } = this;
    let held = r.plan[T] - r.carriedIn[T];
    const years = [year];
    for (const sy of this.ctx.stated)
      if (sy.year !== year && sy.figures.plan !== undefined) {
        held += sy.figures.plan;
        years.push(sy.year);
      }
    this.checkMultiYear(
      this.totalRow,
      stated,
      held,
      years.sort((a, b) => a - b),
    );
  }

  /** A line's own figures: nothing negative, not disbursed beyond its plan, a possible expectation. */
  private checkLine(i: number, row: RowRef): void {
    const { cols, r } = this;
    const p = cols.plan[i];
    const d = cols.disbursed[i];
    this.checkLineNegatives(i, row);
    const flags = r.lineFlags[i];
    if (flags & FLAG_OVER_DISBURSED)
      this.push(row, 'over-disbursed', 'error', 'disbursed', 'disbursed', [
        { key: 'disbursed', value: d, as: 'amount' },
        { key: 'available', value: p, as: 'amount' },
        { key: 'delta', value: d - p, as: 'amount' },
      ]);
    const e = cols.expected[i];
    if (!Number.isFinite(e) || p <= 0 || flags & FLAG_OVER_DISBURSED) return;
    const reached = rateOf(d, p);
    const numbers = (): CheckNumber[] => [
      { key: 'expected', value: e, as: 'rate' },
      { key: 'reached', value: reached, as: 'rate' },
      { key: 'disbursed', value: d, as: 'amount' },
      { key: 'plan', value: p, as: 'amount' },
    ];
    if (e < reached - RATE_TOLERANCE) this.push(row, 'expected-below-reached', 'error', 'expectedRate', 'expectedRate', numbers());
    else if (flags & FLAG_EXPECTED_EQUALS_REACHED) {
      const day = Number.isNaN(cols.asOfDay[i]) ? cols.params.asOfDay : cols.asOfDay[i];
      this.push(row, 'expected-equals-reached', 'warning', 'expectedRate', 'expectedRate', numbers(), 'expected-equals-reached', { asOf: isoOfDay(day) });
    }
  }

  /** A line's plan, disbursed amount and monthly amounts are not negative. */
  private checkLineNegatives(i: number, row: RowRef): void {
    const cols = this.cols;
    const p = cols.plan[i];
    const d = cols.disbursed[i];
    if (p < 0) this.push(row, 'negative', 'error', 'plan', 'plan', [{ key: 'value', value: p, as: 'amount' }], 'negative', { measureMsg: 'check.measure.plan' });
    if (d < 0)
      this.push(row, 'negative', 'error', 'disbursed', 'disbursed', [{ key: 'value', value: d, as: 'amount' }], 'negative', { measureMsg: 'check.measure.disbursed' });
    const mr = cols.monthRow[i];
    if (mr < 0) return;
    for (let m = 0; m < MONTH_COUNT; m++) {
      const v = cols.months[mr * MONTH_COUNT + m];
      if (v < 0)
        this.push(row, 'negative', 'error', `m${m + 1}`, `m${m + 1}`, [{ key: 'value', value: v, as: 'amount' }], 'negative', {
          measureMsg: 'check.measure.month',
          month: String(m + 1),
        });
    }
  }

  /**
   * The row above repeated where a different one is expected: the same description on another
   * item (or on a duplicate of the same budget cell), or the same plan and disbursed amounts.
   * Lines of one item that differ by unit, place or vintage may share a description (an
   * allocation names its lines after its rule); lines an allocation wrote (`allocated`) may share amounts.
   */
  private checkRepeated(above: { i: number; nth: number }, b: number, row: RowRef, allocated: ReadonlySet<number>): void {
    const { cols, ctx } = this;
    const a = above.i;
    const sameNode = cols.lineNode[a] === cols.lineNode[b];
    const sameCell =
      sameNode && cols.slot[a] === cols.slot[b] && cols.source[a] === cols.source[b] && cols.capital[a] === cols.capital[b] && cols.vintage[a] === cols.vintage[b];
    const prevParams = () => {
      const params = this.lineRow(a, above.nth).params;
      return { prevRowMsg: params.rowMsg, ...prefixed(params) };
    };
    const label = ctx.lineLabels[b] ?? '';
    if (label === ctx.lineLabels[a] && label.trim() && (!sameNode || sameCell))
      this.push(row, 'repeated-label', 'warning', 'label', 'label', [], 'repeated-label', prevParams());
    const p = cols.plan[b];
    const d = cols.disbursed[b];
    if (p > 0 && d > 0 && p === cols.plan[a] && d === cols.disbursed[a] && !(sameNode && allocated.has(a) && allocated.has(b)))
      this.push(
        row,
        'repeated-figures',
        'warning',
        'plan',
        'plan',
        [
          { key: 'plan', value: p, as: 'amount' },
          { key: 'disbursed', value: d, as: 'amount' },
        ],
        'repeated-figures',
        prevParams(),
      );
  }

  // ---- the program -----------------------------------------------------------------------------

  /** Money carried in on the lines (earlier vintages) against last year's stated carry-over. */
  checkCarryIn(): void {
    const year = this.year;
    const prev = this.ctx.stated.find((s) => s.year === year - 1)?.figures.carriedOut;
    if (prev === undefined) return;
    const computed = this.r.carriedIn[this.T];
    if (computed === prev) return;
    this.push(this.totalRow, 'carry-in', 'warning', 'plan', 'carriedIn', amounts(prev, computed), 'carry-in', { prev: String(year - 1) });
  }

  /** Reported at the highest rows that fall short: the total, else the topmost short items. */
  checkCounterpart(): void {
    const { r, T } = this;
    const short = (k: number) => isCounterpartShort(r, k);
    if (short(T)) {
      this.pushCounterpart(this.totalRow, T);
      return;
    }
    for (let k = 0; k < T; k++) {
      const parent = this.cols.nodeParent[k];
      if (short(k) && (parent < 0 || !short(parent))) this.pushCounterpart(this.nodeRow(k), k);
    }
  }

  /** A counterpart finding on row k, with what is required, held and missing. */
  private pushCounterpart(row: Row, k: number): void {
    const r = this.r;
    this.push(row, 'counterpart', 'warning', 'plan', 'local', [
      { key: 'required', value: r.requiredLocal[k], as: 'amount' },
      { key: 'local', value: r.local[k], as: 'amount' },
      { key: 'delta', value: r.local[k] - r.requiredLocal[k], as: 'amount' },
      { key: 'shortfall', value: r.requiredLocal[k] - r.local[k], as: 'amount' },
      { key: 'central', value: r.central[k], as: 'amount' },
      { key: 'ratio', value: r.central[k] ? (r.requiredLocal[k] / r.central[k]) * 100 : 0, as: 'rate' },
    ]);
  }

  /** Each stated past year, latest first. */
  checkPastYears(): void {
    for (const sy of [...this.ctx.stated].sort((a, b) => b.year - a.year)) if (sy.year !== this.year) this.checkPastYear(sy);
  }

  /** A stated past year against itself: its split, no negative figure, its rate, its carry-over. */
  private checkPastYear(sy: StatedYear): void {
    const f = sy.figures;
    const row: Row = { target: { kind: 'total', id: null }, params: { rowMsg: 'check.row.total-year', year: String(sy.year) }, key: 'total' };
    this.checkStatedSplit(row, f, sy.year);
    for (const m of [...AMOUNT_MEASURES, 'carriedOut', 'multiYearTotal'] as const) {
      const v = f[m];
      if (v !== undefined && v < 0)
        this.push(
          row,
          'negative',
          'error',
          'statedPlan',
          `stated.${m}`,
          [{ key: 'value', value: v, as: 'amount' }],
          'negative',
          { measureMsg: `check.measure.${m}` },
          sy.year,
        );
    }
    const available = (f.plan ?? 0) + (f.carriedIn ?? 0);
    if (f.rate !== undefined && f.disbursed !== undefined && available > 0) {
      const computed = rateOf(f.disbursed, available);
      if (Math.abs(computed - f.rate) >= RATE_TOLERANCE)
        this.push(
          row,
          'stated-rate',
          roundsTo(computed, f.rate) ? 'info' : 'warning',
          'statedPlan',
          'rate',
          [...rates(f.rate, computed), { key: 'numerator', value: f.disbursed, as: 'amount' }, { key: 'base', value: available, as: 'amount' }],
          roundsTo(computed, f.rate) ? 'stated-rate.rounded' : 'stated-rate.none',
          { baseNameMsg: f.carriedIn ? 'check.base.stated-both' : 'check.base.stated-plan' },
          sy.year,
        );
    }
    if (f.carriedOut !== undefined && f.plan !== undefined && f.disbursed !== undefined) {
      const computed = available - f.disbursed;
      if (computed !== f.carriedOut)
        this.push(
          row,
          'carried-out',
          'warning',
          'statedPlan',
          'carriedOut',
          [
            ...amounts(f.carriedOut, computed),
            { key: 'plan', value: f.plan, as: 'amount' },
            { key: 'carriedIn', value: f.carriedIn ?? 0, as: 'amount' },
            { key: 'disbursed', value: f.disbursed, as: 'amount' },
          ],
          'carried-out',
          { year: String(sy.year) },
          sy.year,
        );
    }
  }

  // ---- files and places ------------------------------------------------------------------------

  /** Each total an imported file stated against its lines as they are now (a line deleted counts
   * nothing); one that now adds up says nothing. */
  checkFiles(): void {
    const { cols, ctx } = this;
    if (!ctx.fileChecks?.length) return;
    const index = new Map<Id, number>();
    ctx.lineIds.forEach((id, i) => index.set(id, i));
    for (const f of ctx.fileChecks) {
      let computed = 0;
      let first = -1;
      for (const id of f.lineIds) {
        const i = index.get(id);
        if (i === undefined) continue;
        computed += f.measure === 'plan' ? cols.plan[i] : cols.disbursed[i];
        if (first < 0) first = i;
      }
      if (computed === f.stated) continue;
      const row: Row =
        first >= 0
          ? { target: { kind: 'line', id: ctx.lineIds[first] }, params: { rowMsg: 'check.row.file' }, key: `file:${f.id}` }
          : { target: { kind: 'total', id: null }, params: { rowMsg: 'check.row.file' }, key: `file:${f.id}` };
      this.push(row, 'file-total', 'warning', f.measure, null, amounts(f.stated, computed), 'file-total', {
        file: f.file,
        sheet: f.sheet,
        fileRow: String(f.row),
        label: shorten(f.label),
        column: shorten(f.column),
      });
    }
  }

  /** Count and area criteria of a parent place against the sum of its places (all known). */
  checkPlaces(): void {
    const ctx = this.ctx;
    const children = new Map<Id, CheckPlace[]>();
    for (const p of ctx.places) if (p.parentId !== null) (children.get(p.parentId) ?? children.set(p.parentId, []).get(p.parentId)!).push(p);
    for (const p of ctx.places) {
      const kids = children.get(p.id);
      if (!kids) continue;
      const row: Row = { target: { kind: 'place', id: p.id }, params: { name: p.name, rowMsg: 'check.row.place' }, key: `place:${p.id}` };
      for (const c of ctx.criteria) {
        if (c.kind !== 'count' && c.kind !== 'area') continue;
        const stated = p.values[c.key];
        if (stated === null || stated === undefined) continue;
        const sum = sumOfKnown(kids, c.key);
        if (sum === null) continue;
        const differs = c.kind === 'count' ? sum !== stated : Math.abs(sum - stated) > 1e-9 * Math.max(1, Math.abs(stated));
        if (differs)
          this.push(
            row,
            'place-sum',
            'error',
            c.key,
            c.key,
            [
              { key: 'stated', value: stated, as: 'count' },
              { key: 'computed', value: sum, as: 'count' },
              { key: 'delta', value: sum - stated, as: 'count' },
            ],
            'place-sum',
            { criterion: c.label },
          );
      }
    }
  }
}

/**
 * The other bases a stated rate may have been computed on, in the order they are tried: the row's
 * own (this year's money, carried in, both), then, for a line, its whole item's, then the plan the
 * row itself states (a report's "Kế hoạch" column beside its rate); each positive, none twice, none
 * the base checked. The flag says whether the base is the item's.
 */
function otherBases(st: StatedFigures, c: RowFigures, node: RowFigures | null, base: number): [BaseName, number, boolean][] {
  const candidates: [BaseName, number, boolean][] = [];
  const add = (name: BaseName, value: number, ofNode: boolean) => {
    if (value > 0 && value !== base && !candidates.some(([, v]) => v === value)) candidates.push([name, value, ofNode]);
  };
  for (const f of node ? [c, node] : [c]) {
    add('year', f.plan - f.carriedIn, f !== c);
    add('carried', f.carriedIn, f !== c);
    add('both', f.plan, f !== c);
  }
  if (st.plan !== undefined) add('stated-plan', st.plan, false);
  return candidates;
}

/** The sum of one criterion over places, or null when a place does not know it. */
function sumOfKnown(places: readonly CheckPlace[], key: string): number | null {
  let sum = 0;
  for (const p of places) {
    const v = p.values[key];
    if (v === null || v === undefined) return null;
    sum += v;
  }
  return sum;
}

type BaseName = 'year' | 'carried' | 'both' | 'stated-plan';

const amounts = (stated: number, computed: number): CheckNumber[] => [
  { key: 'stated', value: stated, as: 'amount' },
  { key: 'computed', value: computed, as: 'amount' },
  { key: 'delta', value: computed - stated, as: 'amount' },
];

const rates = (stated: number, computed: number): CheckNumber[] => [
  { key: 'stated', value: stated, as: 'rate' },
  { key: 'computed', value: computed, as: 'rate' },
  { key: 'delta', value: computed - stated, as: 'points' },
];

/** The stated rate is the computed one written with fewer decimals (0 or 1), as reports often do. */
function roundsTo(computed: number, stated: number): boolean {
  for (const d of [0, 1]) {
    const f = 10 ** d;
    if (Math.round(stated * f) === stated * f && Math.round(computed * f) / f === stated) return true;
  }
  return false;
}

/** A description cut to fit a sentence (messages cut long params; cut here first, at a word). */
function shorten(text: string, max = 36): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}

/** A row's params renamed for the row above ({prevCode}, {prevLabel}...), its row message as prevRowMsg. */
function prefixed(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (k !== 'rowMsg') out[`prev${k[0].toUpperCase()}${k.slice(1)}`] = v;
  return out;
}

function isoOfDay(day: number): string {
  return Number.isFinite(day) ? new Date(day * 86_400_000).toISOString().slice(0, 10) : '';
}

/** Line indices of each node, in line order (sparse: nodes without lines have none). */
function linesByNode(lineNode: Int32Array, nodeCount: number): number[][] {
  const out: number[][] = new Array(nodeCount);
  for (let i = 0; i < lineNode.length; i++) {
    const k = lineNode[i];
    if (k >= 0) (out[k] ??= []).push(i);
  }
  return out;
}

/** The vintages of the lines below each node that states a multi-year total, ascending. */
function yearsHeld(cols: PlanColumns, ctx: CheckContext, nodeCount: number): Map<number, number[]> {
  const wanted = new Set<number>();
  for (let k = 0; k < nodeCount; k++) if (ctx.nodes[k].stated?.multiYearTotal !== undefined) wanted.add(k);
  const out = new Map<number, Set<number>>();
  if (!wanted.size) return new Map();
  for (let i = 0; i < cols.lineNode.length; i++) {
    for (let k = cols.lineNode[i]; k >= 0; k = cols.nodeParent[k]) {
      if (!wanted.has(k)) continue;
      (out.get(k) ?? out.set(k, new Set()).get(k)!).add(cols.vintage[i]);
    }
  }
  return new Map([...out].map(([k, s]) => [k, [...s].sort((a, b) => a - b)]));
}

/** Every finding on a workbook's plan, computed as the worker computes it (tests, headless use). */
export function checkPlan(data: Pick<WorkbookData, 'workbook' | 'nodes' | 'lines' | 'places'>): CheckEntry[] {
  const wb = data.workbook;
  const tree = orderTree(data.nodes);
  const lines = orderLines(tree, data.lines);
  const cols = buildColumns(tree, lines, counterpartColumn(wb.counterpart, wb.year), projectionParams(wb));
  return runChecks(cols, rollUp(cols), checkContextOf(wb, tree.nodes, lines, data.places ?? []));
}

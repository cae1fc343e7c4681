// What the disbursement charts draw, prepared from the session's roll-up: the cumulative curve of
// one row (a line, a tree node or the program total) and plan against projection by project, with
// their labels, tooltips and text alternatives. No Chart.js and no DOM here, so it is unit-tested.
//
// The curve's x axis counts months since 1 January of the plan year: x = m is the end of month m
// (T1 … T12), x = 13 the end of January of the next year, and the as-of date sits between months
// by its day (15 November ≈ 10,5).

import type { Lang, ProjectionMethod, Workbook } from '../../domain/model';
import { MONTH_COUNT } from '../../domain/model';
import type { Rollup } from '../../domain/rollup';
import { rateOf } from '../../domain/rollup';
import { dayNumber, METHOD_CODE, monthsLeft, monthStarts, profileTable, projectionOf } from '../../domain/projection';
import { mulDivRound, rateToBasisPoints } from '../../domain/money';
import { formatAmount, formatDate, formatRate } from '../../domain/amount';
import { METHOD_LABELS } from '../../domain/cell-input';
import type { WorkbookSession } from '../../state/session.svelte';
import type { ViewSettings } from '../grid/columns';
import { t, unitWord } from '../i18n';

/** The row the charts show (indices as the session's `lines` and `tree.nodes` hold them). */
export type ChartTarget = { kind: 'line'; index: number } | { kind: 'node'; index: number } | { kind: 'total' };

/** What the charts read from a session, once its roll-up has arrived. */
export type ChartSource = Pick<WorkbookSession, 'workbook' | 'tree' | 'lines' | 'lineNode'> & { rollup: Rollup };

export interface Point {
  x: number;
  y: number;
}

/** Figures of one row and the profile its projection follows: the input of `curvePoints`. */
export interface CurveInput {
  year: number;
  /** As-of date of `disbursed`, ISO; null = none known. */
  asOf: string | null;
  disbursed: number;
  projected: number;
  /** Actual disbursement by month (MONTH_COUNT entries, NaN = not known); null = none known. */
  months: ArrayLike<number> | null;
  /** Show January of the next year (investment money may still be disbursed then). */
  nextJanuary: boolean;
  /** 13 cumulative fractions of the profile the projection follows; null = a straight line. */
  profile: ArrayLike<number> | null;
}

export interface CurvePoints {
  /** Last month of the axis: 12, or 13 with January of the next year. */
  xMax: number;
  /** Where the as-of date falls on the axis; NaN when there is none. */
  asOfX: number;
  /** Actual cumulative disbursement: 0 on 1 January, each month known before the as-of date, then the as-of figure. */
  actual: Point[];
  /** From the as-of point to the projected year-end figure on 31 December (x = 12). */
  projection: Point[];
}

/**
 * The actual and projected cumulative curves. Guarantees: amounts are whole đồng; the projection
 * starts at the as-of point and ends exactly at `projected` on x = 12; with a profile it keeps the
 * profile's shape between those two points, otherwise it is a straight line.
 */
export function curvePoints(input: CurveInput): CurvePoints {
  const { year, disbursed, projected, months, profile } = input;
  const starts = monthStarts(year);
  const day = dayNumber(input.asOf);
  const lastKnown = months ? lastKnownMonth(months) : -1;
  const xMax = input.nextJanuary || lastKnown === MONTH_COUNT - 1 ? 13 : 12;
  const asOfX = Number.isNaN(day) ? NaN : Math.min(positionOf(year, starts, day), xMax);

  const actual: Point[] = [];
  if (months && lastKnown >= 0) {
    actual.push({ x: 0, y: 0 });
    let sum = 0;
    // Months that end before the as-of date; the as-of figure itself stands for the rest.
    for (let m = 0; m <= lastKnown; m++) {
      if (m + 1 >= asOfX) break;
      const v = months[m];
      if (!Number.isNaN(v)) sum += v;
      actual.push({ x: m + 1, y: sum });
    }
  }
  if (!Number.isNaN(asOfX)) actual.push({ x: asOfX, y: disbursed });

  const projection: Point[] = [];
  if (Number.isNaN(asOfX)) projection.push({ x: 12, y: projected });
  else if (asOfX < 12) {
    const at = shareAt(profile, asOfX);
    const shaped = profile !== null && at < 1;
    const along = (x: number) => (shaped ? (shareAt(profile, x) - at) / (1 - at) : (x - asOfX) / (12 - asOfX));
    projection.push({ x: asOfX, y: disbursed });
    for (let m = Math.floor(asOfX) + 1; m < 12; m++) projection.push({ x: m, y: disbursed + Math.round((projected - disbursed) * along(m)) });
    projection.push({ x: 12, y: projected });
  }
  return { xMax, asOfX, actual, projection };
}

/** Index of the last known month, or -1. */
function lastKnownMonth(months: ArrayLike<number>): number {
  for (let m = Math.min(months.length, MONTH_COUNT) - 1; m >= 0; m--) if (!Number.isNaN(months[m])) return m;
  return -1;
}

/** Position of the end of a day on the curve's axis (see the module header), from 0 to 13. */
function positionOf(year: number, starts: Float64Array, day: number): number {
  const t = day + 1;
  if (t < starts[12]) return 12 - monthsLeft(starts, day);
  const nextFebruary = Date.UTC(year + 1, 1, 1) / 86_400_000;
  return 12 + Math.min(1, (t - starts[12]) / (nextFebruary - starts[12]));
}

/** A profile's cumulative share at a position of the axis, interpolated within the month. */
function shareAt(profile: ArrayLike<number> | null, x: number): number {
  if (!profile) return NaN;
  if (x >= 12) return 1;
  const m = Math.floor(x);
  return profile[m] + (profile[m + 1] - profile[m]) * (x - m);
}

// ---- a row's curve, from the session ---------------------------------------------------------

/** Everything the curve chart shows for one row. */
export interface Curve extends CurvePoints {
  year: number;
  asOf: string | null;
  /** Code (node code, or a line's node code) and name (node name, or a line's label or unit). */
  code: string;
  name: string;
  kind: ChartTarget['kind'];
  plan: number;
  disbursed: number;
  projected: number;
  /** The expected-rate level: Σ expected rate × plan (a line without an expected rate: its projection). */
  expected: number;
  carryOver: number;
  lapse: number;
  method: ProjectionMethod;
  /** The projection follows a monthly profile (otherwise a straight line). */
  profiled: boolean;
  /** Lines below whose monthly actuals the curve shows. */
  monthsKnown: number;
}

type RowFigures = Pick<Curve, 'code' | 'name' | 'plan' | 'disbursed' | 'projected' | 'expected' | 'carryOver' | 'lapse' | 'monthsKnown'>;

/** A target that still exists in the source (an index out of range → the program total). */
export function resolveTarget(src: ChartSource, target: ChartTarget): ChartTarget {
  if (target.kind === 'line' && !(target.index >= 0 && target.index < src.lines.length && target.index < src.rollup.lineProjected.length)) return { kind: 'total' };
  if (target.kind === 'node' && !(target.index >= 0 && target.index < src.tree.nodes.length && target.index < src.rollup.nodeCount)) return { kind: 'total' };
  return target;
}

/** The curve of a line, a node or the total, as the roll-up has it. */
export function curveOf(src: ChartSource, target: ChartTarget): Curve {
  const { workbook, tree, lines, rollup: r } = src;
  const settings = projectionOf(workbook);
  const to = resolveTarget(src, target);
  let base: RowFigures;
  let method: ProjectionMethod = settings.method;
  let months: ArrayLike<number> | null;
  let nextJanuary: boolean;
  let asOf: string | null;
  if (to.kind === 'line') {
    const i = to.index;
    const l = lines[i];
    const node = tree.nodes[src.lineNode[i]];
    base = {
      code: node?.code ?? '',
      name: l.label || l.unit,
      plan: l.plan,
      disbursed: l.disbursed,
      projected: r.lineProjected[i],
      // As the roll-up's expected-rate level counts a line: its projection when it has no rate.
      expected: Number.isFinite(l.expectedRate) ? mulDivRound(l.plan, rateToBasisPoints(l.expectedRate as number), 10_000) : r.lineProjected[i],
      carryOver: r.lineCarry[i],
      lapse: r.lineLapse[i],
      monthsKnown: l.months ? 1 : 0,
    };
    method = l.method ?? settings.method;
    months = l.months ? Float64Array.from({ length: MONTH_COUNT }, (_, m) => l.months?.[m] ?? NaN) : null;
    nextJanuary = l.capital === 'investment';
    asOf = l.asOf ?? workbook.settings.asOf;
  } else {
    const k = to.kind === 'node' ? to.index : r.nodeCount;
    const node = to.kind === 'node' ? tree.nodes[k] : null;
    base = {
      code: node?.code ?? '',
      name: node?.name ?? '',
      plan: r.plan[k],
      disbursed: r.disbursed[k],
      projected: r.projected[k],
      expected: r.expectedAmount[k],
      carryOver: r.carryOver[k],
      lapse: r.lapse[k],
      monthsKnown: r.monthsKnown[k],
    };
    months = r.monthsKnown[k] > 0 ? nodeMonths(r, k) : null;
    nextJanuary = r.investment[k] > 0;
    asOf = workbook.settings.asOf ?? latestAsOf(src, to.kind === 'node' ? k : -1);
  }
  const code = METHOD_CODE[method];
  const table = profileTable(settings);
  const usable = code > 0 && !Number.isNaN(table[code * 13 + 12]);
  const profile = usable ? table.subarray(code * 13, code * 13 + 13) : null;
  const points = curvePoints({ year: workbook.year, asOf, disbursed: base.disbursed, projected: base.projected, months, nextJanuary, profile });
  return { ...base, ...points, kind: to.kind, year: workbook.year, asOf, method, profiled: usable };
}

/**
 * A node's monthly actuals: the roll-up sums them with unknown months as zero, so months after the
 * last one with money count as not known (the curve then runs straight to the as-of figure instead
 * of lying flat).
 */
function nodeMonths(r: Rollup, k: number): Float64Array {
  const out = Float64Array.from(r.months.subarray(k * MONTH_COUNT, (k + 1) * MONTH_COUNT));
  for (let m = MONTH_COUNT - 1; m >= 0 && out[m] === 0; m--) out[m] = NaN;
  return out;
}

/** The latest as-of date named by the lines below node k (k = -1: all lines), or null. */
function latestAsOf(src: ChartSource, k: number): string | null {
  const { tree, lineNode, lines } = src;
  let end = tree.nodes.length;
  if (k >= 0) for (end = k + 1; end < tree.nodes.length && tree.depth[end] > tree.depth[k]; end++);
  let latest: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const asOf = lines[i].asOf;
    const node = lineNode[i];
    if (asOf && (k < 0 || (node >= k && node < end)) && (latest === null || asOf > latest)) latest = asOf;
  }
  return latest;
}

// ---- plan and projection by project ----------------------------------------------------------

/** Figures of each project (the tree's depth-0 nodes) that holds money, in tree order. */
export interface ProjectBars {
  nodeIndex: number[];
  codes: string[];
  names: string[];
  plan: number[];
  disbursed: number[];
  /** Projected disbursement still to come: projected − disbursed. */
  toDisburse: number[];
  projected: number[];
  carryOver: number[];
  lapse: number[];
  /** Projects left out because they hold no money at all. */
  hidden: number;
}

/** Plan against projection by project; disbursed + to disburse + carry-over + lapse = plan for each (unless overspent). */
export function projectBars(src: Pick<ChartSource, 'tree' | 'rollup'>): ProjectBars {
  const { tree, rollup: r } = src;
  const out: ProjectBars = { nodeIndex: [], codes: [], names: [], plan: [], disbursed: [], toDisburse: [], projected: [], carryOver: [], lapse: [], hidden: 0 };
  for (let k = 0; k < Math.min(tree.nodes.length, r.nodeCount); k++) {
    if (tree.depth[k] !== 0) continue;
    if (r.plan[k] === 0 && r.disbursed[k] === 0 && r.projected[k] === 0) {
      out.hidden++;
      continue;
    }
    out.nodeIndex.push(k);
    out.codes.push(tree.nodes[k].code);
    out.names.push(tree.nodes[k].name);
    out.plan.push(r.plan[k]);
    out.disbursed.push(r.disbursed[k]);
    out.toDisburse.push(Math.max(0, r.projected[k] - r.disbursed[k]));
    out.projected.push(r.projected[k]);
    out.carryOver.push(r.carryOver[k]);
    out.lapse.push(r.lapse[k]);
  }
  return out;
}

// ---- words and numbers -----------------------------------------------------------------------

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The display unit in words ("triệu đồng", "million đồng"): the amount axis's title. */
export function unitWords(view: ViewSettings): string {
  return unitWord(view.lang, view.unit);
}

/** An amount in the view's unit and locale (charts hand over floats: rounded to the đồng first). */
export function amountText(v: number, view: ViewSettings): string {
  return formatAmount(Math.round(v), view.unit, view.locale);
}

/**
 * The label of a month end: "T11" / "Nov", "T1/2024" / "Jan 2024" ("T1/24" / "Jan '24" when
 * `short`, for the axis, where it sits next to T12); "" between months.
 */
export function monthLabel(x: number, year: number, lang: Lang, short = false): string {
  if (!Number.isInteger(x) || x < 1 || x > 13) return '';
  const next = short ? String((year + 1) % 100).padStart(2, '0') : String(year + 1);
  if (x === 13) return lang === 'vi' ? `T1/${next}` : `Jan ${short ? "'" : ''}${next}`;
  return lang === 'vi' ? `T${x}` : MONTHS_EN[x - 1];
}

/** The tooltip title of a point of the curve: the as-of date, the start of the year, or the month. */
export function pointLabel(x: number, curve: Pick<Curve, 'asOfX' | 'asOf' | 'year'>, view: ViewSettings): string {
  if (x === curve.asOfX && curve.asOf) return t(view.lang, 'chAsOf', { date: formatDate(curve.asOf, view.locale) });
  if (x === 0) return t(view.lang, 'chYearStart');
  return monthLabel(x, curve.year, view.lang);
}

/** The row's heading: "DA3.TDA2 — Cải thiện dinh dưỡng", a line's code and label, or the program total. */
export function curveHeading(curve: Pick<Curve, 'kind' | 'code' | 'name'>, lang: Lang): string {
  if (curve.kind === 'total') return t(lang, 'total');
  const name = curve.name || (curve.kind === 'line' ? t(lang, 'linePlaceholder') : '');
  return [curve.code, name].filter(Boolean).join(' — ');
}

/** Text broken into lines of at most `width` characters at spaces, at most `maxLines` (the last cut with "…"). */
export function wrapText(text: string, width: number, maxLines: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(' ').filter(Boolean)) {
    if (cur && cur.length + 1 + word.length > width) {
      out.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) out.push(cur);
  if (out.length <= maxLines) return out;
  const kept = out.slice(0, maxLines);
  const last = kept[maxLines - 1];
  kept[maxLines - 1] = (last.length >= width ? last.slice(0, width - 1) : last) + '…';
  return kept;
}

/** How the projection was drawn: the method, "(giả định)" on the back-loaded preset, and the as-of date. */
export function curveSubtitle(curve: Curve, view: ViewSettings): string {
  const lang = view.lang;
  let method = METHOD_LABELS[lang][curve.method];
  if (curve.method === 'backloaded') method += ` (${t(lang, 'chAssumption')})`;
  const parts = [t(lang, curve.profiled ? 'chByProfile' : 'chStraight', { method })];
  parts.push(curve.asOf ? t(lang, 'chAsOf', { date: formatDate(curve.asOf, view.locale) }) : t(lang, 'chNoAsOf'));
  if (curve.monthsKnown > 0) parts.push(t(lang, 'chMonthsFrom', { count: curve.monthsKnown }));
  return parts.join(' · ');
}

/** Name and formatted value of each key figure of a curve (the chart's text alternative). */
export function curveFigures(curve: Curve, view: ViewSettings): { label: string; value: string }[] {
  const lang = view.lang;
  const withRate = (v: number) => {
    const rate = rateOf(v, curve.plan);
    return Number.isNaN(rate) ? amountText(v, view) : `${amountText(v, view)} (${formatRate(rate, view.locale, 1)})`;
  };
  return [
    { label: t(lang, 'chPlan'), value: amountText(curve.plan, view) },
    { label: t(lang, 'chDisbursed'), value: withRate(curve.disbursed) },
    { label: t(lang, 'chProjectedEnd'), value: withRate(curve.projected) },
    { label: t(lang, 'chExpected'), value: withRate(curve.expected) },
    { label: t(lang, 'chCarryOver'), value: amountText(curve.carryOver, view) },
    { label: t(lang, 'chLapse'), value: amountText(curve.lapse, view) },
  ];
}

/** One sentence naming the row and its key figures, with the unit: the curve's aria-label. */
export function curveSummary(curve: Curve, view: ViewSettings): string {
  const figures = curveFigures(curve, view).map((f) => `${f.label} ${f.value}`);
  return `${t(view.lang, 'chCurveTitle')}: ${curveHeading(curve, view.lang)}. ${figures.join('; ')} (${unitWords(view)}).`;
}

/** The bar chart's subtitle: where and which plan year ("Huyện Cao Lộc, tỉnh Lạng Sơn · kế hoạch năm 2023"). */
export function barsSubtitle(workbook: Pick<Workbook, 'name' | 'placeName' | 'year'>, lang: Lang): string {
  return `${workbook.placeName || workbook.name} · ${t(lang, 'chPlanYear', { year: workbook.year })}`;
}

/** One sentence on the bar chart: what it compares, in which unit, and the program's figures. */
export function barsSummary(bars: ProjectBars, view: ViewSettings): string {
  const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
  const lang = view.lang;
  const hidden = bars.hidden ? ` ${t(lang, 'chHiddenProjects', { count: bars.hidden })}.` : '';
  return (
    `${t(lang, 'chBarsTitle')} (${unitWords(view)}): ${t(lang, 'chProjectCount', { count: bars.codes.length })}; ` +
    `${t(lang, 'chPlan')} ${amountText(sum(bars.plan), view)}, ${t(lang, 'chProjectedEnd')} ${amountText(sum(bars.projected), view)}, ` +
    `${t(lang, 'chCarryOver')} ${amountText(sum(bars.carryOver), view)}, ${t(lang, 'chLapse')} ${amountText(sum(bars.lapse), view)}.${hidden}`
  );
}

/**
 * A file name for a saved chart: ASCII letters, digits, dots and dashes only (diacritics dropped,
 * đ → d), e.g. "giai-ngan-DA3.TDA1-2023.png".
 */
export function pngFileName(...parts: (string | number)[]): string {
  const slug = parts
    .map((p) =>
      String(p)
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
        .replace(/[^A-Za-z0-9.]+/g, '-')
        .replace(/^[-.]+|[-.]+$/g, ''),
    )
    .filter(Boolean)
    .join('-');
  return `${slug || 'chart'}.png`;
}

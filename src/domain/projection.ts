// Disbursement projection, carry-over and lapse: the rules, the monthly profiles and the dates.
// Pure; the roll-up (domain/rollup.ts) applies them to every line in the worker.
//
// The rules, as the workbench applies them (README "Projection, carry-over and lapse"):
// - A line is projected to 31 December of the plan year N by its method (the workbook's unless the
//   line names its own): 'expected' = the user's expected rate × the line's plan; a profile method
//   ('linear', 'backloaded', 'custom', 'lastYear') = disbursed-so-far ÷ the profile's cumulative
//   share at the as-of date. A projection never goes below what is disbursed nor above the money
//   available (the plan), unless more than the plan is already disbursed.
// - Lines of one budget cell (same node, implementing unit, place, source and capital type) spend
//   their money oldest vintage first: the cell's projected disbursement is drawn from vintage N−1
//   before vintage N, lines of one vintage in their order. So per line:
//   drawn + carry-over + lapse = plan, to the đồng.
// - What is left at year end carries over into N+1 when it is year N's own money and either
//   investment money (deadline 31 January N+1, or 31 December N+1 where the workbook's setting
//   allows) or recurrent money on a line marked eligible (deadline 31 December N+1). Anything else
//   (money already carried in from earlier years, recurrent money not eligible) lapses on
//   31 December N: that is the "at risk of lapse" figure.

import type { CapitalType, Line, ProjectionMethod, ProjectionSettings, Workbook } from './model';
import { roundHalfUp } from './money';

export const PROJECTION_METHODS: readonly ProjectionMethod[] = ['expected', 'linear', 'backloaded', 'custom', 'lastYear'];
/** Column code of a method; -1 in a line's column = the workbook's method. */
export const METHOD_CODE: Record<ProjectionMethod, number> = { expected: 0, linear: 1, backloaded: 2, custom: 3, lastYear: 4 };

/**
 * The back-loaded preset: cumulative percent disbursed at the end of each month. An ASSUMPTION,
 * labelled as such on screen and editable: it reflects that disbursement here comes late in the
 * year (the seed district had 23,66 % in mid-November and still expected 80 %).
 */
export const BACKLOADED_PRESET: readonly number[] = [2, 4, 6, 9, 12, 16, 20, 24, 28, 33, 45, 100];
export const LINEAR_SHARES: readonly number[] = Array.from({ length: 12 }, () => 100 / 12);

export const DEFAULT_PROJECTION: ProjectionSettings = {
  method: 'expected',
  backloaded: [...BACKLOADED_PRESET],
  custom: [...LINEAR_SHARES],
  lastYearMonths: null,
  investmentExtended: false,
  flagGap: 20,
};

/** The workbook's projection settings, defaults filled in (older workbooks have none). */
export function projectionOf(wb: Pick<Workbook, 'settings'>): ProjectionSettings {
  return { ...DEFAULT_PROJECTION, ...(wb.settings.projection ?? {}) };
}

/** Line flags (bits of the roll-up's lineFlags). */
export const FLAG_FAR_FROM_PROFILE = 1;
export const FLAG_EXPECTED_EQUALS_REACHED = 2;
export const FLAG_NO_PROFILE = 4;
export const FLAG_OVER_DISBURSED = 8;

/** Days since 1970-01-01 of an ISO date (yyyy-mm-dd); NaN when absent or malformed. */
export function dayNumber(iso: string | null | undefined): number {
  if (!iso) return NaN;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3]) / 86_400_000;
}

/** First day (day number) of each month of a year, and of the next year: 13 entries. */
export function monthStarts(year: number): Float64Array {
  const out = new Float64Array(13);
  for (let m = 0; m <= 12; m++) out[m] = Date.UTC(year, m, 1) / 86_400_000;
  return out;
}

/**
 * Cumulative profile from 12 monthly figures (shares or amounts): 13 fractions, 0 at 1 January and
 * 1 at 31 December. Null when the figures total zero or are not all finite and non-negative.
 */
export function cumulativeFromMonthly(monthly: readonly (number | null)[] | null | undefined): Float64Array | null {
  if (!monthly || monthly.length < 12) return null;
  const out = new Float64Array(13);
  let sum = 0;
  for (let m = 0; m < 12; m++) {
    const v = monthly[m] ?? 0;
    if (!Number.isFinite(v) || v < 0) return null;
    sum += v;
    out[m + 1] = sum;
  }
  if (sum <= 0) return null;
  for (let m = 1; m <= 12; m++) out[m] /= sum;
  out[12] = 1;
  return out;
}

/** Cumulative profile from 12 cumulative percentages (the last should be 100); null when not increasing. */
export function cumulativeFromPercents(cum: readonly number[]): Float64Array | null {
  if (cum.length < 12) return null;
  const monthly = cum.slice(0, 12).map((v, m) => v - (m ? cum[m - 1] : 0));
  return cumulativeFromMonthly(monthly);
}

/** Profiles by method code (row 0, 'expected', is unused): 5 × 13 cumulative fractions; NaN row = unusable. */
export function profileTable(p: ProjectionSettings): Float64Array {
  const table = new Float64Array(5 * 13).fill(NaN);
  const rows: [ProjectionMethod, Float64Array | null][] = [
    ['linear', cumulativeFromMonthly(LINEAR_SHARES)],
    ['backloaded', cumulativeFromPercents(p.backloaded)],
    ['custom', cumulativeFromMonthly(p.custom)],
    ['lastYear', cumulativeFromMonthly(p.lastYearMonths)],
  ];
  for (const [method, cum] of rows) if (cum) table.set(cum, METHOD_CODE[method] * 13);
  return table;
}

/** What the worker needs besides the line columns to project a plan. */
export interface ProjectionParams {
  year: number;
  /** METHOD_CODE of the workbook's method. */
  method: number;
  /** Day number of the workbook's as-of date; NaN = none. */
  asOfDay: number;
  /** See profileTable. */
  profiles: Float64Array;
  /** The profile the "far from the profile" flag compares an expected rate with (method code). */
  reference: number;
  /** Percentage points between an expected rate and the profile's that raise a flag. */
  flagGap: number;
}

export function projectionParams(wb: Pick<Workbook, 'settings' | 'year'>): ProjectionParams {
  const p = projectionOf(wb);
  const profiles = profileTable(p);
  const method = METHOD_CODE[p.method];
  return {
    year: wb.year,
    method,
    asOfDay: dayNumber(wb.settings.asOf),
    profiles,
    // An expected rate is checked against the workbook's profile, or the back-loaded preset.
    reference: method > 0 && !Number.isNaN(profiles[method * 13 + 12]) ? method : METHOD_CODE.backloaded,
    flagGap: p.flagGap,
  };
}

/**
 * Share of the year's disbursement a profile expects by the end of a day: interpolated by days
 * within the month. 0 before the year, 1 after it; NaN when the profile is unusable.
 */
export function cumulativeAt(profiles: Float64Array, method: number, starts: Float64Array, day: number): number {
  const base = method * 13;
  if (Number.isNaN(profiles[base + 12])) return NaN;
  const t = day + 1; // figures as of a day include that day
  if (t <= starts[0]) return 0;
  if (t >= starts[12]) return 1;
  let m = 0;
  while (t >= starts[m + 1]) m++;
  const f = (t - starts[m]) / (starts[m + 1] - starts[m]);
  return profiles[base + m] + (profiles[base + m + 1] - profiles[base + m]) * f;
}

/**
 * Months left in the year after the end of a day: the whole months after it, plus what is left of
 * its own month by days (31 October → 2; 15 November → 1,5); 0 at or after year end.
 */
export function monthsLeft(starts: Float64Array, day: number): number {
  const t = day + 1;
  if (t >= starts[12]) return 0;
  if (t <= starts[0]) return 12;
  let m = 0;
  while (t >= starts[m + 1]) m++;
  return (starts[m + 1] - t) / (starts[m + 1] - starts[m]) + (11 - m);
}

/** Projection from a profile: disbursed ÷ cumulative share, within [disbursed, max(plan, disbursed)]. */
export function projectByProfile(plan: number, disbursed: number, share: number): number {
  const ceiling = Math.max(plan, disbursed);
  if (!(share > 0)) return disbursed;
  return Math.min(Math.max(roundHalfUp(disbursed / share), disbursed), ceiling);
}

/** Whether a line's money left at year end carries over (true) or lapses (false). */
export function carriesOver(vintage: number, year: number, capital: CapitalType, eligible: boolean): boolean {
  return vintage >= year && (capital === 'investment' || eligible);
}

/** The date by which a line's money must be disbursed, ISO. */
export function deadlineOf(line: Pick<Line, 'vintage' | 'capital' | 'carryEligible'>, wb: Pick<Workbook, 'year' | 'settings'>): string {
  const year = wb.year;
  if (line.vintage < year) return `${year}-12-31`;
  if (line.capital === 'investment') return projectionOf(wb).investmentExtended ? `${year + 1}-12-31` : `${year + 1}-01-31`;
  return line.carryEligible ? `${year + 1}-12-31` : `${year}-12-31`;
}

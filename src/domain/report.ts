// The monitoring report: the table per project and sub-project (plan by source, carried in,
// disbursed, rate, expected year-end rate and amount, projected carry-over, with the stated figures
// and their differences), and the narrative in Vietnamese and English in the manner of a district
// report's section II. Pure; every number comes from the computed roll-up, never from a stated figure.

import type { AmountUnit, Id, Lang, Line, NumberLocale, StatedFigures, Workbook } from './model';
import { formatAmount, formatDate } from './amount';
import { rateOf, type Rollup } from './rollup';
import type { OrderedTree } from './tree';
import { statedForYear } from './edit';
import { CHECK_WORDS, describeProblem, writePhrase, type DocumentWord } from './messages';

/** One row of the report: the program total, a project (depth 0) or a sub-project (depth 1). */
export interface ReportRow {
  /** Null for the program total. */
  nodeId: Id | null;
  code: string;
  name: string;
  level: 'total' | 'project' | 'sub';
  /** The row has sub-projects in the report (its paragraph sums them up). */
  hasChildren: boolean;
  /** Implementing units of its lines, as first written, in line order. */
  units: string[];
  central: number;
  local: number;
  other: number;
  plan: number;
  /** Of the plan: money carried in from earlier years, and the years it comes from. */
  carriedIn: number;
  carriedYears: number[];
  disbursed: number;
  /** Percent of the plan; NaN when the plan is zero. */
  rate: number;
  /** The expected-rate level (domain/rollup expectedAmount) and its rate of the plan. */
  expectedAmount: number;
  expectedRate: number;
  carryOver: number;
  /** The figures a source document states for the row (its own, or its single line's). */
  stated: StatedFigures;
}

export interface Report {
  year: number;
  workbookName: string;
  placeName: string;
  /** ISO date of the figures, or null when the workbook gives none. */
  asOf: string | null;
  /** The total first, then projects each followed by its sub-projects. */
  rows: ReportRow[];
}

/**
 * The report of a plan: rows for the total and for every project and sub-project that has money
 * or stated figures, in tree order. `lines` must be in the roll-up's line order.
 */
export function buildReport(wb: Pick<Workbook, 'year' | 'name' | 'placeName' | 'settings' | 'stated'>, tree: OrderedTree, lines: readonly Line[], r: Rollup): Report {
  const year = wb.year;
  const n = tree.nodes.length;
  // Per node: units and carried-in years of the lines below, and how many lines sit directly on it.
  const units: string[][] = Array.from({ length: n + 1 }, () => []);
  const carried: Set<number>[] = Array.from({ length: n + 1 }, () => new Set());
  const own: number[] = new Array(n).fill(0);
  const onlyLine: (Line | null)[] = new Array(n).fill(null);
  lines.forEach((l) => {
    const k0 = tree.indexOf.get(l.nodeId);
    if (k0 === undefined) return;
    own[k0]++;
    onlyLine[k0] = l;
    for (let k = k0; ; k = tree.parentIndex[k]) {
      const at = k < 0 ? n : k;
      if (l.unit.trim() && !units[at].includes(l.unit.trim())) units[at].push(l.unit.trim());
      if (l.vintage < year) carried[at].add(l.vintage);
      if (k < 0) break;
    }
  });
  const row = (k: number, level: ReportRow['level'], hasChildren: boolean): ReportRow => {
    const node = k < n ? tree.nodes[k] : null;
    // A sub-project entered as one line states its figures on that line.
    const lineStated = node && own[k] === 1 && !tree.hasChildren[k] ? (onlyLine[k]?.stated ?? {}) : {};
    const stated = node ? { ...lineStated, ...(node.stated ?? {}) } : statedForYear(wb as Workbook, year);
    return {
      nodeId: node?.id ?? null,
      code: node?.code ?? '',
      name: node?.name ?? '',
      level,
      hasChildren,
      units: units[k],
      central: r.central[k],
      local: r.local[k],
      other: r.other[k],
      plan: r.plan[k],
      carriedIn: r.carriedIn[k],
      carriedYears: [...carried[k]].sort((a, b) => a - b),
      disbursed: r.disbursed[k],
      rate: rateOf(r.disbursed[k], r.plan[k]),
      expectedAmount: r.expectedAmount[k],
      expectedRate: rateOf(r.expectedAmount[k], r.plan[k]),
      carryOver: r.carryOver[k],
      stated,
    };
  };
  const shown = (k: number) => r.plan[k] !== 0 || r.disbursed[k] !== 0 || !!tree.nodes[k].stated || (own[k] === 1 && !!onlyLine[k]?.stated);
  const rows: ReportRow[] = [row(n, 'total', true)];
  for (let k = 0; k < n; k++) {
    if (tree.depth[k] !== 0 || !shown(k)) continue;
    const subs: number[] = [];
    for (let j = k + 1; j < n && tree.depth[j] > 0; j++) if (tree.depth[j] === 1 && shown(j)) subs.push(j);
    rows.push(row(k, 'project', subs.length > 0));
    for (const j of subs) rows.push(row(j, 'sub', false));
  }
  return { year, workbookName: wb.name, placeName: wb.placeName, asOf: wb.settings.asOf, rows };
}

// ---- the narrative -----------------------------------------------------------------------------

/** One paragraph: a heading (a project's or sub-project's name) and its text. */
export interface NarrativeParagraph {
  nodeId: Id | null;
  level: ReportRow['level'];
  heading: string;
  text: string;
}

/** How the narrative writes numbers: the reader's language and number format, amounts in `unit`. */
export interface NarrativeStyle {
  lang: Lang;
  unit: AmountUnit;
  /** vi-VN for Vietnamese ("13.819", "26,84%"), en for English, unless given. */
  locale?: NumberLocale;
}

/**
 * The report's narrative: one paragraph for the program, then one per project and sub-project,
 * with implementing units, amounts and rates, written as a Vietnamese report writes them
 * ("13.819 triệu đồng", "26,84%"). Every number is a computed figure of the report's rows.
 */
export function writeNarrative(report: Report, style: NarrativeStyle): NarrativeParagraph[] {
  const w = new Writer(report, style);
  const out: NarrativeParagraph[] = [];
  let letter = 0;
  for (const row of report.rows) {
    if (row.level === 'total') out.push({ nodeId: null, level: 'total', heading: w.programHeading(), text: w.program(row) });
    else out.push({ nodeId: row.nodeId, level: row.level, heading: w.heading(row, row.level === 'project' ? letter++ : -1), text: w.item(row) });
  }
  return out;
}

/** The report's title line (the place goes on the line below it). */
export function reportTitle(report: Report, lang: Lang): string {
  return writePhrase(lang, 'report.title', { year: report.year });
}

/** Writes sentences in one language; numbers through `amount` and `rate` only. */
class Writer {
  private readonly locale: NumberLocale;
  private readonly unitWord: string;
  constructor(
    private readonly report: Report,
    private readonly style: NarrativeStyle,
  ) {
    this.locale = style.locale ?? style.lang;
    this.unitWord = describeProblem({ code: `check.unit.${style.unit}` }, style.lang, CHECK_WORDS);
  }

  /** The words for `key` in the narrative's language. */
  private say(key: DocumentWord, params?: Record<string, string | number>): string {
    return writePhrase(this.style.lang, key, params);
  }

  amount(dong: number): string {
    return `${formatAmount(dong, this.style.unit, this.locale)} ${this.unitWord}`;
  }

  /** A rate as reports write it: "26,84%", a whole one "80%". */
  rate(pct: number): string {
    const fixed = pct.toFixed(2);
    const text = fixed.endsWith('.00') ? fixed.slice(0, -3) : fixed;
    return `${this.locale === 'vi' ? text.replace('.', ',') : text}%`;
  }

  private asOf(): string {
    const d = this.report.asOf;
    return d ? this.say('report.as-of', { date: formatDate(d, this.style.lang) }) : this.say('report.as-of-report');
  }

  private years(ys: number[]): string {
    return ys.length === 1 ? String(ys[0]) : this.say('report.years', { first: ys.slice(0, -1).join(', '), last: ys[ys.length - 1] });
  }

  /**
   * ", trong đó nguồn vốn Trung ương …, nguồn vốn địa phương …", or for one source ", toàn bộ từ …"
   * (said for the program only: under it, one source goes without saying).
   */
  private sources(row: ReportRow): string {
    const parts = (['central', 'local', 'other'] as const).filter((s) => row[s] !== 0);
    if (parts.length === 0 || (parts.length === 1 && row.level !== 'total')) return '';
    if (parts.length === 1) return this.say('report.all-from', { source: this.say(`report.source.${parts[0]}`) });
    const list = parts.map((s) => `${this.say(`report.source.${s}`)} ${this.amount(row[s])}`).join(', ');
    return this.say('report.of-which', { list });
  }

  /** Money carried in from earlier years within the plan. */
  private carried(row: ReportRow): string {
    if (!row.carriedIn) return '';
    const years = this.years(row.carriedYears);
    if (row.carriedIn === row.plan) return this.say('report.all-carried', { years });
    return this.say('report.part-carried', { carried: this.amount(row.carriedIn), years, assigned: this.amount(row.plan - row.carriedIn), year: this.report.year });
  }

  private progress(row: ReportRow, subject: 'report.subject.project' | 'report.subject.item' | null): string {
    const y = this.report.year;
    if (!row.plan) return this.say('report.disbursed-no-plan', { asOf: this.asOf(), disbursed: this.amount(row.disbursed) });
    const carryOver = row.carryOver ? this.say('report.carry-over', { next: y + 1, amount: this.amount(row.carryOver) }) : '';
    return this.say('report.progress', {
      asOf: this.asOf(),
      subject: subject ? this.say(subject) : '',
      disbursed: this.amount(row.disbursed),
      rate: this.rate(row.rate),
      year: y,
      expected: this.amount(row.expectedAmount),
      expectedRate: this.rate(row.expectedRate),
      carryOver,
    });
  }

  programHeading(): string {
    return this.say('report.program-heading');
  }

  program(row: ReportRow): string {
    const head = this.say('report.program', { year: this.report.year, plan: this.amount(row.plan), sources: this.sources(row), carried: this.carried(row) });
    return `${head} ${this.progress(row, null)}`;
  }

  heading(row: ReportRow, letter: number): string {
    const project = /^DA(\d+)$/i.exec(row.code);
    const sub = /\.TDA(\d+)$/i.exec(row.code);
    const label = project ? this.say('report.project', { n: project[1] }) : sub ? this.say('report.sub-project', { n: sub[1] }) : row.code;
    const name = row.name ? `: ${row.name}` : '';
    return letter >= 0 ? `${String.fromCharCode(97 + (letter % 26))}) ${label}${name}` : `- ${label}${name}`;
  }

  item(row: ReportRow): string {
    const money = { plan: this.amount(row.plan), sources: this.sources(row), carried: this.carried(row) };
    if (row.hasChildren) return `${this.say('report.project-budget', money)} ${this.progress(row, 'report.subject.project')}`;
    const unit = row.units.length ? this.say('report.units', { units: row.units.join(', '), plan: money.plan }) : this.say('report.no-units', { plan: money.plan });
    return `${unit}${money.sources}${money.carried}. ${this.progress(row, 'report.subject.item')}`;
  }
}

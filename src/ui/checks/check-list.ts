// The checks panel's list: entries with their sentence, their main numbers and their review state
// (reviewed, lapsed because the numbers changed, or open), filtered by severity and row; and the same
// list as a table for the .xlsx export, review notes included.

import type { CheckEntry, CheckNumber, CheckSeverity } from '../../domain/checks';
import { CHECK_SEVERITIES, fingerprintOf } from '../../domain/checks';
import { describeCheck, type CheckView } from '../../domain/check-text';
import { CHECK_WORDS, describeProblem } from '../../domain/messages';
import { formatAmount, formatPlain, formatRate } from '../../domain/amount';
import type { CheckReview } from '../../domain/model';
import type { TableCell, TableRow } from '../../io/export-table';
import { t } from '../i18n';

export type ReviewState = 'open' | 'reviewed' | 'lapsed';

export interface CheckItem {
  entry: CheckEntry;
  fingerprint: string;
  sentence: string;
  /** The row it concerns, as the sentence names it (for the row filter). */
  row: string;
  rowKey: string;
  state: ReviewState;
  review: CheckReview | null;
  /** Stated, computed and difference as the panel shows them (empty when the entry has none). */
  stated: string;
  computed: string;
  delta: string;
}

/** Entries with their sentence and review state, in the order the checks gave them. */
export function checkItems(entries: readonly CheckEntry[], reviews: Readonly<Record<string, CheckReview>>, view: CheckView): CheckItem[] {
  return entries.map((entry) => {
    const fingerprint = fingerprintOf(entry);
    const review = reviews[entry.id] ?? null;
    const num = (key: string) => {
      const n = entry.numbers.find((x) => x.key === key);
      return n ? shortNumber(n, view) : '';
    };
    return {
      entry,
      fingerprint,
      sentence: describeCheck(entry, view),
      row: describeProblem({ code: entry.params.rowMsg, params: entry.params }, view.lang, CHECK_WORDS),
      rowKey: `${entry.target.kind}:${entry.target.id ?? ''}`,
      state: !review ? 'open' : review.fingerprint === fingerprint ? 'reviewed' : 'lapsed',
      review,
      stated: num('stated'),
      computed: num('computed'),
      delta: num('delta'),
    };
  });
}

/** A number without its unit word (the panel states the unit once). */
function shortNumber(n: CheckNumber, view: CheckView): string {
  const sign = n.key === 'delta' && n.value > 0 ? '+' : '';
  switch (n.as) {
    case 'amount':
      return sign + formatAmount(n.value, view.unit, view.locale);
    case 'rate':
      return formatRate(n.value, view.locale, Number.isInteger(n.value) ? 0 : 2);
    case 'points':
      return sign + formatPlain(n.value, view.locale, 2);
    case 'count':
      return sign + formatPlain(n.value, view.locale, 6, { group: true });
  }
}

export interface CheckFilter {
  severities: ReadonlySet<CheckSeverity>;
  /** A row key, or '' for every row. */
  row: string;
  showReviewed: boolean;
}

/** The entries the filter lets through, errors first, then warnings, then notes, each in row order. */
export function filterItems(items: readonly CheckItem[], f: CheckFilter): CheckItem[] {
  const rank = (i: CheckItem) => CHECK_SEVERITIES.indexOf(i.entry.severity);
  return items
    .filter((i) => f.severities.has(i.entry.severity) && (!f.row || i.rowKey === f.row) && (f.showReviewed || i.state !== 'reviewed'))
    .sort((a, b) => rank(a) - rank(b));
}

export const SEVERITY_KEY = { error: 'chkError', warning: 'chkWarning', info: 'chkInfo' } as const;

/** The list as table rows for exportTableXlsx: severity, row, finding, stated, computed, Δ, review note. */
export function checkTableRows(items: readonly CheckItem[], view: CheckView): { headers: string[]; rows: TableRow[] } {
  const cell = (e: CheckEntry, key: string): TableCell => {
    const n = e.numbers.find((x) => x.key === key);
    if (!n) return null;
    return n.as === 'amount' ? { amount: n.value } : n.as === 'rate' ? { percent: n.value, decimals: 2 } : n.value;
  };
  const L = view.lang;
  return {
    headers: [t(L, 'chkSeverity'), t(L, 'chkRow'), t(L, 'chkFinding'), t(L, 'chkStated'), t(L, 'chkComputed'), t(L, 'chkDelta'), t(L, 'chkReviewNote')],
    rows: items.map((i) => ({
      cells: [t(L, SEVERITY_KEY[i.entry.severity]), i.row, i.sentence, cell(i.entry, 'stated'), cell(i.entry, 'computed'), cell(i.entry, 'delta'), reviewText(i, view)],
    })),
  };
}

/** "Đã xem xét 12/12/2023: note", or the lapsed mark with its old note, or "". */
export function reviewText(i: CheckItem, view: CheckView): string {
  if (!i.review) return '';
  const date = new Date(i.review.at).toLocaleDateString(view.lang === 'vi' ? 'vi-VN' : 'en-GB');
  return i.state === 'reviewed' ? `${t(view.lang, 'chkReviewed', { date })}: ${i.review.note}` : t(view.lang, 'chkLapsed', { date, note: i.review.note });
}

// The report's table (domain/report rows) as typed cells: shown on screen and printed, and written
// to .xlsx by exportTableXlsx. Columns that would be empty for every row (other sources, stated
// figures) are left out, so an A4 landscape page keeps room for the rest.

import type { Report, ReportRow } from '../../domain/report';
import type { TableCell, TableRow } from '../../io/export-table';
import { formatAmount, formatPlain, formatRate } from '../../domain/amount';
import type { ViewSettings } from '../grid/columns';
import { t, type StringKey } from '../i18n';

export interface ReportTable {
  headers: string[];
  rows: TableRow[];
  /** Column widths in characters (for the .xlsx). */
  widths: number[];
  /** Columns holding numbers (right-aligned on screen). */
  numeric: boolean[];
}

interface Column {
  key: StringKey;
  width: number;
  numeric: boolean;
  cell: (r: ReportRow, view: ViewSettings) => TableCell;
}

const amount = (v: number): TableCell => ({ amount: v });
const percent = (v: number): TableCell => (Number.isFinite(v) ? { percent: v, decimals: 2 } : null);

const COLUMNS: Column[] = [
  { key: 'rptColCode', width: 11, numeric: false, cell: (r) => r.code },
  { key: 'rptColName', width: 44, numeric: false, cell: (r, v) => (r.level === 'total' ? t(v.lang, 'total') : r.name) },
  { key: 'rptColUnit', width: 24, numeric: false, cell: (r) => (r.level === 'total' ? '' : r.units.join(', ')) },
  { key: 'rptColCentral', width: 13, numeric: true, cell: (r) => amount(r.central) },
  { key: 'rptColLocal', width: 13, numeric: true, cell: (r) => amount(r.local) },
  { key: 'rptColOther', width: 13, numeric: true, cell: (r) => amount(r.other) },
  { key: 'rptColPlan', width: 13, numeric: true, cell: (r) => amount(r.plan) },
  { key: 'rptColCarriedIn', width: 13, numeric: true, cell: (r) => amount(r.carriedIn) },
  { key: 'rptColDisbursed', width: 13, numeric: true, cell: (r) => amount(r.disbursed) },
  { key: 'rptColRate', width: 9, numeric: true, cell: (r) => percent(r.rate) },
  { key: 'rptColExpectedRate', width: 11, numeric: true, cell: (r) => percent(r.expectedRate) },
  { key: 'rptColExpected', width: 13, numeric: true, cell: (r) => amount(r.expectedAmount) },
  { key: 'rptColCarryOver', width: 13, numeric: true, cell: (r) => amount(r.carryOver) },
  { key: 'rptColStatedPlan', width: 13, numeric: true, cell: (r) => (r.stated.plan === undefined ? null : amount(r.stated.plan)) },
  { key: 'rptColPlanDelta', width: 12, numeric: true, cell: (r) => (r.stated.plan === undefined ? null : amount(r.plan - r.stated.plan)) },
  { key: 'rptColStatedRate', width: 10, numeric: true, cell: (r) => (r.stated.rate === undefined ? null : { percent: r.stated.rate, decimals: 2 }) },
  {
    key: 'rptColRateDelta',
    width: 11,
    numeric: true,
    cell: (r) => (r.stated.rate === undefined || !Number.isFinite(r.rate) ? null : Math.round((r.rate - r.stated.rate) * 100) / 100),
  },
];

/** Columns shown only when some row has something in them. */
const OPTIONAL: ReadonlySet<StringKey> = new Set(['rptColOther', 'rptColStatedPlan', 'rptColPlanDelta', 'rptColStatedRate', 'rptColRateDelta']);

export function reportTable(report: Report, view: ViewSettings): ReportTable {
  const cols = COLUMNS.filter(
    (c) =>
      !OPTIONAL.has(c.key) ||
      report.rows.some((r) => {
        const v = c.cell(r, view);
        return v !== null && !(typeof v === 'object' && 'amount' in v && v.amount === 0);
      }),
  );
  return {
    headers: cols.map((c) => t(view.lang, c.key)),
    widths: cols.map((c) => c.width),
    numeric: cols.map((c) => c.numeric),
    rows: report.rows.map((r) => ({
      cells: cols.map((c) => c.cell(r, view)),
      kind: r.level === 'total' ? 'total' : r.hasChildren ? 'parent' : 'line',
      depth: r.level === 'sub' ? 1 : 0,
    })),
  };
}

/** A cell as the screen and the printed page show it (the unit is stated once, above the table). */
export function cellText(c: TableCell, view: ViewSettings): string {
  if (c === null) return '';
  if (typeof c === 'string') return c;
  if (typeof c === 'number') return `${c > 0 ? '+' : ''}${formatPlain(c, view.locale, 2)}`;
  if ('percent' in c && c.percent !== undefined) return formatRate(c.percent, view.locale, Number.isInteger(c.percent) ? 0 : 2);
  if ('amount' in c && c.amount !== undefined) return formatAmount(c.amount, view.unit, view.locale);
  return 'date' in c ? c.date : '';
}

// The budget grid's columns: what each shows for a line, a tree node and the program total, how it
// is formatted in the chosen unit, and which row kinds may edit it.

import type { AmountUnit, Lang, NumberLocale } from '../../domain/model';
import type { Rollup } from '../../domain/rollup';
import { MONTH_COUNT } from '../../domain/model';
import type { AnyField } from '../../domain/edit';
import { MONTH_FIELDS, monthIndex, statedForYear } from '../../domain/edit';
import { formatAmount, formatDate, formatRate } from '../../domain/amount';
import { SOURCE_LABELS, CAPITAL_LABELS, METHOD_LABELS, YES_NO_LABELS } from '../../domain/cell-input';
import { rateOf } from '../../domain/rollup';
import { deadlineOf, projectionOf, FLAG_EXPECTED_EQUALS_REACHED, FLAG_FAR_FROM_PROFILE, FLAG_NO_PROFILE, FLAG_OVER_DISBURSED } from '../../domain/projection';
import type { WorkbookSession } from '../../state/session.svelte';
import { rowNode, TOTAL_ROW } from '../../state/rows';
import { t } from '../i18n';
import { tableUnitLine } from '../../io/export-table';

export type RowKind = 'line' | 'node' | 'total';
export type ColumnKind = 'tree' | 'text' | 'select' | 'year' | 'date' | 'amount' | 'rate' | 'derived-amount' | 'derived-rate' | 'delta';

export interface ViewSettings {
  unit: AmountUnit;
  locale: NumberLocale;
  lang: Lang;
  /** At most this many decimals shown for amounts (rounded for the eye; edits and copies stay exact). */
  maxDecimals?: number;
}

/** An amount as the view shows it: in its unit, with at most its decimals (but never a non-zero amount as 0). */
export function shownAmount(dong: number, view: ViewSettings): string {
  const shown = formatAmount(dong, view.unit, view.locale, { maxDecimals: view.maxDecimals });
  return shown === '0' && dong !== 0 ? formatAmount(dong, view.unit, view.locale) : shown;
}

export interface GridColumn {
  key: string;
  /** The field an edit of this column sets; absent for derived columns. */
  field?: AnyField;
  /** The field it sets on a line row, when that differs (a line's description is its `label`). */
  lineField?: AnyField;
  kind: ColumnKind;
  width: number;
  header: Record<Lang, string>;
  /** Row kinds on which the cell can be edited. */
  editable: RowKind[];
  numeric: boolean;
}

export const GRID_COLUMNS: GridColumn[] = [
  { key: 'code', field: 'code', kind: 'tree', width: 110, header: { vi: 'Mã', en: 'Code' }, editable: ['node'], numeric: false },
  { key: 'name', field: 'name', lineField: 'label', kind: 'text', width: 250, header: { vi: 'Nội dung', en: 'Item' }, editable: ['node', 'line'], numeric: false },
  { key: 'unit', field: 'unit', kind: 'text', width: 160, header: { vi: 'Đơn vị thực hiện', en: 'Implementing unit' }, editable: ['line'], numeric: false },
  { key: 'source', field: 'source', kind: 'select', width: 64, header: { vi: 'Nguồn', en: 'Source' }, editable: ['line'], numeric: false },
  { key: 'capital', field: 'capital', kind: 'select', width: 80, header: { vi: 'Loại vốn', en: 'Capital' }, editable: ['line'], numeric: false },
  { key: 'vintage', field: 'vintage', kind: 'year', width: 66, header: { vi: 'Vốn năm', en: 'Vintage' }, editable: ['line'], numeric: true },
  { key: 'plan', field: 'plan', kind: 'amount', width: 100, header: { vi: 'Kế hoạch', en: 'Plan' }, editable: ['line'], numeric: true },
  { key: 'disbursed', field: 'disbursed', kind: 'amount', width: 100, header: { vi: 'Đã giải ngân', en: 'Disbursed' }, editable: ['line'], numeric: true },
  { key: 'asOf', field: 'asOf', kind: 'date', width: 86, header: { vi: 'Đến ngày', en: 'As of' }, editable: ['line'], numeric: false },
  { key: 'rate', kind: 'derived-rate', width: 72, header: { vi: 'Tỷ lệ GN', en: 'Rate' }, editable: [], numeric: true },
  { key: 'expected', field: 'expectedRate', kind: 'rate', width: 76, header: { vi: 'Dự kiến %', en: 'Expected %' }, editable: ['line'], numeric: true },
  { key: 'projected', kind: 'derived-amount', width: 100, header: { vi: 'Dự kiến GN', en: 'Projected' }, editable: [], numeric: true },
  { key: 'unspent', kind: 'derived-amount', width: 100, header: { vi: 'Dự kiến còn lại', en: 'Unspent' }, editable: [], numeric: true },
  { key: 'requiredLocal', kind: 'derived-amount', width: 100, header: { vi: 'Đối ứng NSĐP yêu cầu', en: 'Required local' }, editable: [], numeric: true },
  { key: 'statedPlan', field: 'statedPlan', kind: 'amount', width: 100, header: { vi: 'KH báo cáo', en: 'Stated plan' }, editable: ['line', 'node', 'total'], numeric: true },
  { key: 'delta', kind: 'delta', width: 90, header: { vi: 'Chênh lệch KH', en: 'Plan Δ' }, editable: [], numeric: true },
];

const col = (key: string): GridColumn => GRID_COLUMNS.find((c) => c.key === key)!;
const derived = (key: string, vi: string, en: string, width = 100): GridColumn => ({ key, kind: 'derived-amount', width, header: { vi, en }, editable: [], numeric: true });

/**
 * The disbursement view: projection, carry-over and lapse per line and roll-up, the monthly
 * actuals, and next year's money (what carries in and what is new).
 */
export const DISBURSEMENT_COLUMNS: GridColumn[] = [
  col('code'),
  col('name'),
  col('unit'),
  col('source'),
  col('capital'),
  col('vintage'),
  { ...col('plan'), header: { vi: 'Vốn được sử dụng', en: 'Available' } },
  derived('carriedIn', 'Trong đó: năm trước chuyển sang', 'Of which carried in', 110),
  derived('ownPlan', 'Trong đó: giao năm nay', "Of which this year's", 110),
  col('disbursed'),
  col('asOf'),
  col('rate'),
  { key: 'method', field: 'method', kind: 'select', width: 130, header: { vi: 'Phương pháp dự báo', en: 'Projection method' }, editable: ['line'], numeric: false },
  col('expected'),
  col('projected'),
  derived('runRate', 'GN cần/tháng để đạt dự kiến', 'Needed per month', 110),
  col('unspent'),
  { key: 'carryEligible', field: 'carryEligible', kind: 'select', width: 84, header: { vi: 'Được chuyển nguồn', en: 'May carry over' }, editable: ['line'], numeric: false },
  derived('carryOver', 'Dự kiến chuyển nguồn', 'Projected carry-over'),
  derived('lapse', 'Nguy cơ hủy/hết hạn', 'At risk of lapse'),
  { key: 'deadline', kind: 'date', width: 86, header: { vi: 'Hạn giải ngân', en: 'Deadline' }, editable: [], numeric: false },
  {
    key: 'carryConfirmed',
    field: 'carryConfirmed',
    kind: 'amount',
    width: 110,
    header: { vi: 'Chuyển nguồn đã xác nhận', en: 'Confirmed carry-over' },
    editable: ['line'],
    numeric: true,
  },
  { key: 'flags', kind: 'text', width: 150, header: { vi: 'Cảnh báo', en: 'Flags' }, editable: [], numeric: false },
  // The twelve months folded into one: what they add up to (shown while the months are folded).
  derived('monthsTotal', 'GN các tháng (cộng)', 'Disbursed by month (sum)', 110),
  ...MONTH_FIELDS.map((field, i): GridColumn => ({
    key: field,
    field,
    kind: 'amount',
    width: 86,
    header: i < 12 ? { vi: `GN T${i + 1}`, en: `Disb. M${i + 1}` } : { vi: 'GN T1 năm sau', en: 'Disb. M1 next yr' },
    editable: ['line'],
    numeric: true,
  })),
];

/** The options of a select column, in the interface language. */
export function selectOptions(column: GridColumn, lang: Lang): Record<string, string> {
  switch (column.key) {
    case 'source':
      return { ...SOURCE_LABELS[lang] };
    case 'capital':
      return { ...CAPITAL_LABELS[lang] };
    case 'method':
      return { '': t(lang, 'methodOfWorkbook'), ...METHOD_LABELS[lang] };
    default:
      return { yes: YES_NO_LABELS[lang].yes, no: YES_NO_LABELS[lang].no };
  }
}

const FLAG_TEXT: [number, Record<Lang, string>, Record<Lang, string>][] = [
  [
    FLAG_FAR_FROM_PROFILE,
    { vi: 'Lệch xa hồ sơ', en: 'Far from profile' },
    {
      vi: 'Tỷ lệ dự kiến khác xa mức mà hồ sơ giải ngân theo tháng cho thấy có thể đạt.',
      en: 'The expected rate is far from what the monthly profile makes likely.',
    },
  ],
  [
    FLAG_EXPECTED_EQUALS_REACHED,
    { vi: 'Dự kiến = đã đạt', en: 'Expected = reached' },
    {
      vi: 'Tỷ lệ dự kiến cuối năm bằng tỷ lệ đã đạt, khi năm đã gần hết: không giải ngân thêm?',
      en: 'The expected year-end rate equals the rate already reached, late in the year: no more spending?',
    },
  ],
  [
    FLAG_NO_PROFILE,
    { vi: 'Thiếu số liệu hồ sơ', en: 'No profile data' },
    {
      vi: 'Không dự báo được theo hồ sơ (chưa có ngày số liệu, hoặc chưa có số liệu các tháng năm trước): dự báo bằng số đã giải ngân.',
      en: 'The profile cannot project (no as-of date, or no months of last year): the projection is what is disbursed.',
    },
  ],
  [
    FLAG_OVER_DISBURSED,
    { vi: 'GN vượt vốn', en: 'Over-disbursed' },
    {
      vi: 'Số đã giải ngân lớn hơn số vốn được sử dụng.',
      en: 'More is disbursed than the money available.',
    },
  ],
];

/** The flags of a line as short labels. */
function flagLabels(flags: number, lang: Lang): string {
  return FLAG_TEXT.filter(([bit]) => flags & bit)
    .map(([, short]) => short[lang])
    .join(' · ');
}

/** What a flag cell means, in full (its hover text). */
export function flagTip(s: WorkbookSession, code: number, lang: Lang): string {
  const r = s.rollup;
  if (!r) return '';
  if (code >= 0)
    return FLAG_TEXT.filter(([bit]) => r.lineFlags[code] & bit)
      .map(([, , long]) => long[lang])
      .join('\n');
  return t(lang, 'flagTipParent');
}

/** The field a column edits on a row of the given kind. */
export function fieldFor(column: GridColumn, kind: RowKind): AnyField | undefined {
  return kind === 'line' ? (column.lineField ?? column.field) : column.field;
}

export function rowKindOf(code: number): RowKind {
  return code === TOTAL_ROW ? 'total' : code >= 0 ? 'line' : 'node';
}

/** Column headers in the interface language (the unit is stated once, above the grid). */
export function columnHeaders(view: ViewSettings, columns: readonly GridColumn[] = GRID_COLUMNS): string[] {
  return columns.map((c) => c.header[view.lang]);
}

/** The unit line shown above the grid, as Vietnamese tables write it ("ĐVT: triệu đồng"). */
export function unitLine(view: ViewSettings): string {
  return tableUnitLine(view.unit, view.lang);
}

const PENDING = '…';

/**
 * The text a cell shows (and copies, and offers to the editor). Amounts are formatted exactly in the
 * chosen unit; derived figures come from the worker's roll-up, shown as "…" until it arrives.
 */
/**
 * The amount a cell shows, in đồng: null for a blank cell (or a column that holds no amount),
 * undefined while the roll-up it needs is still on its way. What cellText formats, and what the
 * selection summary adds up.
 */
export function cellAmount(s: WorkbookSession, code: number, key: string): number | null | undefined {
  return amountIn(amountSource(s), code, key);
}

/** What cellAmount reads of a session, read once (reading a session's state costs more than a plain object's). */
export type AmountSource = Pick<WorkbookSession, 'lines' | 'rollup' | 'tree' | 'workbook'>;

export function amountSource(s: WorkbookSession): AmountSource {
  return { lines: s.lines, rollup: s.rollup, tree: s.tree, workbook: s.workbook };
}

/** cellAmount on a source read once: for loops over many cells (a selection's sum, a sort). */
export function amountIn(s: AmountSource, code: number, key: string): number | null | undefined {
  const r = s.rollup;
  if (code >= 0) {
    const l = s.lines[code];
    if (!l) return null;
    switch (key) {
      case 'plan':
        return l.plan;
      case 'disbursed':
        return l.disbursed;
      case 'projected':
        return rolled(r, 'lineProjected', code);
      case 'unspent':
        return rolled(r, 'lineUnspent', code);
      case 'requiredLocal':
        return r && r.lineRequired[code] ? r.lineRequired[code] : null;
      case 'statedPlan':
        return num(l.stated?.plan);
      case 'delta':
        return l.stated?.plan === undefined ? null : l.plan - l.stated.plan;
      case 'carriedIn':
        return l.vintage < s.workbook.year ? l.plan : null;
      case 'ownPlan':
        return l.vintage < s.workbook.year ? null : l.plan;
      case 'runRate':
        return rolled(r, 'lineRunRate', code);
      case 'carryOver':
        return rolled(r, 'lineCarry', code);
      case 'lapse':
        return rolled(r, 'lineLapse', code);
      case 'carryConfirmed':
        return num(l.carryConfirmed);
      case 'monthsTotal':
        return l.months?.some((m) => m !== null) ? l.months.reduce<number>((a, m) => a + (m ?? 0), 0) : null;
    }
    const month = monthIndex(key);
    return month >= 0 ? num(l.months?.[month]) : null;
  }
  const month = monthIndex(key);
  const isTotal = code === TOTAL_ROW;
  const k = isTotal ? (r?.nodeCount ?? -1) : rowNode(code);
  const stated = isTotal ? statedForYear(s.workbook).plan : s.tree.nodes[k]?.stated?.plan;
  if (key === 'statedPlan') return num(stated);
  if (key === 'delta' && stated === undefined) return null;
  if (!r) return ROLLED_KEYS.has(key) || month >= 0 ? undefined : null;
  switch (key) {
    case 'plan':
      return r.plan[k];
    case 'disbursed':
      return r.disbursed[k];
    case 'projected':
      return r.projected[k];
    case 'unspent':
      return r.unspent[k];
    case 'requiredLocal':
      return r.requiredLocal[k] || null;
    case 'delta':
      return stated === undefined ? null : r.plan[k] - stated;
    case 'carriedIn':
      return r.carriedIn[k];
    case 'ownPlan':
      return r.plan[k] - r.carriedIn[k];
    case 'runRate':
      return r.runRate[k] || null;
    case 'carryOver':
      return r.carryOver[k];
    case 'lapse':
      return r.lapse[k];
    case 'monthsTotal': {
      if (!r.monthsKnown[k]) return null;
      let sum = 0;
      for (let m = 0; m < MONTH_COUNT; m++) sum += r.months[k * MONTH_COUNT + m];
      return sum;
    }
  }
  return month >= 0 && r.monthsKnown[k] ? r.months[k * MONTH_COUNT + month] : null;
}

const num = (v: number | undefined | null): number | null => (v === undefined || v === null || Number.isNaN(v) ? null : v);
const rolled = (r: Rollup | null, a: keyof Rollup, i: number): number | null | undefined => (r ? num((r[a] as Float64Array)[i]) : undefined);

/** Columns of roll-up rows whose figure comes from the roll-up. */
const ROLLED_KEYS = new Set(['plan', 'disbursed', 'projected', 'unspent', 'requiredLocal', 'delta', 'carriedIn', 'ownPlan', 'runRate', 'carryOver', 'lapse', 'monthsTotal']);

/** Whether a column shows amounts (what cellAmount reads). */
export function isAmountColumn(c: GridColumn): boolean {
  return c.kind === 'amount' || c.kind === 'derived-amount' || c.kind === 'delta';
}

export function cellText(s: WorkbookSession, code: number, c: GridColumn, view: ViewSettings): string {
  if (isAmountColumn(c)) {
    const v = cellAmount(s, code, c.key);
    if (v === undefined) return PENDING;
    if (v === null) return '';
    return c.kind === 'delta' ? signed(v, view) : formatAmount(v, view.unit, view.locale);
  }
  const r = s.rollup;
  if (code >= 0) {
    const l = s.lines[code];
    if (!l) return '';
    switch (c.key) {
      case 'code':
        return '';
      case 'name':
        return l.label;
      case 'unit':
        return l.unit;
      case 'source':
        return SOURCE_LABELS[view.lang][l.source];
      case 'capital':
        return CAPITAL_LABELS[view.lang][l.capital];
      case 'vintage':
        return String(l.vintage);
      case 'asOf':
        return formatDate(l.asOf, view.locale);
      case 'rate':
        return formatRate(rateOf(l.disbursed, l.plan), view.locale);
      case 'expected':
        return l.expectedRate === null ? '' : formatRate(l.expectedRate, view.locale);
      case 'method':
        return l.method ? METHOD_LABELS[view.lang][l.method] : '';
      case 'carryEligible':
        return YES_NO_LABELS[view.lang][l.carryEligible ? 'yes' : 'no'];
      case 'deadline':
        return formatDate(deadlineOf(l, s.workbook), view.locale);
      case 'flags':
        return r ? flagLabels(r.lineFlags[code], view.lang) : '';
    }
    return '';
  }
  const isTotal = code === TOTAL_ROW;
  const k = isTotal ? (r?.nodeCount ?? -1) : rowNode(code);
  const node = isTotal ? null : s.tree.nodes[k];
  switch (c.key) {
    case 'code':
      return node?.code ?? '';
    case 'name':
      return node ? node.name : t(view.lang, s.rowView?.keepLine ? 'totalFiltered' : 'total');
    case 'rate':
      return r ? formatRate(rateOf(r.disbursed[k], r.plan[k]), view.locale) : PENDING;
    case 'flags':
      return r && r.flagged[k] ? `⚠ ${r.flagged[k]}` : '';
    case 'method':
      return isTotal ? `${METHOD_LABELS[view.lang][projectionOf(s.workbook).method]}` : '';
  }
  return '';
}

function signed(v: number, view: ViewSettings): string {
  const s = formatAmount(v, view.unit, view.locale);
  return v > 0 ? `+${s}` : s;
}

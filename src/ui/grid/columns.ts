// The budget grid's columns: what each shows for a line, a tree node and the program total, how it
// is formatted in the chosen unit, and which row kinds may edit it.

import type { AmountUnit, Lang, NumberLocale } from '../../domain/model';
import type { AnyField } from '../../domain/edit';
import { statedForYear } from '../../domain/edit';
import { formatAmount, formatDate, formatRate } from '../../domain/amount';
import { SOURCE_LABELS, CAPITAL_LABELS } from '../../domain/cell-input';
import { rateOf } from '../../domain/rollup';
import type { WorkbookSession } from '../../state/session.svelte';
import { rowNode, TOTAL_ROW } from '../../state/rows';
import { t } from '../i18n';

export type RowKind = 'line' | 'node' | 'total';
export type ColumnKind = 'tree' | 'text' | 'select' | 'year' | 'date' | 'amount' | 'rate' | 'derived-amount' | 'derived-rate' | 'delta';

export interface ViewSettings {
  unit: AmountUnit;
  locale: NumberLocale;
  lang: Lang;
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

export const COLUMN_INDEX = Object.fromEntries(GRID_COLUMNS.map((c, i) => [c.key, i])) as Record<string, number>;

/** The field a column edits on a row of the given kind. */
export function fieldFor(column: GridColumn, kind: RowKind): AnyField | undefined {
  return kind === 'line' ? (column.lineField ?? column.field) : column.field;
}

export function rowKindOf(code: number): RowKind {
  return code === TOTAL_ROW ? 'total' : code >= 0 ? 'line' : 'node';
}

/** Column headers in the interface language (the unit is stated once, above the grid). */
export function columnHeaders(view: ViewSettings): string[] {
  return GRID_COLUMNS.map((c) => c.header[view.lang]);
}

/** The unit line shown above the grid, as Vietnamese tables write it ("ĐVT: triệu đồng"). */
export function unitLine(view: ViewSettings): string {
  const unitKey = { dong: 'unitDong', nghin: 'unitNghin', trieu: 'unitTrieu', ty: 'unitTy' } as const;
  return `${view.lang === 'vi' ? 'ĐVT' : 'Unit'}: ${t(view.lang, unitKey[view.unit])}`;
}

const PENDING = '…';

/**
 * The text a cell shows (and copies, and offers to the editor). Amounts are formatted exactly in the
 * chosen unit; derived figures come from the worker's roll-up, shown as "…" until it arrives.
 */
export function cellText(s: WorkbookSession, code: number, col: number, view: ViewSettings): string {
  const c = GRID_COLUMNS[col];
  const amt = (v: number | undefined | null) => (v === undefined || v === null || Number.isNaN(v) ? '' : formatAmount(v, view.unit, view.locale));
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
      case 'plan':
        return amt(l.plan);
      case 'disbursed':
        return amt(l.disbursed);
      case 'asOf':
        return formatDate(l.asOf, view.locale);
      case 'rate':
        return formatRate(rateOf(l.disbursed, l.plan), view.locale);
      case 'expected':
        return l.expectedRate === null ? '' : formatRate(l.expectedRate, view.locale);
      case 'projected':
        return r ? amt(r.lineProjected[code]) : PENDING;
      case 'unspent':
        return r ? amt(r.lineUnspent[code]) : PENDING;
      case 'requiredLocal':
        return r && r.lineRequired[code] ? amt(r.lineRequired[code]) : '';
      case 'statedPlan':
        return amt(l.stated?.plan);
      case 'delta':
        return l.stated?.plan === undefined ? '' : signed(l.plan - l.stated.plan, view);
    }
    return '';
  }
  const isTotal = code === TOTAL_ROW;
  const k = isTotal ? (r?.nodeCount ?? -1) : rowNode(code);
  const node = isTotal ? null : s.tree.nodes[k];
  const stated = isTotal ? statedForYear(s.workbook).plan : node?.stated?.plan;
  switch (c.key) {
    case 'code':
      return node?.code ?? '';
    case 'name':
      return node ? node.name : t(view.lang, 'total');
    case 'plan':
      return r ? amt(r.plan[k]) : PENDING;
    case 'disbursed':
      return r ? amt(r.disbursed[k]) : PENDING;
    case 'rate':
      return r ? formatRate(rateOf(r.disbursed[k], r.plan[k]), view.locale) : PENDING;
    case 'projected':
      return r ? amt(r.projected[k]) : PENDING;
    case 'unspent':
      return r ? amt(r.unspent[k]) : PENDING;
    case 'requiredLocal':
      return r ? (r.requiredLocal[k] ? amt(r.requiredLocal[k]) : '') : PENDING;
    case 'statedPlan':
      return amt(stated);
    case 'delta':
      if (stated === undefined) return '';
      return r ? signed(r.plan[k] - stated, view) : PENDING;
  }
  return '';
}

function signed(v: number, view: ViewSettings): string {
  const s = formatAmount(v, view.unit, view.locale);
  return v > 0 ? `+${s}` : s;
}

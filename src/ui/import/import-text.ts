// What the import dialog writes: the name of each column meaning, the qualifiers a header gave a
// column (source, capital type, vintage, unit), a preview cell as it will be read, and where a
// problem is. Pure functions of the reading and the view settings.

import type { AmountUnit, Lang } from '../../domain/model';
import { formatAmount, formatDate, formatRate } from '../../domain/amount';
import { CAPITAL_LABELS, SOURCE_LABELS } from '../../domain/cell-input';
import { describeProblem } from '../../domain/messages';
import type { ColumnRole, ImportField } from '../../io/column-map';
import { AMOUNT_FIELDS } from '../../io/column-map';
import type { PreviewCell } from '../../io/import-plan';
import { columnLetter, type ImportProblem } from '../../io/import-types';
import { unitName } from '../../io/export-table';
import type { ViewSettings } from '../grid/columns';
import { t } from '../i18n';

export const FIELD_LABELS: Record<ImportField, Record<Lang, string>> = {
  ignore: { vi: '— Bỏ qua —', en: '— Ignore —' },
  stt: { vi: 'STT (cấp trong cây)', en: 'Numbering (tree level)' },
  code: { vi: 'Mã mục', en: 'Item code' },
  name: { vi: 'Nội dung (tên mục)', en: 'Item name' },
  label: { vi: 'Mô tả dòng / ghi chú', en: 'Line description / note' },
  unit: { vi: 'Đơn vị thực hiện', en: 'Implementing unit' },
  source: { vi: 'Nguồn vốn', en: 'Source' },
  capital: { vi: 'Loại vốn', en: 'Capital type' },
  vintage: { vi: 'Năm giao vốn', en: 'Vintage' },
  plan: { vi: 'Kế hoạch vốn', en: 'Plan' },
  disbursed: { vi: 'Đã giải ngân', en: 'Disbursed' },
  asOf: { vi: 'Đến ngày', en: 'As of' },
  rate: { vi: 'Tỷ lệ giải ngân (số báo cáo)', en: 'Disbursement rate (as stated)' },
  expectedRate: { vi: 'Dự kiến tỷ lệ giải ngân (%)', en: 'Expected rate (%)' },
  expectedAmount: { vi: 'Ước giải ngân cả năm (số tiền)', en: 'Expected disbursed by year end (amount)' },
  statedPlan: { vi: 'Tổng kế hoạch (số báo cáo)', en: 'Plan total (as stated)' },
  statedDisbursed: { vi: 'Tổng giải ngân (số báo cáo)', en: 'Disbursed total (as stated)' },
};

/** The qualifiers of a column's meaning, as a short text: "NSTW · Sự nghiệp · vốn 2022 · triệu đồng". */
export function roleDetails(role: ColumnRole, unit: AmountUnit | null, lang: Lang): string {
  const parts: string[] = [];
  if (role.item) parts.push(role.item);
  if (role.source) parts.push(SOURCE_LABELS[lang][role.source]);
  if (role.capital) parts.push(CAPITAL_LABELS[lang][role.capital]);
  if (role.vintage) parts.push(t(lang, 'impRoleVintage', { year: role.vintage }));
  else if (role.carriedIn) parts.push(t(lang, 'impRoleCarriedIn'));
  if (role.asOf) parts.push(t(lang, 'impRoleAsOf', { date: formatDate(role.asOf, lang) }));
  if (unit && AMOUNT_FIELDS.has(role.field)) parts.push(unitName(unit, lang));
  return parts.join(' · ');
}

/** The role a column takes when the user picks another meaning: an amount keeps its split. */
export function withField(role: ColumnRole, field: ImportField): ColumnRole {
  if (AMOUNT_FIELDS.has(role.field) && AMOUNT_FIELDS.has(field)) return { ...role, field };
  return { field };
}

/** A preview cell as it will be read, in the view's unit and number format. */
export function previewText(cell: PreviewCell, field: ImportField, view: ViewSettings): string {
  const v = cell.value;
  if (v === null) return '';
  if (typeof v === 'number') {
    if (AMOUNT_FIELDS.has(field)) return formatAmount(v, view.unit, view.locale);
    if (field === 'rate' || field === 'expectedRate') return formatRate(v, view.locale);
    return String(v);
  }
  if (field === 'source' && v in SOURCE_LABELS[view.lang]) return SOURCE_LABELS[view.lang][v as keyof (typeof SOURCE_LABELS)['vi']];
  if (field === 'capital' && v in CAPITAL_LABELS[view.lang]) return CAPITAL_LABELS[view.lang][v as keyof (typeof CAPITAL_LABELS)['vi']];
  if (field === 'asOf') return formatDate(v, view.locale);
  return v;
}

/** Where a problem is: "Trang Kế hoạch, dòng 12, cột F (F12)", or the sheet, or the file. */
export function problemPlace(p: ImportProblem, lang: Lang): string {
  const parts: string[] = [];
  if (p.sheet) parts.push(t(lang, 'impAtSheet', { sheet: p.sheet }));
  if (p.row !== null) parts.push(t(lang, 'impAtRow', { row: p.row }));
  if (p.cell) parts.push(t(lang, 'impAtCell', { cell: p.cell }));
  else if (p.col !== null) parts.push(t(lang, 'impAtColumn', { column: columnLetter(p.col - 1) }));
  return parts.join(', ') || t(lang, 'impAtFile');
}

/** A problem as one line of text: where, the raw value, and why. */
export function problemText(p: ImportProblem, lang: Lang): string {
  const raw = p.raw === null ? '' : ` "${p.raw}"`;
  return `${problemPlace(p, lang)}${raw}: ${describeProblem(p.problem, lang)}`;
}

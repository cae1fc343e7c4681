// `planbench recalc`: the program totals of a workbook's baseline plan, computed by the roll-up the
// app's worker runs (domain/rollup.ts), as text for a reader or as JSON in whole đồng.

import type { AmountUnit, NumberLocale, WorkbookData } from '../domain/model';
import { formatAmount, formatRate } from '../domain/amount';
import { rateOf } from '../domain/rollup';
import { statedForYear } from '../domain/edit';
import { planViewOf } from '../io/export-plan';
import { unitName } from '../io/export-table';

/** The measures of the program total, in whole đồng. */
export const TOTAL_MEASURES = [
  'plan',
  'central',
  'local',
  'other',
  'investment',
  'recurrent',
  'carriedIn',
  'disbursed',
  'projected',
  'unspent',
  'carryOver',
  'lapse',
  'requiredLocal',
] as const;
export type TotalMeasure = (typeof TOTAL_MEASURES)[number];

export interface PlanTotals {
  workbook: string;
  place: string;
  year: number;
  lines: number;
  /** Program totals in đồng. */
  totals: Record<TotalMeasure, number>;
  /** Disbursed ÷ plan in percent; null when the plan is 0. */
  rate: number | null;
  /** The plan the source document states for the year, if any, in đồng. */
  statedPlan: number | null;
  /** A sum passed 2^53 đồng and cannot be trusted to the đồng. */
  overflow: boolean;
}

/** The program totals of a workbook's baseline plan. */
export function planTotals(data: WorkbookData): PlanTotals {
  const { rollup: r, lines, workbook } = planViewOf(data);
  const k = r.nodeCount;
  const totals = Object.fromEntries(TOTAL_MEASURES.map((m) => [m, r[m][k]])) as Record<TotalMeasure, number>;
  const rate = rateOf(totals.disbursed, totals.plan);
  return {
    workbook: workbook.name,
    place: workbook.placeName,
    year: workbook.year,
    lines: lines.length,
    totals,
    rate: Number.isNaN(rate) ? null : rate,
    statedPlan: statedForYear(workbook).plan ?? null,
    overflow: r.overflow,
  };
}

const LABELS: [TotalMeasure, string, number][] = [
  ['plan', 'Kế hoạch vốn / plan', 0],
  ['central', 'NSTW / central budget', 1],
  ['local', 'NSĐP / local budget', 1],
  ['other', 'Nguồn khác / other sources', 1],
  ['investment', 'Vốn đầu tư / investment', 1],
  ['recurrent', 'Vốn sự nghiệp / recurrent', 1],
  ['carriedIn', 'Năm trước chuyển sang / carried in', 1],
  ['disbursed', 'Đã giải ngân / disbursed', 0],
  ['projected', 'Dự kiến giải ngân cuối năm / projected', 0],
  ['unspent', 'Dự kiến còn lại / unspent', 0],
  ['carryOver', 'Dự kiến chuyển nguồn / carry-over', 1],
  ['lapse', 'Nguy cơ hủy / at risk of lapse', 1],
  ['requiredLocal', 'Đối ứng NSĐP yêu cầu / required local', 0],
];

/** The totals as aligned lines of text, amounts in `unit` written exactly (vi or en numbers). */
export function formatTotals(t: PlanTotals, unit: AmountUnit, locale: NumberLocale): string {
  const amt = (v: number) => formatAmount(v, unit, locale);
  const rows: [string, string][] = LABELS.map(([m, label, indent]) => ['  '.repeat(indent) + label, amt(t.totals[m])]);
  rows.splice(8, 0, ['  Tỷ lệ giải ngân / disbursement rate', t.rate === null ? '' : formatRate(t.rate, locale)]);
  if (t.statedPlan !== null) {
    const diff = t.totals.plan - t.statedPlan;
    rows.push(['Kế hoạch theo báo cáo / stated plan', amt(t.statedPlan)]);
    rows.push(['  Chênh lệch / difference', (diff > 0 ? '+' : '') + amt(diff)]);
  }
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const valueWidth = Math.max(...rows.map(([, v]) => v.length));
  const place = t.place ? `${t.place}, ` : '';
  const out = [
    `${t.workbook} — ${place}năm / year ${t.year}: ${t.lines} dòng / lines`,
    `ĐVT / unit: ${unitName(unit, 'vi')}`,
    '',
    ...rows.map(([l, v]) => l.padEnd(width) + v.padStart(valueWidth)),
  ];
  if (t.overflow) out.push('', 'Cảnh báo / warning: một tổng vượt quá 2^53 đồng, không còn chính xác đến từng đồng / a sum passed 2^53 đồng and is no longer exact.');
  return out.join('\n') + '\n';
}

// Tables as CSV text for Excel and other programs: UTF-8 with a BOM (so Excel shows Vietnamese
// letters), one convention for every export: with vi numbers (decimal comma) the separator is ';',
// as Excel with Vietnamese settings splits it, with en numbers ','; tab when asked. Number format (vi 1234,5 / en 1234.5,
// no thousands separators unless asked, so "1.234" is never ambiguous), CRLF line ends, RFC 4180
// quoting. One header row, then the rows; the headers of amount columns name the unit
// ("Kế hoạch (triệu đồng)"). Formulas are written as their values. Text that a spreadsheet would run
// as a formula is made inert (OWASP, CSV injection); numbers, negative ones included, stay numbers.

import type { AmountUnit, Lang, NumberLocale, WorkbookData } from '../domain/model';
import { formatAmount, formatDate, formatPlain } from '../domain/amount';
import { amountColumns, unitName, type Table, type TableCell, type TableRow } from './export-table';
import { DEFAULT_EXPORT, planTable, planViewOf, type ExportSettings, type PlanView } from './export-plan';

export type CsvSeparator = ',' | ';' | '\t';

export interface CsvOptions {
  /** Default: ';' with vi numbers, ',' with en (csvSeparatorFor). */
  separator?: CsvSeparator;
  /** Decimal mark of numbers: vi ',' (default), en '.'. */
  locale?: NumberLocale;
  /** Group thousands (vi 1.234,5). Off by default: ungrouped numbers read back the same in any locale. */
  group?: boolean;
  /** Language of the unit named in amount headers. */
  lang?: Lang;
}

// A cell starting with one of these is run as a formula by Excel or LibreOffice (OWASP).
const FORMULA_START = /^[=+\-@\t\r]/;

/** Text made inert for a spreadsheet: a leading = + - @ tab or CR gets an apostrophe in front, which
 * Excel and LibreOffice show as text and do not run. Other text is returned unchanged. */
export function neutraliseCsvText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function quote(field: string, separator: CsvSeparator): string {
  return field.includes(separator) || /["\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

function cellText(c: TableCell, unit: AmountUnit, locale: NumberLocale, group: boolean): string {
  if (c === null) return '';
  if (typeof c === 'string') return neutraliseCsvText(c);
  if (typeof c === 'number') return formatPlain(c, locale, 10);
  if ('date' in c) return formatDate(c.date, locale);
  if ('percent' in c && c.percent !== undefined) return formatPlain(c.percent, locale, 'decimals' in c ? (c.decimals ?? 2) : 2);
  if ('amount' in c && c.amount !== undefined) return formatAmount(c.amount, unit, locale, { group });
  return '';
}

/** The separator of the house convention: ';' where the decimal mark is a comma (vi), else ','. */
export function csvSeparatorFor(locale: NumberLocale): CsvSeparator {
  return locale === 'vi' ? ';' : ',';
}

/** The table as CSV bytes (UTF-8 with BOM): the header row, then the rows; no title lines. */
export function writeTableCsv(table: Pick<Table, 'headers' | 'rows' | 'unit'>, opts: CsvOptions = {}): Uint8Array {
  const locale = opts.locale ?? 'vi';
  const sep = opts.separator ?? csvSeparatorFor(locale);
  const group = opts.group ?? false;
  const unit = unitName(table.unit, opts.lang ?? 'vi');
  const amounts = amountColumns(table);
  const out: string[] = ['\uFEFF' + table.headers.map((h, i) => quote(neutraliseCsvText(amounts[i] ? `${h} (${unit})` : h), sep)).join(sep)];
  for (const row of table.rows) {
    const fields = new Array<string>(table.headers.length);
    for (let i = 0; i < fields.length; i++) fields[i] = quote(cellText(row.cells[i] ?? null, table.unit, locale, group), sep);
    out.push(fields.join(sep));
  }
  return new TextEncoder().encode(out.join('\r\n') + '\r\n');
}

/** Any table as CSV: amounts in đồng are written in `unit` (đồng when absent). */
export function exportTableCsv(headers: string[], rows: TableRow[], opts: CsvOptions & { unit?: AmountUnit } = {}): Uint8Array {
  return writeTableCsv({ headers, rows, unit: opts.unit ?? 'dong' }, opts);
}

/** The plan (a workbook's baseline, or a view of it) as CSV, in the grid's rows and columns. */
export function exportPlanCsv(plan: WorkbookData | PlanView, settings: ExportSettings & { separator?: CsvSeparator; group?: boolean } = DEFAULT_EXPORT): Uint8Array {
  const view = 'rollup' in plan ? plan : planViewOf(plan);
  return writeTableCsv(planTable(view, settings), settings);
}

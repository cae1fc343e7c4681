// What each sheet of a workbook holds, so the import reads the one with the money and tells the
// user what the others are: instructions (text), a list (a table with no money, such as the
// communes with their households), or a money table; and which sheets share the same headers (a
// workbook with one sheet per district, imported together as districts of a consolidation). Pure.

import type { Result } from '../domain/model';
import { AMOUNT_FIELDS, guessMapping } from './column-map';
import type { DetectedTable } from './table-detect';
import type { Sheet } from './import-types';

/** One sheet of the file, as the import dialog and the command line list it. */
export interface SheetSummary {
  name: string;
  /** 1-based position in the workbook (what `--sheet N` names). */
  index: number;
  rows: number;
  /** A table with rows was found in it. */
  table: boolean;
  /** money: a table with amount columns holding numbers; list: a table without money; text:
   * lines of text (instructions, notes); empty: nothing. */
  holds: 'money' | 'list' | 'text' | 'empty';
  hidden: boolean;
  /** Number cells in its amount columns. */
  amounts: number;
  /** Its headers' key: sheets with the same key are laid out alike (one per district). */
  templateKey: string | null;
}

/** Every sheet's summary, from its detected table. */
export function surveySheets(detected: readonly { sheet: Sheet; table: Result<DetectedTable> }[]): SheetSummary[] {
  return detected.map(({ sheet, table }, k) => {
    const base = { name: sheet.name, index: k + 1, rows: sheet.rows.length, hidden: sheet.hidden === true };
    if (!table.ok) return { ...base, table: false, holds: sheet.rows.some((r) => r.some((v) => v !== null)) ? 'text' : 'empty', amounts: 0, templateKey: null };
    const t = table.value;
    const body = t.rows.filter((r) => r.kind !== 'blank');
    const mapping = guessMapping(t);
    const amountCols = mapping.columns.flatMap((role, c) => (AMOUNT_FIELDS.has(role.field) ? [c] : []));
    let amounts = 0;
    for (const r of body) for (const c of amountCols) if (typeof sheet.rows[r.row]?.[c] === 'number' || /\d/.test(String(sheet.rows[r.row]?.[c] ?? ''))) amounts++;
    const holds = amounts > 0 ? 'money' : body.length >= 2 && t.headers.filter(Boolean).length >= 2 ? 'list' : body.length || t.titles.length ? 'text' : 'empty';
    return { ...base, table: body.length > 0, holds, amounts, templateKey: holds === 'money' ? mapping.templateKey : null };
  });
}

/** The sheet to read: the one the user names (by name, else by its 1-based position), else the
 * first visible sheet holding money, else the first holding money, else the first with a table;
 * -1 when the named one does not exist. */
export function chooseSheet(sheets: readonly SheetSummary[], named?: string): number {
  if (named !== undefined) {
    const byName = sheets.findIndex((s) => s.name === named);
    if (byName >= 0) return byName;
    const at = /^\d+$/.test(named.trim()) ? Number(named) - 1 : -1;
    return at >= 0 && at < sheets.length ? at : -1;
  }
  const money = sheets.findIndex((s) => s.holds === 'money' && !s.hidden);
  if (money >= 0) return money;
  const any = sheets.findIndex((s) => s.holds === 'money');
  if (any >= 0) return any;
  const table = sheets.findIndex((s) => s.table);
  return table >= 0 ? table : 0;
}

/** The largest set of sheets laid out alike (same headers, each holding money), when there are two
 * or more: a workbook of one sheet per district, often beside a summary sheet of its own layout. */
export function alikeSheets(sheets: readonly SheetSummary[]): string[] {
  const groups = new Map<string, string[]>();
  for (const s of sheets) if (s.templateKey && s.holds === 'money') groups.set(s.templateKey, [...(groups.get(s.templateKey) ?? []), s.name]);
  let best: string[] = [];
  for (const g of groups.values()) if (g.length > best.length) best = g;
  return best.length >= 2 ? best : [];
}

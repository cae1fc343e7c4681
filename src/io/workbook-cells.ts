// What both workbook readers (workbook-read.ts through SheetJS, xlsx-read.ts on an .xlsx's own XML)
// do the same way once they have a cell: an error value as Excel shows it, a date serial as the
// day shown, a number format that shows a percentage, and the last steps that make rows a Sheet
// (the cells a merge covers blanked, blanks at the end of rows and rows at the end dropped). Pure.

import type { CellRange, CellValue } from './import-types';
import { cellKey } from './import-types';

/** Excel's error values by their code (the code SheetJS keeps for an error cell). */
export const ERRORS: Readonly<Record<number, string>> = {
  0x00: '#NULL!',
  0x07: '#DIV/0!',
  0x0f: '#VALUE!',
  0x17: '#REF!',
  0x1d: '#NAME?',
  0x24: '#NUM!',
  0x2a: '#N/A',
  0x2b: '#GETTING_DATA',
};

const pad2 = (n: number) => String(n).padStart(2, '0');
/** The last day Excel can show (9999-12-31) as a serial number. */
const LAST_SERIAL = 2_958_465;

/** A date serial as the day Excel shows, yyyy-mm-dd (the time of day dropped); null when no day. */
export function serialToIsoDay(serial: number, date1904: boolean): string | null {
  if (!(serial >= 0 && serial <= LAST_SERIAL)) return null;
  let days = Math.floor(serial);
  // Excel counts 29 February 1900, which did not exist: serials before it are one day later.
  if (!date1904 && days < 60) days++;
  const d = new Date((date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30)) + days * 86_400_000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** A number format that shows a percentage: a % outside quotes, escapes and [brackets] (a quoted
 * "%" is just text). */
export const showsPercent = (format: string): boolean => format.replace(/"[^"]*"|\\.|\[[^\]]*\]/g, '').includes('%');

/** Blanks the cells a merge covers (the value is the top-left cell's); false when two merges overlap. */
export function blankCovered(rows: CellValue[][], merges: readonly CellRange[]): boolean {
  const claimed = new Set<number>();
  for (const m of merges) {
    for (let r = m.top; r <= m.bottom; r++) {
      const row = rows[r];
      for (let c = m.left; c <= m.right; c++) {
        const key = cellKey(r, c);
        if (claimed.has(key)) return false;
        claimed.add(key);
        if (row && c < row.length && (r !== m.top || c !== m.left)) row[c] = null;
      }
    }
  }
  return true;
}

/** Drops blank cells at the end of each row and rows without a value at the end of the sheet. */
export function trimEnd(rows: CellValue[][]): void {
  for (let r = rows.length - 1; r >= 0; r--) {
    const row = rows[r];
    if (!row) continue;
    let end = row.length;
    while (end > 0 && row[end - 1] === null) end--;
    if (end < row.length) row.length = end;
  }
  let n = rows.length;
  while (n > 0 && !rows[n - 1]?.length) n--;
  rows.length = n;
}

// The records of an .xls workbook stream (BIFF5 and BIFF8, [MS-XLS]), walked once before SheetJS
// parses them: what SheetJS would build (cells, merged ranges, cells hyperlinks cover), whether the
// file is password-protected, and per sheet the hidden rows and columns (SheetJS reads hidden
// columns only when it also keeps every style, which costs an object per formatted empty cell).
// Pure: the stream's bytes in, counts and facts out.

import type { SheetFacts, Tally } from './workbook-facts';
import { emptyFacts, emptyTally } from './workbook-facts';

export interface BiffScan {
  /** 8 for BIFF8 (Excel 97–2003), 5 for BIFF5 (Excel 5/95) and older: text in a code page. */
  version: number;
  /** A FILEPASS record: the rest of the stream is encrypted. */
  encrypted: boolean;
  tally: Tally;
  /** Facts per sheet, in the order SheetJS lists the sheets (by their position in the stream). */
  sheets: SheetFacts[];
}

const BOF = 0x0809;
const EOF = 0x000a;
const FILEPASS = 0x002f;
const BOUNDSHEET = 0x0085;
const COLINFO = 0x007d;
const ROW = 0x0208;
const MERGECELLS = 0x00e5;
const HLINK = 0x01b8;
const HLINKTOOLTIP = 0x0800;
const MULRK = 0x00bd;
const FORMULA = 0x0006;
// Records that each make one cell: NUMBER, RK, LABELSST, LABEL, FORMULA, BOOLERR, RSTRING, NOTE.
const CELL_RECORDS = new Set([0x0203, 0x027e, 0x00fd, 0x0204, FORMULA, 0x0205, 0x00d6, 0x001c]);
const ROW_HIDDEN = 0x20;
const COLUMN_HIDDEN = 0x01;

/** The stream's records, counted and read for facts; null when it is not a BIFF5/8 workbook
 * stream (no BOF first) or a record runs past the end. */
export function scanBiff(stream: Uint8Array): BiffScan | null {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  if (stream.length < 8 || u16(0) !== BOF) return null;
  const version = u16(4) >= 0x0600 ? 8 : 5;
  const tally = emptyTally();
  const positions: number[] = [];
  const bySheet = new Map<number, SheetFacts>();
  let facts: SheetFacts | null = null;
  let depth = 0;
  const cellAt = (row: number, col: number) => {
    tally.lastRow = Math.max(tally.lastRow, row);
    tally.lastColumn = Math.max(tally.lastColumn, col);
  };

  for (let pos = 0; pos + 4 <= stream.length;) {
    const type = u16(pos);
    const size = u16(pos + 2);
    const body = pos + 4;
    if (body + size > stream.length) return null;
    switch (type) {
      case BOF:
        // The globals come first; then a substream per sheet (a chart inside a sheet opens one of its own).
        if (depth++ === 0 && pos > 0) {
          facts = emptyFacts();
          bySheet.set(pos, facts);
        }
        break;
      case EOF:
        depth = Math.max(0, depth - 1);
        if (depth === 0) facts = null;
        break;
      case FILEPASS:
        return { version, encrypted: true, tally, sheets: [] };
      case BOUNDSHEET:
        if (size >= 4) positions.push(u32(body));
        break;
      case COLINFO:
        if (size >= 10 && facts && u16(body + 8) & COLUMN_HIDDEN) facts.hiddenColumns.push([u16(body), Math.max(u16(body), u16(body + 2))]);
        break;
      case ROW:
        if (size >= 14 && facts && u16(body + 12) & ROW_HIDDEN) facts.hiddenRows.push([u16(body), u16(body)]);
        break;
      case MERGECELLS:
        for (let i = 0, k = body + 2; i < u16(body) && k + 8 <= body + size; i++, k += 8) {
          tally.merges++;
          tally.mergedCells += (Math.abs(u16(k + 2) - u16(k)) + 1) * (Math.abs(u16(k + 6) - u16(k + 4)) + 1);
        }
        break;
      case HLINK:
      case HLINKTOOLTIP: {
        const k = type === HLINK ? body : body + 2;
        if (k + 8 <= body + size) tally.linkedCells += (Math.abs(u16(k + 2) - u16(k)) + 1) * (Math.abs(u16(k + 6) - u16(k + 4)) + 1);
        break;
      }
      case MULRK:
        if (size >= 6) {
          tally.cells += Math.floor((size - 6) / 6);
          cellAt(u16(body), u16(body + size - 2));
        }
        break;
      default:
        if (CELL_RECORDS.has(type) && size >= 4) {
          tally.cells++;
          cellAt(u16(body), u16(body + 2));
          if (type === FORMULA && facts) facts.formulasAsValues = (facts.formulasAsValues ?? 0) + 1;
        }
    }
    pos = body + size;
  }
  // SheetJS lists the sheets by the position of their substream.
  const order = [...new Set(positions)].sort((a, b) => a - b);
  return { version, encrypted: false, tally, sheets: order.map((p) => bySheet.get(p) ?? emptyFacts()) };
}

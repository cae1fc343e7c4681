// The fast reader of .xlsx and .xlsm files: the sheets read straight from the parts that
// workbook-guard.ts has already unpacked and decoded, giving exactly the cells, merges and
// percentages the import had through SheetJS (workbook-read.ts), in a fraction of the time, with
// progress and a cancel answered every few thousand rows. The workbook around the sheets is
// xlsx-book.ts; this module scans each sheet's <sheetData> with indexOf and charCodeAt, one pass,
// no object per cell: <row r>, <c r s t> with <v>, <is> or <f>, the cell types of ECMA-376
// (s, str, inlineStr, n, b, e, d) read as the format defines them (a formula's saved value is its
// value; a formula without one is left to formula-eval through the check's facts, as for SheetJS),
// then the merged ranges and the cells the sheet's hyperlinks cover. What it does not read with
// certainty (a prefixed or commented sheet, a cell out of order or past the grid, an attribute
// written unusually, a value not written as the format says, text SheetJS would read otherwise)
// makes it return null, and the file is read by SheetJS instead. Hidden rows and columns and
// formulas without a value come from the check's scan (workbook-facts.ts), for this reader and
// SheetJS alike.

import type { Result } from '../domain/model';
import { fail, ok } from '../domain/model';
import type { CellRange, CellValue, ImportProblem, ProgressOptions, Sheet } from './import-types';
import { MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, cellKey, cellTooLong, yieldToEventLoop } from './import-types';
import { ERRORS, blankCovered, serialToIsoDay, trimEnd } from './workbook-cells';
import type { XlsxPart } from './workbook-guard';
import type { Book, BookSheet } from './xlsx-book';
import { DATE, PERCENT, PLAIN, UNSURE, readBook } from './xlsx-book';
import type { Tag } from './xlsx-text';
import { Unsure, decodeFormulaText, decodeText, parseTag, readRange, readStringItem } from './xlsx-text';

/** The sheets of an .xlsx, each with whether the workbook hides it, and the warnings of the reading. */
export interface XlsxReading {
  sheets: Sheet[];
  hidden: boolean[];
  notes: ImportProblem[];
}

/** Rows between two reports of progress (and looks at the signal and the clock). */
const ROWS_PER_STEP = 4096;
/** How long the scan runs at most between two yields to the event loop, in ms: a yield costs a
 * few ms in a browser (timers are clamped), so it yields by time, not at every report. */
const STEP_MS = 40;

/**
 * The sheets of an .xlsx from its parts as workbook-guard.ts read them, exactly as SheetJS gives
 * them to the import (before formulas without a value are computed and hidden rows and columns
 * marked); null when the file holds anything this reader does not read with certainty. Fails with
 * import.cancelled. Progress goes from 0 to 1000 over the sheets' text.
 */
export async function readXlsx(parts: readonly XlsxPart[], file: string, opts: ProgressOptions = {}): Promise<Result<XlsxReading> | null> {
  const book = readBook(parts);
  if (!book) return null;
  const total = book.sheets.reduce((n, s) => n + s.text.length, 0);
  const pace = new Pace(total, opts);
  const reading: XlsxReading = { sheets: [], hidden: [], notes: [] };
  for (const s of book.sheets) {
    const sheet = await readWorksheet(s, book, pace, reading.notes);
    if (sheet === null) return null;
    // Overlapping merged ranges, which no spreadsheet writes.
    if (sheet === DAMAGED) return fail('import.xlsx-damaged', { file });
    if (!sheet.ok) return sheet;
    reading.sheets.push(sheet.value);
    reading.hidden.push(s.hidden);
    pace.done += s.text.length;
  }
  opts.onProgress?.(1000, 1000);
  return ok(reading);
}

/** Progress over the sheets' text, and the yields that let a cancel in. */
class Pace {
  done = 0;
  private last = performance.now();
  constructor(
    private readonly total: number,
    private readonly opts: ProgressOptions,
  ) {}

  /** Reports progress (`at` characters into the current sheet), and yields when a step's time has
   * passed; false when the reading was cancelled. */
  async step(at: number): Promise<boolean> {
    this.opts.onProgress?.(Math.floor((1000 * Math.min(this.done + at, this.total)) / Math.max(this.total, 1)), 1000);
    if (this.opts.signal?.aborted) return false;
    if (performance.now() - this.last < STEP_MS) return true;
    await yieldToEventLoop();
    this.last = performance.now();
    return !this.opts.signal?.aborted;
  }
}

const DAMAGED = 'damaged';

/** One worksheet as a Sheet; null when SheetJS might read it otherwise. */
async function readWorksheet(s: BookSheet, book: Book, pace: Pace, notes: ImportProblem[]): Promise<Result<Sheet> | typeof DAMAGED | null> {
  const text = s.text;
  const data = findSheetData(text);
  if (data === null) return null;
  const scan = new CellScan(text, book, s.name, notes);
  // Where the cells end: merges and hyperlinks are looked for in the rest (the cells hold none).
  let rest = [text];
  if (data.cells >= 0) {
    scan.pos = data.cells;
    for (let rows = 1; ; rows++) {
      const read = scan.nextRow();
      if (read === FAILED) return null;
      if (read === END) break;
      if (rows % ROWS_PER_STEP === 0 && !(await pace.step(scan.pos))) return fail('import.cancelled');
    }
    rest = [text.slice(0, data.cells), text.slice(scan.pos)];
  }
  const merges: CellRange[] = [];
  for (const part of rest) if (!readMerges(part, merges) || !hyperlinksInGrid(part)) return null;
  const rows = scan.rows;
  if (!blankCovered(rows, merges)) return DAMAGED;
  trimEnd(rows);
  const sheet: Sheet = { name: s.name, rows, merges };
  if (scan.percents.length > 0) sheet.percentCells = new Set(scan.percents);
  return ok(sheet);
}

/** Where a worksheet's cells begin (after <sheetData>; -1 for a sheet without cells, <sheetData/>
 * or none); null for a sheetData with a prefix, or more than one. */
function findSheetData(text: string): { cells: number } | null {
  const found = tagsNamed(text, 'sheetData');
  if (found === null || found.length > 1 || (found.length === 1 && found[0].name !== 'sheetData')) return null;
  if (found.length === 0) return { cells: -1 };
  return { cells: found[0].kind === 'empty' ? -1 : found[0].to };
}

/** The start tags named `name` in `text`, any prefix; null when one is not written as parseTag
 * reads tags. */
function tagsNamed(text: string, name: string): Tag[] | null {
  const out: Tag[] = [];
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length)) {
    const after = text.charCodeAt(at + name.length);
    if (!(after === 32 || after === 10 || after === 13 || after === 9 || after === 47 || after === 62)) continue;
    let open = at - 1;
    while (open >= 0 && /[\w.:-]/.test(text.charAt(open))) open--;
    if (open < 0 || text.charCodeAt(open) !== 60 || (open < at - 1 && text.charCodeAt(at - 1) !== 58)) continue;
    const tag = parseTag(text, open);
    if (!tag) return null;
    out.push(tag);
  }
  return out;
}

/** The merged ranges of a sheet (ECMA-376 Part 1, 18.3.1.55 mergeCells), added to `merges`. SheetJS
 * reads a mergeCell only written exactly <mergeCell ref="…"> (one attribute, no prefix): any other
 * writing, or a ref that is not a range inside the grid, gives false. */
function readMerges(text: string, merges: CellRange[]): boolean {
  const tags = tagsNamed(text, 'mergeCell');
  if (tags === null) return false;
  for (const tag of tags) {
    if (tag.name !== 'mergeCell' || tag.size !== 1 || !text.startsWith('<mergeCell ref=', tag.from)) return false;
    const range = readRange(attribute(tag, 'ref') ?? '');
    if (!range) return false;
    merges.push(range);
  }
  return true;
}

/** SheetJS gives every cell a hyperlink covers an (empty) cell of its own, and fails on a range it
 * cannot place: each hyperlink's ref must be a range inside the grid. */
function hyperlinksInGrid(text: string): boolean {
  const tags = tagsNamed(text, 'hyperlink');
  return tags !== null && tags.every((tag) => readRange(attribute(tag, 'ref') ?? '') !== null);
}

/** A tag's attribute; undefined when it has none, or has it in other capitals. */
function attribute(tag: Tag, name: string): string | undefined {
  try {
    return tag.get(name);
  } catch (e) {
    if (e instanceof Unsure) return undefined;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// The scan of <sheetData>

const FAILED = -1;
const END = 0;
const READ = 1;

/** Cell types, as the t attribute names them. */
const T_NONE = 0;
const T_N = 1;
const T_S = 2;
const T_STR = 3;
const T_INLINE = 4;
const T_B = 5;
const T_E = 6;
const T_D = 7;

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const ERROR_TEXTS = new Set(Object.values(ERRORS));
/** An xsd:double as Excel and other writers put it in <v>. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * The cells of one <sheetData>, row by row: the text is read where it stands (positions, char
 * codes), a cell's value made only once its type is known. Each method returns FAILED where the
 * text is outside what this reads with certainty.
 */
class CellScan {
  pos = 0;
  readonly rows: CellValue[][] = [];
  readonly percents: number[] = [];
  /** The row's number (1-based), for a cell without an address, and whether SheetJS numbers it
   * alike. */
  private rowNumber = 0;
  private rowSure = true;
  /** The column of the last cell, for a cell without an address. */
  private lastColumn = -1;
  /** The last cell placed, as row * MAX_COLUMNS + column: cells must come in order. */
  private lastKey = -1;
  private current: CellValue[] | null = null;
  private rowIndex = -1;
  // The start tag just read.
  private cellRow = -1;
  private cellCol = -1;
  private style = -1;
  private type = T_NONE;
  private hasRef = false;
  private closed = false;

  constructor(
    private readonly text: string,
    private readonly book: Book,
    private readonly name: string,
    private readonly notes: ImportProblem[],
  ) {}

  /** Reads the next <row> and its cells: READ, END at </sheetData>, or FAILED. */
  nextRow(): number {
    const t = this.text;
    let q = this.pos;
    while (isSpace(t.charCodeAt(q))) q++;
    if (t.charCodeAt(q) !== 60) return FAILED;
    if (t.startsWith('</sheetData>', q)) {
      this.pos = q;
      return END;
    }
    if (!t.startsWith('<row', q) || !this.tagEnds(q + 4)) return FAILED;
    q = this.rowTag(q + 4);
    if (q < 0) return FAILED;
    if (this.closed) {
      // A row without cells, written <row …/>.
      this.pos = q;
      return READ;
    }
    this.lastColumn = -1;
    for (;;) {
      while (isSpace(t.charCodeAt(q))) q++;
      if (t.charCodeAt(q) !== 60) return FAILED;
      if (t.charCodeAt(q + 1) === 99 && this.tagEnds(q + 2)) {
        q = this.cell(q + 2);
        if (q < 0) return FAILED;
      } else if (t.startsWith('</row>', q)) {
        this.pos = q + 6;
        return READ;
      } else return FAILED;
    }
  }

  /** Whether a tag's name ends at `q` the way SheetJS's search for it sees it (a space, > or /). */
  private tagEnds(q: number): boolean {
    const c = this.text.charCodeAt(q);
    return c === 32 || c === 62 || c === 47;
  }

  /** A <row> start tag's attributes from `q` (after the name): its number (r), the rest skipped. */
  private rowTag(q: number): number {
    const t = this.text;
    let number = NaN;
    let hasNumber = false;
    for (;;) {
      const c = t.charCodeAt(q);
      if (c === 32 || c === 10 || c === 13) q++;
      else if (c === 62) {
        this.closed = false;
        break;
      } else if (c === 47 && t.charCodeAt(q + 1) === 62) {
        this.closed = true;
        q++;
        break;
      } else {
        const name = this.attributeName(q);
        if (name < 0) return FAILED;
        const quote = t.charCodeAt(name + 1);
        if (name - q === 1 && c === 114) {
          if (hasNumber) return FAILED;
          hasNumber = true;
          let n = 0;
          let digits = 0;
          for (q = name + 2; t.charCodeAt(q) >= 48 && t.charCodeAt(q) <= 57; q++, digits++) n = n * 10 + t.charCodeAt(q) - 48;
          if (t.charCodeAt(q) !== quote) return FAILED;
          if (digits > 0 && digits <= 7) number = n;
          q++;
        } else {
          if (this.namesKey(q, name, 'r')) return FAILED;
          q = this.skipValue(name + 2, quote);
          if (q < 0) return FAILED;
        }
        if (!this.attributeEnds(q)) return FAILED;
      }
    }
    // A row without r follows the one before it (ECMA-376 Part 1, 18.3.1.73). SheetJS does not count
    // a row written <row …/>: after one, a row's number is not sure until a row gives its own.
    if (this.closed) this.rowSure = false;
    else if (hasNumber) this.rowSure = true;
    this.rowNumber = hasNumber ? number : this.rowNumber + 1;
    return q + 1;
  }

  /** The end of an attribute's name starting at `q` (the index of its "="), when it is written
   * name="value" or name='value' with a name of ASCII letters, digits, "_", "-", "." and ":"; -1
   * otherwise (SheetJS splits names at other characters, a no-break space among them). */
  private attributeName(q: number): number {
    const t = this.text;
    for (let i = q; ; i++) {
      const c = t.charCodeAt(i);
      if (c === 61) {
        const quote = t.charCodeAt(i + 1);
        return i > q && (quote === 34 || quote === 39) ? i : -1;
      }
      const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
      if (!letter && !(i > q && ((c >= 48 && c <= 58) || c === 95 || c === 45 || c === 46))) return -1;
    }
  }

  /** Whether the attribute name from..to, other than r, s and t, could be taken for one of
   * `keys` (one-letter names): by its name without prefix, cut at an underscore, in any capitals;
   * for a cell also by ending in a lower-case r (SheetJS finds a cell's column by its first `r="`). */
  private namesKey(from: number, to: number, keys: string): boolean {
    const t = this.text;
    if (keys.length > 1 && t.charCodeAt(to - 1) === 114) return true;
    const name = t.slice(from, to);
    const local = name
      .slice(name.lastIndexOf(':') + 1)
      .split('_')[0]
      .toLowerCase();
    return local.length === 1 && keys.includes(local);
  }

  /** Past a quoted value from `q` (after its opening quote); -1 when it holds <, > or = (a value
   * holding `r="` could be taken for a cell's address). */
  private skipValue(q: number, quote: number): number {
    const t = this.text;
    for (; ; q++) {
      const c = t.charCodeAt(q);
      if (c === quote) return q + 1;
      if (c === 60 || c === 62 || c === 61 || Number.isNaN(c)) return -1;
    }
  }

  /** After a value: white space, or the tag's end. */
  private attributeEnds(q: number): boolean {
    const c = this.text.charCodeAt(q);
    return c === 32 || c === 10 || c === 13 || c === 62 || c === 47;
  }

  /** A cell from its start tag's attributes (`q` after "<c"); the index after it, or FAILED. */
  private cell(q: number): number {
    q = this.cellTag(q);
    if (q < 0) return FAILED;
    const t = this.text;
    let v0 = -1;
    let v1 = -1;
    let is0 = -1;
    let is1 = -1;
    if (!this.closed) {
      const from = q;
      for (;;) {
        const c = t.charCodeAt(q);
        if (isSpace(c)) {
          q++;
          continue;
        }
        if (c !== 60) return FAILED;
        const c1 = t.charCodeAt(q + 1);
        const c2 = t.charCodeAt(q + 2);
        if (c1 === 47) {
          if (c2 !== 99 || t.charCodeAt(q + 3) !== 62) return FAILED;
          q += 4;
          break;
        } else if (c1 === 118 && c2 === 62) {
          if (v0 >= 0) return FAILED;
          v0 = q + 3;
          v1 = t.indexOf('<', v0);
          if (v1 < 0 || !t.startsWith('</v>', v1)) return FAILED;
          q = v1 + 4;
        } else if (c1 === 102 && (c2 === 32 || c2 === 62 || c2 === 47)) {
          q = this.skipFormula(q);
          if (q < 0) return FAILED;
        } else if (c1 === 105 && c2 === 115 && t.charCodeAt(q + 3) === 62) {
          if (is0 >= 0) return FAILED;
          is0 = q + 4;
          is1 = t.indexOf('</is>', is0);
          if (is1 < 0) return FAILED;
          q = is1 + 5;
        } else return FAILED;
      }
      // SheetJS finds the column of a cell without an address by the first `r="` after its "<c".
      if (!this.hasRef && /r=["']/.test(t.slice(from, q))) return FAILED;
    }
    if (!this.place()) return FAILED;
    return this.value(v0, v1, is0, is1) ? q : FAILED;
  }

  /** Past a <f> element at `q`; -1 when its text holds markup. */
  private skipFormula(q: number): number {
    const t = this.text;
    const end = t.indexOf('>', q + 2);
    if (end < 0) return -1;
    if (t.charCodeAt(end - 1) === 47) return end + 1;
    const close = t.indexOf('<', end + 1);
    return close >= 0 && t.startsWith('</f>', close) ? close + 4 : -1;
  }

  /** The cell's start tag: address, style and type; the index after it. */
  private cellTag(q: number): number {
    const t = this.text;
    this.hasRef = false;
    this.style = -1;
    this.type = T_NONE;
    let seenStyle = false;
    let seenType = false;
    for (;;) {
      const c = t.charCodeAt(q);
      if (c === 32 || c === 10 || c === 13) {
        q++;
        continue;
      }
      if (c === 62) {
        this.closed = false;
        return q + 1;
      }
      if (c === 47 && t.charCodeAt(q + 1) === 62) {
        this.closed = true;
        return q + 2;
      }
      const name = this.attributeName(q);
      if (name < 0) return FAILED;
      const quote = t.charCodeAt(name + 1);
      const one = name - q === 1;
      if (one && c === 114) {
        if (this.hasRef) return FAILED;
        q = this.cellRef(name + 2, quote);
      } else if (one && c === 115) {
        if (seenStyle) return FAILED;
        seenStyle = true;
        q = this.styleIndex(name + 2, quote);
      } else if (one && c === 116) {
        if (seenType) return FAILED;
        seenType = true;
        q = this.cellType(name + 2, quote);
      } else {
        if (this.namesKey(q, name, 'rst')) return FAILED;
        q = this.skipValue(name + 2, quote);
      }
      if (q < 0 || !this.attributeEnds(q)) return FAILED;
    }
  }

  /** An r attribute's value: capital letters then digits, inside the grid. */
  private cellRef(q: number, quote: number): number {
    const t = this.text;
    let col = 0;
    let letters = 0;
    for (let c = t.charCodeAt(q); c >= 65 && c <= 90; c = t.charCodeAt(++q), letters++) col = col * 26 + c - 64;
    let row = 0;
    let digits = 0;
    for (let c = t.charCodeAt(q); c >= 48 && c <= 57; c = t.charCodeAt(++q), digits++) row = row * 10 + c - 48;
    if (t.charCodeAt(q) !== quote || letters === 0 || letters > 3 || digits === 0 || digits > 7) return FAILED;
    if (row < 1 || row > MAX_ROWS || col > MAX_COLUMNS) return FAILED;
    this.cellRow = row - 1;
    this.cellCol = col - 1;
    this.hasRef = true;
    return q + 1;
  }

  /** An s attribute's value: the index of a cell style, a number without leading zero. */
  private styleIndex(q: number, quote: number): number {
    const t = this.text;
    const start = q;
    let s = 0;
    for (let c = t.charCodeAt(q); c >= 48 && c <= 57 && q - start < 9; c = t.charCodeAt(++q)) s = s * 10 + c - 48;
    if (q === start || t.charCodeAt(q) !== quote || (t.charCodeAt(start) === 48 && q - start > 1)) return FAILED;
    this.style = s;
    return q + 1;
  }

  /** A t attribute's value, one of the cell types of ECMA-376 (18.18.11 ST_CellType). */
  private cellType(q: number, quote: number): number {
    const t = this.text;
    const end = t.indexOf(String.fromCharCode(quote), q);
    if (end < 0) return FAILED;
    const n = end - q;
    const c = t.charCodeAt(q);
    if (n === 1) this.type = c === 115 ? T_S : c === 110 ? T_N : c === 98 ? T_B : c === 101 ? T_E : c === 100 ? T_D : FAILED;
    else if (n === 3 && t.startsWith('str', q)) this.type = T_STR;
    else if (n === 9 && t.startsWith('inlineStr', q)) this.type = T_INLINE;
    else return FAILED;
    return this.type === FAILED ? FAILED : end + 1;
  }

  /** Places the cell: at its address, or without one after the cell before it in its row; cells
   * must come in order. */
  private place(): boolean {
    if (this.hasRef) this.lastColumn = this.cellCol;
    else {
      if (!this.rowSure || !(this.rowNumber >= 1 && this.rowNumber <= MAX_ROWS) || this.lastColumn + 1 >= MAX_COLUMNS) return false;
      this.cellRow = this.rowNumber - 1;
      this.cellCol = ++this.lastColumn;
    }
    const key = this.cellRow * MAX_COLUMNS + this.cellCol;
    if (key <= this.lastKey) return false;
    this.lastKey = key;
    return true;
  }

  /** The cell's value from its <v> or <is>, as the format defines it and the import takes it;
   * false when this reader cannot be sure SheetJS reads it alike. */
  private value(v0: number, v1: number, is0: number, is1: number): boolean {
    const t = this.text;
    // An empty <v></v> is no value.
    const hasV = v0 >= 0 && v1 > v0;
    switch (this.type) {
      case T_NONE:
      case T_N: {
        if (!hasV) return true;
        const n = this.number(v0, v1);
        return n !== null && this.putNumber(n);
      }
      case T_S: {
        if (!hasV) return true;
        // A string the table does not have (SheetJS fails on it), or one this reader is not sure of.
        const text = this.book.strings[this.index(v0, v1)];
        if (text === undefined || text === null) return false;
        this.putText(text);
        return true;
      }
      case T_STR: {
        const s = hasV ? decodeFormulaText(t.slice(v0, v1)) : '';
        if (s === null) return false;
        this.putText(s);
        return true;
      }
      case T_INLINE: {
        if (is0 < 0) return true;
        const s = readStringItem(t, is0, is1);
        if (s === null) return false;
        this.putText(s);
        return true;
      }
      case T_B: {
        // An xsd:boolean: 1 or true, 0 or false (without a value, SheetJS says FALSE).
        const v = hasV ? t.slice(v0, v1) : '';
        if (v === '1' || v === 'true') this.put('TRUE');
        else if (v === '0' || v === 'false') this.put('FALSE');
        else return false;
        return true;
      }
      case T_E: {
        // An error by its text; one the import does not know shows as #N/A, as it does from SheetJS.
        const u = hasV ? decodeText(t.slice(v0, v1), false) : null;
        if (u === null) return false;
        this.put(ERROR_TEXTS.has(u) ? u : '#N/A');
        return true;
      }
      default: {
        // T_D: a date written in ISO 8601.
        const n = hasV ? isoDateSerial(t.slice(v0, v1), this.book.date1904) : null;
        return n !== null && this.putNumber(n);
      }
    }
  }

  /** The number v0..v1 is (an xsd:double without spaces: sign, digits, point, exponent); null for
   * anything else. Digits alone (up to 15, with a point) are read here: an integer over an exact
   * power of ten rounds once, correctly, as Number does; the rest by Number. */
  private number(v0: number, v1: number): number | null {
    const t = this.text;
    let i = v0;
    const negative = t.charCodeAt(i) === 45;
    if (negative) i++;
    let m = 0;
    let digits = 0;
    let fraction = -1;
    for (; i < v1; i++) {
      const c = t.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        m = m * 10 + c - 48;
        digits++;
      } else if (c === 46 && fraction < 0) fraction = digits;
      else break;
    }
    if (i === v1 && digits > 0 && digits <= 15) {
      const k = fraction < 0 ? 0 : digits - fraction;
      const x = k === 0 ? m : m / POW10[k];
      return negative ? -x : x;
    }
    const raw = t.slice(v0, v1);
    return NUMBER.test(raw) ? Number(raw) : null;
  }

  /** A shared string's index (digits only); -1 for anything else. */
  private index(v0: number, v1: number): number {
    const t = this.text;
    if (v1 - v0 > 9) return -1;
    let k = 0;
    for (let i = v0; i < v1; i++) {
      const c = t.charCodeAt(i);
      if (c < 48 || c > 57) return -1;
      k = k * 10 + c - 48;
    }
    return k;
  }

  /** A number with its cell style: a date shown as its day, a percentage marked; false for a style
   * the file does not have, or whose showing this is not sure of. */
  private putNumber(n: number): boolean {
    if (!Number.isFinite(n)) return true;
    const styles = this.book.styles;
    // Without cell styles in the file, every number shows as it is.
    const kind = styles.length === 0 || this.style < 0 ? PLAIN : this.style < styles.length ? styles[this.style] : UNSURE;
    if (kind === UNSURE) return false;
    if (kind === DATE) {
      const day = serialToIsoDay(n, this.book.date1904);
      if (day !== null) this.put(day);
      return true;
    }
    if (kind === PERCENT) this.percents.push(cellKey(this.cellRow, this.cellCol));
    this.put(n);
    return true;
  }

  /** Text as a value: none when empty, cut to what a cell holds (with a warning). */
  private putText(s: string): void {
    if (s === '') return;
    if (s.length > MAX_CELL_CHARS) {
      this.notes.push(cellTooLong(this.name, this.cellRow, this.cellCol, s.length));
      s = s.slice(0, MAX_CELL_CHARS);
    }
    this.put(s);
  }

  /** A value into its row, made on the row's first value (a row without one stays a hole). */
  private put(v: CellValue): void {
    if (this.rowIndex !== this.cellRow) {
      this.rowIndex = this.cellRow;
      this.current = null;
    }
    const row = (this.current ??= this.rows[this.cellRow] = []);
    while (row.length < this.cellCol) row.push(null);
    row.push(v);
  }
}

const DAY_MS = 86_400_000;
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);
/** From this day on, Excel's 1900 serials count days from 1899-12-30; before it, one day less (Excel
 * counts a 29 February 1900 that never was), which is left to SheetJS. */
const FIRST_PLAIN_DAY = Date.UTC(1900, 2, 1);
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * A "d" cell's value (ECMA-376 Part 1, 18.17.4: a date in ISO 8601, YYYY-MM-DD with an optional
 * THH:MM[:SS[.fff]]) as the workbook's serial number: days from its epoch, the time as a fraction.
 * Null for anything else (a time alone, a zone, a day that does not exist, a day before 1900-03-01),
 * and for a time of day in a 1904 workbook (SheetJS counts from 1900 and then subtracts, which may
 * round otherwise).
 */
function isoDateSerial(raw: string, date1904: boolean): number | null {
  const m = ISO_DATE.exec(raw);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((x) => (x === undefined ? 0 : Number(x)));
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const time = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (new Date(time).getUTCDate() !== day || time < FIRST_PLAIN_DAY) return null;
  if (!date1904) return (time - EPOCH_1900) / DAY_MS;
  return time % DAY_MS === 0 ? (time - EPOCH_1904) / DAY_MS : null;
}

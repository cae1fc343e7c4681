// The XML parts of an .xlsx, read once as text before SheetJS parses them: what SheetJS would build
// from them (cells, merged ranges, cells hyperlinks cover, rows and columns named), references to
// entities no part may declare, and per sheet what SheetJS leaves out when it does not keep every
// style: hidden rows and columns, formulas saved without a value (SheetJS reads those as 0, or
// drops them when formulas are not read), and the text of every other formula. The sheets are matched to their parts the way SheetJS
// finds them (content types, the workbook's relationships). Pure: texts in, counts and facts out.

import { MAX_COLUMNS, MAX_ROWS } from './import-types';
import { shiftFormula } from './formula-eval';
import type { SavedFormula, SheetFacts, Tally } from './workbook-facts';
import { emptyFacts, emptyTally } from './workbook-facts';

/** XML text with its character references and the five named entities replaced, as a parser reads it. */
export function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (m, e: string) => {
    if (e[0] !== '#') return named[e.toLowerCase()] ?? m;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

const ATTRIBUTES = new Map<string, RegExp>();

/** An attribute of a start tag's text (any namespace prefix), unescaped; null when absent. */
export function attribute(tag: string, name: string): string | null {
  let re = ATTRIBUTES.get(name);
  if (!re) ATTRIBUTES.set(name, (re = new RegExp(`\\s(?:[\\w-]+:)?${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`)));
  const m = re.exec(tag);
  return m ? unescapeXml(m[1] ?? m[2]) : null;
}

/** A reference to an entity other than the five XML predefines: SheetJS would show it as text. */
export const UNDECLARED_ENTITY = /&(?!(?:amp|lt|gt|quot|apos);)[A-Za-z_:][\w.:-]*;/;

const columnNumber = (letters: string): number => [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
const RANGE = /\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?/g;
const CELL_REF = /^\$?([A-Za-z]{1,3})\$?(\d+)$/;

/** The cells a list of ranges covers ("A1:B2 D4"), overlaps counted twice. */
export function rangeCells(text: string): number {
  let cells = 0;
  for (const m of text.matchAll(RANGE)) {
    const rows = m[4] === undefined ? 1 : Math.abs(Number(m[4]) - Number(m[2])) + 1;
    const cols = m[3] === undefined ? 1 : Math.abs(columnNumber(m[3]) - columnNumber(m[1])) + 1;
    cells += rows * cols;
  }
  return cells;
}

/** Adds rows (or columns) from..to to a list of ranges, joining it to the last when adjacent. */
export function addRange(ranges: [number, number][], from: number, to: number): void {
  const last = ranges.at(-1);
  if (last && from <= last[1] + 1 && from >= last[0]) last[1] = Math.max(last[1], to);
  else ranges.push([from, to]);
}

const TAG = /<(?:\w+:)?(c|f|row|col|mergeCell|hyperlink)[\s/>]/g;
const CELL_END = /<\/(?:\w+:)?c>/g;
const SHEET_DATA = /<(?:\w+:)?sheetData[\s/>]/;
const FORMULA = /<(?:\w+:)?f(\s[^>]*?)?(?:\/>|>([^<]*)<\/(?:\w+:)?f>)/;
const VALUE = /<(?:\w+:)?v>[^<]|<(?:\w+:)?is[\s>]/;

type Shared = { row: number; col: number; si: string; valued: boolean };

/** The worksheet part's facts; counts go into `tally`. */
function scanWorksheet(text: string, tally: Tally): SheetFacts {
  const facts = emptyFacts();
  const masters = new Map<string, SavedFormula>();
  const children: Shared[] = [];
  let row = 0;
  let cellStart = -1;
  let cellTagEnd = -1;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(text); m !== null; m = TAG.exec(text)) {
    const close = text.indexOf('>', m.index);
    if (close < 0) break;
    TAG.lastIndex = close;
    if (m[1] === 'c') {
      // A cell written without a value (formatting only) closes itself; SheetJS makes none for it.
      cellTagEnd = close;
      cellStart = text.charCodeAt(close - 1) === 47 ? -1 : m.index;
      if (cellStart >= 0) tally.cells++;
      continue;
    }
    const tag = text.slice(m.index, close + 1);
    switch (m[1]) {
      case 'f':
        if (cellStart >= 0 && m.index > cellTagEnd) formulaCell(text, cellStart, cellTagEnd, facts, masters, children);
        cellStart = -1;
        break;
      case 'row': {
        const r = attribute(tag, 'r');
        row = r === null ? row + 1 : parseInt(r, 10) || 0;
        tally.lastRow = Math.max(tally.lastRow, row - 1);
        const hidden = attribute(tag, 'hidden');
        if ((hidden === '1' || hidden === 'true') && row >= 1 && row <= MAX_ROWS) addRange(facts.hiddenRows, row - 1, row - 1);
        break;
      }
      case 'col': {
        // SheetJS reads the numbers with parseInt and, when it keeps styles, makes every column up to `max`.
        const min = parseInt(attribute(tag, 'min') ?? '0', 10) || 0;
        const max = parseInt(attribute(tag, 'max') ?? '0', 10) || 0;
        tally.lastColumn = Math.max(tally.lastColumn, max - 1);
        const hidden = attribute(tag, 'hidden');
        if ((hidden === '1' || hidden === 'true') && min >= 1 && max >= min) addRange(facts.hiddenColumns, min - 1, Math.min(max, MAX_COLUMNS) - 1);
        break;
      }
      case 'mergeCell':
        tally.merges++;
        tally.mergedCells += rangeCells(attribute(tag, 'ref') ?? '');
        break;
      case 'hyperlink':
        tally.linkedCells += rangeCells(attribute(tag, 'ref') ?? '');
        break;
    }
  }
  // A shared formula's cells read its text moved from where it is written.
  for (const s of children) {
    const master = masters.get(s.si);
    const formula = master ? shiftFormula(master.formula, s.row - master.row, s.col - master.col) : '';
    if (!s.valued) facts.formulas.push({ row: s.row, col: s.col, formula });
    else if (formula) (facts.valued ??= []).push({ row: s.row, col: s.col, formula });
  }
  return facts;
}

/** A cell holding a formula: noted apart when saved without a value; a shared formula's text kept. */
function formulaCell(text: string, start: number, tagEnd: number, facts: SheetFacts, masters: Map<string, SavedFormula>, children: Shared[]): void {
  const ref = CELL_REF.exec(attribute(text.slice(start, tagEnd + 1), 'r') ?? '');
  // A cell without its address cannot be placed reliably: left as SheetJS reads it.
  if (!ref) return;
  const row = Number(ref[2]) - 1;
  const col = columnNumber(ref[1]) - 1;
  CELL_END.lastIndex = tagEnd;
  const end = CELL_END.exec(text)?.index ?? text.length;
  const body = text.slice(tagEnd + 1, end);
  const f = FORMULA.exec(body);
  if (!f) return;
  const attrs = f[1] ?? '';
  const formula = unescapeXml(f[2] ?? '');
  const si = attrs.includes('shared') ? attribute(attrs, 'si') : null;
  if (si !== null && formula !== '') masters.set(si, { row, col, formula });
  const valued = VALUE.test(body);
  if (si !== null && formula === '') children.push({ row, col, si, valued });
  else if (!valued) facts.formulas.push({ row, col, formula });
  else (facts.valued ??= []).push({ row, col, formula });
}

/**
 * Scans an .xlsx's parts one at a time (each as text), then matches the facts found in worksheet
 * parts to the sheets SheetJS will list.
 */
export class XlsxScan {
  readonly tally: Tally = emptyTally();
  private readonly facts = new Map<string, SheetFacts>();
  /** Small parts the matching needs: content types, relationships, the workbook's sheet list. */
  private readonly kept = new Map<string, string>();

  /** Scans one part; 'damaged' when it refers to an entity no part may declare. */
  scan(name: string, text: string): 'damaged' | null {
    if (UNDECLARED_ENTITY.test(text)) return 'damaged';
    if (SHEET_DATA.test(text)) this.facts.set(name, scanWorksheet(text, this.tally));
    else if (name === '[Content_Types].xml' || name.endsWith('.rels')) this.kept.set(name, text);
    else if (/<(?:\w+:)?sheets[\s>]/.test(text)) this.kept.set(name, (text.match(/<(?:\w+:)?sheet\s[^>]*>/g) ?? []).join(''));
    return null;
  }

  /** The facts of each sheet, in the order SheetJS lists them. */
  sheets(partNames: ReadonlySet<string>): SheetFacts[] {
    const has = (name: string) => partNames.has(name);
    const types = this.kept.get('[Content_Types].xml') ?? '';
    let workbook = 'xl/workbook.xml';
    for (const tag of types.match(/<(?:\w+:)?Override\s[^>]*>/g) ?? []) {
      const type = attribute(tag, 'ContentType') ?? '';
      if (/(?:spreadsheetml\.(?:sheet|template)|ms-excel\.(?:sheet|template)\.macroEnabled)\.main\+xml$/.test(type)) {
        workbook = (attribute(tag, 'PartName') ?? '').replace(/^\//, '');
        break;
      }
    }
    const slash = workbook.lastIndexOf('/');
    let relsName = `${workbook.slice(0, slash + 1)}_rels/${workbook.slice(slash + 1)}.rels`;
    if (!has(relsName)) relsName = 'xl/_rels/workbook.xml.rels';
    const targets = new Map<string, string>();
    for (const tag of (this.kept.get(relsName) ?? '').match(/<(?:\w+:)?Relationship\s[^>]*>/g) ?? []) {
      const id = attribute(tag, 'Id');
      if (id !== null) targets.set(id, attribute(tag, 'Target') ?? '');
    }
    const ids = (this.kept.get(workbook)?.match(/<(?:\w+:)?sheet\s[^>]*>/g) ?? []).map((tag) => attribute(tag, 'id'));
    // SheetJS uses the relationships only when every sheet has one.
    const related = ids.length > 0 && ids.every((id) => id !== null && targets.has(id));
    return ids.map((id, i) => {
      let path = `xl/worksheets/sheet${i + 1}.xml`;
      if (related) {
        const target = targets.get(id!)!;
        path = `xl/${target.replace(/[/]?xl\//, '')}`;
        if (!has(path)) path = target;
        if (!has(path)) path = relsName.replace(/_rels\/[\s\S]*$/, '') + target;
      }
      return this.facts.get(path) ?? emptyFacts();
    });
  }
}

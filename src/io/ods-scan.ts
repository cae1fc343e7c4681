// The content of an .ods (content.xml), read once as text before SheetJS parses it. An OpenDocument
// sheet writes a run of equal cells or rows once with a repeat count, and SheetJS makes every
// repeated cell: a few bytes can stand for billions of cells, so they are counted here, walking
// rows and columns exactly as SheetJS does. The walk also finds what SheetJS leaves out of an .ods:
// hidden rows, columns and sheets, and formulas saved without a value. Pure: text in, counts and
// facts out.

import { MAX_COLUMNS, MAX_ROWS } from './import-types';
import type { SheetFacts, Tally } from './workbook-facts';
import { emptyFacts, emptyTally } from './workbook-facts';
import { addRange, attribute, unescapeXml } from './xlsx-scan';

export interface OdsScan {
  tally: Tally;
  /** Facts per sheet (table), in the order of the file, as SheetJS lists them. */
  sheets: SheetFacts[];
}

const TAG =
  /<(\/?)(table:table|table:table-column|table:table-row|table:table-cell|table:covered-table-cell|text:p|text:s|style:style|style:table-properties)((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;

// Most cells carry none of these attributes: a substring test spares a pattern match on a million cells.
const repeat = (attrs: string, name: string): number => (attrs.includes('repeated') ? Math.max(1, parseInt(attribute(attrs, name) ?? '1', 10) || 1) : 1);
const collapsed = (attrs: string): boolean => {
  const v = attrs.includes('visibility') ? attribute(attrs, 'visibility') : null;
  return v === 'collapse' || v === 'filter';
};
const optional = (attrs: string, name: string): string | null => (attrs.includes(name) ? attribute(attrs, name) : null);

/** A cell being read: where it starts, how often it repeats, what it holds so far. */
interface OpenCell {
  row: number;
  col: number;
  rows: number;
  cols: number;
  typed: boolean;
  percent: boolean;
  text: boolean;
  formula: string | null;
}

/** Counts and facts of an .ods's content.xml. */
export function scanOds(text: string): OdsScan {
  const tally = emptyTally();
  const sheets: SheetFacts[] = [];
  const hiddenStyles = new Set<string>();
  let facts: SheetFacts | null = null;
  let style: string | null = null;
  // SheetJS's row and column of the current cell, the current row's repeat, the next column setting.
  let R = -1;
  let C = -1;
  let rowRepeat = 1;
  let column = 0;
  let cell: OpenCell | null = null;

  const made = (row: number, col: number, rows: number, cols: number) => {
    tally.cells += rows * cols;
    tally.lastRow = Math.max(tally.lastRow, row + rows - 1);
    tally.lastColumn = Math.max(tally.lastColumn, col + cols - 1);
  };

  TAG.lastIndex = 0;
  for (let m = TAG.exec(text); m !== null; m = TAG.exec(text)) {
    const closing = m[1] === '/';
    const attrs = m[3];
    const selfClosing = m[4] === '/';
    switch (m[2]) {
      case 'style:style':
        style = closing ? null : attribute(attrs, 'family') === 'table' ? attribute(attrs, 'name') : null;
        if (selfClosing) style = null;
        break;
      case 'style:table-properties':
        if (style !== null && attribute(attrs, 'display') === 'false') hiddenStyles.add(style);
        break;
      case 'table:table':
        if (closing || selfClosing) {
          facts = null;
          break;
        }
        facts = emptyFacts();
        facts.hidden = hiddenStyles.has(attribute(attrs, 'style-name') ?? '');
        sheets.push(facts);
        R = C = -1;
        column = 0;
        break;
      case 'table:table-column': {
        if (closing || !facts) break;
        const n = repeat(attrs, 'number-columns-repeated');
        if (collapsed(attrs) && column < MAX_COLUMNS) addRange(facts.hiddenColumns, column, Math.min(column + n, MAX_COLUMNS) - 1);
        column += n;
        break;
      }
      case 'table:table-row':
        if (closing) {
          R += rowRepeat;
          rowRepeat = 1;
          break;
        }
        // SheetJS takes a row that closes itself for an opening one, and does not move past it.
        if (R === -1) R = 0;
        rowRepeat = repeat(attrs, 'number-rows-repeated');
        if (facts && collapsed(attrs) && R < MAX_ROWS) addRange(facts.hiddenRows, R, Math.min(R + rowRepeat, MAX_ROWS) - 1);
        C = -1;
        break;
      case 'table:covered-table-cell':
        if (!closing) C += repeat(attrs, 'number-columns-repeated');
        break;
      case 'table:table-cell': {
        if (closing) {
          if (!cell) break;
          // SheetJS copies a cell with a value to every repeated column of every repeated row.
          if (cell.typed || cell.text) made(cell.row, cell.col, cell.rows, cell.cols);
          if (cell.percent && facts) (facts.percentCells ??= []).push([cell.row, cell.col, cell.rows, cell.cols]);
          if (cell.formula !== null && facts) savedFormula(facts, cell.row, cell.col, cell.formula, cell.typed);
          C += cell.cols - 1;
          cell = null;
          break;
        }
        C++;
        const cols = repeat(attrs, 'number-columns-repeated');
        const type = optional(attrs, 'value-type');
        const formula = optional(attrs, 'formula');
        const spanRows = parseInt(optional(attrs, 'number-rows-spanned') ?? '1', 10) || 1;
        const spanCols = parseInt(optional(attrs, 'number-columns-spanned') ?? '1', 10) || 1;
        if (selfClosing) {
          if (type === 'string') made(R, C, 1, 1);
          if (formula !== null && facts) savedFormula(facts, R, C, formula, type !== null);
          C += cols - 1;
          break;
        }
        if (spanRows * spanCols > 1) {
          tally.merges++;
          tally.mergedCells += spanRows * spanCols;
        }
        cell = { row: R, col: C, rows: rowRepeat, cols, typed: type !== null, percent: type === 'percentage', text: false, formula };
        break;
      }
      case 'text:p':
        if (cell && !closing) cell.text = true;
        break;
      case 'text:s':
        tally.expandedChars += parseInt(attribute(attrs, 'c') ?? '1', 10) || 1;
        break;
    }
  }
  return { tally, sheets };
}

/** A formula cell: one saved without a value is to be computed; one with its value, kept for the
 * import to carry over as a formula where it maps onto the lines (as the .xlsx scan does). */
function savedFormula(facts: SheetFacts, row: number, col: number, formula: string, valued: boolean): void {
  if (!valued) facts.formulas.push({ row, col, formula: odsFormula(formula) });
  else (facts.valued ??= []).push({ row, col, formula: odsFormula(formula) });
}

/** An OpenFormula as Excel writes it: "of:=SUM([.D5:.D6];['Biểu 2'.A1])" → "SUM(D5:D6,'Biểu 2'!A1)". */
export function odsFormula(formula: string): string {
  let out = '';
  const s = unescapeXml(formula).replace(/^(?:of:|msoxl:)?=/, '');
  for (let i = 0; i < s.length;) {
    const ch = s[i];
    if (ch === '"') {
      const end = s.indexOf('"', i + 1);
      const stop = end < 0 ? s.length : end + 1;
      out += s.slice(i, stop);
      i = stop;
    } else if (ch === '[') {
      const end = s.indexOf(']', i);
      if (end < 0) return out + s.slice(i);
      out += odsReference(s.slice(i + 1, end));
      i = end + 1;
    } else {
      out += ch === ';' ? ',' : ch;
      i++;
    }
  }
  return out;
}

/** ".A1", "$Sheet1.$A$1", "'Biểu 2'.A1:.B2" → "A1", "'Sheet1'!$A$1", "'Biểu 2'!A1:B2". */
function odsReference(ref: string): string {
  const parts = ref.match(/(?:'(?:[^']|'')*'|[^:])+/g) ?? [];
  let sheet: string | null = null;
  const cells: string[] = [];
  for (const part of parts) {
    const m = /^\$?(?:'((?:[^']|'')*)'|([^.']*))\.(.+)$/.exec(part);
    if (!m) return `[${ref}]`;
    const name = m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2];
    if (name && sheet === null) sheet = name;
    cells.push(m[3]);
  }
  return `${sheet ? `'${sheet.replace(/'/g, "''")}'!` : ''}${cells.join(':')}`;
}

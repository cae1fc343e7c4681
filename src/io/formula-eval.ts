// Formulas a workbook saved without their value, computed from the workbook's own cells, for the
// arithmetic a budget sheet writes: numbers, cell references (A1, $A$1, 'Another sheet'!A1),
// ranges, SUM(…), unary minus, + - * /, parentheses and percentages (10%). Anything else (other
// functions, text, comparisons, names) gives no value, as does a cycle or a reference to a cell
// that has none. A small tokenizer, a shunting-yard parser to postfix code, and an evaluator that
// keeps its own stack: a chain of 100 000 cells, each referring to the previous, costs no call
// depth. Pure: sheets and formulas in, numbers out.

import type { CellValue } from './import-types';
import { MAX_COLUMNS, MAX_ROWS, cellKey } from './import-types';

/** Longest formula read (Excel's limit). */
export const MAX_FORMULA_CHARS = 8192;
/** Deepest nesting of parentheses read (Excel allows 64 levels of functions). */
export const MAX_FORMULA_DEPTH = 64;
/** Cells all formulas of a file may visit through their ranges: past it, the rest get no value. */
export const MAX_FORMULA_VISITS = 20_000_000;

// ---------------------------------------------------------------------------------------------
// Tokens

/** A cell or a rectangle of cells, 0-based; `sheet` null for the formula's own sheet. */
export interface CellArea {
  sheet: string | null;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** A piece of a formula's text, from `at` to `end`. */
export type FormulaToken =
  | { t: 'num'; v: number; at: number; end: number }
  | { t: 'area'; area: CellArea; single: boolean; at: number; end: number; refs: RefPart[] }
  | { t: 'func'; name: string; at: number; end: number }
  | { t: 'op'; v: string; at: number; end: number }
  | { t: 'open' | 'close' | 'comma'; at: number; end: number }
  | { t: 'other'; at: number; end: number };

/** Where a cell address sits in the text, and which of its parts are absolute ($). */
interface RefPart {
  at: number;
  end: number;
  col: number;
  row: number;
  colAbs: boolean;
  rowAbs: boolean;
}

const SHEET_PREFIX = /'((?:[^']|'')+)'!|([\p{L}_][\p{L}\p{N}_.]*)!/uy;
const CELL = /(\$?)([A-Za-z]{1,3})(\$?)(\d{1,7})/y;
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[\p{L}_\\][\p{L}\p{N}_.]*/uy;
const STRING = /"(?:[^"]|"")*"/y;
const ERROR = /#(?:NULL!|DIV\/0!|VALUE!|REF!|NAME\?|NUM!|N\/A|GETTING_DATA)/iy;
const OPERATORS = ['<>', '<=', '>=', '+', '-', '*', '/', '^', '&', '=', '<', '>', '%'];

const columnOf = (letters: string): number => [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;

/** A cell address at `at` ("$B$12"), or null; not when the letters and digits go on as a name. */
function cellAt(s: string, at: number): RefPart | null {
  CELL.lastIndex = at;
  const m = CELL.exec(s);
  if (!m) return null;
  const end = at + m[0].length;
  if (end < s.length && /[\p{L}\p{N}_.(]/u.test(s[end])) return null;
  const col = columnOf(m[2]);
  const row = Number(m[4]) - 1;
  if (col >= MAX_COLUMNS || row < 0 || row >= MAX_ROWS) return null;
  return { at, end, col, row, colAbs: m[1] === '$', rowAbs: m[3] === '$' };
}

/** The formula's tokens (a leading "=" allowed), or null when it is too long or holds a character
 * no formula has. Tokens the evaluator does not compute are kept as 'other' (text, error values,
 * names that call nothing). */
export function tokenizeFormula(formula: string): FormulaToken[] | null {
  if (formula.length > MAX_FORMULA_CHARS) return null;
  const s = formula;
  const out: FormulaToken[] = [];
  let i = s.startsWith('=') ? 1 : 0;
  const sticky = (re: RegExp, at: number): RegExpExecArray | null => {
    re.lastIndex = at;
    return re.exec(s);
  };
  while (i < s.length) {
    const ch = s[i];
    if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') {
      i++;
      continue;
    }
    const start = i;
    // A reference: an optional sheet, a cell, an optional second cell.
    const prefix = sticky(SHEET_PREFIX, i);
    const first = cellAt(s, prefix ? i + prefix[0].length : i);
    if (first) {
      const sheet = prefix ? (prefix[1] !== undefined ? prefix[1].replace(/''/g, "'") : prefix[2]) : null;
      const second = s[first.end] === ':' ? cellAt(s, first.end + 1) : null;
      const last = second ?? first;
      const area = {
        sheet,
        top: Math.min(first.row, last.row),
        left: Math.min(first.col, last.col),
        bottom: Math.max(first.row, last.row),
        right: Math.max(first.col, last.col),
      };
      out.push({ t: 'area', area, single: second === null, at: start, end: last.end, refs: second ? [first, second] : [first] });
      i = last.end;
      continue;
    }
    if (prefix) return null;
    let m: RegExpExecArray | null;
    if ((m = sticky(NUMBER, i))) {
      out.push({ t: 'num', v: Number(m[0]), at: start, end: (i += m[0].length) });
    } else if ((m = sticky(STRING, i)) || (m = sticky(ERROR, i))) {
      out.push({ t: 'other', at: start, end: (i += m[0].length) });
    } else if ((m = sticky(NAME, i))) {
      i += m[0].length;
      out.push(s[i] === '(' ? { t: 'func', name: m[0].toUpperCase(), at: start, end: i } : { t: 'other', at: start, end: i });
    } else if (ch === '(' || ch === ')' || ch === ',' || ch === ';') {
      out.push({ t: ch === '(' ? 'open' : ch === ')' ? 'close' : 'comma', at: start, end: ++i });
    } else {
      const op = OPERATORS.find((o) => s.startsWith(o, i));
      if (!op) return null;
      out.push({ t: 'op', v: op, at: start, end: (i += op.length) });
    }
  }
  return out;
}

/** The formula with its relative references moved by (rows, cols), as a shared formula reads in
 * the cells it covers; a reference moved off the sheet becomes #REF!. Text it cannot read is
 * returned unchanged. */
export function shiftFormula(formula: string, rows: number, cols: number): string {
  const tokens = tokenizeFormula(formula);
  if (!tokens || (rows === 0 && cols === 0)) return formula;
  let out = '';
  let from = 0;
  for (const tk of tokens) {
    if (tk.t !== 'area') continue;
    for (const ref of tk.refs) {
      const col = ref.colAbs ? ref.col : ref.col + cols;
      const row = ref.rowAbs ? ref.row : ref.row + rows;
      const text = col < 0 || col >= MAX_COLUMNS || row < 0 || row >= MAX_ROWS ? '#REF!' : `${ref.colAbs ? '$' : ''}${letters(col)}${ref.rowAbs ? '$' : ''}${row + 1}`;
      out += formula.slice(from, ref.at) + text;
      from = ref.end;
    }
  }
  return out + formula.slice(from);
}

function letters(col: number): string {
  let s = '';
  for (let n = col + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Postfix code

type Op = { op: 'num'; v: number } | { op: 'area'; area: CellArea; single: boolean } | { op: 'neg' | 'pct' | '+' | '-' | '*' | '/' } | { op: 'sum'; argc: number };

type Pending = { kind: 'op'; op: '+' | '-' | '*' | '/' | 'neg'; prec: number } | { kind: 'paren'; func: boolean; argc: number };

const PRECEDENCE: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2, pct: 3, neg: 4 };

/** The formula as postfix code, or null when it uses what is not computed here, is malformed,
 * or nests deeper than MAX_FORMULA_DEPTH. */
export function compileFormula(formula: string): Op[] | null {
  const tokens = tokenizeFormula(formula);
  if (!tokens || tokens.length === 0) return null;
  const out: Op[] = [];
  const stack: Pending[] = [];
  let depth = 0;
  // After an operand (a value is complete): a binary operator, %, ')' or ',' may follow.
  let operand = false;
  const popWhile = (prec: number): void => {
    for (let top = stack.at(-1); top?.kind === 'op' && top.prec >= prec; top = stack.at(-1)) {
      stack.pop();
      out.push({ op: top.op });
    }
  };
  for (let k = 0; k < tokens.length; k++) {
    const tk = tokens[k];
    switch (tk.t) {
      case 'num':
      case 'area':
        if (operand) return null;
        out.push(tk.t === 'num' ? { op: 'num', v: tk.v } : { op: 'area', area: tk.area, single: tk.single });
        operand = true;
        break;
      case 'func':
        if (operand || tk.name !== 'SUM') return null;
        break;
      case 'open': {
        if (operand) return null;
        if (++depth > MAX_FORMULA_DEPTH) return null;
        stack.push({ kind: 'paren', func: tokens[k - 1]?.t === 'func', argc: 1 });
        break;
      }
      case 'comma': {
        if (!operand) return null;
        popWhile(0);
        const top = stack.at(-1);
        if (top?.kind !== 'paren' || !top.func) return null;
        top.argc++;
        operand = false;
        break;
      }
      case 'close': {
        popWhile(0);
        const top = stack.pop();
        if (top?.kind !== 'paren') return null;
        depth--;
        if (top.func) {
          // SUM() with no argument is not a formula Excel saves.
          if (!operand) return null;
          out.push({ op: 'sum', argc: top.argc });
        } else if (!operand) return null;
        operand = true;
        break;
      }
      case 'op':
        if (tk.v === '%') {
          if (!operand) return null;
          popWhile(PRECEDENCE.pct + 1);
          out.push({ op: 'pct' });
        } else if (tk.v === '+' || tk.v === '-' || tk.v === '*' || tk.v === '/') {
          if (operand) {
            popWhile(PRECEDENCE[tk.v]);
            stack.push({ kind: 'op', op: tk.v, prec: PRECEDENCE[tk.v] });
            operand = false;
          } else if (tk.v === '-') {
            stack.push({ kind: 'op', op: 'neg', prec: PRECEDENCE.neg });
          } else if (tk.v !== '+') return null;
        } else return null;
        break;
      default:
        return null;
    }
  }
  if (!operand) return null;
  popWhile(0);
  if (stack.length > 0) return null;
  // A function's opening parenthesis follows its name, so 'func' tokens need no code of their own.
  return out;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** A sheet as the evaluator reads it: its cells as read from the file. */
export interface FormulaSheet {
  name: string;
  rows: CellValue[][];
}

/** A formula saved without a value: its sheet (an index into the sheets), 0-based cell, text.
 * Its cell is blank in the sheet's rows (the value is what is being computed). */
export interface PendingFormula {
  sheet: number;
  row: number;
  col: number;
  formula: string;
}

const NOT_STARTED = 0;
const STARTED = 1;
const DONE = 2;

/** Rounds to 15 significant digits, as Excel shows a number: 0.1 + 0.2 gives 0.3. */
const excelNumber = (n: number): number => Number(n.toPrecision(15)) + 0;

/**
 * The value of each pending formula, in order: a number, or null when it cannot be computed here
 * (see the header), refers to a cell that has no value (a text, another formula without one), is
 * part of a cycle or divides by zero. Formulas that refer to other pending formulas are computed
 * after them; no chain or cycle length costs call depth. Never throws.
 */
export function computeFormulas(sheets: readonly FormulaSheet[], pending: readonly PendingFormula[]): (number | null)[] {
  const bySheet = new Map<string, number>();
  sheets.forEach((s, i) => bySheet.set(s.name.toLowerCase(), i));
  // Pending formulas by sheet and cell.
  const at = sheets.map(() => new Map<number, number>());
  const lists = sheets.map((): number[] => []);
  pending.forEach((p, i) => {
    at[p.sheet].set(cellKey(p.row, p.col), i);
    lists[p.sheet].push(i);
  });
  const code = pending.map((p) => compileFormula(p.formula));
  const values: (number | null)[] = pending.map(() => null);
  const state = new Uint8Array(pending.length);
  let visits = MAX_FORMULA_VISITS;

  const sheetOf = (p: PendingFormula, area: CellArea): number | null => (area.sheet === null ? p.sheet : (bySheet.get(area.sheet.toLowerCase()) ?? null));

  /** The pending formulas an area holds, or null past the visit budget. */
  const pendingIn = (sheet: number, a: CellArea): number[] | null => {
    const found: number[] = [];
    const area = (a.bottom - a.top + 1) * (a.right - a.left + 1);
    const list = lists[sheet];
    if (area <= list.length) {
      if ((visits -= area) < 0) return null;
      for (let r = a.top; r <= a.bottom; r++) {
        for (let c = a.left; c <= a.right; c++) {
          const j = at[sheet].get(cellKey(r, c));
          if (j !== undefined) found.push(j);
        }
      }
    } else {
      if ((visits -= list.length) < 0) return null;
      for (const j of list) {
        const q = pending[j];
        if (q.row >= a.top && q.row <= a.bottom && q.col >= a.left && q.col <= a.right) found.push(j);
      }
    }
    return found;
  };

  /** The formulas formula i needs first; null when it cannot be computed at all. */
  const dependencies = (i: number): number[] | null => {
    const ops = code[i];
    if (!ops) return null;
    const deps: number[] = [];
    for (const o of ops) {
      if (o.op !== 'area') continue;
      const sheet = sheetOf(pending[i], o.area);
      if (sheet === null) return null;
      const found = pendingIn(sheet, o.area);
      if (found === null) return null;
      for (const j of found) deps.push(j);
    }
    return deps;
  };

  /** A cell's value for arithmetic: a number (blank is 0), or null for text or a formula without a value. */
  const cellNumber = (sheet: number, row: number, col: number): number | null => {
    const j = at[sheet].get(cellKey(row, col));
    if (j !== undefined) return values[j];
    const v = sheets[sheet].rows[row]?.[col] ?? null;
    return v === null ? 0 : typeof v === 'number' ? v : null;
  };

  /** SUM of an area: its numbers, text and blanks ignored; null when a pending formula in it has no value. */
  const areaSum = (sheet: number, a: CellArea): number | null => {
    const rows = sheets[sheet].rows;
    let total = 0;
    const bottom = Math.min(a.bottom, rows.length - 1);
    if ((visits -= bottom - a.top + 1) < 0) return null;
    for (let r = a.top; r <= bottom; r++) {
      const row = rows[r];
      if (!row) continue;
      const right = Math.min(a.right, row.length - 1);
      if (right >= a.left && (visits -= right - a.left + 1) < 0) return null;
      for (let c = a.left; c <= right; c++) {
        const v = row[c];
        if (typeof v === 'number') total += v;
      }
    }
    const found = pendingIn(sheet, a);
    if (found === null) return null;
    for (const j of found) {
      if (values[j] === null) return null;
      total += values[j]!;
    }
    return total;
  };

  /** Runs formula i's code once its dependencies are done. */
  const run = (i: number): number | null => {
    const ops = code[i]!;
    const p = pending[i];
    const stack: (number | { sheet: number; area: CellArea; single: boolean })[] = [];
    const number = (x: (typeof stack)[number] | undefined): number | null => {
      if (x === undefined) return null;
      if (typeof x === 'number') return x;
      return x.single ? cellNumber(x.sheet, x.area.top, x.area.left) : null;
    };
    for (const o of ops) {
      switch (o.op) {
        case 'num':
          stack.push(o.v);
          break;
        case 'area': {
          const sheet = sheetOf(p, o.area);
          if (sheet === null) return null;
          stack.push({ sheet, area: o.area, single: o.single });
          break;
        }
        case 'neg':
        case 'pct': {
          const x = number(stack.pop());
          if (x === null) return null;
          stack.push(o.op === 'neg' ? -x : x / 100);
          break;
        }
        case 'sum': {
          let total = 0;
          for (const arg of stack.splice(stack.length - o.argc, o.argc)) {
            const x = typeof arg === 'number' ? arg : areaSum(arg.sheet, arg.area);
            if (x === null) return null;
            total += x;
          }
          stack.push(total);
          break;
        }
        default: {
          const b = number(stack.pop());
          const a = number(stack.pop());
          if (a === null || b === null) return null;
          if (o.op === '/' && b === 0) return null;
          stack.push(o.op === '+' ? a + b : o.op === '-' ? a - b : o.op === '*' ? a * b : a / b);
        }
      }
    }
    const result = number(stack.pop());
    return result !== null && Number.isFinite(result) ? excelNumber(result) : null;
  };

  // Depth-first over the formulas each needs, with an explicit stack: a formula runs once every
  // formula it refers to is done; one met again while it is being worked on closes a cycle.
  const needs: (number[] | null)[] = pending.map(() => null);
  for (let root = 0; root < pending.length; root++) {
    if (state[root] === DONE) continue;
    const work = [root];
    while (work.length > 0) {
      const i = work[work.length - 1];
      if (state[i] === NOT_STARTED) {
        state[i] = STARTED;
        const deps = dependencies(i);
        if (deps === null) {
          state[i] = DONE;
          work.pop();
          continue;
        }
        needs[i] = deps;
        let cycle = false;
        for (const j of deps) {
          if (state[j] === STARTED) cycle = true;
          else if (state[j] === NOT_STARTED) work.push(j);
        }
        if (cycle) {
          state[i] = DONE;
          work.pop();
        }
        continue;
      }
      work.pop();
      if (state[i] === DONE) continue;
      state[i] = DONE;
      values[i] = needs[i]!.every((j) => state[j] === DONE && values[j] !== null) ? run(i) : null;
      needs[i] = null;
    }
  }
  return values;
}

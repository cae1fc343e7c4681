// Formulas as users type them, read into a tree whose references name records by id, and written
// back as text. A reference follows the tree, not a position: an item by its code (DA3.TDA1), a
// line by its label in brackets ([Trung tâm Y tế huyện].plan), the formula's own line in a column
// formula ([@plan]); stored, each is its record's id ([#item:…], [#line:…]), so sorting, filtering,
// moving or renaming never breaks it, and a deleted record shows as #REF!. Numbers are read in the
// user's way of writing them (vi: 2398*0,6 and arguments split by ';'; en: 2398*0.6) and stored in
// one canonical form. No recursion over the text: a shunting-yard parser with its own stacks.

import type { NumberLocale, Result } from '../model';
import { fail, ok } from '../model';
import { foldToKey, normalizeText } from '../text';
import { fromDecimal, toDecimalText, type Rational } from './rational';

/** Longest formula accepted (as Excel's). */
export const MAX_FORMULA_LENGTH = 8192;
/** Deepest nesting of parentheses accepted. */
export const MAX_FORMULA_NESTING = 64;

/** What a line reference may read: the line's own typed figures. */
export type LineRefField = 'plan' | 'disbursed' | 'expectedRate';
/** What an item reference may read: its roll-up figures. */
export type ItemRefField =
  'plan' | 'disbursed' | 'projected' | 'unspent' | 'central' | 'local' | 'other' | 'investment' | 'recurrent' | 'requiredLocal' | 'carryOver' | 'lapse';

export type Ref =
  | { kind: 'item'; id: string; field: ItemRefField }
  | { kind: 'line'; id: string; field: LineRefField }
  /** The formula's own line (column formulas). */
  | { kind: 'self'; field: LineRefField }
  /** The whole program (the total row). */
  | { kind: 'total'; field: ItemRefField };

export type FunctionName = 'SUM' | 'ROUND' | 'ROUNDUP' | 'ROUNDDOWN' | 'MIN' | 'MAX' | 'IF' | 'ABS' | 'AND' | 'OR' | 'NOT';
export type BinaryOp = '+' | '-' | '*' | '/' | '^' | '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { k: 'num'; v: Rational }
  | { k: 'bool'; v: boolean }
  | { k: 'ref'; ref: Ref }
  | { k: 'neg'; e: Expr }
  | { k: 'pct'; e: Expr }
  | { k: 'bin'; op: BinaryOp; a: Expr; b: Expr }
  | { k: 'call'; fn: FunctionName; args: Expr[] };

/** How names in a formula find their records, and records their names when written back. */
export interface FormulaNames {
  /** The id of the item with this code, or null. */
  itemByCode(code: string): string | null;
  /** The ids of the lines with this label, in one item when it is given (a typed label may match several). */
  linesByLabel(label: string, itemId?: string): string[];
  /** The item a line belongs to, null once the line is deleted. */
  lineItem(id: string): string | null;
  /** The current code of an item, null once it is deleted. */
  itemCode(id: string): string | null;
  /** The current label of a line, null once it is deleted. */
  lineLabel(id: string): string | null;
}

const FUNCTIONS: Record<string, FunctionName> = {};
for (const [name, aliases] of Object.entries({
  SUM: ['TONG'],
  ROUND: ['LAMTRON'],
  ROUNDUP: ['LAMTRONLEN'],
  ROUNDDOWN: ['LAMTRONXUONG'],
  MIN: ['NHONHAT'],
  MAX: ['LONNHAT'],
  IF: ['NEU'],
  ABS: ['TRITUYETDOI'],
  AND: ['VA'],
  OR: ['HOAC'],
  NOT: ['KHONG'],
}) as [FunctionName, string[]][]) {
  FUNCTIONS[name.toLowerCase()] = name;
  for (const a of aliases) FUNCTIONS[a.toLowerCase()] = name;
}

const LINE_FIELD_NAMES: Record<string, LineRefField> = {};
const ITEM_FIELD_NAMES: Record<string, ItemRefField> = {};
for (const [field, names] of Object.entries({
  plan: ['plan', 'Kế hoạch', 'KH'],
  disbursed: ['disbursed', 'Đã giải ngân', 'Giải ngân', 'GN'],
  expectedRate: ['expectedRate', 'expected', 'Dự kiến %', 'Dự kiến'],
}) as [LineRefField, string[]][])
  for (const n of names) LINE_FIELD_NAMES[foldToKey(n)] = field;
for (const [field, names] of Object.entries({
  plan: ['plan', 'Kế hoạch', 'KH'],
  disbursed: ['disbursed', 'Đã giải ngân', 'Giải ngân', 'GN'],
  projected: ['projected', 'Dự kiến GN', 'Dự kiến giải ngân'],
  unspent: ['unspent', 'Dự kiến còn lại'],
  central: ['central', 'NSTW'],
  local: ['local', 'NSĐP'],
  other: ['other', 'Khác'],
  investment: ['investment', 'ĐTPT'],
  recurrent: ['recurrent', 'Sự nghiệp', 'SN'],
  requiredLocal: ['requiredLocal', 'NSĐP yêu cầu'],
  carryOver: ['carryOver', 'Dự kiến chuyển nguồn'],
  lapse: ['lapse', 'Dự kiến hủy'],
}) as [ItemRefField, string[]][])
  for (const n of names) ITEM_FIELD_NAMES[foldToKey(n)] = field;

/** Names of the total row, as an item code would be written. */
const TOTAL_NAMES = new Set(['tong', 'total', 'tongcong', 'chuongtrinh']);

/** The canonical name of a field, as stored and as written back in English. */
const FIELD_TEXT: Record<LineRefField | ItemRefField, string> = {
  plan: 'plan',
  disbursed: 'disbursed',
  expectedRate: 'expectedRate',
  projected: 'projected',
  unspent: 'unspent',
  central: 'central',
  local: 'local',
  other: 'other',
  investment: 'investment',
  recurrent: 'recurrent',
  requiredLocal: 'requiredLocal',
  carryOver: 'carryOver',
  lapse: 'lapse',
};
const FIELD_TEXT_VI: Record<LineRefField | ItemRefField, string> = {
  plan: 'Kế hoạch',
  disbursed: 'Đã giải ngân',
  expectedRate: 'Dự kiến',
  projected: 'Dự kiến GN',
  unspent: 'Dự kiến còn lại',
  central: 'NSTW',
  local: 'NSĐP',
  other: 'Khác',
  investment: 'ĐTPT',
  recurrent: 'Sự nghiệp',
  requiredLocal: 'NSĐP yêu cầu',
  carryOver: 'Dự kiến chuyển nguồn',
  lapse: 'Dự kiến hủy',
};

/** True when the text is a formula (starts with '='; a leading '+' is a plain number, as a sign). */
export function isFormulaText(text: string): boolean {
  return /^\s*=/.test(text);
}

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { t: 'num'; v: Rational; at: number }
  | { t: 'name'; text: string; at: number }
  | { t: 'ref'; ref: Ref; at: number }
  | { t: 'op'; v: BinaryOp | '%'; at: number }
  | { t: 'open' | 'close' | 'sep'; at: number };

type Failure = {
  code:
    | 'formula.syntax'
    | 'formula.arity'
    | 'formula.too-long'
    | 'formula.too-deep'
    | 'formula.unknown-name'
    | 'formula.unknown-function'
    | 'formula.unknown-field'
    | 'formula.ambiguous-line'
    | 'formula.no-self';
  at: number;
  text: string;
};

/** Where the formula is typed: its own line (column formulas and line cells) or not. */
export interface ParseContext {
  locale: NumberLocale;
  names: FormulaNames;
  /** True where [@field] may be used: a line's cell or a column formula. */
  hasSelf: boolean;
}

/**
 * A number at i: vi groups thousands with '.' (1.500 = 1500, only in groups of three after a first
 * group of one to three digits) and writes ',' for the point; en writes '.', and ',' is the point
 * only where it cannot split a function's arguments (`commaIsDecimal`).
 */
function readNumber(s: string, i: number, locale: NumberLocale, commaIsDecimal: boolean): { v: Rational; end: number } | null {
  const digitsAt = (k: number) => /^\d*/.exec(s.slice(k, k + 40))![0];
  let j = i;
  let int = digitsAt(j);
  j += int.length;
  let frac: string | null = null;
  let grouped = false;
  for (;;) {
    const sep = s[j];
    const run = sep === '.' || sep === ',' ? digitsAt(j + 1) : '';
    if (!run) break;
    if (sep === '.' && locale === 'vi' && frac === null && run.length === 3 && (grouped || (int.length >= 1 && int.length <= 3))) {
      int += run;
      grouped = true;
    } else if (frac === null && (sep === '.' || commaIsDecimal)) frac = run;
    else break;
    j += 1 + run.length;
  }
  if (int === '' && frac === null) return null;
  const exp = /^[eE][+-]?\d+/.exec(s.slice(j, j + 8))?.[0] ?? '';
  j += exp.length;
  const v = fromDecimal(`${int || '0'}${frac !== null ? '.' + frac : ''}${exp}`);
  return v ? { v, end: j } : null;
}

function tokenize(src: string, ctx: ParseContext): Result<Token[]> | Failure {
  const s = src;
  const out: Token[] = [];
  // Inside which parentheses we are: a function call's (true) or grouping (false).
  const calls: boolean[] = [];
  const semicolons = s.includes(';');
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const startsNumber = /\d/.test(c) || ((c === '.' || (c === ',' && ctx.locale === 'vi')) && /\d/.test(s[i + 1] ?? ''));
    if (startsNumber) {
      // In vi a comma is the decimal point; in en it is one where it cannot split arguments.
      const inCall = calls.length > 0 && calls[calls.length - 1];
      const commaIsDecimal = ctx.locale === 'vi' || semicolons || !inCall;
      const num = readNumber(s, i, ctx.locale, commaIsDecimal);
      if (!num) return { code: 'formula.syntax', at: i, text: s.slice(i, i + 8) };
      out.push({ t: 'num', v: num.v, at: i });
      i = num.end;
      continue;
    }
    if (c === '[') {
      const close = s.indexOf(']', i + 1);
      if (close < 0) return { code: 'formula.syntax', at: i, text: s.slice(i) };
      const inner = s.slice(i + 1, close).trim();
      let end = close + 1;
      let fieldText: string | null = null;
      const dot = /\.\s*([\p{L}_][\p{L}\p{N}_ ]*)/uy;
      dot.lastIndex = end;
      const f = dot.exec(s);
      if (f && !inner.startsWith('@')) {
        fieldText = f[1].trim();
        end = dot.lastIndex;
      }
      const ref = readBracketRef(inner, fieldText, ctx, i);
      if ('code' in ref) return ref;
      out.push({ t: 'ref', ref, at: i });
      i = end;
      continue;
    }
    if (/[\p{L}_]/u.test(c)) {
      const m = /[\p{L}_][\p{L}\p{N}_.]*/uy;
      m.lastIndex = i;
      const name = m.exec(s)![0];
      out.push({ t: 'name', text: name, at: i });
      i += name.length;
      continue;
    }
    if (c === '(') {
      const prev = out[out.length - 1];
      calls.push(prev?.t === 'name');
      if (calls.length > MAX_FORMULA_NESTING) return { code: 'formula.too-deep', at: i, text: '' };
      out.push({ t: 'open', at: i });
      i++;
      continue;
    }
    if (c === ')') {
      calls.pop();
      out.push({ t: 'close', at: i });
      i++;
      continue;
    }
    if (c === ';' || c === ',') {
      out.push({ t: 'sep', at: i });
      i++;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (two === '<>' || two === '<=' || two === '>=') {
      out.push({ t: 'op', v: two, at: i });
      i += 2;
      continue;
    }
    if ('+-*/^=<>%'.includes(c)) {
      out.push({ t: 'op', v: c as BinaryOp | '%', at: i });
      i++;
      continue;
    }
    if (c === '×') {
      out.push({ t: 'op', v: '*', at: i });
      i++;
      continue;
    }
    if (c === ':' || c === '÷') {
      out.push({ t: 'op', v: '/', at: i });
      i++;
      continue;
    }
    return { code: 'formula.syntax', at: i, text: s.slice(i, i + 8) };
  }
  return ok(out);
}

function readBracketRef(inner: string, fieldText: string | null, ctx: ParseContext, at: number): Ref | Failure {
  const stored = /^#(item|line):(.+)$/.exec(inner);
  if (inner.startsWith('@')) {
    if (!ctx.hasSelf) return { code: 'formula.no-self', at, text: inner };
    const field = LINE_FIELD_NAMES[foldToKey(inner.slice(1))];
    return field ? { kind: 'self', field } : { code: 'formula.unknown-field', at, text: inner.slice(1) };
  }
  if (stored) {
    const key = foldToKey(fieldText ?? 'plan');
    if (stored[1] === 'item') {
      const field = ITEM_FIELD_NAMES[key];
      return field ? { kind: 'item', id: stored[2], field } : { code: 'formula.unknown-field', at, text: fieldText ?? '' };
    }
    const field = LINE_FIELD_NAMES[key];
    return field ? { kind: 'line', id: stored[2], field } : { code: 'formula.unknown-field', at, text: fieldText ?? '' };
  }
  // [label] is a line, [code / label] a line of that item; an item may be bracketed too.
  const key = foldToKey(fieldText ?? 'plan');
  let ids = ctx.names.linesByLabel(normalizeText(inner));
  const slash = inner.indexOf('/');
  if (ids.length === 0 && slash > 0) {
    const itemId = ctx.names.itemByCode(normalizeText(inner.slice(0, slash)));
    if (itemId) ids = ctx.names.linesByLabel(normalizeText(inner.slice(slash + 1)), itemId);
  }
  if (ids.length === 1) {
    const field = LINE_FIELD_NAMES[key];
    return field ? { kind: 'line', id: ids[0], field } : { code: 'formula.unknown-field', at, text: fieldText ?? '' };
  }
  if (ids.length > 1) return { code: 'formula.ambiguous-line', at, text: inner };
  const item = ctx.names.itemByCode(normalizeText(inner));
  if (item) {
    const field = ITEM_FIELD_NAMES[key];
    return field ? { kind: 'item', id: item, field } : { code: 'formula.unknown-field', at, text: fieldText ?? '' };
  }
  return { code: 'formula.unknown-name', at, text: inner };
}

/** An item reference written as a bare name: a code, or a code then .field (DA3.TDA1.disbursed). */
function readNameRef(name: string, names: FormulaNames): Ref | null {
  const whole = names.itemByCode(name);
  if (whole) return { kind: 'item', id: whole, field: 'plan' };
  if (TOTAL_NAMES.has(foldToKey(name))) return { kind: 'total', field: 'plan' };
  const dot = name.lastIndexOf('.');
  if (dot > 0) {
    const field = ITEM_FIELD_NAMES[foldToKey(name.slice(dot + 1))];
    const head = name.slice(0, dot);
    if (field) {
      if (TOTAL_NAMES.has(foldToKey(head))) return { kind: 'total', field };
      const id = names.itemByCode(head);
      if (id) return { kind: 'item', id, field };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Parser: operators by precedence (Excel's order: negation, %, ^, * /, + -, comparisons).

const PRECEDENCE: Record<BinaryOp, number> = { '=': 1, '<>': 1, '<': 1, '<=': 1, '>': 1, '>=': 1, '+': 2, '-': 2, '*': 3, '/': 3, '^': 4 };

/** Fewest and most arguments of each function. */
const ARITY: Record<FunctionName, [number, number]> = {
  SUM: [1, 255],
  ROUND: [1, 2],
  ROUNDUP: [1, 2],
  ROUNDDOWN: [1, 2],
  MIN: [1, 255],
  MAX: [1, 255],
  IF: [2, 3],
  ABS: [1, 1],
  AND: [1, 255],
  OR: [1, 255],
  NOT: [1, 1],
};

type Frame = { kind: 'op'; op: BinaryOp } | { kind: 'neg' } | { kind: 'open'; fn: FunctionName | null; argc: number; at: number };

/** A formula read: its tree, or the reason it cannot be read, with where. */
export type ParsedFormula = { expr: Expr };

/**
 * Reads a formula as typed (with or without its leading '='). Fails with a problem naming what is
 * wrong and where: a syntax error, a name that is no item's code, a label shared by several lines,
 * an unknown function or field, too long, too deep.
 */
export function parseFormula(text: string, ctx: ParseContext): Result<ParsedFormula> {
  const src = text.replace(/^\s*=/, '');
  if (src.length > MAX_FORMULA_LENGTH) return fail('formula.too-long', { max: MAX_FORMULA_LENGTH });
  const tokens = tokenize(src, ctx);
  if (!('ok' in tokens)) return fail(tokens.code, { text: tokens.text, at: tokens.at + 1 });
  if (!tokens.ok) return tokens;
  const r = build(tokens.value, ctx, src);
  if ('code' in r) return fail(r.code, { text: r.text, at: r.at + 1 });
  return ok({ expr: r });
}

function build(tokens: Token[], ctx: ParseContext, src: string): Expr | Failure {
  const values: Expr[] = [];
  const ops: Frame[] = [];
  let expectOperand = true;
  const syntax = (at: number): Failure => ({ code: 'formula.syntax', at, text: src.slice(at, at + 8) });
  const reduce = (): boolean => {
    const f = ops.pop()!;
    if (f.kind === 'neg') {
      const e = values.pop();
      if (!e) return false;
      values.push({ k: 'neg', e });
      return true;
    }
    if (f.kind !== 'op') return false;
    const b = values.pop();
    const a = values.pop();
    if (!a || !b) return false;
    values.push({ k: 'bin', op: f.op, a, b });
    return true;
  };
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t];
    if (expectOperand) {
      if (tok.t === 'num') values.push({ k: 'num', v: tok.v });
      else if (tok.t === 'ref') values.push({ k: 'ref', ref: tok.ref });
      else if (tok.t === 'name') {
        const next = tokens[t + 1];
        if (next?.t === 'open') {
          const fn = FUNCTIONS[foldToKey(tok.text)];
          if (!fn) return { code: 'formula.unknown-function', at: tok.at, text: tok.text };
          ops.push({ kind: 'open', fn, argc: 0, at: next.at });
          t++;
          // An empty call: f().
          if (tokens[t + 1]?.t === 'close') {
            t++;
            ops.pop();
            return { code: 'formula.arity', at: next.at, text: fn };
            expectOperand = false;
          }
          continue;
        }
        const folded = foldToKey(tok.text);
        if (folded === 'true' || folded === 'dung') values.push({ k: 'bool', v: true });
        else if (folded === 'false' || folded === 'sai') values.push({ k: 'bool', v: false });
        else {
          const ref = readNameRef(tok.text, ctx.names);
          if (!ref) return { code: 'formula.unknown-name', at: tok.at, text: tok.text };
          values.push({ k: 'ref', ref });
        }
      } else if (tok.t === 'open') {
        ops.push({ kind: 'open', fn: null, argc: 0, at: tok.at });
        continue;
      } else if (tok.t === 'op' && (tok.v === '-' || tok.v === '+')) {
        if (tok.v === '-') ops.push({ kind: 'neg' });
        continue;
      } else return syntax(tok.at);
      expectOperand = false;
      continue;
    }
    // After an operand: an operator, %, a separator or a closing parenthesis.
    if (tok.t === 'op' && tok.v === '%') {
      const e = values.pop()!;
      values.push({ k: 'pct', e });
      continue;
    }
    if (tok.t === 'op') {
      const op = tok.v as BinaryOp;
      const p = PRECEDENCE[op];
      // As in Excel: negation binds tightest (-2^2 = 4), and every operator groups left (2^3^2 = 64).
      while (ops.length) {
        const top = ops[ops.length - 1];
        if (top.kind === 'neg' || (top.kind === 'op' && PRECEDENCE[top.op] >= p)) {
          if (!reduce()) return syntax(tok.at);
        } else break;
      }
      ops.push({ kind: 'op', op });
      expectOperand = true;
      continue;
    }
    if (tok.t === 'sep' || tok.t === 'close') {
      while (ops.length && ops[ops.length - 1].kind !== 'open') if (!reduce()) return syntax(tok.at);
      const frame = ops[ops.length - 1];
      if (!frame || frame.kind !== 'open') return syntax(tok.at);
      if (tok.t === 'sep') {
        if (!frame.fn) return syntax(tok.at);
        frame.argc++;
        expectOperand = true;
        continue;
      }
      ops.pop();
      if (frame.fn) {
        const argc = frame.argc + 1;
        const args = values.splice(values.length - argc, argc);
        if (args.length !== argc) return syntax(tok.at);
        const [least, most] = ARITY[frame.fn];
        if (argc < least || argc > most) return { code: 'formula.arity', at: frame.at, text: frame.fn };
        values.push({ k: 'call', fn: frame.fn, args });
      }
      continue;
    }
    return syntax(tok.at);
  }
  if (expectOperand) return syntax(src.length);
  while (ops.length) {
    const top = ops[ops.length - 1];
    if (top.kind === 'open') return syntax(top.at);
    if (!reduce()) return syntax(src.length);
  }
  if (values.length !== 1) return syntax(0);
  return values[0];
}

// ---------------------------------------------------------------------------------------------
// Writing back

/**
 * How a formula is written: stored (ids, en numbers), shown to a user (names, their numbers), or
 * for a spreadsheet (each reference as the text `cell` gives, e.g. an A1 address; en numbers).
 */
export type FormulaStyle = { kind: 'stored' } | { kind: 'shown'; locale: NumberLocale; names: FormulaNames } | { kind: 'sheet'; cell: (ref: Ref) => string };

const BINARY_TEXT: Record<BinaryOp, string> = { '+': '+', '-': '-', '*': '*', '/': '/', '^': '^', '=': '=', '<>': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const REF_ERROR = '#REF!';

/**
 * The formula as text with its leading '=': stored (records by id, so the text survives renames
 * and moves), or shown (current codes and labels, the reader's decimal point; a deleted record
 * as #REF!). Parentheses only where precedence needs them. No recursion: an explicit stack.
 */
export function formatFormula(expr: Expr, style: FormulaStyle): string {
  const vi = style.kind === 'shown' && style.locale === 'vi';
  const sep = vi ? '; ' : ', ';
  type Job = { e: Expr; parentPrec: number; right: boolean } | { text: string };
  const out: string[] = [];
  const stack: Job[] = [{ e: expr, parentPrec: 0, right: false }];
  while (stack.length) {
    const job = stack.pop()!;
    if ('text' in job) {
      out.push(job.text);
      continue;
    }
    const e = job.e;
    switch (e.k) {
      case 'num': {
        const t = toDecimalText(e.v);
        out.push(vi ? t.replace('.', ',') : t);
        break;
      }
      case 'bool':
        out.push(e.v ? 'TRUE' : 'FALSE');
        break;
      case 'ref':
        out.push(style.kind === 'sheet' ? style.cell(e.ref) : refText(e.ref, style));
        break;
      case 'neg':
        out.push('-');
        stack.push({ e: e.e, parentPrec: 5, right: true });
        break;
      case 'pct':
        stack.push({ text: '%' });
        stack.push({ e: e.e, parentPrec: 6, right: false });
        break;
      case 'bin': {
        const p = PRECEDENCE[e.op];
        const paren = p < job.parentPrec || (p === job.parentPrec && job.right);
        if (paren) stack.push({ text: ')' });
        stack.push({ e: e.b, parentPrec: p, right: true });
        stack.push({ text: p === 1 || p === 2 ? ` ${BINARY_TEXT[e.op]} ` : BINARY_TEXT[e.op] });
        stack.push({ e: e.a, parentPrec: p, right: false });
        if (paren) out.push('(');
        break;
      }
      case 'call': {
        out.push(e.fn + '(');
        stack.push({ text: ')' });
        for (let a = e.args.length - 1; a >= 0; a--) {
          stack.push({ e: e.args[a], parentPrec: 0, right: false });
          if (a > 0) stack.push({ text: sep });
        }
        break;
      }
    }
  }
  return '=' + out.join('');
}

function refText(ref: Ref, style: Exclude<FormulaStyle, { kind: 'sheet' }>): string {
  const vi = style.kind === 'shown' && style.locale === 'vi';
  const fieldName = (f: LineRefField | ItemRefField) => (vi ? FIELD_TEXT_VI[f] : FIELD_TEXT[f]);
  const suffix = (f: LineRefField | ItemRefField) => (f === 'plan' ? '' : '.' + fieldName(f));
  if (ref.kind === 'self') return `[@${fieldName(ref.field)}]`;
  if (ref.kind === 'total') return (vi ? 'TONG' : 'TOTAL') + suffix(ref.field);
  if (style.kind === 'stored') return `[#${ref.kind}:${ref.id}]` + (ref.field === 'plan' ? '' : '.' + FIELD_TEXT[ref.field]);
  if (ref.kind === 'item') {
    const code = style.names.itemCode(ref.id);
    if (code === null) return REF_ERROR;
    const tail = suffix(ref.field);
    return (/^[\p{L}_][\p{L}\p{N}_.]*$/u.test(code) && !tail.includes(' ') ? code : `[${code}]`) + tail;
  }
  const names = style.names;
  const label = names.lineLabel(ref.id);
  const itemId = names.lineItem(ref.id);
  if (label === null || itemId === null) return REF_ERROR;
  // The shortest name that finds this one line again: its label, its item's code and label, else its id.
  const code = names.itemCode(itemId);
  const tail = suffix(ref.field);
  if (label.includes(']')) return `[#line:${ref.id}]` + tail;
  if (names.linesByLabel(label).length === 1 && !label.includes('/')) return `[${label}]` + tail;
  if (code !== null && !code.includes('/') && names.linesByLabel(label, itemId).length === 1) return `[${code} / ${label}]` + tail;
  return `[#line:${ref.id}]` + tail;
}

/** Every reference of a formula, in the order written. */
export function formulaRefs(expr: Expr): Ref[] {
  const out: Ref[] = [];
  const stack: Expr[] = [expr];
  while (stack.length) {
    const e = stack.pop()!;
    if (e.k === 'ref') out.push(e.ref);
    else if (e.k === 'neg' || e.k === 'pct') stack.push(e.e);
    else if (e.k === 'bin') stack.push(e.b, e.a);
    else if (e.k === 'call') for (let a = e.args.length - 1; a >= 0; a--) stack.push(e.args[a]);
  }
  return out;
}

/** Names that resolve nothing: for reading a stored formula, whose references are all ids. */
export const NO_NAMES: FormulaNames = {
  itemByCode: () => null,
  linesByLabel: () => [],
  lineItem: () => null,
  itemCode: () => null,
  lineLabel: () => null,
};

/** Reads a stored formula (as formatFormula wrote it with the 'stored' style). */
export function readStoredFormula(text: string): Result<ParsedFormula> {
  return parseFormula(text, { locale: 'en', names: NO_NAMES, hasSelf: true });
}

/** A stored formula with its line references renamed where `rename` gives a new id (the lines an
 * import's lines landed in); the same text when none changes. */
export function renameLineRefs(text: string, rename: (id: string) => string | undefined): string {
  return renameRecordRefs(text, (kind, id) => (kind === 'line' ? rename(id) : undefined));
}

/** A stored formula with its line and item references renamed where `rename` gives a new id (a
 * copied workbook's records); the same text when none changes. */
export function renameRecordRefs(text: string, rename: (kind: 'line' | 'item', id: string) => string | undefined): string {
  return text.replace(/\[#(line|item):([^\]]+)\]/g, (whole, kind: 'line' | 'item', id: string) => {
    const to = rename(kind, id);
    return to === undefined || to === id ? whole : `[#${kind}:${to}]`;
  });
}

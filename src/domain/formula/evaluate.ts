// A formula's value, exactly: rationals all the way (domain/formula/rational), errors as values
// (#REF! for a deleted record, #DIV/0!, #VALUE!), and one rounding into the cell at the end:
// an amount to whole đồng, a rate to hundredths of a percent, by the workbook's rounding rule.
// No recursion: the tree is compiled once into postfix code, run on an explicit stack of numbers
// (a rational as two safe integers while it fits, in BigInt past 2^53: the same value either way).

import type { AmountUnit } from '../model';
import type { Expr, Ref } from './parse';
import {
  add,
  addSmall,
  bigOf,
  compareSmall,
  divSmall,
  mulSmall,
  roundSmall,
  small,
  toSmall,
  type SmallRational,
  compare,
  div,
  fromInteger,
  fromNumber,
  isZero,
  mul,
  neg,
  power,
  ratio,
  roundTo,
  sub,
  toNumber,
  toSafeInteger,
  type Rational,
  type RoundingRule,
} from './rational';

/** What went wrong inside a formula, shown in its cell (Excel's spelling) and explained in words. */
export type FormulaErrorKind = 'ref' | 'div-zero' | 'value' | 'cycle' | 'num';
export interface FormulaError {
  error: FormulaErrorKind;
}
export type FormulaValue = Rational | boolean | FormulaError;

export const isFormulaError = (v: FormulaValue): v is FormulaError => typeof v === 'object' && 'error' in v;
const err = (error: FormulaErrorKind): FormulaError => ({ error });

/** The text a cell shows for an error, as spreadsheets write it. */
export const ERROR_TEXT: Record<FormulaErrorKind, string> = { ref: '#REF!', 'div-zero': '#DIV/0!', value: '#VALUE!', cycle: '#CYCLE!', num: '#NUM!' };

/** A reference's value: a number in the formula's terms (amounts in its unit, rates as fractions), or an error. */
export type RefReader = (ref: Ref) => Rational | FormulaError;

const HUNDRED = fromInteger(100);

function asNumber(v: FormulaValue): Rational | FormulaError {
  if (typeof v === 'boolean') return fromInteger(v ? 1 : 0);
  return v;
}
function asBool(v: FormulaValue): boolean | FormulaError {
  if (typeof v === 'boolean') return v;
  if (isFormulaError(v)) return v;
  return !isZero(v);
}

/** A formula as postfix code: what evaluation walks (built once per formula text, shared by every cell using it). */
type Op =
  // A constant, with its parts as numbers when both are safe integers (n NaN otherwise).
  | { k: 'push'; v: FormulaValue; n: number; d: number }
  | { k: 'ref'; ref: Ref }
  | { k: 'neg' | 'pct' }
  | { k: 'bin'; op: Extract<Expr, { k: 'bin' }>['op'] }
  | { k: 'call'; fn: Extract<Expr, { k: 'call' }>['fn']; argc: number };

const compiled = new WeakMap<Expr, Op[]>();

function pushOp(v: FormulaValue): Op {
  const fast = typeof v === 'object' && !isFormulaError(v) && toSmall(v);
  return { k: 'push', v, n: fast ? small.n : NaN, d: fast ? small.d : NaN };
}

// The last formula compiled: a column formula's cells all run the same code, found without a WeakMap look-up.
let lastExpr: Expr | null = null;
let lastCode: Op[] = [];

/** The postfix code of a formula, constant parts computed once (2398*60% is one number). */
function compile(expr: Expr): Op[] {
  if (expr === lastExpr) return lastCode;
  const code = compileOnce(expr);
  lastExpr = expr;
  lastCode = code;
  return code;
}

function compileOnce(expr: Expr): Op[] {
  const known = compiled.get(expr);
  if (known) return known;
  const code: Op[] = [];
  // Post-order without recursion: each job is either "visit" (push children) or "emit".
  const jobs: { e: Expr; visited: boolean }[] = [{ e: expr, visited: false }];
  while (jobs.length) {
    const { e, visited } = jobs.pop()!;
    if (e.k === 'num' || e.k === 'bool') {
      code.push(pushOp(e.v));
      continue;
    }
    if (e.k === 'ref') {
      code.push({ k: 'ref', ref: e.ref });
      continue;
    }
    if (!visited) {
      jobs.push({ e, visited: true });
      const kids = e.k === 'bin' ? [e.a, e.b] : e.k === 'call' ? e.args : [e.e];
      for (let a = kids.length - 1; a >= 0; a--) jobs.push({ e: kids[a], visited: false });
      continue;
    }
    const op: Op = e.k === 'bin' ? { k: 'bin', op: e.op } : e.k === 'call' ? { k: 'call', fn: e.fn, argc: e.args.length } : { k: e.k };
    const argc = op.k === 'bin' ? 2 : op.k === 'call' ? op.argc : 1;
    // Fold an operation on constants into its value (in BigInt: what the fast path is checked against).
    const tail = code.slice(code.length - argc);
    if (tail.length === argc && tail.every((o) => o.k === 'push')) {
      code.length -= argc;
      const base = sp;
      run([...tail, op], () => ({ error: 'ref' }), false);
      code.push(pushOp(valueAt(base)));
      sp = base;
    } else code.push(op);
  }
  compiled.set(expr, code);
  return code;
}

// The value stack, shared by every evaluation (one at a time, or nested above another's top):
// per slot a tag, the two safe integers of a small value (a boolean: 1 or 0 over 1), and a BigInt
// rational or an error in `slotValue`.
const SMALL = 0;
const BIG = 1;
const BOOL = 2;
const ERROR = 3;
// Typed arrays: numbers stay unboxed doubles whatever they hold. Grown (never shrunk) so a run
// has a slot for every op of its code above its base.
let tag = new Uint8Array(64);
let num = new Float64Array(64);
let den = new Float64Array(64);
const slotValue: (Rational | FormulaError | null)[] = [];
let sp = 0;

function reserve(slots: number): void {
  if (sp + slots <= tag.length) return;
  const size = Math.max(2 * tag.length, sp + slots);
  const t = new Uint8Array(size);
  const n = new Float64Array(size);
  const d = new Float64Array(size);
  t.set(tag);
  n.set(num);
  d.set(den);
  tag = t;
  num = n;
  den = d;
}

function setSmall(i: number, n: number, d: number): void {
  tag[i] = SMALL;
  num[i] = n;
  den[i] = d;
}
function setBool(i: number, b: boolean): void {
  tag[i] = BOOL;
  num[i] = b ? 1 : 0;
  den[i] = 1;
}
/** Puts a value in slot i: a rational as two numbers when `fast` and it fits. */
function setValue(i: number, v: FormulaValue, fast: boolean): void {
  if (typeof v === 'boolean') setBool(i, v);
  else if (isFormulaError(v)) {
    tag[i] = ERROR;
    slotValue[i] = v;
  } else if (fast && toSmall(v)) setSmall(i, small.n, small.d);
  else {
    tag[i] = BIG;
    slotValue[i] = v;
  }
}
function copySlot(to: number, from: number): void {
  tag[to] = tag[from];
  num[to] = num[from];
  den[to] = den[from];
  slotValue[to] = slotValue[from];
}
/** The value in slot i as a formula value (a rational in BigInt). */
function valueAt(i: number): FormulaValue {
  const t = tag[i];
  return t === SMALL ? bigOf(num[i], den[i]) : t === BOOL ? num[i] !== 0 : slotValue[i]!;
}
/** Slot i as a number (a boolean is 1 or 0) in BigInt; i must not hold an error. */
function bigAt(i: number): Rational {
  return tag[i] === BIG ? (slotValue[i] as Rational) : bigOf(num[i], den[i]);
}

/**
 * A reference's value for evaluation: either written into `out` as two safe integers (then null is
 * returned: no allocation), or returned (a BigInt rational or an error).
 */
export type OperandReader = (ref: Ref, out: SmallRational) => Rational | FormulaError | null;

/**
 * Runs postfix code, leaving its value in one more slot on the stack. With `fast`, rationals are
 * two numbers while they fit and BigInt after; without, BigInt throughout (what the fast path must equal).
 */
function run(code: readonly Op[], read: OperandReader, fast: boolean): void {
  reserve(code.length);
  for (let c = 0; c < code.length; c++) {
    const op = code[c];
    switch (op.k) {
      case 'push':
        if (fast && op.n === op.n) setSmall(sp++, op.n, op.d);
        else setValue(sp++, op.v, false);
        break;
      case 'ref': {
        const v = read(op.ref, small);
        if (v === null) {
          if (fast) setSmall(sp++, small.n, small.d);
          else setValue(sp++, bigOf(small.n, small.d), false);
        } else setValue(sp++, v, fast);
        break;
      }
      case 'neg':
      case 'pct': {
        const i = sp - 1;
        const t = tag[i];
        if (t === ERROR) break;
        if (fast && t !== BIG) {
          if (op.k === 'neg') {
            setSmall(i, 0 - num[i], den[i]);
            break;
          }
          const d = den[i] * 100;
          if (d <= MAX_SAFE) {
            setSmall(i, num[i], d);
            break;
          }
        }
        const x = bigAt(i);
        setValue(i, op.k === 'neg' ? neg(x) : div(x, HUNDRED)!, false);
        break;
      }
      case 'bin': {
        const b = --sp;
        const a = b - 1;
        if (tag[a] === ERROR) break;
        if (tag[b] === ERROR) {
          copySlot(a, b);
          break;
        }
        if (fast && tag[a] !== BIG && tag[b] !== BIG && binarySmall(op.op, a, b)) break;
        setValue(a, applyBinary(op.op, bigAt(a), bigAt(b)), fast);
        break;
      }
      case 'call': {
        const base = sp - op.argc;
        if (!(fast && callSmall(op.fn, base, sp))) {
          const args: FormulaValue[] = [];
          for (let i = base; i < sp; i++) args.push(valueAt(i));
          setValue(base, applyFunction(op.fn, args), fast);
        }
        sp = base + 1;
        break;
      }
    }
  }
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** A binary operation on the small values in slots a and b, into slot a; false when it does not fit. */
function binarySmall(op: Extract<Expr, { k: 'bin' }>['op'], a: number, b: number): boolean {
  const an = num[a];
  const ad = den[a];
  const bn = num[b];
  const bd = den[b];
  switch (op) {
    case '+':
      if (!addSmall(an, ad, bn, bd)) return false;
      break;
    case '-':
      if (!addSmall(an, ad, 0 - bn, bd)) return false;
      break;
    case '*':
      if (!mulSmall(an, ad, bn, bd)) return false;
      break;
    case '/':
      if (bn === 0) {
        tag[a] = ERROR;
        slotValue[a] = err('div-zero');
        return true;
      }
      if (!divSmall(an, ad, bn, bd)) return false;
      break;
    case '^':
      return false;
    default: {
      const c = compareSmall(an, ad, bn, bd);
      if (c !== c) return false;
      setBool(a, op === '=' ? c === 0 : op === '<>' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0);
      return true;
    }
  }
  setSmall(a, small.n, small.d);
  return true;
}

/** A function on slots base…top−1 into slot base, on small values; false to do it in BigInt. */
function callSmall(fn: Extract<Expr, { k: 'call' }>['fn'], base: number, top: number): boolean {
  if (fn === 'IF') {
    const t = tag[base];
    if (t === BIG) return false;
    if (t === ERROR) return true;
    if (num[base] !== 0) copySlot(base, base + 1);
    else if (top - base > 2) copySlot(base, base + 2);
    else setBool(base, false);
    return true;
  }
  // The first error among the arguments is the result; a big one is left to BigInt.
  for (let i = base; i < top; i++) {
    if (tag[i] === ERROR) {
      copySlot(base, i);
      return true;
    }
    if (tag[i] === BIG) return false;
  }
  switch (fn) {
    case 'AND':
    case 'OR':
    case 'NOT': {
      let all = true;
      let any = false;
      for (let i = base; i < top; i++) {
        if (num[i] !== 0) any = true;
        else all = false;
      }
      setBool(base, fn === 'NOT' ? num[base] === 0 : fn === 'AND' ? all : any);
      return true;
    }
    case 'SUM': {
      let n = 0;
      let d = 1;
      for (let i = base; i < top; i++) {
        if (!addSmall(n, d, num[i], den[i])) return false;
        n = small.n;
        d = small.d;
      }
      setSmall(base, n, d);
      return true;
    }
    case 'MIN':
    case 'MAX': {
      if (top === base) return false;
      let m = base;
      for (let i = base + 1; i < top; i++) {
        const c = compareSmall(num[i], den[i], num[m], den[m]);
        if (c !== c) return false;
        if (fn === 'MIN' ? c < 0 : c > 0) m = i;
      }
      // A boolean chosen is the number it stands for.
      setSmall(base, num[m], den[m]);
      return true;
    }
    case 'ABS':
      setSmall(base, num[base] < 0 ? 0 - num[base] : num[base], den[base]);
      return true;
    case 'ROUND':
    case 'ROUNDUP':
    case 'ROUNDDOWN': {
      let places = 0;
      if (top - base > 1) {
        const r = num[base + 1] % den[base + 1];
        places = (num[base + 1] - r) / den[base + 1];
      }
      if (Math.abs(places) > 30) {
        tag[base] = ERROR;
        slotValue[base] = err('num');
        return true;
      }
      if (Math.abs(places) > 15) return false;
      const scale = 10 ** Math.abs(places);
      const rule: RoundingRule = fn === 'ROUND' ? 'half-away-from-zero' : fn === 'ROUNDUP' ? 'up' : 'down';
      if (places >= 0) {
        const q = roundSmall(num[base], den[base], scale, rule);
        if (q !== q) return false;
        setSmall(base, q, scale);
        return true;
      }
      // To tens, hundreds…: the value over the scale rounded, times the scale.
      const d = den[base] * scale;
      if (d > MAX_SAFE) return false;
      const q = roundSmall(num[base], d, 1, rule) * scale;
      if (!(q <= MAX_SAFE && q >= -MAX_SAFE)) return false;
      setSmall(base, q, 1);
      return true;
    }
  }
  return false;
}

/** Evaluates a formula tree against the values its references read. Never throws on data. */
export function evaluateFormula(expr: Expr, read: RefReader, arithmetic: 'fast' | 'bigint' = 'fast'): FormulaValue {
  const base = sp;
  try {
    run(compile(expr), read, arithmetic === 'fast');
    return valueAt(base);
  } finally {
    sp = base;
  }
}

/**
 * A formula's value as its cell stores it (cellValueOf of evaluateFormula, the same to the last
 * digit), on two safe integers wherever they hold the figures and in BigInt elsewhere: the number,
 * or why it cannot be stored (no object made per cell).
 */
export function evaluateIntoCell(expr: Expr, read: OperandReader, kind: CellKind, unit: AmountUnit, rule: RoundingRule = 'half-away-from-zero'): number | CellError {
  const base = sp;
  try {
    run(compile(expr), read, true);
  } finally {
    sp = base;
  }
  const t = tag[base];
  if (t === SMALL) {
    if (kind === 'rate') {
      // Percent with two decimals: the fraction times 10 000, rounded, over 100 (as toNumber reads it).
      const q = roundSmall(num[base], den[base], 10_000, rule);
      if (q === q) {
        const r = q % 100;
        return (q - r) / 100 + r / 100;
      }
    } else {
      const q = roundSmall(num[base], den[base], kind === 'amount' ? UNIT_SCALE_NUMBER[unit] : 1, rule);
      if (q === q) return Number.isSafeInteger(q) ? q : 'too-large';
    }
  } else if (t === ERROR) return (slotValue[base] as FormulaError).error;
  else if (t === BOOL) return 'not-a-number';
  const out = cellValueOf(valueAt(base), kind, unit, rule);
  return out.ok ? out.value : out.error;
}

function applyBinary(op: Extract<Expr, { k: 'bin' }>['op'], av: FormulaValue, bv: FormulaValue): FormulaValue {
  const a = asNumber(av);
  const b = asNumber(bv);
  if (isFormulaError(a)) return a;
  if (isFormulaError(b)) return b;
  switch (op) {
    case '+':
      return add(a, b);
    case '-':
      return sub(a, b);
    case '*':
      return mul(a, b);
    case '/':
      return div(a, b) ?? err('div-zero');
    case '^':
      return power(a, b) ?? err('num');
    case '=':
      return compare(a, b) === 0;
    case '<>':
      return compare(a, b) !== 0;
    case '<':
      return compare(a, b) < 0;
    case '<=':
      return compare(a, b) <= 0;
    case '>':
      return compare(a, b) > 0;
    case '>=':
      return compare(a, b) >= 0;
  }
}

function applyFunction(fn: Extract<Expr, { k: 'call' }>['fn'], args: FormulaValue[]): FormulaValue {
  if (fn === 'IF') {
    const c = asBool(args[0]);
    if (isFormulaError(c)) return c;
    return c ? args[1] : args.length > 2 ? args[2] : false;
  }
  if (fn === 'AND' || fn === 'OR' || fn === 'NOT') {
    const bools: boolean[] = [];
    for (const a of args) {
      const b = asBool(a);
      if (isFormulaError(b)) return b;
      bools.push(b);
    }
    return fn === 'NOT' ? !bools[0] : fn === 'AND' ? bools.every(Boolean) : bools.some(Boolean);
  }
  const nums: Rational[] = [];
  for (const a of args) {
    const x = asNumber(a);
    if (isFormulaError(x)) return x;
    nums.push(x);
  }
  switch (fn) {
    case 'SUM':
      return nums.reduce(add, fromInteger(0));
    case 'MIN':
      return nums.reduce((m, x) => (compare(x, m) < 0 ? x : m));
    case 'MAX':
      return nums.reduce((m, x) => (compare(x, m) > 0 ? x : m));
    case 'ABS':
      return nums[0].n < 0n ? neg(nums[0]) : nums[0];
    case 'ROUND':
    case 'ROUNDUP':
    case 'ROUNDDOWN': {
      const places = nums.length > 1 ? toSafeInteger(roundTo(nums[1], 0, 'down')) : 0;
      if (places === undefined || Math.abs(places) > 30) return err('num');
      const rule: RoundingRule = fn === 'ROUND' ? 'half-away-from-zero' : fn === 'ROUNDUP' ? 'up' : 'down';
      return roundTo(nums[0], places, rule);
    }
  }
}

/** How a cell holds the number a formula gives it. */
export type CellKind = 'amount' | 'rate' | 'count';

/** A formula's result as its cell stores it, or why it cannot be stored. */
export type CellResult = { ok: true; value: number } | { ok: false; error: CellError };
/** Why a formula's result cannot be stored in its cell. */
export type CellError = FormulaErrorKind | 'not-a-number' | 'too-large';

/**
 * The value a formula's cell stores: an amount in whole đồng (the result is in the unit the
 * formula was typed in, and is rounded once, by `rule`), a rate in percent with two decimals (the
 * result is a fraction: 60% → 60), a count as a whole number.
 */
export function cellValueOf(v: FormulaValue, kind: CellKind, unit: AmountUnit, rule: RoundingRule = 'half-away-from-zero'): CellResult {
  if (isFormulaError(v)) return { ok: false, error: v.error };
  if (typeof v === 'boolean') return { ok: false, error: 'not-a-number' };
  if (kind === 'rate') return { ok: true, value: toNumber(roundTo(mul(v, HUNDRED), 2, rule)) };
  const scaled = kind === 'amount' ? mul(v, ratio(UNIT_SCALE[unit])) : v;
  const whole = toSafeInteger(roundTo(scaled, 0, rule));
  return whole === undefined ? { ok: false, error: 'too-large' } : { ok: true, value: whole };
}

/** An amount in đồng as a formula reads it in `unit` (exact: 1 234 567 đ in triệu is 1,234567). */
export function amountInUnit(dong: number, unit: AmountUnit): Rational {
  return ratio(BigInt(dong), UNIT_SCALE[unit]);
}
const UNIT_SCALE: Record<AmountUnit, bigint> = { dong: 1n, nghin: 1000n, trieu: 1_000_000n, ty: 1_000_000_000n };
const UNIT_SCALE_NUMBER: Record<AmountUnit, number> = { dong: 1, nghin: 1000, trieu: 1_000_000, ty: 1_000_000_000 };

/** A rate in percent as a formula reads it: a fraction (60 → 0,6); undefined when there is none. */
export function rateAsFraction(percent: number | null): Rational | undefined {
  if (percent === null) return undefined;
  const r = fromNumber(percent);
  return r && div(r, HUNDRED);
}

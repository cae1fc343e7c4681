// A formula's value, exactly: rationals all the way (domain/formula/rational), errors as values
// (#REF! for a deleted record, #DIV/0!, #VALUE!), and one rounding into the cell at the end:
// an amount to whole đồng, a rate to hundredths of a percent, by the workbook's rounding rule.
// No recursion: the tree is walked with an explicit stack.

import type { AmountUnit } from '../model';
import type { Expr, Ref } from './parse';
import {
  add,
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
  | { k: 'push'; v: FormulaValue }
  | { k: 'ref'; ref: Ref }
  | { k: 'neg' | 'pct' }
  | { k: 'bin'; op: Extract<Expr, { k: 'bin' }>['op'] }
  | { k: 'call'; fn: Extract<Expr, { k: 'call' }>['fn']; argc: number };

const compiled = new WeakMap<Expr, Op[]>();

/** The postfix code of a formula, constant parts computed once (2398*60% is one number). */
function compile(expr: Expr): Op[] {
  const known = compiled.get(expr);
  if (known) return known;
  const code: Op[] = [];
  // Post-order without recursion: each job is either "visit" (push children) or "emit".
  const jobs: { e: Expr; visited: boolean }[] = [{ e: expr, visited: false }];
  while (jobs.length) {
    const { e, visited } = jobs.pop()!;
    if (e.k === 'num' || e.k === 'bool') {
      code.push({ k: 'push', v: e.v });
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
    // Fold an operation on constants into its value.
    const tail = code.slice(code.length - argc);
    if (tail.length === argc && tail.every((o) => o.k === 'push')) {
      code.length -= argc;
      code.push({ k: 'push', v: run([...tail, op], () => ({ error: 'ref' })) });
    } else code.push(op);
  }
  compiled.set(expr, code);
  return code;
}

function run(code: readonly Op[], read: RefReader): FormulaValue {
  const stack: FormulaValue[] = [];
  for (const op of code) {
    switch (op.k) {
      case 'push':
        stack.push(op.v);
        break;
      case 'ref':
        stack.push(read(op.ref));
        break;
      case 'neg':
      case 'pct': {
        const x = asNumber(stack.pop()!);
        stack.push(isFormulaError(x) ? x : op.k === 'neg' ? neg(x) : div(x, HUNDRED)!);
        break;
      }
      case 'bin': {
        const b = stack.pop()!;
        const a = stack.pop()!;
        stack.push(applyBinary(op.op, a, b));
        break;
      }
      case 'call':
        stack.push(applyFunction(op.fn, stack.splice(stack.length - op.argc, op.argc)));
        break;
    }
  }
  return stack[0];
}

/** Evaluates a formula tree against the values its references read. Never throws on data. */
export function evaluateFormula(expr: Expr, read: RefReader): FormulaValue {
  return run(compile(expr), read);
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
export type CellResult = { ok: true; value: number } | { ok: false; error: FormulaErrorKind | 'not-a-number' | 'too-large' };

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

/** A rate in percent as a formula reads it: a fraction (60 → 0,6); undefined when there is none. */
export function rateAsFraction(percent: number | null): Rational | undefined {
  if (percent === null) return undefined;
  const r = fromNumber(percent);
  return r && div(r, HUNDRED);
}

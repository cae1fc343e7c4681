// Exact rational numbers for formulas on money: a numerator and a positive denominator in BigInt,
// reduced to lowest terms only once the denominator grows past 2^64 (a gcd per operation would
// cost more than the formula), and wherever digits are written. 0,1 + 0,2 is 3/10, never 0.30000000000000004; a result becomes a number
// of đồng once, when it is written into its cell, by one rounding rule (roundTo).
// A fast path does the same arithmetic on two safe integers (numbers, |x| < 2^53) while every
// product and sum fits (a double holding an integer below 2^53 is exact, and one that would pass
// it is seen as at least 2^53), and says so when one does not: the caller then does it in BigInt.

import type { RoundingRule } from '../model';
export type { RoundingRule };

export interface Rational {
  /** Numerator; carries the sign. */
  readonly n: bigint;
  /** Denominator, > 0. */
  readonly d: bigint;
}

const ONE = 1n;
export const ZERO: Rational = { n: 0n, d: ONE };

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

const LARGE = 1n << 64n;

/** The rational n/d with a positive denominator (d must not be 0), reduced when the denominator is large. */
export function ratio(n: bigint, d: bigint = ONE): Rational {
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  return d > LARGE ? reduce({ n, d }) : { n, d };
}

/** a in lowest terms. */
export function reduce(a: Rational): Rational {
  if (a.d === ONE) return a;
  const g = gcd(a.n, a.d);
  return g === ONE || g === 0n ? a : { n: a.n / g, d: a.d / g };
}

/** An integer (a safe integer number) as a rational. */
export function fromInteger(v: number): Rational {
  return { n: BigInt(v), d: ONE };
}

/**
 * A finite number as the exact decimal it prints as (0.1 → 1/10, not the binary double nearest
 * it): what a user typed and the app stored. Undefined for NaN and infinities.
 */
export function fromNumber(v: number): Rational | undefined {
  if (!Number.isFinite(v)) return undefined;
  if (Number.isSafeInteger(v)) return fromInteger(v);
  return fromDecimal(String(v));
}

/** A decimal written with '.' and an optional exponent ("12.5", "-3", "1e-7"); undefined if not one. */
export function fromDecimal(text: string): Rational | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const frac = m[3] ?? '';
  const exp = Number(m[4] ?? 0) - frac.length;
  if (Math.abs(exp) > 400) return undefined;
  let n = BigInt((m[2] || '0') + frac);
  if (m[1] === '-') n = -n;
  let d = ONE;
  if (exp >= 0) n *= 10n ** BigInt(exp);
  else d = 10n ** BigInt(-exp);
  return ratio(n, d);
}

export const add = (a: Rational, b: Rational): Rational => (a.d === b.d ? ratio(a.n + b.n, a.d) : ratio(a.n * b.d + b.n * a.d, a.d * b.d));
export const sub = (a: Rational, b: Rational): Rational => add(a, neg(b));
export const mul = (a: Rational, b: Rational): Rational => ratio(a.n * b.n, a.d * b.d);
export const neg = (a: Rational): Rational => ({ n: -a.n, d: a.d });
/** a / b; undefined when b is zero. */
export const div = (a: Rational, b: Rational): Rational | undefined => (b.n === 0n ? undefined : ratio(a.n * b.d, a.d * b.n));
/** −1, 0 or 1 as a is below, equal to or above b. */
export const compare = (a: Rational, b: Rational): number => {
  const x = a.n * b.d;
  const y = b.n * a.d;
  return x < y ? -1 : x > y ? 1 : 0;
};
export const isZero = (a: Rational): boolean => a.n === 0n;

/** a raised to a whole power (negative powers invert); undefined for 0 to a negative power or a power past 1 000. */
export function power(a: Rational, e: Rational): Rational | undefined {
  e = reduce(e);
  if (e.d !== ONE || e.n > 1000n || e.n < -1000n) return undefined;
  const k = e.n < 0n ? -e.n : e.n;
  const r = ratio(a.n ** k, a.d ** k);
  return e.n < 0n ? div({ n: ONE, d: ONE }, r) : r;
}

/** 10^decimals as a rational, by decimals + 8 (−8 to 24 kept: a rate rounds to 4 places 100 000 times a column). */
const SCALES: (Rational | undefined)[] = [];

/**
 * a rounded to `decimals` decimal places (negative: to tens, hundreds…) by the rule: half away
 * from zero unless another is chosen; "up" and "down" are away from and towards zero (as Excel's
 * ROUNDUP and ROUNDDOWN). Exact.
 */
export function roundTo(a: Rational, decimals = 0, rule: RoundingRule = 'half-away-from-zero'): Rational {
  const kept = decimals >= -8 && decimals <= 24;
  const scale = (kept && SCALES[decimals + 8]) || (decimals >= 0 ? ratio(10n ** BigInt(decimals)) : ratio(ONE, 10n ** BigInt(-decimals)));
  if (kept) SCALES[decimals + 8] = scale;
  const x = mul(a, scale);
  const negative = x.n < 0n;
  const absN = negative ? -x.n : x.n;
  let q = absN / x.d;
  const r = absN - q * x.d;
  if (r !== 0n) {
    const twice = 2n * r;
    if (rule === 'up') q += ONE;
    else if (rule === 'half-away-from-zero' && twice >= x.d) q += ONE;
    else if (rule === 'half-even' && (twice > x.d || (twice === x.d && q % 2n === ONE))) q += ONE;
  }
  return div(ratio(negative ? -q : q), scale)!;
}

/** The nearest double (for display and for columns that hold doubles). */
export function toNumber(a: Rational): number {
  if (a.d === ONE) return Number(a.n);
  const i = a.n / a.d;
  const r = a.n - i * a.d;
  return Number(i) + Number(r) / Number(a.d);
}

/** The whole number a is, when it is one and safe as a double; undefined otherwise. */
export function toSafeInteger(a: Rational): number | undefined {
  if (a.n % a.d !== 0n) return undefined;
  const q = a.n / a.d;
  const v = Number(q);
  return Number.isSafeInteger(v) && BigInt(v) === q ? v : undefined;
}

/** The exact decimal text of a (en digits, '.' for the point) when its denominator has only 2s and 5s, else up to `max` digits, rounded. */
export function toDecimalText(a: Rational, max = 12): string {
  a = reduce(a);
  let d = a.d;
  // Only 2s and 5s in the denominator: the decimal ends after as many places as there are of the more numerous.
  let twos = 0;
  let fives = 0;
  for (; d % 2n === 0n; d /= 2n) twos++;
  for (; d % 5n === 0n; d /= 5n) fives++;
  const places = Math.max(twos, fives);
  const digits = d === ONE ? places : max;
  const r = roundTo(a, digits);
  const negative = r.n < 0n;
  const scaled = ((negative ? -r.n : r.n) * 10n ** BigInt(digits)) / r.d;
  let s = scaled.toString().padStart(digits + 1, '0');
  if (digits > 0) s = `${s.slice(0, -digits)}.${s.slice(-digits)}`.replace(/\.?0+$/, '');
  return (negative && s !== '0' ? '-' : '') + s;
}

// ---- The fast path: n/d in two safe integers (d > 0), results written into `small`. ----

/** A rational in two safe integers (d > 0): what the fast path computes on. */
export interface SmallRational {
  n: number;
  d: number;
}

/** Where the fast operations write their result (one object for all: no allocation per operation). */
export const small: SmallRational = { n: 0, d: 1 };

const MAX = Number.MAX_SAFE_INTEGER;
const MAX_BIG = BigInt(MAX);

/** Whether x is a safe integer: a product or sum of safe integers that passed 2^53 is seen here as at least 2^53. */
const fits = (x: number): boolean => x <= MAX && x >= -MAX;

function gcdSmall(a: number, b: number): number {
  if (a < 0) a = -a;
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** a/b + c/d into `small`; false when a part would not be a safe integer (then add in BigInt). */
export function addSmall(a: number, b: number, c: number, d: number): boolean {
  if (b === d) {
    const n = a + c;
    if (!fits(n)) return false;
    small.n = n;
    small.d = b;
    return true;
  }
  let x = a * d;
  let y = c * b;
  let den = b * d;
  if (!fits(x) || !fits(y) || !fits(den)) {
    // Over the least common denominator instead.
    const g = gcdSmall(b, d);
    if (g === 1) return false;
    x = a * (d / g);
    y = c * (b / g);
    den = b * (d / g);
    if (!fits(x) || !fits(y) || !fits(den)) return false;
  }
  const n = x + y;
  if (!fits(n)) return false;
  small.n = n;
  small.d = den;
  return true;
}

/** (a/b)·(c/d) into `small` (d > 0); false when it does not fit (then multiply in BigInt). */
export function mulSmall(a: number, b: number, c: number, d: number): boolean {
  let n = a * c;
  let den = b * d;
  if (!fits(n) || !fits(den)) {
    // Cross-cancelled first (b, d > 0: neither gcd is 0).
    const g = gcdSmall(a, d);
    const h = gcdSmall(c, b);
    n = (a / g) * (c / h);
    den = (b / h) * (d / g);
    if (!fits(n) || !fits(den)) return false;
  }
  small.n = n;
  small.d = den;
  return true;
}

/** (a/b) / (c/d) into `small` for c ≠ 0; false when it does not fit. */
export function divSmall(a: number, b: number, c: number, d: number): boolean {
  if (b === d) {
    // Same denominator (amounts in one unit): a/c.
    small.n = c < 0 ? 0 - a : a;
    small.d = c < 0 ? -c : c;
    return true;
  }
  return c < 0 ? mulSmall(a, b, -d, -c) : mulSmall(a, b, d, c);
}

/** −1, 0 or 1 as a/b is below, equal to or above c/d; NaN when the cross products do not fit. */
export function compareSmall(a: number, b: number, c: number, d: number): number {
  if (b === d) return a < c ? -1 : a > c ? 1 : 0;
  const x = a * d;
  const y = c * b;
  if (!fits(x) || !fits(y)) return NaN;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * (a/b)·s rounded to a whole number by the rule, as roundTo(…, 0, rule) gives it (s > 0, a safe
 * integer: 10^k for k places, a unit's scale); NaN when it does not fit (then round in BigInt).
 * Never −0.
 */
export function roundSmall(a: number, b: number, s: number, rule: RoundingRule): number {
  const negative = a < 0;
  let num = negative ? -a : a;
  let den = b;
  if (s !== 1) {
    if (den % s === 0) den /= s;
    else {
      const g = gcdSmall(s, den);
      num *= s / g;
      den /= g;
      if (!fits(num)) return NaN;
    }
  }
  const r = num % den;
  let q = (num - r) / den;
  if (r !== 0) {
    const twice = 2 * r;
    if (rule === 'up') q += 1;
    else if (rule === 'half-away-from-zero' && twice >= den) q += 1;
    else if (rule === 'half-even' && (twice > den || (twice === den && q % 2 === 1))) q += 1;
  }
  return negative ? 0 - q : q;
}

/** A safe-integer n/d as a BigInt rational. */
export const bigOf = (n: number, d: number): Rational => ({ n: BigInt(n), d: BigInt(d) });

/** a in `small` when both its parts are safe integers; false otherwise. */
export function toSmall(a: Rational): boolean {
  if (a.n > MAX_BIG || a.n < -MAX_BIG || a.d > MAX_BIG) return false;
  small.n = Number(a.n);
  small.d = Number(a.d);
  return true;
}

/**
 * A finite number as the exact decimal it prints as (fromNumber), in `small` when it fits there;
 * false otherwise (then use fromNumber).
 */
export function fromNumberSmall(v: number): boolean {
  if (Number.isSafeInteger(v)) {
    small.n = v;
    small.d = 1;
    return true;
  }
  if (!Number.isFinite(v)) return false;
  const text = String(v);
  const dot = text.indexOf('.');
  if (dot < 0 || text.includes('e')) return false;
  const places = text.length - dot - 1;
  if (places > 15) return false;
  const n = Number(text.slice(0, dot) + text.slice(dot + 1));
  if (!Number.isSafeInteger(n)) return false;
  small.n = n;
  small.d = 10 ** places;
  return true;
}

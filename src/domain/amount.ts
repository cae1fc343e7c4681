// Numbers as users write and read them: the ONE module that parses and formats money, rates and
// dates. Money is an integer number of đồng; display units (đồng, nghìn, triệu, tỷ) only move the
// decimal mark, so scaling is done on digit strings with BigInt, never with float multiplication.
// Locale rules (DOMAIN.md): vi writes 1.234,5 and en writes 1,234.5; a lone mark followed by exactly
// three digits ("1.234") is ambiguous and is read by the locale, with `ambiguous: true` reported.

import type { AmountUnit, NumberLocale, Result } from './model';
import { fail, ok } from './model';
import { foldForMatch, normalizeText } from './text';

/** Power of ten from each display unit to đồng. */
export const UNIT_EXPONENT: Record<AmountUnit, number> = { dong: 0, nghin: 3, trieu: 6, ty: 9 };

export interface ParsedAmount {
  /** Integer đồng (0 when blank). */
  value: number;
  /** The cell was empty or a dash. */
  blank: boolean;
  /** The unit written in the text, which overrode the cell's display unit; null if none. */
  unitFromText: AmountUnit | null;
  /** A lone '.' or ',' followed by three digits was read by the locale's convention. */
  ambiguous: boolean;
}

export interface ParsedRate {
  /** Percent: 80 means 80 % (0 when blank). */
  value: number;
  blank: boolean;
  ambiguous: boolean;
}

// ---------------------------------------------------------------------------------------------
// Reading decimals

/** Digits of an unsigned decimal number, as read from text. */
interface DecimalDigits {
  /** Integer digits without grouping, no leading zeros ("0" for zero). */
  int: string;
  /** Fraction digits, trailing zeros removed (may be ""). */
  frac: string;
  ambiguous: boolean;
}

const GROUPED = {
  '.': /^\d{1,3}(?:\.\d{3})*$/,
  ',': /^\d{1,3}(?:,\d{3})*$/,
  ' ': /^\d{1,3}(?: \d{3})*$/,
} as const;

const count = (s: string, c: string): number => s.split(c).length - 1;

/** Reads an unsigned decimal written with '.', ',' and spaces (already normalised) by the rules
 * in the module header; null if it is not one. Shared by amounts and rates. */
function readDecimal(s: string, locale: NumberLocale): DecimalDigits | null {
  if (!/^[\d., ]+$/.test(s) || !/\d/.test(s)) return null;
  const dots = count(s, '.');
  const commas = count(s, ',');
  const hasSpace = s.includes(' ');
  let decimalMark: '.' | ',' | null = null;
  let groupMark: '.' | ',' | ' ' | null = hasSpace ? ' ' : null;
  let ambiguous = false;

  if (dots > 0 && commas > 0) {
    const last = s[Math.max(s.lastIndexOf('.'), s.lastIndexOf(','))] as '.' | ',';
    if (count(s, last) !== 1 || hasSpace) return null;
    decimalMark = last;
    groupMark = last === '.' ? ',' : '.';
  } else if (dots + commas > 1) {
    if (hasSpace) return null;
    groupMark = dots > 0 ? '.' : ',';
  } else if (dots + commas === 1) {
    const mark = dots > 0 ? '.' : ',';
    const [before, after] = s.split(mark);
    if (hasSpace || after.length !== 3) {
      // Spaces already group, or the digits after the mark cannot be a thousands group.
      decimalMark = mark;
    } else if (!/^[1-9]\d{0,2}$/.test(before)) {
      // "1234.567" or "0.500" cannot be grouping, whatever the locale.
      decimalMark = mark;
    } else {
      ambiguous = true;
      const localeDecimal = locale === 'vi' ? ',' : '.';
      if (mark === localeDecimal) decimalMark = mark;
      else groupMark = mark;
    }
  }

  let intPart = s;
  let frac = '';
  if (decimalMark !== null) {
    const at = s.lastIndexOf(decimalMark);
    intPart = s.slice(0, at);
    frac = s.slice(at + 1);
    if (!/^\d+$/.test(frac)) return null;
  }
  if (groupMark !== null) {
    if (!GROUPED[groupMark].test(intPart)) return null;
    intPart = intPart.split(groupMark).join('');
  } else if (!/^\d*$/.test(intPart)) {
    return null;
  }
  return {
    int: intPart.replace(/^0+/, '') || '0',
    frac: frac.replace(/0+$/, ''),
    ambiguous,
  };
}

/** The sign of a number written as "-x", "−x" or "(x)"; `rest` is the text without it. */
function takeSign(s: string): { negative: boolean; rest: string } {
  const paren = /^\((.*)\)$/.exec(s);
  if (paren) return { negative: true, rest: paren[1].trim() };
  if (s.startsWith('-') || s.startsWith('\u2212')) return { negative: true, rest: s.slice(1).trim() };
  return { negative: false, rest: s };
}

// A lone dash is how reports write "nothing here".
const BLANK_MARKS = new Set(['', '-', '\u2212', '\u2013', '\u2014']);

// ---------------------------------------------------------------------------------------------
// Units

// Currency words, lower-case. "d" is how people type đ without a Vietnamese keyboard.
const CURRENCY = ['vnđ', 'vnd', 'đồng', 'đông', 'dong', 'đ', 'd', '₫'];
// Multiplier words per unit, lower-case. "k" is safe: it has no other meaning after a number.
// "m" is not accepted: in accounting it can mean thousand (Roman M) as well as million.
const MULTIPLIERS: Record<Exclude<AmountUnit, 'dong'>, string[]> = {
  nghin: ['nghìn', 'ngàn', 'nghin', 'ngan', 'thousand', 'k'],
  trieu: ['triệu', 'trieu', 'tr', 'million', 'mn'],
  ty: ['tỷ', 'tỉ', 'ty', 'ti', 'billion', 'bn'],
};

const alternation = (words: readonly string[]): string => [...words].sort((a, b) => b.length - a.length).join('|');
const MULTIPLIER_WORD = new Map<string, AmountUnit>((Object.keys(MULTIPLIERS) as (keyof typeof MULTIPLIERS)[]).flatMap((u) => MULTIPLIERS[u].map((w) => [w, u] as const)));
const CUR = alternation(CURRENCY);
const MULT = alternation([...MULTIPLIER_WORD.keys()]);
// "5 triệu đồng", "5tr", "5 tr.đ", "5 nghìn VND", "5đ". The number part must end in a digit or ')'.
const UNIT_SUFFIX = new RegExp(`^(.*?[\\d)])\\s*(?:(${MULT})\\.?\\s*(?:${CUR})?|(?:${CUR}))$`);
const CURRENCY_PREFIX = /^(?:vnđ|vnd|₫)\s*/;
const UNIT_ONLY = new RegExp(`^(?:(${MULT})\\.?\\s*(?:${CUR})?|(?:${CUR}))$`);
const UNIT_REVERSED = new RegExp(`^(?:${CUR})\\s+(${MULT})\\.?$`);

/** The unit a phrase names ("triệu đồng", "Tỷ", "ĐVT: nghìn đồng", "(VND)"), or null. */
export function parseUnit(text: string): AmountUnit | null {
  const s = foldForMatch(text)
    .replace(/^\((.*)\)$/, '$1')
    .replace(/^(?:đvt|đơn vị tính|đơn vị|unit)\s*:?\s*/, '')
    .replace(/^\((.*)\)$/, '$1')
    .trim();
  const m = UNIT_ONLY.exec(s);
  if (m) return m[1] ? (MULTIPLIER_WORD.get(m[1]) ?? null) : 'dong';
  // "VND million", as English tables write it.
  const reversed = UNIT_REVERSED.exec(s);
  if (reversed) return MULTIPLIER_WORD.get(reversed[1]) ?? null;
  // "1.000 đồng", "1000đ", "1,000,000 VND": a power of a thousand đồng.
  const n = NUMERIC_UNIT.exec(s);
  return n ? (THOUSANDS[(n[1].replace(/\D/g, '').length - 1) / 3] ?? null) : null;
}
const NUMERIC_UNIT = new RegExp(`^(1(?:[.,\\u00a0 ]?000){1,3})\\s*(?:${CUR})$`);
const THOUSANDS: readonly (AmountUnit | undefined)[] = [undefined, 'nghin', 'trieu', 'ty'];

// ---------------------------------------------------------------------------------------------
// Amounts

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Integer đồng from text, exact to the đồng (BigInt scaling of the digit string). A unit in the
 * text overrides `opts.unit`; blank or a dash gives 0 with `blank: true`. Fails with
 * amount.not-a-number, amount.too-precise (finer than 1 đồng) or amount.too-large (beyond 2^53). */
export function parseAmount(text: string, opts: { unit: AmountUnit; locale: NumberLocale }): Result<ParsedAmount> {
  let s = foldForMatch(text);
  if (BLANK_MARKS.has(s)) return ok({ value: 0, blank: true, unitFromText: null, ambiguous: false });

  let { negative, rest } = takeSign(s);
  let unitFromText: AmountUnit | null = CURRENCY_PREFIX.test(rest) ? 'dong' : null;
  s = rest.replace(CURRENCY_PREFIX, '');
  const suffix = UNIT_SUFFIX.exec(s);
  if (suffix) {
    s = suffix[1].trim();
    unitFromText = suffix[2] ? (MULTIPLIER_WORD.get(suffix[2]) ?? null) : 'dong';
  }
  if (!negative) ({ negative, rest: s } = takeSign(s));

  const digits = readDecimal(s, opts.locale);
  if (!digits) return fail('amount.not-a-number', { text });
  const exponent = UNIT_EXPONENT[unitFromText ?? opts.unit];
  if (digits.frac.length > exponent) return fail('amount.too-precise', { text });
  const magnitude = BigInt(digits.int + digits.frac) * 10n ** BigInt(exponent - digits.frac.length);
  if (magnitude > MAX_SAFE) return fail('amount.too-large', { text });
  const value = Number(magnitude);
  return ok({
    value: negative && value !== 0 ? -value : value,
    blank: false,
    unitFromText,
    ambiguous: digits.ambiguous,
  });
}

const MARKS: Record<NumberLocale, { decimal: string; group: string }> = {
  vi: { decimal: ',', group: '.' },
  en: { decimal: '.', group: ',' },
};

/** Groups a string of integer digits by thousands. */
function groupDigits(int: string, sep: string): string {
  const head = int.length % 3 || 3;
  let out = int.slice(0, head);
  for (let i = head; i < int.length; i += 3) out += sep + int.slice(i, i + 3);
  return out;
}

/** Joins integer and fraction digits in the locale's marks ("" fraction → no mark). */
function joinDigits(int: string, frac: string, locale: NumberLocale, group: boolean): string {
  const marks = MARKS[locale];
  const head = group ? groupDigits(int, marks.group) : int;
  return frac ? head + marks.decimal + frac : head;
}

/** The exact amount in `unit`: as many decimals as the đồng need, no trailing zeros, so that
 * parseAmount(formatAmount(x, u, l), { unit: u, locale: l }) gives back x for every integer x
 * (unless `maxDecimals` asks for a rounded figure to show, see below).
 * Grouped by thousands unless `group: false` (the cell editor). NaN or ±Infinity → "".
 * Throws on a non-integer: money is integer đồng, so a fraction here is a bug upstream. */
export function formatAmount(dong: number, unit: AmountUnit, locale: NumberLocale, opts: { group?: boolean; maxDecimals?: number } = {}): string {
  if (!Number.isFinite(dong)) return '';
  if (!Number.isInteger(dong)) throw new RangeError(`formatAmount: ${dong} is not whole đồng`);
  let exponent = UNIT_EXPONENT[unit];
  // BigInt of an integer double is exact; its decimal digits are the integer's digits.
  let magnitude = dong < 0 ? -BigInt(dong) : BigInt(dong);
  // For display only: at most maxDecimals decimals, rounded half away from zero (never for editing
  // or files, which need the exact amount).
  const max = opts.maxDecimals;
  if (max !== undefined && max >= 0 && max < exponent) {
    const divisor = 10n ** BigInt(exponent - max);
    magnitude = (magnitude + divisor / 2n) / divisor;
    exponent = max;
    if (magnitude === 0n) return '0';
  }
  const digits = magnitude.toString().padStart(exponent + 1, '0');
  const int = digits.slice(0, digits.length - exponent);
  const frac = digits.slice(digits.length - exponent).replace(/0+$/, '');
  const sign = dong < 0 ? '-' : '';
  return sign + joinDigits(int, frac, locale, opts.group ?? true);
}

// ---------------------------------------------------------------------------------------------
// Rates and plain numbers

/** A percentage typed by a user: "43,60%", "80 %", "80" → 80, "0,8" → 0.8 (always percent units,
 * never reinterpreted as a fraction). Blank or a dash → 0 with `blank: true`. Fails with
 * rate.not-a-number. */
export function parseRate(text: string, opts: { locale: NumberLocale }): Result<ParsedRate> {
  let s = normalizeText(text);
  if (BLANK_MARKS.has(s)) return ok({ value: 0, blank: true, ambiguous: false });
  const { negative, rest } = takeSign(s);
  s = rest.replace(/\s*%$/, '');
  const digits = readDecimal(s, opts.locale);
  if (!digits) return fail('rate.not-a-number', { text });
  const magnitude = Number(digits.frac ? `${digits.int}.${digits.frac}` : digits.int);
  if (!Number.isFinite(magnitude)) return fail('rate.not-a-number', { text });
  return ok({
    value: negative && magnitude !== 0 ? -magnitude : magnitude,
    blank: false,
    ambiguous: digits.ambiguous,
  });
}

/** Splits a finite number rounded to `decimals` into digit strings (toFixed, so no exponent
 * below 1e21); drops the sign of a value that rounds to zero. */
function fixedDigits(n: number, decimals: number): { negative: boolean; int: string; frac: string } {
  const fixed = Math.abs(n).toFixed(decimals);
  const [int, frac = ''] = fixed.split('.');
  const negative = n < 0 && /[1-9]/.test(fixed);
  return { negative, int, frac };
}

/** A percentage with exactly `decimals` decimals: vi "23,66 %", en "23.66%" (grouped above 999,
 * so parseRate reads it back). NaN or ±Infinity → "". */
export function formatRate(pct: number, locale: NumberLocale, decimals = 2): string {
  if (!Number.isFinite(pct)) return '';
  const { negative, int, frac } = fixedDigits(pct, decimals);
  const body = (negative ? '-' : '') + joinDigits(int, frac, locale, true);
  return locale === 'vi' ? `${body} %` : `${body}%`;
}

/** A number (year, count, ratio) with at most `maxDecimals` decimals, trailing zeros dropped, the
 * locale's decimal mark, and no thousands separators unless `group: true` (years stay "2023").
 * NaN or ±Infinity → "". */
export function formatPlain(n: number, locale: NumberLocale, maxDecimals = 0, opts: { group?: boolean } = {}): string {
  if (!Number.isFinite(n)) return '';
  const { negative, int, frac } = fixedDigits(n, maxDecimals);
  return (negative ? '-' : '') + joinDigits(int, frac.replace(/0+$/, ''), locale, opts.group ?? false);
}

// ---------------------------------------------------------------------------------------------
// Dates

const daysInMonth = (y: number, m: number): number => (m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

/** ISO "yyyy-mm-dd" from "dd/mm/yyyy", "d/m/yyyy", "dd-mm-yyyy", "dd.mm.yyyy" or "yyyy-mm-dd";
 * day first, never month first. Blank → null. Fails with date.invalid for anything else and for
 * dates that do not exist (31/02/2023). */
export function parseDate(text: string): Result<string | null> {
  const s = normalizeText(text);
  if (s === '') return ok(null);
  let d: number, m: number, y: number;
  const dayFirst = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/.exec(s);
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (dayFirst) [d, m, y] = [Number(dayFirst[1]), Number(dayFirst[3]), Number(dayFirst[4])];
  else if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else return fail('date.invalid', { text });
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
    return fail('date.invalid', { text });
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return ok(`${y}-${pad(m)}-${pad(d)}`);
}

/** An ISO date as the locale writes it: vi "15/11/2023", en "2023-11-15"; null → "". Text that is
 * not an ISO date is returned unchanged rather than hidden. */
export function formatDate(iso: string | null, locale: NumberLocale): string {
  if (iso === null) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  return locale === 'vi' ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

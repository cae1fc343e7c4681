import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UNIT_EXPONENT, formatAmount, formatDate, formatPlain, formatRate, parseAmount, parseDate, parseRate, parseUnit } from '../../src/domain/amount';
import type { AmountUnit, NumberLocale, Result } from '../../src/domain/model';

const UNITS: AmountUnit[] = ['dong', 'nghin', 'trieu', 'ty'];
const LOCALES: NumberLocale[] = ['vi', 'en'];

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
}
const dong = (text: string, unit: AmountUnit = 'dong', locale: NumberLocale = 'vi') => value(parseAmount(text, { unit, locale })).value;
const errorCode = <T>(r: Result<T>) => (r.ok ? null : r.error.code);

describe('UNIT_EXPONENT', () => {
  it('maps each unit to its power of ten', () => {
    expect(UNIT_EXPONENT).toEqual({ dong: 0, nghin: 3, trieu: 6, ty: 9 });
  });
});

describe('parseAmount: the examples in the brief', () => {
  it.each([
    ['77,04', 'trieu', 'vi', 77_040_000, false],
    ['1305', 'dong', 'vi', 1305, false],
    ['552,476', 'trieu', 'vi', 552_476_000, true],
    ['1.234,5', 'trieu', 'vi', 1_234_500_000, false],
    ['89,65', 'trieu', 'vi', 89_650_000, false],
    ['5.436', 'trieu', 'vi', 5_436_000_000, true],
    ['13.392', 'trieu', 'vi', 13_392_000_000, true],
    ['552,476 triệu đồng', 'dong', 'vi', 552_476_000, true],
  ] as const)('%s in %s/%s → %d', (text, unit, locale, expected, ambiguous) => {
    const r = value(parseAmount(text, { unit, locale }));
    expect(r.value).toBe(expected);
    expect(r.ambiguous).toBe(ambiguous);
    expect(r.blank).toBe(false);
  });

  it.each(UNITS)('a unit in the text overrides the cell unit %s', (unit) => {
    expect(dong('1.338.216.000đ', unit)).toBe(1_338_216_000);
    expect(dong('4,329 tỷ', unit)).toBe(4_329_000_000);
    expect(dong('552,476 triệu đồng', unit)).toBe(552_476_000);
    expect(value(parseAmount('4,329 tỷ', { unit, locale: 'vi' })).unitFromText).toBe('ty');
    expect(value(parseAmount('1.338.216.000đ', { unit, locale: 'en' })).value).toBe(1_338_216_000);
  });

  it.each(['abc', '1,2,3.4.5', '12a'])('%s is not a number', (text) => {
    expect(parseAmount(text, { unit: 'dong', locale: 'vi' })).toEqual({
      ok: false,
      error: { code: 'amount.not-a-number', params: { text } },
    });
  });
});

// Every money figure in seeds/004_99f7944947c0ffd1.txt, as written there, with its value in đồng.
const SEED_AMOUNTS: [string, number][] = [
  ['7.531 triệu đồng', 7_531_000_000],
  ['2.095 triệu đồng', 2_095_000_000],
  ['5.436 triệu đồng', 5_436_000_000],
  ['2.000 triệu đồng', 2_000_000_000],
  ['3.304 triệu đồng', 3_304_000_000],
  ['906 triệu đồng', 906_000_000],
  ['2.398 triệu đồng', 2_398_000_000],
  ['153 triệu đồng', 153_000_000],
  ['566 triệu đồng', 566_000_000],
  ['77.040.000 đồng', 77_040_000],
  ['49.040.000 đồng', 49_040_000],
  ['28.000.000 đồng', 28_000_000],
  ['3.750 triệu đồng', 3_750_000_000],
  ['552,476 triệu đồng', 552_476_000],
  ['2.148 triệu đồng', 2_148_000_000],
  ['365 triệu đồng', 365_000_000],
  ['2.241 triệu đồng', 2_241_000_000],
  ['500 triệu đồng', 500_000_000],
  ['232 triệu đồng', 232_000_000],
  ['172 triệu đồng', 172_000_000],
  ['520 triệu đồng', 520_000_000],
  ['320 triệu đồng', 320_000_000],
  ['278 triệu đồng', 278_000_000],
  ['122 triệu đồng', 122_000_000],
  ['5.589 triệu đồng', 5_589_000_000],
  ['1.338.216.000đ', 1_338_216_000],
  ['4.250.784.000đ', 4_250_784_000],
  ['13.392 triệu đồng', 13_392_000_000],
  ['13.164 triệu đồng', 13_164_000_000],
  ['228 triệu đồng', 228_000_000],
  ['3.168 triệu đồng', 3_168_000_000],
  ['8.240 triệu đồng', 8_240_000_000],
  ['39.656 triệu đồng', 39_656_000_000],
  ['7.805 triệu đồng', 7_805_000_000],
  ['30.455 triệu đồng', 30_455_000_000],
  ['23.862 triệu đồng', 23_862_000_000],
  ['88.373 triệu đồng', 88_373_000_000],
  ['754.044.300 đồng', 754_044_300],
  ['1.102.080.000 đồng', 1_102_080_000],
  ['5.147 triệu đồng', 5_147_000_000],
  ['13.413.600.000 đồng', 13_413_600_000],
  ['14.580.000 đồng', 14_580_000],
  ['179.900.000 đồng', 179_900_000],
  ['89.950.000 đồng', 89_950_000],
  ['902.400.000 đồng', 902_400_000],
  ['12.065.000.000 đồng', 12_065_000_000],
  ['43.300.000.000 đồng', 43_300_000_000],
  ['200 triệu đồng', 200_000_000],
  // DOMAIN.md's examples and the district totals as the demo states them in triệu.
  ['4,329 tỷ đồng', 4_329_000_000],
  ['1.338,216 triệu', 1_338_216_000],
  ['4.250,784 triệu', 4_250_784_000],
];

describe('parseAmount: every money figure in the seed report', () => {
  it.each(SEED_AMOUNTS)('%s → %d đồng, whatever the cell unit', (text, expected) => {
    for (const unit of UNITS) expect(dong(text, unit, 'vi')).toBe(expected);
  });

  it('reads the seed figures the same after NFD and non-breaking spaces', () => {
    for (const [text, expected] of SEED_AMOUNTS) {
      expect(dong(text.normalize('NFD').replace(/ /g, '\u00A0'))).toBe(expected);
    }
  });
});

describe('parseAmount: every unit × both locales', () => {
  // [text, cell unit, locale, đồng, ambiguous]
  const cases: [string, AmountUnit, NumberLocale, number, boolean][] = [
    ['1.234', 'dong', 'vi', 1234, true],
    ['1,234', 'dong', 'en', 1234, true],
    ['1.234.567', 'dong', 'vi', 1_234_567, false],
    ['1,234,567', 'dong', 'en', 1_234_567, false],
    ['1.234', 'nghin', 'vi', 1_234_000, true],
    ['1.234', 'nghin', 'en', 1_234, true],
    ['1,5', 'nghin', 'vi', 1_500, false],
    ['1.5', 'nghin', 'en', 1_500, false],
    ['77,04', 'trieu', 'vi', 77_040_000, false],
    ['77.04', 'trieu', 'en', 77_040_000, false],
    ['552,476', 'trieu', 'vi', 552_476_000, true],
    ['552,476', 'trieu', 'en', 552_476_000_000, true],
    ['1.234,5', 'trieu', 'vi', 1_234_500_000, false],
    ['1,234.5', 'trieu', 'en', 1_234_500_000, false],
    ['4,329', 'ty', 'vi', 4_329_000_000, true],
    ['4.329', 'ty', 'en', 4_329_000_000, true],
    ['0,000000001', 'ty', 'vi', 1, false],
    ['0.000000001', 'ty', 'en', 1, false],
    ['13.392', 'ty', 'vi', 13_392_000_000_000, true],
  ];
  it.each(cases)('%s in %s/%s → %d', (text, unit, locale, expected, ambiguous) => {
    const r = value(parseAmount(text, { unit, locale }));
    expect(r.value).toBe(expected);
    expect(r.ambiguous).toBe(ambiguous);
    expect(r.unitFromText).toBeNull();
  });

  it('covers every unit and locale', () => {
    for (const unit of UNITS) {
      for (const locale of LOCALES) {
        expect(cases.some(([, u, l]) => u === unit && l === locale)).toBe(true);
      }
    }
  });
});

describe('parseAmount: decimal and grouping marks', () => {
  it.each([
    // Both marks: the last one is the decimal mark, whatever the locale.
    ['1.234.567,89', 'trieu', 'en', 1_234_567_890_000, false],
    ['1,234,567.89', 'trieu', 'vi', 1_234_567_890_000, false],
    // Several of one mark: grouping, whatever the locale.
    ['1,234,567', 'dong', 'vi', 1_234_567, false],
    ['1.234.567', 'dong', 'en', 1_234_567, false],
    // One mark not followed by exactly three digits: a decimal mark, whatever the locale.
    ['1.5', 'trieu', 'vi', 1_500_000, false],
    ['1,5', 'trieu', 'en', 1_500_000, false],
    ['1.2345', 'trieu', 'vi', 1_234_500, false],
    ['12,34', 'trieu', 'en', 12_340_000, false],
    // One mark and three digits that cannot be grouping: decimal.
    ['1234.567', 'trieu', 'vi', 1_234_567_000, false],
    ['0,500', 'trieu', 'en', 500_000, false],
    [',5', 'trieu', 'vi', 500_000, false],
    // Spaces group; then a lone mark is the decimal mark.
    ['4 329 000', 'dong', 'vi', 4_329_000, false],
    ['4\u00A0329\u00A0000', 'dong', 'en', 4_329_000, false],
    ['4\u202F329,5', 'nghin', 'en', 4_329_500, false],
    ['4 329,500', 'trieu', 'en', 4_329_500_000, false],
    // Leading zeros and trailing decimal zeros are harmless.
    ['007', 'dong', 'vi', 7, false],
    ['1,00', 'dong', 'vi', 1, false],
    ['0', 'ty', 'vi', 0, false],
  ] as const)('%s in %s/%s → %d', (text, unit, locale, expected, ambiguous) => {
    const r = value(parseAmount(text, { unit, locale }));
    expect(r.value).toBe(expected);
    expect(r.ambiguous).toBe(ambiguous);
  });

  it.each([
    '1.23.456', // group after the first not three digits
    '1.234.56',
    '1,234.567,8', // decimal mark seen twice
    '1.234,567.8',
    '1.2,3', // grouping before the decimal mark is not in threes
    '12 34', // space groups not in threes
    '1 234.567.890', // spaces and dots both grouping
    '5.',
    '.',
    '1e5',
    '0x10',
    '--5',
    '(-5)',
    '5-',
    '½',
    '١٢٣', // Arabic-Indic digits are not read as digits
    'triệu',
    'đ',
    '5 triệu tỷ',
    '5 m', // "m" is not accepted as million
  ])('%s is not a number', (text) => {
    expect(errorCode(parseAmount(text, { unit: 'dong', locale: 'vi' }))).toBe('amount.not-a-number');
  });
});

describe('parseAmount: units written in the text', () => {
  const words: [string, AmountUnit][] = [
    ['đ', 'dong'],
    ['đồng', 'dong'],
    ['d', 'dong'],
    ['vnđ', 'dong'],
    ['VNĐ', 'dong'],
    ['vnd', 'dong'],
    ['VND', 'dong'],
    ['₫', 'dong'],
    ['nghìn', 'nghin'],
    ['ngàn', 'nghin'],
    ['nghìn đồng', 'nghin'],
    ['ngàn đồng', 'nghin'],
    ['Nghìn Đồng', 'nghin'],
    ['thousand', 'nghin'],
    ['k', 'nghin'],
    ['triệu', 'trieu'],
    ['tr', 'trieu'],
    ['tr.', 'trieu'],
    ['triệu đồng', 'trieu'],
    ['trđ', 'trieu'],
    ['tr.đ', 'trieu'],
    ['TRIỆU ĐỒNG', 'trieu'],
    ['million', 'trieu'],
    ['mn', 'trieu'],
    ['million VND', 'trieu'],
    ['tỷ', 'ty'],
    ['tỉ', 'ty'],
    ['tỷ đồng', 'ty'],
    ['Tỷ Đồng', 'ty'],
    ['billion', 'ty'],
    ['bn', 'ty'],
    ['BN', 'ty'],
  ];
  it.each(words)('"5 %s" and "5%s" are read in %s', (word, unit) => {
    for (const text of [`5 ${word}`, `5${word}`]) {
      for (const cellUnit of UNITS) {
        const r = value(parseAmount(text, { unit: cellUnit, locale: 'vi' }));
        expect(r.unitFromText).toBe(unit);
        expect(r.value).toBe(5 * 10 ** UNIT_EXPONENT[unit]);
      }
    }
  });

  it('reads units typed in NFD and with Ð for Đ', () => {
    expect(dong('2 triệu đồng'.normalize('NFD'))).toBe(2_000_000);
    expect(dong('2 VNÐ')).toBe(2);
    expect(dong('2 Ðồng')).toBe(2);
  });

  it('reads a currency code written before the number', () => {
    const r = value(parseAmount('VND 1,234,000', { unit: 'trieu', locale: 'en' }));
    expect(r).toEqual({ value: 1_234_000, blank: false, unitFromText: 'dong', ambiguous: false });
    expect(dong('₫ 500', 'ty')).toBe(500);
  });
});

describe('parseAmount: blanks and negatives', () => {
  it.each(['', '   ', '-', '–', '—', '−', '\u00A0-\u00A0'])('"%s" is blank', (text) => {
    expect(parseAmount(text, { unit: 'trieu', locale: 'vi' })).toEqual({
      ok: true,
      value: { value: 0, blank: true, unitFromText: null, ambiguous: false },
    });
  });

  it.each([
    ['-427', 'dong', -427],
    ['−427', 'dong', -427],
    ['- 427', 'dong', -427],
    ['(1.234)', 'trieu', -1_234_000_000],
    ['(77,04)', 'trieu', -77_040_000],
    ['(5 triệu)', 'dong', -5_000_000],
    ['(5) triệu', 'dong', -5_000_000],
    ['-5 tỷ', 'dong', -5_000_000_000],
    ['-0', 'trieu', 0],
  ] as const)('%s in %s → %d', (text, unit, expected) => {
    const v = dong(text, unit);
    expect(v).toBe(expected);
    expect(Object.is(v, -0)).toBe(false);
  });
});

describe('parseAmount: precision and range', () => {
  it.each([
    ['0,5', 'dong'],
    ['1,5 đ', 'trieu'],
    ['1,2345678', 'trieu'],
    ['1,2345', 'nghin'],
    ['0,0000000001', 'ty'],
  ] as const)('%s in %s is finer than 1 đồng', (text, unit) => {
    expect(parseAmount(text, { unit, locale: 'vi' })).toEqual({
      ok: false,
      error: { code: 'amount.too-precise', params: { text } },
    });
  });

  it('is exact where float multiplication is not', () => {
    // 1.15 * 1e6 = 1149999.9999999998 and 0.29 * 1e9 = 289999999.99999994 in floats.
    expect(dong('1,15', 'trieu')).toBe(1_150_000);
    expect(dong('0,29', 'ty')).toBe(290_000_000);
    expect(dong('4,35', 'ty')).toBe(4_350_000_000);
    expect(dong('9.007.199,254740991', 'ty')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    ['9.007.199.254.740.992', 'dong'],
    ['9.007.200', 'ty'],
    ['99999999999999999999999', 'dong'],
    ['-9.007.199.254.740.992', 'dong'],
  ] as const)('%s in %s is too large', (text, unit) => {
    expect(errorCode(parseAmount(text, { unit, locale: 'vi' }))).toBe('amount.too-large');
  });
});

describe('formatAmount: every unit × both locales', () => {
  // [đồng, unit, vi, en]
  const cases: [number, AmountUnit, string, string][] = [
    [0, 'dong', '0', '0'],
    [1305, 'dong', '1.305', '1,305'],
    [1_338_216_000, 'dong', '1.338.216.000', '1,338,216,000'],
    [-427, 'dong', '-427', '-427'],
    [1_500, 'nghin', '1,5', '1.5'],
    [1_234_567, 'nghin', '1.234,567', '1,234.567'],
    [0, 'nghin', '0', '0'],
    [5_436_000_000, 'trieu', '5.436', '5,436'],
    [77_040_000, 'trieu', '77,04', '77.04'],
    [1_338_216_000, 'trieu', '1.338,216', '1,338.216'],
    [552_476_000, 'trieu', '552,476', '552.476'],
    [89_650_000, 'trieu', '89,65', '89.65'],
    [1, 'trieu', '0,000001', '0.000001'],
    [-77_040_000, 'trieu', '-77,04', '-77.04'],
    [4_329_000_000, 'ty', '4,329', '4.329'],
    [1, 'ty', '0,000000001', '0.000000001'],
    [13_392_000_000_000, 'ty', '13.392', '13,392'],
    [Number.MAX_SAFE_INTEGER, 'ty', '9.007.199,254740991', '9,007,199.254740991'],
  ];
  it.each(cases)('%d in %s → vi %s, en %s', (amount, unit, vi, en) => {
    expect(formatAmount(amount, unit, 'vi')).toBe(vi);
    expect(formatAmount(amount, unit, 'en')).toBe(en);
  });

  it.each([
    [1_338_216_000, 'trieu', 'vi', '1338,216'],
    [1_338_216_000, 'trieu', 'en', '1338.216'],
    [1_338_216_000, 'dong', 'vi', '1338216000'],
    [5_436_000_000, 'trieu', 'vi', '5436'],
    [-1_234_500, 'nghin', 'vi', '-1234,5'],
  ] as const)('without grouping: %d in %s/%s → %s', (amount, unit, locale, expected) => {
    expect(formatAmount(amount, unit, locale, { group: false })).toBe(expected);
  });

  it('gives "" for NaN and infinities and throws on fractions of a đồng', () => {
    expect(formatAmount(Number.NaN, 'trieu', 'vi')).toBe('');
    expect(formatAmount(Infinity, 'trieu', 'vi')).toBe('');
    expect(() => formatAmount(0.5, 'dong', 'vi')).toThrow(RangeError);
  });

  it('never writes -0', () => {
    expect(formatAmount(-0, 'trieu', 'vi')).toBe('0');
  });
});

// Amounts weighted towards round figures, the way budgets are written, plus the full safe range.
const amounts = fc.oneof(
  fc.maxSafeInteger(),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.tuple(fc.integer({ min: -9_007_199, max: 9_007_199 }), fc.constantFrom(1, 1e3, 1e6, 1e9)).map(([a, b]) => a * b),
);

describe('formatAmount and parseAmount round-trip', () => {
  it('parseAmount(formatAmount(x)) === x for any safe integer, unit and locale', () => {
    fc.assert(
      fc.property(amounts, fc.constantFrom(...UNITS), fc.constantFrom(...LOCALES), fc.boolean(), (x, unit, locale, group) => {
        const text = formatAmount(x, unit, locale, { group });
        const r = parseAmount(text, { unit, locale });
        expect(r.ok && r.value.value).toBe(x === 0 ? 0 : x);
      }),
      { numRuns: 2000 },
    );
  });

  it('a unit word appended to the text overrides any cell unit', () => {
    const word: Record<AmountUnit, string> = { dong: 'đồng', nghin: 'nghìn đồng', trieu: 'triệu đồng', ty: 'tỷ đồng' };
    fc.assert(
      fc.property(amounts, fc.constantFrom(...UNITS), fc.constantFrom(...UNITS), (x, written, cell) => {
        const text = `${formatAmount(x, written, 'vi')} ${word[written]}`;
        expect(dong(text, cell, 'vi')).toBe(x === 0 ? 0 : x);
      }),
    );
  });

  it('formatted amounts contain only digits, marks and a leading minus', () => {
    fc.assert(
      fc.property(amounts, fc.constantFrom(...UNITS), fc.constantFrom(...LOCALES), (x, unit, locale) => {
        expect(formatAmount(x, unit, locale)).toMatch(/^-?\d{1,3}([.,]\d{3})*([.,]\d*[1-9])?$/);
      }),
    );
  });

  it('parseAmount never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789.,- ()đtrịệuỷk%a') }), fc.constantFrom(...UNITS), (text, unit) => {
        const r = parseAmount(text, { unit, locale: 'vi' });
        if (r.ok) expect(Number.isSafeInteger(r.value.value)).toBe(true);
      }),
    );
  });
});

describe('parseUnit', () => {
  it.each([
    ['triệu đồng', 'trieu'],
    ['ĐVT: triệu đồng', 'trieu'],
    ['Đơn vị tính: nghìn đồng', 'nghin'],
    ['ÐVT: Tỷ đồng', 'ty'],
    ['(VND)', 'dong'],
    ['Unit: million VND', 'trieu'],
    ['VND million', 'trieu'],
    ['(VND thousand)', 'nghin'],
    ['đồng', 'dong'],
    ['Kế hoạch', null],
    ['5 triệu', null],
    // A power of a thousand đồng, as many reports write it.
    ['Đơn vị tính: 1.000 đồng', 'nghin'],
    ['ĐVT: 1000đ', 'nghin'],
    ['(ĐVT: 1.000.000 đồng)', 'trieu'],
    ['Unit: 1,000 VND', 'nghin'],
    ['1 000 000 000 đ', 'ty'],
    ['10 đồng', null],
    ['1.500 đồng', null],
  ] as const)('%s → %s', (text, expected) => {
    expect(parseUnit(text)).toBe(expected);
  });
});

// Every percentage in the seed report.
const SEED_RATES: [string, number][] = [
  ['100%', 100],
  ['43,60%', 43.6],
  ['80%', 80],
  ['50,14%', 50.14],
  ['17%', 17],
  ['22,31%', 22.31],
  ['90%', 90],
  ['74,14%', 74.14],
  ['61,54%', 61.54],
  ['43,88%', 43.88],
  ['23,94%', 23.94],
  ['23,66%', 23.66],
  ['8,29%', 8.29],
  ['10,21%', 10.21],
  ['50%', 50],
  ['30%', 30],
  ['10%', 10],
  ['96,23%', 96.23],
  ['3,77%', 3.77],
  ['4,58%', 4.58],
  ['100,38%', 100.38],
  ['65,1%', 65.1],
];

describe('parseRate', () => {
  it.each(SEED_RATES)('seed report: %s → %d', (text, expected) => {
    expect(value(parseRate(text, { locale: 'vi' }))).toEqual({ value: expected, blank: false, ambiguous: false });
  });

  it.each([
    ['80 %', 'vi', 80],
    ['80', 'vi', 80],
    ['0,8', 'vi', 0.8],
    ['0.8', 'en', 0.8],
    ['23.66%', 'en', 23.66],
    ['-5 %', 'vi', -5],
    ['(5%)', 'vi', -5],
    ['1.234,5 %', 'vi', 1234.5],
    ['1,234.5%', 'en', 1234.5],
    ['80\u00A0%', 'vi', 80],
  ] as const)('%s in %s → %d', (text, locale, expected) => {
    expect(value(parseRate(text, { locale })).value).toBe(expected);
  });

  it('reports the same ambiguity as amounts', () => {
    expect(value(parseRate('1.234', { locale: 'vi' }))).toEqual({ value: 1234, blank: false, ambiguous: true });
    expect(value(parseRate('1.234', { locale: 'en' }))).toEqual({ value: 1.234, blank: false, ambiguous: true });
  });

  it.each(['', '-', ' '])('"%s" is blank', (text) => {
    expect(value(parseRate(text, { locale: 'vi' }))).toEqual({ value: 0, blank: true, ambiguous: false });
  });

  it.each(['abc', '80%%', '% 80', '8,0,0', '1e2', '80 triệu'])('%s is not a rate', (text) => {
    expect(parseRate(text, { locale: 'vi' })).toEqual({
      ok: false,
      error: { code: 'rate.not-a-number', params: { text } },
    });
  });
});

describe('formatRate', () => {
  it.each([
    [23.66, 'vi', 2, '23,66 %'],
    [23.66, 'en', 2, '23.66%'],
    [80, 'vi', 2, '80,00 %'],
    [80, 'en', 0, '80%'],
    [43.6, 'vi', 1, '43,6 %'],
    [2.3664, 'vi', 2, '2,37 %'],
    [1234.5, 'vi', 1, '1.234,5 %'],
    [-0.001, 'vi', 2, '0,00 %'],
    [-5, 'en', 0, '-5%'],
  ] as const)('%d %s (%d decimals) → %s', (pct, locale, decimals, expected) => {
    expect(formatRate(pct, locale, decimals)).toBe(expected);
  });

  it('defaults to two decimals and gives "" for non-finite rates', () => {
    expect(formatRate(1.5, 'vi')).toBe('1,50 %');
    expect(formatRate(Number.NaN, 'vi')).toBe('');
    expect(formatRate(-Infinity, 'en')).toBe('');
  });

  it('parseRate reads back what formatRate writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.constantFrom(...LOCALES), (hundredths, locale) => {
        const pct = hundredths / 100;
        const r = parseRate(formatRate(pct, locale), { locale });
        expect(r.ok && r.value.value).toBeCloseTo(pct, 9);
      }),
    );
  });
});

describe('formatPlain', () => {
  it.each([
    [2023, 'vi', 0, '2023'],
    [2023, 'en', 0, '2023'],
    [19820, 'vi', 0, '19820'],
    [1.73, 'vi', 2, '1,73'],
    [1.5, 'en', 3, '1.5'],
    [2, 'vi', 2, '2'],
    [-0.001, 'vi', 2, '0'],
  ] as const)('%d %s (max %d decimals) → %s', (n, locale, decimals, expected) => {
    expect(formatPlain(n, locale, decimals)).toBe(expected);
  });

  it('groups only when asked', () => {
    expect(formatPlain(19820, 'vi', 0, { group: true })).toBe('19.820');
    expect(formatPlain(1234.5, 'en', 1, { group: true })).toBe('1,234.5');
    expect(formatPlain(Number.NaN, 'vi')).toBe('');
  });
});

describe('parseDate and formatDate', () => {
  it.each([
    ['15/11/2023', '2023-11-15'],
    ['5/3/2023', '2023-03-05'],
    ['06/3/2023', '2023-03-06'],
    ['25-10-2023', '2023-10-25'],
    ['25.10.2023', '2023-10-25'],
    ['2023-11-15', '2023-11-15'],
    ['2023-1-5', '2023-01-05'],
    ['29/02/2024', '2024-02-29'],
    ['29/02/2000', '2000-02-29'],
    [' 15/11/2023\u00A0', '2023-11-15'],
  ])('%s → %s', (text, iso) => {
    expect(parseDate(text)).toEqual({ ok: true, value: iso });
  });

  it.each(['', '  '])('"%s" is blank → null', (text) => {
    expect(parseDate(text)).toEqual({ ok: true, value: null });
  });

  it.each([
    '31/02/2023',
    '29/02/2023',
    '29/02/1900',
    '31/04/2023',
    '00/01/2023',
    '11/15/2023', // month first is not accepted
    '15/13/2023',
    '15/11/23',
    '15/11-2023',
    '2023/11/15',
    'ngày 15',
    '2023-02-30',
  ])('%s is not a date', (text) => {
    expect(parseDate(text)).toEqual({ ok: false, error: { code: 'date.invalid', params: { text } } });
  });

  it('formats per locale', () => {
    expect(formatDate('2023-11-15', 'vi')).toBe('15/11/2023');
    expect(formatDate('2023-11-15', 'en')).toBe('2023-11-15');
    expect(formatDate(null, 'vi')).toBe('');
    expect(formatDate('not a date', 'vi')).toBe('not a date');
  });

  it('agrees with the calendar and round-trips through both locales', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        expect(parseDate(formatDate(iso, 'vi'))).toEqual({ ok: true, value: iso });
        expect(parseDate(formatDate(iso, 'en'))).toEqual({ ok: true, value: iso });
      }),
    );
  });
});

describe('formatAmount with maxDecimals (shown, not stored)', () => {
  it('rounds half away from zero to the decimals asked, and leaves fewer decimals alone', () => {
    expect(formatAmount(94_042_800, 'trieu', 'vi', { maxDecimals: 3 })).toBe('94,043');
    expect(formatAmount(-94_042_500, 'trieu', 'vi', { maxDecimals: 3 })).toBe('-94,043');
    expect(formatAmount(1_234_500_000, 'trieu', 'vi', { maxDecimals: 3 })).toBe('1.234,5');
    expect(formatAmount(999_999_600, 'trieu', 'en', { maxDecimals: 3 })).toBe('1,000');
    expect(formatAmount(400, 'trieu', 'vi', { maxDecimals: 3 })).toBe('0');
  });

  it('never differs from the exact amount by more than half the last decimal shown (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), fc.integer({ min: 0, max: 5 }), (dong, max) => {
        const shown = parseAmount(formatAmount(dong, 'trieu', 'vi', { maxDecimals: max }), { unit: 'trieu', locale: 'vi' });
        expect(shown.ok).toBe(true);
        if (shown.ok) expect(Math.abs(shown.value.value - dong)).toBeLessThanOrEqual(10 ** (6 - max) / 2);
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { DOCUMENT_WORDS, MESSAGES, describeProblem, writePhrase } from '../../src/domain/messages';
import type { MessageTable } from '../../src/domain/messages';
import { parseAmount, parseDate, parseRate } from '../../src/domain/amount';
import { parseCapital, parseSource, parseYear } from '../../src/domain/cell-input';
import type { Lang, Problem, Result } from '../../src/domain/model';

const LANGS: Lang[] = ['vi', 'en'];
const placeholders = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const problem = <T>(r: Result<T>): Problem => {
  if (r.ok) throw new Error('expected a failure');
  return r.error;
};

// One failing call per code the parsers emit.
const EMITTED: [string, Problem][] = [
  ['amount.not-a-number', problem(parseAmount('abc', { unit: 'dong', locale: 'vi' }))],
  ['amount.too-precise', problem(parseAmount('0,5', { unit: 'dong', locale: 'vi' }))],
  ['amount.too-large', problem(parseAmount('9.999.999 tỷ', { unit: 'dong', locale: 'vi' }))],
  ['rate.not-a-number', problem(parseRate('abc', { locale: 'vi' }))],
  ['date.invalid', problem(parseDate('31/02/2023'))],
  ['source.unknown', problem(parseSource('ODA'))],
  ['capital.unknown', problem(parseCapital('vay'))],
  ['year.invalid', problem(parseYear('1989'))],
];

describe('MESSAGES', () => {
  it.each(Object.entries(MESSAGES))('%s has a Vietnamese and an English sentence with the same params', (code, t) => {
    for (const lang of LANGS) expect(t[lang].trim().length).toBeGreaterThan(10);
    expect(t.vi).not.toBe(t.en);
    expect(placeholders(t.vi)).toEqual(placeholders(t.en));
    expect(t.vi.normalize('NFC')).toBe(t.vi);
    expect(t.vi).not.toMatch(/[\u00D0\u00F0]/);
    expect(code).toMatch(/^[a-z]+(\.[a-z-]+)+$/);
  });

  it.each(EMITTED)('the parsers emit %s and it has a sentence naming the text', (code, p) => {
    expect(p.code).toBe(code);
    expect(Object.keys(MESSAGES)).toContain(code);
    for (const lang of LANGS) {
      const sentence = describeProblem(p, lang);
      expect(sentence).toContain(`"${String(p.params?.text)}"`);
      expect(sentence).not.toMatch(/\{\w+\}/);
    }
  });
});

describe('describeProblem', () => {
  it('writes the amount sentence from the brief', () => {
    expect(describeProblem({ code: 'amount.not-a-number', params: { text: 'abc' } }, 'vi')).toBe(
      'Không đọc được "abc" thành số tiền. Ví dụ hợp lệ: 1.234,5 hoặc 77,04 triệu.',
    );
    expect(describeProblem({ code: 'amount.not-a-number', params: { text: 'abc' } }, 'en')).toBe(
      'Cannot read "abc" as an amount of money. Valid examples: 1,234.5 or 77.04 million.',
    );
  });

  it('fills every param, numbers included', () => {
    const sentence = describeProblem({ code: 'amount.ambiguous', params: { text: '5.436', reading: 5436 } }, 'en');
    expect(sentence).toBe('"5.436" can be read two ways; it was read as 5436. Please check it.');
  });

  it('gives a generic sentence naming an unknown code, in each language', () => {
    const vi = describeProblem({ code: 'alloc.over-committed' }, 'vi');
    const en = describeProblem({ code: 'alloc.over-committed' }, 'en');
    expect(vi).toContain('alloc.over-committed');
    expect(en).toContain('alloc.over-committed');
    expect(vi).not.toBe(en);
  });

  it('does not treat inherited object keys as codes', () => {
    expect(describeProblem({ code: 'toString' }, 'en')).toContain('toString');
    expect(describeProblem({ code: '__proto__' }, 'vi')).toContain('__proto__');
  });

  it('leaves a missing param visible rather than inventing one', () => {
    expect(describeProblem({ code: 'year.invalid' }, 'en')).toContain('{text}');
  });

  it('shortens a pasted paragraph to its start', () => {
    const text = 'Tổng kế hoạch vốn được giao năm 2023: 13.392 triệu đồng, trong đó nguồn vốn Trung ương cấp';
    const sentence = describeProblem({ code: 'amount.not-a-number', params: { text } }, 'vi');
    expect(sentence).toContain('"Tổng kế hoạch vốn');
    expect(sentence).toContain('…"');
    expect(sentence).not.toContain('Trung ương cấp');
  });

  it('reads from a table that another module extends', () => {
    const table: MessageTable = { ...MESSAGES, 'alloc.over-committed': { vi: 'Vượt {amount}.', en: 'Over by {amount}.' } };
    expect(describeProblem({ code: 'alloc.over-committed', params: { amount: '5 triệu' } }, 'vi', table)).toBe('Vượt 5 triệu.');
    expect(describeProblem({ code: 'amount.too-large', params: { text: 'x' } }, 'en', table)).toContain('"x"');
  });

  it("puts someone else's sentence in the reader's language when it is given in each", () => {
    const p = { code: 'sync.refused', params: { said_vi: 'Phiên đăng nhập đã hết hạn.', said_en: 'The session has expired.' } };
    expect(describeProblem(p, 'vi')).toBe('Máy chủ từ chối: Phiên đăng nhập đã hết hạn.');
    expect(describeProblem(p, 'en')).toBe('The server refused: The session has expired.');
  });
});

describe('the words of documents', () => {
  it.each(Object.entries(DOCUMENT_WORDS))('%s has both languages with the same params', (_key, t) => {
    expect(placeholders(t.vi)).toEqual(placeholders(t.en));
    expect(t.vi.normalize('NFC')).toBe(t.vi);
  });

  it('writes a long param whole: a report naming many implementing units lists them all', () => {
    const units = Array.from({ length: 12 }, (_, i) => `UBND xã số ${i + 1}`).join(', ');
    const text = writePhrase('vi', 'report.units', { units, plan: '566 triệu đồng' });
    expect(text).toBe(`Đơn vị được giao thực hiện là ${units}, với tổng kinh phí 566 triệu đồng`);
    expect(writePhrase('en', 'table.unit-line', { unit: 'million đồng' })).toBe('Unit: million đồng');
  });
});

import { describe, expect, it } from 'vitest';
import { CAPITAL_LABELS, SOURCE_LABELS, parseCapital, parseSource, parseYear } from '../../src/domain/cell-input';
import { CAPITAL_TYPES, SOURCES } from '../../src/domain/model';
import type { Lang } from '../../src/domain/model';

const LANGS: Lang[] = ['vi', 'en'];

describe('parseSource', () => {
  it.each([
    ['NSTW', 'central'],
    ['nstw', 'central'],
    ['TW', 'central'],
    ['Trung ương', 'central'],
    ['trung uong', 'central'],
    ['Ngân sách trung ương', 'central'],
    ['ngân sách Trung ương'.normalize('NFD'), 'central'],
    ['Nguồn vốn Trung ương', 'central'],
    ['NS TW', 'central'],
    ['central', 'central'],
    ['Central budget', 'central'],
    ['NSĐP', 'local'],
    ['NSÐP', 'local'],
    ['nsdp', 'local'],
    ['ĐP', 'local'],
    ['Địa phương', 'local'],
    ['ngân sách địa phương', 'local'],
    ['nguồn vốn địa phương', 'local'],
    ['Ngân sách tỉnh', 'local'],
    ['ngân sách huyện', 'local'],
    ['ngân sách xã', 'local'],
    ['Local', 'local'],
    ['Khác', 'other'],
    ['khac', 'other'],
    ['Nguồn khác', 'other'],
    ['vốn huy động', 'other'],
    ['Other', 'other'],
    ['\u00A0NSTW\u00A0', 'central'],
  ])('%s → %s', (text, expected) => {
    expect(parseSource(text)).toEqual({ ok: true, value: expected });
  });

  it.each(['', 'ngân sách', 'ns', 'tín', 'ODA', 'Đầu tư', 'trung'])('%s is unknown', (text) => {
    expect(parseSource(text)).toEqual({ ok: false, error: { code: 'source.unknown', params: { text } } });
  });

  it('reads back its own labels in both languages', () => {
    for (const lang of LANGS) {
      for (const source of SOURCES) {
        expect(parseSource(SOURCE_LABELS[lang][source])).toEqual({ ok: true, value: source });
      }
    }
  });
});

describe('parseCapital', () => {
  it.each([
    ['Đầu tư', 'investment'],
    ['đầu tư'.normalize('NFD'), 'investment'],
    ['dau tu', 'investment'],
    ['ĐTPT', 'investment'],
    ['ÐTPT', 'investment'],
    ['Đầu tư phát triển', 'investment'],
    ['vốn đầu tư', 'investment'],
    ['Vốn đầu tư phát triển', 'investment'],
    ['XDCB', 'investment'],
    ['investment', 'investment'],
    ['Sự nghiệp', 'recurrent'],
    ['SN', 'recurrent'],
    ['su nghiep', 'recurrent'],
    ['vốn sự nghiệp', 'recurrent'],
    ['Kinh phí sự nghiệp', 'recurrent'],
    ['thường xuyên', 'recurrent'],
    ['chi thường xuyên', 'recurrent'],
    ['Recurrent', 'recurrent'],
  ])('%s → %s', (text, expected) => {
    expect(parseCapital(text)).toEqual({ ok: true, value: expected });
  });

  it.each(['', 'vốn', 'NSTW', 'capital', 'đầu'])('%s is unknown', (text) => {
    expect(parseCapital(text)).toEqual({ ok: false, error: { code: 'capital.unknown', params: { text } } });
  });

  it('reads back its own labels in both languages', () => {
    for (const lang of LANGS) {
      for (const capital of CAPITAL_TYPES) {
        expect(parseCapital(CAPITAL_LABELS[lang][capital])).toEqual({ ok: true, value: capital });
      }
    }
  });
});

describe('parseYear', () => {
  it.each([
    ['2023', 2023],
    [' 2022 ', 2022],
    ['1990', 1990],
    ['2100', 2100],
    ['năm 2023', 2023],
    ['Năm 2024', 2024],
    ['year 2025', 2025],
  ])('%s → %d', (text, expected) => {
    expect(parseYear(text)).toEqual({ ok: true, value: expected });
  });

  it.each(['', '1989', '2101', '23', '2.023', '2023,0', '20233', 'abcd', '2023a'])('%s is not a year', (text) => {
    expect(parseYear(text)).toEqual({ ok: false, error: { code: 'year.invalid', params: { text } } });
  });
});

describe('labels', () => {
  it('have the Vietnamese and English words', () => {
    expect(SOURCE_LABELS.vi).toEqual({ central: 'NSTW', local: 'NSĐP', other: 'Khác' });
    expect(SOURCE_LABELS.en).toEqual({ central: 'Central', local: 'Local', other: 'Other' });
    expect(CAPITAL_LABELS.vi).toEqual({ investment: 'Đầu tư', recurrent: 'Sự nghiệp' });
    expect(CAPITAL_LABELS.en).toEqual({ investment: 'Investment', recurrent: 'Recurrent' });
  });

  it('use Đ (U+0110), never the look-alike Ð', () => {
    expect(SOURCE_LABELS.vi.local).toContain('\u0110');
    expect(CAPITAL_LABELS.vi.investment.startsWith('\u0110')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { CAPITAL_LABELS, METHOD_LABELS, SOURCE_LABELS, parseCapital, parseMethod, parseSource, parseYear, parseYesNo } from '../../src/domain/cell-input';
import { blankLine, readFieldInput, setLineField } from '../../src/domain/edit';
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

describe('projection cells', () => {
  it('reads a projection method in either language, or blank for the workbook’s', () => {
    expect(parseMethod('Dồn cuối năm')).toEqual({ ok: true, value: 'backloaded' });
    expect(parseMethod('tuyen tinh')).toEqual({ ok: true, value: 'linear' });
    expect(parseMethod("Last year's months")).toEqual({ ok: true, value: 'lastYear' });
    expect(parseMethod('  ')).toEqual({ ok: true, value: null });
    for (const lang of ['vi', 'en'] as Lang[]) for (const [m, label] of Object.entries(METHOD_LABELS[lang])) expect(parseMethod(label)).toEqual({ ok: true, value: m });
    expect(parseMethod('nhanh')).toMatchObject({ ok: false, error: { code: 'method.unknown' } });
  });

  it('reads yes and no as users write them, refusing anything else', () => {
    for (const yes of ['Có', 'co', 'x', 'Yes', '1']) expect(parseYesNo(yes)).toEqual({ ok: true, value: true });
    for (const no of ['Không', 'khong', '', 'no', '0']) expect(parseYesNo(no)).toEqual({ ok: true, value: false });
    expect(parseYesNo('có lẽ')).toMatchObject({ ok: false, error: { code: 'yesno.unknown' } });
  });

  it('a month’s actual and a confirmed carry-over are amounts in the displayed unit, never negative', () => {
    const ctx = { unit: 'trieu', locale: 'vi' } as const;
    expect(readFieldInput('m3', '12,5', ctx)).toEqual({ ok: true, value: 12_500_000 });
    expect(readFieldInput('m13', '', ctx)).toEqual({ ok: true, value: null });
    expect(readFieldInput('carryConfirmed', '4.250,784', ctx)).toEqual({ ok: true, value: 4_250_784_000 });
    expect(readFieldInput('m1', '-5', ctx)).toMatchObject({ ok: false, error: { code: 'amount.negative' } });
    expect(readFieldInput('m2', 'năm', ctx)).toMatchObject({ ok: false });
    const line = setLineField(setLineField(blankLine('l', 'n', 0, 2023), 'm2', 7), 'm2', null);
    expect(line.months).toBeUndefined();
  });
});

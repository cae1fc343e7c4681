import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldForMatch, foldToKey, normalizeText } from '../../src/domain/text';

describe('normalizeText', () => {
  it.each([
    ['NFD accents become NFC', 'Lạng Sơn'.normalize('NFD'), 'Lạng Sơn'],
    ['non-breaking space', 'Cao\u00A0Lộc', 'Cao Lộc'],
    ['narrow no-break and thin spaces', '4\u202F329\u2009000', '4 329 000'],
    ['ideographic space and tabs', 'a\u3000\tb', 'a b'],
    ['runs of spaces and line breaks collapse', '  Phòng   LĐ-TB&XH\r\n huyện  ', 'Phòng LĐ-TB&XH huyện'],
    ['Ð (U+00D0) becomes Đ (U+0110)', 'Sở LÐ-TB&XH', 'Sở L\u0110-TB&XH'],
    ['ð (U+00F0) becomes đ (U+0111)', 'ðồng', '\u0111ồng'],
    ['zero-width space and soft hyphen are dropped', 'Trung\u200B tâm\u00AD', 'Trung tâm'],
    ['BOM is dropped', '\uFEFFNSTW', 'NSTW'],
    ['empty stays empty', '', ''],
    ['only spaces', '\u00A0 \t', ''],
  ])('%s', (_, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('composes accents that an invisible character had separated', () => {
    expect(normalizeText('a\u200B\u0301')).toBe('á');
  });

  it('keeps Vietnamese letters and case', () => {
    expect(normalizeText('Hoà Cư, Thạch Đạn')).toBe('Hoà Cư, Thạch Đạn');
  });

  it('is idempotent and leaves no look-alikes, double spaces or edge spaces', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'Đ', 'Ð', 'ð', ' ', '\u00A0', '\t', '\u0301', 'e', '\u200B', 'ơ') }), (s) => {
        const n = normalizeText(s);
        expect(normalizeText(n)).toBe(n);
        expect(n).not.toMatch(/[\u00D0\u00F0\u00A0\t]| {2}|^ | $/);
        expect(n.normalize('NFC')).toBe(n);
      }),
    );
  });
});

describe('foldForMatch', () => {
  it('matches names that differ only in case, form, spaces and look-alikes', () => {
    expect(foldForMatch('SỞ LÐ-TB&XH')).toBe(foldForMatch('sở lđ-tb&xh'));
    expect(foldForMatch('Trung tâm Y tế huyện'.normalize('NFD'))).toBe(foldForMatch('trung\u00A0tâm y  tế HUYỆN'));
    expect(foldForMatch('Đạn')).toBe('đạn');
  });

  it('keeps diacritics, so different words stay different', () => {
    expect(foldForMatch('Hoà')).not.toBe(foldForMatch('Hoa'));
    expect(foldForMatch('Lộc')).not.toBe(foldForMatch('Lốc'));
    expect(foldForMatch('Lộc')).toBe('lộc');
  });

  it.each([
    ['Hòa Cư', 'hoà cư'],
    ['HÒA CƯ', 'hoà cư'],
    ['Ủy ban nhân dân', 'uỷ ban nhân dân'],
    ['thủy lợi', 'thuỷ lợi'],
    ['sức khỏe', 'sức khoẻ'],
    ['Hóa', 'hoá'],
    ['Hòa'.normalize('NFD'), 'hoà'],
  ])('folds old-style tone placement: %s → %s', (input, expected) => {
    expect(foldForMatch(input)).toBe(expected);
    expect(foldForMatch(expected)).toBe(expected);
  });

  it.each(['mùa', 'của', 'quý', 'quà', 'hoàng', 'khuya', 'hoặc', 'thuế', 'lúa'])('leaves %s alone (tone already where both styles put it)', (word) => {
    expect(foldForMatch(word)).toBe(word);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('o', 'u', 'a', 'e', 'y', 'q', 'h', ' ', '\u0300', '\u0309', 'Ð', 'Ò') }), (s) => {
        const f = foldForMatch(s);
        expect(foldForMatch(f)).toBe(f);
        expect(f).toBe(f.toLowerCase());
      }),
    );
  });
});

describe('foldToKey', () => {
  it.each([
    ['Ngân sách Trung ương', 'ngansachtrunguong'],
    ['NSĐP', 'nsdp'],
    ['NSÐP', 'nsdp'],
    ['ĐTPT', 'dtpt'],
    ['Sự nghiệp', 'sunghiep'],
    ['N.S. T.W', 'nstw'],
    ['địa phương'.normalize('NFD'), 'diaphuong'],
  ])('%s → %s', (input, key) => {
    expect(foldToKey(input)).toBe(key);
  });
});

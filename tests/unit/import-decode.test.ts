import { describe, expect, it } from 'vitest';
import { decodeText, looksLikeOle, looksLikeText, looksLikeZip } from '../../src/io/decode';
import { utf8 } from './import-helpers';

const TEXT = 'Nội dung;Kế hoạch vốn\r\nPhòng LĐ-TB&XH-DT;5.436\r\n';
const utf16le = (s: string) => {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) [out[2 * i], out[2 * i + 1]] = [s.charCodeAt(i) & 0xff, s.charCodeAt(i) >> 8];
  return out;
};
const utf16be = (s: string) => {
  const le = utf16le(s);
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return le;
};
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

// "Lộc Yên" in Windows-1258: base letters of the code page, tone marks as bytes of their own
// (ô = 0xF4, dot below = 0xF2, ê = 0xEA), so the decoded text arrives decomposed.
const LOC_YEN_1258 = Uint8Array.from([0x4c, 0xf4, 0xf2, 0x63, 0x20, 0x59, 0xea, 0x6e]);

describe('decodeText', () => {
  it.each([
    ['UTF-8 with BOM', concat(Uint8Array.from([0xef, 0xbb, 0xbf]), utf8(TEXT)), 'utf-8', true],
    ['UTF-8 without BOM', utf8(TEXT), 'utf-8', false],
    ['UTF-16 LE with BOM (Excel "Unicode Text")', concat(Uint8Array.from([0xff, 0xfe]), utf16le(TEXT)), 'utf-16le', true],
    ['UTF-16 BE with BOM', concat(Uint8Array.from([0xfe, 0xff]), utf16be(TEXT)), 'utf-16be', true],
    ['UTF-16 LE without BOM', utf16le(TEXT), 'utf-16le', false],
  ] as const)('%s', (_, bytes, encoding, bom) => {
    const d = decodeText(bytes);
    expect(d).toEqual({ text: TEXT, encoding, bom });
  });

  it('reads bytes that are not UTF-8 as Windows-1258 and composes them to NFC', () => {
    const d = decodeText(LOC_YEN_1258);
    expect(d.encoding).toBe('windows-1258');
    expect(d.text).toBe('Lộc Yên'.normalize('NFC'));
    expect(d.text).toBe(d.text.normalize('NFC'));
  });

  it('accepts an ArrayBuffer and empty input', () => {
    expect(decodeText(utf8('abc').buffer as ArrayBuffer).text).toBe('abc');
    expect(decodeText(new Uint8Array(0))).toEqual({ text: '', encoding: 'utf-8', bom: false });
  });
});

describe('sniffing', () => {
  it('tells zip, old Office and text files apart by their first bytes', () => {
    const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]);
    const ole = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect([looksLikeZip(zip), looksLikeOle(zip)]).toEqual([true, false]);
    expect([looksLikeZip(ole), looksLikeOle(ole), looksLikeText(ole)]).toEqual([false, true, false]);
    expect(looksLikeText(utf8(TEXT))).toBe(true);
    expect(looksLikeText(concat(Uint8Array.from([0xff, 0xfe]), utf16le(TEXT)))).toBe(true);
    expect(looksLikeText(LOC_YEN_1258)).toBe(true);
    expect(looksLikeText(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]))).toBe(false);
  });
});

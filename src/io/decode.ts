// Bytes of a text file → text, the way Excel and Vietnamese offices save them: UTF-8 with or
// without a BOM, UTF-16 LE/BE with a BOM ("Unicode Text"), or the Windows-1258 code page
// (Vietnamese "ANSI" CSV) when the bytes are not valid UTF-8. Says which encoding it used.

/** The encodings a text import can come in. */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1258';

export interface DecodedText {
  /** The text without its BOM. Windows-1258 text is composed to NFC (that code page writes tone
   * marks as separate characters). */
  text: string;
  encoding: TextEncodingName;
  /** The file began with a byte order mark. */
  bom: boolean;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

/** Share of zero bytes at even and odd offsets among the first 4 KB: UTF-16 text without a BOM
 * has one side full of zeros for Latin characters, which UTF-8 and Windows-1258 text never has. */
function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05) return 'utf-16be';
  return null;
}

/** Decodes the bytes by BOM, then as strict UTF-8, then as UTF-16 if they look like it, and
 * otherwise as Windows-1258 (which maps every byte, so decoding never fails). Never throws. */
export function decodeText(input: Uint8Array | ArrayBuffer): DecodedText {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8', bom: true };
  }
  if (startsWith(bytes, [0xff, 0xfe])) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le', bom: true };
  }
  if (startsWith(bytes, [0xfe, 0xff])) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be', bom: true };
  }
  const utf16 = utf16WithoutBom(bytes);
  if (utf16) return { text: new TextDecoder(utf16).decode(bytes), encoding: utf16, bom: false };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', bom: false };
  } catch {
    const text = new TextDecoder('windows-1258').decode(bytes).normalize('NFC');
    return { text, encoding: 'windows-1258', bom: false };
  }
}

/** The file's first bytes are those of a zip archive (xlsx, docx, ods…). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]);
}

/** The file's first bytes are those of an old binary Office document (.xls, .doc). */
export function looksLikeOle(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
}

/** The bytes are text rather than binary: no zero byte among the first 4 KB once decoded. */
export function looksLikeText(bytes: Uint8Array): boolean {
  const { text } = decodeText(bytes.subarray(0, 4096));
  // Tabs, line breaks and form feeds occur in text; NUL and the other C0 controls do not.
  return !/[\u0000-\u0008\u000E-\u001A]/.test(text);
}

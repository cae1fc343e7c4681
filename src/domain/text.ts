// Text as users paste it: one normal form for every string the workbench reads or compares.
// Owns Unicode normalisation (NFC), space folding and the Vietnamese look-alike folds (Ð → Đ).

// Every Unicode space (\s covers NBSP, U+2000–U+200A, U+202F, U+205F, U+3000, BOM, line breaks).
const SPACE_RUN = /\s+/g;
// Invisible characters that Word and web pages leave behind; they carry no meaning in a cell.
const INVISIBLE = /[\u200B\u2060\u00AD]/g;
// Characters typed for Đ/đ because they look the same: Icelandic eth (U+00D0, U+00F0).
const LOOK_ALIKES: Record<string, string> = { '\u00D0': '\u0110', '\u00F0': '\u0111' };
const LOOK_ALIKE_RE = /[\u00D0\u00F0]/g;
// Anything normalizeText would change: a look-alike, an invisible character, a space other than
// U+0020, two spaces, a space at either end, a combining mark (text not in NFC). The marks are
// listed as code points, each a member of the class on its own, never combined with the one before.
/* eslint-disable no-misleading-character-class */
const NEEDS_WORK =
  /[\u00D0\u00F0\u200B\u2060\u00AD\u0300-\u036F\u1AB0-\u1AFF\u1DC0-\u1DFF\u20D0-\u20FF\uFE20-\uFE2F\t\n\v\f\r\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]| {2}|^ | $/;
/* eslint-enable no-misleading-character-class */

/** NFC, look-alikes folded (Ð → Đ, ð → đ), invisible characters dropped, every run of Unicode
 * whitespace turned into one plain space, trimmed. Idempotent. */
export function normalizeText(s: string): string {
  // Most cells are already clean: no look-alike, no invisible or unusual space, no combining mark,
  // no run or edge of spaces. They are returned as they are, without building four new strings.
  if (!NEEDS_WORK.test(s)) return s;
  return s
    .replace(INVISIBLE, '')
    .replace(LOOK_ALIKE_RE, (c) => LOOK_ALIKES[c])
    .normalize('NFC')
    .replace(SPACE_RUN, ' ')
    .trim();
}

// Tone marks in NFD: grave, acute, tilde, hook above, dot below.
const TONE = '[\\u0300\\u0301\\u0303\\u0309\\u0323]';
// Old-style tone placement on the open syllables oa, oe, uy ("hòa", "khỏe", "ủy"), moved to the
// new style ("hoà", "khoẻ", "uỷ"): both spellings are correct and both occur in documents. Only at
// the end of a word (with a final consonant, "hoàng", both styles agree), never on ua ("mùa", where
// u is the main vowel) and not after q ("quý", where u belongs to the consonant).
const OLD_STYLE_TONE = new RegExp(`(?:o(${TONE})([ae])|(?<!q)u(${TONE})y)(?![\\p{L}\\p{M}])`, 'gu');

/** normalizeText, lower-case, and one tone placement for oa/oe/uy, so "SỞ LÐ-TB&XH" matches
 * "sở lđ-tb&xh" and "Hòa Cư" matches "Hoà Cư"; keeps every diacritic, so "Lộc" and "Lốc" differ.
 * For comparing names. Idempotent. */
export function foldForMatch(s: string): string {
  return normalizeText(s)
    .toLowerCase()
    .normalize('NFD')
    .replace(OLD_STYLE_TONE, (_, oTone?: string, oVowel?: string, uTone?: string) => (oTone ? `o${oVowel}${oTone}` : `uy${uTone}`))
    .normalize('NFC');
}

/** foldForMatch without diacritics or punctuation ("Ngân sách Trung ương" → "ngansachtrunguong"):
 * a loose key for recognising keywords, too lossy for comparing names. */
export function foldToKey(s: string): string {
  return foldForMatch(s)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

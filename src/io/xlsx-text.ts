// The XML of an .xlsx as the fast reader (xlsx-read.ts, xlsx-book.ts) reads it: text with its
// references and Excel's _xHHHH_ escapes resolved, the tags of a small part (workbook, content
// types, relationships, styles) with their attributes, the text of a string item (<si>, <is>), and
// A1 cell references and ranges. Each is written from the formats (XML 1.0; ECMA-376 Part 1,
// SpreadsheetML) and reads only what it is sure of: the reader must give exactly what SheetJS gave
// the import, so wherever a file is written in a way SheetJS could read otherwise than the format
// says (a reference to a character past U+FFFF, an entity or escape in capitals, a comment or CDATA
// section, an attribute written unusually, a malformed cell reference), these give null (or throw
// Unsure) and the file is left to SheetJS. The texts are the parts as decoded from UTF-8. Pure.

import type { CellRange } from './import-types';
import { MAX_COLUMNS, MAX_ROWS } from './import-types';

/** Thrown where a part is written in a way this reader is not sure SheetJS reads alike. */
export class Unsure extends Error {}

/** The value, or Unsure when there is none (null or undefined). */
export function sure<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Unsure(what);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Text

const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

/** A character XML lets a reference stand for, in the Basic Multilingual Plane (XML 1.0 §2.2). */
const isXmlChar = (n: number): boolean => n === 0x9 || n === 0xa || n === 0xd || (n >= 0x20 && n <= 0xd7ff) || (n >= 0xe000 && n <= 0xfffd);

/** The number written in `s` from `from` in base 10 or 16; -1 when it holds anything else or
 * passes U+FFFF. */
function codePoint(s: string, from: number, hex: boolean): number {
  if (from >= s.length) return -1;
  let n = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let digit: number;
    if (c >= 48 && c <= 57) digit = c - 48;
    else if (hex && c >= 97 && c <= 102) digit = c - 87;
    else if (hex && c >= 65 && c <= 70) digit = c - 55;
    else return -1;
    n = n * (hex ? 16 : 10) + digit;
    if (n > 0xffff) return -1;
  }
  return n;
}

/**
 * XML character data with its references resolved (XML 1.0 §4.1, §4.6): &amp; &lt; &gt; &quot;
 * &apos;, &#NNN; and &#xHHH;. Null for text this does not read like SheetJS: markup or a CDATA
 * section inside it, a literal CR (XML reads CR LF as LF, SheetJS keeps the CR), an "&" that does
 * not begin one of those references (an entity in capitals, &#X…;), a reference to a character XML
 * does not allow or past U+FFFF (SheetJS keeps 16 bits of it). `asciiOnly`: also null when a
 * reference stands for a character past ASCII.
 */
function resolveReferences(raw: string, asciiOnly: boolean): string | null {
  if (raw.indexOf('<') >= 0 || raw.indexOf('\r') >= 0) return null;
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  const pieces: string[] = [];
  let done = 0;
  while (amp >= 0) {
    const semi = raw.indexOf(';', amp + 1);
    if (semi < 0) return null;
    let ch: string | undefined;
    if (raw.charCodeAt(amp + 1) === 35) {
      const name = raw.slice(amp + 2, semi);
      const hex = name.charCodeAt(0) === 120;
      const n = codePoint(name, hex ? 1 : 0, hex);
      if (!isXmlChar(n) || (asciiOnly && n > 0x7f)) return null;
      ch = String.fromCharCode(n);
    } else ch = PREDEFINED.get(raw.slice(amp + 1, semi));
    if (ch === undefined) return null;
    pieces.push(raw.slice(done, amp), ch);
    done = semi + 1;
    amp = raw.indexOf('&', done);
  }
  pieces.push(raw.slice(done));
  return pieces.join('');
}

const isHexDigit = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/**
 * Excel's escapes resolved (ECMA-376 Part 1, ST_Xstring): "_xHHHH_" stands for the UTF-16
 * unit HHHH, so that a string can hold what XML cannot (control characters); "_x005F_" is an
 * underscore that would otherwise begin one. Read left to right, each escape once. Null when the
 * text holds one written with a capital X, which SheetJS reads as an escape and the format does
 * not; `asciiOnly`: also when an escape stands for a character past ASCII.
 */
function resolveEscapes(s: string, asciiOnly: boolean): string | null {
  let at = s.indexOf('_');
  if (at < 0) return s;
  const pieces: string[] = [];
  let done = 0;
  for (; at >= 0 && at + 6 < s.length; at = s.indexOf('_', at + 1)) {
    const x = s.charCodeAt(at + 1);
    if ((x !== 120 && x !== 88) || s.charCodeAt(at + 6) !== 95) continue;
    if (!(isHexDigit(s.charCodeAt(at + 2)) && isHexDigit(s.charCodeAt(at + 3)) && isHexDigit(s.charCodeAt(at + 4)) && isHexDigit(s.charCodeAt(at + 5)))) continue;
    const unit = parseInt(s.slice(at + 2, at + 6), 16);
    if (x === 88 || (asciiOnly && unit > 0x7f)) return null;
    pieces.push(s.slice(done, at), String.fromCharCode(unit));
    done = at + 7;
    // The next escape may begin no earlier than after this one.
    at = done - 1;
  }
  if (done === 0) return s;
  pieces.push(s.slice(done));
  return pieces.join('');
}

/** A line break in a cell's text is kept as LF: Excel writes CR LF as "_x000D_" and a LF. */
const lineFeeds = (s: string): string => (s.indexOf('\r') < 0 ? s : s.split('\r\n').join('\n'));

/**
 * The characters of an .xlsx text or attribute value as written (`raw`): XML's references, then
 * Excel's escapes (a layer above XML: "&#95;x0041_" is "A"). `cell`: a cell's text, line breaks
 * kept as LF. Null where unsure (see resolveReferences and resolveEscapes).
 */
export function decodeText(raw: string, cell: boolean): string | null {
  // Most text has nothing to resolve.
  if (raw.indexOf('&') < 0 && raw.indexOf('_') < 0 && raw.indexOf('<') < 0 && raw.indexOf('\r') < 0) return raw;
  const text = resolveReferences(raw, false);
  const out = text === null ? null : resolveEscapes(text, false);
  return out !== null && cell ? lineFeeds(out) : out;
}

/** What a second reading of a text could still change: an "&", markup, an escape. */
const READS_AGAIN = /[&<]|_[xX][\dA-Fa-f]{4}_/;

/**
 * The text of a "str" cell (a formula's text). SheetJS resolves its references and escapes on the
 * undecoded bytes, then decodes them and resolves them again: that gives the one correct reading
 * only when every reference and escape stands for an ASCII character and the text, once read,
 * holds nothing a second reading would change. Null otherwise.
 */
export function decodeFormulaText(raw: string): string | null {
  if (raw.indexOf('&') < 0 && raw.indexOf('_') < 0 && raw.indexOf('<') < 0 && raw.indexOf('\r') < 0) return raw;
  const text = resolveReferences(raw, true);
  const out = text === null ? null : resolveEscapes(text, true);
  if (out === null || (out !== raw && READS_AGAIN.test(out))) return null;
  return lineFeeds(out);
}

// ---------------------------------------------------------------------------------------------
// Tags

/** One start, end or empty-element tag of a part. */
export class Tag {
  constructor(
    /** The name as written, prefix included ("x:sheet"). */
    readonly name: string,
    /** The name without its prefix ("sheet"). */
    readonly local: string,
    /** "start" (<a>), "end" (</a>) or "empty" (<a/>). */
    readonly kind: 'start' | 'end' | 'empty',
    /** Where the tag starts and where it ends (after its ">") in the text. */
    readonly from: number,
    readonly to: number,
    /** Attributes by their name without prefix (lower case) → [the name as written, the value as written]. */
    private readonly attributes: Map<string, [string, string]>,
    /** The element this one is in (its local name; "" at the top), and how many elements it is in. */
    readonly parent: string,
    readonly depth: number,
  ) {}

  /** An attribute's value as written, by its name without prefix; undefined without one. Throws
   * Unsure for the name written in other capitals (SheetJS finds a lower-case name either way). */
  get(name: string): string | undefined {
    const a = this.attributes.get(name.toLowerCase());
    if (a === undefined) return undefined;
    if (a[0] !== name) throw new Unsure(`attribute ${a[0]}`);
    return a[1];
  }

  /** How many attributes the tag has (namespace declarations left out). */
  get size(): number {
    return this.attributes.size;
  }
}

const isNameStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isNameChar = (c: number): boolean => isNameStart(c) || (c >= 48 && c <= 57) || c === 45;
const isTagSpace = (c: number): boolean => c === 32 || c === 10 || c === 13;

/** The end of a name from `at` (ASCII letters, digits and "-"), with at most one prefix of letters
 * and digits (SheetJS drops only such a prefix); `at` when there is none. */
function nameEnd(xml: string, at: number): number {
  if (!isNameStart(xml.charCodeAt(at))) return at;
  let i = at + 1;
  let hyphen = false;
  for (let c = xml.charCodeAt(i); isNameChar(c); c = xml.charCodeAt(++i)) hyphen ||= c === 45;
  if (!hyphen && xml.charCodeAt(i) === 58 && isNameStart(xml.charCodeAt(i + 1))) {
    i += 2;
    while (isNameChar(xml.charCodeAt(i))) i++;
  }
  return i;
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/**
 * The tag that begins at `at` (a "<" followed by a name or "/"), or null when it is not written as
 * this reads tags: names of ASCII letters, digits and "-" (see nameEnd); attributes
 * name="value" or name='value' separated by spaces or line breaks (no tab, no space around "="),
 * values without "<", ">", tab or line break (XML would turn those into spaces); no two attributes
 * with the same name without prefix, in any capitals. Namespace declarations (xmlns:p) are left
 * out; the default one is kept as "xmlns".
 */
export function parseTag(xml: string, at: number, parent = '', depth = 0): Tag | null {
  const end = xml.charCodeAt(at + 1) === 47;
  const nameFrom = end ? at + 2 : at + 1;
  let i = nameEnd(xml, nameFrom);
  if (i === nameFrom) return null;
  const name = xml.slice(nameFrom, i);
  const attributes = new Map<string, [string, string]>();
  if (end) return xml.charCodeAt(i) === 62 ? new Tag(name, localName(name), 'end', at, i + 1, attributes, parent, depth) : null;
  for (;;) {
    const c = xml.charCodeAt(i);
    if (c === 62) return new Tag(name, localName(name), 'start', at, i + 1, attributes, parent, depth);
    if (c === 47) return xml.charCodeAt(i + 1) === 62 ? new Tag(name, localName(name), 'empty', at, i + 2, attributes, parent, depth) : null;
    if (!isTagSpace(c)) return null;
    while (isTagSpace(xml.charCodeAt(i))) i++;
    const from = i;
    i = nameEnd(xml, from);
    if (i === from) continue;
    const quote = xml.charCodeAt(i + 1);
    if (xml.charCodeAt(i) !== 61 || (quote !== 34 && quote !== 39)) return null;
    const attribute = xml.slice(from, i);
    const close = xml.indexOf(quote === 34 ? '"' : "'", i + 2);
    if (close < 0) return null;
    const value = xml.slice(i + 2, close);
    if (/[<>\t\n\r]/.test(value)) return null;
    i = close + 1;
    if (attribute.startsWith('xmlns:')) continue;
    const key = localName(attribute).toLowerCase();
    if (attributes.has(key)) return null;
    attributes.set(key, [localName(attribute), value]);
    // An attribute must be followed by a space, a line break or the tag's end.
    const next = xml.charCodeAt(i);
    if (!isTagSpace(next) && next !== 62 && next !== 47) return null;
  }
}

/**
 * The tags of a small part, in order, each with the element it is in; the text between them is not
 * read. Null for a part that is not well formed as parseTag reads tags (each end tag closing the
 * element last opened, one element at the top), or that holds a comment, CDATA section or document
 * type (<!…>) or a processing instruction other than the XML declaration.
 */
export function readTags(xml: string): Tag[] | null {
  const tags: Tag[] = [];
  const open: Tag[] = [];
  let roots = 0;
  for (let at = xml.indexOf('<'); at >= 0;) {
    const next = xml.charCodeAt(at + 1);
    if (next === 33) return null;
    if (next === 63) {
      const close = xml.indexOf('?>', at);
      if (close < 0 || !/^<\?xml[ ?]/.test(xml.slice(at, at + 6)) || tags.length > 0) return null;
      at = xml.indexOf('<', close + 2);
      continue;
    }
    const closes = xml.charCodeAt(at + 1) === 47;
    const depth = open.length - (closes ? 1 : 0);
    const tag = parseTag(xml, at, depth > 0 ? open[depth - 1].local : '', depth);
    if (!tag) return null;
    if (tag.kind === 'end') {
      if (open.pop()?.name !== tag.name) return null;
    } else {
      if (open.length === 0 && ++roots > 1) return null;
      if (tag.kind === 'start') open.push(tag);
    }
    tags.push(tag);
    at = xml.indexOf('<', tag.to);
  }
  return open.length === 0 && roots === 1 ? tags : null;
}

// ---------------------------------------------------------------------------------------------
// String items

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;

function skipSpace(xml: string, at: number, to: number): number {
  while (at < to && isSpace(xml.charCodeAt(at))) at++;
  return at;
}

/** Whether the element at `at` is named `name` (no prefix): "<name" followed by a space, ">" or "/". */
function startsElement(xml: string, at: number, name: string): boolean {
  if (xml.charCodeAt(at) !== 60 || !xml.startsWith(name, at + 1)) return false;
  const c = xml.charCodeAt(at + 1 + name.length);
  return c === 62 || c === 47 || isTagSpace(c);
}

/** A <t> element at `at`: [its text as written, the index after it]; null when it is not a <t>
 * with text only (no markup or CDATA inside). */
function readT(xml: string, at: number, to: number): [string, number] | null {
  let from: number;
  if (xml.startsWith('<t>', at)) from = at + 3;
  else {
    const tag = parseTag(xml, at);
    if (!tag || tag.name !== 't' || tag.kind === 'end' || tag.to > to) return null;
    if (tag.kind === 'empty') return ['', tag.to];
    from = tag.to;
  }
  const close = xml.indexOf('<', from);
  if (close < 0 || close + 4 > to || !xml.startsWith('</t>', close)) return null;
  return [xml.slice(from, close), close + 4];
}

/** The properties a rich-text run may have (ECMA-376 Part 1, 18.4.7 CT_RPrElt), each an empty element. */
const RUN_PROPERTIES = new Set(['rFont', 'charset', 'family', 'b', 'i', 'strike', 'outline', 'shadow', 'condense', 'extend', 'color', 'sz', 'u', 'vertAlign', 'scheme']);

/** Past a run's properties (<rPr>…</rPr>) at `at`; -1 when it holds anything but those. */
function skipRunProperties(xml: string, at: number, to: number): number {
  const tag = parseTag(xml, at);
  if (!tag || tag.name !== 'rPr' || tag.kind === 'end') return -1;
  if (tag.kind === 'empty') return tag.to;
  for (let i = skipSpace(xml, tag.to, to); ; i = skipSpace(xml, i, to)) {
    if (xml.startsWith('</rPr>', i)) return i + 6;
    const inner = xml.charCodeAt(i + 1) === 47 ? null : parseTag(xml, i);
    if (!inner || inner.kind !== 'empty' || inner.to > to || !RUN_PROPERTIES.has(inner.name)) return -1;
    i = inner.to;
  }
}

/** Past a phonetic run (<rPh>…</rPh>, the reading of East Asian text, not part of the string) or
 * the phonetic properties (<phoneticPr …/>) at `at`; -1 when neither is there, written plainly. */
function skipPhonetic(xml: string, at: number, to: number): number {
  if (startsElement(xml, at, 'phoneticPr')) {
    const tag = parseTag(xml, at);
    return tag && tag.kind === 'empty' && tag.to <= to ? tag.to : -1;
  }
  if (!startsElement(xml, at, 'rPh')) return -1;
  const tag = parseTag(xml, at);
  if (!tag || tag.kind !== 'start') return -1;
  const inner = skipSpace(xml, tag.to, to);
  const t = readT(xml, inner, to);
  if (!t) return -1;
  const end = skipSpace(xml, t[1], to);
  return xml.startsWith('</rPh>', end) && end + 6 <= to ? end + 6 : -1;
}

/**
 * The text of a string item (ECMA-376 Part 1, 18.4.8 CT_Rst: the content of a shared string's <si>,
 * or a cell's <is>) between `from` and `to`: its <t>, or the <t> of each rich-text run <r> joined,
 * phonetic runs left out; a line break kept as LF. "" for an empty item. Null for an item written
 * otherwise (a prefix, other elements, text outside the elements, a <t/> followed by anything) or
 * whose text decodeText is not sure of.
 */
export function readStringItem(xml: string, from: number, to: number): string | null {
  let at = skipSpace(xml, from, to);
  if (at === to) return '';
  // The usual item, a <t> with text and nothing after it.
  if (startsElement(xml, at, 't')) {
    const t = readT(xml, at, to);
    if (!t) return null;
    if (t[0] === '' && xml.charCodeAt(t[1] - 2) === 47) {
      // <t/>: SheetJS reads what follows it as text; only an item that ends there is read here.
      return t[1] === to ? '' : null;
    }
    for (at = skipSpace(xml, t[1], to); at < to; at = skipSpace(xml, at, to)) {
      at = skipPhonetic(xml, at, to);
      if (at < 0) return null;
    }
    return decodeText(t[0], true);
  }
  if (!startsElement(xml, at, 'r')) return null;
  const runs: string[] = [];
  while (at < to) {
    if (startsElement(xml, at, 'r')) {
      if (!xml.startsWith('<r>', at)) return null;
      at = skipSpace(xml, at + 3, to);
      if (startsElement(xml, at, 'rPr')) {
        at = skipRunProperties(xml, at, to);
        if (at < 0) return null;
        at = skipSpace(xml, at, to);
      }
      const t = readT(xml, at, to);
      if (!t) return null;
      runs.push(t[0]);
      at = skipSpace(xml, t[1], to);
      if (!xml.startsWith('</r>', at)) return null;
      at += 4;
    } else {
      at = skipPhonetic(xml, at, to);
      if (at < 0) return null;
    }
    at = skipSpace(xml, at, to);
  }
  return decodeRuns(runs);
}

/** The runs' texts, each read, joined. SheetJS reads them joined: an escape split between two runs
 * ("_x00" "41_") would read otherwise there, and gives null. */
function decodeRuns(runs: string[]): string | null {
  const texts: string[] = [];
  for (const raw of runs) {
    const text = decodeText(raw, false);
    if (text === null) return null;
    texts.push(text);
  }
  const joined = texts.join('');
  if (runs.length > 1 && runs.some((r) => r.indexOf('_') >= 0) && decodeText(runs.join(''), false) !== joined) return null;
  return lineFeeds(joined);
}

// ---------------------------------------------------------------------------------------------
// Cell references

/** The end of an A1 reference from `at` in `ref`, with its row and column (0-based) in `out`;
 * -1 when there is none: one to three capital letters, a row number without leading zero, both
 * inside Excel's grid. */
function readA1(ref: string, at: number, out: { row: number; col: number }): number {
  let col = 0;
  let i = at;
  for (let c = ref.charCodeAt(i); c >= 65 && c <= 90 && i - at < 3; c = ref.charCodeAt(++i)) col = col * 26 + (c - 64);
  if (i === at || ref.charCodeAt(i) === 48) return -1;
  const digits = i;
  let row = 0;
  for (let c = ref.charCodeAt(i); c >= 48 && c <= 57 && i - digits < 8; c = ref.charCodeAt(++i)) row = row * 10 + (c - 48);
  if (i === digits || row > MAX_ROWS || col > MAX_COLUMNS) return -1;
  out.row = row - 1;
  out.col = col - 1;
  return i;
}

/** An A1 cell reference ("B12") as its 0-based row and column; null when it is not one (see readA1). */
export function readCellRef(ref: string): { row: number; col: number } | null {
  const at = { row: 0, col: 0 };
  return readA1(ref, 0, at) === ref.length ? at : null;
}

/** A range of cells ("B2:D4", or one cell "B2"), 0-based; null when it is not one, or it ends
 * before it starts. */
export function readRange(ref: string): CellRange | null {
  const start = { row: 0, col: 0 };
  const i = readA1(ref, 0, start);
  if (i === ref.length) return { top: start.row, left: start.col, bottom: start.row, right: start.col };
  const end = { row: 0, col: 0 };
  if (i < 0 || ref.charCodeAt(i) !== 58 || readA1(ref, i + 1, end) !== ref.length) return null;
  if (end.row < start.row || end.col < start.col) return null;
  return { top: start.row, left: start.col, bottom: end.row, right: end.col };
}

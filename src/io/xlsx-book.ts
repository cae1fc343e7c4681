// The workbook around an .xlsx's sheets, for the fast reader (xlsx-read.ts): the parts that
// [Content_Types].xml declares; the sheets in the workbook's order with their names, whether they
// are hidden, their parts (through the workbook's relationships) and their own relationships; the
// date system; each cell style's way of showing a number (a date, a percentage or neither, decided
// once per style); and the shared strings. Read from the formats (ECMA-376 Part 1, SpreadsheetML;
// Part 2, the Open Packaging Conventions) and only as far as this reader is sure SheetJS, which the
// import used before it, reads the same: a part named or placed unusually, an attribute SheetJS
// would read otherwise, a number format whose showing as a date this is not sure of, or what would
// make SheetJS stop or add cells (document properties or metadata it cannot read, a declared part
// missing, comments and notes past the grid) makes readBook give null, and the file is read by
// SheetJS. Pure: the parts' texts in, the workbook out.

import { MAX_COLUMNS, MAX_ROWS } from './import-types';
import { showsPercent } from './workbook-cells';
import type { XlsxPart } from './workbook-guard';
import type { Tag } from './xlsx-text';
import { Unsure, decodeText, parseTag, readCellRef, readStringItem, readTags, sure } from './xlsx-text';

/** How a cell style shows a number: as it is, as a date, as a percentage, or this reader is not
 * sure (a number in such a cell leaves the file to SheetJS). */
export const PLAIN = 0;
export const DATE = 1;
export const PERCENT = 2;
export const UNSURE = 3;

export interface BookSheet {
  name: string;
  /** Hidden or very hidden in the workbook. */
  hidden: boolean;
  /** The worksheet part's text. */
  text: string;
}

export interface Book {
  date1904: boolean;
  /** The shared strings' texts, in order; null for one this reader is not sure of (a cell naming it
   * leaves the file to SheetJS). */
  strings: (string | null)[];
  /** Per cell style (a cell's s), PLAIN, DATE, PERCENT or UNSURE; empty when the file has no cell styles. */
  styles: Uint8Array;
  sheets: BookSheet[];
}

interface Relationship {
  type: string | undefined;
  /** The target as written (its references not resolved). */
  target: string;
}

const NS_CONTENT_TYPES = 'http://schemas.openxmlformats.org/package/2006/content-types';
const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/';
const WORKSHEET = [`${REL}worksheet`, 'http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet'];
const COMMENTS = [`${REL}comments`, 'http://schemas.microsoft.com/office/2017/10/relationships/threadedComment'];

type Kind = 'workbook' | 'strings' | 'styles' | 'metadata' | 'people' | 'extended';

/** The content types whose first part SheetJS reads (or would stop on), by what they hold. */
const CONTENT_TYPES: ReadonlyMap<string, Kind> = new Map([
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml', 'workbook'],
  ['application/vnd.ms-excel.sheet.macroEnabled.main+xml', 'workbook'],
  ['application/vnd.ms-excel.sheet.binary.macroEnabled.main', 'workbook'],
  ['application/vnd.ms-excel.addin.macroEnabled.main+xml', 'workbook'],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml', 'workbook'],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml', 'strings'],
  ['application/vnd.ms-excel.sharedStrings', 'strings'],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml', 'styles'],
  ['application/vnd.ms-excel.styles', 'styles'],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml', 'metadata'],
  ['application/vnd.ms-excel.sheetMetadata', 'metadata'],
  ['application/vnd.ms-excel.person+xml', 'people'],
  ['application/vnd.openxmlformats-officedocument.extended-properties+xml', 'extended'],
]);

/** Parts whose presence makes SheetJS read the zip as another kind of file. */
const OTHER_KINDS = ['META-INF/manifest.xml', 'objectdata.xml', 'Index/Document.iwa'];

/** The archive's parts by name, as SheetJS finds a part: regardless of capitals, the first of two
 * alike. */
class Parts {
  private readonly byName = new Map<string, XlsxPart>();
  constructor(parts: readonly XlsxPart[]) {
    for (const p of parts) {
      const key = p.name.toLowerCase();
      if (!this.byName.has(key)) this.byName.set(key, p);
    }
  }
  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }
  /** The part's text; undefined when there is no such part, null when its text is not known. */
  text(name: string): string | null | undefined {
    return this.byName.get(name.toLowerCase())?.text;
  }
  /** The part's text, which must be there and not be empty. */
  needed(name: string): string {
    const text = this.text(name);
    if (!text) throw new Unsure(`part ${name}`);
    return text;
  }
}

/** Archive names this reader finds as SheetJS does: printable ASCII, no backslash (SheetJS reads it
 * as a slash), no leading or doubled slash, no compound-file root. */
const isPlainName = (name: string): boolean => /^[\x21-\x7e][\x20-\x7e]*$/.test(name) && !/\\|^\/|\/\/|^root entry/i.test(name);

/** A part name from [Content_Types].xml (it begins with "/"; SheetJS also takes one without),
 * as an archive name. */
const archiveName = (partName: string): string => (partName.startsWith('/') ? partName.slice(1) : partName);

/** Where a part's relationships are: "_rels/<name>.rels" in its folder (ECMA-376 Part 2, 9.3). */
function relationshipsOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/**
 * The workbook of an .xlsx as SheetJS reads it for the import, or null when any of it is outside
 * what this reads with certainty (the caller then reads the file with SheetJS).
 */
export function readBook(list: readonly XlsxPart[]): Book | null {
  try {
    return read(list);
  } catch (e) {
    if (e instanceof Unsure) return null;
    throw e;
  }
}

function read(list: readonly XlsxPart[]): Book {
  if (!list.every((p) => isPlainName(p.name))) throw new Unsure('part name');
  const parts = new Parts(list);
  if (OTHER_KINDS.some((name) => parts.has(name))) throw new Unsure('another kind of file');
  const declared = readContentTypes(parts.needed('[Content_Types].xml'));
  checkPeripherals(parts, declared);

  const workbookPath = archiveName(sure(declared.get('workbook')?.[0], 'no workbook declared'));
  // The workbook in xl/ (as every writer puts it), so that its sheets are found as SheetJS finds them.
  if (!/^xl\/[\w.-]+\.xml$/i.test(workbookPath)) throw new Unsure('workbook part');
  const workbook = readWorkbook(parts.needed(workbookPath));
  const rels = readRelationships(parts.needed(relationshipsOf(workbookPath)));
  const strings = readDeclaredStrings(parts, declared.get('strings')?.[0]);
  const stylesName = declared.get('styles')?.[0];
  const styles = stylesName === undefined ? new Uint8Array(0) : readStyles(parts.needed(binaryless(archiveName(stylesName))));

  const names = new Set<string>();
  const sheets = workbook.sheets.map((s): BookSheet => {
    // SheetJS keys its sheets by name: two alike, or one named like an object's prototype, go astray.
    if (names.has(s.name) || s.name === '__proto__') throw new Unsure('sheet name');
    names.add(s.name);
    const rel = sure(rels.get(s.id), 'sheet relationship');
    // Another kind of sheet (a chart, dialog or macro sheet), which SheetJS reads otherwise.
    if (!WORKSHEET.includes(rel.type ?? '')) throw new Unsure('sheet type');
    const path = binaryless(worksheetPath(sure(decodeText(rel.target, false), 'sheet target')));
    const text = parts.needed(path);
    const sheetRels = parts.text(relationshipsOf(path));
    if (sheetRels === null) throw new Unsure('sheet relationships');
    if (sheetRels) checkCommentsInGrid(parts, path, readRelationships(sheetRels));
    return { name: s.name, hidden: s.hidden, text };
  });
  if (sheets.length === 0) throw new Unsure('no sheets');
  return { date1904: workbook.date1904, strings, styles, sheets };
}

/** A part name that is not of the binary format (.xlsb's parts, which SheetJS reads otherwise). */
function binaryless(name: string): string {
  if (/bin$/i.test(name)) throw new Unsure('binary part');
  return name;
}

/** The tags of a part, which must be well formed (readTags) with `root` as its element (no prefix). */
function tagsOf(xml: string, root: string): Tag[] {
  const tags = sure(readTags(xml), `part with ${root}`);
  if (tags[0].name !== root) throw new Unsure(`root ${tags[0].name}`);
  return tags;
}

/** The part names [Content_Types].xml declares (its Override elements, ECMA-376 Part 2, 10.1.2),
 * by the kinds this reads, in its order. */
function readContentTypes(xml: string): Map<Kind, string[]> {
  const tags = tagsOf(xml, 'Types');
  if (tags[0].get('xmlns') !== NS_CONTENT_TYPES) throw new Unsure('content types namespace');
  const out = new Map<Kind, string[]>();
  for (const tag of tags) {
    if (tag.kind === 'end') continue;
    // SheetJS stops on a Default without its extension.
    if (tag.local === 'Default') sure(tag.get('Extension'), 'Default');
    if (tag.local !== 'Override') continue;
    const name = sure(tag.get('PartName'), 'PartName');
    const kind = CONTENT_TYPES.get(sure(tag.get('ContentType'), 'ContentType'));
    if (kind === undefined) continue;
    // SheetJS takes a part name as written: one with a reference in it is left to it.
    if (name.includes('&')) throw new Unsure('PartName');
    out.set(kind, [...(out.get(kind) ?? []), name]);
  }
  return out;
}

/**
 * What SheetJS reads besides the workbook, sheets, strings and styles, where it would stop: a
 * declared metadata or people part missing, metadata naming a type it does not declare, extended
 * properties whose heading pairs it cannot pair with the titles.
 */
function checkPeripherals(parts: Parts, declared: Map<Kind, string[]>): void {
  const metadata = declared.get('metadata')?.[0];
  if (metadata !== undefined) checkMetadata(sure(parts.text(binaryless(archiveName(metadata))), 'metadata'));
  const people = declared.get('people')?.[0];
  if (people !== undefined) sure(parts.text(archiveName(people)), 'people');
  const extended = declared.get('extended')?.[0];
  if (extended !== undefined) {
    const text = parts.text(archiveName(extended));
    if (text === null) throw new Unsure('extended properties');
    if (text) checkExtendedProperties(text);
  }
}

/** Cell and value metadata (the sheet metadata part) name their type by its place among the
 * metadataType elements, from 1: each must be one of them. */
function checkMetadata(xml: string): void {
  const tags = sure(readTags(xml), 'metadata');
  let types = 0;
  for (const tag of tags) {
    // A type without its name is written otherwise than SheetJS counts types.
    if (tag.local === 'metadataType' && tag.kind !== 'end' && sure(tag.get('name'), 'metadataType') !== undefined) types++;
  }
  let inside = 0;
  for (const tag of tags) {
    if (tag.local === 'cellMetadata' || tag.local === 'valueMetadata') {
      if (tag.kind === 'start') inside++;
      else if (tag.kind === 'end') inside--;
    } else if (tag.local === 'rc' && tag.kind !== 'end' && inside > 0) {
      const t = sure(tag.get('t'), 'rc');
      if (!/^[1-9]\d{0,8}$/.test(t) || Number(t) > types) throw new Unsure('metadata type');
    }
  }
}

/** The elements directly inside the element whose start tag is tags[at]. */
function childrenOf(tags: readonly Tag[], at: number): Tag[] {
  const out: Tag[] = [];
  const depth = tags[at].depth + 1;
  if (tags[at].kind !== 'start') return out;
  for (let i = at + 1; tags[i].depth >= depth; i++) if (tags[i].depth === depth && tags[i].kind !== 'end') out.push(tags[i]);
  return out;
}

/**
 * The extended properties' heading pairs (docProps/app.xml: a vector of variants, each pair a kind
 * of part and how many there are) and titles of parts (a vector of names). SheetJS fails when there
 * are titles and the variants do not come in pairs; it also finds these vectors' items its own way,
 * so both must be written as Excel writes them: one vt:vector whose size is its number of items,
 * each item an element of its base type with text only (a variant holding one such element).
 */
function checkExtendedProperties(xml: string): void {
  const tags = sure(readTags(xml), 'extended properties');
  /** A plain item: <vt:name>text</vt:name>, without attributes or elements inside. */
  const isItem = (t: Tag, name: string): boolean => t.kind === 'start' && t.name === `vt:${name}` && t.size === 0 && childrenOf(tags, tags.indexOf(t)).length === 0;
  const vectorItems = (name: string): Tag[] | null => {
    const found = tags.flatMap((t, i) => (t.local === name && t.kind !== 'end' ? [i] : []));
    if (found.length === 0) return null;
    if (found.length > 1 || tags[found[0]].name !== name) throw new Unsure(name);
    const [vector, ...rest] = childrenOf(tags, found[0]);
    if (!vector || rest.length > 0 || vector.name !== 'vt:vector') throw new Unsure(name);
    const items = childrenOf(tags, tags.indexOf(vector));
    const type = vector.get('baseType') ?? '';
    if (vector.get('size') !== String(items.length) || !/^[a-z]\w*$/i.test(type)) throw new Unsure(name);
    for (const item of items) {
      const inner = type === 'variant' && item.name === 'vt:variant' && item.size === 0 ? childrenOf(tags, tags.indexOf(item)) : [];
      const ok = type === 'variant' ? inner.length === 1 && isItem(inner[0], inner[0].local) : isItem(item, type);
      if (!ok) throw new Unsure(`${name} item`);
    }
    return items;
  };
  const pairs = vectorItems('HeadingPairs');
  const titles = vectorItems('TitlesOfParts');
  if (!pairs || !titles) return;
  if (titles.length > 0 && pairs.length % 2 !== 0) throw new Unsure('heading pairs');
}

interface Workbook {
  date1904: boolean;
  sheets: { name: string; hidden: boolean; id: string }[];
}

/** An xsd:boolean as written: 1, 0, true or false. */
function readBoolean(value: string): boolean {
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new Unsure(`boolean ${value}`);
}

/** The workbook part (ECMA-376 Part 1, 18.2): its sheets in order and its date system. Unsure for a
 * namespace other than the usual (a strict OOXML file), a sheet outside <sheets> or without a name
 * or relationship, a state or date system written otherwise than the format's values. */
function readWorkbook(xml: string): Workbook {
  const tags = tagsOf(xml, 'workbook');
  if (tags[0].get('xmlns') !== NS_MAIN) throw new Unsure('workbook namespace');
  const out: Workbook = { date1904: false, sheets: [] };
  let properties = 0;
  for (const tag of tags) {
    if (tag.kind === 'end') continue;
    switch (tag.local) {
      case 'sheet': {
        if (tag.parent !== 'sheets') throw new Unsure('sheet outside sheets');
        const name = sure(decodeText(sure(tag.get('name'), 'sheet name'), false), 'sheet name');
        const state = tag.get('state') ?? 'visible';
        if (state !== 'visible' && state !== 'hidden' && state !== 'veryHidden') throw new Unsure(`sheet state ${state}`);
        out.sheets.push({ name, hidden: state !== 'visible', id: sure(tag.get('id'), 'sheet id') });
        break;
      }
      case 'workbookPr': {
        if (++properties > 1) throw new Unsure('workbookPr');
        const date1904 = tag.get('date1904');
        if (date1904 !== undefined) out.date1904 = readBoolean(date1904);
        break;
      }
      // SheetJS stops on a defined name without its name.
      case 'definedName':
        sure(tag.get('name'), 'definedName');
        break;
    }
  }
  return out;
}

/** A relationships part (ECMA-376 Part 2, 9.3) by id. */
function readRelationships(xml: string): Map<string, Relationship> {
  const out = new Map<string, Relationship>();
  for (const tag of tagsOf(xml, 'Relationships')) {
    if (tag.local !== 'Relationship' || tag.kind === 'end') continue;
    // SheetJS reads only Relationship elements without a prefix.
    if (tag.name !== 'Relationship') throw new Unsure('Relationship');
    const id = sure(tag.get('Id'), 'relationship id');
    if (out.has(id)) throw new Unsure('relationship id');
    out.set(id, { type: tag.get('Type'), target: sure(tag.get('Target'), 'relationship target') });
  }
  return out;
}

/** The part a worksheet's relationship names, from the workbook in xl/. SheetJS looks for it
 * first under xl/ by the target with an "xl/" in it dropped; read here only where that is the part
 * the target names: a target relative to xl/ without "xl/", "." or ".." in it, or an absolute one
 * in /xl/ without another "xl/". */
function worksheetPath(target: string): string {
  const inXl = target.startsWith('/xl/') ? target.slice(4) : target;
  if (!/^[\w-]+(\.[\w-]+)*(\/[\w-]+(\.[\w-]+)*)*$/.test(inXl) || /xl\//i.test(inXl)) throw new Unsure(`sheet target ${target}`);
  return `xl/${inXl}`;
}

/** A relationship's target as an archive name: from the root when it begins with "/", else from
 * the folder of the part it belongs to ("." and ".." steps applied, as a URL's are). Unsure for a
 * target of other characters than letters, digits, ".", "_", "-" and "/", or ending in a step. */
function resolveTarget(target: string, part: string): string {
  if (!/^\/?[\w.-]+(\/[\w.-]+)*$/.test(target) || /(^|\/)\.\.?$/.test(target)) throw new Unsure(`target ${target}`);
  return new URL(target, `http://package/${part}`).pathname.slice(1);
}

/**
 * SheetJS gives each comment, threaded comment and note of a sheet an (empty) cell of its own,
 * which could stretch the sheet past Excel's grid: every cell they name must be inside it. A
 * comment names its cell by a ref attribute; a note (in a VML drawing) by its <x:Row> and
 * <x:Column>, counted from 0.
 */
function checkCommentsInGrid(parts: Parts, sheetPath: string, rels: Map<string, Relationship>): void {
  for (const rel of rels.values()) {
    const target = sure(decodeText(rel.target, false), 'target');
    const notes = target.toLowerCase().endsWith('.vml');
    if (!notes && !COMMENTS.includes(rel.type ?? '')) continue;
    const text = parts.text(resolveTarget(target, sheetPath));
    if (text === null) throw new Unsure('comments part');
    if (!text) continue;
    // Any attribute named ref (any prefix or capitals; SheetJS cuts a name at "_"), each a cell in the grid.
    for (const m of text.matchAll(/[\s:]ref(?:_[\w.-]*)?\s*=\s*/gi)) {
      const at = (m.index ?? 0) + m[0].length;
      const quote = text.charAt(at);
      const close = quote === '"' || quote === "'" ? text.indexOf(quote, at + 1) : -1;
      if (close < 0 || !readCellRef(text.slice(at + 1, close))) throw new Unsure('comment cell');
    }
    for (const m of text.matchAll(/<(?:[\w.-]+:)?(Row|Column)\b[^>]*>([^<]*)</g)) {
      const n = m[2].trim();
      if (!/^\d{1,7}$/.test(n) || Number(n) >= (m[1] === 'Row' ? MAX_ROWS : MAX_COLUMNS)) throw new Unsure('note cell');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Shared strings

/** The shared strings, when declared and there (a cell naming one of an absent table leaves the
 * file to SheetJS, which fails on it). */
function readDeclaredStrings(parts: Parts, declared: string | undefined): (string | null)[] {
  if (declared === undefined) return [];
  const text = parts.text(binaryless(archiveName(declared)));
  if (text === undefined) return [];
  return readSharedStrings(sure(text, 'shared strings'));
}

/**
 * The shared string table (ECMA-376 Part 1, 18.4.9 sst): each <si>'s text, in order, null for an
 * item readStringItem is not sure of. Unsure for a table written otherwise than an <sst> of
 * <si>…</si> items (a prefix, a comment, an item with attributes, text between items).
 */
function readSharedStrings(xml: string): (string | null)[] {
  if (xml.includes('<!')) throw new Unsure('comment in the shared strings');
  let at = xml.indexOf('<');
  if (at >= 0 && xml.startsWith('<?xml', at)) at = xml.indexOf('<', xml.indexOf('?>', at) + 2);
  const root = at < 0 ? null : parseTag(xml, at);
  if (!root || root.name !== 'sst' || root.kind !== 'start') throw new Unsure('sst');
  const out: (string | null)[] = [];
  const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;
  for (at = root.to; ;) {
    while (isSpace(xml.charCodeAt(at))) at++;
    if (xml.startsWith('</sst>', at)) return out;
    if (!xml.startsWith('<si>', at)) throw new Unsure('shared string item');
    const from = at + 4;
    // The usual item, <si><t>text</t></si>, read here without more ado.
    if (xml.startsWith('<t>', from)) {
      const close = xml.indexOf('<', from + 3);
      if (close >= 0 && xml.startsWith('</t></si>', close)) {
        out.push(decodeText(xml.slice(from + 3, close), true));
        at = close + 9;
        continue;
      }
    }
    const end = xml.indexOf('</si>', from);
    if (end < 0) throw new Unsure('shared string item');
    out.push(readStringItem(xml, from, end));
    at = end + 5;
  }
}

// ---------------------------------------------------------------------------------------------
// Styles

/** Excel's built-in number formats (ECMA-376 Part 1, 18.8.30) by what they show, for a file that
 * names one without writing its code: dates and times (14–22, 45–47), percentages (9, 10), numbers
 * as they are (General, 0.00, #,##0, 0.00E+00, fractions, @, the currency and accounting formats,
 * which SheetJS shows as General alike). Others a file names without writing them (dates in East
 * Asian locales, 27–36 and 50–58, which SheetJS has no code for) are left to SheetJS. */
const BUILT_IN_KINDS: ReadonlyMap<number, number> = new Map([
  ...[14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47].map((id): [number, number] => [id, DATE]),
  ...[9, 10].map((id): [number, number] => [id, PERCENT]),
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 37, 38, 39, 40, 41, 42, 43, 44, 48, 49].map((id): [number, number] => [id, PLAIN]),
]);
/** The highest format id SheetJS keeps as written (it moves higher ones). */
const LAST_FORMAT_ID = 392;

/** A format id as written: a number without leading zero, up to LAST_FORMAT_ID. */
function formatId(value: string): number {
  if (!/^(0|[1-9]\d{0,2})$/.test(value) || Number(value) > LAST_FORMAT_ID) throw new Unsure(`numFmtId ${value}`);
  return Number(value);
}

/** The one element named `name` among the tags (undefined when there is none): its index. */
function onlyElement(tags: readonly Tag[], name: string): number | undefined {
  const found = tags.flatMap((t, i) => (t.local === name && t.kind !== 'end' ? [i] : []));
  if (found.length > 1 || (found.length === 1 && tags[found[0]].kind !== 'start')) throw new Unsure(name);
  return found[0];
}

/** The elements inside tags[at], which must all be named `name` (no other element of that name
 * deeper inside: SheetJS would count it too). */
function onlyChildren(tags: readonly Tag[], at: number, name: string): Tag[] {
  const children = childrenOf(tags, at);
  let deeper = 0;
  for (let i = at + 1; tags[i].depth > tags[at].depth; i++) if (tags[i].local === name && tags[i].kind !== 'end') deeper++;
  if (deeper !== children.length || children.some((t) => t.local !== name)) throw new Unsure(`${name} elements`);
  return children;
}

/**
 * Each cell style's way of showing a number (ECMA-376 Part 1, 18.8: the cellXfs' xf elements, in
 * order, each naming a number format by id, built-in or written in numFmts).
 */
function readStyles(xml: string): Uint8Array {
  const tags = tagsOf(xml, 'styleSheet');
  // Each format's kind by id: the built-in ones, then those the file writes (over a built-in one too).
  const kinds = new Map(BUILT_IN_KINDS);
  const written = new Set<number>();
  const numFmts = onlyElement(tags, 'numFmts');
  if (numFmts !== undefined) {
    for (const tag of onlyChildren(tags, numFmts, 'numFmt')) {
      const id = formatId(sure(tag.get('numFmtId'), 'numFmtId'));
      // A file writing format 0 (General, which SheetJS keeps whatever the file says), or an id twice.
      if (id === 0 || written.has(id)) throw new Unsure(`numFmtId ${id}`);
      written.add(id);
      kinds.set(id, formatKind(sure(decodeText(sure(tag.get('formatCode'), 'formatCode'), false), 'formatCode')));
    }
  }
  const cellXfs = onlyElement(tags, 'cellXfs');
  if (cellXfs === undefined) return new Uint8Array(0);
  return Uint8Array.from(onlyChildren(tags, cellXfs, 'xf'), (xf) => {
    const id = xf.get('numFmtId');
    return kinds.get(id === undefined ? 0 : formatId(id)) ?? UNSURE;
  });
}

/** How a number format code shows a number. */
function formatKind(code: string): number {
  const date = isDateFormat(code);
  if (date === null) return UNSURE;
  if (date) return DATE;
  return showsPercent(code) ? PERCENT : PLAIN;
}

/** A format code's pieces, in order: quoted text, a character escaped with "\\", padding "_x" or a
 * fill "*x", a bracketed section, "General", AM/PM or A/P, an exponent after a digit placeholder
 * (0E+, #E-), or a single character. A quote or bracket left open runs to the end. */
const FORMAT_PIECE = /"[^"]*"?|[\\_*][\s\S]?|\[[^\]]*\]?|general|am\/pm|a\/p|[0#]e[+-]|[\s\S]/gi;
/** Letters that are date or time codes on their own: year, month or minute, day, hour, second, era
 * (e, g), Buddhist year (b). */
const DATE_LETTER = /^[yYmMdDhHsSbBeg]$/;

/** What one piece of a format code says: a date or time (true), nothing about it (false), or
 * null where this is not sure SheetJS reads the piece alike. */
function pieceShowsDate(piece: string): boolean | null {
  const first = piece.charAt(0);
  if (piece.length === 1) {
    if (DATE_LETTER.test(piece)) return true;
    // Other letters (codes in some locales, or text Excel wants quoted), digits 1–9 (a fixed
    // denominator), a quote, escape, padding or fill cut short by the end, and the 上 of 上午/下午.
    if (/[A-Za-z1-9"\\_*[\u4E0A]/.test(piece)) return null;
    return false;
  }
  switch (first) {
    case '"':
      return piece.endsWith('"') ? false : null;
    case '\\':
    case '_':
      return false;
    case '*':
      return piece === '* ' || piece === '**' ? false : null;
    case '[': {
      if (!piece.endsWith(']')) return null;
      const inside = piece.slice(1, -1);
      // Elapsed time: [h], [mm], [ss].
      if (/^(h+|m+|s+)$/i.test(inside)) return true;
      // Brackets SheetJS reads as elapsed time and the format does not (mixed, empty, Thai).
      if (inside.includes('[') || /^[HhMmSs\u0E0A\u0E19\u0E17]*$/.test(inside)) return null;
      // A colour, a condition, a currency or locale.
      return false;
    }
    case '0':
    case '#':
      // An exponent: E+ or E- (a lower-case e SheetJS reads as the era).
      return piece.charAt(1) === 'E' ? false : null;
    default:
      if (/^(am\/pm|a\/p)$/i.test(piece)) return true;
      // "General", in no other capitals.
      return piece === 'General' ? false : null;
  }
}

/**
 * Whether a number format code shows a date or a time (ECMA-376 Part 1, 18.8.31): it does when,
 * outside quoted text, characters escaped with "\", padding "_x", fill "*x" and bracketed sections,
 * it holds a date or time code (y, m, d, h, s, e, g, b, AM/PM, A/P), or when it has an elapsed time
 * ([h], [mm], [ss]). "General" is no date. Null for a code this is not sure SheetJS's test decides
 * alike (it skips a few things the format does not, and the other way round): see pieceShowsDate.
 */
export function isDateFormat(code: string): boolean | null {
  for (const [piece] of code.matchAll(FORMAT_PIECE)) {
    const shows = pieceShowsDate(piece);
    if (shows !== false) return shows;
  }
  return false;
}

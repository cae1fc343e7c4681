// The parts of an .xlsx file with one worksheet (SpreadsheetML, ECMA-376), written as text and
// zipped with fflate. export-xlsx.ts lays a table out on the sheet; this file knows the package:
// content types, relationships, the workbook, the style sheet, shared strings and the zip.
//
// Written by hand rather than through a spreadsheet library: exceljs, which the app once used,
// built an object per cell and joined millions of XML pieces (100 000 plan rows took 4–8 s). Here a
// row is one string and the sheet goes to the zip a block of rows at a time.

import { Zip, ZipDeflate, strToU8 } from 'fflate';
import { concatBytes, yieldToEventLoop } from './import-types';

/** The page gets the event loop back after this long of writing (the sheet is written in blocks). */
const YIELD_EVERY_MS = 40;

/** Characters XML 1.0 cannot carry at all (C0 controls but tab, LF and CR; U+FFFE/U+FFFF). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Text as XML character data or an attribute value. */
export function xmlText(s: string): string {
  return s.replace(NOT_XML, '').replace(/[&<>"]/g, (c) => ESCAPES[c]);
}

/** How a cell looks: font, fill, border, number format and alignment. */
export interface CellStyle {
  font?: { size?: number; bold?: boolean; italic?: boolean };
  /** Solid fill colour, RRGGBB. */
  fill?: string;
  /** Thin border on all four sides. */
  border?: boolean;
  /** Number format code ("#,##0.00", "0.00%", "dd/mm/yyyy"). */
  numFmt?: string;
  align?: { horizontal?: 'left' | 'center' | 'right'; vertical?: 'top' | 'middle' | 'bottom'; wrap?: boolean; indent?: number };
}

/**
 * The workbook's style sheet: each distinct style becomes one cell format (`s="n"` on a cell). A
 * style is registered once and its index reused, so 100 000 rows share a few dozen formats.
 */
export class StyleBook {
  private readonly fonts: string[];
  private readonly fills = ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>'];
  private readonly borders = [
    '<border><left/><right/><top/><bottom/><diagonal/></border>',
    '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border>',
  ];
  private readonly numFmts = new Map<string, number>();
  private readonly xfs: string[] = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'];
  private readonly index = new Map<string, number>();
  /** Set once the style sheet is written: a format asked for later would point past its end. */
  private written = false;

  constructor(
    private readonly fontName: string,
    private readonly fontSize = 11,
  ) {
    this.fonts = [this.fontXml({})];
  }

  private fontXml(f: NonNullable<CellStyle['font']>): string {
    return `<font>${f.bold ? '<b/>' : ''}${f.italic ? '<i/>' : ''}<sz val="${f.size ?? this.fontSize}"/><name val="${xmlText(this.fontName)}"/><family val="1"/></font>`;
  }

  private static slot(list: string[], xml: string): number {
    const i = list.indexOf(xml);
    return i >= 0 ? i : list.push(xml) - 1;
  }

  /** The index of the cell format for `style` (0 = the default). */
  id(style: CellStyle): number {
    const key = JSON.stringify(style);
    const known = this.index.get(key);
    if (known !== undefined) return known;
    if (this.written) throw new Error('StyleBook: a cell format was asked for after the style sheet was written');
    const fontId = style.font ? StyleBook.slot(this.fonts, this.fontXml(style.font)) : 0;
    const fillId = style.fill
      ? StyleBook.slot(this.fills, `<fill><patternFill patternType="solid"><fgColor rgb="FF${style.fill}"/><bgColor indexed="64"/></patternFill></fill>`)
      : 0;
    const borderId = style.border ? 1 : 0;
    let numFmtId = 0;
    if (style.numFmt) {
      numFmtId = this.numFmts.get(style.numFmt) ?? 164 + this.numFmts.size;
      this.numFmts.set(style.numFmt, numFmtId);
    }
    const a = style.align;
    const align = a
      ? `<alignment${a.horizontal ? ` horizontal="${a.horizontal}"` : ''}${a.vertical ? ` vertical="${a.vertical === 'middle' ? 'center' : a.vertical}"` : ''}${a.wrap ? ' wrapText="1"' : ''}${a.indent ? ` indent="${a.indent}"` : ''}/>`
      : '';
    const applies = `${fontId ? ' applyFont="1"' : ''}${fillId ? ' applyFill="1"' : ''}${borderId ? ' applyBorder="1"' : ''}${numFmtId ? ' applyNumberFormat="1"' : ''}${align ? ' applyAlignment="1"' : ''}`;
    const xml = `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="${fillId}" borderId="${borderId}" xfId="0"${applies}${align ? `>${align}</xf>` : '/>'}`;
    const id = this.xfs.push(xml) - 1;
    this.index.set(key, id);
    return id;
  }

  xml(): string {
    this.written = true;
    const fmts = [...this.numFmts].map(([code, id]) => `<numFmt numFmtId="${id}" formatCode="${xmlText(code)}"/>`);
    return (
      `${XML_HEAD}<styleSheet xmlns="${NS_MAIN}">` +
      (fmts.length ? `<numFmts count="${fmts.length}">${fmts.join('')}</numFmts>` : '') +
      `<fonts count="${this.fonts.length}">${this.fonts.join('')}</fonts>` +
      `<fills count="${this.fills.length}">${this.fills.join('')}</fills>` +
      `<borders count="${this.borders.length}">${this.borders.join('')}</borders>` +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${this.xfs.length}">${this.xfs.join('')}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '<dxfs count="0"/><tableStyles count="0"/></styleSheet>'
    );
  }
}

/** Most characters a cell holds in Excel: a longer text makes Excel refuse the file. */
export const MAX_CELL_TEXT = 32_767;
const fit = (text: string) => (text.length > MAX_CELL_TEXT ? text.slice(0, MAX_CELL_TEXT) : text);

/** The shared string table: each distinct text is stored once and cells refer to it by index.
 * A text longer than a cell can hold is cut to MAX_CELL_TEXT characters. */
export class SharedStrings {
  private readonly index = new Map<string, number>();
  private readonly list: string[] = [];
  count = 0;
  /** Set once the table is written: a text registered later would have no entry in it. */
  private written = false;

  /** Registers one use of a text; returns its index. */
  id(whole: string): number {
    const text = fit(whole);
    this.count++;
    let i = this.index.get(text);
    if (i === undefined) {
      if (this.written) throw new Error('SharedStrings: a text was registered after the table was written');
      i = this.list.push(text) - 1;
      this.index.set(text, i);
    }
    return i;
  }

  /** The index of a registered text. */
  at(text: string): number {
    const i = this.index.get(fit(text));
    if (i === undefined) throw new Error('SharedStrings: a text was not registered');
    return i;
  }

  xml(): string {
    this.written = true;
    const items = this.list.map((t) => {
      const x = xmlText(t);
      return /^\s|\s$/.test(t) ? `<si><t xml:space="preserve">${x}</t></si>` : `<si><t>${x}</t></si>`;
    });
    return `${XML_HEAD}<sst xmlns="${NS_MAIN}" count="${this.count}" uniqueCount="${this.list.length}">${items.join('')}</sst>`;
  }
}

export const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
export const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument';

/** A sheet name Excel accepts: at most 31 characters, none of : \ / ? * [ ], no apostrophe at
 * either end, and not "History" (Excel keeps that name for itself). */
export function sheetName(name: string): string {
  const s = name
    .replace(NOT_XML, '')
    .replace(/[:\\/?*[\]]/g, ' ')
    .trim()
    .slice(0, 31)
    .replace(/^'+|'+$/g, '')
    .trim();
  return !s ? 'Sheet1' : s.toLowerCase() === 'history' ? 'History 1' : s;
}

/** What the package holds besides the worksheet itself. The styles and strings must be complete
 * before zipXlsx is called: they are written ahead of the worksheet, as readers prefer. */
export interface PackageParts {
  sheetName: string;
  styles: StyleBook;
  strings: SharedStrings;
  /** Rows repeated on every printed page ("4:4"), if any. */
  printTitleRows?: string;
  creator: string;
  /** Cell comments (notes), by A1 reference. The sheet must then end with <legacyDrawing r:id="rId2"/> (see sheetComments). */
  comments?: { ref: string; text: string }[];
}

/** What the worksheet carries to show its comments (the package adds the parts they point to). */
export const SHEET_COMMENTS_TAIL = '<legacyDrawing r:id="rId2"/>';

/**
 * Zips the package. `sheet` gives the worksheet's XML in blocks: each block is encoded and
 * deflated as it comes, so the whole sheet never sits in memory as one string, and the event loop
 * is given back between blocks, so a page stays responsive while a large sheet is written.
 */
export async function zipXlsx(parts: PackageParts, sheet: Iterable<string>): Promise<Uint8Array> {
  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, data) => {
    if (err) failure = err;
    else out.push(data);
  });
  const add = (path: string, text: string) => {
    const f = new ZipDeflate(path, { level: 6 });
    zip.add(f);
    f.push(strToU8(text), true);
  };
  const name = xmlText(parts.sheetName);
  const comments = parts.comments ?? [];
  add(
    '[Content_Types].xml',
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      `<Override PartName="/xl/workbook.xml" ContentType="${CT}.spreadsheetml.sheet.main+xml"/>` +
      `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="${CT}.spreadsheetml.worksheet+xml"/>` +
      `<Override PartName="/xl/styles.xml" ContentType="${CT}.spreadsheetml.styles+xml"/>` +
      `<Override PartName="/xl/sharedStrings.xml" ContentType="${CT}.spreadsheetml.sharedStrings+xml"/>` +
      (comments.length
        ? `<Default Extension="vml" ContentType="${CT}.vmlDrawing"/><Override PartName="/xl/comments1.xml" ContentType="${CT}.spreadsheetml.comments+xml"/>`
        : '') +
      '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
      `<Override PartName="/docProps/app.xml" ContentType="${CT}.extended-properties+xml"/></Types>`,
  );
  add(
    '_rels/.rels',
    relationships([
      [`${NS_REL}/officeDocument`, 'xl/workbook.xml'],
      ['http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties', 'docProps/core.xml'],
      [`${NS_REL}/extended-properties`, 'docProps/app.xml'],
    ]),
  );
  add(
    'docProps/core.xml',
    `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
      `<dc:creator>${xmlText(parts.creator)}</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}</dcterms:created></cp:coreProperties>`,
  );
  add(
    'docProps/app.xml',
    `${XML_HEAD}<Properties xmlns="${NS_REL.replace('relationships', 'extended-properties')}"><Application>${xmlText(parts.creator)}</Application></Properties>`,
  );
  const quoted = `'${name.replace(/'/g, "''")}'`;
  add(
    'xl/workbook.xml',
    `${XML_HEAD}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><bookViews><workbookView/></bookViews>` +
      `<sheets><sheet name="${name}" sheetId="1" r:id="rId1"/></sheets>` +
      (parts.printTitleRows
        ? `<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">${quoted}!$${parts.printTitleRows.replace(':', ':$')}</definedName></definedNames>`
        : '') +
      '<calcPr calcId="191029"/></workbook>',
  );
  add(
    'xl/_rels/workbook.xml.rels',
    relationships([
      [`${NS_REL}/worksheet`, 'worksheets/sheet1.xml'],
      [`${NS_REL}/styles`, 'styles.xml'],
      [`${NS_REL}/sharedStrings`, 'sharedStrings.xml'],
    ]),
  );
  if (comments.length) {
    add(
      'xl/worksheets/_rels/sheet1.xml.rels',
      relationships([
        [`${NS_REL}/comments`, '../comments1.xml'],
        [`${NS_REL}/vmlDrawing`, '../drawings/vmlDrawing1.vml'],
      ]),
    );
    add('xl/comments1.xml', commentsXml(comments, parts.creator));
    add('xl/drawings/vmlDrawing1.vml', commentsVml(comments));
  }
  add('xl/styles.xml', parts.styles.xml());
  add('xl/sharedStrings.xml', parts.strings.xml());
  await yieldToEventLoop();
  // The sheet is deflated at level 1: its XML is repetitive, and level 1 takes half the time.
  const ws = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 1 });
  zip.add(ws);
  let held = performance.now();
  for (const block of sheet) {
    ws.push(strToU8(block));
    if (performance.now() - held > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      held = performance.now();
    }
  }
  ws.push(new Uint8Array(0), true);
  zip.end();
  if (failure) throw failure;
  return concatBytes(out);
}

/** A relationships part: rId1, rId2 … in the order given, each a [type, target]. */
function relationships(list: [type: string, target: string][]): string {
  const items = list.map(([type, target], i) => `<Relationship Id="rId${i + 1}" Type="${type}" Target="${target}"/>`);
  return `${XML_HEAD}<Relationships xmlns="${NS_PKG_REL}">${items.join('')}</Relationships>`;
}

/** The comments part: one author, one comment per cell. */
function commentsXml(comments: { ref: string; text: string }[], author: string): string {
  const list = comments.map((c) => `<comment ref="${c.ref}" authorId="0"><text><r><t xml:space="preserve">${xmlText(c.text)}</t></r></text></comment>`);
  return `${XML_HEAD}<comments xmlns="${NS_MAIN}"><authors><author>${xmlText(author)}</author></authors><commentList>${list.join('')}</commentList></comments>`;
}

/** The legacy drawing Excel needs to show a comment's box and red corner (hidden until hovered). */
function commentsVml(comments: { ref: string; text: string }[]): string {
  const shapes = comments.map((c, i) => {
    const m = /^([A-Z]+)(\d+)$/.exec(c.ref)!;
    const col = [...m[1]].reduce((a, ch) => a * 26 + ch.charCodeAt(0) - 64, 0) - 1;
    const row = Number(m[2]) - 1;
    return (
      `<v:shape id="_x0000_s${1025 + i}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:180pt;height:60pt;z-index:${i + 1};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">` +
      '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>' +
      `<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>${col + 1}, 15, ${row}, 2, ${col + 4}, 15, ${row + 4}, 16</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>${row}</x:Row><x:Column>${col}</x:Column></x:ClientData></v:shape>`
    );
  });
  return (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">' +
    '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>' +
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>' +
    shapes.join('') +
    '</xml>'
  );
}

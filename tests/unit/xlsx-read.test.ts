// The fast .xlsx reader (src/io/xlsx-read.ts) against SheetJS, the reader it stands in for: every
// .xlsx and .xlsm fixture read both ways must give the same sheets and notes (or the same refusal),
// and the fast reader must have read all but the files it is meant to leave to SheetJS. Then crafted
// files for each thing it reads (shared and inline strings with entities and rich runs, a cached
// 0, a formula without a value, dates, percentages, hidden rows, columns and sheets, merges), each
// also compared with SheetJS; what it leaves to SheetJS (each unusual writing it hands over, and
// why); random workbooks, written as writers write them (read by the fast reader itself) and of
// any kind (read alike); a cancelled read and its progress; and its date-format test against
// SheetJS's own, wherever it decides.

import { readFileSync, readdirSync } from 'node:fs';
import * as XLSX from '@e965/xlsx';
import fc from 'fast-check';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/domain/model';
import { cellKey } from '../../src/io/import-types';
import { readSheets } from '../../src/io/sheet';
import { checkWorkbook } from '../../src/io/workbook-guard';
import { readWorkbook } from '../../src/io/workbook-read';
import { isDateFormat } from '../../src/io/xlsx-book';
import { readXlsx } from '../../src/io/xlsx-read';
import { value } from './import-helpers';

const FIXTURES = ['import', 'corpus', 'fuzz'];
/** Fixtures the fast reader leaves to SheetJS, and why (each is a file SheetJS refuses). */
const LEFT_TO_SHEETJS: Record<string, string> = {
  'fuzz/xlsx-cell-column-past-xfd.xlsx': 'a cell past column XFD',
  'fuzz/xlsx-shared-string-missing.xlsx': 'a cell naming a shared string the file lacks',
};

/** Whether the fast reader reads the file itself (after the checks), rather than leave it to SheetJS. */
async function readsItself(bytes: Uint8Array, name: string): Promise<boolean | 'refused'> {
  const checked = await checkWorkbook(bytes, name);
  if (!checked.ok || !checked.value.parts) return 'refused';
  return (await readXlsx(checked.value.parts, name)) !== null;
}

describe('the fast reader and SheetJS read every .xlsx fixture alike', () => {
  const files = FIXTURES.flatMap((dir) =>
    readdirSync(new URL(`../fixtures/${dir}/`, import.meta.url))
      .filter((f) => /\.xls[xm]$/i.test(f))
      .map((f) => `${dir}/${f}`),
  );
  const bytesOf = (f: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${f}`, import.meta.url)));

  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThan(80);
  });

  it.each(files)('%s', async (f) => {
    const bytes = bytesOf(f);
    const sheetjs = await readWorkbook(bytes, f, { xlsxReader: 'sheetjs' });
    const fast = await readWorkbook(bytes, f);
    // Strictly: holes stay holes, a blank row is not an empty one, sets hold the same cells.
    expect(fast).toStrictEqual(sheetjs);
    const itself = await readsItself(bytes, f);
    if (itself !== 'refused') expect(itself).toBe(!(f in LEFT_TO_SHEETJS));
  });

  it('reads all the fixtures SheetJS reads, itself', async () => {
    let read = 0;
    for (const f of files) {
      const bytes = bytesOf(f);
      if ((await readWorkbook(bytes, f, { xlsxReader: 'sheetjs' })).ok && (await readsItself(bytes, f)) === true) read++;
    }
    expect(read).toBeGreaterThanOrEqual(40);
  });
});

// ---------------------------------------------------------------------------------------------
// Crafted workbooks

const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

interface Crafted {
  sheets: { name: string; xml: string; state?: 'hidden' | 'veryHidden' }[];
  /** The shared strings' <si> items, as written. */
  strings?: string[];
  /** Custom number formats, by id. */
  numFmts?: Record<number, string>;
  /** The number format of each cell style (s="0", s="1"…). */
  xfs?: number[];
  date1904?: boolean;
  macros?: boolean;
  /** The worksheet's root element written otherwise (prefix, namespace). */
  root?: (body: string) => string;
}

/** An .xlsx (or .xlsm) written as Excel writes one, from the sheets' XML inside <worksheet>. */
function craft(c: Crafted): Uint8Array {
  const workbookType = c.macros ? 'application/vnd.ms-excel.sheet.macroEnabled.main+xml' : `${CT}.sheet.main+xml`;
  const overrides = [
    `<Override PartName="/xl/workbook.xml" ContentType="${workbookType}"/>`,
    `<Override PartName="/xl/styles.xml" ContentType="${CT}.styles+xml"/>`,
    ...(c.strings ? [`<Override PartName="/xl/sharedStrings.xml" ContentType="${CT}.sharedStrings+xml"/>`] : []),
    ...c.sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${CT}.worksheet+xml"/>`),
  ];
  const rels = [
    ...c.sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`),
    `<Relationship Id="rIdS" Type="${REL}/styles" Target="styles.xml"/>`,
    ...(c.strings ? [`<Relationship Id="rIdT" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`] : []),
  ];
  const numFmts = Object.entries(c.numFmts ?? {}).map(([id, code]) => `<numFmt numFmtId="${id}" formatCode="${code.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"/>`);
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      `${HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${overrides.join('')}</Types>`,
    ),
    '_rels/.rels': strToU8(`${HEAD}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
    'xl/workbook.xml': strToU8(
      `${HEAD}<workbook xmlns="${MAIN}" xmlns:r="${REL}">${c.date1904 ? '<workbookPr date1904="1"/>' : '<workbookPr/>'}<sheets>${c.sheets
        .map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`)
        .join('')}</sheets></workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(`${HEAD}<Relationships xmlns="${PKG_REL}">${rels.join('')}</Relationships>`),
    'xl/styles.xml': strToU8(
      `${HEAD}<styleSheet xmlns="${MAIN}">${numFmts.length ? `<numFmts count="${numFmts.length}">${numFmts.join('')}</numFmts>` : ''}<cellXfs count="${(c.xfs ?? [0]).length}">${(
        c.xfs ?? [0]
      )
        .map((id) => `<xf numFmtId="${id}" fontId="0" fillId="0" borderId="0"${id ? ' applyNumberFormat="1"' : ''}/>`)
        .join('')}</cellXfs></styleSheet>`,
    ),
  };
  if (c.strings) {
    files['xl/sharedStrings.xml'] = strToU8(
      `${HEAD}<sst xmlns="${MAIN}" count="${c.strings.length}" uniqueCount="${c.strings.length}">${c.strings.map((s) => `<si>${s}</si>`).join('')}</sst>`,
    );
  }
  const root = c.root ?? ((body: string) => `<worksheet xmlns="${MAIN}" xmlns:r="${REL}">${body}</worksheet>`);
  c.sheets.forEach((s, i) => (files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(`${HEAD}${root(s.xml)}`)));
  return zipSync(files);
}

/** A crafted file read by the import (the fast reader), after checking that the fast reader read it
 * itself and that SheetJS reads it the same. */
async function readBoth(c: Crafted) {
  const bytes = craft(c);
  const name = c.macros ? 'crafted.xlsm' : 'crafted.xlsx';
  expect(await readsItself(bytes, name)).toBe(true);
  const fast = await readWorkbook(bytes, name);
  expect(fast).toStrictEqual(await readWorkbook(bytes, name, { xlsxReader: 'sheetjs' }));
  return value(fast);
}

const row = (r: number, cells: string) => `<row r="${r}">${cells}</row>`;

describe('readXlsx', () => {
  it('reads shared strings with entities, character references, _xHHHH_ escapes and kept spaces, and rich runs without their phonetic runs', async () => {
    const strings = [
      '<t>Vốn &amp; nguồn &lt;NSTW&gt; &quot;2024&quot; &apos;DA1&apos;</t>',
      '<t>Ph&#7841;m vi &#x1EA1;</t>',
      '<t xml:space="preserve">  Dòng 1_x000D_\nDòng 2  </t>',
      '<r><rPr><b/><sz val="11"/><rFont val="Times New Roman"/></rPr><t>Dự án </t></r><r><t xml:space="preserve">1: </t></r><r><rPr><i/></rPr><t>Hỗ trợ</t></r><rPh sb="0" eb="1"><t>ヨミ</t></rPh>',
      '<t>Tổng cộng</t><phoneticPr fontId="1"/>',
      '<t/>',
    ];
    const cells = strings.map((_, i) => `<c r="${String.fromCharCode(65 + i)}1" t="s"><v>${i}</v></c>`).join('');
    const file = await readBoth({ sheets: [{ name: 'Biểu 01', xml: `<sheetData>${row(1, cells)}</sheetData>` }], strings });
    expect(file.sheets[0].rows[0]).toEqual([
      'Vốn & nguồn <NSTW> "2024" \'DA1\'',
      'Phạm vi ạ',
      // _x000D_ is a CR; CR LF in a cell's text becomes LF.
      '  Dòng 1\nDòng 2  ',
      'Dự án 1: Hỗ trợ',
      'Tổng cộng',
    ]);
  });

  it('reads inline strings, plain and rich, and "str" cells (a formula\'s text)', async () => {
    const cells =
      '<c r="A1" t="inlineStr"><is><t>Huyện &amp; xã</t></is></c>' +
      '<c r="B1" t="inlineStr"><is><r><t>Kế </t></r><r><rPr><b/></rPr><t>hoạch</t></r></is></c>' +
      '<c r="C1" t="str"><f>"Tổng "&amp;"số"</f><v>Tổng số</v></c>' +
      '<c r="D1" t="str"><v>&quot;Tổng&quot; &gt; 0_x000D_\n2</v></c>' +
      '<c r="E1" t="inlineStr"><is><t></t></is></c>';
    const file = await readBoth({ sheets: [{ name: 'S', xml: `<sheetData>${row(1, cells)}</sheetData>` }] });
    expect(file.sheets[0].rows[0]).toEqual(['Huyện & xã', 'Kế hoạch', 'Tổng số', '"Tổng" > 0\n2']);
  });

  it('gives a formula its saved value, 0 included, and computes one saved without a value', async () => {
    const xml = `<sheetData>${row(1, '<c r="A1"><v>2473</v></c><c r="B1"><v>798</v></c><c r="C1"><f>A1-A1</f><v>0</v></c><c r="D1"><f>A1+B1</f></c><c r="E1"><f>ROUND(A1,0)</f></c>')}</sheetData>`;
    const file = await readBoth({ sheets: [{ name: 'Dự án', xml }] });
    expect(file.sheets[0].rows[0]).toEqual([2473, 798, 0, 3271]);
    expect(file.notes.map((n) => [n.problem.code, n.cell])).toEqual([
      ['import.formula-no-result', 'E1'],
      ['import.formulas-computed', null],
    ]);
  });

  it('reads dates as the day shown, in both date systems, percentages, booleans, errors and ISO dates', async () => {
    const cells =
      '<c r="A1" s="1"><v>45245.75</v></c><c r="B1" s="2"><v>45245</v></c><c r="C1" s="3"><v>0.8</v></c><c r="D1" s="4"><v>0.125</v></c>' +
      '<c r="E1" t="b"><v>1</v></c><c r="F1" t="b"><v>0</v></c><c r="G1" t="e"><v>#DIV/0!</v></c><c r="H1" t="e"><v>#SPILL!</v></c>' +
      '<c r="I1" t="d" s="1"><v>2024-03-01T00:00:00</v></c><c r="J1" s="0"><v>1234.5</v></c><c r="K1"><v>-0.000001234</v></c><c r="L1"><v>1.2345678901234567E+21</v></c>';
    const crafted: Crafted = {
      sheets: [{ name: 'S', xml: `<sheetData>${row(1, cells)}</sheetData>` }],
      numFmts: { 164: 'dd/mm/yyyy', 165: '0.0"%"' },
      xfs: [0, 14, 164, 10, 165],
    };
    const file = await readBoth(crafted);
    expect(file.sheets[0].rows[0]).toEqual([
      '2023-11-15',
      '2023-11-15',
      0.8,
      0.125,
      'TRUE',
      'FALSE',
      '#DIV/0!',
      '#N/A',
      '2024-03-01',
      1234.5,
      -0.000001234,
      1.2345678901234568e21,
    ]);
    // A "%" in quotes is text, not a percentage.
    expect(file.sheets[0].percentCells).toEqual(new Set([cellKey(0, 2)]));
    const in1904 = await readBoth({ ...crafted, date1904: true });
    expect(in1904.sheets[0].rows[0].slice(0, 2)).toEqual(['2027-11-16', '2027-11-16']);
  });

  it('reads hidden rows, columns and sheets, and merges (the covered cells blank)', async () => {
    const xml =
      '<cols><col min="1" max="1" width="6"/><col min="3" max="4" width="12" hidden="1"/></cols><sheetData>' +
      row(1, '<c r="A1" t="inlineStr"><is><t>Biểu 02</t></is></c><c r="B1"><v>9</v></c>') +
      '<row r="3" hidden="1"><c r="A3"><v>1</v></c><c r="B3"><v>2</v></c><c r="C3"><v>3</v></c><c r="D3"><v>4</v></c></row>' +
      '<row r="4" spans="1:4" hidden="true" x14ac:dyDescent="0.25"/>' +
      row(5, '<c r="A5"><v>5</v></c>') +
      '</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>';
    const file = await readBoth({
      sheets: [
        { name: 'Biểu 02', xml },
        { name: 'Danh mục', xml: `<sheetData>${row(1, '<c r="A1"><v>1</v></c>')}</sheetData>`, state: 'hidden' },
        { name: 'Cấu hình', xml: '<sheetData/>', state: 'veryHidden' },
      ],
    });
    const [main, list, config] = file.sheets;
    expect(file.sheets.map((s) => s.hidden ?? false)).toEqual([false, true, true]);
    // B1, covered by the merge, is blanked, then dropped as a blank at the end of its row.
    // Rows 2 and 4 have no cells: they are holes in the array, as SheetJS leaves them.
    // eslint-disable-next-line no-sparse-arrays
    expect(main.rows).toStrictEqual([['Biểu 02'], , [1, 2, 3, 4], , [5]]);
    expect(main.merges).toEqual([{ top: 0, left: 0, bottom: 0, right: 1 }]);
    // Row 4 is written as <row …/> without cells: hidden all the same.
    expect(main.hiddenRows).toEqual(new Set([2, 3]));
    expect(main.hiddenColumns).toEqual(new Set([2, 3]));
    expect(list.rows).toEqual([[1]]);
    expect(config.rows).toEqual([]);
  });

  it('reads an .xlsm, cells without an address, and a file of many rows with holes the same as SheetJS', async () => {
    const rows = Array.from({ length: 300 }, (_, i) =>
      i % 7 === 3 ? '' : row(i * 3 + 1, `<c t="inlineStr"><is><t>Dòng ${i}</t></is></c><c><v>${i * 1.25}</v></c><c r="E${i * 3 + 1}" s="1"><v>${0.01 * i}</v></c>`),
    );
    const file = await readBoth({ sheets: [{ name: 'S', xml: `<sheetData>${rows.join('')}</sheetData>` }], xfs: [0, 9], macros: true });
    expect(file.sheets[0].rows[0]).toEqual(['Dòng 0', 0, null, null, 0]);
    expect(file.sheets[0].rows[3]).toEqual(['Dòng 1', 1.25, null, null, 0.01]);
  });
});

describe('random workbooks', () => {
  const row = (r: number, cells: string) => `<row r="${r}">${cells}</row>`;
  /** A sheet's XML from rows of [gap before the cell, its attributes, its content]. */
  const sheetXml = (rows: { gap: number; style: string; body: readonly string[] }[][]) =>
    `<sheetData>${rows
      .map((cells, r) => {
        let col = -1;
        return row(r + 1, cells.map((c) => `<c r="${String.fromCharCode(65 + (col += 1 + c.gap))}${r + 1}"${c.style}${c.body[0]}>${c.body[1]}</c>`).join(''));
      })
      .join('')}</sheetData>`;
  const styles = { numFmts: { 164: '0.0"%"', 165: 'dd/mm/yyyy' }, xfs: [0, 14, 10, 164, 165] };

  // Text as writers put it in XML: the five entities, character references, Excel's _xHHHH_
  // escapes (CR LF written as _x000D_ and a LF), Vietnamese letters, quotes, the makings of
  // numbers and errors.
  const plain = ['a', 'Đ', 'ạ', ' ', '1', '.', '-', 'E', '"', "'", '_', '#N/A', '#DIV/0!', 'true', '_x0041_', '_x000D_\n', '\n', '&quot;', '&apos;', '&gt;'];
  const ordinaryText = fc.array(fc.constantFrom(...plain, '&amp;', '&lt;', '&#233;', '&#xE9;', '&#x1EA1;'), { maxLength: 6 }).map((t) => t.join(''));
  // A formula's text ("str"): what SheetJS reads once alike (see decodeFormulaText).
  const formulaText = fc.array(fc.constantFrom(...plain), { maxLength: 6 }).map((t) => t.join(''));
  const ordinaryItem = fc.oneof(
    ordinaryText.map((t) => `<t>${t}</t>`),
    ordinaryText.map((t) => `<t xml:space="preserve"> ${t} </t>`),
    fc
      .tuple(ordinaryText, ordinaryText)
      .map(([a, b]) => `<r><t>${a}</t></r><r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve">${b}</t></r><rPh sb="0" eb="1"><t>x</t></rPh>`),
  );
  const ordinaryCell = fc.record({
    gap: fc.integer({ min: 0, max: 2 }),
    style: fc.constantFrom('', ' s="0"', ' s="1"', ' s="2"', ' s="3"', ' s="4"'),
    body: fc.oneof(
      fc
        .oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
          fc.integer({ min: -1e6, max: 1e6 }).map(String),
          fc.constantFrom('-0', '1.5E+3', '0.1', '1e400', '.5', '1.'),
        )
        .map((v) => ['', `<v>${v}</v>`]),
      fc.integer({ min: 0, max: 4 }).map((k) => [' t="s"', `<v>${k}</v>`]),
      formulaText.map((v) => [' t="str"', `<f>A1</f><v>${v}</v>`]),
      ordinaryItem.map((v) => [' t="inlineStr"', `<is>${v}</is>`]),
      fc.constantFrom('0', '1', 'true', 'false').map((v) => [' t="b"', `<v>${v}</v>`]),
      fc.constantFrom('#N/A', '#DIV/0!', '#VALUE!', '#REF!', '#NAME?', '#NUM!', '#NULL!', '#SPILL!').map((v) => [' t="e"', `<v>${v}</v>`]),
      fc.constantFrom('2024-03-01', '2024-03-01T12:30:00', '2024-03-01T00:00:00.5', '1900-03-01').map((v) => [' t="d"', `<v>${v}</v>`]),
      fc.constantFrom(['', '<f>1+1</f>'], ['', '<f>1+1</f><v>0</v>'], ['', ''], [' t="n"', '']),
    ),
  });

  it('written as Excel and other writers write them, are read by the fast reader itself, as SheetJS reads them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(ordinaryCell, { maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        fc.array(ordinaryItem, { minLength: 5, maxLength: 5 }),
        fc.boolean(),
        async (rows, strings, in1904) => {
          // A date with a time of day only in the 1900 date system (see isoDateSerial).
          const date1904 = in1904 && !rows.flat().some((c) => c.body[0] === ' t="d"' && /T(?!00:00:00<)/.test(c.body[1]));
          const bytes = craft({ sheets: [{ name: 'S', xml: sheetXml(rows) }], strings, ...styles, date1904 });
          expect(await readsItself(bytes, 'r.xlsx')).toBe(true);
          expect(await readWorkbook(bytes, 'r.xlsx')).toStrictEqual(await readWorkbook(bytes, 'r.xlsx', { xlsxReader: 'sheetjs' }));
        },
      ),
      { numRuns: 100 },
    );
  });

  // Anything a writer could put there, the unusual included: a reference past the BMP or in
  // capitals, an escape in capitals, a literal CR, a style with a leading zero or that the file
  // lacks, TRUE for a boolean, an error or date without a value, a time alone, a day before March
  // 1900, a number with a space or letters. The fast reader hands most such files to SheetJS.
  const oddText = fc
    .array(fc.constantFrom(...plain, '&amp;', '&lt;', '&#233;', '&#xE9;', '&#x1F600;', '&#X41;', '_X0041_', '\r\n', '&amp;amp;'), { maxLength: 6 })
    .map((t) => t.join(''));
  const oddItem = fc.oneof(
    ordinaryItem,
    oddText.map((t) => `<t>${t}</t>`),
    fc.tuple(oddText, oddText).map(([a, b]) => `<r><t>${a}</t></r><r><t>${b}</t></r>`),
  );
  const oddCell = fc.oneof(
    { weight: 4, arbitrary: ordinaryCell },
    fc.record({
      gap: fc.integer({ min: 0, max: 2 }),
      style: fc.constantFrom('', ' s="0"', ' s="4"', ' s="9"', ' s="01"'),
      body: fc.oneof(
        fc.constantFrom(' 12', '12abc', '', '0x10').map((v) => ['', `<v>${v}</v>`]),
        fc.integer({ min: 0, max: 6 }).map((k) => [' t="s"', `<v>${k}</v>`]),
        oddText.map((v) => [' t="str"', `<f>A1</f><v>${v}</v>`]),
        oddItem.map((v) => [' t="inlineStr"', `<is>${v}</is>`]),
        fc.constantFrom('TRUE', '', '2').map((v) => [' t="b"', v ? `<v>${v}</v>` : '']),
        oddText.map((v) => [' t="e"', `<v>${v}</v>`]),
        fc.constantFrom('12:30', '1900-02-28', '2024-02-30', '2024-03-01T12:30:00Z', '').map((v) => [' t="d"', v ? `<v>${v}</v>` : '']),
      ),
    }),
  );

  it('of any kind, are read alike by the fast reader and SheetJS', async () => {
    let itself = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(oddCell, { maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        fc.array(oddItem, { minLength: 5, maxLength: 5 }),
        fc.boolean(),
        async (rows, strings, date1904) => {
          const bytes = craft({ sheets: [{ name: 'S', xml: sheetXml(rows) }], strings, ...styles, date1904 });
          if ((await readsItself(bytes, 'r.xlsx')) === true) itself++;
          expect(await readWorkbook(bytes, 'r.xlsx')).toStrictEqual(await readWorkbook(bytes, 'r.xlsx', { xlsxReader: 'sheetjs' }));
        },
      ),
      { numRuns: 150 },
    );
    // Some of them by itself (those without anything unusual in the cells they use).
    expect(itself).toBeGreaterThan(10);
  });
});

describe('what the fast reader leaves to SheetJS', () => {
  const sheet = (cells: string) => `<sheetData>${row(1, cells)}</sheetData>`;
  const one = (cells: string, more: Partial<Crafted> = {}): Crafted => ({ sheets: [{ name: 'S', xml: sheet(cells) }], ...more });
  const workbook = (sheetTag: string) => `${HEAD}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${sheetTag}</sheets></workbook>`;
  const appXml = (pairs: string, titles: string) =>
    `${HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><HeadingPairs>${pairs}</HeadingPairs><TitlesOfParts>${titles}</TitlesOfParts></Properties>`;
  /** Each case: what is unusual in it (and why SheetJS could read it otherwise), the workbook, and
   * parts written over the crafted ones. */
  it.each([
    ['a cell type it does not know', one('<c r="A1" t="x"><v>1</v></c>')],
    ['cells out of order', one('<c r="B1"><v>1</v></c><c r="A1"><v>2</v></c>')],
    ['an element it does not read inside a cell', one('<c r="A1"><v>1</v><extLst/></c>')],
    ['a comment inside the sheet data', one('<!-- x --><c r="A1"><v>1</v></c>')],
    [
      'a prefixed worksheet',
      {
        sheets: [{ name: 'S', xml: '<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData>' }],
        root: (b: string) => `<x:worksheet xmlns:x="${MAIN}">${b}</x:worksheet>`,
      },
    ],
    ['a shared string index past the strings', one('<c r="A1" t="s"><v>5</v></c>', { strings: ['<t>a</t>'] })],
    // Text: SheetJS reads a "str" cell's text twice over; a reference past U+FFFF as its low 16
    // bits; entities, references (&#X41;) and escapes (_X0041_) in capitals as the small ones;
    // CDATA and a literal CR its own way; an escape split between runs as one.
    ['a "str" cell whose text a second reading changes', one('<c r="A1" t="str"><v>A &amp;amp; B</v></c>')],
    ['a "str" cell with a reference past ASCII (SheetJS decodes it as a byte)', one('<c r="A1" t="str"><v>&#233;</v></c>')],
    ['a character reference past U+FFFF', one('<c r="A1" t="s"><v>0</v></c>', { strings: ['<t>&#x1F600;</t>'] })],
    ['a reference in capitals', one('<c r="A1" t="inlineStr"><is><t>&#X41;</t></is></c>')],
    ['an escape with a capital X', one('<c r="A1" t="inlineStr"><is><t>_X0041_</t></is></c>')],
    ['a CDATA section in a shared string', one('<c r="A1" t="s"><v>0</v></c>', { strings: ['<t><![CDATA[a]]></t>'] })],
    ['a literal CR in a string', one('<c r="A1" t="inlineStr"><is><t>a\rb</t></is></c>')],
    ['an escape split between two runs', one('<c r="A1" t="inlineStr"><is><r><t>_x00</t></r><r><t>41_</t></r></is></c>')],
    // Cells: values written otherwise than the format says, which SheetJS reads its own way.
    ['a style number with a leading zero (SheetJS finds no style by it)', one('<c r="A1" s="01"><v>1</v></c>', { numFmts: { 164: '0.0%' }, xfs: [0, 164] })],
    ['a style the file does not have', one('<c r="A1" s="5"><v>1</v></c>')],
    ['an attribute SheetJS takes for s (its name in capitals)', one('<c r="A1" S="1"><v>1</v></c>', { xfs: [0, 14] })],
    ['a boolean written TRUE', one('<c r="A1" t="b"><v>TRUE</v></c>')],
    ['an error cell without its error', one('<c r="A1" t="e"/>')],
    ['a number with a space before it', one('<c r="A1"><v> 12</v></c>')],
    ['a date cell with a time alone', one('<c r="A1" t="d"><v>12:30</v></c>')],
    ['a date cell before March 1900 (Excel counts a 29 February 1900)', one('<c r="A1" t="d"><v>1900-02-28</v></c>')],
    [
      'a row without its number after a row written <row …/> (SheetJS does not count that one)',
      { sheets: [{ name: 'S', xml: '<sheetData><row r="1"/><row><c><v>1</v></c></row></sheetData>' }] },
    ],
    // Number formats: a built-in date format SheetJS has no code for, a code it decides otherwise.
    ['a built-in date format the file need not write (27–36, 50–58)', one('<c r="A1" s="1"><v>45000</v></c>', { xfs: [0, 30] })],
    ['a format code whose showing as a date this is not sure of', one('<c r="A1" s="1"><v>45000</v></c>', { numFmts: { 164: '0.0e+0' }, xfs: [0, 164] })],
    // Merges and hyperlinks SheetJS reads otherwise: a mergeCell with another attribute (it skips
    // it), a range ending before it starts, a hyperlink on whole rows (it fails on it).
    [
      'a merge written with another attribute',
      { sheets: [{ name: 'S', xml: `${sheet('<c r="A1"><v>1</v></c><c r="B1"><v>2</v></c>')}<mergeCells count="1"><mergeCell ref="A1:B1" x="1"/></mergeCells>` }] },
    ],
    [
      'a merged range that ends before it starts',
      { sheets: [{ name: 'S', xml: `${sheet('<c r="A1"><v>1</v></c>')}<mergeCells count="1"><mergeCell ref="B1:A1"/></mergeCells>` }] },
    ],
    ['a hyperlink on whole rows', { sheets: [{ name: 'S', xml: `${sheet('<c r="A1"><v>1</v></c>')}<hyperlinks><hyperlink ref="1:1" location="S!A1"/></hyperlinks>` }] }],
    // The workbook: a sheet SheetJS would look for elsewhere, attributes it reads otherwise
    // (a name cut at "_", the same name in other capitals), properties it fails on.
    [
      'a sheet whose target goes up a folder',
      one('<c r="A1"><v>1</v></c>'),
      {
        'xl/_rels/workbook.xml.rels': `${HEAD}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="../xl/worksheets/sheet1.xml"/><Relationship Id="rIdS" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
      },
    ],
    ['an attribute name with an underscore', one('<c r="A1"><v>1</v></c>'), { 'xl/workbook.xml': workbook('<sheet name="S" name_x="T" sheetId="1" r:id="rId1"/>') }],
    ['two attributes alike but for capitals', one('<c r="A1"><v>1</v></c>'), { 'xl/workbook.xml': workbook('<sheet name="S" NAME="T" sheetId="1" r:id="rId1"/>') }],
    [
      'extended properties whose heading pairs are not in pairs',
      one('<c r="A1"><v>1</v></c>'),
      {
        'docProps/app.xml': appXml(
          '<vt:vector size="1" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant></vt:vector>',
          '<vt:vector size="1" baseType="lpstr"><vt:lpstr>S</vt:lpstr></vt:vector>',
        ),
        '[Content_Types].xml': `${HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${CT}.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="${CT}.styles+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="${CT}.worksheet+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`,
      },
    ],
    [
      'a strict OOXML workbook',
      one('<c r="A1"><v>1</v></c>'),
      {
        'xl/workbook.xml': `${HEAD}<workbook xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      },
    ],
  ] as [string, Crafted, Record<string, string>?][])('%s', async (_, crafted, parts) => {
    const written = craft(crafted);
    const bytes = parts ? zipSync({ ...unzipSync(written), ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, strToU8(v)])) }) : written;
    expect(await readsItself(bytes, 'a.xlsx')).toBe(false);
    expect(await readWorkbook(bytes, 'a.xlsx')).toStrictEqual(await readWorkbook(bytes, 'a.xlsx', { xlsxReader: 'sheetjs' }));
  });

  it('reads the same workbooks itself when written plainly', async () => {
    // The crafted file the cases above start from is read by the fast reader itself.
    expect(await readsItself(craft(one('<c r="A1"><v>1</v></c>')), 'a.xlsx')).toBe(true);
  });
});

describe('progress and cancel', () => {
  const big = (rows: number) =>
    craft({
      sheets: [
        {
          name: 'S',
          xml: `<sheetData>${Array.from({ length: rows }, (_, i) => row(i + 1, `<c r="A${i + 1}" t="inlineStr"><is><t>Dòng ${i}</t></is></c><c r="B${i + 1}"><v>${i}</v></c>`)).join('')}</sheetData>`,
        },
      ],
    });

  it('reports progress from 0 to 1000 as the rows are read', async () => {
    const seen: number[] = [];
    const file = value(await readSheets(big(20_000), 'big.xlsx', { onProgress: (done, total) => seen.push((1000 * done) / total) }));
    expect(file.sheets[0].rows.length).toBe(20_000);
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1000);
    expect(seen.every((p, i) => i === 0 || p >= seen[i - 1])).toBe(true);
    // Past the check (300), the reading reports as it goes, not only at its end.
    expect(seen.filter((p) => p > 300 && p < 1000).length).toBeGreaterThanOrEqual(3);
  });

  it('stops with import.cancelled when the signal fires during the reading', async () => {
    const control = new AbortController();
    const read: Result<unknown> = await readSheets(big(20_000), 'big.xlsx', {
      signal: control.signal,
      onProgress: (done, total) => {
        if ((1000 * done) / total > 300) control.abort();
      },
    });
    expect(read.ok ? null : read.error.code).toBe('import.cancelled');
  });
});

describe('isDateFormat', () => {
  it.each([
    'General',
    '0',
    '#,##0',
    '#,##0.000',
    '0.00%',
    '0.0"%"',
    'm/d/yy',
    'dd/mm/yyyy',
    '[$-42A]dd/mm/yyyy',
    'hh:mm',
    '[h]:mm:ss',
    'mm:ss',
    '@',
    '"Ngày "0',
    'B1dd/mm',
    '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)',
    '#,##0;[Red]-#,##0',
    'A/P',
    'General;General',
    '0.00E+00',
    '##0.0E+0',
    '#,##0\\ [$₫-42A]',
    '_-* #,##0\\ _₫_-',
    '[>=100]0;0.0',
  ])('%s, decided as SheetJS decides it', (f) => {
    expect(isDateFormat(f)).toBe(XLSX.SSF.is_date(f));
  });

  it.each(['general', 'GENERAL', '0.0e+0', '?E+0', '[hm]', '[]', '1/4', '*xd', 'aaa', 'G', '上午/下午hh', '"unclosed', '[h', 'x'])('%s, left to SheetJS', (f) => {
    expect(isDateFormat(f)).toBeNull();
  });

  it('agrees with SheetJS on any format made of format characters, where it decides', () => {
    const unit = fc.constantFrom(...'0#?.,%E+-"\\_@*()[]/:; dmyhsAPGgenralBb1上午/下'.split(''));
    let decided = 0;
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 14 }), (f) => {
        const ours = isDateFormat(f);
        if (ours !== null) decided++;
        return ours === null || ours === XLSX.SSF.is_date(f);
      }),
      { numRuns: 5000 },
    );
    expect(decided).toBeGreaterThan(1000);
  });
});

import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { describeProblem } from '../../src/domain/messages';
import type { Result } from '../../src/domain/model';
import { detectSeparator, parseDelimited, readSheets } from '../../src/io/sheet';
import type { SheetFile } from '../../src/io/sheet';
import { cellKey, columnLetter } from '../../src/io/import-types';
import { code, fixture, utf8, value } from './import-helpers';

/** An .xlsx with one sheet "S" whose XML (inside <worksheet>) is given: a crafted file, a few KB.
 * Cell style 1 shows a date (Excel's built-in format 14), style 2 a percentage (format 10). */
function xlsxWith(sheet: string): Uint8Array {
  const head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
  const rels = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  return zipSync({
    '[Content_Types].xml': strToU8(
      `${head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
    ),
    'xl/styles.xml': strToU8(
      `${head}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="10" applyNumberFormat="1"/></cellXfs></styleSheet>`,
    ),
    '_rels/.rels': strToU8(
      `${head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    'xl/workbook.xml': strToU8(`${head}<workbook ${ns}><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    'xl/_rels/workbook.xml.rels': strToU8(
      `${head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rels}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${rels}/styles" Target="styles.xml"/></Relationships>`,
    ),
    'xl/worksheets/sheet1.xml': strToU8(`${head}<worksheet ${ns}>${sheet}</worksheet>`),
  });
}

/** Both sentences of a failed reading. */
const sentences = (r: Result<SheetFile>): string => (r.ok ? '' : `${describeProblem(r.error, 'vi')}\n${describeProblem(r.error, 'en')}`);

describe('detectSeparator', () => {
  it.each([
    ['comma, vi-VN numbers quoted', 'Mã,Kế hoạch\r\nDA2,"5.436,5"\r\nDA3,"77,04"\r\n', ','],
    ['semicolon, vi-VN numbers bare', 'Mã;Kế hoạch;Giải ngân\r\nDA2;5.436,5;2.000\r\nDA3;77,04;1\r\n', ';'],
    ['tab', 'Mã\tKế hoạch\nDA2\t5.436\nDA3\t77,04\n', '\t'],
    ['title lines above a semicolon table', 'UBND HUYỆN CAO LỘC, TỈNH LẠNG SƠN\nBáo cáo, năm 2023\nA;B;C\n1;2;3\n4;5;6\n', ';'],
    ['a single column: comma', 'DA2\nDA3\n', ','],
    [
      'semicolon, with commas in the names and vi-VN decimals outnumbering it',
      'Nội dung;Kế hoạch vốn năm 2024\nDự án 1: các huyện nghèo, các xã đặc biệt khó khăn, ven biển và hải đảo;\nTiểu dự án 1: hạ tầng, giao thông;0,000001\nTiểu dự án 2: nước sạch, vệ sinh;0,000002\nCộng Dự án 1;0,000003\n',
      ';',
    ],
    ['comma, with digits on both sides of some commas', 'STT,Nội dung,KH,GN\n1,Dự án 2,5436,2000\n2,Dự án 3,2964,230\n', ','],
  ])('%s', (_, text, sep) => {
    expect(detectSeparator(text)).toBe(sep);
  });

  it('prefers tab for a single column when asked (a .tsv file)', () => {
    expect(detectSeparator('DA2\nDA3\n', true)).toBe('\t');
  });
});

describe('parseDelimited', () => {
  it('reads quotes, doubled quotes and line breaks inside cells; blanks are null; a final line break adds no row', async () => {
    const text = '\uFEFFSTT,Nội dung,Ghi chú\r\nI,"Dự án 2: Đa dạng hóa sinh kế, phát triển mô hình","15 mô hình\r\n236 hộ"\r\n1,"Tiểu dự án ""Cải thiện dinh dưỡng""",\r\n';
    const r = value(await parseDelimited(text, 'x'));
    expect(r.separator).toBe(',');
    expect(r.sheet.rows).toEqual([
      ['STT', 'Nội dung', 'Ghi chú'],
      ['I', 'Dự án 2: Đa dạng hóa sinh kế, phát triển mô hình', '15 mô hình\n236 hộ'],
      ['1', 'Tiểu dự án "Cải thiện dinh dưỡng"'],
    ]);
  });

  it('reads rows cut by its chunks whole, quoted line breaks included', async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => [`DA${i % 7}`, `"Dòng ${i}\nthứ hai; ""trích"""`, `${i}.${i % 1000},5`]);
    const text = rows.map((r) => r.join(';')).join('\n');
    expect(text.length).toBeGreaterThan(1 << 20);
    const progress: number[] = [];
    const r = value(await parseDelimited(text, 'big', { onProgress: (done) => progress.push(done) }));
    expect(r.separator).toBe(';');
    expect(r.sheet.rows.length).toBe(rows.length);
    r.sheet.rows.forEach((row, i) => expect(row).toEqual([`DA${i % 7}`, `Dòng ${i}\nthứ hai; "trích"`, `${i}.${i % 1000},5`]));
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('warns about a quote that is never closed and keeps the text', async () => {
    const r = value(await parseDelimited('a;b\n"c;d\ne;f', 'x'));
    expect(r.notes.map((n) => n.problem.code)).toContain('import.unclosed-quote');
    expect(r.sheet.rows[0]).toEqual(['a', 'b']);
  });

  it('stops with import.cancelled when the signal fires', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(code(await parseDelimited('a,b\n1,2\n', 'x', { signal: controller.signal }))).toBe('import.cancelled');
  });
});

describe('readSheets', () => {
  it('reads every sheet of an xlsx: merges, cached formula results, numbers stored as text, percentages', async () => {
    const file = value(await readSheets(fixture('cao-loc-2023.xlsx'), 'cao-loc-2023.xlsx'));
    expect(file.kind).toBe('xlsx');
    expect(file.sheets.map((s) => s.name)).toEqual(['Biểu 01', 'Ghi chú']);
    const s = file.sheets[0];
    expect(s.rows[5].slice(0, 5)).toEqual(['STT', 'Nội dung', 'Đơn vị thực hiện', 'Năm giao vốn', 'Kế hoạch vốn năm 2023']);
    // Covered cells of a merge are blank; the merge is listed.
    expect(s.rows[5][5]).toBeNull();
    expect(s.merges).toContainEqual({ top: 5, left: 4, bottom: 5, right: 6 });
    expect(s.merges).toContainEqual({ top: 5, left: 0, bottom: 6, right: 0 });
    // F17 holds the text "2.148", H13 the text "77,04": kept as text, not numbers.
    expect(s.rows[16][5]).toBe('2.148');
    expect(s.rows[12][7]).toBe('77,04');
    expect(s.rows[9][4]).toBe(5436);
    // J holds expected rates formatted as percentages (0,8 shown as 80 %).
    expect(s.rows[9][9]).toBe(1);
    expect(s.percentCells?.has(cellKey(9, 9))).toBe(true);
    expect(s.percentCells?.has(cellKey(9, 8))).toBe(false);
  });

  it('gives formulas their cached value, and computes one saved without it from the sheet', async () => {
    const file = value(await readSheets(fixture('formulas-merged.xlsx'), 'formulas-merged.xlsx'));
    const s = file.sheets[0];
    expect(s.rows[3][3]).toBe(2473);
    expect(s.rows[7][3]).toBe(520);
    // D10 = D4+D7 was saved without a value: 2473 + 798.
    expect(s.rows[9][3]).toBe(3271);
    expect(s.rows[9][4]).toBe(1114);
    expect(file.notes).toEqual([
      expect.objectContaining({
        sheet: 'Dự án 6-7',
        cell: null,
        severity: 'warning',
        problem: { code: 'import.formulas-computed', params: { sheet: 'Dự án 6-7', count: 1 } },
      }),
    ]);
  });

  it.each(['cao-loc-2023.xls', 'cao-loc-2023.ods'] as const)('reads %s, the report as LibreOffice saves it, to the same cells as the .xlsx', async (name) => {
    const reference = value(await readSheets(fixture('cao-loc-2023.xlsx'), 'cao-loc-2023.xlsx'));
    const file = value(await readSheets(fixture(name), name));
    expect(file.kind).toBe(name.slice(-3));
    expect(file.sheets.map((s) => s.name)).toEqual(['Biểu 01', 'Ghi chú']);
    const [s, ref] = [file.sheets[0], reference.sheets[0]];
    expect(s.rows).toEqual(ref.rows);
    expect(new Set(s.merges.map((m) => JSON.stringify(m)))).toEqual(new Set(ref.merges.map((m) => JSON.stringify(m))));
    expect(s.percentCells).toEqual(ref.percentCells);
    expect(file.notes).toEqual([]);
  });

  it('reads an Excel 95 workbook (BIFF5) with its Vietnamese text in the Windows code page', async () => {
    const file = value(await readSheets(fixture('excel95-cp1258.xls'), 'excel95-cp1258.xls'));
    expect(file.kind).toBe('xls');
    expect(file.sheets.map((s) => s.name)).toEqual(['Biểu 03'.normalize('NFC')]);
    expect(file.sheets[0].rows).toEqual(
      [
        ['STT', 'Nội dung', 'Kế hoạch vốn'],
        ['1', 'Dự án 2: Đa dạng hóa sinh kế', 5436],
        ['2', 'Tiểu dự án 2: Cải thiện dinh dưỡng', 566.04],
      ].map((r) => r.map((v) => (typeof v === 'string' ? v.normalize('NFC') : v))),
    );
  });

  it('reads formulas LibreOffice saved with the value 0 as 0, with no warning', async () => {
    const file = value(await readSheets(fixture('libreoffice-zero-results.xlsx'), 'libreoffice-zero-results.xlsx'));
    const rows = file.sheets[0].rows;
    // F2 = D2+E2 and F4 = SUM(D4:E4): nothing paid yet.
    expect([rows[1][5], rows[2][5], rows[3][5], rows[4][5]]).toEqual([0, 153.5, 0, 153.5]);
    expect(file.notes).toEqual([]);
  });

  describe('formulas saved without a value', async () => {
    const file = value(await readSheets(fixture('formulas-uncached.xlsx'), 'formulas-uncached.xlsx'));
    const rows = file.sheets[0].rows;
    const notes = (c: string) => file.notes.filter((n) => n.problem.code === c);

    it('are computed as Excel shows them: a SUM over a range, A+B−C, a running total, another sheet', () => {
      expect(rows[5].slice(2, 6)).toEqual([5112.84, 4948.55, 164.29, 5112.84]);
      // E3 = C3-D3; E5 = C5-D5 was saved with its value, 0.
      expect([rows[2][4], rows[3][4], rows[4][4]]).toEqual([98.25, 66.04, 0]);
      // The running total F3 = C3, F4 = F3+C4, F5 = F4+C5.
      expect([rows[2][5], rows[3][5], rows[4][5]]).toEqual([2398.5, 2964.54, 5112.84]);
      expect(rows[6][4]).toBeCloseTo(164.29 / 5112.84, 14);
      expect(rows[9][2]).toBe(4948.55);
      expect(notes('import.formulas-computed')).toEqual([
        expect.objectContaining({ sheet: 'Biểu 01', problem: { code: 'import.formulas-computed', params: { sheet: 'Biểu 01', count: 11 } } }),
      ]);
    });

    it('are left blank with a warning when they use what is not computed, or go round in a cycle', () => {
      expect(rows[7]).toEqual([null, 'Làm tròn']);
      expect(rows[8]).toEqual([null, 'Vòng lặp']);
      expect(notes('import.formula-no-result').map((n) => [n.cell, n.problem.params?.formula])).toEqual([
        ['C8', 'ROUND(C6,0)'],
        ['C9', 'D9+1'],
        ['D9', 'C9+1'],
      ]);
    });
  });

  it.each(['hidden-merged-percent.xlsx', 'hidden-merged-percent.xls', 'hidden-merged-percent.ods'] as const)(
    '%s: hidden rows, columns and sheets are read and flagged; merges and percentages kept',
    async (name) => {
      const file = value(await readSheets(fixture(name), name));
      const [main, list, config] = file.sheets;
      expect(file.sheets.map((s) => [s.name, s.hidden ?? false])).toEqual([
        ['Biểu 02', false],
        ['Danh mục', true],
        ['Cấu hình', true],
      ]);
      // Row 4 holds a superseded figure and column C last year's plan: both hidden, both read.
      expect(main.hiddenRows).toEqual(new Set([3]));
      expect(main.hiddenColumns).toEqual(new Set([2]));
      expect(main.rows[3]).toEqual(['1', 'Tiểu dự án 1 (Dự án 3) - số cũ', 1900, 2300, 1000, 0.4348]);
      expect(main.merges).toEqual([{ top: 0, left: 0, bottom: 0, right: 5 }]);
      expect(main.rows[2][5]).toBe(0.4362);
      expect([2, 3, 4, 5].every((r) => main.percentCells?.has(cellKey(r, 5)))).toBe(true);
      expect(main.percentCells?.has(cellKey(2, 4))).toBe(false);
      expect(list.rows[1]).toEqual(['DA3.TDA1', 'Hỗ trợ phát triển sản xuất']);
      expect(config.hiddenRows).toBeUndefined();
    },
  );

  it.each([
    ['cao-loc-2023.csv', 'utf-8', ','],
    ['cao-loc-2023-semicolon.csv', 'utf-8', ';'],
    ['cao-loc-2023-cp1258.csv', 'windows-1258', ';'],
    ['cao-loc-2023-utf16.txt', 'utf-16le', '\t'],
  ] as const)('reads %s as %s text separated by %j, to the same cells', async (name, encoding, separator) => {
    const file = value(await readSheets(fixture(name), name));
    expect([file.kind, file.encoding, file.separator]).toEqual(['text', encoding, separator]);
    const rows = file.sheets[0].rows.map((r) => r.map((v) => (typeof v === 'string' ? v.normalize('NFC').replace(/\u00D0/g, 'Đ') : v)));
    const reference = value(await readSheets(fixture('cao-loc-2023.csv'), 'cao-loc-2023.csv')).sheets[0].rows;
    expect(rows).toEqual(reference);
    expect(file.sheets[0].name).toBe(name.replace(/\.[a-z]+$/, ''));
  });

  it.each([
    ['empty.csv', 'import.empty-file'],
    ['truncated.xlsx', 'import.xlsx-damaged'],
    ['password-protected.xls', 'import.encrypted'],
    ['password-protected.ods', 'import.encrypted'],
    ['password-protected.xlsx', 'import.encrypted'],
    ['bao-cao.doc', 'import.word-document'],
  ])('%s fails with %s', async (name, expected) => {
    expect(code(await readSheets(fixture(name), name))).toBe(expected);
  });

  it('says a password-protected file is one, and a Word document is not a spreadsheet, in both languages', async () => {
    const locked = sentences(await readSheets(fixture('password-protected.xls'), 'bao-cao.xls'));
    expect(locked).toContain('"bao-cao.xls" được bảo vệ bằng mật khẩu');
    expect(locked).toContain('"bao-cao.xls" is password-protected');
    const word = sentences(await readSheets(fixture('bao-cao.doc'), 'bao-cao.doc'));
    expect(word).toContain('không phải bảng tính');
    expect(word).toContain('not a spreadsheet');
  });

  it('reads a text file renamed .xlsx as text, with a warning', async () => {
    const file = value(await readSheets(fixture('text-renamed.xlsx'), 'text-renamed.xlsx'));
    expect([file.kind, file.separator]).toEqual(['text', ';']);
    expect(file.notes.map((n) => n.problem.code)).toEqual(['import.renamed-text']);
  });

  it('reads an xlsx renamed .csv as xlsx, with a warning', async () => {
    const file = value(await readSheets(fixture('cao-loc-2023.xlsx'), 'bao-cao.csv'));
    expect(file.kind).toBe('xlsx');
    expect(file.notes.map((n) => n.problem.code)).toEqual(['import.renamed-xlsx']);
  });

  it("refuses a damaged .xls, a binary file and a damaged zip in the user's terms, never a reader's", async () => {
    const ole = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    expect(code(await readSheets(ole, 'bao-cao.xls'))).toBe('import.xlsx-damaged');
    expect(code(await readSheets(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'logo.png'))).toBe('import.unsupported-file');
    const zipJunk = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...utf8('not really a zip')]);
    // A sheet naming a shared string the file lacks: SheetJS fails inside ("reading 'undefined'").
    const missingString = xlsxWith('<sheetData><row r="1"><c r="A1" t="s"><v>7</v></c></row></sheetData>');
    for (const bytes of [zipJunk, missingString, fixture('truncated.xlsx')]) {
      const r = await readSheets(bytes, 'bao-cao.xlsx');
      expect(code(r)).toBe('import.xlsx-damaged');
      expect(r.ok ? null : r.error.params).toEqual({ file: 'bao-cao.xlsx' });
      expect(sentences(r)).toContain('"bao-cao.xlsx" is damaged or was not fully downloaded');
      expect(sentences(r)).not.toMatch(/undefined|reading|Cannot|Error|zip|ZIP/);
    }
  });

  it('reads a crafted 8 KB sheet declaring the whole grid, or holding one cell at row 1 048 576, in a few row arrays', async () => {
    const whole = value(await readSheets(xlsxWith('<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'), 'a.xlsx'));
    expect(whole.sheets[0].rows).toEqual([[1]]);
    const started = performance.now();
    const last = value(
      await readSheets(
        xlsxWith('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Đầu</t></is></c></row><row r="1048576"><c r="B1048576"><v>2</v></c></row></sheetData>'),
        'b.xlsx',
      ),
    );
    const ms = performance.now() - started;
    const rows = last.sheets[0].rows;
    expect(rows.length).toBe(1_048_576);
    expect(Object.keys(rows)).toEqual(['0', '1048575']);
    expect(rows[1_048_575]).toEqual([null, 2]);
    expect(ms).toBeLessThan(1000);
  });

  it('reads dates as the day shown (yyyy-mm-dd), booleans as TRUE/FALSE and error values as Excel shows them', async () => {
    // 45245.75 is 15 November 2023, 18:00; 59 is 28 February 1900 (before Excel's 29 February).
    const cells =
      '<c r="A1" s="1"><v>45245.75</v></c><c r="B1" s="1"><v>59</v></c><c r="C1" t="b"><v>1</v></c><c r="D1" t="b"><v>0</v></c><c r="E1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="F1" t="e"><v>#N/A</v></c><c r="G1" s="2"><v>0.8</v></c>';
    const file = value(await readSheets(xlsxWith(`<sheetData><row r="1">${cells}</row></sheetData>`), 'a.xlsx'));
    expect(file.sheets[0].rows).toEqual([['2023-11-15', '1900-02-28', 'TRUE', 'FALSE', '#DIV/0!', '#N/A', 0.8]]);
    expect(file.sheets[0].percentCells).toEqual(new Set([cellKey(0, 6)]));
  });

  it('refuses a cell past the last column, and a hyperlink over the whole grid, before reading them', async () => {
    expect(code(await readSheets(xlsxWith('<sheetData><row r="1"><c r="XFE1"><v>1</v></c></row></sheetData>'), 'a.xlsx'))).toBe('import.too-many-columns');
    const link = xlsxWith('<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><hyperlinks><hyperlink ref="A1:XFD1048576" location="S!A1"/></hyperlinks>');
    expect(code(await readSheets(link, 'a.xlsx'))).toBe('import.ranges-too-large');
  });

  it('reads an xlsx whose only sheet is empty as one sheet without rows', async () => {
    const file = value(await readSheets(fixture('empty-sheet.xlsx'), 'empty-sheet.xlsx'));
    expect(file.sheets).toEqual([{ name: 'Sheet1', rows: [], merges: [] }]);
  });
});

describe('columnLetter', () => {
  it.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [27, 'AB'],
    [701, 'ZZ'],
    [702, 'AAA'],
    [16383, 'XFD'],
  ])('%i → %s', (c, letters) => {
    expect(columnLetter(c)).toBe(letters);
  });
});

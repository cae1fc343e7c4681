import { describe, expect, it } from 'vitest';
import { detectSeparator, parseDelimited, readSheets } from '../../src/io/sheet';
import { cellKey, columnLetter } from '../../src/io/import-types';
import { code, fixture, utf8, value } from './import-helpers';

describe('detectSeparator', () => {
  it.each([
    ['comma, vi-VN numbers quoted', 'Mã,Kế hoạch\r\nDA2,"5.436,5"\r\nDA3,"77,04"\r\n', ','],
    ['semicolon, vi-VN numbers bare', 'Mã;Kế hoạch;Giải ngân\r\nDA2;5.436,5;2.000\r\nDA3;77,04;1\r\n', ';'],
    ['tab', 'Mã\tKế hoạch\nDA2\t5.436\nDA3\t77,04\n', '\t'],
    ['title lines above a semicolon table', 'UBND HUYỆN CAO LỘC, TỈNH LẠNG SƠN\nBáo cáo, năm 2023\nA;B;C\n1;2;3\n4;5;6\n', ';'],
    ['a single column: comma', 'DA2\nDA3\n', ','],
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

  it('gives formulas their cached value and warns about one saved without it', async () => {
    const file = value(await readSheets(fixture('formulas-merged.xlsx'), 'formulas-merged.xlsx'));
    const s = file.sheets[0];
    expect(s.rows[3][3]).toBe(2473);
    expect(s.rows[7][3]).toBe(520);
    expect(s.rows[9][3]).toBeNull();
    expect(s.rows[9][4]).toBe(1114);
    expect(file.notes).toEqual([expect.objectContaining({ cell: 'D10', severity: 'warning', problem: { code: 'import.formula-no-result', params: { formula: 'D4+D7' } } })]);
  });

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
  ])('%s fails with %s', async (name, expected) => {
    expect(code(await readSheets(fixture(name), name))).toBe(expected);
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

  it('refuses an old .xls, a binary file and a damaged zip with a reason', async () => {
    const ole = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    expect(code(await readSheets(ole, 'bao-cao.xls'))).toBe('import.xls-unsupported');
    expect(code(await readSheets(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'logo.png'))).toBe('import.unsupported-file');
    const zipJunk = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...utf8('not really a zip')]);
    const r = await readSheets(zipJunk, 'x.xlsx');
    expect(code(r)).toBe('import.xlsx-damaged');
    expect(r.ok ? '' : String(r.error.params?.detail)).not.toBe('');
  });

  it('reads an xlsx whose only sheet is empty as one sheet without rows', async () => {
    const file = value(await readSheets(fixture('empty-sheet.xlsx'), 'empty-sheet.xlsx'));
    expect(file.sheets).toEqual([{ name: 'Sheet1', rows: [], merges: [] }]);
  });
});

describe('columnLetter', () => {
  it.each([[0, 'A'], [25, 'Z'], [26, 'AA'], [27, 'AB'], [701, 'ZZ'], [702, 'AAA'], [16383, 'XFD']])('%i → %s', (c, letters) => {
    expect(columnLetter(c)).toBe(letters);
  });
});

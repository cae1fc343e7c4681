import { describe, expect, it } from 'vitest';
import { detectTable, parseNumbering } from '../../src/io/table-detect';
import { readSheets } from '../../src/io/sheet';
import type { CellValue, Sheet } from '../../src/io/import-types';
import { fixture, value } from './import-helpers';

const sheetOf = (rows: CellValue[][], merges: Sheet['merges'] = []): Sheet => ({ name: 'S', rows, merges });
async function fixtureSheet(name: string): Promise<Sheet> {
  return value(await readSheets(fixture(name), name)).sheets[0];
}

describe('parseNumbering', () => {
  it.each([
    ['I', 'roman'],
    ['II.', 'roman'],
    ['IV', 'roman'],
    ['XII', 'roman'],
    ['1', 'arabic'],
    ['12.', 'arabic'],
    ['(3)', 'arabic'],
    ['1)', 'arabic'],
    ['1.1', 'dotted2'],
    ['2.3.1', 'dotted3'],
    ['1.1.', 'dotted2'],
    ['a', 'lower'],
    ['b)', 'lower'],
    ['đ', 'lower'],
    ['A', 'upper'],
    ['B.', 'upper'],
    ['-', 'dash'],
    ['–', 'dash'],
    ['+', 'plus'],
    ['*', 'star'],
    ['•', 'bullet'],
    ['', null],
    ['IIII', null],
    ['Dự án', null],
    ['x1', null],
  ])('%j → %s', (text, style) => {
    expect(parseNumbering(text)).toBe(style);
  });
});

describe('detectTable on the seed report', () => {
  it.each(['cao-loc-2023.xlsx', 'cao-loc-2023.csv'])('%s: titles, two-row header, unit line, column numbers, STT levels, total row, footer', async (name) => {
    const t = value(detectTable(await fixtureSheet(name)));
    expect(t.titles[0]).toContain('UBND HUYỆN CAO LỘC');
    expect(t.titles.some((s) => s.startsWith('BIỂU TỔNG HỢP'))).toBe(true);
    expect(t.headerRows).toEqual([5, 6]);
    expect(t.numberRow).toBe(7);
    expect(t.unit).toBe('trieu');
    expect(t.unitText).toBe('ĐVT: triệu đồng');
    expect(t.headers).toEqual([
      'STT',
      'Nội dung',
      'Đơn vị thực hiện',
      'Năm giao vốn',
      'Kế hoạch vốn năm 2023 / Tổng số',
      'Kế hoạch vốn năm 2023 / NSTW',
      'Kế hoạch vốn năm 2023 / NSĐP',
      'Giải ngân đến thời điểm báo cáo',
      'Tỷ lệ giải ngân (%)',
      'Dự kiến giải ngân cả năm (%)',
      'Ghi chú',
    ]);
    expect(t.sttColumn).toBe(0);
    expect([t.firstDataRow, t.lastDataRow]).toEqual([8, 22]);
    expect(t.rows.map((r) => [r.stt, r.kind, r.level])).toEqual([
      ['', 'total', null],
      ['I', 'item', 0],
      ['II', 'item', 0],
      ['1', 'item', 1],
      ['2', 'item', 1],
      ['a', 'item', 2],
      ['b', 'item', 2],
      ['III', 'item', 0],
      ['1', 'item', 1],
      ['IV', 'item', 0],
      ['1', 'item', 1],
      ['2', 'item', 1],
      ['V', 'item', 0],
      ['1', 'item', 1],
      ['2', 'item', 1],
    ]);
    expect(t.rows[0]).toMatchObject({ label: 'TỔNG CỘNG', scope: 'table' });
    expect(t.warnings).toEqual([]);
  });
});

describe('detectTable', () => {
  it('combines a three-row CSV header into one label per column', () => {
    const t = value(
      detectTable(
        sheetOf([
          ['Biểu kế hoạch vốn'],
          ['TT', 'Nội dung', 'Kế hoạch vốn năm 2023 (triệu đồng)', null, null, 'Giải ngân'],
          [null, null, 'Tổng số', 'Chia ra', null, null],
          [null, null, null, 'NSTW', 'NSĐP', null],
          ['1', 'Dự án 2', '5.664', '5.436', '228', '2.000'],
        ]),
      ),
    );
    expect(t.headerRows).toEqual([1, 2, 3]);
    expect(t.headerParts).toEqual([
      ['TT'],
      ['Nội dung'],
      ['Kế hoạch vốn năm 2023 (triệu đồng)', 'Tổng số'],
      ['Kế hoạch vốn năm 2023 (triệu đồng)', 'Chia ra', 'NSTW'],
      ['Kế hoạch vốn năm 2023 (triệu đồng)', 'Chia ra', 'NSĐP'],
      ['Giải ngân'],
    ]);
    expect(t.unit).toBeNull();
    expect(t.columnUnits).toEqual([null, null, 'trieu', 'trieu', 'trieu', null]);
    expect(t.rows).toEqual([{ row: 4, kind: 'item', stt: '1', style: 'arabic', level: 0 }]);
  });

  it('does not take a group row without numbers for a header row', () => {
    const t = value(
      detectTable(
        sheetOf([
          ['STT', 'Nội dung', 'Kế hoạch'],
          ['I', 'Dự án 3', null],
          ['1', 'Tiểu dự án 1', '2.398'],
        ]),
      ),
    );
    expect(t.headerRows).toEqual([0]);
    expect(t.rows.map((r) => r.stt)).toEqual(['I', '1']);
  });

  it('reads numbering styles by order of appearance: 1 / 1.1 / - / + and back', () => {
    const rows: CellValue[][] = [['STT', 'Nội dung', 'Kế hoạch']];
    for (const stt of ['1', '1.1', '-', '+', '+', '-', '1.2', '2', '-']) rows.push([stt, `Mục ${stt}`, 1]);
    const t = value(detectTable(sheetOf(rows)));
    expect(t.rows.map((r) => r.level)).toEqual([0, 1, 2, 3, 3, 2, 1, 0, 1]);
  });

  it('reads A, B, C as letters and I, II as Roman numerals beneath them', () => {
    const rows: CellValue[][] = [['STT', 'Nội dung', 'Kế hoạch']];
    for (const stt of ['A', 'I', 'II', 'B', 'I', 'C', 'I']) rows.push([stt, `Mục ${stt}`, 1]);
    const t = value(detectTable(sheetOf(rows)));
    expect(t.rows.map((r) => [r.style, r.level])).toEqual([
      ['upper', 0],
      ['roman', 1],
      ['roman', 1],
      ['upper', 0],
      ['roman', 1],
      ['upper', 0],
      ['roman', 1],
    ]);
  });

  it('reads total rows, a "Cộng" row and the source breakdown under a total', () => {
    const t = value(
      detectTable(
        sheetOf([
          ['STT', 'Nội dung', 'Kế hoạch'],
          [null, 'Tổng cộng (I+II)', '13.392'],
          [null, 'Trong đó:', null],
          [null, '- NSTW', '13.164'],
          [null, '- NSĐP', '228'],
          ['I', 'Dự án 2', '5.436'],
          [null, 'Cộng', '5.436'],
          ['II', 'Dự án 7', '798'],
          [null, 'Cộng tác viên thôn bản', '1'],
        ]),
      ),
    );
    expect(t.rows.map((r) => [r.kind, r.scope ?? null, r.source ?? null])).toEqual([
      ['total', 'table', null],
      ['blank', null, null],
      ['total', 'table', 'central'],
      ['total', 'table', 'local'],
      ['item', null, null],
      ['total', 'group', null],
      ['item', null, null],
      ['item', null, null],
    ]);
  });

  it('ends the body at the signature block and skips single blank rows inside it', () => {
    const t = value(
      detectTable(
        sheetOf([
          ['STT', 'Nội dung', 'Kế hoạch'],
          ['1', 'DA2', 1],
          [],
          ['2', 'DA3', 2],
          [],
          [null, 'Người lập biểu', null, 'KT. CHỦ TỊCH'],
          [null, null, null, 'Nguyễn Văn Thịnh'],
        ]),
      ),
    );
    expect(t.lastDataRow).toBe(3);
    expect(t.rows.map((r) => r.kind)).toEqual(['item', 'blank', 'item']);
  });

  it('finds the unit in a title line in any of its forms', () => {
    for (const [line, unit] of [
      ['Đơn vị tính: Tỷ đồng', 'ty'],
      ['(ĐVT: nghìn đồng)', 'nghin'],
      ['Đơn vị: đồng', 'dong'],
      ['ĐVT: Tr.đ', 'trieu'],
    ] as const) {
      const t = value(detectTable(sheetOf([['Báo cáo'], [null, null, line], ['STT', 'Nội dung', 'Kế hoạch'], ['1', 'DA2', 1]])));
      expect(t.unit).toBe(unit);
    }
  });

  it('warns when a column states a unit other than the table’s', () => {
    const t = value(detectTable(sheetOf([['ĐVT: triệu đồng'], ['STT', 'Nội dung', 'Giải ngân (đồng)'], ['1', 'DA2', 1]])));
    expect(t.unit).toBe('trieu');
    expect(t.columnUnits[2]).toBe('dong');
    expect(t.warnings.map((w) => w.problem.code)).toEqual(['import.unit-conflict']);
  });

  it('falls back to the first row of several cells when no header word is found, and says so', () => {
    const t = value(
      detectTable(
        sheetOf([
          ['x', 'y'],
          ['a', 1],
        ]),
      ),
    );
    expect(t.headerRows).toEqual([0]);
    expect(t.warnings.map((w) => w.problem.code)).toEqual(['import.no-header']);
  });

  it('reports an empty sheet and a sheet without data rows', async () => {
    const empty = detectTable(sheetOf([[], [null, '  ']]));
    expect(empty.ok ? null : empty.error).toEqual({ code: 'import.empty-sheet', params: { sheet: 'S' } });
    const headersOnly = value(detectTable(await fixtureSheet('headers-only.xlsx')));
    expect(headersOnly.headerRows).toEqual([2, 3]);
    expect(headersOnly.rows).toEqual([]);
    expect(headersOnly.warnings.map((w) => w.problem.code)).toEqual(['import.no-data']);
  });
});

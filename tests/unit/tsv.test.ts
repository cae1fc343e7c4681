import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseClipboardTable } from '../../src/io/tsv';

/** Clipboard text as Excel writes it: cells with a tab, line break or quote are quoted. */
function writeLikeExcel(rows: string[][], eol: string, trailing: boolean): string {
  const cell = (c: string) => (/[\t\r\n"]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  const body = rows.map((r) => r.map(cell).join('\t')).join(eol);
  return trailing && rows.length > 0 ? body + eol : body;
}

describe('parseClipboardTable', () => {
  it.each([
    ['empty text', '', []],
    ['one cell', '5.436', [['5.436']]],
    ['one cell with CRLF', '5.436\r\n', [['5.436']]],
    [
      'LF rows, trailing newline',
      'a\tb\nc\td\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'CRLF rows, trailing newline',
      'DA2\t5.436\r\nDA3.TDA1\t2.398\r\n',
      [
        ['DA2', '5.436'],
        ['DA3.TDA1', '2.398'],
      ],
    ],
    [
      'no trailing newline',
      'a\tb\r\nc\td',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    ['lone CR rows', 'a\rb\r', [['a'], ['b']]],
    [
      'empty cells kept',
      'a\t\tc\r\n\t\t\r\n',
      [
        ['a', '', 'c'],
        ['', '', ''],
      ],
    ],
    ['an empty row in the middle', 'a\r\n\r\nb\r\n', [['a'], [''], ['b']]],
    ['a single empty cell', '\r\n', [['']]],
    ['only the final line break is dropped', 'a\r\n\r\n', [['a'], ['']]],
    ['quoted cell with a line break', '"Trung tâm\nY tế"\t566\r\n', [['Trung tâm\nY tế', '566']]],
    ['quoted cell with CRLF inside', '"a\r\nb"\tc', [['a\r\nb', 'c']]],
    ['quoted cell with a tab', '"a\tb"\tc\r\n', [['a\tb', 'c']]],
    ['doubled quotes', '"Dự án ""Cải thiện dinh dưỡng""\n2023"\r\n', [['Dự án "Cải thiện dinh dưỡng"\n2023']]],
    ['quoted empty cell', '""\tx', [['', 'x']]],
    ['quoted cell at the end without newline', 'x\t"a\nb"', [['x', 'a\nb']]],
    ['quote inside an unquoted cell is text', 'Tiểu dự án 2 “Cải thiện” and 5" pipe\tx', [['Tiểu dự án 2 “Cải thiện” and 5" pipe', 'x']]],
    ['a cell that only starts with a quote is text', '"Cải thiện" dinh dưỡng\t566\r\n', [['"Cải thiện" dinh dưỡng', '566']]],
    ['unterminated quote is text', '"abc\tdef\r\n', [['"abc', 'def']]],
    ['BOM dropped', '\uFEFFa\tb', [['a', 'b']]],
    ["spaces and NBSP are kept (normalising is not this module's job)", ' a \t4\u00A0329\r\n', [[' a ', '4\u00A0329']]],
  ])('%s', (_, text, rows) => {
    expect(parseClipboardTable(text)).toEqual(rows);
  });

  it('reads back any table written the way Excel writes it', () => {
    const cellText = fc.string({ unit: fc.constantFrom('a', 'Đ', ' ', '"', '\t', '\n', '\r', ',', '.', '1') });
    const table = fc.array(fc.array(cellText, { minLength: 1, maxLength: 5 }), { maxLength: 6 });
    fc.assert(
      fc.property(table, fc.constantFrom('\r\n', '\n'), fc.boolean(), (rows, eol, trailing) => {
        // A last row holding one empty cell is indistinguishable from a trailing line break.
        fc.pre(trailing || rows.length === 0 || rows[rows.length - 1].join('') !== '' || rows[rows.length - 1].length > 1);
        expect(parseClipboardTable(writeLikeExcel(rows, eol, trailing))).toEqual(rows);
      }),
      { numRuns: 1000 },
    );
  });
});

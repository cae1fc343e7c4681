// Formulas a file saved without their value, computed from the file's own cells: the arithmetic a
// budget sheet writes gives the number Excel shows; anything else, a cycle or a missing value
// gives none (the import then leaves the cell blank and says so).

import { describe, expect, it } from 'vitest';
import { compileFormula, computeFormulas, shiftFormula, type FormulaSheet, type PendingFormula } from '../../src/io/formula-eval';
import type { CellValue } from '../../src/io/import-types';

/** One sheet from rows; formulas given as [row, col, text] on sheet 0 unless a sheet is named. */
function compute(rows: CellValue[][], formulas: [number, number, string, number?][], more: FormulaSheet[] = []): (number | null)[] {
  const sheets: FormulaSheet[] = [{ name: 'Biểu 01', rows }, ...more];
  const pending: PendingFormula[] = formulas.map(([row, col, formula, sheet]) => ({ sheet: sheet ?? 0, row, col, formula }));
  return computeFormulas(sheets, pending);
}

describe('computeFormulas', () => {
  const grid: CellValue[][] = [
    [5436, 2964, 566.5, 'Ghi chú'],
    [2398, 153, 77.04, null],
    [0.1, 0.2, 0.3, '2.148'],
  ];

  it.each([
    ['SUM over a range', 'SUM(A1:A2)', 7834],
    ['several arguments and ranges', 'SUM(A1:B1,C1,10)', 8976.5],
    ['A1+B1-C1', 'A1+B1-C1', 7833.5],
    ['absolute references', '$A$1-$B1+C$1', 3038.5],
    ['parentheses and precedence', '(A1+B1)*2-C1/2', 16516.75],
    ['unary minus', '-A1+-(-B1)', -2472],
    ['a percentage', 'A1*10%', 543.6],
    ['a percentage of a reference', 'B2%', 1.53],
    ['a leading =', '=SUM(A1:C1)', 8966.5],
    ['sums with decimals come out as Excel shows them', 'A3+B3', 0.3],
    ['text and blanks in a range are ignored by SUM', 'SUM(C1:D3)', 643.84],
    ['a blank referred to directly is 0', 'D2+1', 1],
    ['a number', '2473', 2473],
  ])('%s: =%s', (_, formula, expected) => {
    expect(compute(grid, [[5, 0, formula]])).toEqual([expected]);
  });

  it.each([
    ['another function', 'ROUND(A1,0)'],
    ['a comparison', 'A1>B1'],
    ['text in arithmetic', 'D1+1'],
    ['text that looks like a vi-VN number', 'D3*1'],
    ['a division by zero', 'A1/D2'],
    ['a range in arithmetic', 'A1:A2+1'],
    ['a missing sheet', "'Không có'!A1"],
    ['a name', 'TongCong*2'],
    ['an empty SUM', 'SUM()'],
    ['malformed', 'A1+*B1'],
    ['unbalanced', '(A1+B1'],
  ])('gives no value for %s: =%s', (_, formula) => {
    expect(compute(grid, [[5, 0, formula]])).toEqual([null]);
  });

  it('computes formulas that refer to formulas without a value, in any order', () => {
    // F1 = E1 * 2 is listed before E1 = SUM(A1:C1).
    expect(
      compute(grid, [
        [0, 5, 'E1*2'],
        [0, 4, 'SUM(A1:C1)'],
        [1, 4, 'SUM(E1,F1)'],
      ]),
    ).toEqual([17933, 8966.5, 26899.5]);
  });

  it('reads another sheet of the same file, by a quoted name', () => {
    const other: FormulaSheet = { name: 'Nguồn vốn', rows: [[100, 200]] };
    const values = compute(
      grid,
      [
        [5, 0, "'Nguồn vốn'!A1+'nguồn vốn'!B1"],
        [1, 0, "Sheet2!A1+'Biểu 01'!B1", 2],
      ],
      [other, { name: 'Sheet2', rows: [[7]] }],
    );
    expect(values).toEqual([300, 2971]);
  });

  it('computes a chain of 100 000 cells, each referring to the one above, without running out of stack', () => {
    const n = 100_000;
    const rows: CellValue[][] = [[1]];
    const formulas: [number, number, string][] = [];
    // Listed last to first: the first formula needs all the others.
    for (let r = n; r >= 1; r--) formulas.push([r, 0, `A${r}+1`]);
    const values = compute(rows, formulas);
    expect(values[0]).toBe(n + 1);
    expect(values[n - 1]).toBe(2);
  });

  it('gives no value to the cells of a cycle, nor to those that need them', () => {
    expect(
      compute(
        [[1]],
        [
          [1, 0, 'A3+1'],
          [2, 0, 'A2+1'],
          [3, 0, 'A2*2'],
          [4, 0, 'A1+1'],
          [5, 0, 'A6'],
        ],
      ),
    ).toEqual([null, null, null, 2, null]);
  });

  it('gives no value to a SUM over a pending formula that has none', () => {
    expect(
      compute(
        [[1], [2]],
        [
          [2, 0, 'ROUND(A1,0)'],
          [3, 0, 'SUM(A1:A3)'],
        ],
      ),
    ).toEqual([null, null]);
  });

  it('refuses a formula nested deeper than Excel allows, and one longer than Excel allows', () => {
    expect(
      compute(
        [[1]],
        [
          [1, 0, `${'('.repeat(65)}A1${')'.repeat(65)}`],
          [2, 0, `${'('.repeat(64)}A1${')'.repeat(64)}`],
        ],
      ),
    ).toEqual([null, 1]);
    expect(compileFormula(`A1${'+1'.repeat(5000)}`)).toBeNull();
  });
});

describe('shiftFormula', () => {
  it('moves relative references as a shared formula reads in the cells it covers', () => {
    expect(shiftFormula('SUM(D5:D6)+$E$1+E$2+$F3', 3, 1)).toBe('SUM(E8:E9)+$E$1+F$2+$F6');
    expect(shiftFormula("'Biểu 2'!A1*2", 1, 0)).toBe("'Biểu 2'!A2*2");
    expect(shiftFormula('A1+1', -1, 0)).toBe('#REF!+1');
    expect(shiftFormula('"A1"&B1', 1, 0)).toBe('"A1"&B2');
  });
});

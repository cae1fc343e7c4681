// Where a paste puts each value: nothing that cannot land is dropped without being named.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pasteArea, planPaste, type PasteGrid } from '../../src/ui/grid/paste-plan';

/** A grid of rows: 'L' a line, 'N' a roll-up item, 'T' the program total (last). Column 1 is computed. */
function grid(kinds: string, shown: Record<string, string> = {}): PasteGrid {
  const total = kinds.endsWith('T');
  return {
    lastRow: total ? kinds.length - 2 : kinds.length - 1,
    colCount: 2,
    isLineRow: (r) => kinds[r] === 'L',
    slotAt: (r, c) => (c === 1 ? 'derived' : kinds[r] === 'L' ? 'editable' : kinds[r] === 'N' ? 'rollup' : 'total'),
    shownAt: (r, c) => shown[`${r},${c}`] ?? '',
  };
}
const column = (...v: string[]) => v.map((x) => [x]);

describe('planPaste', () => {
  it('names the values that fall on roll-up rows instead of dropping them', () => {
    const p = planPaste(column('3.600', '180', '999', '77'), { row: 0, col: 0, rows: 4, cols: 1 }, grid('LNLNLT'), 'rows');
    expect(p.cells).toEqual([
      { row: 0, col: 0, raw: '3.600' },
      { row: 2, col: 0, raw: '999' },
    ]);
    expect(p.refused.map((c) => [c.raw, c.row, c.why])).toEqual([
      ['180', 1, 'rollup'],
      ['77', 3, 'rollup'],
    ]);
    expect(p.overflow).toEqual([]);
  });

  it('in lines mode puts each value on the next line, passing over roll-up rows', () => {
    const p = planPaste(column('3.600', '180', '999', '77'), { row: 0, col: 0, rows: 4, cols: 1 }, grid('LNLNLLT'), 'lines');
    expect(p.cells.map((c) => [c.row, c.raw])).toEqual([
      [0, '3.600'],
      [2, '180'],
      [4, '999'],
      [5, '77'],
    ]);
    expect(p.refused).toEqual([]);
  });

  it('keeps the rows past the last line as overflow (the total row is not a place for them)', () => {
    const p = planPaste(column('1', '2', '3'), { row: 1, col: 0, rows: 3, cols: 1 }, grid('NLT'), 'rows');
    expect(p.cells).toEqual([{ row: 1, col: 0, raw: '1' }]);
    expect(p.overflow).toEqual([['2'], ['3']]);
  });

  it('does not count empty values, or what a read-only cell already shows, as refused', () => {
    const p = planPaste(
      [
        ['5', '7,5 %'],
        ['', ''],
      ],
      { row: 0, col: 0, rows: 2, cols: 2 },
      grid('LNT', { '0,1': '7,5 %' }),
      'rows',
    );
    expect(p.cells).toEqual([{ row: 0, col: 0, raw: '5' }]);
    expect(p.refused).toEqual([]);
  });

  it('repeats a block over a selection that holds it whole times, as Excel does', () => {
    expect(pasteArea(1, 1, { row: 0, col: 0, rows: 4, cols: 1 })).toEqual({ rows: 4, cols: 1 });
    expect(pasteArea(2, 1, { row: 0, col: 0, rows: 3, cols: 1 })).toEqual({ rows: 2, cols: 1 });
  });

  it('every pasted value is written, refused or left over: none vanishes', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[LN]{1,12}$/),
        fc.array(fc.integer({ min: 1, max: 999 }), { minLength: 1, maxLength: 15 }),
        fc.nat(11),
        fc.boolean(),
        (kinds, values, start, lines) => {
          const g = grid(kinds + 'T');
          const row = start % kinds.length;
          const p = planPaste(column(...values.map(String)), { row, col: 0, rows: values.length, cols: 1 }, g, lines ? 'lines' : 'rows');
          expect(p.cells.length + p.refused.length + p.overflow.length).toBe(values.length);
          if (lines) expect(p.refused).toEqual([]);
        },
      ),
    );
  });
});

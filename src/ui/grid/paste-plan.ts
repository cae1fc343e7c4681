// Where a paste or a fill puts each value, worked out before anything is written, so that every
// value that cannot land is named: pasted onto a roll-up row (its amounts are the sum of its
// lines), onto the program total, onto a computed column, or past the last line of the plan.

/** What a grid cell is for a value pasted into it. */
export type CellSlot = 'editable' | 'rollup' | 'total' | 'derived';

export interface PasteCell {
  row: number;
  col: number;
  raw: string;
}

export interface RefusedCell extends PasteCell {
  why: Exclude<CellSlot, 'editable'>;
}

export interface PastePlan {
  cells: PasteCell[];
  /** Values that would land on a cell that cannot take them (not empty, not what it shows). */
  refused: RefusedCell[];
  /** Rows of the pasted block left over past the last line (the plan ends before them). */
  overflow: string[][];
  /** The pasted block's first column. */
  col: number;
}

export interface PasteGrid {
  /** Rows the plan's lines and items take; the program total (if any) comes after them. */
  lastRow: number;
  colCount: number;
  slotAt(row: number, col: number): CellSlot;
  isLineRow(row: number): boolean;
  /** The text a cell shows: pasting what a cell already shows loses nothing. */
  shownAt(row: number, col: number): string;
}

/** The area a paste covers: the block's size, or the selection's when it holds the block whole times (as Excel repeats it). */
export function pasteArea(dataRows: number, dataCols: number, sel: { row: number; col: number; rows: number; cols: number }): { rows: number; cols: number } {
  const fit = (n: number, s: number) => (s > n && s % n === 0 ? s : n);
  return { rows: fit(dataRows, sel.rows), cols: fit(dataCols, sel.cols) };
}

/**
 * Places a block of values from (row, col). `rows` mode puts block row i on grid row row+i, as
 * Excel does; `lines` mode puts it on the i-th line from `row`, passing over roll-up rows.
 */
export function planPaste(data: string[][], at: { row: number; col: number; rows: number; cols: number }, grid: PasteGrid, mode: 'rows' | 'lines'): PastePlan {
  const plan: PastePlan = { cells: [], refused: [], overflow: [], col: at.col };
  let row = at.row;
  for (let i = 0; i < at.rows; i++) {
    const values = data[i % data.length];
    if (mode === 'lines') while (row <= grid.lastRow && !grid.isLineRow(row)) row++;
    if (row > grid.lastRow) {
      plan.overflow.push(values);
      continue;
    }
    for (let j = 0; j < at.cols; j++) {
      const col = at.col + j;
      const raw = values[j % values.length] ?? '';
      if (col >= grid.colCount) {
        if (raw.trim()) plan.refused.push({ row, col, raw, why: 'derived' });
        continue;
      }
      const slot = grid.slotAt(row, col);
      if (slot === 'editable') plan.cells.push({ row, col, raw });
      else if (raw.trim() && raw.trim() !== grid.shownAt(row, col).trim()) plan.refused.push({ row, col, raw, why: slot });
    }
    row++;
  }
  return plan;
}

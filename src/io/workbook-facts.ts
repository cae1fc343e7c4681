// What the scanners of a workbook file (xlsx-scan, ods-scan, biff-scan) report before SheetJS reads
// it: counts that workbook-guard.ts holds against its limits, and per sheet what SheetJS does not
// give (hidden rows and columns, formulas saved without a value). Plain data.

/** Counts over the whole file, each as SheetJS would build it. */
export interface Tally {
  /** Cells SheetJS would make (values, not empty formatting). */
  cells: number;
  merges: number;
  /** Cells the merged ranges cover. */
  mergedCells: number;
  /** Cells hyperlinks cover: SheetJS visits each. */
  linkedCells: number;
  /** The largest 0-based row and column a cell, a row or a column setting names (-1: none). */
  lastRow: number;
  lastColumn: number;
  /** Characters that runs of spaces written as a count (ODS's text:s) expand to. */
  expandedChars: number;
}

export const emptyTally = (): Tally => ({ cells: 0, merges: 0, mergedCells: 0, linkedCells: 0, lastRow: -1, lastColumn: -1, expandedChars: 0 });

/** A formula of a cell: its 0-based cell and its text in A1 style (without the '='). */
export interface SavedFormula {
  row: number;
  col: number;
  formula: string;
}

/** What one sheet holds that SheetJS does not report. */
export interface SheetFacts {
  /** Hidden rows and columns as inclusive 0-based ranges (a hidden block of empty rows at the end
   * of a sheet may span a million rows: the reader keeps those within the sheet's cells). */
  hiddenRows: [number, number][];
  hiddenColumns: [number, number][];
  /** The sheet is hidden, when the scan knows it (SheetJS says it for .xlsx and .xls). */
  hidden?: boolean;
  /** Cells holding a percentage that SheetJS gives no number format (an .ods cell styled by its
   * column): [row, col, rows, cols], a cell repeated over rows and columns. */
  percentCells?: [number, number, number, number][];
  /** Formulas saved without a value. */
  formulas: SavedFormula[];
  /** Formulas saved with their value (the import may keep them as formulas on its lines); only
   * the .xlsx scan lists them. */
  valued?: SavedFormula[];
  /** Formula cells whose text the scan cannot give (an .xls stores formulas compiled): read as the
   * value they saved, and said. */
  formulasAsValues?: number;
}

export const emptyFacts = (): SheetFacts => ({ hiddenRows: [], hiddenColumns: [], formulas: [] });

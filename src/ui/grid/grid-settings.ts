// Handsontable settings every grid of the app shares: fixed sizes (automatic sizing is far too slow
// on large plans), two frozen columns, a totals row fixed at the bottom, and no data writes or row
// creation by Handsontable itself (the session owns the data and the undo history).

import type Handsontable from 'handsontable';
import 'handsontable/styles/handsontable.min.css';
import 'handsontable/styles/ht-theme-main.min.css';

export const ROW_HEIGHT = 26;

export const BASE_GRID_SETTINGS: Handsontable.GridSettings = {
  licenseKey: 'non-commercial-and-evaluation',
  themeName: 'ht-theme-main',
  rowHeaders: false,
  rowHeights: ROW_HEIGHT,
  wordWrap: false,
  columnHeaderHeight: 40,
  autoRowSize: false,
  autoColumnSize: false,
  manualColumnResize: true,
  fixedColumnsStart: 2,
  fixedRowsBottom: 1,
  height: '100%',
  width: '100%',
  undo: false,
  fillHandle: { direction: 'vertical', autoInsertRow: false },
  allowInsertRow: false,
  allowInsertColumn: false,
  allowRemoveRow: false,
  allowRemoveColumn: false,
  outsideClickDeselects: false,
  enterMoves: { col: 0, row: 1 },
  tabNavigation: true,
  navigableHeaders: true,
  copyPaste: true,
  sanitizer: showAsText,
};

/**
 * Handsontable writes headers and menu labels as HTML; ours are text (a criterion or scenario name
 * may be `<img src=x onerror=…>`), so they are escaped and shown as typed. Pasted HTML is passed
 * through: Handsontable reads it with an inert DOMParser and keeps only the cells' text.
 */
function showAsText(html: string, context?: string): string {
  if (context?.startsWith('CopyPaste')) return html;
  return html.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

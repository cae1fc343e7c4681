// The Handsontable adapter: creates the grid, reads every cell through the session (so it never
// holds a copy of the plan), turns edits, pastes and fills into session changes (Handsontable never
// writes data itself), and owns the grid's keyboard shortcuts and context menu.

import Handsontable, { type CellRange } from 'handsontable';
import type { CellChange, ChangeSource } from 'handsontable/settings';
import type { CellInput, CellProblem, RowTarget, WorkbookSession } from '../../state/session.svelte';
import { TOTAL_ROW, rowNode } from '../../state/rows';
import { monthIndex } from '../../domain/edit';
import {
  GRID_COLUMNS,
  amountIn,
  amountSource,
  cellAmount,
  cellText,
  columnHeaders,
  fieldFor,
  flagTip,
  isAmountColumn,
  rowKindOf,
  selectOptions,
  shownAmount,
  type GridColumn,
  type ViewSettings,
} from './columns';
import { t } from '../i18n';
import { isCounterpartShort } from '../../domain/rollup';
import { formatAmount } from '../../domain/amount';
import { handleUndoKeys } from './undo-keys';
import { BASE_GRID_SETTINGS } from './grid-settings';
import { pasteArea, planPaste, type PasteCell, type PasteGrid, type PastePlan } from './paste-plan';
import type { Id, Line } from '../../domain/model';
import type { NoticeAction } from '../../state/app.svelte';
import { loadGridPrefs, updateGridPrefs } from './view-prefs';
import type { FormulaField } from '../../domain/model';
import { ERROR_TEXT } from '../../domain/formula/evaluate';
import { describeProblem } from '../../domain/messages';

const PASTE_WHY = { rollup: 'pasteWhyRollup', total: 'pasteWhyTotal', derived: 'pasteWhyDerived' } as const;

export interface GridCallbacks {
  onProblems(problems: CellProblem[]): void;
  onInfo(text: string): void;
  /** A notice with ways to act on it (a paste whose values did not all land). */
  onNotice?(kind: 'info' | 'error', text: string, actions: NoticeAction[]): void;
  /** An edit landed whole: a notice about an earlier refusal no longer applies. */
  onAccepted?(): void;
  /** The row code (see state/rows) under the active cell, after each selection. */
  onSelectRow?(code: number): void;
  /** Set or change the column formula of the selected column for an item's lines (null: the workbook's). */
  onColumnFormula?(target: { nodeId: Id | null; field: FormulaField; scope: string; column: string }): void;
  /** Write or change the note on a cell. */
  onNote?(cell: { target: RowTarget; key: string; rowName: string; column: string }): void;
  /** "Move lines to…" for the lines selected. */
  onMoveLines?(lineIds: string[]): void;
  /** "Lịch sử…": who changed a line's or an item's cell, when, and its values (offered while canHistory says so). */
  onHistory?(cell: { target: RowTarget; key: string; rowName: string; column: string }): void;
  canHistory?(): boolean;
  /** Ctrl+F in the grid: open Find. */
  onFind?(): void;
  /** The sum, count and average of the amounts selected, after each selection and repaint. */
  onSelectionSum?(sum: SelectionSum | null): void;
}

/** What the status bar says of the cells selected, as Excel's does (amounts in đồng). */
export interface SelectionSum {
  sum: number;
  count: number;
  /** Cells selected in all (amounts or not). */
  cells: number;
  /** Roll-up rows and the lines under them both selected: their amounts may be counted twice. */
  mixed: boolean;
}

interface RowRef {
  r: number;
}

export class BudgetGridAdapter {
  readonly hot: Handsontable;
  private rowRefs: RowRef[] = [];
  /** Cells whose last entry was refused: "targetKey|col". Cleared when the cell takes a value. */
  private invalid = new Set<string>();
  private lastFocusSeq = -1;
  private seenStructure = -1;
  /** Index of each column by key. */
  private colIndex: Record<string, number>;

  constructor(
    container: HTMLElement,
    private session: WorkbookSession,
    private view: ViewSettings,
    private cb: GridCallbacks,
    private cols: GridColumn[] = GRID_COLUMNS,
    /** Where this view's column widths and hidden columns are kept (none: not kept). */
    private prefsKey: string | null = null,
  ) {
    this.rowRefs = this.makeRowRefs();
    this.colIndex = Object.fromEntries(cols.map((c, i) => [c.key, i]));
    const columns = cols.map((c) => ({
      data: (row: unknown) => {
        const ref = row as RowRef | undefined;
        return ref ? cellText(this.session, this.session.rows[ref.r], c, this.view) : '';
      },
      width: c.width,
    }));
    this.hot = new Handsontable(container, {
      ...BASE_GRID_SETTINGS,
      data: this.rowRefs,
      columns,
      colHeaders: columnHeaders(view, cols),
      colWidths: cols.map((c) => c.width),
      cells: (row, col) => this.cellMeta(row, col),
      renderer: (instance: Handsontable.Core, td: HTMLTableCellElement, row: number, col: number, prop: string | number, value: unknown, cp: Handsontable.CellProperties) =>
        this.renderCell(instance, td, row, col, prop, value, cp),
      beforeChange: (changes, source) => this.onBeforeChange(changes, source),
      beforeViewRender: (_forced, skip) => {
        if (this.skipChangeRender) skip.skipRender = true;
        this.skipChangeRender = false;
      },
      beforePaste: (data) => this.onPaste(data),
      // Returning false cancels Handsontable's own fill (its types leave that out).
      beforeAutofill: (data, source, target) => this.onAutofill(data, source, target) as unknown as void,
      beforeKeyDown: (e) => this.onKeyDown(e),
      beforeOnCellMouseDown: (e, coords) => this.insertReference(e as MouseEvent, coords.row ?? -1, coords.col ?? -1),
      afterOnCellMouseDown: (e, coords) => this.onMouseDown(e as MouseEvent, coords.row ?? -1),
      afterBeginEditing: () => this.labelEditors(),
      afterSelectionEnd: (row) => {
        this.labelEditors();
        const code = this.session.rows[row];
        if (code !== undefined) this.cb.onSelectRow?.(code);
        this.cb.onSelectionSum?.(this.selectionSum());
      },
      contextMenu: { items: this.menuItems() },
      hiddenColumns: { columns: [], indicators: true },
      afterColumnResize: (width, col) => this.keepWidth(col, width),
    });
    this.applyPrefs();
  }

  // ---- column widths and hidden columns, kept per workbook and view ---------------------------

  /** Columns folding shows or hides: the months, and their sum shown in their place. */
  private monthCols(): { months: number[]; sum: number } | null {
    const sum = this.colIndex.monthsTotal;
    if (sum === undefined) return null;
    return { months: this.cols.map((c, i) => (monthIndex(c.key) >= 0 ? i : -1)).filter((i) => i >= 0), sum };
  }

  /** Whether the month columns are folded into their sum. */
  monthsFolded(): boolean {
    return !!this.prefsKey && loadGridPrefs(this.session.workbook.id, this.prefsKey).monthsFolded;
  }

  /**
   * Folds the twelve months (and next January) into one column of their sum, or unfolds them and
   * brings the month of the figures' date into view.
   */
  setMonthsFolded(folded: boolean): void {
    if (!this.prefsKey || !this.monthCols()) return;
    updateGridPrefs(this.session.workbook.id, this.prefsKey, { monthsFolded: folded });
    this.applyPrefs();
    if (!folded) {
      const asOf = this.session.workbook.settings.asOf;
      const month = asOf ? Number(asOf.slice(5, 7)) : new Date().getMonth() + 1;
      const col = this.colIndex[`m${month}`];
      if (col !== undefined) this.hot.scrollViewportTo({ col, horizontalSnap: 'end' });
    }
  }

  private applyPrefs(): void {
    if (!this.prefsKey) return;
    const p = loadGridPrefs(this.session.workbook.id, this.prefsKey);
    const fold = this.monthCols();
    const folded = fold ? (p.monthsFolded ? fold.months : [fold.sum]) : [];
    const hidden = [...new Set([...this.cols.map((c, i) => (p.hidden.includes(c.key) ? i : -1)).filter((i) => i >= 2), ...folded])];
    const widths = this.cols.map((c) => p.widths[c.key] ?? c.width);
    // Widths a user set live in the resize plugin, which overrides colWidths: give them to it.
    this.hot.updateSettings({ colWidths: widths, manualColumnResize: widths, hiddenColumns: { columns: hidden, indicators: true } });
  }

  private keepWidth(col: number, width: number): void {
    const key = this.cols[col]?.key;
    if (!this.prefsKey || !key) return;
    const p = loadGridPrefs(this.session.workbook.id, this.prefsKey);
    updateGridPrefs(this.session.workbook.id, this.prefsKey, { widths: { ...p.widths, [key]: Math.round(width) } });
  }

  /** The column's width typed in pixels (the keyboard's way to what dragging a header's edge does), kept like a dragged one. */
  private askWidth(): void {
    const col = Math.max(this.hot.getSelectedRangeActive()?.highlight.col ?? 0, 0);
    const column = this.cols[col];
    if (!column) return;
    const now = Math.round(this.hot.getColWidth(col));
    const typed = globalThis.prompt(t(this.view.lang, 'columnWidthAsk', { column: column.header[this.view.lang], now }), String(now));
    if (typed === null) return;
    const width = Number(typed.trim());
    if (!Number.isInteger(width) || width < 30 || width > 1000) return this.cb.onInfo(t(this.view.lang, 'columnWidthBad', { text: typed }));
    // The other columns keep their kept widths (a hidden column reads as 0 wide, so the grid's own can't be used).
    const kept = this.prefsKey ? loadGridPrefs(this.session.workbook.id, this.prefsKey).widths : {};
    const widths = this.cols.map((c, i) => (i === col ? width : (kept[c.key] ?? c.width)));
    this.hot.updateSettings({ manualColumnResize: widths });
    this.keepWidth(col, width);
    this.focusGrid();
  }

  /** Hides the selected columns (never the frozen code and name), or shows them all again. */
  private setHidden(hide: boolean): void {
    const plugin = this.hot.getPlugin('hiddenColumns');
    const fold = this.monthCols();
    const folding = new Set(fold ? [...fold.months, fold.sum] : []);
    if (hide) {
      const cols: number[] = [];
      for (const [, c1, , c2] of this.hot.getSelected() ?? []) for (let c = Math.min(c1, c2); c <= Math.max(c1, c2); c++) if (c >= 2) cols.push(c);
      plugin.hideColumns(cols);
    } else plugin.showColumns(plugin.getHiddenColumns().filter((i) => !folding.has(i)));
    this.hot.render();
    // The columns the user hid; those folding hides are the fold's to keep.
    const userHidden = plugin.getHiddenColumns().filter((i) => !folding.has(i) || (hide && this.isSelectedCol(i)));
    if (this.prefsKey) updateGridPrefs(this.session.workbook.id, this.prefsKey, { hidden: userHidden.map((i) => this.cols[i].key) });
  }

  private isSelectedCol(col: number): boolean {
    return (this.hot.getSelected() ?? []).some(([, c1, , c2]) => col >= Math.min(c1, c2) && col <= Math.max(c1, c2));
  }

  /**
   * Brings the grid up to date with the session: reloads rows when they were added, removed,
   * reordered or collapsed, otherwise repaints the visible cells; then selects any cell asked for.
   */
  sync(): void {
    this.labelEditors();
    if (this.session.structureRevision !== this.seenStructure) this.reloadRows();
    else {
      // Only a new place to select (a match of Find): the cells are as drawn, selecting repaints it.
      if (this.session.revision !== this.seenRevision) this.hot.render();
      this.applyFocusRequest();
    }
    this.seenRevision = this.session.revision;
    this.cb.onSelectionSum?.(this.selectionSum());
    this.sayFormulaErrors();
  }

  /** Formula cells an edit has just left in error (a line they read deleted, a division by zero): named with the value each keeps. */
  private sayFormulaErrors(): void {
    const news = this.session.takeNewFormulaErrors();
    if (!news.length) return;
    const L = this.view.lang;
    const name = (f: string) => GRID_COLUMNS.find((c) => c.field === f)?.header[L] ?? f;
    const list = news
      .slice(0, 4)
      .map(({ line, field, error }) => {
        const value = field === 'expectedRate' ? `${line.expectedRate ?? ''} %` : formatAmount(line[field], this.view.unit, this.view.locale);
        return `${line.label || line.unit} (${name(field)}) ${ERROR_TEXT[error as keyof typeof ERROR_TEXT] ?? '#VALUE!'} = ${value}`;
      })
      .join(' · ');
    this.cb.onNotice?.('error', t(L, 'formulaErrorsNew', { count: news.length, list: news.length > 4 ? `${list} …` : list }), []);
  }

  private seenRevision = -1;

  /** Handsontable's cell editors are unnamed text areas: name them for screen readers. */
  private labelEditors(): void {
    for (const el of this.hot.rootElement.querySelectorAll('.handsontableInput:not([aria-label])')) el.setAttribute('aria-label', t(this.view.lang, 'cellEditor'));
  }

  /** The amounts in the cells selected: sum, count, and whether roll-ups and lines are mixed. */
  selectionSum(): SelectionSum | null {
    const ranges = this.hot.getSelected();
    if (!ranges?.length) return null;
    const out: SelectionSum = { sum: 0, count: 0, cells: 0, mixed: false };
    let nodes = false;
    let lines = false;
    const seen = ranges.length > 1 ? new Set<number>() : null;
    const rows = this.session.rows;
    const src = amountSource(this.session);
    for (const [r1, c1, r2, c2] of ranges) {
      const rTop = Math.max(Math.min(r1, r2), 0);
      const rEnd = Math.min(Math.max(r1, r2), rows.length - 1);
      const cols = this.cols.slice(Math.max(Math.min(c1, c2), 0), Math.max(c1, c2) + 1).map((c, i) => ({ c, i: Math.max(Math.min(c1, c2), 0) + i }));
      const amountCols = cols.filter(({ c }) => isAmountColumn(c));
      for (let r = rTop; r <= rEnd; r++) {
        const code = rows[r];
        for (const { c, i } of amountCols) {
          if (seen) {
            const key = r * this.cols.length + i;
            if (seen.has(key)) continue;
            seen.add(key);
          }
          const v = amountIn(src, code, c.key);
          if (typeof v !== 'number') continue;
          out.sum += v;
          out.count++;
          if (code >= 0) lines = true;
          else nodes = true;
        }
        out.cells += cols.length;
      }
    }
    out.mixed = nodes && lines;
    return out;
  }

  /** Reloads rows, keeping the selected row when it still shows. */
  private reloadRows(): void {
    this.seenStructure = this.session.structureRevision;
    const keep = this.selectedTarget();
    const col = Math.max(this.hot.getSelectedRangeActive()?.highlight.col ?? 0, 0);
    this.rowRefs = this.makeRowRefs();
    this.hot.updateData(this.rowRefs);
    if (!this.applyFocusRequest() && keep) {
      const row = this.session.rowOfTarget(keep);
      if (row >= 0) this.hot.selectCell(row, col, row, col, false, false);
    }
  }

  /**
   * Shows another session. Another scenario of the same workbook keeps the user's place: the same
   * line or item stays selected (ids match across scenarios) and the view keeps its scroll.
   */
  setSession(session: WorkbookSession): void {
    const sameWorkbook = session.workbook.id === this.session.workbook.id;
    const keep = sameWorkbook ? this.selectedTarget() : null;
    const col = Math.max(this.hot.getSelectedRangeActive()?.highlight.col ?? 0, 0);
    const top = sameWorkbook ? Math.max(this.hot.getFirstFullyVisibleRow() ?? 0, 0) : 0;
    const left = sameWorkbook ? Math.max(this.hot.getFirstFullyVisibleColumn() ?? 0, 0) : 0;
    this.session = session;
    this.invalid.clear();
    this.lastFocusSeq = session.focusRequest?.seq ?? -1;
    this.seenStructure = session.structureRevision;
    this.rowRefs = this.makeRowRefs();
    this.hot.updateData(this.rowRefs);
    // Another workbook's widths and hidden columns, once its rows are in (a repaint before would read rows it lacks).
    if (!sameWorkbook) this.applyPrefs();
    this.hot.scrollViewportTo({ row: Math.min(top, Math.max(this.rowRefs.length - 1, 0)), col: left, verticalSnap: 'top', horizontalSnap: 'start' });
    const row = keep ? session.rowOfTarget(keep) : -1;
    if (row >= 0) this.hot.selectCell(row, col, row, col, false, false);
  }

  setView(view: ViewSettings): void {
    const langChanged = view.lang !== this.view.lang;
    this.view = view;
    this.hot.updateSettings(
      langChanged ? { colHeaders: columnHeaders(view, this.cols), contextMenu: { items: this.menuItems() } } : { colHeaders: columnHeaders(view, this.cols) },
    );
  }

  destroy(): void {
    this.hot.destroy();
  }

  /** The active cell as a note is kept on it: a line's or an item's cell (the total takes none). */
  private noteCell(): { target: RowTarget; key: string; rowName: string; column: string } | null {
    const range = this.hot.getSelectedRangeActive();
    if (!range) return null;
    const row = Math.max(range.highlight.row ?? 0, 0);
    const code = this.session.rows[row];
    const col = this.cols[Math.max(range.highlight.col ?? 0, 0)];
    if (code === undefined || code === TOTAL_ROW || !col) return null;
    return { target: this.session.targetOfRow(code), key: col.key, rowName: this.rowName(row), column: col.header[this.view.lang] };
  }

  /**
   * "Lịch sử" of the active cell (the toolbar's button, Alt+H): asks for it when history is offered
   * and a line's or an item's cell is selected, else says to select one; false when not asked.
   */
  openHistory(): boolean {
    if (!this.cb.onHistory || !this.cb.canHistory?.()) return false;
    const cell = this.noteCell();
    if (!cell) {
      this.cb.onInfo(t(this.view.lang, 'historySelectFirst'));
      return false;
    }
    // The dialog takes the keyboard: keys typed meanwhile must not open the cell's editor.
    this.hot.unlisten();
    this.cb.onHistory(cell);
    return true;
  }

  private openNote(): void {
    const cell = this.noteCell();
    if (cell) this.cb.onNote?.(cell);
  }

  /** The row code and column key of the active cell, if any. */
  activeCell(): { code: number; key: string } | null {
    const range = this.hot.getSelectedRangeActive();
    if (!range) return null;
    const code = this.session.rows[Math.max(range.highlight.row ?? 0, 0)];
    const col = this.cols[Math.max(range.highlight.col ?? 0, 0)];
    return code === undefined || !col ? null : { code, key: col.key };
  }

  /** The row target under the active cell, if any. */
  selectedTarget(): RowTarget | null {
    const range = this.hot.getSelectedRangeActive();
    if (!range) return null;
    const row = Math.max(range.highlight.row ?? 0, 0);
    const code = this.session.rows[row];
    return code === undefined ? null : this.session.targetOfRow(code);
  }

  // ---- editing ------------------------------------------------------------------------------

  /** Set while Handsontable is about to render a change the session applied (see onBeforeChange). */
  private skipChangeRender = false;

  private onBeforeChange(changes: (CellChange | null)[], source: ChangeSource): boolean | void {
    const cells: PasteCell[] = [];
    for (let i = 0; i < changes.length; i++) {
      const ch = changes[i];
      if (!ch) continue;
      const [row, prop, , next] = ch;
      changes[i] = null; // The session applies the edit; Handsontable never writes the data itself.
      const col = typeof prop === 'number' ? prop : (this.hot.propToCol(prop as string) ?? -1);
      cells.push({ row, col: col as number, raw: next as string });
    }
    this.applyCells(cells);
    // Handsontable renders the whole grid after a change even when every cell of it was cancelled, in
    // the same task, before the edit's storage write and roll-up can be handled: the session's
    // repaint paints the new values instead (at once for text, with the roll-up for amounts).
    this.skipChangeRender = true;
    queueMicrotask(() => (this.skipChangeRender = false));
    // After a fill-handle drag Handsontable stops listening to the keyboard, so Ctrl+Z right after
    // a fill would do nothing: take the keyboard back once the drag's mouse events are over.
    if (source === 'Autofill.fill') setTimeout(() => !this.hot.isDestroyed && this.focusGrid(), 0);
    return false;
  }

  /** Hands cells typed, pasted or filled to the session as one step; marks and reports those it refused. */
  private applyCells(cells: PasteCell[], newLines: Line[] = []): void {
    const inputs: CellInput[] = [];
    const cols: number[] = [];
    for (const { row, col, raw } of cells) {
      const input = this.inputAt(row, col, raw);
      if (!input) continue;
      inputs.push(input);
      cols.push(col);
    }
    for (const nl of newLines) {
      const values = this.pendingNewLineValues.get(nl.id) ?? [];
      values.forEach(({ col, raw }) => {
        const column = this.cols[col];
        const field = column && column.editable.includes('line') ? fieldFor(column, 'line') : undefined;
        if (field) {
          inputs.push({ target: { kind: 'line', id: nl.id }, field, raw });
          cols.push(col);
        }
      });
    }
    this.pendingNewLineValues.clear();
    const kept = this.confirmRenames(inputs);
    if (kept.length < inputs.length) {
      const drop = new Set(inputs.filter((i) => !kept.includes(i)));
      for (let i = inputs.length - 1; i >= 0; i--) {
        if (drop.has(inputs[i])) {
          inputs.splice(i, 1);
          cols.splice(i, 1);
        }
      }
      this.cb.onInfo(t(this.view.lang, 'renameKept', { count: drop.size }));
    }
    if (!inputs.length && !newLines.length) return;
    const problems = this.session.setCells(inputs, { unit: this.view.unit, locale: this.view.locale }, newLines);
    inputs.forEach((inp, i) => this.invalid.delete(targetKey(inp.target) + '|' + cols[i]));
    for (const p of problems) {
      const i = inputs.findIndex((inp) => inp.target === p.target && inp.field === p.field);
      this.invalid.add(targetKey(p.target) + '|' + cols[i]);
    }
    if (problems.length) {
      this.cb.onProblems(problems);
      this.hot.render();
    } else if (inputs.length) {
      this.cb.onAccepted?.();
      this.sayNegatives(inputs);
    }
  }

  /**
   * A negative plan or disbursement is kept (a downward adjustment, money returned) but never
   * silently: the user is told at once, the cell shows red, and the checks list it.
   */
  private sayNegatives(inputs: CellInput[]): void {
    const kept: string[] = [];
    for (const inp of inputs) {
      if (inp.target.kind !== 'line' || (inp.field !== 'plan' && inp.field !== 'disbursed')) continue;
      const line = this.session.lineOf(inp.target.id);
      const value = line?.[inp.field] ?? 0;
      if (value < 0) kept.push(`${formatAmount(value, this.view.unit, this.view.locale)} (${this.rowName(this.session.rowOfTarget(inp.target))})`);
    }
    if (kept.length) this.cb.onNotice?.('info', t(this.view.lang, 'negativeKept', { count: kept.length, list: kept.slice(0, 4).join(' · ') }), []);
  }

  /**
   * A tree item that holds sub-items or lines (a project of the program, DA1…DA7, its sub-projects)
   * is renamed or recoded only when the user says so: one stray keystroke must not rename it.
   * Returns the inputs to apply (all of them, or all but those renames).
   */
  private confirmRenames(inputs: CellInput[]): CellInput[] {
    const risky: string[] = [];
    const asked = inputs.filter((inp) => {
      if (inp.target.kind !== 'node' || (inp.field !== 'name' && inp.field !== 'code')) return false;
      const row = this.session.rowOfTarget(inp.target);
      const k = row >= 0 ? rowNode(this.session.rows[row]) : -1;
      const node = this.session.nodeOf(inp.target.id);
      if (!node || k < 0 || !(this.session.tree.hasChildren[k] || this.session.lineNode.includes(k))) return false;
      const next = String(inp.raw ?? '').trim();
      if (next === node[inp.field]) return false;
      risky.push(`${node.code}: "${node[inp.field]}" → "${next}"`);
      return true;
    });
    if (!asked.length) return inputs;
    const yes = globalThis.confirm(t(this.view.lang, 'renameConfirm', { count: asked.length, list: risky.slice(0, 4).join('\n') }));
    return yes ? inputs : inputs.filter((i) => !asked.includes(i));
  }

  /** The session input a value for a grid cell makes, or null when the cell takes no input. */
  private inputAt(row: number, col: number, raw: unknown): CellInput | null {
    const code = this.session.rows[row];
    const column = this.cols[col];
    if (code === undefined || !column) return null;
    const kind = rowKindOf(code);
    const field = fieldFor(column, kind);
    if (!field || !column.editable.includes(kind)) return null;
    // A choice picked from a list is its label: read it as the choice it names.
    if (column.kind === 'select') {
      const picked = Object.entries(selectOptions(column, this.view.lang)).find(([, label]) => label === raw);
      if (picked) raw = picked[0];
    }
    return { target: this.session.targetOfRow(code), field, raw };
  }

  // ---- paste and fill -----------------------------------------------------------------------

  /** Values of lines a paste will add, by the new line's id, read by applyCells. */
  private pendingNewLineValues = new Map<Id, { col: number; raw: string }[]>();

  /** What each grid cell is for a pasted value. */
  private pasteGrid(): PasteGrid {
    const rows = this.session.rows;
    const lastRow = rows.length > 0 && rows[rows.length - 1] === TOTAL_ROW ? rows.length - 2 : rows.length - 1;
    return {
      lastRow,
      colCount: this.cols.length,
      isLineRow: (row) => rows[row] >= 0,
      slotAt: (row, col) => {
        const code = rows[row];
        const column = this.cols[col];
        const kind = rowKindOf(code);
        if (!this.session.frozen && column.editable.includes(kind)) return 'editable';
        if (!column.editable.length || !column.field) return 'derived';
        return kind === 'node' ? 'rollup' : kind === 'total' ? 'total' : 'derived';
      },
      shownAt: (row, col) => String(this.hot.getDataAtCell(row, col) ?? ''),
    };
  }

  /**
   * A paste, done by the app rather than by Handsontable (which drops values on cells that take
   * none without a word): what lands is one undo step; what does not is named, with a way to put
   * it where the user meant.
   */
  private onPaste(data: unknown[][]): false {
    const range = this.hot.getSelectedRangeActive();
    if (!range || !data.length) return false;
    if (this.session.refuseFrozen()) return false;
    const sel = areaOf(range);
    const block = textBlock(data);
    const area = pasteArea(block.length, Math.max(...block.map((r) => r.length)), sel);
    this.placeBlock(block, { row: sel.row, col: sel.col, ...area }, 'rows');
    return false;
  }

  /** A fill-handle drag, done as a paste of the source cells over the cells dragged across. */
  private onAutofill(data: unknown[][], source: CellRange, target: CellRange): false {
    const block = textBlock(data);
    const to = areaOf(target);
    if (!block.length || this.session.refuseFrozen()) return false;
    // The pattern continues from the source, up or down: start where the target's first row falls in it.
    const n = block.length;
    const shift = (((to.row - areaOf(source).row) % n) + n) % n;
    this.placeBlock([...block.slice(shift), ...block.slice(0, shift)], to, 'rows');
    setTimeout(() => !this.hot.isDestroyed && this.focusGrid(), 0);
    return false;
  }

  private placeBlock(block: string[][], at: { row: number; col: number; rows: number; cols: number }, mode: 'rows' | 'lines', replacing?: object | null): void {
    const grid = this.pasteGrid();
    const plan = planPaste(block, at, grid, mode);
    if (replacing && this.session.latestChange === replacing) this.session.undo();
    this.applyCells(plan.cells);
    const done = this.session.latestChange;
    const overflow = plan.overflow.filter((r) => r.some((v) => v.trim()));
    if (!plan.refused.length && !overflow.length) return;
    this.hot.selectCell(at.row, at.col, Math.min(at.row + at.rows - 1, this.session.rows.length - 1), Math.min(at.col + at.cols - 1, this.cols.length - 1), false, false);
    const L = this.view.lang;
    const parts: string[] = [];
    if (plan.refused.length) {
      const list = plan.refused
        .slice(0, 6)
        .map((c) => t(L, 'pasteRefusedCell', { value: c.raw, row: this.rowName(c.row), column: this.cols[c.col]?.header[L] ?? '', why: t(L, PASTE_WHY[c.why]) }));
      parts.push(t(L, 'pasteRefused', { count: plan.refused.length }) + ' ' + list.join(' · ') + (plan.refused.length > 6 ? ` (+${plan.refused.length - 6})` : ''));
    }
    if (overflow.length)
      parts.push(
        t(L, 'pasteOverflow', {
          count: overflow.length,
          values: overflow
            .slice(0, 4)
            .map((r) => r.filter((v) => v.trim()).join(' '))
            .join(' · '),
        }),
      );
    const actions: NoticeAction[] = [];
    if (mode === 'rows' && plan.refused.some((c) => c.why === 'rollup' || c.why === 'total') && grid.isLineRow(at.row)) {
      actions.push({ label: t(L, 'pasteIntoLines'), run: () => this.placeBlock(block, at, 'lines', done) });
    }
    const anchor = this.growAnchor(plan, at);
    if (overflow.length && anchor) {
      actions.push({ label: t(L, 'pasteAddLines', { count: overflow.length }), run: () => this.pasteWithNewLines(block, at, mode, done, overflow, anchor) });
    }
    this.cb.onNotice?.('error', parts.join(' '), actions);
  }

  /** Where lines added for a paste's leftover rows go: after the last line the paste reached, in its item. */
  private growAnchor(plan: PastePlan, at: { row: number }): { nodeId: Id; afterLineId?: Id } | null {
    for (let row = plan.cells.length ? Math.max(...plan.cells.map((c) => c.row)) : at.row; row >= at.row; row--) {
      const code = this.session.rows[row];
      if (code >= 0) {
        const line = this.session.lines[code];
        return { nodeId: line.nodeId, afterLineId: line.id };
      }
    }
    const code = this.session.rows[at.row];
    return code !== undefined && code < 0 && code !== TOTAL_ROW ? { nodeId: this.session.tree.nodes[rowNode(code)].id } : null;
  }

  /** The paste again, with new lines for its leftover rows, as one undo step. */
  private pasteWithNewLines(
    block: string[][],
    at: { row: number; col: number; rows: number; cols: number },
    mode: 'rows' | 'lines',
    replacing: object | null,
    overflow: string[][],
    anchor: { nodeId: Id; afterLineId?: Id },
  ): void {
    if (replacing && this.session.latestChange === replacing) this.session.undo();
    const plan = planPaste(block, at, this.pasteGrid(), mode);
    const lines = this.session.blankLines(anchor.nodeId, anchor.afterLineId, overflow.length);
    lines.forEach((l, i) =>
      this.pendingNewLineValues.set(
        l.id,
        overflow[i].map((raw, j) => ({ col: at.col + j, raw })),
      ),
    );
    this.applyCells(plan.cells, lines);
    this.cb.onInfo(t(this.view.lang, 'pasteAddedLines', { count: lines.length }));
  }

  /** A row as a message names it: an item by its code, a line by its description or its item. */
  private rowName(row: number): string {
    const code = this.session.rows[row];
    if (code === TOTAL_ROW) return t(this.view.lang, 'total');
    if (code < 0) return this.session.tree.nodes[rowNode(code)].code;
    const line = this.session.lines[code];
    const node = this.session.nodeOf(line.nodeId);
    return line.label ? `${node?.code ?? ''} · ${line.label}` : (node?.code ?? '');
  }

  // ---- rendering ----------------------------------------------------------------------------

  private makeRowRefs(): RowRef[] {
    const n = this.session.rows.length;
    const refs = new Array<RowRef>(n);
    for (let i = 0; i < n; i++) refs[i] = { r: i };
    return refs;
  }

  /** The formula computing a cell of the grid (a line's plan, disbursed or expected rate), as the user reads it. */
  formulaAt(row: number, col: number): { text: string; fromColumn: boolean } | null {
    const code = this.session.rows[row];
    const field = formulaFieldOf(this.cols[col]);
    if (code === undefined || code < 0 || !field) return null;
    const line = this.session.lines[code];
    return line ? this.session.formulaOf(line.id, field, this.view.locale) : null;
  }

  /**
   * The text editor of formula cells: opened with Enter, F2 or a double click it shows the formula
   * (as Excel does), opened by typing it starts from what is typed.
   */
  private readonly formulaEditor = ((adapter: BudgetGridAdapter) =>
    class FormulaTextEditor extends Handsontable.editors.TextEditor {
      prepare(row: number, col: number, prop: string | number, td: HTMLTableCellElement, value: unknown, cp: Handsontable.CellProperties): void {
        super.prepare(row, col, prop, td, adapter.formulaAt(row, col)?.text ?? value, cp);
      }
    })(this);

  private cellMeta(row: number, col: number): Handsontable.CellMeta {
    const code = this.session.rows[row];
    const column = this.cols[col];
    if (code === undefined || !column) return { readOnly: true };
    const kind = rowKindOf(code);
    // Handsontable keeps cell meta by position while rows move under it: set every key each time.
    const meta: Handsontable.CellMeta = {
      readOnly: this.session.frozen || !column.editable.includes(kind),
      // Handsontable's type for an editor class wants a constructor of unknown arguments.
      editor: kind === 'line' && formulaFieldOf(column) ? (this.formulaEditor as unknown as Handsontable.CellMeta['editor']) : 'text',
      placeholder: undefined,
    };
    if (column.kind === 'select' && kind === 'line') {
      // A list that opens on the current value, as wide as its longest choice, and goes to the
      // choices the user types ("ns" marks NSTW and NSĐP, on the first); what is picked or typed is
      // read like any typed text.
      meta.editor = 'dropdown';
      meta.source = Object.values(selectOptions(column, this.view.lang));
      meta.trimDropdown = false;
      meta.visibleRows = 8;
    } else {
      meta.source = undefined;
    }
    if (kind === 'line') {
      if (column.key === 'name') meta.placeholder = t(this.view.lang, 'linePlaceholder');
      if (column.key === 'unit') meta.placeholder = t(this.view.lang, 'unitNotStated');
    }
    return meta;
  }

  /** Where a column formula set from the active cell goes: its item's lines (a line's: its item), or the workbook's from the total row. */
  private columnFormulaTarget(): { nodeId: Id | null; field: FormulaField; scope: string; column: string } | null {
    const at = this.hot.getSelectedRangeActive()?.highlight;
    if (!at || at.row === null || at.col === null || at.row < 0 || at.col < 0) return null;
    const column = this.cols[at.col];
    const field = formulaFieldOf(column);
    const code = this.session.rows[at.row];
    if (!field || code === undefined) return null;
    const L = this.view.lang;
    const base = { field, column: column.header[L] };
    if (code === TOTAL_ROW) return { ...base, nodeId: null, scope: t(L, 'columnFormulaScopeAll') };
    const nodeId = code >= 0 ? this.session.lines[code]?.nodeId : this.session.tree.nodes[rowNode(code)]?.id;
    const node = nodeId ? this.session.nodeOf(nodeId) : undefined;
    return node ? { ...base, nodeId: node.id, scope: t(L, 'columnFormulaScopeItem', { code: node.code }) } : null;
  }

  /**
   * A click on a cell while a formula is being typed inserts a reference to it at the caret, as
   * Excel does, instead of leaving the editor.
   */
  private insertReference(e: MouseEvent, row: number, col: number): void {
    const editor = this.hot.getActiveEditor() as (Handsontable.editors.TextEditor & { TEXTAREA?: HTMLTextAreaElement }) | undefined;
    const area = editor?.TEXTAREA;
    if (!editor?.isOpened() || !area || row < 0 || col < 0 || !area.value.trimStart().startsWith('=')) return;
    const code = this.session.rows[row];
    const field = REFERENCE_FIELD[this.cols[col]?.key ?? ''] ?? 'plan';
    if (code === undefined) return;
    const ref = this.session.referenceText(this.session.targetOfRow(code), field, this.view.locale);
    if (!ref) return;
    e.stopImmediatePropagation();
    e.preventDefault();
    const at = area.selectionStart ?? area.value.length;
    const end = area.selectionEnd ?? at;
    area.value = area.value.slice(0, at) + ref + area.value.slice(end);
    area.selectionStart = area.selectionEnd = at + ref.length;
    area.focus();
  }

  /** A formula's cell: a corner mark and its formula on hover; its error instead of a value; a value typed over a column formula marked too. */
  private markFormula(td: HTMLTableCellElement, lineId: Id | undefined, field: FormulaField, row: number, col: number): void {
    if (!lineId) return;
    const f = this.formulaAt(row, col);
    const cls = td.classList;
    if (f) {
      cls.add('pb-formula');
      const tip = t(this.view.lang, f.fromColumn ? 'columnFormulaTip' : 'formulaTip', { text: f.text });
      const error = this.session.formulaErrorOf(lineId, field);
      if (error) {
        cls.add('pb-formula-error');
        td.textContent = error in ERROR_TEXT ? ERROR_TEXT[error as keyof typeof ERROR_TEXT] : '#VALUE!';
        td.title = `${describeProblem({ code: `formula.error.${error === 'unreadable' ? 'value' : error}` }, this.view.lang)}\n${tip}`;
      } else td.title = td.title ? `${tip}\n${td.title}` : tip;
    } else if (this.session.isTypedOver(lineId, field)) {
      cls.add('pb-typed-over');
      td.title = t(this.view.lang, 'typedOverTip');
    }
  }

  private renderCell(
    instance: Handsontable.Core,
    td: HTMLTableCellElement,
    row: number,
    col: number,
    prop: string | number,
    value: unknown,
    cp: Handsontable.CellProperties,
  ): void {
    // Handsontable 18's text renderer no longer runs the base one, which would then run after this
    // renderer and strip the htInvalid mark set below: run it first.
    Handsontable.renderers.BaseRenderer(instance, td, row, col, prop, value, cp);
    Handsontable.renderers.TextRenderer(instance, td, row, col, prop, value as string, cp);
    const code = this.session.rows[row];
    const column = this.cols[col];
    const kind = rowKindOf(code);
    const cls = td.classList;
    cls.add(`pb-${kind}`);
    // An amount with more decimals than the view shows: rounded for the eye, the exact figure on hover
    // (the cell's value, its editor and a copy keep the exact amount).
    if (isAmountColumn(column) && this.view.maxDecimals !== undefined && typeof value === 'string' && value) {
      const v = cellAmount(this.session, code, column.key);
      const shown = typeof v === 'number' ? (column.kind === 'delta' && v > 0 ? '+' : '') + shownAmount(v, this.view) : value;
      if (shown !== value) {
        td.textContent = shown;
        td.dataset.exact = value;
      } else delete td.dataset.exact;
    } else delete td.dataset.exact;
    const note = code >= 0 ? this.session.lines[code]?.notes?.[column.key] : code !== TOTAL_ROW ? this.session.tree.nodes[rowNode(code)]?.notes?.[column.key] : undefined;
    // Long names are cut by the column width: the full text shows on hover (the marks below may
    // give the cell a hover text of their own instead).
    if (column.kind === 'text' && typeof value === 'string' && value.length > 24) td.title = value;
    else if (td.dataset.exact) td.title = t(this.view.lang, 'exactAmount', { value: td.dataset.exact });
    else td.removeAttribute('title');
    if (column.numeric) cls.add('htRight', 'pb-num');
    if (!column.field || (column.kind === 'amount' && kind !== 'line' && column.key !== 'statedPlan')) cls.add('pb-derived');
    if (typeof value === 'string' && value.startsWith('-')) {
      cls.add('pb-negative');
      if (kind === 'line' && column.kind === 'amount') td.title = t(this.view.lang, 'negativeTip');
    }
    if (column.key === 'delta' && value) cls.add('pb-delta');
    if (kind === 'node') cls.add(`pb-depth-${Math.min(this.session.tree.depth[rowNode(code)], 3)}`);
    if (col === this.colIndex.requiredLocal && kind !== 'line') this.markCounterpart(td, code);
    if (column.key === 'flags' && value) this.markFlags(td, code);
    // A cell refused when typed, or brought in unread by an import (marked until it takes a value).
    const lineField = kind === 'line' ? fieldFor(column, kind) : undefined;
    if (this.invalid.has(targetKey(this.session.targetOfRow(code)) + '|' + col) || (lineField && this.session.isImportMarked(this.session.lines[code].id, lineField)))
      cls.add('htInvalid');
    if (note) {
      cls.add('pb-note');
      const tip = t(this.view.lang, 'noteTip', { text: note });
      td.title = td.title ? `${tip}\n${td.title}` : tip;
    }
    const formulaField = kind === 'line' ? formulaFieldOf(column) : null;
    if (formulaField) this.markFormula(td, this.session.lines[code]?.id, formulaField, row, col);
    if (col === this.colIndex.name || col === this.colIndex.code) {
      const depth = kind === 'node' ? this.session.tree.depth[rowNode(code)] : kind === 'line' ? this.lineDepth(code) : 0;
      cls.add(`pb-indent-${Math.min(depth, 6)}`);
    }
    if (col === this.colIndex.code && kind === 'node') {
      const k = rowNode(code);
      const node = this.session.tree.nodes[k];
      const expandable = this.session.tree.hasChildren[k] || this.session.lineNode.includes(k);
      const toggle = document.createElement('span');
      toggle.className = 'pb-toggle';
      toggle.setAttribute('aria-hidden', 'true');
      toggle.textContent = expandable ? (this.session.collapsed.has(node.id) ? '▸' : '▾') : '';
      td.prepend(toggle);
      td.setAttribute('aria-expanded', expandable ? String(!this.session.collapsed.has(node.id)) : '');
    }
  }

  /** Marks a roll-up whose planned local money is short of its required counterpart. */
  private markCounterpart(td: HTMLTableCellElement, code: number): void {
    const r = this.session.rollup;
    if (!r) return;
    const k = code === TOTAL_ROW ? r.nodeCount : rowNode(code);
    if (!isCounterpartShort(r, k)) return;
    td.classList.add('pb-short');
    const f = (v: number) => formatAmount(v, this.view.unit, this.view.locale);
    td.title = t(this.view.lang, 'counterpartShortTip', { planned: f(r.local[k]), short: f(r.requiredLocal[k] - r.local[k]) });
  }

  /** Explains a line's or a roll-up's projection flags on hover. */
  private markFlags(td: HTMLTableCellElement, code: number): void {
    td.classList.add('pb-flag');
    td.title = flagTip(this.session, code, this.view.lang);
  }

  private lineDepth(code: number): number {
    const k = this.session.lineNode[code];
    return k >= 0 ? this.session.tree.depth[k] + 1 : 0;
  }

  // ---- keyboard, mouse, menu ----------------------------------------------------------------

  private onKeyDown(e: KeyboardEvent): void {
    if (this.hot.getActiveEditor()?.isOpened() || handleUndoKeys(this.hot, e, this.session)) return;
    // Typing into a frozen version does nothing by itself: say why instead.
    const typing = (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) || ['Enter', 'F2', 'Delete', 'Backspace'].includes(e.key);
    if (this.session.frozen && typing && this.hot.getSelectedRangeActive()) this.session.refuseFrozen();
    const ctrl = e.ctrlKey || e.metaKey;
    const stop = () => {
      e.preventDefault();
      e.stopImmediatePropagation();
    };
    if (ctrl && (e.key === 'ArrowDown' || e.key === 'End')) {
      // Handsontable alone does not reach the last row of very long grids: select, then scroll to it.
      stop();
      const last = this.session.rows.length - 1;
      const col = e.key === 'End' ? this.cols.length - 1 : Math.max(this.hot.getSelectedRangeActive()?.highlight.col ?? 0, 0);
      this.hot.selectCell(last, col, last, col, false, true);
      this.hot.scrollViewportTo({ row: Math.max(last - 1, 0), verticalSnap: 'top' });
      this.hot.scrollToFocusedCell();
    } else if (e.shiftKey && !ctrl && !e.altKey && e.key === 'F2' && this.cb.onNote) {
      stop();
      if (!this.session.refuseFrozen()) this.openNote();
    } else if (e.altKey && !ctrl && !e.shiftKey && e.key.toLowerCase() === 'h' && this.cb.onHistory && this.cb.canHistory?.()) {
      stop();
      this.openHistory();
    } else if (e.altKey && !ctrl && e.key.toLowerCase() === 'm' && this.cb.onMoveLines) {
      stop();
      const ids = this.selectedLineIds();
      if (ids.length && !this.session.refuseFrozen()) this.cb.onMoveLines(ids);
    } else if (ctrl && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'f' && this.cb.onFind) {
      stop();
      this.cb.onFind();
    } else if (ctrl && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'd') {
      // Fill down, as in Excel: the selection's first row copied into the rows below it.
      stop();
      const range = this.hot.getSelectedRangeActive();
      const a = range ? areaOf(range) : null;
      if (!a || a.rows < 2 || this.session.refuseFrozen()) return;
      const first = Array.from({ length: a.cols }, (_, j) => String(this.hot.getDataAtCell(a.row, a.col + j) ?? ''));
      this.placeBlock([first], { row: a.row + 1, col: a.col, rows: a.rows - 1, cols: a.cols }, 'rows');
    } else if (e.altKey && e.shiftKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
      stop();
      const target = this.selectedTarget();
      if (target?.kind === 'node') this.session.toggleCollapsed(target.id, e.key === 'ArrowLeft');
    }
  }

  private onMouseDown(e: MouseEvent, row: number): void {
    if (!(e.target instanceof HTMLElement) || !e.target.closest('.pb-toggle')) return;
    const code = this.session.rows[row];
    if (code === undefined || code >= 0 || code === TOTAL_ROW) return;
    this.session.toggleCollapsed(this.session.tree.nodes[rowNode(code)].id);
  }

  private menuItems(): Record<string, Handsontable.plugins.ContextMenu.MenuItemConfig | string> {
    const L = this.view.lang;
    const target = () => this.selectedTarget();
    const nodeTarget = () => {
      const tg = target();
      return tg?.kind === 'node' ? tg.id : null;
    };
    return {
      add_line: { name: () => t(L, 'addLine'), disabled: () => target()?.kind === 'total', callback: () => this.addLine() },
      delete_lines: { name: () => t(L, 'deleteLines'), disabled: () => this.selectedLineIds().length === 0, callback: () => this.deleteSelectedLines() },
      move_lines: {
        name: () => t(L, 'moveLinesMenu'),
        hidden: () => !this.cb.onMoveLines,
        disabled: () => this.session.frozen || this.selectedLineIds().length === 0,
        callback: () => this.cb.onMoveLines?.(this.selectedLineIds()),
      },
      sep1: '---------',
      add_child: { name: () => t(L, 'addChild'), disabled: () => !nodeTarget(), callback: () => this.addChild() },
      move_up: { name: () => t(L, 'moveUp'), disabled: () => !nodeTarget(), callback: () => this.session.moveNode(nodeTarget()!, -1) },
      move_down: { name: () => t(L, 'moveDown'), disabled: () => !nodeTarget(), callback: () => this.session.moveNode(nodeTarget()!, 1) },
      indent: { name: () => t(L, 'indent'), disabled: () => !nodeTarget(), callback: () => this.session.shiftNode(nodeTarget()!, 'in') },
      outdent: { name: () => t(L, 'outdent'), disabled: () => !nodeTarget(), callback: () => this.session.shiftNode(nodeTarget()!, 'out') },
      delete_node: { name: () => t(L, 'deleteNode'), disabled: () => !nodeTarget(), callback: () => this.deleteSelectedNode() },
      column_formula: {
        name: () => t(L, 'menuColumnFormula'),
        hidden: () => !this.cb.onColumnFormula,
        disabled: () => this.session.frozen || !this.columnFormulaTarget(),
        callback: () => {
          const target = this.columnFormulaTarget();
          if (target) this.cb.onColumnFormula?.(target);
        },
      },
      note: { name: () => t(L, 'noteMenu'), hidden: () => !this.cb.onNote, disabled: () => this.session.frozen || !this.noteCell(), callback: () => this.openNote() },
      history: {
        name: () => t(L, 'historyMenu'),
        hidden: () => !this.cb.onHistory || !this.cb.canHistory?.(),
        disabled: () => !this.noteCell(),
        callback: () => {
          const cell = this.noteCell();
          if (cell) this.cb.onHistory?.(cell);
        },
      },
      sep2: '---------',
      col_width: { name: () => t(L, 'columnWidthMenu'), callback: () => this.askWidth() },
      hide_cols: { name: () => t(L, 'hideColumns'), disabled: () => (this.hot.getSelectedRangeActive()?.highlight.col ?? 0) < 2, callback: () => this.setHidden(true) },
      show_cols: {
        name: () => t(L, 'showColumns'),
        disabled: () => this.hot.getPlugin('hiddenColumns').getHiddenColumns().length === 0,
        callback: () => this.setHidden(false),
      },
      sep3: '---------',
      // Handsontable's own copy and cut items keep their English names: the app's items, in its language.
      pb_copy: { name: () => t(L, 'menuCopy'), callback: () => this.hot.getPlugin('copyPaste').copy() },
      pb_cut: { name: () => t(L, 'menuCut'), disabled: () => this.session.frozen, callback: () => this.hot.getPlugin('copyPaste').cut() },
      pb_paste: { name: () => t(L, 'menuPaste'), disabled: () => this.session.frozen, callback: () => void this.pasteFromClipboard() },
    };
  }

  /** "Paste" from the menu: the clipboard read as Ctrl+V reads it, or, when the browser refuses, how to paste. */
  private async pasteFromClipboard(): Promise<void> {
    try {
      const text = await navigator.clipboard.readText();
      const rows = text
        .replace(/\r?\n$/, '')
        .split(/\r?\n/)
        .map((r) => r.split('\t'));
      this.onPaste(rows);
    } catch {
      this.cb.onInfo(t(this.view.lang, 'menuPasteKeys'));
    }
  }

  /** Adds a line under the selected node, or after the selected line. */
  addLine(): boolean {
    const tg = this.selectedTarget();
    if (!tg || tg.kind === 'total') {
      this.cb.onInfo(t(this.view.lang, 'selectNodeFirst'));
      return false;
    }
    if (tg.kind === 'node') this.session.insertLine(tg.id);
    else this.session.insertLine(this.session.lineOf(tg.id)!.nodeId, tg.id);
    return true;
  }

  addChild(): void {
    const tg = this.selectedTarget();
    if (tg?.kind !== 'node') return;
    const parent = this.session.nodeOf(tg.id)!;
    this.session.toggleCollapsed(parent.id, false);
    this.session.addNode(parent.id, `${parent.code}.${t(this.view.lang, 'newCode')}`, t(this.view.lang, 'newName'));
  }

  selectedLineIds(): string[] {
    const ids: string[] = [];
    for (const [r1, , r2] of this.hot.getSelected() ?? []) {
      for (let r = Math.max(Math.min(r1, r2), 0); r <= Math.max(r1, r2); r++) {
        const code = this.session.rows[r];
        if (code !== undefined && code >= 0) ids.push(this.session.lines[code].id);
      }
    }
    return [...new Set(ids)];
  }

  deleteSelectedLines(): void {
    const ids = this.selectedLineIds();
    if (!ids.length) return;
    this.session.deleteLines(ids);
    this.cb.onInfo(t(this.view.lang, 'deletedLines', { count: ids.length }));
  }

  deleteSelectedNode(): void {
    const tg = this.selectedTarget();
    if (tg?.kind !== 'node') return;
    const code = this.session.nodeOf(tg.id)?.code ?? '';
    this.session.deleteNode(tg.id);
    this.cb.onInfo(t(this.view.lang, 'deletedNode', { code }));
  }

  /**
   * Gives the keyboard back to the grid (after a toolbar button took the focus). The toolbar stops
   * its clicks from reaching Handsontable's window-level focus handling, which would undo this.
   */
  focusGrid(): void {
    this.hot.getFocusScopeManager().activateScope('grid');
    this.hot.listen();
  }

  /** Selects the cell the session asked for (after undo, redo or adding a row). */
  private applyFocusRequest(): boolean {
    const req = this.session.focusRequest;
    if (!req || req.seq === this.lastFocusSeq) return false;
    this.lastFocusSeq = req.seq;
    const row = this.session.rowOfTarget(req.target);
    const col = this.cols.findIndex((c) => fieldFor(c, req.target.kind) === req.field);
    if (row < 0 || col < 0) return false;
    if (req.keepFocus) {
      // Selected for the user to see (a match of Find) while the keyboard stays where it is.
      this.hot.selectCell(row, col, row, col, true, false);
      this.hot.unlisten();
    } else {
      this.hot.selectCell(row, col);
      this.focusGrid();
    }
    return true;
  }
}

/** A selection as its first row and column and its size. */
function areaOf(range: CellRange): { row: number; col: number; rows: number; cols: number } {
  const top = range.getTopStartCorner();
  const bottom = range.getBottomEndCorner();
  const row = Math.max(top.row ?? 0, 0);
  const col = Math.max(top.col ?? 0, 0);
  return { row, col, rows: Math.max(bottom.row ?? row, row) - row + 1, cols: Math.max(bottom.col ?? col, col) - col + 1 };
}

/** Pasted or filled values as text. */
function textBlock(data: unknown[][]): string[][] {
  return data.map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v))));
}

function targetKey(t: RowTarget): string {
  return t.kind === 'total' ? 'total' : `${t.kind}:${t.id}`;
}

/** The line field a grid column shows, when a formula may compute it. */
function formulaFieldOf(column: GridColumn | undefined): FormulaField | null {
  const f = column?.field;
  return f === 'plan' || f === 'disbursed' || f === 'expectedRate' ? f : null;
}

/** The figure a click on a column's cell refers to while a formula is typed. */
const REFERENCE_FIELD: Record<string, 'plan' | 'disbursed' | 'expectedRate' | 'projected' | 'unspent' | 'requiredLocal' | 'carryOver' | 'lapse'> = {
  plan: 'plan',
  disbursed: 'disbursed',
  expected: 'expectedRate',
  projected: 'projected',
  unspent: 'unspent',
  requiredLocal: 'requiredLocal',
  carryOver: 'carryOver',
  lapse: 'lapse',
};

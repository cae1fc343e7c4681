// The compare grid: a read-only Handsontable over a comparison's rows. Like the budget grid it holds
// no copy of the figures: every cell is read from the comparison when drawn, so 100 000 lines cost
// one small object per row. A new comparison or view replaces rows, columns and headers in one update.

import Handsontable from 'handsontable';
import type { CompareOutcome } from '../../state/compare.svelte';
import type { ViewSettings } from '../grid/columns';
import { BASE_GRID_SETTINGS } from '../grid/grid-settings';
import { t } from '../i18n';
import { changeOf, compareCellText, compareColumns, compareHeaders, isAbsent, rowLabel, scenarioLabel, type CompareColumn } from './compare-columns';

interface RowRef {
  r: number;
}

export class CompareGridAdapter {
  readonly hot: Handsontable;
  private outcome: CompareOutcome | null = null;
  private columns: CompareColumn[] = [];
  /** The measures, scenario names and language the columns and headers were built for. */
  private shape = '';

  constructor(
    container: HTMLElement,
    private view: ViewSettings,
  ) {
    this.hot = new Handsontable(container, {
      ...BASE_GRID_SETTINGS,
      readOnly: true,
      fillHandle: false,
      columnHeaderHeight: [24, 40],
      data: [],
      renderer: (...args: Parameters<typeof Handsontable.renderers.TextRenderer>) => {
        Handsontable.renderers.TextRenderer(...args);
        this.decorate(args[1], args[2], args[3]);
      },
    });
  }

  /**
   * Shows a comparison (or the same one in another unit, format or language). When only the rows
   * differ (another roll-up, only changed lines, a sort) the columns and headers are kept and only
   * the data is replaced: rebuilding the columns costs Handsontable a full re-layout.
   */
  show(outcome: CompareOutcome, view: ViewSettings): void {
    this.outcome = outcome;
    this.view = view;
    const c = outcome.comparison;
    const names = outcome.scenarios.map((s) => scenarioLabel(s, outcome.baselineId, view.lang));
    const rows: RowRef[] = Array.from(c.rows, (_, r) => ({ r }));
    const shape = JSON.stringify([outcome.choice.measures, names, view.lang]);
    if (shape === this.shape) {
      this.hot.updateData(rows);
      return;
    }
    this.shape = shape;
    this.columns = compareColumns(outcome.choice.measures, c.scenarioCount);
    this.hot.updateSettings({
      data: rows,
      columns: this.columns.map((col) => ({
        data: (row: unknown) => {
          const ref = row as RowRef | undefined;
          return ref && this.outcome ? compareCellText(this.outcome, this.outcome.comparison.rows[ref.r], col, this.view) : '';
        },
      })),
      colWidths: this.columns.map((col) => col.width),
      colHeaders: true,
      nestedHeaders: compareHeaders(this.columns, names, view.lang),
    });
  }

  destroy(): void {
    this.hot.destroy();
  }

  /** Row shading, indentation, number alignment and the marks of changes and absent lines. */
  private decorate(td: HTMLTableCellElement, row: number, col: number): void {
    const o = this.outcome;
    const column = this.columns[col];
    if (!o || !column) return;
    const code = o.comparison.rows[row];
    const label = rowLabel(o, code, this.view.lang);
    const cls = td.classList;
    cls.add(label.kind === 'group' ? 'pb-node' : `pb-${label.kind}`);
    if (label.kind === 'group') cls.add(`pb-depth-${Math.min(label.depth, 3)}`);
    td.removeAttribute('title');
    if (column.kind === 'code' || column.kind === 'name') {
      cls.add(`pb-indent-${Math.min(label.depth, 6)}`);
      if (column.kind === 'name' && label.name.length > 30) td.title = label.name;
      return;
    }
    cls.add('htRight', 'pb-num');
    const change = changeOf(o, code, column);
    if (change) {
      cls.add(change > 0 ? 'pb-up' : 'pb-down');
      td.title = t(this.view.lang, change > 0 ? 'cmpUp' : 'cmpDown');
    }
    if (column.kind === 'value' && isAbsent(o, code, column.scenario)) {
      cls.add('pb-absent');
      td.title = t(this.view.lang, 'cmpAbsent');
    }
    // A line whose formula differs between the scenarios: marked even where the values agree.
    const differs = code >= 0 ? o.prepared.formulaDiffers[code] : null;
    if (differs && (column.measure === 'plan' ? differs.includes('plan') : column.measure === 'disbursed' ? differs.includes('disbursed') : false)) {
      cls.add('pb-formula-differs');
      td.title = (td.title ? td.title + '\n' : '') + t(this.view.lang, 'cmpFormulaDiffers');
    }
  }
}

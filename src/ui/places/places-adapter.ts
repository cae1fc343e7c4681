// The places-and-criteria sheet: one row per place (commune, district or unit), one column per
// criterion, column totals fixed at the bottom. Like the budget grid, Handsontable never writes
// data: every edit, paste and fill is read by the session (vi-VN numbers, yes/no flags).

import Handsontable from 'handsontable';
import type { CellChange, ChangeSource } from 'handsontable/settings';
import type { CriterionDef, Lang, NumberLocale } from '../../domain/model';
import { criteriaOf, criterionTotals } from '../../domain/places';
import { formatPlain } from '../../domain/amount';
import type { PlaceInput, PlaceProblem, WorkbookSession } from '../../state/session.svelte';
import { handleUndoKeys } from '../grid/undo-keys';
import { BASE_GRID_SETTINGS } from '../grid/grid-settings';
import { t } from '../i18n';

interface RowRef {
  r: number;
}

export interface PlacesView {
  lang: Lang;
  locale: NumberLocale;
}

const FIXED = [
  { key: 'code', header: { vi: 'Mã', en: 'Code' }, width: 70 },
  { key: 'name', header: { vi: 'Tên địa bàn / đơn vị', en: 'Place / unit' }, width: 200 },
];

export class PlacesAdapter {
  readonly hot: Handsontable;
  private criteria: CriterionDef[] = [];
  private invalid = new Set<string>();

  constructor(
    container: HTMLElement,
    private session: WorkbookSession,
    private view: PlacesView,
    private onProblems: (p: PlaceProblem[]) => void,
  ) {
    this.criteria = criteriaOf(session.workbook);
    this.hot = new Handsontable(container, {
      ...BASE_GRID_SETTINGS,
      ...this.shape(),
      cells: (row) => ({ readOnly: row === this.session.places.length }),
      renderer: (instance: Handsontable.Core, td: HTMLTableCellElement, row: number, col: number, prop: string | number, value: unknown, cp: Handsontable.CellProperties) => {
        // The base renderer first: run after this one, it would strip the htInvalid mark.
        Handsontable.renderers.BaseRenderer(instance, td, row, col, prop, value, cp);
        Handsontable.renderers.TextRenderer(instance, td, row, col, prop, value as string, cp);
        if (col >= FIXED.length) td.classList.add('htRight', 'pb-num');
        if (row === this.session.places.length) td.classList.add('pb-total');
        if (this.invalid.has(`${this.session.places[row]?.id}|${this.fieldOf(col)}`)) td.classList.add('htInvalid');
      },
      beforeChange: (changes, source) => this.onBeforeChange(changes, source),
      beforeKeyDown: (e) => void handleUndoKeys(this.hot, e, this.session),
    });
  }

  /** Repaints after data changes; reshapes when places or criteria were added or removed. */
  sync(): void {
    const criteria = criteriaOf(this.session.workbook);
    const rows = this.session.places.length + 1;
    if (criteria.length !== this.criteria.length || this.hot.countRows() !== rows) {
      this.criteria = criteria;
      this.hot.updateSettings(this.shape());
    } else this.hot.render();
  }

  setView(view: PlacesView): void {
    this.view = view;
    this.hot.updateSettings({ colHeaders: this.headers() });
  }

  selectedPlaceIds(): string[] {
    const ids = new Set<string>();
    for (const [r1, , r2] of this.hot.getSelected() ?? []) {
      for (let r = Math.max(Math.min(r1, r2), 0); r <= Math.max(r1, r2); r++) {
        const p = this.session.places[r];
        if (p) ids.add(p.id);
      }
    }
    return [...ids];
  }

  destroy(): void {
    this.hot.destroy();
  }

  private fieldOf(col: number): string {
    return col < FIXED.length ? FIXED[col].key : this.criteria[col - FIXED.length].key;
  }

  private headers(): string[] {
    return [...FIXED.map((f) => f.header[this.view.lang]), ...this.criteria.map((c) => c.label)];
  }

  /** Data, columns and headers for the current places and criteria (plus the totals row). */
  private shape(): Handsontable.GridSettings {
    const rows: RowRef[] = Array.from({ length: this.session.places.length + 1 }, (_, r) => ({ r }));
    const columns = [...FIXED.map((f) => f.key), ...this.criteria.map((c) => c.key)].map((field, col) => ({
      data: (row: unknown) => this.cellText((row as RowRef).r, field, col),
    }));
    return {
      data: rows,
      columns,
      colHeaders: this.headers(),
      colWidths: [...FIXED.map((f) => f.width), ...this.criteria.map(() => 110)],
    };
  }

  private cellText(row: number, field: string, col: number): string {
    const places = this.session.places;
    if (row === places.length) {
      if (col === 1) return t(this.view.lang, 'placesTotal', { count: places.length });
      if (col < FIXED.length) return '';
      const def = this.criteria[col - FIXED.length];
      const known = places.some((p) => p.values[def.key] !== null && p.values[def.key] !== undefined);
      return def.kind === 'percent' || !known ? '' : formatPlain(criterionTotals(places, [def])[def.key], this.view.locale, 2, { group: true });
    }
    const p = places[row];
    if (!p) return '';
    if (field === 'code' || field === 'name') return p[field];
    const v = p.values[field];
    if (v === null || v === undefined) return '';
    const def = this.criteria[col - FIXED.length];
    if (def.kind === 'flag') return v ? 'x' : '';
    return formatPlain(v, this.view.locale, 4, { group: def.kind === 'count' || def.kind === 'area' });
  }

  private onBeforeChange(changes: (CellChange | null)[], _source: ChangeSource): false {
    const inputs: PlaceInput[] = [];
    for (let i = 0; i < changes.length; i++) {
      const ch = changes[i];
      changes[i] = null;
      if (!ch) continue;
      const [row, prop, , next] = ch;
      const place = this.session.places[row];
      const col = typeof prop === 'number' ? prop : (this.hot.propToCol(prop as string) ?? -1);
      if (!place || col < 0) continue;
      inputs.push({ placeId: place.id, field: this.fieldOf(col), raw: next });
    }
    if (!inputs.length) return false;
    const problems = this.session.setPlaceCells(inputs, this.view.locale);
    for (const inp of inputs) this.invalid.delete(`${inp.placeId}|${inp.field}`);
    for (const p of problems) this.invalid.add(`${p.placeId}|${p.field}`);
    if (problems.length) {
      this.onProblems(problems);
      this.hot.render();
    }
    return false;
  }
}

// The compare grid's columns and cells: the code and name of each row (a tree node, a group of the
// roll-up dimension, a line, or the total), then per measure each scenario's value, followed for
// every scenario after the first by its Δ and Δ % against the first. Changes carry ▲ / ▼ as well as
// their colour, so they read without colour too. No DOM here: the adapter and the CSV export share it.

import type { CompareOutcome } from '../../state/compare.svelte';
import { COMPARE_TOTAL, deltaPercent, rowGroup, rowValue, type CompareDimension, type CompareMeasure } from '../../domain/compare';
import { formatAmount, formatRate } from '../../domain/amount';
import { CAPITAL_LABELS, SOURCE_LABELS } from '../../domain/cell-input';
import type { CapitalType, Lang, Scenario, Source } from '../../domain/model';
import type { ViewSettings } from '../grid/columns';
import { t, type StringKey } from '../i18n';

export type CompareColumnKind = 'code' | 'name' | 'value' | 'delta' | 'percent';

export interface CompareColumn {
  /** 'code', 'name', or `${measure}:${s}` (value), `${measure}:d${s}` (Δ), `${measure}:p${s}` (Δ %). */
  key: string;
  kind: CompareColumnKind;
  measure?: CompareMeasure;
  /** The scenario (index in the comparison) whose value or change the column shows. */
  scenario: number;
  width: number;
}

export const MEASURE_LABEL: Record<CompareMeasure, StringKey> = {
  plan: 'cmpMPlan',
  projected: 'cmpMProjected',
  carryOver: 'cmpMCarryOver',
  lapse: 'cmpMLapse',
  requiredLocal: 'cmpMRequired',
  disbursed: 'cmpMDisbursed',
};

export const DIMENSION_LABEL: Record<CompareDimension, StringKey> = {
  project: 'cmpDimProject',
  unit: 'cmpDimUnit',
  source: 'cmpDimSource',
  capital: 'cmpDimCapital',
  place: 'cmpDimPlace',
};

/** Columns for the measures shown and the number of scenarios compared. */
export function compareColumns(measures: readonly CompareMeasure[], scenarioCount: number): CompareColumn[] {
  const out: CompareColumn[] = [
    { key: 'code', kind: 'code', scenario: -1, width: 100 },
    { key: 'name', kind: 'name', scenario: -1, width: 250 },
  ];
  for (const measure of measures)
    for (let s = 0; s < scenarioCount; s++) {
      out.push({ key: `${measure}:${s}`, kind: 'value', measure, scenario: s, width: 108 });
      if (s === 0) continue;
      out.push({ key: `${measure}:d${s}`, kind: 'delta', measure, scenario: s, width: 104 });
      out.push({ key: `${measure}:p${s}`, kind: 'percent', measure, scenario: s, width: 78 });
    }
  return out;
}

/** A scenario's name as headers show it, with its kind when that is not plain ("Nộp Sở (phiên bản)"). */
export function scenarioLabel(s: Scenario, baselineId: string, lang: Lang): string {
  const kind = s.id === baselineId ? 'cmpKindBaseline' : s.kind === 'version' ? 'cmpKindVersion' : null;
  return kind ? `${s.name} (${t(lang, kind)})` : s.name;
}

/**
 * Two header rows: each measure over its columns, then under it the scenario names and, after each
 * scenario but the first, Δ and Δ %. Shaped as Handsontable's nestedHeaders.
 */
export function compareHeaders(columns: readonly CompareColumn[], names: readonly string[], lang: Lang): [(string | { label: string; colspan: number })[], string[]] {
  const top: (string | { label: string; colspan: number })[] = [{ label: '', colspan: 2 }];
  for (let i = 2; i < columns.length;) {
    let j = i;
    while (j < columns.length && columns[j].measure === columns[i].measure) j++;
    top.push({ label: t(lang, MEASURE_LABEL[columns[i].measure!]), colspan: j - i });
    i = j;
  }
  const bottom = columns.map((c) => {
    switch (c.kind) {
      case 'code':
        return t(lang, 'cmpColCode');
      case 'name':
        return t(lang, 'cmpColName');
      case 'value':
        return names[c.scenario];
      case 'delta':
        return t(lang, 'cmpDelta');
      case 'percent':
        return t(lang, 'cmpDeltaPct');
    }
  });
  return [top, bottom];
}

export type CompareRowKind = 'line' | 'group' | 'total';

/** What a row is and how deep it sits (for indentation). */
export interface CompareRowLabel {
  kind: CompareRowKind;
  code: string;
  name: string;
  depth: number;
}

/** The label of a group key of a dimension other than the tree. */
export function groupLabel(dimension: CompareDimension, key: string, label: string, lang: Lang): string {
  switch (dimension) {
    case 'source':
      return SOURCE_LABELS[lang][key as Source] ?? key;
    case 'capital':
      return CAPITAL_LABELS[lang][key as CapitalType] ?? key;
    case 'unit':
      return key === '' ? t(lang, 'cmpNoUnit') : label;
    case 'place':
      return key === '' ? t(lang, 'cmpNoPlace') : label;
    case 'project':
      return label;
  }
}

/** Code, name and depth of a row: a node (code and name), a group, a line (its label, else its unit), the total. */
export function rowLabel(o: CompareOutcome, code: number, lang: Lang): CompareRowLabel {
  const { tree, lines } = o.prepared;
  const c = o.comparison;
  const byTree = c.dimension === 'project';
  if (code === COMPARE_TOTAL) return { kind: 'total', code: '', name: t(lang, 'total'), depth: 0 };
  if (code < 0) {
    const g = rowGroup(code);
    if (byTree) return { kind: 'group', code: tree.nodes[g].code, name: tree.nodes[g].name, depth: tree.depth[g] };
    return { kind: 'group', code: '', name: groupLabel(c.dimension, o.groups!.keys[g], o.groups!.labels[g], lang), depth: 0 };
  }
  const line = lines[code];
  const name = line.label || line.unit || t(lang, 'linePlaceholder');
  const node = tree.indexOf.get(line.nodeId);
  if (byTree) return { kind: 'line', code: '', name, depth: c.lineGroup[code] >= 0 ? tree.depth[c.lineGroup[code]] + 1 : 0 };
  return { kind: 'line', code: node === undefined ? '' : tree.nodes[node].code, name, depth: 1 };
}

/** Whether a column's change on a row is up (1), down (-1) or none (0). */
export function changeOf(o: CompareOutcome, code: number, col: CompareColumn): -1 | 0 | 1 {
  if ((col.kind !== 'delta' && col.kind !== 'percent') || !col.measure) return 0;
  const d = rowValue(o.comparison, col.measure, col.scenario, code) - rowValue(o.comparison, col.measure, 0, code);
  return d > 0 ? 1 : d < 0 ? -1 : 0;
}

/** True when a line row's scenario does not hold the line (its value counts as 0). */
export function isAbsent(o: CompareOutcome, code: number, scenario: number): boolean {
  return code >= 0 && o.comparison.present[scenario * o.comparison.lineCount + code] === 0;
}

/**
 * The text of a cell. Values in the view's unit and number format; a line a scenario does not hold
 * shows "—"; a Δ shows ▲ +x or ▼ -x, nothing when there is no change; Δ % is against the first
 * scenario's value ("mới" / "new" when that is 0).
 */
export function compareCellText(o: CompareOutcome, code: number, col: CompareColumn, view: ViewSettings): string {
  if (col.kind === 'code' || col.kind === 'name') {
    const label = rowLabel(o, code, view.lang);
    return col.kind === 'code' ? label.code : label.name;
  }
  const c = o.comparison;
  const m = col.measure!;
  const value = rowValue(c, m, col.scenario, code);
  if (col.kind === 'value') return isAbsent(o, code, col.scenario) ? '—' : formatAmount(value, view.unit, view.locale);
  const ref = rowValue(c, m, 0, code);
  const d = value - ref;
  if (d === 0) return '';
  if (col.kind === 'delta') return `${d > 0 ? '▲ +' : '▼ '}${formatAmount(d, view.unit, view.locale)}`;
  const pct = deltaPercent(value, ref);
  if (Number.isNaN(pct)) return t(view.lang, 'cmpNew');
  return `${pct > 0 ? '+' : ''}${formatRate(pct, view.locale, 2)}`;
}

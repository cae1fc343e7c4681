// What the comparison charts draw, prepared from a comparison: one measure of the chosen roll-up
// (projects of the tree, or the groups of another dimension) for each compared scenario, and each
// scenario's change against the first. No Chart.js and no DOM here, so it is unit-tested.

import type { CompareOutcome } from '../../state/compare.svelte';
import { groupRow, rowValue, type CompareMeasure } from '../../domain/compare';
import type { ViewSettings } from '../grid/columns';
import { t } from '../i18n';
import { DIMENSION_LABEL, groupLabel, MEASURE_LABEL, scenarioLabel } from '../compare/compare-columns';
import { amountText, unitWords, wrapText } from './chart-data';

export interface CompareBars {
  measure: CompareMeasure;
  /** Axis labels (a project's code, a group's name cut short) and full names for tooltips. */
  categories: string[];
  titles: string[];
  /** Scenario names, the reference first. */
  scenarios: string[];
  /** values[s][i]: scenario s on category i, đồng. */
  values: number[][];
  /** deltas[s - 1][i]: scenario s against the first on category i, đồng. */
  deltas: number[][];
  /** Categories left out: without money in any scenario, or beyond the largest `max`. */
  hidden: number;
}

/**
 * One measure by project (the tree's top level) or by group, for every scenario. Categories where
 * every scenario has 0 are left out; beyond `max`, the largest are kept (in their order) and the
 * rest counted in `hidden`. Guarantees: deltas[s - 1][i] = values[s][i] − values[0][i], exactly.
 */
export function compareBars(o: CompareOutcome, measure: CompareMeasure, lang: ViewSettings['lang'], max = 12): CompareBars {
  const c = o.comparison;
  const { tree } = o.prepared;
  const byTree = c.dimension === 'project';
  const S = c.scenarioCount;
  const candidates: { g: number; size: number }[] = [];
  let hidden = 0;
  for (let g = 0; g < c.groupCount; g++) {
    if (byTree && tree.depth[g] !== 0) continue;
    let size = 0;
    for (let s = 0; s < S; s++) size = Math.max(size, Math.abs(rowValue(c, measure, s, groupRow(g))));
    if (size === 0) hidden++;
    else candidates.push({ g, size });
  }
  const kept =
    candidates.length > max
      ? new Set(
          [...candidates]
            .sort((a, b) => b.size - a.size || a.g - b.g)
            .slice(0, max)
            .map((x) => x.g),
        )
      : null;
  const shown = candidates.filter((x) => !kept || kept.has(x.g)).map((x) => x.g);
  hidden += candidates.length - shown.length;
  const name = (g: number) => (byTree ? tree.nodes[g].name : groupLabel(c.dimension, o.groups!.keys[g], o.groups!.labels[g], lang));
  const values = Array.from({ length: S }, (_, s) => shown.map((g) => rowValue(c, measure, s, groupRow(g))));
  return {
    measure,
    categories: shown.map((g) => (byTree ? tree.nodes[g].code : wrapText(name(g), 28, 1)[0])),
    titles: shown.map((g) => (byTree ? `${tree.nodes[g].code} — ${name(g)}` : name(g))),
    scenarios: o.scenarios.map((s) => scenarioLabel(s, o.baselineId, lang)),
    values,
    deltas: values.slice(1).map((row) => row.map((v, i) => v - values[0][i])),
    hidden,
  };
}

/** The grouped bars' title: "Kế hoạch vốn theo Dự án (cây mục)". */
export function barsTitle(bars: CompareBars, dimension: CompareOutcome['comparison']['dimension'], lang: ViewSettings['lang']): string {
  return t(lang, 'cmpBarsTitle', { measure: t(lang, MEASURE_LABEL[bars.measure]), dimension: t(lang, DIMENSION_LABEL[dimension]).toLowerCase() });
}

/** The delta chart's title: "Chênh lệch Kế hoạch vốn so với Kịch bản gốc (gốc)". */
export function deltaTitle(bars: CompareBars, lang: ViewSettings['lang']): string {
  return t(lang, 'cmpDeltaTitle', { measure: t(lang, MEASURE_LABEL[bars.measure]).toLowerCase(), name: bars.scenarios[0] });
}

/** A signed amount: "+543,6", "-1.000", "0". */
export function signedAmount(v: number, view: ViewSettings): string {
  const s = amountText(v, view);
  return v > 0 ? `+${s}` : s;
}

/** One sentence per chart for screen readers: what it shows, in which unit, and every bar's figure. */
export function compareBarsSummary(bars: CompareBars, title: string, view: ViewSettings, deltas = false): string {
  const rows = deltas ? bars.deltas : bars.values;
  const names = deltas ? bars.scenarios.slice(1) : bars.scenarios;
  const fmt = deltas ? signedAmount : amountText;
  const parts = bars.titles.map((title, i) => `${title}: ${names.map((n, s) => `${n} ${fmt(rows[s][i], view)}`).join(', ')}`);
  const hidden = bars.hidden ? ` ${t(view.lang, 'cmpHiddenGroups', { count: bars.hidden })}.` : '';
  return `${title} (${unitWords(view)}). ${parts.join('; ')}.${hidden}`;
}

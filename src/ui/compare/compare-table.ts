// The comparison as the table every export writes (io/export-table): the workbook in the title, the
// scenarios (the reference first) and the roll-up under it, the unit line, one header row naming
// measure and scenario in full, then the rows the grid shows, with numbers as numbers (a Δ of 0 is
// 0; a line a scenario lacks is empty). The CSV writer puts the unit in the amount headers too.

import type { CompareOutcome } from '../../state/compare.svelte';
import { deltaPercent, rowValue } from '../../domain/compare';
import { tableUnitLine, type Table, type TableCell, type TableRow } from '../../io/export-table';
import type { ViewSettings } from '../grid/columns';
import { t } from '../i18n';
import { compareColumns, DIMENSION_LABEL, isAbsent, MEASURE_LABEL, rowLabel, scenarioLabel } from './compare-columns';

/** The comparison shown, as an export table in the view's unit and language. */
export function compareTable(o: CompareOutcome, view: ViewSettings, workbookName: string): Table {
  const lang = view.lang;
  const c = o.comparison;
  const names = o.scenarios.map((s) => scenarioLabel(s, o.baselineId, lang));
  const columns = compareColumns(o.choice.measures, c.scenarioCount);
  const headers = columns.map((col) => {
    if (col.kind === 'code') return t(lang, 'cmpColCode');
    if (col.kind === 'name') return t(lang, 'cmpColName');
    const name = names[col.scenario];
    const head = col.kind === 'value' ? name : t(lang, col.kind === 'delta' ? 'cmpDeltaOf' : 'cmpDeltaPctOf', { name });
    return `${t(lang, MEASURE_LABEL[col.measure!])} — ${head}`;
  });
  const rows = Array.from(c.rows, (code): TableRow => {
    const label = rowLabel(o, code, lang);
    const cells = columns.map((col): TableCell => {
      if (col.kind === 'code') return label.code;
      if (col.kind === 'name') return label.name;
      const value = rowValue(c, col.measure!, col.scenario, code);
      if (col.kind === 'value') return isAbsent(o, code, col.scenario) ? null : { amount: value };
      const ref = rowValue(c, col.measure!, 0, code);
      if (col.kind === 'delta') return { amount: value - ref };
      const pct = deltaPercent(value, ref);
      return Number.isNaN(pct) ? null : { percent: pct, decimals: 2 };
    });
    return { cells, kind: label.kind === 'group' ? 'parent' : label.kind, depth: label.depth };
  });
  const scenarios = names.map((name, s) => `${s === 0 ? t(lang, 'cmpReference') : t(lang, 'cmpSlot', { n: s + 1 })}: ${name}`);
  return {
    title: t(lang, 'cmpCsvTitle', { workbook: workbookName }),
    subtitle: [...scenarios, t(lang, 'cmpRolledUpBy', { dimension: t(lang, DIMENSION_LABEL[c.dimension]) })].join(' · '),
    unit: view.unit,
    unitLine: tableUnitLine(view.unit, lang),
    headers,
    rows,
    treeColumn: 1,
    frozenColumns: 2,
    widths: columns.map((col) => (col.kind === 'name' ? 48 : col.kind === 'code' ? 12 : col.kind === 'percent' ? 10 : 16)),
    sheetName: t(lang, 'cmpTab'),
  };
}

// Every formula of a workbook computed from its records, in one call: for the command line, for
// files read or restored, and for tests. The app's worker does the same incrementally.

import type { Line, WorkbookData } from '../model';
import { orderTree } from '../tree';
import { buildColumns, counterpartColumn, rollUp } from '../rollup';
import { projectionParams } from '../projection';
import { buildFormulaBook, computeFormulas, type FormulaErrorOut } from './book';
import { columnsHost } from './host';

const FIELD_OF = { plan: 'plan', disbursed: 'disbursed', expectedRate: 'expectedRate' } as const;

/** The workbook with every formula's value written into its line (records not changed are kept as they are), and the cells in error. */
export function computeWorkbookFormulas(data: WorkbookData): { data: WorkbookData; errors: FormulaErrorOut[] } {
  const book = buildFormulaBook({ workbook: data.workbook, nodes: data.nodes, lines: data.lines });
  if (book.cells.length === 0) return { data, errors: [] };
  const tree = orderTree(data.nodes);
  const wb = data.workbook;
  const cols = buildColumns(tree, data.lines, counterpartColumn(wb.counterpart, wb.year), projectionParams(wb));
  const lineIndex = new Map(data.lines.map((l, i) => [l.id, i]));
  const host = columnsHost(
    cols,
    rollUp(cols),
    (id) => lineIndex.get(id) ?? -1,
    (id) => tree.indexOf.get(id),
  );
  const { values, errors } = computeFormulas(book, host, undefined, wb.settings.formulaRounding ?? 'half-away-from-zero');
  if (!values.length) return { data, errors };
  const lines: Line[] = data.lines.slice();
  for (const v of values) lines[v.line] = { ...lines[v.line], [FIELD_OF[v.field]]: v.value };
  return { data: { ...data, lines }, errors };
}

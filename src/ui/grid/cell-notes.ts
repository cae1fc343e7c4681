// Every note written on a cell of the plan, in the grid's order, as the checks tab lists them.

import type { WorkbookSession, RowTarget } from '../../state/session.svelte';
import type { AnyField } from '../../domain/edit';
import type { Lang } from '../../domain/model';
import { buildRows, rowNode } from '../../state/rows';
import { fieldFor, GRID_COLUMNS, DISBURSEMENT_COLUMNS } from './columns';

export interface CellNote {
  target: RowTarget;
  /** The field to select to show the cell. */
  field: AnyField;
  rowName: string;
  column: string;
  text: string;
}

const ALL_COLUMNS = [...GRID_COLUMNS, ...DISBURSEMENT_COLUMNS.filter((c) => !GRID_COLUMNS.some((g) => g.key === c.key))];

export function cellNotes(s: WorkbookSession, lang: Lang): CellNote[] {
  const out: CellNote[] = [];
  for (const code of buildRows(s.tree, s.lineNode, new Set())) {
    if (code === -1) continue;
    const isLine = code >= 0;
    const rec = isLine ? s.lines[code] : s.tree.nodes[rowNode(code)];
    if (!rec?.notes) continue;
    const node = isLine ? s.nodeOf(s.lines[code].nodeId) : s.tree.nodes[rowNode(code)];
    const rowName = isLine ? `${node?.code ?? ''} · ${s.lines[code].label || s.lines[code].unit}` : (node?.code ?? '');
    for (const [key, text] of Object.entries(rec.notes)) {
      const col = ALL_COLUMNS.find((c) => c.key === key);
      const field = (col && fieldFor(col, isLine ? 'line' : 'node')) || 'plan';
      out.push({ target: s.targetOfRow(code), field, rowName, column: col?.header[lang] ?? key, text });
    }
  }
  return out;
}

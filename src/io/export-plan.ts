// The current plan as a table to export: the grid's rows in the grid's order (each item, its lines,
// then its sub-items; the program total last) and the plan grid's columns with their headers.
// Lines hold values. Parent and total rows hold formulas: SUMs over the rows directly below them,
// the rate, the difference from the stated plan, each with the engine's figure as its value, so a
// spreadsheet recalculates them and a reader without recalculation still sees the same totals.
// Figures come from the same roll-up the app's worker runs.

import type { CellNotes, Lang, Line, NumberLocale, AmountUnit, Workbook, WorkbookData } from '../domain/model';
import { orderTree, type OrderedTree } from '../domain/tree';
import { buildColumns, counterpartColumn, rateOf, rollUp, type Rollup } from '../domain/rollup';
import { projectionParams } from '../domain/projection';
import { CAPITAL_LABELS, SOURCE_LABELS } from '../domain/cell-input';
import { statedForYear } from '../domain/edit';
import { writePhrase } from '../domain/messages';
import { dataCellRef, tableUnitLine, type Table, type TableCell, type TableRow } from './export-table';
import { UNIT_EXPONENT } from '../domain/amount';
import type { CellFormula, FormulaField } from '../domain/model';
import { columnFormulaLookup, formulaOf } from '../domain/formula/book';
import { formatFormula, readStoredFormula, type Ref } from '../domain/formula/parse';

/** A plan ready to export: the tree in display order, the lines sorted as the grid shows them, and
 * the roll-up of exactly those lines. */
export interface PlanView {
  workbook: Workbook;
  tree: OrderedTree;
  /** Lines by node (tree order), then `order`, then id; line i is the roll-up's line i. */
  lines: Line[];
  rollup: Rollup;
}

/** How amounts and headers are written: the display unit, the number format, the language. */
export interface ExportSettings {
  unit: AmountUnit;
  locale: NumberLocale;
  lang: Lang;
}

export const DEFAULT_EXPORT: ExportSettings = { unit: 'trieu', locale: 'vi', lang: 'vi' };

/** The baseline plan of a workbook, ordered as the grid orders it and rolled up with the workbook's
 * counterpart ratios and projection settings (the engine the app's worker runs). */
export function planViewOf(data: WorkbookData): PlanView {
  const wb = data.workbook;
  const tree = orderTree(data.nodes);
  const nodeOf = (l: Line) => tree.indexOf.get(l.nodeId) ?? Number.MAX_SAFE_INTEGER;
  const lines = [...data.lines].sort((a, b) => nodeOf(a) - nodeOf(b) || a.order - b.order || a.id.localeCompare(b.id));
  const cols = buildColumns(tree, lines, counterpartColumn(wb.counterpart, wb.year), projectionParams(wb));
  return { workbook: wb, tree, lines, rollup: rollUp(cols) };
}

interface PlanColumn {
  key: string;
  header: Record<Lang, string>;
  /** Width in characters. */
  width: number;
}

/** The plan grid's columns, with its headers (ui/grid/columns.ts), in the same order. */
export const PLAN_EXPORT_COLUMNS: readonly PlanColumn[] = [
  { key: 'code', header: { vi: 'Mã', en: 'Code' }, width: 12 },
  { key: 'name', header: { vi: 'Nội dung', en: 'Item' }, width: 48 },
  { key: 'unit', header: { vi: 'Đơn vị thực hiện', en: 'Implementing unit' }, width: 24 },
  { key: 'source', header: { vi: 'Nguồn', en: 'Source' }, width: 9 },
  { key: 'capital', header: { vi: 'Loại vốn', en: 'Capital' }, width: 11 },
  { key: 'vintage', header: { vi: 'Vốn năm', en: 'Vintage' }, width: 8 },
  { key: 'plan', header: { vi: 'Kế hoạch', en: 'Plan' }, width: 14 },
  { key: 'disbursed', header: { vi: 'Đã giải ngân', en: 'Disbursed' }, width: 14 },
  { key: 'asOf', header: { vi: 'Đến ngày', en: 'As of' }, width: 11 },
  { key: 'rate', header: { vi: 'Tỷ lệ GN', en: 'Rate' }, width: 9 },
  { key: 'expected', header: { vi: 'Dự kiến %', en: 'Expected %' }, width: 10 },
  { key: 'projected', header: { vi: 'Dự kiến GN', en: 'Projected' }, width: 14 },
  { key: 'unspent', header: { vi: 'Dự kiến còn lại', en: 'Unspent' }, width: 14 },
  { key: 'requiredLocal', header: { vi: 'Đối ứng NSĐP yêu cầu', en: 'Required local' }, width: 14 },
  { key: 'statedPlan', header: { vi: 'KH báo cáo', en: 'Stated plan' }, width: 14 },
  { key: 'delta', header: { vi: 'Chênh lệch KH', en: 'Plan Δ' }, width: 13 },
];

const COL = Object.fromEntries(PLAN_EXPORT_COLUMNS.map((c, i) => [c.key, i])) as Record<string, number>;
/** A row's cell notes by export column (notes on columns the export leaves out are left out too). */
function notesOf(notes: CellNotes | undefined): Pick<TableRow, 'notes'> {
  if (!notes) return {};
  const out: Record<number, string> = {};
  for (const [key, text] of Object.entries(notes)) if (COL[key] !== undefined) out[COL[key]] = text;
  return Object.keys(out).length ? { notes: out } : {};
}

/** The export column of each figure a formula may read (others have none: such a formula exports as its value). */
const SHEET_COLUMN: Partial<Record<Ref['field'], string>> = {
  plan: 'plan',
  disbursed: 'disbursed',
  expectedRate: 'expected',
  projected: 'projected',
  unspent: 'unspent',
  requiredLocal: 'requiredLocal',
};

/** Columns whose parent and total cells sum the rows below them. */
const SUMMED = ['plan', 'disbursed', 'projected', 'unspent', 'requiredLocal'] as const;
type Summed = (typeof SUMMED)[number];

const TOTAL_LABEL: Record<Lang, string> = { vi: 'Tổng cộng chương trình', en: 'Program total' };
const SHEET_NAME: Record<Lang, string> = { vi: 'Kế hoạch', en: 'Plan' };
// Excel refuses a formula longer than 8 192 characters and a function with more than 255 arguments.
const MAX_FORMULA = 8000;
const MAX_ARGS = 250;

/** SUM over the given ranges and cells, nested when there are too many; null when it cannot be a formula. */
function sumFormula(args: string[]): string | null {
  if (args.length === 0) return null;
  let parts = args;
  while (parts.length > MAX_ARGS) {
    const grouped: string[] = [];
    for (let i = 0; i < parts.length; i += MAX_ARGS) grouped.push(`SUM(${parts.slice(i, i + MAX_ARGS).join(',')})`);
    parts = grouped;
  }
  const f = `SUM(${parts.join(',')})`;
  return f.length > MAX_FORMULA ? null : f;
}

/** The plan as a table: the grid's rows and columns, amounts in đồng (written in `settings.unit`). */
export function planTable(view: PlanView, settings: ExportSettings = DEFAULT_EXPORT): Table {
  const { workbook: wb, tree, lines, rollup: r } = view;
  const { lang } = settings;
  const nodeCount = tree.nodes.length;
  const lineNode = Int32Array.from(lines, (l) => tree.indexOf.get(l.nodeId) ?? -1);
  const first = new Int32Array(nodeCount).fill(-1);
  const last = new Int32Array(nodeCount).fill(-1);
  lineNode.forEach((k, i) => {
    if (k < 0) return;
    if (first[k] < 0) first[k] = i;
    last[k] = i;
  });
  // Data row of each node: the node, its lines, then its sub-items' rows.
  const rowOf = new Int32Array(nodeCount);
  let row = 0;
  for (let k = 0; k < nodeCount; k++) {
    rowOf[k] = row;
    row += 1 + (first[k] < 0 ? 0 : last[k] - first[k] + 1);
  }
  const totalRow = row;
  const children: number[][] = Array.from({ length: nodeCount + 1 }, () => []);
  for (let k = 0; k < nodeCount; k++) children[tree.parentIndex[k] >= 0 ? tree.parentIndex[k] : nodeCount].push(k);

  const ref = (rowIndex: number, key: string) => dataCellRef(rowIndex, COL[key]);
  const rateCell = (rowIndex: number, plan: number, disbursed: number): TableCell => ({
    formula: `IF(${ref(rowIndex, 'plan')}=0,"",${ref(rowIndex, 'disbursed')}/${ref(rowIndex, 'plan')})`,
    percent: rateOf(disbursed, plan),
  });
  const deltaCell = (rowIndex: number, plan: number, stated: number | undefined): TableCell =>
    stated === undefined ? null : { formula: `${ref(rowIndex, 'plan')}-${ref(rowIndex, 'statedPlan')}`, amount: plan - stated };
  const measure: Record<Summed, Float64Array> = {
    plan: r.plan,
    disbursed: r.disbursed,
    projected: r.projected,
    unspent: r.unspent,
    requiredLocal: r.requiredLocal,
  };
  /** A parent's row (node k, or the total at k = nodeCount): sums of its own lines and its sub-items. */
  const sumRow = (k: number, rowIndex: number, cells: TableCell[]): void => {
    for (const key of SUMMED) {
      const args: string[] = [];
      if (k < nodeCount && first[k] >= 0) {
        const a = rowIndex + 1;
        const b = rowIndex + 1 + last[k] - first[k];
        args.push(a === b ? ref(a, key) : `${ref(a, key)}:${ref(b, key)}`);
      }
      for (const c of children[k]) args.push(ref(rowOf[c], key));
      const formula = sumFormula(args);
      const amount = measure[key][k];
      cells[COL[key]] = formula === null ? { amount } : { formula, amount };
    }
    cells[COL.rate] = rateCell(rowIndex, r.plan[k], r.disbursed[k]);
  };

  const lineRowIndex = (i: number) => rowOf[lineNode[i]] + 1 + i - first[lineNode[i]];
  const lineIndex = new Map(lines.map((l, i) => [l.id, i]));
  const columnFormula = columnFormulaLookup({ workbook: wb, nodes: tree.nodes });
  const exponentT = UNIT_EXPONENT[settings.unit];
  /**
   * A line's formula as a spreadsheet formula over the exported cells, rounded as the app rounds
   * (to the đồng, or to hundredths of a percent); null when it reads a figure the sheet has no
   * column for, or a record not in it: the cell then holds the value alone.
   */
  const sheetFormula = (i: number, field: FormulaField, formula: CellFormula): string | null => {
    const parsed = readStoredFormula(formula.text);
    if (!parsed.ok) return null;
    const exponentU = UNIT_EXPONENT[formula.unit];
    let missing = false;
    const cell = (r: Ref): string => {
      const row =
        r.kind === 'self'
          ? lineRowIndex(i)
          : r.kind === 'line'
            ? lineIndex.has(r.id) && lineNode[lineIndex.get(r.id)!] >= 0
              ? lineRowIndex(lineIndex.get(r.id)!)
              : undefined
            : r.kind === 'total'
              ? totalRow
              : tree.indexOf.has(r.id)
                ? rowOf[tree.indexOf.get(r.id)!]
                : undefined;
      const key = SHEET_COLUMN[r.field];
      if (row === undefined || key === undefined) {
        missing = true;
        return '0';
      }
      const a = ref(row, key);
      // Amounts are written in the sheet's unit; the formula reads them in the unit it was typed in.
      return r.field === 'expectedRate' || exponentT === exponentU ? a : `(${a}*1E${exponentT - exponentU})`;
    };
    const text = formatFormula(parsed.value.expr, { kind: 'sheet', cell }).slice(1);
    if (missing) return null;
    if (field === 'expectedRate') return `ROUND(${text},4)`;
    return exponentT === exponentU ? `ROUND(${text},${exponentT})` : `ROUND((${text})*1E${exponentU - exponentT},${exponentT})`;
  };
  const withFormula = (i: number, field: FormulaField, plain: TableCell): TableCell => {
    const f = formulaOf(lines[i], field, columnFormula);
    const formula = f && lineNode[i] >= 0 ? sheetFormula(i, field, f.formula) : null;
    if (formula === null || plain === null || typeof plain !== 'object' || 'date' in plain || 'formula' in plain) return plain;
    return 'amount' in plain ? { formula, amount: plain.amount } : { formula, percent: plain.percent };
  };

  const rows: TableRow[] = [];
  const blank = (): TableCell[] => PLAN_EXPORT_COLUMNS.map(() => null);
  for (let k = 0; k < nodeCount; k++) {
    const node = tree.nodes[k];
    const cells = blank();
    cells[COL.code] = node.code;
    cells[COL.name] = node.name;
    sumRow(k, rowOf[k], cells);
    cells[COL.statedPlan] = node.stated?.plan === undefined ? null : { amount: node.stated.plan };
    cells[COL.delta] = deltaCell(rowOf[k], r.plan[k], node.stated?.plan);
    rows.push({ cells, kind: 'parent', depth: tree.depth[k], ...notesOf(node.notes) });
    if (first[k] < 0) continue;
    for (let i = first[k]; i <= last[k]; i++) rows.push(lineRow(i, tree.depth[k] + 1));
  }
  const total = blank();
  total[COL.name] = TOTAL_LABEL[lang];
  sumRow(nodeCount, totalRow, total);
  const stated = statedForYear(wb).plan;
  total[COL.statedPlan] = stated === undefined ? null : { amount: stated };
  total[COL.delta] = deltaCell(totalRow, r.plan[nodeCount], stated);
  rows.push({ cells: total, kind: 'total', depth: 0 });

  function lineRow(i: number, depth: number): TableRow {
    const l = lines[i];
    const cells = blank();
    cells[COL.name] = l.label;
    cells[COL.unit] = l.unit;
    cells[COL.source] = SOURCE_LABELS[lang][l.source];
    cells[COL.capital] = CAPITAL_LABELS[lang][l.capital];
    cells[COL.vintage] = l.vintage;
    cells[COL.plan] = withFormula(i, 'plan', { amount: l.plan });
    cells[COL.disbursed] = withFormula(i, 'disbursed', { amount: l.disbursed });
    cells[COL.asOf] = l.asOf === null ? null : { date: l.asOf };
    cells[COL.rate] = { percent: rateOf(l.disbursed, l.plan) };
    cells[COL.expected] = withFormula(i, 'expectedRate', l.expectedRate === null ? null : { percent: l.expectedRate, decimals: 4 });
    cells[COL.projected] = { amount: r.lineProjected[i] };
    cells[COL.unspent] = { amount: r.lineUnspent[i] };
    cells[COL.requiredLocal] = r.lineRequired[i] ? { amount: r.lineRequired[i] } : null;
    cells[COL.statedPlan] = l.stated?.plan === undefined ? null : { amount: l.stated.plan };
    cells[COL.delta] = l.stated?.plan === undefined ? null : { amount: l.plan - l.stated.plan };
    return { cells, kind: 'line', depth, ...notesOf(l.notes) };
  }

  const place = wb.placeName.trim();
  const year = writePhrase(lang, 'table.year', { year: wb.year });
  return {
    title: wb.name,
    subtitle: place ? `${place} — ${year.toLowerCase()}` : year,
    unit: settings.unit,
    unitLine: tableUnitLine(settings.unit, lang),
    headers: PLAN_EXPORT_COLUMNS.map((c) => c.header[lang]),
    rows,
    treeColumn: COL.name,
    frozenColumns: COL.name + 1,
    widths: PLAN_EXPORT_COLUMNS.map((c) => c.width),
    sheetName: SHEET_NAME[lang],
  };
}

// The formulas an imported file keeps on its lines. Each cell the import reads is, for the lines it
// makes, one line's figure, an item's roll-up figure (an item's own row), a part of a figure (one of
// several cells summed into a line, or a cell several lines share), or nothing. A formula in a
// line's cell whose references all fall on lines and items becomes that line's formula, its cell
// addresses replaced by the records they import as (E15 → the line row 15 made, its plan), in the
// unit of its column; the line's value is then what the formula engine computes, exactly, rounded
// once, and where that differs from the value the file saved the user is told. A sum on a row that
// is not a line (a group, a total, a "Tổng số" column) is a roll-up: the reconciliation compares it.
// Any other formula keeps the value the file saved, and the user is told which cell, which formula
// and which value, and why it could not be kept. Pure.

import type { AmountUnit, FormulaField, Id, Line, LineField, RoundingRule, TreeNode } from '../domain/model';
import type { ProblemCode } from '../domain/messages';
import { formatRate, UNIT_EXPONENT } from '../domain/amount';
import { formatFormula, parseFormula, NO_NAMES, type Expr, type ItemRefField } from '../domain/formula/parse';
import { ERROR_TEXT } from '../domain/formula/evaluate';
import { fromDecimal, mul, ratio, roundTo, toSafeInteger } from '../domain/formula/rational';
import { buildFormulaBook, computeFormulas, type FormulaHost } from '../domain/formula/book';
import { formulaEdits } from '../domain/formula/host';
import { applyColumnEdits, buildColumns, counterpartColumn, rollUp, type Rollup } from '../domain/rollup';
import { orderTree } from '../domain/tree';
import { projectionParams } from '../domain/projection';
import { vertexCell } from '../domain/formula/graph';
import type { ColumnRole } from './column-map';
import type { CellReader } from './import-cells';
import { numberText } from './import-cells';
import type { ImportProblem, Sheet } from './import-types';
import { MAX_COLUMNS, cellKey, cellProblem, columnLetter, fileProblem } from './import-types';
import { tokenizeFormula, type FormulaToken } from './formula-eval';

/** What a cell of the table is for the lines the import makes. */
export type CellTarget =
  /** One line's figure (an index into the reading's lines). */
  | { kind: 'line'; line: number; field: FormulaField }
  /** An item's roll-up figure: the item's own row, in a column that asks for one of its figures. */
  | { kind: 'item'; id: Id; field: ItemRefField }
  /** Part of a figure: one of several cells summed into one line, or one cell several lines share. */
  | { kind: 'part' };

/** The cells of a table that the lines and items it makes take their figures from. */
export class CellTargets {
  private readonly map = new Map<number, CellTarget>();

  /** Notes what a cell is; a cell named twice for different figures is a part of both. */
  set(row: number, col: number, target: CellTarget): void {
    const key = cellKey(row, col);
    const had = this.map.get(key);
    this.map.set(key, had && !sameTarget(had, target) ? { kind: 'part' } : target);
  }

  get(row: number, col: number): CellTarget | undefined {
    return this.map.get(cellKey(row, col));
  }
}

const sameTarget = (a: CellTarget, b: CellTarget): boolean =>
  a.kind === b.kind && (a.kind === 'part' || (a.kind === 'line' ? a.line === (b as typeof a).line : a.id === (b as { id: Id }).id && a.field === (b as typeof a).field));

/** Notes the cells a line's plan and disbursed money come from: a figure made of one cell is that
 * cell; one made of several makes each a part of it. */
export function noteLineCells(targets: CellTargets, row: number, line: number, cols: { plan: readonly number[]; disbursed: readonly number[] }): void {
  for (const field of ['plan', 'disbursed'] as const) {
    const cs = cols[field];
    for (const c of cs) targets.set(row, c, cs.length === 1 ? { kind: 'line', line, field } : { kind: 'part' });
  }
}

/** The item figure a column of money asks on an item's row: its plan or disbursed money, or its plan
 * of one source or one capital type; null for a column split otherwise (by place or item, or by
 * year where the plan columns differ by year, as the reconciliation reads them). */
export function itemFieldOf(role: ColumnRole, headerVintages: boolean): ItemRefField | null {
  if (role.place || role.item || role.supplement) return null;
  if (role.field === 'plan' && headerVintages && (role.vintage !== undefined || role.carriedIn)) return null;
  if (role.field === 'statedPlan') return 'plan';
  if (role.field === 'statedDisbursed') return 'disbursed';
  if (role.field === 'disbursed') return role.source || role.capital ? null : 'disbursed';
  if (role.field !== 'plan') return null;
  if (role.source && role.capital) return null;
  return role.source ?? role.capital ?? 'plan';
}

/** Everything keepFormulas reads. */
export interface FormulaKeeping {
  sheet: Sheet;
  /** The table's body (0-based sheet rows, inclusive) and width. */
  body: { first: number; last: number; width: number };
  /** Rows that are neither lines, items nor totals (blank, captions, notes): their formulas are not read. */
  skipRow: (row: number) => boolean;
  roles: readonly ColumnRole[];
  /** The unit each amount column is read in (null: not an amount column). */
  units: readonly (AmountUnit | null)[];
  /** The number format rates are written back in (the kept value of a rate cell). */
  locale: 'vi' | 'en';
  reader: CellReader;
  targets: CellTargets;
  /** The lines read (their figures as the file saved them), changed in place: a kept formula is
   * set on its line with the value it computes. */
  lines: { line: Line; invalid: LineField[] }[];
  /** The tree the lines go into (the workbook's items and the ones the import adds). */
  nodes: readonly TreeNode[];
  year: number;
  rounding?: RoundingRule;
  report: (p: ImportProblem) => void;
  /** Takes back the problems reported for a cell (its saved value could not be read, and the kept
   * formula gives it one). */
  forget: (row: number, col: number) => void;
}

/** The fields whose formulas the import reads (a derived rate is computed by the app anyway). */
const READ_FIELDS = new Set(['plan', 'disbursed', 'expectedRate', 'expectedAmount', 'statedPlan', 'statedDisbursed']);

/** Excel's functions that Planbench formulas have, as a file writes them. */
const FUNCTIONS = new Set(['SUM', 'ROUND', 'ROUNDUP', 'ROUNDDOWN', 'MIN', 'MAX', 'IF', 'ABS', 'AND', 'OR', 'NOT']);

/** Cells a range may cover to be kept as a list of references. */
const MAX_RANGE_CELLS = 10_000;

/** A formula kept on a line, before its value is checked. */
interface Kept {
  row: number;
  col: number;
  line: number;
  field: FormulaField;
  formula: string;
}

/** Why a formula is not kept. */
type NotKeptCode = Extract<ProblemCode, `import.formula-${string}`>;
type Params = Record<string, string | number>;

type Translated = { ok: true; text: string; unit: AmountUnit } | { ok: false; code: NotKeptCode; params: Params };

/** A formula kept on a line: its cell (0-based), its text as the file writes it, and the value it computes. */
export interface KeptFormula {
  row: number;
  col: number;
  formula: string;
  value: number;
}

/**
 * Keeps the formulas of the table that map onto its lines, each as its line's formula with the
 * value the engine computes (the rounding rule given, once); says which formulas differ from the
 * value the file saved, and which could not be kept (the saved value stays). Changes `lines` in
 * place; returns the formulas kept.
 */
export function keepFormulas(k: FormulaKeeping): KeptFormula[] {
  const texts = k.sheet.formulas;
  if (!texts || texts.size === 0) return [];
  const keys = [...texts.keys()].sort((a, b) => a - b);
  const kept: Kept[] = [];
  for (const key of keys) {
    const row = Math.floor(key / MAX_COLUMNS);
    const col = key % MAX_COLUMNS;
    if (row < k.body.first || row > k.body.last || col >= k.body.width || k.skipRow(row)) continue;
    if (!READ_FIELDS.has(k.roles[col]?.field ?? 'ignore')) continue;
    const formula = texts.get(key)!;
    const target = k.targets.get(row, col);
    if (target?.kind !== 'line') {
      if (!isRollUp(formula, k.sheet.name)) notKept(k, row, col, formula, target?.kind === 'part' ? 'import.formula-part' : 'import.formula-cell', {});
      continue;
    }
    const t = translate(formula, row, col, target.field, k);
    if (!t.ok) {
      notKept(k, row, col, formula, t.code, t.params);
      continue;
    }
    kept.push({ row, col, line: target.line, field: target.field, formula });
    const line = k.lines[target.line].line;
    line.formulas = { ...line.formulas, [target.field]: { text: t.text, unit: t.unit } };
  }
  if (kept.length === 0) return [];
  const values = computeKept(k, kept);
  const out: KeptFormula[] = [];
  for (const x of kept) {
    const il = k.lines[x.line];
    const value = values.get(x);
    if (value === undefined) continue;
    out.push({ row: x.row, col: x.col, formula: x.formula, value });
    il.line = { ...il.line, [x.field]: value };
    const saved = savedValue(k, x.row, x.col, x.field);
    if (il.invalid.includes(x.field)) {
      il.invalid = il.invalid.filter((f) => f !== x.field);
      k.forget(x.row, x.col);
    }
    if (saved !== null && !sameValue(saved, value, x.field)) {
      const params = { cell: cellName(x.row, x.col), formula: x.formula, ...shown(k, 'kept', saved, x.field), ...shown(k, 'computed', value, x.field) };
      k.report(cellProblem(k.sheet.name, x.row, x.col, `=${x.formula}`, { code: 'import.formula-differs', params }, 'warning'));
    }
  }
  if (out.length) k.report(fileProblem({ code: 'import.formulas-kept', params: { sheet: k.sheet.name, count: out.length } }, 'warning', k.sheet.name));
  return out;
}

const cellName = (row: number, col: number): string => `${columnLetter(col)}${row + 1}`;

/** A value as a message shows it: an amount of đồng (the reader writes it in their unit), a rate as text. */
function shown(k: FormulaKeeping, name: string, v: number, field: FormulaField): Params {
  return { [name]: field === 'expectedRate' ? formatRate(v, k.locale) : v };
}

/** Says that a formula was not kept, with the value the cell keeps. */
function notKept(k: FormulaKeeping, row: number, col: number, formula: string, code: NotKeptCode, params: Params): void {
  const field = k.roles[col].field;
  const read = k.reader.read(row, col);
  const rate = field === 'expectedRate';
  const value = typeof read.value === 'number' ? read.value : null;
  const kept = value === null ? String(k.reader.raw(row, col) ?? '') : rate ? formatRate(value, k.locale) : value;
  k.report(cellProblem(k.sheet.name, row, col, `=${formula}`, { code, params: { cell: cellName(row, col), formula, kept, ...params } }, 'warning'));
}

/** A sum of cells of the sheet (SUM and + only): on a row that is no line, a roll-up the reconciliation checks. */
function isRollUp(formula: string, sheet: string): boolean {
  const tokens = tokenizeFormula(formula);
  if (!tokens || !tokens.some((t) => t.t === 'area')) return false;
  return tokens.every(
    (t) =>
      (t.t === 'area' && (t.area.sheet === null || t.area.sheet.toLowerCase() === sheet.toLowerCase())) ||
      (t.t === 'func' && t.name === 'SUM') ||
      t.t === 'open' ||
      t.t === 'close' ||
      t.t === 'comma' ||
      (t.t === 'op' && t.v === '+'),
  );
}

/**
 * The formula with each cell address replaced by the record it imports as, as the stored text of
 * a Planbench formula in the unit of its cell; or why it cannot be: another sheet, a function
 * Planbench lacks, a range that is not whole lines, a cell no line or item takes, text or names.
 */
function translate(formula: string, row: number, col: number, field: FormulaField, k: FormulaKeeping): Translated {
  const fail = (code: NotKeptCode, params: Params = {}): Translated => ({ ok: false, code, params });
  const tokens = tokenizeFormula(formula);
  if (!tokens) return fail('import.formula-syntax');
  const sameSheet = (t: Extract<FormulaToken, { t: 'area' }>) => t.area.sheet === null || t.area.sheet.toLowerCase() === k.sheet.name.toLowerCase();
  // The formula's unit: its cell's; a rate's, the unit of the first amount it reads.
  let unit: AmountUnit = k.units[col] ?? 'dong';
  if (field === 'expectedRate') {
    const first = tokens.find((t) => t.t === 'area' && k.units[t.area.left] != null);
    unit = first?.t === 'area' ? (k.units[first.area.left] ?? 'dong') : 'dong';
  }
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const src = formula.slice(t.at, t.end);
    switch (t.t) {
      case 'num':
      case 'op':
        if (t.t === 'op' && t.v === '&') return fail('import.formula-syntax');
        out.push(src);
        break;
      case 'open':
      case 'close':
        out.push(src);
        break;
      case 'comma':
        out.push(',');
        break;
      case 'func':
        if (!FUNCTIONS.has(t.name)) return fail('import.formula-function', { function: t.name });
        out.push(t.name);
        break;
      case 'other':
        if (!/^(?:TRUE|FALSE)$/i.test(src)) return fail('import.formula-syntax');
        out.push(src.toUpperCase());
        break;
      case 'area': {
        if (!sameSheet(t)) return fail('import.formula-other-sheet');
        const a = t.area;
        if (t.single) {
          const ref = refText(a.top, a.left, unit, k);
          if (ref === null) return fail('import.formula-ref', { ref: cellName(a.top, a.left) });
          out.push(ref);
          break;
        }
        const range = `${cellName(a.top, a.left)}:${cellName(a.bottom, a.right)}`;
        // A range is a list of references only where a function takes it as an argument.
        const before = tokens[i - 1];
        const after = tokens[i + 1];
        const argument = (before?.t === 'comma' || (before?.t === 'open' && tokens[i - 2]?.t === 'func')) && (after?.t === 'comma' || after?.t === 'close');
        if (!argument || (a.bottom - a.top + 1) * (a.right - a.left + 1) > MAX_RANGE_CELLS) return fail('import.formula-range', { range });
        const refs: string[] = [];
        for (let r = a.top; r <= a.bottom; r++) {
          for (let c = a.left; c <= a.right; c++) {
            const ref = refText(r, c, unit, k);
            if (ref !== null) refs.push(ref);
            // A blank cell no line takes adds nothing, in the file as in the plan.
            else if (k.reader.raw(r, c) !== null && k.reader.raw(r, c) !== '') return fail('import.formula-range', { range });
          }
        }
        out.push(refs.length ? refs.join(', ') : '0');
        break;
      }
    }
  }
  const parsed = parseFormula(out.join(''), { locale: 'en', names: NO_NAMES, hasSelf: false });
  if (!parsed.ok) return fail('import.formula-syntax');
  let expr: Expr = parsed.value.expr;
  const percentCell = k.sheet.percentCells?.has(cellKey(row, col)) ?? false;
  expr = withoutOwnRounding(expr, field === 'expectedRate' ? (percentCell ? 4 : 2) : UNIT_EXPONENT[unit], k.rounding);
  // A rate cell without a percent format holds the percentage itself (80, not 0,8).
  if (field === 'expectedRate' && !percentCell) expr = { k: 'pct', e: expr };
  return { ok: true, text: formatFormula(expr, { kind: 'stored' }), unit };
}

/**
 * The reference a cell imports as, read in `unit` as the file reads it (a cell of another unit
 * scaled, a percentage the file writes as a number turned into one); null when no line or item
 * takes the cell.
 */
function refText(row: number, col: number, unit: AmountUnit, k: FormulaKeeping): string | null {
  const target = k.targets.get(row, col);
  if (!target || target.kind === 'part') return null;
  const ref = target.kind === 'line' ? `[#line:${k.lines[target.line].line.id}]` : `[#item:${target.id}]`;
  const field = target.field;
  const text = field === 'plan' ? ref : `${ref}.${field}`;
  if (field === 'expectedRate') return k.sheet.percentCells?.has(cellKey(row, col)) ? text : `(${text}*100)`;
  // A reference reads đồng in the formula's unit; the file's cell holds them in its column's.
  const shift = UNIT_EXPONENT[unit] - UNIT_EXPONENT[k.units[col] ?? 'dong'];
  return shift === 0 ? text : shift > 0 ? `(${text}*1${'0'.repeat(shift)})` : `(${text}/1${'0'.repeat(-shift)})`;
}

/** The formula without an outer ROUND to the places its cell keeps anyway (as the app's own
 * export writes it), when the cell rounds the same way. */
function withoutOwnRounding(expr: Expr, places: number, rule: RoundingRule = 'half-away-from-zero'): Expr {
  if (rule !== 'half-away-from-zero' || expr.k !== 'call' || expr.fn !== 'ROUND' || expr.args.length !== 2) return expr;
  const p = expr.args[1];
  return p.k === 'num' && p.v.d === 1n && p.v.n === BigInt(places) ? expr.args[0] : expr;
}

/**
 * Computes the kept formulas on the lines read. A formula the engine cannot compute is taken off
 * its line, which keeps the saved value, and said: first those on a cycle (not those that only read
 * one: they compute once the cycle is gone), then any in error (a division by zero). The values of
 * the rest, by kept formula.
 */
function computeKept(k: FormulaKeeping, kept: Kept[]): Map<Kept, number> {
  const byCell = new Map(kept.map((x) => [`${x.line}|${x.field}`, x]));
  const failed = new Set<Kept>();
  const drop = (x: Kept, error: string) => {
    failed.add(x);
    const line = k.lines[x.line].line;
    const { [x.field]: _gone, ...rest } = line.formulas ?? {};
    if (Object.keys(rest).length) line.formulas = rest;
    else delete line.formulas;
    notKept(k, x.row, x.col, x.formula, 'import.formula-fails', { error });
  };
  // Taking a formula off can make another fail (a division by the value now saved): a few rounds.
  for (let round = 0; ; round++) {
    const lines = k.lines.map((l) => l.line);
    const book = buildFormulaBook({ workbook: {}, nodes: k.nodes, lines });
    const onCycles = [...new Set(book.plan.cycles.flat())].flatMap((v) => {
      const { line, field } = vertexCell(v);
      const x = byCell.get(`${line}|${field}`);
      return x ? [x] : [];
    });
    if (onCycles.length) {
      for (const x of onCycles) drop(x, ERROR_TEXT.cycle);
      continue;
    }
    const host = linesHost(k.nodes, lines, k.year);
    const { errors } = computeFormulas(book, host, undefined, k.rounding);
    const fresh = errors.flatMap((e) => {
      const x = byCell.get(`${e.line}|${e.field}`);
      return x && !failed.has(x) ? [{ x, error: e.error }] : [];
    });
    if (fresh.length === 0 || round >= 3) {
      const wrong = new Set(fresh.map((f) => f.x));
      const values = new Map<Kept, number>();
      for (const x of kept) if (!failed.has(x) && !wrong.has(x)) values.set(x, host.lineValue(x.line, x.field) ?? 0);
      return values;
    }
    for (const { x, error } of fresh) drop(x, error in ERROR_TEXT ? ERROR_TEXT[error as keyof typeof ERROR_TEXT] : error === 'too-large' ? ERROR_TEXT.num : ERROR_TEXT.value);
  }
}

const COLUMN = { plan: 'plan', disbursed: 'disbursed', expectedRate: 'expected' } as const;

/**
 * The figures the formulas read: the lines' columns, written level by level, and the items' roll-up,
 * summed again only when an item is read after a write (a file's formulas mostly read lines, and a
 * chain of them, each reading the one before, would otherwise sum the plan once per link).
 */
function linesHost(nodes: readonly TreeNode[], lines: readonly Line[], year: number): FormulaHost {
  const tree = orderTree(nodes);
  const cols = buildColumns(tree, lines, counterpartColumn(undefined, year), projectionParams({ year, settings: { asOf: null } }));
  const lineIndex = new Map(lines.map((l, i) => [l.id, i]));
  let sums: Rollup | null = null;
  return {
    lineIndex: (id) => lineIndex.get(id) ?? -1,
    lineValue(i, field) {
      const v = cols[COLUMN[field]][i];
      return field === 'expectedRate' && Number.isNaN(v) ? null : v;
    },
    itemFigure(id, field) {
      sums ??= rollUp(cols);
      const at = id === null ? sums.nodeCount : tree.indexOf.get(id);
      return at === undefined ? undefined : sums[field][at];
    },
    write(results) {
      applyColumnEdits(cols, formulaEdits(results));
      sums = null;
    },
  };
}

/** The value the file saved in a formula's cell, as its line holds it (đồng, or percent); an
 * amount finer than a đồng rounded once by the workbook's rule; null when it cannot be read. */
function savedValue(k: FormulaKeeping, row: number, col: number, field: FormulaField): number | null {
  const raw = k.reader.raw(row, col);
  if (field !== 'expectedRate' && typeof raw === 'number') {
    const exact = fromDecimal(numberText(raw));
    if (!exact) return null;
    const dong = roundTo(mul(exact, ratio(10n ** BigInt(UNIT_EXPONENT[k.units[col] ?? 'dong']))), 0, k.rounding);
    return toSafeInteger(dong) ?? null;
  }
  const v = k.reader.read(row, col).value;
  return typeof v === 'number' ? v : null;
}

/** Whether two values differ by no more than rounding: a whole đồng, a hundredth of a percent. */
function sameValue(saved: number, computed: number, field: FormulaField): boolean {
  return field === 'expectedRate' ? Math.abs(saved - computed) < 0.005 + 1e-9 : saved === computed;
}

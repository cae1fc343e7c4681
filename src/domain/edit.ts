// Edits of lines, nodes and workbooks as reversible changes, and the reading of what a user typed
// or pasted into a field. A change lists before/after records, so undo is applying its inverse.

import type {
  AllocationRuleRecord,
  AmountUnit,
  CellNotes,
  Id,
  Line,
  LineField,
  MonthField,
  NumberLocale,
  Place,
  Result,
  Scenario,
  StatedFigures,
  TreeNode,
  Workbook,
} from './model';
import { fail, ok, MONTH_COUNT } from './model';
import { parseAmount, parseDate, parseRate } from './amount';
import { parseCapital, parseMethod, parseSource, parseYear, parseYesNo } from './cell-input';
import { normalizeText } from './text';

export interface RecordChange<T> {
  before: T | null;
  after: T | null;
}

/** One undoable step: any mix of line, node and workbook changes, applied together. */
export interface Change {
  lines?: RecordChange<Line>[];
  nodes?: RecordChange<TreeNode>[];
  places?: RecordChange<Place>[];
  rules?: RecordChange<AllocationRuleRecord>[];
  workbook?: { before: Workbook; after: Workbook };
  /** The scenario record itself (e.g. the review marks of its checks). */
  scenario?: { before: Scenario; after: Scenario };
}

/** The change that undoes `c`: after and before swapped, in reverse order. */
export function invertChange(c: Change): Change {
  const flip = <T>(list?: RecordChange<T>[]) => list?.map((r) => ({ before: r.after, after: r.before })).reverse();
  return {
    lines: flip(c.lines),
    nodes: flip(c.nodes),
    places: flip(c.places),
    rules: flip(c.rules),
    workbook: c.workbook ? { before: c.workbook.after, after: c.workbook.before } : undefined,
    scenario: c.scenario ? { before: c.scenario.after, after: c.scenario.before } : undefined,
  };
}

/** True when the change does nothing. */
export function isEmptyChange(c: Change): boolean {
  return !c.lines?.length && !c.nodes?.length && !c.places?.length && !c.rules?.length && !c.workbook && !c.scenario;
}

/** Fields of a tree node or of the program total row that a user may type into. */
export type NodeField = 'code' | 'name' | 'statedPlan';

/** The month fields of a line's actuals: m1 … m12, and m13 for January of the next year. */
export const MONTH_FIELDS: readonly MonthField[] = Array.from({ length: MONTH_COUNT }, (_, i) => `m${i + 1}` as MonthField);

/** Index (0 … 12) of a month field in a line's `months`; -1 when the field is not a month. */
export function monthIndex(field: string): number {
  const m = /^m(\d{1,2})$/.exec(field);
  const i = m ? Number(m[1]) - 1 : -1;
  return i >= 0 && i < MONTH_COUNT ? i : -1;
}

export const LINE_FIELDS: ReadonlySet<string> = new Set<LineField>([
  'label',
  'unit',
  'source',
  'capital',
  'vintage',
  'plan',
  'disbursed',
  'asOf',
  'expectedRate',
  'statedPlan',
  'method',
  'carryEligible',
  'carryConfirmed',
  ...MONTH_FIELDS,
]);
export const NODE_FIELDS: ReadonlySet<string> = new Set<NodeField>(['code', 'name', 'statedPlan']);
export type AnyField = LineField | NodeField;

export interface ReadContext {
  unit: AmountUnit;
  locale: NumberLocale;
}

/** A typed value for a field: amounts in đồng, rates in percent, null = cleared. */
export type FieldValue = string | number | boolean | null;

/**
 * Reads what the user typed, pasted or filled into a field. Strings are parsed (vi-VN or en, units
 * in the text win over the displayed unit); numbers coming from the fill handle are taken as they
 * are shown. Never guesses silently: anything unreadable is a Problem naming the text.
 */
export function readFieldInput(field: AnyField, raw: unknown, ctx: ReadContext): Result<FieldValue> {
  const text = raw === null || raw === undefined ? '' : normalizeText(String(raw));
  switch (field) {
    case 'label':
    case 'unit':
    case 'name':
      return ok(text);
    case 'code':
      return text ? ok(text) : fail('field.required', { text });
    case 'source':
      return parseSource(text);
    case 'capital':
      return parseCapital(text);
    case 'vintage':
      return parseYear(text);
    case 'plan':
    case 'disbursed':
    case 'statedPlan': {
      const r = parseAmount(text, ctx);
      if (!r.ok) return r;
      if (field === 'statedPlan' && r.value.blank) return ok(null);
      return ok(r.value.value);
    }
    case 'expectedRate': {
      const r = parseRate(text, { locale: ctx.locale });
      if (!r.ok) return r;
      if (!r.value.blank && r.value.value < 0) return fail('rate.negative', { text });
      return ok(r.value.blank ? null : r.value.value);
    }
    case 'asOf': {
      const r = parseDate(text);
      return r.ok ? ok(r.value || null) : r;
    }
    case 'method':
      return parseMethod(text);
    case 'carryEligible':
      return parseYesNo(text);
  }
  // carryConfirmed and the months: amounts, blank = not known.
  if (field === 'carryConfirmed' || monthIndex(field) >= 0) {
    const r = parseAmount(text, ctx);
    if (!r.ok) return r;
    if (r.value.blank) return ok(null);
    return r.value.value < 0 ? fail('amount.negative', { text }) : ok(r.value.value);
  }
  return fail('field.required', { text });
}

function withStated(stated: StatedFigures | undefined, key: keyof StatedFigures, value: number | null): StatedFigures | undefined {
  const next: StatedFigures = { ...(stated ?? {}) };
  if (value === null) delete next[key];
  else next[key] = value;
  return Object.keys(next).length ? next : undefined;
}

/** A record (line or node) with its stated plan set (null removes it); the same object when unchanged. */
function withStatedPlan<T extends { stated?: StatedFigures }>(rec: T, value: number | null): T {
  if ((rec.stated?.plan ?? null) === value) return rec;
  const stated = withStated(rec.stated, 'plan', value);
  const next: T = { ...rec };
  if (stated) next.stated = stated;
  else delete next.stated;
  return next;
}

/** A line with one field set; returns the same object when nothing changes. */
export function setLineField(line: Line, field: LineField, value: FieldValue): Line {
  if (field === 'statedPlan') return withStatedPlan(line, value as number | null);
  const month = monthIndex(field);
  if (month >= 0) return withMonth(line, month, value as number | null);
  if (((line as unknown as Record<string, unknown>)[field] ?? null) === value) return line;
  return { ...line, [field]: value } as Line;
}

/** A line with one month's actual set (null clears it); no `months` at all once none is known. */
function withMonth(line: Line, month: number, value: number | null): Line {
  if ((line.months?.[month] ?? null) === value) return line;
  const months = line.months ? [...line.months] : new Array<number | null>(MONTH_COUNT).fill(null);
  months[month] = value;
  const next: Line = { ...line, months };
  if (months.every((m) => m === null)) delete next.months;
  return next;
}

/** A node with one field set; returns the same object when nothing changes. */
export function setNodeField(node: TreeNode, field: NodeField, value: FieldValue): TreeNode {
  if (field === 'statedPlan') return withStatedPlan(node, value as number | null);
  if (node[field] === value) return node;
  return { ...node, [field]: value as string };
}

/** A line or item with the note on one of its cells set (blank text removes it); the same record when unchanged. */
export function withNote<T extends { notes?: CellNotes }>(rec: T, key: string, text: string | null): T {
  const note = (text ?? '').trim();
  if ((rec.notes?.[key] ?? '') === note) return rec;
  const notes = { ...rec.notes };
  if (note) notes[key] = note;
  else delete notes[key];
  const next: T = { ...rec, notes };
  if (!Object.keys(notes).length) delete (next as { notes?: CellNotes }).notes;
  return next;
}

/** The workbook with the program total's stated plan for its own year set (null removes it). */
export function setWorkbookStatedPlan(wb: Workbook, value: number | null): Workbook {
  const current = wb.stated.find((s) => s.year === wb.year);
  if ((current?.figures.plan ?? null) === value) return wb;
  const others = wb.stated.filter((s) => s.year !== wb.year);
  const figures = withStated(current?.figures, 'plan', value) ?? {};
  const stated = Object.keys(figures).length || current?.note ? [...others, { ...current, year: wb.year, figures }] : others;
  stated.sort((a, b) => b.year - a.year);
  return { ...wb, stated };
}

/** The stated figures of the workbook for its own plan year. */
export function statedForYear(wb: Workbook, year = wb.year): StatedFigures {
  return wb.stated.find((s) => s.year === year)?.figures ?? {};
}

/** A new empty line under a node, with the workbook's year as vintage. */
export function blankLine(id: Id, nodeId: Id, order: number, year: number): Line {
  return {
    id,
    nodeId,
    order,
    label: '',
    unit: '',
    placeId: null,
    source: 'central',
    capital: 'recurrent',
    vintage: year,
    plan: 0,
    disbursed: 0,
    asOf: null,
    expectedRate: null,
  };
}

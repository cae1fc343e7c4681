// An import as ONE change of the open workbook: the items it adds, the lines it adds or updates,
// the figures its file states (on items and on the workbook's year), and the cells it could not
// read, to be shown marked. Pure: the session commits the change like any edit, so one undo takes
// the whole import back and one transaction saves it.

import type { CellFormula, FileCheck, FormulaField, Id, Line, LineField, Scenario, Source, StatedFigures, StatedYear, TreeNode, Workbook } from './model';
import type { Change, RecordChange } from './edit';
import { foldForMatch } from './text';
import { renameLineRefs } from './formula/parse';

/** An item an import names: one of the workbook's, or a new one to add (io's ImportedNode fits). */
export interface IncomingNode {
  node: TreeNode;
  status: 'matched' | 'new';
  /** Figures the file states for the item. */
  stated?: StatedFigures;
}

/** A line read from a file, and the fields whose cells could not be read (io's ImportedLine fits). */
export interface IncomingLine {
  line: Line;
  invalid: readonly LineField[];
}

/** Figures a total row states: the whole table's, or a group's (io's StatedTotal fits). */
export interface IncomingTotal {
  scope: 'table' | 'group';
  nodeId: Id | null;
  source?: Source | null;
  figures: StatedFigures;
}

/** What an import brings: items, lines and stated totals. */
export interface IncomingPlan {
  nodes: readonly IncomingNode[];
  lines: readonly IncomingLine[];
  totals?: readonly IncomingTotal[];
}

/** The workbook as the import finds it. */
export interface ImportTarget {
  workbook: Workbook;
  nodes: readonly TreeNode[];
  lines: readonly Line[];
}

export interface ImportChangeOptions {
  /** The place every imported line belongs to (a district when consolidating); absent: the file's. */
  placeId?: Id | null;
  /** Keep the figures the file states on items and on the workbook (default true; a district's
   * stated figures are not the province's). */
  stated?: boolean;
  /** A line the workbook already holds (same item, implementing unit, source, capital type,
   * vintage and place, one on each side): 'update' writes the file's figures into it (default),
   * 'keep' leaves it and imports nothing for it. Never summed. */
  sameLine?: 'update' | 'keep';
  /** The line fields the file's columns give; only these are written into an updated line
   * (default: every field a file can hold). */
  fields?: readonly LineField[];
  /** Where the workbook's stated figures come from (the file's name). */
  note?: string;
}

/** A cell imported marked: its line and field. */
export interface ImportMark {
  lineId: Id;
  field: LineField;
}

export interface ImportOutcome {
  change: Change;
  /** Lines added, lines updated, lines the workbook already held unchanged or kept ('keep'). */
  added: number;
  updated: number;
  unchanged: number;
  kept: number;
  nodesAdded: number;
  marks: ImportMark[];
  /** Each incoming line's id → the id of the line it landed in (itself when added, the workbook's
   * line when it updated or kept one). */
  landed: Map<Id, Id>;
}

/** The fields an updated line takes from the file when none are named. */
export const IMPORT_LINE_FIELDS: readonly LineField[] = ['label', 'plan', 'disbursed', 'asOf', 'expectedRate', 'statedPlan'];

type KeyedLine = Pick<Line, 'nodeId' | 'unit' | 'source' | 'capital' | 'vintage' | 'placeId'>;

/** The key under which two lines are the same line: item, implementing unit (case, accents and
 * spaces folded), source, capital type, vintage and place. */
export function sameLineKey(l: KeyedLine): string {
  return `${l.nodeId}|${foldForMatch(l.unit)}|${l.source}|${l.capital}|${l.vintage}|${l.placeId ?? ''}`;
}

/** sameLineKey folding each implementing unit once (a plan names a few units over many lines). */
function lineKeys(): (l: KeyedLine) => string {
  const folded = new Map<string, string>();
  return (l) => {
    let unit = folded.get(l.unit);
    if (unit === undefined) folded.set(l.unit, (unit = foldForMatch(l.unit)));
    return `${l.nodeId}|${unit}|${l.source}|${l.capital}|${l.vintage}|${l.placeId ?? ''}`;
  };
}

/** Lines grouped by sameLineKey. */
function byKey(lines: readonly Line[], keyOf: (l: Line) => string): Map<string, Line[]> {
  const out = new Map<string, Line[]>();
  for (const l of lines) {
    const k = keyOf(l);
    const list = out.get(k);
    if (list) list.push(l);
    else out.set(k, [l]);
  }
  return out;
}

const FORMULA_FIELDS: readonly FormulaField[] = ['plan', 'disbursed', 'expectedRate'];
const sameFormula = (a: CellFormula | undefined, b: CellFormula | undefined) => a?.text === b?.text && a?.unit === b?.unit;

/** A line with the file's value of each named field (and the file's formula, or none, in the cells
 * it writes: a value the file gives is not computed over); the same object when nothing differs. */
function updatedLine(cur: Line, from: Line, fields: readonly LineField[]): Line {
  const patch: Partial<Line> = {};
  const written = FORMULA_FIELDS.filter((f) => fields.includes(f) && !sameFormula(cur.formulas?.[f], from.formulas?.[f]));
  if (written.length) {
    const formulas: Partial<Record<FormulaField, CellFormula>> = { ...cur.formulas };
    for (const f of written) {
      const want = from.formulas?.[f];
      if (want) formulas[f] = want;
      else delete formulas[f];
    }
    patch.formulas = formulas;
  }
  for (const f of fields) {
    if (f === 'statedPlan') {
      const want = from.stated?.plan;
      if (cur.stated?.plan === want) continue;
      const { plan: _old, ...rest } = cur.stated ?? {};
      patch.stated = want === undefined ? rest : { ...rest, plan: want };
    } else if (f in from && cur[f as keyof Line] !== from[f as keyof Line]) {
      (patch as Record<string, unknown>)[f] = from[f as keyof Line];
    }
  }
  if (!Object.keys(patch).length) return cur;
  const out = { ...cur, ...patch };
  if (out.formulas && !Object.keys(out.formulas).length) delete out.formulas;
  return out;
}

/** The lines' formulas reading the lines an import's lines landed in, not the incoming ones. */
function renameLanded(lines: RecordChange<Line>[], landed: ReadonlyMap<Id, Id>): void {
  for (const ch of lines) {
    const f = ch.after?.formulas;
    if (!f) continue;
    let changed = false;
    const out: Partial<Record<FormulaField, CellFormula>> = {};
    for (const [field, formula] of Object.entries(f) as [FormulaField, CellFormula][]) {
      const text = renameLineRefs(formula.text, (id) => landed.get(id));
      changed ||= text !== formula.text;
      out[field] = text === formula.text ? formula : { ...formula, text };
    }
    if (changed) ch.after = { ...ch.after!, formulas: out };
  }
}

const mergeStated = (a: StatedFigures | undefined, b: StatedFigures): StatedFigures => ({ ...(a ?? {}), ...b });

/**
 * The change an import makes, in one step: new items; each incoming line added (after the item's
 * own lines, tagged with `placeId` when given) or, when the workbook holds the same line once and
 * the file once, updated ('update') or left alone ('keep'); the stated figures of items, groups and
 * the table (onto the workbook's year). Lines whose cells could not be read come back as marks.
 * The same input gives the same change; nothing is ever summed into an existing line.
 */
export function importChange(target: ImportTarget, incoming: IncomingPlan, opts: ImportChangeOptions = {}): ImportOutcome {
  const steps = importSteps(target, incoming, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * importChange in slices: the event loop is given back (`pause`) whenever the work has held it for
 * `sliceMs`, so a page stays responsive while a 100 000-line import is worked out. The target must
 * not change meanwhile.
 */
export async function importChangeInSlices(
  target: ImportTarget,
  incoming: IncomingPlan,
  opts: ImportChangeOptions,
  pause: () => Promise<void>,
  sliceMs = 40,
): Promise<ImportOutcome> {
  const steps = importSteps(target, incoming, opts);
  let held = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - held > sliceMs) {
      await pause();
      held = performance.now();
    }
  }
}

/** Lines between two points where importSteps may be paused. */
const STEP_LINES = 2048;

/** The work of importChange, yielding every STEP_LINES lines of its loops. */
function* importSteps(target: ImportTarget, incoming: IncomingPlan, opts: ImportChangeOptions): Generator<void, ImportOutcome> {
  const keepStated = opts.stated ?? true;
  const fields = opts.fields ?? IMPORT_LINE_FIELDS;
  const nodeById = new Map(target.nodes.map((n) => [n.id, n]));
  const nodes = new Map<Id, RecordChange<TreeNode>>();
  const nodeAfter = (id: Id): TreeNode | undefined => (nodes.get(id)?.after ?? nodeById.get(id)) as TreeNode | undefined;

  for (const { node, status, stated } of incoming.nodes) {
    if (status === 'new' && !nodeById.has(node.id)) {
      const { stated: own, ...bare } = node;
      const after: TreeNode = keepStated && (own || stated) ? { ...bare, stated: mergeStated(own, stated ?? {}) } : bare;
      nodes.set(node.id, { before: null, after: { ...after, workbookId: target.workbook.id } });
    } else if (keepStated && stated && Object.keys(stated).length) {
      const cur = nodeAfter(node.id);
      if (cur) nodes.set(node.id, { before: nodeById.get(node.id) ?? null, after: { ...cur, stated: mergeStated(cur.stated, stated) } });
    }
  }

  let workbook: Workbook | null = null;
  if (keepStated) {
    let table: StatedFigures | null = null;
    for (const t of incoming.totals ?? []) {
      if (!Object.keys(t.figures).length) continue;
      if (t.scope === 'group' && t.nodeId) {
        const cur = nodeAfter(t.nodeId);
        if (cur) nodes.set(t.nodeId, { before: nodeById.get(t.nodeId) ?? null, after: { ...cur, stated: mergeStated(cur.stated, t.figures) } });
      } else if (t.scope === 'table') table = mergeStated(table ?? undefined, t.figures);
    }
    if (table) {
      const wb = target.workbook;
      const old = wb.stated.find((s) => s.year === wb.year);
      const year: StatedYear = { year: wb.year, figures: mergeStated(old?.figures, table), ...((opts.note ?? old?.note) ? { note: opts.note ?? old?.note } : {}) };
      workbook = { ...wb, stated: [...wb.stated.filter((s) => s.year !== wb.year), year].sort((a, b) => a.year - b.year) };
    }
  }

  const keyOf = lineKeys();
  const incomingLines: { il: IncomingPlan['lines'][number]; line: Line; key: string }[] = [];
  for (let i = 0; i < incoming.lines.length; i++) {
    const il = incoming.lines[i];
    const line = opts.placeId === undefined ? il.line : { ...il.line, placeId: opts.placeId };
    incomingLines.push({ il, line, key: keyOf(line) });
    if (i % STEP_LINES === STEP_LINES - 1) yield;
  }
  yield;
  const existing = byKey(target.lines, keyOf);
  yield;
  const incomingCount = new Map<string, number>();
  for (const { key } of incomingLines) incomingCount.set(key, (incomingCount.get(key) ?? 0) + 1);
  const nextOrder = new Map<Id, number>();
  for (const l of target.lines) nextOrder.set(l.nodeId, Math.max(nextOrder.get(l.nodeId) ?? 0, l.order + 1));

  const lines: RecordChange<Line>[] = [];
  const marks: ImportMark[] = [];
  const landed = new Map<Id, Id>();
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  let kept = 0;
  // Where the key leaves several lines on either side (districts of one project with the same
  // implementing unit), the label tells them apart: the same key and label on both sides, once each.
  const labelled = (l: Line) => `${keyOf(l)}|${foldForMatch(l.label)}`;
  let existingLabelled: Map<string, Line[]> | null = null;
  let incomingLabelled: Map<string, number> | null = null;
  const matchByLabel = (line: Line): Line | null => {
    if (!existingLabelled || !incomingLabelled) {
      existingLabelled = byKey(
        target.lines.filter((l) => (existing.get(keyOf(l))?.length ?? 0) > 1 || (incomingCount.get(keyOf(l)) ?? 0) > 1),
        labelled,
      );
      incomingLabelled = new Map();
      for (const x of incomingLines)
        if ((incomingCount.get(x.key) ?? 0) > 1 || (existing.get(x.key)?.length ?? 0) > 1)
          incomingLabelled.set(labelled(x.line), (incomingLabelled.get(labelled(x.line)) ?? 0) + 1);
    }
    const k = labelled(line);
    const same = existingLabelled.get(k);
    return same?.length === 1 && incomingLabelled.get(k) === 1 ? same[0] : null;
  };
  for (let i = 0; i < incomingLines.length; i++) {
    if (i % STEP_LINES === STEP_LINES - 1) yield;
    const { il, line, key } = incomingLines[i];
    const same = existing.get(key);
    const match = same?.length === 1 && incomingCount.get(key) === 1 ? same[0] : same && same.length > 0 ? matchByLabel(line) : null;
    if (match) {
      landed.set(line.id, match.id);
      if ((opts.sameLine ?? 'update') === 'keep') {
        kept++;
        continue;
      }
      const after = updatedLine(match, line, fields);
      if (after === match) unchanged++;
      else {
        lines.push({ before: match, after });
        updated++;
      }
      for (const field of il.invalid) marks.push({ lineId: match.id, field });
      continue;
    }
    const order = nextOrder.get(line.nodeId) ?? 0;
    nextOrder.set(line.nodeId, order + 1);
    lines.push({ before: null, after: { ...line, order } });
    landed.set(line.id, line.id);
    added++;
    for (const field of il.invalid) marks.push({ lineId: line.id, field });
  }

  if ([...landed].some(([from, to]) => from !== to)) renameLanded(lines, landed);
  const nodeChanges = [...nodes.values()];
  return {
    change: {
      nodes: nodeChanges,
      lines,
      ...(workbook ? { workbook: { before: target.workbook, after: workbook } } : {}),
    },
    added,
    updated,
    unchanged,
    kept,
    nodesAdded: nodeChanges.filter((c) => c.before === null).length,
    marks,
    landed,
  };
}

/**
 * The scenario with an import's file checks, each on the lines its rows landed in (the workbook's
 * line where one was updated or kept); a check of the same file, sheet, row and column is replaced.
 */
export function withFileChecks(scenario: Scenario, drafts: readonly FileCheck[], landed: ReadonlyMap<Id, Id>): { before: Scenario; after: Scenario } {
  const fresh = drafts.map((d) => ({ ...d, lineIds: [...new Set(d.lineIds.map((id) => landed.get(id) ?? id))] }));
  const ids = new Set(fresh.map((f) => f.id));
  const kept = (scenario.fileChecks ?? []).filter((f) => !ids.has(f.id));
  return { before: scenario, after: { ...scenario, fileChecks: [...kept, ...fresh] } };
}

// Lines and stated figures from a table's rows: a row's amount columns grouped into one line per
// source × capital type × vintage (× item or place, for columns that name one), the figures a
// subtotal or total row states, and the table with the program's items across its columns (a
// place or unit on each row). Pure.

import type { CapitalType, Id, Line, LineField, Source, StatedFigures, TreeNode } from '../domain/model';
import { fail, ok, type Result } from '../domain/model';
import { newId } from '../domain/ids';
import type { Columns, RowCells, CellReader } from './import-cells';
import type { DetectedTable } from './table-detect';
import type { ImportedLine, ImportedNode, ImportOptions, PreviewRow, StatedTotal, WorkbookContext } from './import-plan';
import { PlaceIndex, TreeIndex } from './import-place';
import type { BreakdownSplit } from './row-tree';
import { yieldToEventLoop } from './import-types';
import { noteLineCells, type CellTargets } from './import-formulas';

// ---------------------------------------------------------------------------------------------
// Rows → lines and stated figures

/** The money of one source × capital type × vintage in a row: one line. */
export interface SplitGroup {
  source: Source;
  capital: CapitalType;
  vintage: number;
  /** The place a column names ("Chia ra / Huyện Bình Gia"), as written; null for the row's own. */
  place: string | null;
  plan: number | null;
  disbursed: number | null;
  asOf: string | null;
  invalid: LineField[];
  /** Set when no column, row, title or choice of the user said the source (the capital type): the
   * line takes its item's, else its source (capital type) is marked for the user. */
  sourceUnsaid?: boolean;
  capitalUnsaid?: boolean;
  /** The columns whose cells make its plan and its disbursed money. */
  cols?: { plan: number[]; disbursed: number[] };
}

/** Which of a row's measures become lines (a subtotal row holds lines only for a measure nothing
 * under it holds). */
/** Source, capital type and vintage of money no column or row splits; `sourceSaid` when the
 * user or the table's title named the source (then an unsplit total is not marked). */
export interface LineDefaults {
  source: Source;
  capital: CapitalType;
  vintage: number;
  sourceSaid?: boolean;
  capitalSaid?: boolean;
}

/** Indexes into the lines of those whose source or capital type nothing in the file said. */
export interface Unsaid {
  source: number[];
  capital: number[];
}

export interface OwnMeasures {
  plan: boolean;
  disbursed: boolean;
}

/** A row's amount columns grouped by the split their header (or else the row, or else the
 * defaults) names. A vintage in the header wins over the row's only when the plan columns differ
 * by vintage ("2022 chuyển sang" beside "2023"). A breakdown row's name ("- Vốn ĐTPT", "- Vốn năm
 * 2023 chuyển sang") says its split as its cells would. */
export function splitGroups(
  cells: RowCells,
  cols: Columns,
  defaults: LineDefaults,
  year: number,
  headerVintages: boolean,
  named?: BreakdownSplit,
  own: OwnMeasures = { plan: true, disbursed: true },
): SplitGroup[] {
  const rowSource = named?.source ?? (cols.source === null ? null : (cells.get(cols.source).value as Source | null));
  const rowCapital = named?.capital ?? (cols.capital === null ? null : (cells.get(cols.capital).value as CapitalType | null));
  const namedVintage = named?.vintage ?? (named?.carriedIn ? year - 1 : null);
  const rowVintage = namedVintage ?? (cols.vintage === null ? null : (cells.get(cols.vintage).value as number | null));
  const groups: SplitGroup[] = [];
  // The capital type of every plan amount in the row whose header names one, when they agree: the
  // capital type of its amounts whose header names none (a project's "NSĐP" beside "NSTW / ĐTPT").
  let rowPlanCapital: CapitalType | null = null;
  let capitalsAgree = true;
  for (const c of cols.plan) {
    const capital = cols.roles[c].capital;
    if (!capital || cells.num(c) === null) continue;
    if (rowPlanCapital !== null && rowPlanCapital !== capital) capitalsAgree = false;
    rowPlanCapital = capital;
  }
  if (!capitalsAgree) rowPlanCapital = null;
  /** The group of a column: the one its header and row name; for a disbursed column that leaves
   * part of the split unsaid ("Trong đó NSTW" beside plan columns "NSTW ĐTPT" and "NSĐP"), the only
   * planned group it fits, else the row's one capital type and the defaults fill the rest. */
  const groupOf = (c: number, fitPlanned = false): SplitGroup => {
    const role = cols.roles[c];
    const headerVintage = role.vintage ?? (role.carriedIn ? year - 1 : null);
    const said = {
      source: role.source ?? rowSource,
      capital: role.capital ?? rowCapital,
      vintage: namedVintage ?? (headerVintages ? (headerVintage ?? rowVintage) : (rowVintage ?? headerVintage)),
      place: role.place ?? null,
    };
    if (fitPlanned && (said.source === null || said.capital === null || said.vintage === null)) {
      const fits = groups.filter(
        (x) =>
          x.plan !== null &&
          x.place === said.place &&
          (said.source === null || x.source === said.source) &&
          (said.capital === null || x.capital === said.capital) &&
          (said.vintage === null || x.vintage === said.vintage),
      );
      if (fits.length === 1) return fits[0];
    }
    const source = said.source ?? defaults.source;
    const capital = said.capital ?? rowPlanCapital ?? defaults.capital;
    const vintage = said.vintage ?? defaults.vintage;
    const sourceUnsaid = said.source === null && !defaults.sourceSaid;
    const capitalUnsaid = said.capital === null && rowPlanCapital === null && !defaults.capitalSaid;
    let g = groups.find((x) => x.source === source && x.capital === capital && x.vintage === vintage && x.place === said.place);
    if (!g)
      groups.push(
        (g = {
          source,
          capital,
          vintage,
          place: said.place,
          plan: null,
          disbursed: null,
          asOf: null,
          invalid: [],
          sourceUnsaid,
          capitalUnsaid,
          cols: { plan: [], disbursed: [] },
        }),
      );
    else {
      // A group any of whose columns says its split has it said.
      g.sourceUnsaid &&= sourceUnsaid;
      g.capitalUnsaid &&= capitalUnsaid;
    }
    return g;
  };
  const add = (g: SplitGroup, field: 'plan' | 'disbursed', v: number | null, c: number) => {
    if (v !== null) g[field] = (g[field] ?? 0) + v;
    g.cols?.[field].push(c);
  };
  if (own.plan) {
    for (const c of cols.plan) {
      const v = cells.num(c);
      if (v === null && !cells.bad(c)) continue;
      const g = groupOf(c);
      add(g, 'plan', v, c);
      if (cells.bad(c)) g.invalid.push('plan');
    }
  }
  if (own.disbursed) {
    for (const c of cols.disbursed) {
      const v = cells.num(c);
      if (v === null && !cells.bad(c)) continue;
      const g = groupOf(c, true);
      add(g, 'disbursed', v, c);
      if (cells.bad(c)) g.invalid.push('disbursed');
      g.asOf = cols.roles[c].asOf ?? g.asOf;
    }
  }
  // Money the row states only as its total ("Tổng số" 3.632 with no NSTW/NSĐP): a line of that
  // money, of the source the row, its breakdown or the title says, else marked for the user.
  if (own.plan && groups.every((g) => g.plan === null && !g.invalid.includes('plan')) && cols.statedPlan !== null) {
    const total = cells.num(cols.statedPlan);
    const bad = cells.bad(cols.statedPlan);
    if ((total !== null && !(total === 0 && groups.length > 0)) || bad) {
      const g = groupOf(cols.statedPlan);
      g.plan = total;
      g.cols?.plan.push(cols.statedPlan);
      if (bad) g.invalid.push('plan');
    }
  }
  return groups;
}

/**
 * A row's disbursed total ("Giải ngân / Tổng số") beside disbursed columns for part of its money
 * ("Trong đó NSTW"): what the parts leave goes to the one planned group that has no disbursed figure
 * of its own (the NSĐP line). A total with no parts at all and several planned groups goes whole to
 * the group with the most plan, and the caller marks it for the user ('undivided'). With a total
 * below the parts nothing is moved: the reconciliation shows the difference.
 */
export function giveDisbursedRest(groups: SplitGroup[], total: number | null, asOf: string | null): 'moved' | 'undivided' | null {
  if (total === null) return null;
  let parts = 0;
  let anyPart = false;
  for (const g of groups) {
    parts += g.disbursed ?? 0;
    if (g.disbursed !== null) anyPart = true;
  }
  const open = groups.filter((g) => g.disbursed === null && g.plan !== null && !g.invalid.includes('disbursed'));
  if (total <= parts || open.length === 0) return null;
  if (open.length === 1) {
    open[0].disbursed = total - parts;
    open[0].asOf = asOf ?? open[0].asOf;
    return 'moved';
  }
  if (anyPart) return null;
  const most = open.reduce((a, g) => ((g.plan ?? 0) > (a.plan ?? 0) ? g : a));
  most.disbursed = total;
  most.asOf = asOf ?? most.asOf;
  return 'undivided';
}

/** An amount as a percentage of a plan, to the hundredth of a percent the app keeps rates in
 * ("Ước giải ngân" 400 of 450 → 88,89 %); null without a plan. */
export function shareOf(amount: number | null, plan: number): number | null {
  if (amount === null || !(plan > 0)) return null;
  return Math.round((amount / plan) * 10_000) / 100;
}

/** What a group row or a total row states: its total (a "Tổng số" column, or its one plan
 * column), its plan by source, disbursed, rate and expected rate, as written. `onlyStated`: the
 * row's amounts are the sums of the lines listed under it, so only the stated columns state. */
export function statedFigures(cells: RowCells, cols: Columns, groupCount: number, onlyStated = false): StatedFigures {
  const f: StatedFigures = {};
  const plan = cells.num(cols.statedPlan) ?? (!onlyStated && groupCount === 1 && cols.plan.length === 1 ? cells.num(cols.plan[0]) : null);
  if (plan !== null) f.plan = plan;
  for (const s of onlyStated ? [] : (['central', 'local', 'other'] as const)) {
    const v = cells.sum(cols.plan, (c) => cols.roles[c].source === s);
    if (v !== undefined) f[s] = v;
  }
  const disbursed = cells.num(cols.statedDisbursed) ?? (onlyStated ? null : (cells.sum(cols.disbursed) ?? null));
  if (disbursed !== null) f.disbursed = disbursed;
  const rate = cells.num(cols.rate);
  if (rate !== null) f.rate = rate;
  const expected = cells.num(cols.expected) ?? shareOf(cells.num(cols.expectedAmount), f.plan ?? (f.central ?? 0) + (f.local ?? 0) + (f.other ?? 0));
  if (expected !== null) f.expectedRate = expected;
  return f;
}

/** Adds figures to an imported node's stated figures (a new node carries them itself). */
export function addStated(entry: ImportedNode, figures: StatedFigures): void {
  if (Object.keys(figures).length === 0) return;
  entry.stated = { ...(entry.stated ?? {}), ...figures };
  if (entry.status === 'new') entry.node = { ...entry.node, stated: entry.stated };
}

/** The line of one split group's money, placed at a node with the row's texts. */
export function groupLine(
  g: Pick<SplitGroup, 'source' | 'capital' | 'vintage' | 'plan' | 'disbursed' | 'asOf'>,
  at: { nodeId: Id; order: number; label: string; unit: string; asOf: string | null; expectedRate: number | null },
): Line {
  return {
    id: newId(),
    nodeId: at.nodeId,
    order: at.order,
    label: at.label,
    unit: at.unit,
    placeId: null,
    source: g.source,
    capital: g.capital,
    vintage: g.vintage,
    plan: g.plan ?? 0,
    disbursed: g.disbursed ?? 0,
    asOf: at.asOf ?? g.asOf,
    expectedRate: at.expectedRate,
  };
}

const YIELD_EVERY_MS = 40;

/** Every 1 024 rows: false once the read is cancelled; reports progress and yields to the event
 * loop when it has held it for YIELD_EVERY_MS. */
export function progressStepper(total: number, options: ImportOptions): (i: number) => Promise<boolean> {
  let lastYield = performance.now();
  return async (i) => {
    if ((i & 1023) !== 0) return true;
    if (options.signal?.aborted) return false;
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      options.onProgress?.(i, total);
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    return !options.signal?.aborted;
  };
}

/**
 * A table with the program's items across (a column per item, "Dự án 2 | Dự án 3 / Tiểu dự án 1")
 * and a place or unit on each row: the row's money in an item's columns is a line of that item,
 * the row's name its implementing unit. A total row states each item's plan and the table's.
 */
export async function readAcross(
  table: DetectedTable,
  cols: Columns,
  reader: CellReader,
  cells: RowCells,
  context: WorkbookContext,
  defaults: LineDefaults,
  out: {
    lines: ImportedLine[];
    totals: StatedTotal[];
    previewRow: (tr: DetectedTable['rows'][number], kind: PreviewRow['kind'], node: undefined) => void;
    progress: (i: number) => Promise<boolean>;
    /** Rows that are subtotals of the rows under them (a district over its communes): no lines. */
    isSubtotal: (i: number) => boolean;
    /** The table.rows index of each line, in step with `lines`. */
    lineRows: number[];
    unsaid: Unsaid;
    /** Where each line's figures come from, noted for the formulas the import keeps. */
    targets?: CellTargets;
  },
): Promise<Result<Map<Id, ImportedNode>>> {
  const roles = cols.roles;
  const tree = new TreeIndex(context.nodes);
  const had = new Set(context.nodes.map((n) => n.id));
  const imported = new Map<Id, ImportedNode>();
  const nodeOf = (code: string, row: number): ImportedNode => {
    let node = tree.code(code);
    if (!node) {
      const parent = tree.parentByCode(code) ?? null;
      node = { id: newId(), workbookId: context.workbookId, parentId: parent?.id ?? null, code, name: code, order: tree.takeOrder(parent?.id ?? null) };
      tree.add(node);
    }
    let entry = imported.get(node.id);
    if (!entry) imported.set(node.id, (entry = { node, status: had.has(node.id) ? 'matched' : 'new', matchedBy: had.has(node.id) ? 'code' : null, row }));
    return entry;
  };
  const itemCols = [...cols.plan, ...cols.disbursed].filter((c) => roles[c].item);
  const places = new PlaceIndex(context.places ?? []);
  for (let i = 0; i < table.rows.length; i++) {
    if (!(await out.progress(i))) return fail('import.cancelled');
    const tr = table.rows[i];
    const r = tr.row;
    if (tr.kind === 'blank') continue;
    if (tr.kind === 'item' && out.isSubtotal(i)) {
      out.previewRow(tr, 'group', undefined);
      continue;
    }
    out.previewRow(tr, tr.kind, undefined);
    cells.start(r);
    if (tr.kind === 'total') {
      if (tr.source) continue;
      const byItem = new Map<string, number>();
      for (const c of cols.plan) {
        const v = cells.num(c);
        if (roles[c].item && v !== null) byItem.set(roles[c].item!, (byItem.get(roles[c].item!) ?? 0) + v);
      }
      // An item's own total column ("Dự án 3 / Tổng số") states it; else the sum of its columns.
      roles.forEach((role, c) => {
        const v = role.field === 'statedPlan' && role.item ? cells.num(c) : null;
        if (v !== null) byItem.set(role.item!, v);
      });
      for (const [code, plan] of byItem) addStated(nodeOf(code, r + 1), { plan });
      const tableTotal = roles.findIndex((role) => role.field === 'statedPlan' && !role.item);
      const plan =
        (tableTotal >= 0 ? cells.num(tableTotal) : null) ??
        (byItem.size ? [...byItem.entries()].filter(([code]) => !byItem.has(code.split('.').slice(0, -1).join('.'))).reduce((a, [, v]) => a + v, 0) : null);
      const disbursed = cells.num(cols.statedDisbursed);
      const figures: StatedFigures = {};
      if (plan !== null) figures.plan = plan;
      if (disbursed !== null) figures.disbursed = disbursed;
      out.totals.push({ row: r + 1, label: tr.label ?? '', scope: 'table', nodeId: null, source: null, figures });
      continue;
    }
    const place = reader.text(r, cols.name) || reader.text(r, cols.code);
    const unit = reader.text(r, cols.unit) || place;
    // The row's name is its unit unless a unit column says otherwise; then it is the line's label.
    const label = [...(place !== unit ? [place] : []), ...cols.labels.map((c) => reader.text(r, c))].filter(Boolean).join('; ');
    const rowSource = cols.source === null ? null : (cells.get(cols.source).value as Source | null);
    const rowCapital = cols.capital === null ? null : (cells.get(cols.capital).value as CapitalType | null);
    const rowVintage = cols.vintage === null ? null : (cells.get(cols.vintage).value as number | null);
    const groups = new Map<
      string,
      {
        item: string;
        source: Source;
        capital: CapitalType;
        vintage: number;
        plan: number | null;
        disbursed: number | null;
        asOf: string | null;
        invalid: LineField[];
        sourceUnsaid: boolean;
        capitalUnsaid: boolean;
        cols: { plan: number[]; disbursed: number[] };
      }
    >();
    for (const c of itemCols) {
      const role = roles[c];
      const source = role.source ?? rowSource ?? defaults.source;
      const capital = role.capital ?? rowCapital ?? defaults.capital;
      const vintage = role.vintage ?? (role.carriedIn ? context.year - 1 : null) ?? rowVintage ?? defaults.vintage;
      const sourceUnsaid = !role.source && !rowSource && !defaults.sourceSaid;
      const capitalUnsaid = !role.capital && !rowCapital && !defaults.capitalSaid;
      const key = `${role.item}|${source}|${capital}|${vintage}`;
      let g = groups.get(key);
      if (!g)
        groups.set(
          key,
          (g = {
            item: role.item!,
            source,
            capital,
            vintage,
            plan: null,
            disbursed: null,
            asOf: null,
            invalid: [],
            sourceUnsaid,
            capitalUnsaid,
            cols: { plan: [], disbursed: [] },
          }),
        );
      else {
        g.sourceUnsaid &&= sourceUnsaid;
        g.capitalUnsaid &&= capitalUnsaid;
      }
      const v = cells.num(c);
      const field = role.field === 'disbursed' ? 'disbursed' : 'plan';
      if (v !== null) g[field] = (g[field] ?? 0) + v;
      if (v !== null || cells.bad(c)) g.cols[field].push(c);
      if (cells.bad(c)) g.invalid.push(field);
      if (field === 'disbursed' && role.asOf) g.asOf = role.asOf;
    }
    for (const g of groups.values()) {
      if (!g.plan && !g.disbursed && !g.invalid.length) continue;
      const line = groupLine(g, { nodeId: nodeOf(g.item, r + 1).node.id, order: out.lines.length, label, unit, asOf: null, expectedRate: null });
      line.placeId = places.find(place) ?? null;
      if (g.sourceUnsaid) out.unsaid.source.push(out.lines.length);
      if (g.capitalUnsaid) out.unsaid.capital.push(out.lines.length);
      if (out.targets) noteLineCells(out.targets, r, out.lines.length, g.cols);
      out.lines.push({ line, row: r + 1, invalid: g.invalid });
      out.lineRows.push(i);
    }
  }
  return ok(imported);
}

/**
 * A "Cộng" row is read as the total of the group above it, unless its plan is what the whole
 * table's lines add up to and not what the group's do: then it is the table's total (a report that
 * ends with "Cộng" under its last project).
 */
export function totalsOfTable(totals: StatedTotal[], lines: readonly ImportedLine[], imported: ReadonlyMap<Id, ImportedNode>, nodes: readonly TreeNode[]): void {
  const parent = new Map<Id, Id | null>(nodes.map((n) => [n.id, n.parentId]));
  for (const { node } of imported.values()) parent.set(node.id, node.parentId);
  const under = (id: Id, group: Id): boolean => {
    const seen = new Set<Id>();
    for (let at: Id | null | undefined = id; at && !seen.has(at); at = parent.get(at)) {
      if (at === group) return true;
      seen.add(at);
    }
    return false;
  };
  const all = lines.reduce((a, l) => a + l.line.plan, 0);
  for (const t of totals) {
    if (t.scope !== 'group' || t.nodeId === null || t.figures.plan === undefined) continue;
    const group = t.nodeId;
    const inGroup = lines.reduce((a, l) => a + (under(l.line.nodeId, group) ? l.line.plan : 0), 0);
    if (t.figures.plan === all && t.figures.plan !== inGroup) {
      t.scope = 'table';
      t.nodeId = null;
    }
  }
}

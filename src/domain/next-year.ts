// Next year's draft: a new workbook for year N+1 built from year N's. It keeps the tree, places,
// criteria, counterpart ratios and allocation rules; it brings the carry-over the user CONFIRMED
// as lines of the money's own vintage (nothing carries over by itself), and one empty line of
// N+1 money per budget cell to fill by hand or allocate by rule. Also: confirming the projected
// carry-over on year N's lines. Pure: fresh ids from domain/ids, the time from the caller.

import type { CounterpartRatio, Id, Line, Result, TreeNode, WorkbookData } from './model';
import { CAPITAL_TYPES, fail, ok } from './model';
import { blankLine, setLineField, type RecordChange } from './edit';
import { newId } from './ids';
import { projectionOf } from './projection';
import { copyWorkbook } from './workbook-copy';

export interface DraftOptions {
  /** Name of the new workbook (see nextYearName). */
  name: string;
  /** Creation time of the draft, ms since 1970; defaults to now. */
  now?: number;
}

/**
 * The workbook for year N+1 drafted from year N's `data`, or a problem; never a partial draft.
 * Guarantees: the draft's carried-in money (lines of a vintage before N+1) sums exactly to the
 * confirmed carry-over of year N's lines, one line per line with a confirmed amount > 0; every
 * budget cell (node, unit, place, source, capital type) of year N has exactly one line of N+1
 * money with plan 0; no other money and no disbursement is brought over. `data` is not touched.
 * Fails with draft.nothing when year N has no lines, and draft.carry-exceeds-left when a line's
 * confirmed carry-over is more than the line has left (see leftByLine).
 */
export function draftNextYear(data: WorkbookData, opts: DraftOptions): Result<WorkbookData> {
  const year = data.workbook.year;
  if (data.lines.length === 0) return fail('draft.nothing', { name: data.workbook.name });
  const left = leftByLine(data.lines);
  const nodeById = new Map(data.nodes.map((n) => [n.id, n]));
  for (const l of data.lines) {
    const confirmed = confirmedOf(l);
    // An over-disbursed line has less than nothing left; it fails only if something carries.
    if (confirmed > 0 && confirmed > left.get(l.id)!) return fail('draft.carry-exceeds-left', describeLine(l, nodeById, confirmed, left.get(l.id)!));
  }

  const copy = copyWorkbook(data, opts.name, opts.now ?? Date.now());
  const ruleIds = new Set(copy.rules!.map((r) => r.id));
  const nextOrder = new Map<Id, number>();
  const orderIn = (nodeId: Id) => {
    const o = nextOrder.get(nodeId) ?? 0;
    nextOrder.set(nodeId, o + 1);
    return o;
  };
  const usedLinks = new Set<string>();
  const lines: Line[] = [];
  for (const members of cellsOf(data.lines)) {
    // copy.lines[i] is data.lines[i] with the draft's ids for its node, place and rule.
    const first = copy.lines[members[0]];
    for (const i of members) {
      const confirmed = confirmedOf(data.lines[i]);
      if (confirmed <= 0) continue;
      // Money keeps the year it was assigned: year N's own money becomes vintage N.
      const vintage = Math.min(data.lines[i].vintage, year);
      lines.push({ ...cellLine(copy.lines[i], orderIn(first.nodeId), vintage), label: copy.lines[i].label, plan: confirmed, carryEligible: false });
    }
    const fresh: Line = { ...cellLine(first, orderIn(first.nodeId), year + 1), label: first.label };
    // The cell keeps its rule link, so applying the (copied) rule fills this line instead of adding one.
    const linked = members.map((i) => copy.lines[i].allocation).find((a) => a && ruleIds.has(a.ruleId) && !usedLinks.has(linkKey(a)));
    if (linked) {
      usedLinks.add(linkKey(linked));
      fresh.allocation = { ...linked };
    }
    lines.push(fresh);
  }

  const wb = copy.workbook;
  const projection = structuredClone(projectionOf(wb));
  projection.lastYearMonths = monthsOfYear(data.lines);
  const workbook = {
    ...wb,
    year: year + 1,
    settings: { ...wb.settings, asOf: null, projection },
    // Stated figures are what a document said about year N; an entry already made for a later year stays.
    stated: wb.stated.filter((s) => s.year > year),
    counterpart: ratiosForNextYear(wb.counterpart, year),
  };
  // The note describes where year N's figures come from; it does not hold for the draft.
  delete workbook.note;
  return ok({
    ...copy,
    workbook,
    nodes: copy.nodes.map(({ stated: _stated, ...n }) => n),
    lines,
    // Rules move to year N+1 with their envelopes kept as a starting point: next year's envelope
    // is not known when the draft is made, and the user edits it before applying the rule.
    rules: copy.rules!.map((r) => ({ ...r, year: year + 1 })),
  });
}

/**
 * Line changes that confirm each line's projected carry-over (`lineCarry[i]` belongs to `lines[i]`,
 * as in the roll-up): a positive projection becomes the confirmed amount, none clears it. Only
 * lines the user has not confirmed change unless `onlyUnconfirmed` is false; unchanged lines are
 * left out, so an empty list means there is nothing to confirm.
 */
export function confirmProjectedCarry(lines: readonly Line[], lineCarry: ArrayLike<number>, onlyUnconfirmed = true): RecordChange<Line>[] {
  const out: RecordChange<Line>[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const current = line.carryConfirmed ?? null;
    if (onlyUnconfirmed && current !== null) continue;
    const projected = lineCarry[i] > 0 ? lineCarry[i] : null;
    const after = setLineField(line, 'carryConfirmed', projected);
    if (after !== line) out.push({ before: line, after });
  }
  return out;
}

/**
 * The name of year `year`'s draft of a workbook: year − 1 in the name becomes `year`
 * ("Cao Lộc 2023" → "Cao Lộc 2024"); a name without it gets "Dự thảo kế hoạch {year} — {name}".
 */
export function nextYearName(name: string, year: number): string {
  const previous = new RegExp(`(^|\\D)${year - 1}(?!\\d)`);
  return previous.test(name) ? name.replace(previous, `$1${year}`) : `Dự thảo kế hoạch ${year} — ${name}`;
}

/**
 * What each line has left at most to carry over: its plan less its share of the disbursement of
 * its budget cell, drawn oldest vintage first as the roll-up draws (lines of one vintage in their
 * display order: by order, then id; the last line takes any excess). For a line alone in its cell
 * this is plan − disbursed; so the carry-over the roll-up projects never exceeds it.
 */
export function leftByLine(lines: readonly Line[]): Map<Id, number> {
  const left = new Map<Id, number>();
  for (const members of cellsOf(lines)) {
    const fifo = [...members].sort((a, b) => lines[a].vintage - lines[b].vintage || lines[a].order - lines[b].order || lines[a].id.localeCompare(lines[b].id));
    let rest = 0;
    for (const i of fifo) rest += lines[i].disbursed;
    fifo.forEach((i, k) => {
      const drawn = k === fifo.length - 1 ? rest : Math.min(Math.max(lines[i].plan, 0), rest);
      rest -= drawn;
      left.set(lines[i].id, lines[i].plan - drawn);
    });
  }
  return left;
}

function confirmedOf(line: Line): number {
  return line.carryConfirmed ?? 0;
}

/** Indices of the lines of each budget cell; cells and their lines in line order (then position). */
function cellsOf(lines: readonly Line[]): number[][] {
  const byOrder = lines.map((_, i) => i).sort((a, b) => lines[a].order - lines[b].order || a - b);
  const cells = new Map<string, number[]>();
  for (const i of byOrder) {
    const l = lines[i];
    const key = [l.nodeId, l.unit, l.placeId ?? '', l.source, l.capital].join('\u0000');
    const members = cells.get(key);
    if (members) members.push(i);
    else cells.set(key, [i]);
  }
  return [...cells.values()];
}

/** An empty line of a budget cell: the cell's node, unit, place, source and capital type. */
function cellLine(cell: Line, order: number, vintage: number): Line {
  return { ...blankLine(newId(), cell.nodeId, order, vintage), unit: cell.unit, placeId: cell.placeId, source: cell.source, capital: cell.capital };
}

const linkKey = (a: NonNullable<Line['allocation']>) => `${a.ruleId}\u0000${a.key}`;

/** Year N's disbursement by month (January to December) summed over all lines; null when no line reports months. */
function monthsOfYear(lines: readonly Line[]): number[] | null {
  let known = false;
  const sum = new Array<number>(12).fill(0);
  for (const l of lines) {
    if (!l.months) continue;
    known = true;
    for (let m = 0; m < 12; m++) sum[m] += l.months[m] ?? 0;
  }
  return known ? sum : null;
}

/**
 * Every ratio kept; where year N+1 has none for a capital type, year N's is copied to it as a
 * starting point (the required ratio is set by year, and next year's is seldom known yet).
 */
function ratiosForNextYear(ratios: CounterpartRatio[] | undefined, year: number): CounterpartRatio[] {
  const out = [...(ratios ?? [])];
  for (const capital of CAPITAL_TYPES) {
    const current = out.find((r) => r.year === year && r.capital === capital);
    if (current && !out.some((r) => r.year === year + 1 && r.capital === capital)) out.push({ ...current, year: year + 1 });
  }
  return out;
}

/** Problem params naming a line: its node's code and its label (or its unit when it has none). */
function describeLine(line: Line, nodeById: ReadonlyMap<Id, TreeNode>, confirmed: number, left: number) {
  return { code: nodeById.get(line.nodeId)?.code ?? '', label: line.label || line.unit || '—', confirmed, left };
}

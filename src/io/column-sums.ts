// The file checks its own columns: a column equal, row by row, to the sum of the columns beside it
// that split the same money (by source, capital type, year, item or place) is their stated total;
// a column equal to the sum of other columns meaning the same (quarters beside "Lũy kế") is the one
// read and they are left out; of two columns meaning the same (a superseded plan beside the one in
// force), the one under which the file's own totals add up is read, else the visible one; a column
// headed as a source whose cells name capital types ("Nguồn vốn": ĐTPT, SN) holds capital types.
// Every such choice is said. Pure.

import type { ColumnRole } from './column-map';
import { duplicateKey } from './column-map';
import { parseCapital, parseSource } from '../domain/cell-input';
import type { ImportProblem } from './import-types';
import type { ProblemCode } from '../domain/messages';
import { fileProblem } from './import-types';

export interface ColumnEvidence {
  sheet: string;
  headers: readonly string[];
  /** Body rows that hold items or lines (table.rows indexes), not totals. */
  rows: readonly number[];
  /** A cell as an amount in đồng under the number formats the file shows, or null. */
  amount: (i: number, c: number) => number | null;
  /** A cell as text. */
  text: (i: number, c: number) => string;
  /** How many of the file's own sums a column reproduces (subtotal rows and total rows). */
  sumsMatched: (c: number) => number;
  hidden: ReadonlySet<number>;
}

/** Whether `part` splits the money of `whole` further: it names a source, capital type, item,
 * place, year or carry that `whole` leaves open, and contradicts none that `whole` names. */
function splitsFurther(part: ColumnRole, whole: ColumnRole): boolean {
  const keys = ['source', 'capital', 'item', 'place', 'vintage'] as const;
  let further = !!part.carriedIn && !whole.carriedIn;
  for (const k of keys) {
    if (whole[k] !== undefined && part[k] !== whole[k]) return false;
    if (whole[k] === undefined && part[k] !== undefined) further = true;
  }
  return further;
}

/** The roles, settled by the file's own arithmetic and cells, and what was decided. */
export function settleColumns(roles: readonly ColumnRole[], ev: ColumnEvidence): { roles: ColumnRole[]; notes: ImportProblem[] } {
  const out = roles.map((r) => ({ ...r }));
  const notes: ImportProblem[] = [];
  const label = (c: number) => `"${ev.headers[c] || `#${c + 1}`}"`;
  const note = (code: ProblemCode, params: Record<string, string | number>, col: number) => notes.push(fileProblem({ code, params }, 'warning', ev.sheet, col));

  settleSourceColumns(out, ev, note, label);
  for (const measure of ['plan', 'disbursed'] as const) {
    const stated = measure === 'plan' ? 'statedPlan' : 'statedDisbursed';
    const cols = out.flatMap((r, c) => (r.field === measure || r.field === stated ? [c] : []));
    if (cols.length < 2) continue;
    // A column equal to the sum of the columns splitting its money further is their total.
    for (const c of cols) {
      const parts = cols.filter((o) => o !== c && out[o].field === measure && splitsFurther(out[o], out[c]));
      if (parts.length < 2) continue;
      const sums = sumsRowByRow(ev, c, parts);
      if (sums === 'equal' && out[c].field !== stated) {
        out[c] = { ...out[c], field: stated };
        note('import.column-is-total', { column: label(c), parts: parts.map(label).join(' + ') }, c);
      } else if (sums === 'never' && out[c].field === stated && !out[c].item) {
        // Headed as a total, but never the sum of the columns beside it: money of its own.
        out[c] = { ...out[c], field: measure };
        note('import.column-not-total', { column: label(c), parts: parts.map(label).join(' + ') }, c);
      }
    }
    // Columns meaning the same money: one is read.
    const groups = new Map<string, number[]>();
    for (const c of cols) {
      if (out[c].field !== measure) continue;
      const key = duplicateKey(out[c]);
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    for (const same of groups.values()) if (same.length > 1) chooseAmong(same, out, ev, note, label);
  }
  return { roles: out, notes };
}

/** Whether a column equals the sum of others on every row where any of them holds a value
 * ('equal', at least two such rows), on none of them ('never'), or on some. */
function sumsRowByRow(ev: ColumnEvidence, c: number, parts: readonly number[]): 'equal' | 'never' | 'some' {
  let rows = 0;
  let equal = 0;
  for (const i of ev.rows) {
    const total = ev.amount(i, c);
    let sum: number | null = null;
    for (const p of parts) {
      const v = ev.amount(i, p);
      if (v !== null) sum = (sum ?? 0) + v;
    }
    if (total === null && sum === null) continue;
    rows++;
    if ((total ?? 0) === (sum ?? 0)) equal++;
  }
  if (rows >= 2 && equal === rows) return 'equal';
  return equal === 0 && rows >= 2 ? 'never' : 'some';
}

const MAX_ALIKE = 24;

/** Of columns meaning the same money: the one equal to the sum of the others (a cumulative figure
 * beside its periods), else the one under which most of the file's own sums hold, else a visible
 * one, else the first. The others are not read, and the choice is said. */
function chooseAmong(
  same: readonly number[],
  out: ColumnRole[],
  ev: ColumnEvidence,
  note: (code: ProblemCode, params: Record<string, string | number>, col: number) => void,
  label: (c: number) => string,
): void {
  // Periods beside their cumulative figure are a handful of columns: a sheet of thousands alike is not.
  const cumulative =
    same.length <= MAX_ALIKE
      ? same.find(
          (c) =>
            sumsRowByRow(
              ev,
              c,
              same.filter((o) => o !== c),
            ) === 'equal',
        )
      : undefined;
  let chosen = cumulative;
  let why: ProblemCode = 'import.column-chosen-cumulative';
  if (chosen === undefined) {
    const scores = same.map((c, k) => (k < MAX_ALIKE ? ev.sumsMatched(c) : 0));
    const best = Math.max(...scores);
    const top = same.filter((_, k) => scores[k] === best);
    const visible = top.filter((c) => !ev.hidden.has(c));
    chosen = (visible.length ? visible : top)[0];
    why =
      top.length === 1 && same.length > 1 && best > 0
        ? 'import.column-chosen-totals'
        : visible.length < top.length
          ? 'import.column-chosen-visible'
          : 'import.column-chosen-first';
  }
  for (const c of same) if (c !== chosen) out[c] = { field: 'ignore' };
  note(
    why,
    {
      column: label(chosen),
      others: same
        .filter((c) => c !== chosen)
        .map(label)
        .join(', '),
    },
    chosen,
  );
}

/** A column headed as a source whose cells name capital types holds capital types, and the other
 * way round ("Nguồn vốn": ĐTPT, SN). */
function settleSourceColumns(
  out: ColumnRole[],
  ev: ColumnEvidence,
  note: (code: ProblemCode, params: Record<string, string | number>, col: number) => void,
  label: (c: number) => string,
): void {
  out.forEach((role, c) => {
    if (role.field !== 'source' && role.field !== 'capital') return;
    let sources = 0;
    let capitals = 0;
    // A column repeats a few words: each is read once.
    const seen = new Map<string, 'source' | 'capital' | null>();
    for (const i of ev.rows) {
      const t = ev.text(i, c);
      if (!t) continue;
      let kind = seen.get(t);
      if (kind === undefined) seen.set(t, (kind = parseSource(t).ok ? 'source' : parseCapital(t).ok ? 'capital' : null));
      if (kind === 'source') sources++;
      else if (kind === 'capital') capitals++;
    }
    const other = role.field === 'source' ? 'capital' : 'source';
    const [mine, theirs] = role.field === 'source' ? [sources, capitals] : [capitals, sources];
    if (theirs > 0 && mine === 0 && !out.some((r) => r.field === other)) {
      out[c] = { field: other };
      note('import.column-holds-other', { column: label(c), field: other === 'capital' ? 'loại vốn / capital type' : 'nguồn vốn / source' }, c);
    }
  });
}

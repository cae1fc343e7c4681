// The file's own structure of a table's body: the row each row belongs under. It comes from the
// STT numbering (I, 1, 1.1, a, -), from the names of the program's projects and sub-projects in a
// table without numbering, from rows that break the row above down ("- Vốn ĐTPT", "+ NSTW",
// "- Vốn năm 2023 chuyển sang"), from a table listing lines under coded items (the app's own
// export), and from the file's own arithmetic: a row whose amounts equal the sum of the rows after
// it (or before it) is their subtotal, whatever its label or numbering says. What each row then
// means for the workbook (an item, a place, a section, a line) is decided elsewhere
// (import-place.ts); here only the shape. Pure, no recursion over the file's depth.

import { foldForMatch, normalizeText } from '../domain/text';
import type { DetectedTable } from './table-detect';
import type { BreakdownSplit } from './row-words';
import { BREAKDOWN_CAPTION, BULLET_STYLES, breakdownOf, isMemo, programLevel } from './row-words';

export type { BreakdownSplit } from './row-words';
export { breakdownOf, programLevel };

/** What a body row is in the file's shape. item: a row of its own (an item, a place, a work…);
 * listed: a line listed under the coded row above (the app's own export); breakdown: part of the
 * row above by source, capital type or year; caption: "Trong đó:" alone; memo: "Trong đó: thu hồi
 * vốn ứng trước", a part the row above already counts, for information; repeat: another line of
 * the row above (no number, no name of its own); total: a "Tổng cộng" or "Cộng" row. */
export type RowRole = 'item' | 'listed' | 'breakdown' | 'caption' | 'memo' | 'repeat' | 'total' | 'blank';

/** How a row's parent was found. */
export type ParentBy = 'none' | 'numbering' | 'name' | 'sum' | 'listed' | 'breakdown';

export interface RowTree {
  /** Per table.rows index. */
  role: RowRole[];
  /** The table.rows index of the row each row belongs under; -1 for none. */
  parent: Int32Array;
  by: ParentBy[];
  /** Breakdown rows: the split their name states. */
  split: Map<number, BreakdownSplit>;
  /** Repeat rows: the row they add a line to. */
  repeatOf: Map<number, number>;
  /** Rows found to be subtotals by their sums alone (table.rows indexes), in order. */
  bySums: number[];
}

/** What the structure reader needs of each row's cells and of the workbook. */
export interface RowTexts {
  code(i: number): string;
  name(i: number): string;
  /** The name names one of the workbook's items (by code or name). */
  namesItem(name: string): boolean;
  /** The table lists lines under coded items (a code column and no STT). */
  listsLines: boolean;
  /** The table has an STT column. */
  numbered: boolean;
  /** The table has a code column. */
  coded: boolean;
  /** For a name that names a place: 0 a province, 1 a district, 2 a commune; else null. */
  placeRank?: (name: string) => number | null;
}

/**
 * "Cộng huyện Bình Gia" closes the rows since the row "Huyện Bình Gia": when that row is a sibling
 * of the rows after it (an unnumbered heading over numbered items), they are put under it. The
 * nearest such heading since the last total is taken.
 */
function closeNamedGroups(table: DetectedTable, texts: RowTexts, role: RowRole[], parent: Int32Array, by: ParentBy[]): void {
  let lastTotal = -1;
  for (let i = 0; i < table.rows.length; i++) {
    if (role[i] !== 'total') continue;
    const label = foldForMatch(table.rows[i].label ?? '');
    const named = label.replace(/^(?:cộng|subtotal)\s*:?\s*/u, '');
    const from = lastTotal;
    lastTotal = i;
    if (!named || named === label) continue;
    let h = i - 1;
    for (; h > from; h--) {
      if (role[h] !== 'item') continue;
      const name = foldForMatch(texts.name(h));
      if (name === named || (name.startsWith(named) && /^\s*[:(,\-–]/u.test(name.slice(named.length)))) break;
    }
    if (h <= from) continue;
    for (let j = h + 1; j < i; j++) {
      if (parent[j] !== parent[h] || role[j] === 'blank' || role[j] === 'total') continue;
      parent[j] = h;
      by[j] = 'name';
    }
  }
}

/**
 * The file's shape from numbering, names, breakdown rows and listed lines (no arithmetic yet).
 * A row without numbering in a numbered table is another line of the row above when it repeats
 * its name or has none, else a detail one level below the last numbered row. In a table with
 * neither STT nor codes, projects and sub-projects named so give the levels and the rows after a
 * project or sub-project are its details.
 */
export function readRowTree(table: DetectedTable, texts: RowTexts): RowTree {
  const n = table.rows.length;
  const role: RowRole[] = new Array(n);
  const parent = new Int32Array(n).fill(-1);
  const by: ParentBy[] = new Array(n).fill('none');
  const split = new Map<number, BreakdownSplit>();
  const repeatOf = new Map<number, number>();
  const stack: { depth: number; i: number }[] = [];
  let prev = -1;
  let prevName = '';
  let lastNumberedDepth = -1;
  let lastCoded = -1;
  /** The last item row that was not a breakdown: what a breakdown row splits. */
  let head = -1;
  const byNames = !texts.numbered && !texts.coded;
  let lastNamed = -1;
  const codeStack: { code: string; i: number }[] = [];
  let project = -1;

  for (let i = 0; i < n; i++) {
    const tr = table.rows[i];
    if (tr.kind === 'blank') {
      role[i] = 'blank';
      continue;
    }
    if (tr.kind === 'total') {
      role[i] = 'total';
      head = -1;
      // What follows a total is no detail of the row before it.
      prev = -1;
      continue;
    }
    const code = texts.code(i);
    const name = texts.name(i);
    if (texts.listsLines && !code && lastCoded >= 0 && !(name && texts.namesItem(name))) {
      role[i] = 'listed';
      parent[i] = lastCoded;
      by[i] = 'listed';
      head = -1;
      continue;
    }
    if (!code && BREAKDOWN_CAPTION.test(normalizeText(name))) {
      role[i] = 'caption';
      continue;
    }
    if (!code && head >= 0 && isMemo(name)) {
      role[i] = 'memo';
      continue;
    }
    const parts = !code && name && head >= 0 && (tr.style === null || BULLET_STYLES.has(tr.style) || numberedBreakdown(i, head)) ? breakdownOf(name) : null;
    if (parts) {
      role[i] = 'breakdown';
      parent[i] = head;
      by[i] = 'breakdown';
      split.set(i, parts);
      continue;
    }
    let depth: number | null = tr.level;
    let how: ParentBy = 'numbering';
    if (depth === null && texts.numbered && prev >= 0) {
      if (!code && (!name || foldForMatch(name) === foldForMatch(prevName))) {
        role[i] = 'repeat';
        repeatOf.set(i, prev);
        parent[i] = parent[prev];
        by[i] = by[prev];
        continue;
      }
      depth = lastNumberedDepth + 1;
    } else if (depth === null && texts.numbered) depth = 0;
    else if (depth === null && !texts.numbered && code) {
      // Codes without STT give the levels: DA3.TDA1 lies under the DA3 row before it.
      const key = code.toUpperCase();
      while (codeStack.length && !key.startsWith(`${codeStack[codeStack.length - 1].code}.`)) codeStack.pop();
      const top = codeStack[codeStack.length - 1];
      if (top) {
        parent[i] = top.i;
        by[i] = 'numbering';
      }
      codeStack.push({ code: key, i });
    } else if (depth === null && byNames) {
      // Projects, sub-projects and places (a district over its communes) give the levels; any
      // other row is a detail of the last of them.
      const level = programLevel(name);
      const rank = level === null ? (texts.placeRank?.(name) ?? null) : null;
      how = 'name';
      if (level === 0) depth = 0;
      else if (level === 1) depth = project >= 0 ? 1 : 0;
      else if (rank !== null) depth = 2 + rank;
      else if (lastNamed >= 0) depth = lastNamed + 1;
      if (level !== null || rank !== null) lastNamed = depth!;
      if (level === 0) project = i;
    }
    if (tr.level !== null) lastNumberedDepth = tr.level;
    role[i] = 'item';
    if (depth !== null) {
      while (stack.length && stack[stack.length - 1].depth >= depth) stack.pop();
      const top = stack[stack.length - 1];
      if (top) {
        parent[i] = top.i;
        by[i] = how;
      }
      stack.push({ depth, i });
    }
    prev = i;
    prevName = name;
    head = i;
    if (code) lastCoded = i;
  }
  closeNamedGroups(table, texts, role, parent, by);
  return { role, parent, by, split, repeatOf, bySums: [] };

  /** A numbered row one level below the item before it ("2. Dự án 4" / "a) Vốn ĐTPT") with nothing
   * numbered under it, under an item that is not itself a split ("A. Vốn ĐTPT" / "I. NSTW" is a
   * section over sections): a breakdown when its name is a split. */
  function numberedBreakdown(i: number, over: number): boolean {
    const level = table.rows[i].level;
    const headLevel = table.rows[over].level;
    if (level === null || headLevel === null || level <= headLevel || breakdownOf(texts.name(over))) return false;
    for (let j = i + 1; j < n; j++) {
      const next = table.rows[j];
      if (next.kind === 'blank') continue;
      return next.kind !== 'item' || next.level === null || next.level <= level;
    }
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Sums

/** The rows under each row, in row order (compressed: children of i are kids[from[i] … from[i+1])). */
export interface Children {
  from: Int32Array;
  kids: Int32Array;
}

/** The children of every row (and of the root, at index n). */
export function childrenOf(tree: Pick<RowTree, 'parent' | 'role'>): Children {
  const n = tree.parent.length;
  const count = new Int32Array(n + 2);
  const counted = (i: number) => tree.role[i] !== 'blank' && tree.role[i] !== 'total' && tree.role[i] !== 'caption' && tree.role[i] !== 'memo';
  for (let i = 0; i < n; i++) if (counted(i)) count[(tree.parent[i] < 0 ? n : tree.parent[i]) + 1]++;
  for (let i = 0; i <= n; i++) count[i + 1] += count[i];
  const kids = new Int32Array(count[n + 1]);
  const at = count.slice(0, n + 1);
  for (let i = 0; i < n; i++) if (counted(i)) kids[at[tree.parent[i] < 0 ? n : tree.parent[i]]++] = i;
  return { from: count.subarray(0, n + 2), kids };
}

/** Rows ordered so that every row comes after all rows under it (deepest first). */
export function bottomUp(parent: Int32Array): Int32Array {
  const n = parent.length;
  const depth = new Int32Array(n).fill(-1);
  let maxDepth = 0;
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    let at = i;
    while (at >= 0 && depth[at] < 0 && path.length <= n) {
      path.push(at);
      at = parent[at];
    }
    let d = at >= 0 ? depth[at] : -1;
    while (path.length) {
      d++;
      depth[path.pop()!] = d;
    }
    if (d > maxDepth) maxDepth = d;
  }
  // Counting sort by depth, deepest first.
  const count = new Int32Array(maxDepth + 2);
  for (let i = 0; i < n; i++) count[maxDepth - depth[i] + 1]++;
  for (let d = 0; d <= maxDepth; d++) count[d + 1] += count[d];
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[count[maxDepth - depth[i]]++] = i;
  return out;
}

/** One amount per row of one column (null: blank), and how many of the file's own sums it
 * reproduces under the tree: rows over rows with amounts (each equal to the sum of what is under
 * it, a row without an amount counting as the sum of its own) and the table's total rows. */
export function sumsReproduced(
  tree: Pick<RowTree, 'parent' | 'role'>,
  kids: Children,
  value: (i: number) => number | null,
  totalRows: readonly number[],
): { checked: number; matched: number; totalsChecked: number; totalsMatched: number } {
  const n = tree.parent.length;
  const rolled = new Float64Array(n).fill(NaN);
  let checked = 0;
  let matched = 0;
  for (const i of bottomUp(tree.parent)) {
    if (tree.role[i] === 'total' || tree.role[i] === 'blank' || tree.role[i] === 'caption' || tree.role[i] === 'memo') continue;
    let sum = NaN;
    for (let k = kids.from[i]; k < kids.from[i + 1]; k++) {
      const v = rolled[kids.kids[k]];
      if (!Number.isNaN(v)) sum = (Number.isNaN(sum) ? 0 : sum) + v;
    }
    const own = value(i);
    if (own !== null && !Number.isNaN(sum)) {
      checked++;
      if (own === sum) matched++;
    }
    rolled[i] = own ?? sum;
  }
  let totalsChecked = 0;
  let totalsMatched = 0;
  if (totalRows.length) {
    let all = NaN;
    for (let k = kids.from[n]; k < kids.from[n + 1]; k++) {
      const v = rolled[kids.kids[k]];
      if (!Number.isNaN(v)) all = (Number.isNaN(all) ? 0 : all) + v;
    }
    for (const t of totalRows) {
      const v = value(t);
      if (v === null || Number.isNaN(all)) continue;
      totalsChecked++;
      if (v === all) totalsMatched++;
    }
  }
  return { checked: checked + totalsChecked, matched: matched + totalsMatched, totalsChecked, totalsMatched };
}

// ---------------------------------------------------------------------------------------------
// Subtotals found by their sums

/** The longest run of rows one subtotal may sum. */
const MAX_RUN = 100_000;
/** Rows a run is searched over when the file holds negative amounts (no binary search then). */
const NEGATIVE_WINDOW = 256;
const MAX_PASSES = 8;

/**
 * Rows whose amounts (every column of `vectors`, blank = 0, at least one not 0) equal the sum of a
 * run of at least two rows with money right after them (or, failing that, right before them)
 * among their siblings become those rows' parent. The innermost subtotals are found first, so a
 * district over its communes is found before the province over its districts. A row that already
 * has rows under it is never given more. Returns the rows made subtotals, in order.
 */
export function findSubtotalsBySums(
  tree: RowTree,
  kids: Children,
  vectors: readonly (Float64Array | null)[],
  width: number,
  accept: (head: number, run: readonly number[]) => boolean = () => true,
): number[] {
  if (width === 0) return [];
  const n = tree.parent.length;
  const found: number[] = [];
  const hasKids = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (kids.from[i + 1] > kids.from[i]) hasKids[i] = 1;
  for (let p = 0; p <= n; p++) {
    const units: number[] = [];
    for (let k = kids.from[p]; k < kids.from[p + 1]; k++) {
      const i = kids.kids[k];
      if (tree.role[i] === 'item' || tree.role[i] === 'repeat') units.push(i);
    }
    if (units.length < 3) continue;
    for (const forward of [true, false]) {
      for (let pass = 0; pass < MAX_PASSES && units.length >= 3; pass++) {
        const runs = runsBySums(units, vectors, width, forward, (i) => !hasKids[i] && tree.role[i] === 'item').filter((r) =>
          accept(units[r.at], units.slice(r.from, r.to + 1)),
        );
        if (runs.length === 0) break;
        const drop = new Set<number>();
        for (const { at, from, to } of runs) {
          const head = units[at];
          for (let q = from; q <= to; q++) {
            tree.parent[units[q]] = head;
            tree.by[units[q]] = 'sum';
            drop.add(q);
          }
          hasKids[head] = 1;
          found.push(head);
        }
        let w = 0;
        for (let q = 0; q < units.length; q++) if (!drop.has(q)) units[w++] = units[q];
        units.length = w;
      }
    }
  }
  return found.sort((a, b) => a - b);
}

/** Disjoint runs (indexes into `units`) each summing to the unit at `at`, shortest first. */
function runsBySums(
  units: readonly number[],
  vectors: readonly (Float64Array | null)[],
  width: number,
  forward: boolean,
  canHead: (i: number) => boolean,
): { at: number; from: number; to: number }[] {
  const m = units.length;
  // Prefix sums per column; blank and missing rows count 0.
  const prefix = new Float64Array((m + 1) * width);
  let negative = false;
  for (let q = 0; q < m; q++) {
    const v = vectors[units[q]];
    for (let c = 0; c < width; c++) {
      const x = v ? v[c] : 0;
      if (x < 0) negative = true;
      prefix[(q + 1) * width + c] = prefix[q * width + c] + x;
    }
  }
  const sumOf = (a: number, b: number, c: number) => prefix[b * width + c] - prefix[a * width + c]; // units a … b-1
  const nonZero = (q: number) => {
    const v = vectors[units[q]];
    if (!v) return false;
    for (let c = 0; c < width; c++) if (v[c] !== 0) return true;
    return false;
  };
  const candidates: { at: number; from: number; to: number }[] = [];
  for (let at = 0; at < m; at++) {
    const target = vectors[units[at]];
    if (!target || !canHead(units[at]) || !nonZero(at)) continue;
    const key = target.findIndex((x) => x !== 0);
    // The run is units [a, b): after the head (forward) or before it.
    const equalAt = (len: number): boolean => {
      const [a, b] = forward ? [at + 1, at + 1 + len] : [at - len, at];
      for (let c = 0; c < width; c++) if (sumOf(a, b, c) !== target[c]) return false;
      return true;
    };
    const room = forward ? m - at - 1 : at;
    const most = Math.min(room, negative ? NEGATIVE_WINDOW : MAX_RUN);
    if (most < 2) continue;
    let len = 1;
    if (!negative) {
      // Sums only grow with the run's length: find where the key column reaches its target.
      let lo = 1;
      let hi = most;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const [a, b] = forward ? [at + 1, at + 1 + mid] : [at - mid, at];
        if (sumOf(a, b, key) < target[key]) lo = mid + 1;
        else hi = mid;
      }
      len = lo;
    }
    for (; len <= most; len++) {
      const [a, b] = forward ? [at + 1, at + 1 + len] : [at - len, at];
      if (!negative && sumOf(a, b, key) > target[key]) break;
      if (!equalAt(len)) continue;
      let withMoney = 0;
      for (let q = a; q < b && withMoney < 2; q++) if (nonZero(q)) withMoney++;
      // Check with exact sums: prefix sums past 2^53 may round.
      if (withMoney >= 2 && exactlyEqual(units, vectors, a, b, target, width)) candidates.push({ at, from: a, to: b - 1 });
      break;
    }
  }
  candidates.sort((x, y) => x.to - x.from - (y.to - y.from));
  const taken = new Uint8Array(m);
  const out: { at: number; from: number; to: number }[] = [];
  for (const c of candidates) {
    const lo = Math.min(c.at, c.from);
    const hi = Math.max(c.at, c.to);
    let free = true;
    for (let q = lo; q <= hi && free; q++) if (taken[q]) free = false;
    if (!free) continue;
    for (let q = lo; q <= hi; q++) taken[q] = 1;
    out.push(c);
  }
  return out;
}

function exactlyEqual(units: readonly number[], vectors: readonly (Float64Array | null)[], a: number, b: number, target: Float64Array, width: number): boolean {
  for (let c = 0; c < width; c++) {
    let s = 0n;
    for (let q = a; q < b; q++) {
      const v = vectors[units[q]];
      if (v && v[c] !== 0) s += BigInt(v[c]);
    }
    if (s !== BigInt(target[c])) return false;
  }
  return true;
}

/**
 * Details placed under a project or sub-project by name alone (a table without numbering) that do
 * not add up to it in any column where they hold money are not its details: they go back beside
 * it ("II. Cấp huyện" after "Dự án 7" is no detail of Dự án 7).
 */
export function releaseDetailsThatDoNotAddUp(
  tree: RowTree,
  kids: Children,
  vectors: readonly (Float64Array | null)[],
  width: number,
  isProgram: (i: number) => boolean,
): void {
  const n = tree.parent.length;
  for (let h = 0; h < n; h++) {
    const v = vectors[h];
    if (!v || !v.some((x) => x !== 0)) continue;
    const details: number[] = [];
    for (let k = kids.from[h]; k < kids.from[h + 1]; k++) {
      const i = kids.kids[k];
      if (tree.by[i] === 'name' && !isProgram(i)) details.push(i);
    }
    if (details.length === 0) continue;
    let agree = false;
    let held = false;
    for (let c = 0; c < width && !agree; c++) {
      let s = 0;
      let money = false;
      for (let k = kids.from[h]; k < kids.from[h + 1]; k++) {
        const x = vectors[kids.kids[k]]?.[c] ?? 0;
        if (x !== 0) money = true;
        s += x;
      }
      if (money) {
        held = true;
        if (s === v[c]) agree = true;
      }
    }
    if (!held || agree) continue;
    for (const i of details) {
      tree.parent[i] = tree.parent[h];
      tree.by[i] = 'none';
    }
  }
}

/** Rows in the file's order with each row before the rows under it (depth-first from the top),
 * so a subtotal found below its parts still comes before them. */
export function topDown(kids: Children, n: number): Int32Array {
  const out = new Int32Array(kids.kids.length);
  let w = 0;
  const stack: number[] = [];
  for (let k = kids.from[n + 1] - 1; k >= kids.from[n]; k--) stack.push(kids.kids[k]);
  while (stack.length) {
    const i = stack.pop()!;
    out[w++] = i;
    for (let k = kids.from[i + 1] - 1; k >= kids.from[i]; k--) stack.push(kids.kids[k]);
  }
  return out.subarray(0, w);
}

/** The outermost row above a row (itself when it has none). */
export function rootOf(parent: Int32Array, i: number): number {
  let at = i;
  for (let guard = 0; parent[at] >= 0 && guard < parent.length; guard++) at = parent[at];
  return at;
}

// Find and replace in the plan (Ctrl+F): codes and names of the tree's items, descriptions and
// implementing units of lines, in the grid's order, collapsed items included. Case-insensitive, as
// typed otherwise (Vietnamese marks count: "xa" does not find "xã"). Replacing touches only text
// (names, descriptions, units), never codes or amounts; each replacement is one undo step.

import type { Line, TreeNode } from '../../domain/model';
import type { AnyField } from '../../domain/edit';
import type { CellInput, RowTarget, WorkbookSession } from '../../state/session.svelte';
import { buildRows, rowNode } from '../../state/rows';

/** Where a match is: a row code (see state/rows) and a grid column key. */
export interface FindHit {
  code: number;
  key: FindKey;
}

export type FindKey = 'code' | 'name' | 'unit';

const NODE_KEYS: readonly FindKey[] = ['code', 'name'];
const LINE_KEYS: readonly FindKey[] = ['name', 'unit'];

/** Every row of the plan in the grid's order, as if nothing were collapsed (kept per structure). */
const allRowsOf = new WeakMap<Int32Array, Int32Array>();
function allRows(s: WorkbookSession): Int32Array {
  let rows = allRowsOf.get(s.lineNode);
  if (!rows) allRowsOf.set(s.lineNode, (rows = buildRows(s.tree, s.lineNode, new Set()).slice(0, -1)));
  return rows;
}

/** Lower-cased texts of a record (records are replaced on every edit, so this never goes stale). */
const lowered = new WeakMap<Line | TreeNode, string[]>();
function textsOf(s: WorkbookSession, code: number): string[] {
  const rec = code >= 0 ? s.lines[code] : s.tree.nodes[rowNode(code)];
  let out = lowered.get(rec);
  if (!out) {
    const raw = code >= 0 ? [(rec as Line).label, (rec as Line).unit] : [(rec as TreeNode).code, (rec as TreeNode).name];
    lowered.set(rec, (out = raw.map((x) => x.normalize('NFC').toLocaleLowerCase('vi'))));
  }
  return out;
}

const keysOf = (code: number): readonly FindKey[] => (code >= 0 ? LINE_KEYS : NODE_KEYS);

function normalQuery(query: string): string {
  return query.normalize('NFC').toLocaleLowerCase('vi');
}

/**
 * The next match after (or before, dir -1) a cell, wrapping round the plan; from the start (or
 * the end) when no cell is given. Null when nothing matches.
 */
export function findNext(s: WorkbookSession, query: string, from: FindHit | null, dir: 1 | -1): FindHit | null {
  const q = normalQuery(query);
  if (!q) return null;
  const rows = allRows(s);
  const n = rows.length;
  if (!n) return null;
  let p = from ? rows.indexOf(from.code) : -1;
  // The fields to look at first: after (or before) the current one in its own row.
  let k = from && p >= 0 ? keysOf(from.code).indexOf(from.key) : -1;
  if (p < 0) {
    p = dir === 1 ? 0 : n - 1;
    k = dir === 1 ? -1 : keysOf(rows[p]).length;
  }
  for (let step = 0; step <= n; step++) {
    const code = rows[p];
    const keys = keysOf(code);
    const texts = textsOf(s, code);
    for (let j = k + dir; j >= 0 && j < keys.length; j += dir) if (texts[j].includes(q)) return { code, key: keys[j] };
    p = (p + dir + n) % n;
    k = dir === 1 ? -1 : keysOf(rows[p]).length;
  }
  return null;
}

/** How many cells match. */
export function countMatches(s: WorkbookSession, query: string): number {
  const q = normalQuery(query);
  if (!q) return 0;
  let count = 0;
  for (const code of allRows(s)) for (const text of textsOf(s, code)) if (text.includes(q)) count++;
  return count;
}

/** The field an edit of a found cell sets. */
export function fieldOfHit(hit: FindHit): AnyField {
  if (hit.key === 'name') return hit.code >= 0 ? 'label' : 'name';
  return hit.key;
}

export function targetOfHit(s: WorkbookSession, hit: FindHit): RowTarget {
  return s.targetOfRow(hit.code);
}

/** Every occurrence of `query` in `text`, case-insensitively, replaced by `by`. */
export function replaceIn(text: string, query: string, by: string): string {
  const escaped = query.normalize('NFC').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.normalize('NFC').replace(new RegExp(escaped, 'giu'), () => by);
}

/** The inputs that replace `query` by `by` in one found cell, or in every text cell (codes never). */
export function replaceInputs(s: WorkbookSession, query: string, by: string, only?: FindHit): CellInput[] {
  const q = normalQuery(query);
  if (!q) return [];
  const inputs: CellInput[] = [];
  const visit = (code: number, key: FindKey) => {
    if (key === 'code') return;
    const texts = textsOf(s, code);
    const j = keysOf(code).indexOf(key);
    if (!texts[j].includes(q)) return;
    const field = fieldOfHit({ code, key });
    const rec = code >= 0 ? s.lines[code] : s.tree.nodes[rowNode(code)];
    const current = String((rec as unknown as Record<string, unknown>)[field] ?? '');
    inputs.push({ target: s.targetOfRow(code), field, raw: replaceIn(current, query, by) });
  };
  if (only) visit(only.code, only.key);
  else for (const code of allRows(s)) for (const key of keysOf(code)) visit(code, key);
  return inputs;
}

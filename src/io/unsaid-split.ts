// The source or capital type of money a file does not say (no column, row, section or title names
// it): taken from its item's other lines (or the item's above), else from the file's own totals
// when they leave one answer, else left marked for the user to fill. Pure.

import type { Id } from '../domain/model';
import type { ImportedLine } from './import-plan';

/** The plan a table's total states for one source or capital type, on the row that says it. */
export interface StatedSplit {
  value: string;
  label: string;
  plan: number;
}

/**
 * The source (capital type) of the marked lines when the table's own totals leave one answer: the
 * total stated for one value is exactly what the other lines of that value add up to plus all the
 * marked lines, and every other value stated is exactly its lines. The marked lines take it and
 * lose their mark; null (nothing changed) otherwise.
 */
export function splitByTotals(lines: ImportedLine[], marked: readonly number[], field: 'source' | 'capital', stated: readonly StatedSplit[]): StatedSplit | null {
  if (stated.length === 0) return null;
  const isMarked = new Set(marked);
  const said = new Map<string, number>();
  let unsaid = 0;
  lines.forEach((l, k) => {
    if (isMarked.has(k)) unsaid += l.line.plan;
    else said.set(l.line[field], (said.get(l.line[field]) ?? 0) + l.line.plan);
  });
  if (unsaid === 0) return null;
  const fits = stated.filter((t) => t.plan - (said.get(t.value) ?? 0) === unsaid && stated.every((o) => o === t || o.plan === (said.get(o.value) ?? 0)));
  if (fits.length !== 1) return null;
  for (const k of marked) {
    const l = lines[k];
    (l.line as Record<typeof field, string>)[field] = fits[0].value;
    l.invalid = l.invalid.filter((f) => f !== field);
  }
  return fits[0];
}

/** Lines whose source (capital type) nothing in the file said take their item's, when its other
 * lines all agree, else the nearest item's above it that has such lines (an activity's disbursement
 * under a sub-project planned from NSTW alone); the rest keep the default and are marked for the
 * user to fill. Returns those. */
export function splitFromItem(lines: ImportedLine[], unsaid: readonly number[], field: 'source' | 'capital', parentOf: (id: Id) => Id | null): number[] {
  if (unsaid.length === 0) return [];
  const skip = new Set(unsaid);
  const said = new Map<Id, Set<string>>();
  lines.forEach((l, k) => {
    if (skip.has(k)) return;
    const set = said.get(l.line.nodeId) ?? new Set<string>();
    set.add(l.line[field]);
    said.set(l.line.nodeId, set);
  });
  const marked: number[] = [];
  // The one value an item's lines (or the nearest item's above) say, per item; null for none.
  const found = new Map<Id, string | null>();
  const valueFor = (nodeId: Id): string | null => {
    let v = found.get(nodeId);
    if (v === undefined) {
      let set = said.get(nodeId);
      for (let id = parentOf(nodeId), hops = 0; !set && id !== null && hops < 32; id = parentOf(id), hops++) set = said.get(id);
      v = set && set.size === 1 ? [...set][0] : null;
      found.set(nodeId, v);
    }
    return v;
  };
  for (const k of unsaid) {
    const l = lines[k];
    const v = valueFor(l.line.nodeId);
    if (v !== null) (l.line as Record<typeof field, string>)[field] = v;
    else {
      if (!l.invalid.includes(field)) l.invalid.push(field);
      marked.push(k);
    }
  }
  return marked;
}

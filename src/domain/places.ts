// The places sheet: reading criterion values as users type or paste them, criterion columns, and
// place edits. Pure: the session applies the results as undoable changes.

import type { CriterionDef, CriterionKind, Id, NumberLocale, Place, Result, Workbook } from './model';
import { DEFAULT_CRITERIA, fail, ok } from './model';
import { parseRate } from './amount';
import { foldToKey, normalizeText } from './text';

const YES = new Set(['1', 'x', 'co', 'c', 'yes', 'y', 'true', 'dung']);
const NO = new Set(['0', 'khong', 'k', 'no', 'n', 'false', 'sai']);

/**
 * A criterion value from typed or pasted text: counts, percentages and areas as non-negative
 * numbers (vi-VN or en format), flags as 1 or 0 ("x", "có", "không"…); blank = unknown (null).
 */
export function readCriterionInput(kind: CriterionKind, raw: unknown, locale: NumberLocale): Result<number | null> {
  const text = raw === null || raw === undefined ? '' : normalizeText(String(raw));
  if (text === '' || text === '-') return ok(null);
  if (kind === 'flag') {
    const key = foldToKey(text);
    if (YES.has(key)) return ok(1);
    if (NO.has(key)) return ok(0);
    return fail('criterion.not-a-flag', { text });
  }
  const r = parseRate(text, { locale });
  if (!r.ok) return fail('criterion.not-a-number', { text });
  if (r.value.value < 0) return fail('criterion.negative', { text });
  if (kind === 'count' && !Number.isInteger(r.value.value)) return fail('criterion.not-whole', { text });
  return ok(r.value.value);
}

/** The workbook's criterion columns (the defaults for records older than schema v2). */
export function criteriaOf(wb: Workbook): CriterionDef[] {
  return wb.criteria ?? DEFAULT_CRITERIA.map((c) => ({ ...c }));
}

/** A key for a new criterion column from its label, unique among the existing keys. */
export function criterionKey(label: string, existing: readonly CriterionDef[]): string {
  const base = foldToKey(label) || 'tieuchi';
  let key = base;
  for (let i = 2; existing.some((c) => c.key === key); i++) key = `${base}${i}`;
  return key;
}

/** A place with one field set (name, code or a criterion value); the same object when unchanged. */
export function setPlaceField(place: Place, field: string, value: string | number | null): Place {
  if (field === 'name' || field === 'code') return place[field] === value ? place : { ...place, [field]: String(value ?? '') };
  if ((place.values[field] ?? null) === value) return place;
  return { ...place, values: { ...place.values, [field]: value as number | null } };
}

/** A new, empty commune-level place placed after the others. */
export function blankPlace(id: Id, workbookId: Id, order: number): Place {
  return { id, workbookId, parentId: null, code: '', name: '', kind: 'commune', values: {}, order };
}

/** Column totals of the places sheet (unknown values count as 0). */
export function criterionTotals(places: readonly Place[], criteria: readonly CriterionDef[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of criteria) out[c.key] = places.reduce((a, p) => a + (p.values[c.key] ?? 0), 0);
  return out;
}

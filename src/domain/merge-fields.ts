// The per-field merge of one record: what an edit changed (base → after) lands on the record as it
// is stored now, and nothing else of it is touched. The same rule merges two tabs' writes in the
// browser's database and two offices' operations on the server, and reports, for the server, each
// field where the stored value was neither the edit's base nor its result: a conflict, the edit's
// value shown and the other kept.
//
// Fields are the record's keys; nested plain objects merge key by key (a place's criterion values,
// a line's notes), lists whose entries all carry a key (an id, a key, a year with its capital type)
// entry by entry; any other value (a number, a text, a list of months) is one field.

/** Where a field is in a record: its keys from the top; a keyed list's entry by its key ("year:2023|investment"). */
export type FieldPath = string[];

/** A field two edits changed from different values: the later edit's value shows, the other is kept here. */
export interface FieldConflict {
  path: FieldPath;
  /** What the edit's author saw before changing it (undefined = the field was absent). */
  base: unknown;
  /** What was stored and is now overwritten (undefined = absent). */
  kept: unknown;
  /** What the record now holds (undefined = removed). */
  shown: unknown;
}

/**
 * The stored record with what this edit changed (base → after) applied, and nothing else: fields
 * this tab left alone keep what another tab may have stored meanwhile. Nested plain objects merge
 * key by key (a place's criterion values, a line's notes), lists of keyed entries (counterpart
 * ratios by year and capital type, stated figures by year, criteria by key) entry by entry.
 */
export function mergeRecord<T>(stored: T, base: T, after: T): T {
  return mergeValue(stored, base, after, [], null) as T;
}

/**
 * The record mergeRecord gives, and every field where the stored value was neither the edit's base
 * nor its result (another edit changed it meanwhile, and this one overwrote it). Values compare by
 * content, whatever the order of their keys.
 */
export function mergeFields<T>(stored: T, base: T, after: T): { value: T; conflicts: FieldConflict[] } {
  const conflicts: FieldConflict[] = [];
  const value = mergeValue(stored, base, after, [], conflicts) as T;
  return { value, conflicts };
}

/** Notes a conflict when the stored value was changed by someone else and this edit replaces it. */
function overwritten(sink: FieldConflict[] | null, path: FieldPath, stored: unknown, base: unknown, after: unknown): void {
  if (sink && !equalValues(stored, base) && !equalValues(stored, after)) sink.push({ path, base, kept: stored, shown: after });
}

function mergeValue(stored: unknown, base: unknown, after: unknown, path: FieldPath, sink: FieldConflict[] | null): unknown {
  if (base === after) return stored;
  const plainStored = isPlain(stored);
  // An object this tab created or removed whole (a line's first note, its last) merges as one from or to {}.
  if (base === undefined && plainStored && isPlain(after)) return mergeValue(stored, {}, after, path, sink);
  if (after === undefined && plainStored && isPlain(base)) {
    const left = mergeValue(stored, base, {}, path, sink) as Record<string, unknown>;
    return Object.keys(left).length ? left : undefined;
  }
  if (plainStored && isPlain(base) && isPlain(after)) return mergeObject(stored, base, after, path, sink);
  if (sameValue(base, after)) return stored;
  if (Array.isArray(stored) && Array.isArray(base) && Array.isArray(after) && [stored, base, after].every(keyedList)) {
    // This tab's entries in its order (each merged with the stored one), then the entries another
    // tab added meanwhile; an entry this tab removed stays removed.
    const storedBy = new Map(stored.map((e) => [entryKey(e), e]));
    const baseBy = new Map(base.map((e) => [entryKey(e), e]));
    const afterKeys = new Set(after.map(entryKey));
    const out = after.map((a) => {
      const key = entryKey(a);
      const b = baseBy.get(key);
      const cur = storedBy.get(key);
      if (b !== undefined && cur !== undefined) return mergeValue(cur, b, a, [...path, key ?? ''], sink);
      overwritten(sink, [...path, key ?? ''], cur, b, a);
      return a;
    });
    for (const e of stored) if (!afterKeys.has(entryKey(e)) && !baseBy.has(entryKey(e))) out.push(e);
    for (const [key, b] of baseBy) if (!afterKeys.has(key) && storedBy.has(key)) overwritten(sink, [...path, key ?? ''], storedBy.get(key), b, undefined);
    return out;
  }
  overwritten(sink, path, stored, base, after);
  return after;
}

/**
 * Three plain objects merged key by key: the stored object itself when the edit changed no key (no
 * copy: a column formula merges 100 000 lines a step), else a copy with each changed key merged.
 */
function mergeObject(
  stored: Record<string, unknown>,
  base: Record<string, unknown>,
  after: Record<string, unknown>,
  path: FieldPath,
  sink: FieldConflict[] | null,
): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  const visit = (key: string) => {
    if (sameValue(base[key], after[key])) return;
    let next: unknown;
    if (key in stored) next = mergeValue(stored[key], base[key], after[key], [...path, key], sink);
    else {
      overwritten(sink, [...path, key], undefined, base[key], after[key]);
      next = after[key];
    }
    out ??= { ...stored };
    if (next === undefined) delete out[key];
    else out[key] = next;
  };
  for (const key of Object.keys(base)) visit(key);
  for (const key of Object.keys(after)) if (!Object.prototype.hasOwnProperty.call(base, key)) visit(key);
  return out ?? stored;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The identity of an entry of a list: its id, key, or year (with its capital type). */
function entryKey(e: unknown): string | undefined {
  if (!isPlain(e)) return undefined;
  if (typeof e.id === 'string') return `id:${e.id}`;
  if (typeof e.key === 'string') return `key:${e.key}`;
  if (typeof e.year === 'number') return `year:${e.year}|${typeof e.capital === 'string' ? e.capital : ''}`;
  return undefined;
}

function keyedList(list: unknown[]): boolean {
  const keys = list.map(entryKey);
  return keys.every((k) => k !== undefined) && new Set(keys).size === keys.length;
}

/** Same JSON text: a list of plain values (a line's months) compares entry by entry without writing it out. */
function sameValue(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) && Array.isArray(y)) {
    if (x.length !== y.length) return false;
    let flat = true;
    for (let i = 0; i < x.length && flat; i++) {
      const a: unknown = x[i];
      const b: unknown = y[i];
      if (a === b) continue;
      if ((typeof a === 'object' && a !== null) || (typeof b === 'object' && b !== null)) flat = false;
      else if (jsonEntry(a) !== jsonEntry(b)) return false;
    }
    if (flat) return true;
  }
  return JSON.stringify(x) === JSON.stringify(y);
}

/** What JSON writes for a plain entry of a list: null for what it cannot write (NaN, ±∞, undefined, a function). */
function jsonEntry(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return null;
  return v;
}

/** True when two JSON values hold the same content; the order of an object's keys does not count (a database may reorder them). */
export function equalValues(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    return x.every((v, i) => equalValues(v, y[i]));
  }
  const xo = x as Record<string, unknown>;
  const yo = y as Record<string, unknown>;
  const keys = Object.keys(xo).filter((k) => xo[k] !== undefined);
  if (keys.length !== Object.keys(yo).filter((k) => yo[k] !== undefined).length) return false;
  return keys.every((k) => k in yo && equalValues(xo[k], yo[k]));
}

// JSON backups of a whole workbook: the workbook, its tree, places, rules and every scenario with
// its own lines. The file has a format name and a format version of its own (not the database's
// schema version). Reading is a pipeline, each step with its own problem code: parse JSON → is it
// a backup → is its version one we read → (migrate, none yet) → check every part's shape, types,
// whole-đồng amounts and links. A file that fails any step is refused whole: never a partial result.
// Records keep fields this version does not know (a newer app's additions survive a round trip),
// but never a key that reaches an object's prototype, and a file past a size limit is not parsed.

import { MAX_TREE_DEPTH, treeFault } from '../domain/tree';
import type { Problem, Result } from '../domain/model';
import { CAPITAL_TYPES, MONTH_COUNT, SOURCES, fail, ok } from '../domain/model';
import { parseDate } from '../domain/amount';
import { PROJECTION_METHODS } from '../domain/projection';
import type { WorkbookArchive } from '../domain/workbook-archive';
import { FORMULA_FIELDS } from '../domain/formula/book';
import { MAX_FORMULA_LENGTH } from '../domain/formula/parse';

export const BACKUP_FORMAT = 'planbench-backup';
/** The newest backup format this code reads and the one it writes. */
export const BACKUP_FORMAT_VERSION = 1;
/** The largest backup read, in characters (bytes of its mostly ASCII text): a workbook of 100 000
 * lines backs up to 45 MB, so this is room for about 220 000. Parsing holds the whole file as
 * objects: 60 MB of crafted JSON peaks near 1 GB. */
export const MAX_BACKUP_CHARS = 100 * 2 ** 20;

/** A backup file's content. */
export interface Backup extends WorkbookArchive {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  /** When the backup was written, ISO 8601. */
  exportedAt: string;
}

/** The backup file's text for a workbook archive (records serialised as they are, unknown fields included). */
export function writeBackup(archive: WorkbookArchive, now = new Date()): string {
  const backup: Backup = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    exportedAt: now.toISOString(),
    workbook: archive.workbook,
    nodes: archive.nodes,
    places: archive.places,
    rules: archive.rules,
    scenarios: archive.scenarios,
  };
  return JSON.stringify(backup, null, 1) + '\n';
}

const megabytes = (n: number): number => Math.ceil(n / 2 ** 20);

/**
 * The workbook archive in a backup file's text, or the first problem found: backup.too-large
 * (past MAX_BACKUP_CHARS, not parsed), backup.not-json (not JSON, e.g. truncated),
 * backup.unsafe-key (a key reaching an object's prototype), backup.too-deep, backup.not-backup (another kind of
 * file), backup.newer-version, backup.missing-part, backup.bad-value, backup.bad-amount (not whole
 * đồng), backup.bad-link (a record names a node, place, rule or scenario the file does not hold,
 * or an id is used twice). Never throws.
 */
export function readBackup(text: string): Result<WorkbookArchive> {
  if (text.length > MAX_BACKUP_CHARS) return fail('backup.too-large', { size: megabytes(text.length), limit: megabytes(MAX_BACKUP_CHARS) });
  let root: unknown;
  try {
    root = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return fail('backup.not-json', { detail: (e as Error).message });
  }
  const unsafe = unsafeStructure(root);
  if (unsafe) return { ok: false, error: unsafe };
  if (!isRecord(root) || root.format !== BACKUP_FORMAT) return fail('backup.not-backup');
  const version = root.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return fail('backup.bad-value', { path: 'formatVersion', text: show(version) });
  if (version > BACKUP_FORMAT_VERSION) return fail('backup.newer-version', { version, supported: BACKUP_FORMAT_VERSION });
  const problem = ARCHIVE(root, '') ?? checkLinks(root as unknown as WorkbookArchive);
  if (problem) return { ok: false, error: problem };
  const { workbook, nodes, places, rules, scenarios } = root as unknown as WorkbookArchive;
  return ok({ workbook, nodes, places, rules, scenarios });
}

/** readBackup of a file's bytes (UTF-8), refusing one past the limit before decoding it. */
export function readBackupBytes(bytes: Uint8Array): Result<WorkbookArchive> {
  if (bytes.length > MAX_BACKUP_CHARS) return fail('backup.too-large', { size: megabytes(bytes.length), limit: megabytes(MAX_BACKUP_CHARS) });
  return readBackup(new TextDecoder().decode(bytes));
}

/** Nesting a backup may have: its records go five levels deep; kept unknown fields get room.
 * Deeper values would overflow the call stack when the records are written or cloned again. */
const MAX_DEPTH = 64;

/** The first problem of the parsed value's keys and nesting, depth first: a key that copying or
 * merging the records could turn into a change of a prototype (backup.unsafe-key: "__proto__"
 * anywhere, "constructor" or "prototype" holding an object; a criterion column may be named
 * "constructor", its values are numbers), or nesting past MAX_DEPTH (backup.too-deep). */
function unsafeStructure(root: unknown): Problem | null {
  // An explicit stack: the nesting of a crafted file is deeper than the call stack.
  const stack: { v: object; path: string; depth: number }[] = typeof root === 'object' && root !== null ? [{ v: root, path: '', depth: 1 }] : [];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (depth > MAX_DEPTH) return { code: 'backup.too-deep', params: { path, limit: MAX_DEPTH } };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] === 'object' && v[i] !== null) stack.push({ v: v[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(v)) {
      const x: unknown = (v as Record<string, unknown>)[key];
      const isObject = typeof x === 'object' && x !== null;
      const at = path ? `${path}.${key}` : key;
      if (key === '__proto__' || (isObject && (key === 'constructor' || key === 'prototype'))) return { code: 'backup.unsafe-key', params: { path: at, key } };
      if (isObject) stack.push({ v: x, path: at, depth: depth + 1 });
    }
  }
  return null;
}

// ---- shapes -------------------------------------------------------------------------------

/** A shape check: null when the value fits, else the problem, naming where (`path`). */
type Check = (v: unknown, path: string) => Problem | null;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const SHOWN_CHARS = 80;
/** A value as the problem quotes it: JSON for a string or a number (1e400 parses as Infinity),
 * only the shape of an array or object (a crafted one can be huge or nested past the call stack). */
const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v.length > SHOWN_CHARS ? `${v.slice(0, SHOWN_CHARS)}…` : v);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[… ${v.length}]`;
  if (typeof v === 'object' && v !== null) return Object.keys(v).length === 0 ? '{}' : '{…}';
  return String(v);
};
const bad = (path: string, v: unknown): Problem => ({ code: 'backup.bad-value', params: { path, text: show(v) } });

const is =
  (test: (v: unknown) => boolean): Check =>
  (v, path) =>
    test(v) ? null : bad(path, v);

const str = is((v) => typeof v === 'string');
const num = is((v) => typeof v === 'number' && Number.isFinite(v));
const int = is((v) => typeof v === 'number' && Number.isSafeInteger(v));
const bool = is((v) => typeof v === 'boolean');
const isoDate = is((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && parseDate(v).ok);
const oneOf = (values: readonly string[]): Check => is((v) => typeof v === 'string' && values.includes(v));
/** Whole đồng: money is an integer number of đồng, exact below 2^53. */
const amount: Check = (v, path) => (typeof v === 'number' && Number.isSafeInteger(v) ? null : { code: 'backup.bad-amount', params: { path, text: show(v) } });
const nullable =
  (c: Check): Check =>
  (v, path) =>
    v === null ? null : c(v, path);
const optional =
  (c: Check): Check =>
  (v, path) =>
    v === undefined ? null : c(v, path);

const arrayOf =
  (c: Check): Check =>
  (v, path) => {
    if (!Array.isArray(v)) return bad(path, v);
    for (let i = 0; i < v.length; i++) {
      const p = c(v[i], `${path}[${i}]`);
      if (p) return p;
    }
    return null;
  };

const recordOf =
  (c: Check): Check =>
  (v, path) => {
    if (!isRecord(v)) return bad(path, v);
    for (const [k, x] of Object.entries(v)) {
      const p = c(x, `${path}.${k}`);
      if (p) return p;
    }
    return null;
  };

/** An object with these fields (others are allowed and kept). A missing required field is a missing part. */
const object =
  (fields: Record<string, Check>): Check =>
  (v, path) => {
    if (!isRecord(v)) return bad(path, v);
    for (const [key, c] of Object.entries(fields)) {
      const at = path ? `${path}.${key}` : key;
      // An optional field may be absent; a required one that is absent is a missing part.
      if (!(key in v)) {
        if (c(undefined, at)) return { code: 'backup.missing-part', params: { part: at } };
        continue;
      }
      const p = c(v[key], at);
      if (p) return p;
    }
    return null;
  };

/** Formulas by line field: the stored text (read when computed; one that cannot be read shows as an error in its cell) and its unit. */
const formulas: Check = (v, path) => {
  if (!isRecord(v)) return bad(path, v);
  const formula = object({
    text: is((t) => typeof t === 'string' && t.startsWith('=') && t.length <= MAX_FORMULA_LENGTH + 1),
    unit: oneOf(['dong', 'nghin', 'trieu', 'ty']),
  });
  for (const [k, x] of Object.entries(v)) {
    const at = `${path}.${k}`;
    if (!FORMULA_FIELDS.includes(k as (typeof FORMULA_FIELDS)[number])) return bad(at, x);
    const p = formula(x, at);
    if (p) return p;
  }
  return null;
};

const RATES = new Set(['rate', 'expectedRate']);
/** Stated figures: amounts in whole đồng, rates in percent. */
const stated: Check = (v, path) => {
  if (!isRecord(v)) return bad(path, v);
  for (const [k, x] of Object.entries(v)) {
    const p = RATES.has(k) ? num(x, `${path}.${k}`) : amount(x, `${path}.${k}`);
    if (p) return p;
  }
  return null;
};

const PROJECTION = object({
  method: oneOf(PROJECTION_METHODS),
  backloaded: arrayOf(num),
  custom: arrayOf(num),
  lastYearMonths: nullable(arrayOf(amount)),
  investmentExtended: bool,
  flagGap: num,
});
const SETTINGS = object({
  asOf: nullable(isoDate),
  projection: optional(PROJECTION),
  formulaRounding: optional(oneOf(['half-away-from-zero', 'half-even', 'up', 'down'])),
});
const COUNTERPART = object({ year: int, capital: oneOf(CAPITAL_TYPES), percent: num });

const WORKBOOK = object({
  id: str,
  name: str,
  year: int,
  placeName: str,
  createdAt: num,
  updatedAt: num,
  settings: SETTINGS,
  stated: arrayOf(object({ year: int, figures: stated, note: optional(str) })),
  baselineScenarioId: str,
  note: optional(str),
  demo: optional(bool),
  criteria: optional(arrayOf(object({ key: str, label: str, kind: str }))),
  counterpart: optional(arrayOf(COUNTERPART)),
  placesIllustrative: optional(bool),
  columnFormulas: optional(formulas),
});

const NODE = object({
  id: str,
  workbookId: str,
  parentId: nullable(str),
  code: str,
  name: str,
  order: num,
  stated: optional(stated),
  notes: optional(recordOf(str)),
  columnFormulas: optional(formulas),
});

const months: Check = (v, path) => {
  if (Array.isArray(v) && v.length > MONTH_COUNT) return bad(path, v);
  return arrayOf(nullable(amount))(v, path);
};

const LINE = object({
  id: str,
  nodeId: str,
  order: num,
  label: str,
  unit: str,
  placeId: nullable(str),
  source: oneOf(SOURCES),
  capital: oneOf(CAPITAL_TYPES),
  vintage: int,
  plan: amount,
  disbursed: amount,
  asOf: nullable(isoDate),
  expectedRate: nullable(num),
  stated: optional(stated),
  months: optional(months),
  method: optional(nullable(oneOf(PROJECTION_METHODS))),
  carryEligible: optional(bool),
  carryConfirmed: optional(nullable(amount)),
  allocation: optional(object({ ruleId: str, key: str })),
  notes: optional(recordOf(str)),
  formulas: optional(formulas),
  typedOver: optional(arrayOf(oneOf(FORMULA_FIELDS))),
});

const SCENARIO = object({
  id: str,
  workbookId: str,
  name: str,
  createdAt: num,
  kind: optional(oneOf(['baseline', 'variant', 'version'])),
  note: optional(str),
  frozenAt: optional(num),
  sourceId: optional(str),
  adopted: optional(bool),
  inputs: optional(object({ counterpart: optional(arrayOf(COUNTERPART)), settings: optional(SETTINGS) })),
  lines: arrayOf(LINE),
});

const PLACE = object({
  id: str,
  workbookId: str,
  parentId: nullable(str),
  code: str,
  name: str,
  kind: oneOf(['province', 'district', 'commune', 'unit']),
  values: recordOf(nullable(num)),
  order: num,
});

const RULE = object({
  id: str,
  workbookId: str,
  scenarioId: str,
  name: str,
  nodeId: str,
  source: oneOf(SOURCES),
  capital: oneOf(CAPITAL_TYPES),
  year: int,
  envelope: amount,
  unit: amount,
  criteria: arrayOf(object({ key: str, weight: num })),
  reserved: arrayOf(object({ id: str, label: str, amount: optional(amount), percent: optional(num) })),
  overrides: recordOf(object({ pinned: optional(amount), floor: optional(amount), cap: optional(amount), eligible: optional(bool) })),
  floor: optional(amount),
  cap: optional(amount),
  minimum: optional(recordOf(num)),
  createdAt: num,
  updatedAt: num,
});

const ARCHIVE = object({
  workbook: WORKBOOK,
  nodes: arrayOf(NODE),
  places: arrayOf(PLACE),
  rules: arrayOf(RULE),
  scenarios: arrayOf(SCENARIO),
});

// ---- links --------------------------------------------------------------------------------

/** Every id names a record of this file and no record's id is used twice in its table (a line's,
 * in its scenario: a variant may keep the ids of the baseline's lines); null when all links hold. */
function checkLinks(a: WorkbookArchive): Problem | null {
  const link = (path: string, id: string): Problem => ({ code: 'backup.bad-link', params: { path, id } });
  const wb = a.workbook.id;
  const nodes = new Set(a.nodes.map((n) => n.id));
  const places = new Set(a.places.map((p) => p.id));
  const rules = new Set(a.rules.map((r) => r.id));
  const scenarios = new Set(a.scenarios.map((s) => s.id));
  /** The first record of a table whose id repeats an earlier one's, or that names another workbook. */
  const table = (name: string, records: readonly { id: string; workbookId?: string }[]): Problem | null => {
    const seen = new Set<string>();
    for (const [i, r] of records.entries()) {
      if (seen.has(r.id)) return link(`${name}[${i}].id`, r.id);
      seen.add(r.id);
      if (r.workbookId !== undefined && r.workbookId !== wb) return link(`${name}[${i}].workbookId`, r.workbookId);
    }
    return null;
  };
  const problems = function* (): Generator<Problem | null> {
    yield table('nodes', a.nodes);
    yield table('places', a.places);
    yield table('rules', a.rules);
    yield table('scenarios', a.scenarios);
    if (!scenarios.has(a.workbook.baselineScenarioId)) yield link('workbook.baselineScenarioId', a.workbook.baselineScenarioId);
    for (const [i, n] of a.nodes.entries()) if (n.parentId !== null && !nodes.has(n.parentId)) yield link(`nodes[${i}].parentId`, n.parentId);
    for (const [i, p] of a.places.entries()) if (p.parentId !== null && !places.has(p.parentId)) yield link(`places[${i}].parentId`, p.parentId);
    // A tree the app could never show: an item its own parent, a cycle, a chain deeper than the app takes.
    for (const [name, records] of [
      ['nodes', a.nodes],
      ['places', a.places],
    ] as const) {
      const fault = treeFault(records);
      if (fault) yield { code: `backup.tree-${fault.kind}`, params: { table: name, id: fault.id, limit: MAX_TREE_DEPTH } };
    }
    for (const [i, r] of a.rules.entries()) {
      if (!scenarios.has(r.scenarioId)) yield link(`rules[${i}].scenarioId`, r.scenarioId);
      if (!nodes.has(r.nodeId)) yield link(`rules[${i}].nodeId`, r.nodeId);
    }
    for (const [i, s] of a.scenarios.entries()) {
      if (typeof s.sourceId === 'string' && !scenarios.has(s.sourceId)) yield link(`scenarios[${i}].sourceId`, s.sourceId);
      yield table(`scenarios[${i}].lines`, s.lines);
      for (const [j, l] of s.lines.entries()) {
        const at = `scenarios[${i}].lines[${j}]`;
        if (!nodes.has(l.nodeId)) yield link(`${at}.nodeId`, l.nodeId);
        if (l.placeId !== null && !places.has(l.placeId)) yield link(`${at}.placeId`, l.placeId);
        if (l.allocation && !rules.has(l.allocation.ruleId)) yield link(`${at}.allocation.ruleId`, l.allocation.ruleId);
      }
    }
  };
  for (const p of problems()) if (p) return p;
  return null;
}

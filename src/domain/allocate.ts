// Allocation by rule: splits an envelope among recipients by a weighted score over criteria, after
// reserved and pinned amounts, within floors and caps, rounded to a unit by the largest-remainder
// method so the parts sum exactly to the envelope. Pure and columnar: the split reads recipients as
// columns and writes parts as columns (splitColumns, what the worker runs); splitEnvelope is the same
// split over recipient objects. No I/O, and the same amount per id whatever the input order.
//
// The rule, step by step (each choice is deliberate; tests/unit/allocate.test.ts checks them):
//
// 1. Reserves come off first: a fixed `amount` is kept exactly; a `percent` is read to hundredths of
//    a percent (finer is refused) and gives floor(envelope · percent / 100) rounded DOWN to the
//    unit. Pinned amounts come off next, exactly (a pin wins over eligibility, floors and caps).
//    What is left, R = envelope − reserves − pins, is `distributable`; it goes to the recipients that
//    share: eligible (not `eligible: false`, not below an `eligibility.minimum`) and not pinned.
// 2. Score: each criterion column is normalised by its total over the sharing recipients and the
//    weights by their sum, so weights are shares of R: score_i = Σ_k (w_k / Σw) · x_ik / Σ_j x_jk,
//    and the scores sum to 1. 'equal' gives each of the n sharing recipients 1/n of its weight. A
//    column that totals zero says nothing about need: it drops out with its weight; a weight of 0
//    drops its column, whose values are then not read. Column totals are exact sums, so a score
//    depends on the recipient's own values only. Scores are quantised to integers q_i summing to
//    about 2^49 (a positive score stays ≥ 1), so every later sum is an exact integer.
// 3. Floors and caps (the recipient's own, else the rule's) are put on the unit grid first: a floor
//    rounds UP to a multiple of the unit, a cap DOWN, so both always hold, and exactly when they are
//    multiples already. Shares are R'·q_i/Q' over the free recipients; the standard iteration fixes
//    violators at their bound and shares the rest again. When both kinds violate at once, only the
//    kind that must stay violated is fixed (caps when the total excess over caps beats the total
//    shortfall under floors, floors when it is less, both when equal), which converges to the one
//    split clamp(λ·score_i, floor_i, cap_i). Float shares only filter: every comparison near a bound,
//    and every close excess-against-shortfall call, is decided in exact integer arithmetic.
// 4. Rounding: each free share is floored to the unit, exactly (a float share decides only when it
//    is clearly between two multiples, integer arithmetic otherwise); the k whole units left over go
//    one each to the k largest remainders, and the sub-unit residue (R mod unit, when reserves or
//    pins are not multiples of the unit) goes to the next recipient in that same order, as a last,
//    partial unit: bound 'residue'. So every part the rule computes is a multiple of the unit but
//    that one, and every part is within one unit of its exact share. Order: larger remainder, then
//    larger score, then smaller id (UTF-16 code units), never input order; a quickselect finds the
//    top k, nothing is sorted. Ids must be distinct: that is not checked (at 10^6 recipients a
//    check costs more than the split), and duplicates only lose the tie order between themselves.

import type { Result } from './model';
import { fail, ok } from './model';

/** The criterion key that gives every sharing recipient the same score. */
export const EQUAL_SHARE = 'equal';

export interface AllocationCriterion {
  /** A key of the recipients' `values`, or 'equal' (every sharing recipient scores 1 for it). */
  key: string;
  /** Share of the envelope this criterion decides; weights need not sum to 1. */
  weight: number;
}

export interface AllocationRecipient {
  id: string;
  /** Criterion values, e.g. poor households; null/undefined = not known. */
  values: Record<string, number | null | undefined>;
  /** Default true. */
  eligible?: boolean;
  /** Fixed amount in đồng, kept exactly; the recipient takes no share. */
  pinned?: number;
  /** Per-recipient floor and cap in đồng; absent = the rule's default. */
  floor?: number;
  cap?: number;
}

/** A sum kept for a named unit: a fixed amount in đồng, or a percentage of the envelope. */
export interface AllocationReserve {
  id: string;
  label?: string;
  amount?: number;
  percent?: number;
}

export interface AllocationRule {
  /** Amount to split, đồng. */
  envelope: number;
  /** Rounding unit in đồng: 1, 1000, 1 000 000… */
  unit: number;
  criteria: AllocationCriterion[];
  reserved?: AllocationReserve[];
  recipients: AllocationRecipient[];
  /** Defaults for every recipient, đồng. */
  floor?: number;
  cap?: number;
  /** A recipient whose values[key] is below minimum[key] is not eligible. */
  eligibility?: { minimum?: Record<string, number> };
}

/**
 * Why a part has its amount: 'none' = its share, rounded; 'floor' / 'cap' = held at that bound;
 * 'pinned'; 'ineligible' (0); 'residue' = its share plus the sub-unit residue. 'reserved' is never
 * given to a part by splitEnvelope (reserves are listed apart) and exists for views that show
 * reserves and parts as rows of one table.
 */
export type Bound = 'none' | 'floor' | 'cap' | 'pinned' | 'ineligible' | 'reserved' | 'residue';

export interface AllocationPart {
  id: string;
  /**
   * Share of the score total: Σ_k (w_k / Σ w) · x_k / column total, to 2^-49, so the scores of the
   * sharing recipients sum to 1 (equal to Σ_k w_k · x_k / total_k when the weights sum to 1);
   * 0 for pinned and ineligible recipients.
   */
  score: number;
  /** The share before rounding, after floors and caps (the bound itself when one binds). */
  exact: number;
  /** Đồng. */
  amount: number;
  bound: Bound;
}

export interface AllocationResult {
  /** One part per recipient, in the recipients' order. */
  parts: AllocationPart[];
  reserved: { id: string; amount: number }[];
  /** The recipient that took the sub-unit residue and how much, or null when there is none. */
  residue: { id: string; amount: number } | null;
  /** Envelope minus reserves and pins: what the sharing recipients split. */
  distributable: number;
}

/** A rule without its recipients: what the split reads besides them. */
export type SplitRule = Omit<AllocationRule, 'recipients'>;

/** A recipient's own settings in the columnar form (see AllocationRecipient), by its index. */
export interface RecipientSettings {
  index: number;
  eligible?: boolean;
  pinned?: number;
  floor?: number;
  cap?: number;
}

/**
 * A rule whose recipients are columns: ids, one Float64Array per criterion key with a value per
 * recipient (NaN = not known), and settings only for the recipients that have their own. When one
 * index has several settings, a later one wins field by field.
 */
export interface AllocationRequest {
  rule: SplitRule;
  ids: readonly string[];
  values: Record<string, Float64Array>;
  settings: RecipientSettings[];
}

export const BOUNDS: readonly Bound[] = ['none', 'floor', 'cap', 'pinned', 'ineligible', 'reserved', 'residue'];

/** The parts as columns, in the recipients' order. */
export interface AllocationColumns {
  amount: Float64Array;
  score: Float64Array;
  exact: Float64Array;
  /** Index into BOUNDS. */
  bound: Uint8Array;
  reserved: AllocationResult['reserved'];
  residue: AllocationResult['residue'];
  distributable: number;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
// Quantised scores sum to about 2^49 (< 2^50), which keeps floorMulDiv's remainders exact.
const SCORE_SCALE = 2 ** 49;
// Veltkamp's split constant 2^27 + 1, for Dekker's exact products.
const SPLIT = 134217729;

// Recipient kinds, by recipient index (0 = sharing).
const PINNED = 1;
const INELIGIBLE = 2;
// States of a sharing recipient in the floor/cap iteration (0 = free).
const AT_FLOOR = 1;
const AT_CAP = 2;

// Second result of floorMulDiv, kept in a module variable so the hot loop allocates nothing.
let remOut = 0;

/**
 * floor(a·b / c), with a·b − floor·c left in remOut; exact for non-negative safe integers a, b and
 * 0 < c ≤ 2^50 whose quotient is below 2^53, even when a·b is far beyond 2^53.
 */
function floorMulDiv(a: number, b: number, c: number): number {
  const p = a * b;
  let t = Math.floor(p / c);
  const p2 = t * c;
  let r: number;
  if (p <= MAX_SAFE && p2 <= MAX_SAFE) {
    r = p - p2;
  } else {
    // a·b = p + e1 and t·c = p2 + e2 exactly (Dekker); the remainder is an integer below 2^53, and
    // so are (p − p2) and (e1 − e2), so the sums below are exact.
    let s = SPLIT * a;
    const ah = s - (s - a);
    const al = a - ah;
    s = SPLIT * b;
    const bh = s - (s - b);
    const bl = b - bh;
    const e1 = ah * bh - p + ah * bl + al * bh + al * bl;
    s = SPLIT * t;
    const th = s - (s - t);
    const tl = t - th;
    s = SPLIT * c;
    const ch = s - (s - c);
    const cl = c - ch;
    const e2 = th * ch - p2 + th * cl + tl * ch + tl * cl;
    r = p - p2 + (e1 - e2);
  }
  // The float quotient may be off by a unit or two.
  while (r < 0) {
    t -= 1;
    r += c;
  }
  while (r >= c) {
    t += 1;
    r -= c;
  }
  remOut = r;
  return t;
}

/** Whether R1·q/Q1 > cap, exactly. */
function exceedsCap(R1: number, q: number, Q1: number, cap: number): boolean {
  const t = floorMulDiv(R1, q, Q1);
  return t > cap || (t === cap && remOut > 0);
}

/** The largest multiple of unit ≤ x, for a non-negative safe integer x. */
function floorToUnit(x: number, unit: number): number {
  let m = Math.floor(x / unit) * unit;
  if (m > x) m -= unit;
  else if (x - m >= unit) m += unit;
  return m;
}

/** The smallest multiple of unit ≥ x, for a non-negative safe integer x. */
function ceilToUnit(x: number, unit: number): number {
  const down = floorToUnit(x, unit);
  return down === x ? x : down + unit;
}

// Float64 words as seen through a Uint32Array view of the same bytes.
const HI_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO_WORD = 1 - HI_WORD;
const TWO_32 = 4294967296;
// Mantissa halves added per exponent between carries: 2^21 low words stay below 2^53.
const CARRY_EVERY = 2 ** 21;

// The exact total of the last sumColumn call (a module variable, like remOut).
let sumOut = 0;

/**
 * Checks the values col[share[j]] for j < end and adds them exactly: returns the first j whose
 * value is not a non-negative finite number (j = 0 when the column is missing), else −1 with the
 * total in sumOut. The total is rounded once, so it is a function of the values, never of their
 * order: each value is split into exponent and 53-bit mantissa, mantissas are added exactly per
 * exponent, and the buckets are combined in BigInt at the end (a few thousand operations).
 */
function sumColumn(col: Float64Array | undefined, share: Int32Array, end: number): number {
  sumOut = 0;
  if (col === undefined) return end > 0 ? 0 : -1;
  const words = new Uint32Array(col.buffer, col.byteOffset, col.length * 2);
  const hiSum = new Float64Array(2048);
  const loSum = new Float64Array(2048);
  for (let start = 0; start < end; start += CARRY_EVERY) {
    const stop = Math.min(end, start + CARRY_EVERY);
    for (let j = start; j < stop; j++) {
      const i = share[j];
      const hi = words[2 * i + HI_WORD];
      const lo = words[2 * i + LO_WORD];
      // Read from the bits: below 0x7ff00000 the sign is + and the number finite; above, only −0
      // is a non-negative finite number (and adds nothing).
      if (hi >= 0x7ff00000) {
        if (hi !== 0x80000000 || lo !== 0) return j;
        continue;
      }
      const e = hi >>> 20;
      // Subnormals have no implicit bit and the exponent of 1.
      if (e === 0) {
        hiSum[1] += hi;
        loSum[1] += lo;
      } else {
        hiSum[e] += (hi & 0xfffff) + 0x100000;
        loSum[e] += lo;
      }
    }
    for (let e = 1; e < 2047; e++) {
      const carry = Math.floor(loSum[e] / TWO_32);
      loSum[e] -= carry * TWO_32;
      hiSum[e] += carry;
    }
  }
  // value = mantissa · 2^(e − 1075); scaled by 2^1074 every term is an integer.
  let total = 0n;
  for (let e = 1; e < 2047; e++) {
    if (hiSum[e] !== 0 || loSum[e] !== 0) total += ((BigInt(hiSum[e]) << 32n) + BigInt(loSum[e])) << BigInt(e - 1);
  }
  if (total === 0n) return -1;
  const shift = Math.max(0, total.toString(2).length - 64);
  let top = total >> BigInt(shift);
  // A sticky bit below the 53 kept bits makes the one rounding in Number() the right one.
  if (shift > 0 && top << BigInt(shift) !== total) top |= 1n;
  sumOut = Number(top) * 2 ** (shift - 1074);
  return -1;
}

const isAmount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const badRule = (detail: string) => fail('allocation.bad-rule', { detail });
const badValue = (recipient: string, column: string) => fail('allocation.bad-value', { recipient, column });

/** Checks the shape of the rule itself (not the recipients); a failure value or null. */
function checkRule(rule: SplitRule): Result<never> | null {
  if (!isAmount(rule.envelope)) return badRule(`envelope=${String(rule.envelope)}`);
  if (!isAmount(rule.unit) || rule.unit < 1) return badRule(`unit=${String(rule.unit)}`);
  if (!Array.isArray(rule.criteria)) return badRule('criteria');
  const keys = new Set<string>();
  for (const c of rule.criteria) {
    if (typeof c.key !== 'string' || c.key === '') return badRule('criteria.key=""');
    if (keys.has(c.key)) return badRule(`criteria: "${c.key}" ×2`);
    keys.add(c.key);
    if (typeof c.weight !== 'number' || !(c.weight >= 0) || c.weight === Infinity) {
      return badRule(`criteria["${c.key}"].weight=${String(c.weight)}`);
    }
  }
  const reserveIds = new Set<string>();
  for (const r of rule.reserved ?? []) {
    if (typeof r.id !== 'string' || r.id === '') return badRule('reserved.id=""');
    if (reserveIds.has(r.id)) return badRule(`reserved: "${r.id}" ×2`);
    reserveIds.add(r.id);
    if ((r.amount === undefined) === (r.percent === undefined)) return badRule(`reserved["${r.id}"]: amount | percent`);
    if (r.amount !== undefined && !isAmount(r.amount)) return badRule(`reserved["${r.id}"].amount=${String(r.amount)}`);
    if (r.percent !== undefined) {
      const p = r.percent;
      const ok = typeof p === 'number' && p >= 0 && p <= 100 && Math.abs(p * 100 - Math.round(p * 100)) < 1e-6;
      if (!ok) return badRule(`reserved["${r.id}"].percent=${String(p)}`);
    }
  }
  if (rule.floor !== undefined && !isAmount(rule.floor)) return badRule(`floor=${String(rule.floor)}`);
  if (rule.cap !== undefined && !isAmount(rule.cap)) return badRule(`cap=${String(rule.cap)}`);
  if (rule.floor !== undefined && rule.cap !== undefined && rule.floor > rule.cap) return badRule(`floor=${rule.floor} > cap=${rule.cap}`);
  for (const [key, min] of Object.entries(rule.eligibility?.minimum ?? {})) {
    if (typeof min !== 'number' || !Number.isFinite(min)) return badRule(`eligibility.minimum["${key}"]=${String(min)}`);
  }
  return null;
}

/** The criterion keys whose columns the split reads, in the criteria's order. */
const readKeys = (rule: SplitRule): string[] => rule.criteria.filter((c) => c.weight > 0 && c.key !== EQUAL_SHARE).map((c) => c.key);

/**
 * Checks what only the columnar form can get wrong: ids as an array, each column the split reads a
 * Float64Array with a value per recipient, settings naming recipients by their index.
 */
function checkColumns(req: AllocationRequest): Result<never> | null {
  if (!Array.isArray(req.ids)) return badRule('ids');
  const n = req.ids.length;
  if (typeof req.values !== 'object' || req.values === null) return badRule('values');
  for (const key of [...readKeys(req.rule), ...Object.keys(req.rule.eligibility?.minimum ?? {})]) {
    const col = req.values[key];
    if (col !== undefined && (!(col instanceof Float64Array) || col.length !== n)) return badRule(`values["${key}"]`);
  }
  if (!Array.isArray(req.settings)) return badRule('settings');
  for (let p = 0; p < req.settings.length; p++) {
    const index = req.settings[p]?.index;
    if (!Number.isInteger(index) || index < 0 || index >= n) return badRule(`settings[${p}].index=${String(index)}`);
  }
  return null;
}

/** Reserve amounts in đồng: fixed ones as given, percentages rounded down to the unit. */
function reserveAmount(r: AllocationReserve, envelope: number, unit: number): number {
  if (r.amount !== undefined) return r.amount;
  const basisPoints = BigInt(Math.round((r.percent ?? 0) * 100));
  return floorToUnit(Number((BigInt(envelope) * basisPoints) / 10_000n), unit);
}

/** Typed working arrays by slot; `clear` zeroes them, otherwise the caller writes before reading. */
interface Buffers {
  f64(slot: number, n: number, clear?: boolean): Float64Array;
  i32(slot: number, n: number): Int32Array;
  u8(slot: number, n: number, clear?: boolean): Uint8Array;
}

const FRESH: Buffers = {
  f64: (_slot, n) => new Float64Array(n),
  i32: (_slot, n) => new Int32Array(n),
  u8: (_slot, n) => new Uint8Array(n),
};

// Arrays kept between calls. A worker splits again and again at the same size, and fresh typed
// arrays of 8 MB each make V8 run a full collection of the caller's heap almost every call
// (measured: about +200 ms at 10^6 recipients). A call far smaller than a kept array drops it.
// splitColumns returns fresh arrays (they are transferred); splitEnvelope writes its part objects
// straight from the working arrays.
type TypedArray = Float64Array | Int32Array | Uint8Array;
function keep<T extends TypedArray>(kept: T[], slot: number, n: number, make: (n: number) => T, clear: boolean | undefined): T {
  let b = kept[slot];
  if (b === undefined || b.length < n || b.length > 4 * n + 65_536) kept[slot] = b = make(n);
  const view = b.subarray(0, n) as T;
  if (clear) view.fill(0);
  return view;
}
function keptBuffers(): Buffers {
  const kept = { f64: [] as Float64Array[], i32: [] as Int32Array[], u8: [] as Uint8Array[] };
  return {
    f64: (slot, n, clear) => keep(kept.f64, slot, n, (k) => new Float64Array(k), clear),
    i32: (slot, n) => keep(kept.i32, slot, n, (k) => new Int32Array(k), false),
    u8: (slot, n, clear) => keep(kept.u8, slot, n, (k) => new Uint8Array(k), clear),
  };
}
// The split's working arrays; splitEnvelope's criterion columns.
const KEPT_WORK = keptBuffers();
const KEPT_INPUT = keptBuffers();
// Reading recipients or settings may run code (getters, proxies) that splits again: that nested
// call gets fresh arrays instead of the kept ones.
let keptInUse = false;

function withBuffers<T>(fn: (work: Buffers, input: Buffers) => T): T {
  if (keptInUse) return fn(FRESH, FRESH);
  keptInUse = true;
  try {
    return fn(KEPT_WORK, KEPT_INPUT);
  } finally {
    keptInUse = false;
  }
}

/**
 * Splits rule.envelope: parts plus reserves sum exactly to the envelope; reserves and pins are kept
 * exactly; ineligible recipients get 0; floors and caps hold; every part the rule computes is a
 * multiple of the unit except the one sub-unit residue; each part is within one unit of its exact
 * share; the amount per id does not depend on the recipients' order. Expected failures are values.
 * The object form of splitColumns: the same split, the same failures.
 */
export function splitEnvelope(rule: AllocationRule): Result<AllocationResult> {
  const bad = checkRule(rule) ?? (Array.isArray(rule.recipients) ? null : badRule('recipients'));
  if (bad) return bad;
  return withBuffers((work, input) => {
    const s = split(requestOf(rule, input), work);
    return s.ok ? ok(partObjects(s.value)) : s;
  });
}

/**
 * splitEnvelope on columns: every guarantee and failure of splitEnvelope for the rule whose
 * recipients these columns describe (unknown values as NaN); the parts come back as new typed
 * arrays in the recipients' order, ready to transfer. Builds no object per recipient.
 */
export function splitColumns(req: AllocationRequest): Result<AllocationColumns> {
  const bad = checkRule(req.rule) ?? checkColumns(req);
  if (bad) return bad;
  return withBuffers((work) => {
    const s = split(req, work);
    return s.ok ? ok(partColumns(s.value, FRESH)) : s;
  });
}

/** The object form of columnar parts, with the recipients' ids. */
export function fromColumns(ids: readonly string[], c: AllocationColumns): AllocationResult {
  const n = ids.length;
  const { score, exact, amount, bound } = c;
  const parts: AllocationPart[] = new Array(n);
  for (let i = 0; i < n; i++) parts[i] = { id: ids[i], score: score[i], exact: exact[i], amount: amount[i], bound: BOUNDS[bound[i]] };
  return { parts, reserved: c.reserved, residue: c.residue, distributable: c.distributable };
}

/**
 * The columnar form of a rule, as splitEnvelope hands it to the split: only the columns the rule
 * reads, in new arrays; or the failure splitEnvelope gives for the rule's own shape.
 */
export function requestOfRule(rule: AllocationRule): Result<AllocationRequest> {
  const bad = checkRule(rule) ?? (Array.isArray(rule.recipients) ? null : badRule('recipients'));
  return bad ?? ok(requestOf(rule, FRESH));
}

function requestOf(rule: AllocationRule, buffers: Buffers): AllocationRequest {
  const { recipients, ...rest } = rule;
  const { ids, values, settings } = columnsOf(recipients, columnKeys(rule), buffers, true);
  return { rule: rest, ids, values, settings };
}

/** The keys of the columns a split reads: its criteria's (weight above 0, not 'equal') and its minimums'. */
export function columnKeys(rule: SplitRule): string[] {
  return [...new Set([...readKeys(rule), ...Object.keys(rule.eligibility?.minimum ?? {})])];
}

/** Anything with an id and criterion values by key: a recipient, a place. */
interface HasValues {
  id: string;
  values?: Readonly<Record<string, unknown>> | null;
}

/**
 * The ids of `items` and one column per key of their values, in new arrays; a value that is not a
 * number (null, missing) becomes NaN, unknown.
 */
export function readColumns(items: readonly HasValues[], keys: readonly string[]): Pick<AllocationRequest, 'ids' | 'values'> {
  const { ids, values } = columnsOf(items, keys, FRESH, false);
  return { ids, values };
}

type OwnSettings = Partial<Pick<AllocationRecipient, 'eligible' | 'pinned' | 'floor' | 'cap'>>;

/** A recipient's own settings, or null when it has none. */
function settingsOf(r: OwnSettings, index: number): RecipientSettings | null {
  const { eligible, pinned, floor, cap } = r;
  return eligible !== undefined || pinned !== undefined || floor !== undefined || cap !== undefined ? { index, eligible, pinned, floor, cap } : null;
}

const numberOf = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

/**
 * The ids, one column per key (a value that is not a number becomes NaN) and, with `withSettings`,
 * the settings of the items that have their own. One pass reads each item once, with the first
 * four columns, each at a load site of its own (so each site sees one key and stays fast); more
 * columns take a pass each.
 */
function columnsOf(
  items: readonly (HasValues & OwnSettings)[],
  keys: readonly string[],
  buffers: Buffers,
  withSettings: boolean,
): Pick<AllocationRequest, 'ids' | 'values' | 'settings'> {
  const n = items.length;
  const K = keys.length;
  const values: Record<string, Float64Array> = {};
  const cols = keys.map((key, c) => (values[key] = buffers.f64(c, n)));
  const ids: string[] = new Array(n);
  const settings: RecipientSettings[] = [];
  const [k0, k1, k2, k3] = [0, 1, 2, 3].map((c) => keys[Math.min(c, K - 1)]);
  const [c0, c1, c2, c3] = [0, 1, 2, 3].map((c) => cols[Math.min(c, K - 1)]);
  for (let i = 0; i < n; i++) {
    const item = items[i];
    ids[i] = item.id;
    if (withSettings) {
      const own = settingsOf(item, i);
      if (own !== null) settings.push(own);
    }
    if (K === 0) continue;
    const vals = item.values;
    c0[i] = numberOf(vals?.[k0]);
    if (K > 1) c1[i] = numberOf(vals?.[k1]);
    if (K > 2) c2[i] = numberOf(vals?.[k2]);
    if (K > 3) c3[i] = numberOf(vals?.[k3]);
  }
  for (let c = 4; c < K; c++) {
    const key = keys[c];
    const col = cols[c];
    for (let i = 0; i < n; i++) col[i] = numberOf(items[i].values?.[key]);
  }
  return { ids, values, settings };
}

// Indexes into BOUNDS, for the output columns.
const B_NONE = BOUNDS.indexOf('none');
const B_FLOOR = BOUNDS.indexOf('floor');
const B_CAP = BOUNDS.indexOf('cap');
const B_PINNED = BOUNDS.indexOf('pinned');
const B_INELIGIBLE = BOUNDS.indexOf('ineligible');
const B_RESIDUE = BOUNDS.indexOf('residue');

/**
 * A split done, before its parts are written: per recipient its kind and setting, per sharing
 * recipient (j ↦ recipient share[j]) its state, score, exact share and amount, in working arrays
 * that stay valid until the next split.
 */
interface Split {
  ids: readonly string[];
  kind: Uint8Array;
  own: RecipientSettings[];
  settingAt: Int32Array | null;
  share: Int32Array;
  state: Uint8Array;
  q: Float64Array;
  exact: Float64Array;
  amount: Float64Array;
  residueAt: number;
  residue: number;
  envelope: number;
  reserved: AllocationResult['reserved'];
  reservedTotal: number;
  distributable: number;
}

/** The split itself, on a checked rule and columns; the parts are written by partColumns or partObjects. */
function split(req: AllocationRequest, buffers: Buffers): Result<Split> {
  const { rule, ids, values } = req;
  const { envelope, unit } = rule;
  const n = ids.length;

  const reserved: { id: string; amount: number }[] = [];
  let reservedTotal = 0;
  for (const r of rule.reserved ?? []) {
    const amount = reserveAmount(r, envelope, unit);
    reserved.push({ id: r.id, amount });
    reservedTotal += amount;
  }

  // ---- per-recipient settings: own[settingAt[i]], the later of two settings for one field wins ----
  const own: RecipientSettings[] = [];
  const settingAt = req.settings.length > 0 ? buffers.i32(3, n) : null;
  if (settingAt !== null) {
    settingAt.fill(-1);
    for (const s of req.settings) {
      const at = settingAt[s.index];
      if (at < 0) {
        settingAt[s.index] = own.length;
        own.push(s);
      } else {
        const was = own[at];
        own[at] = {
          index: s.index,
          eligible: s.eligible !== undefined ? s.eligible : was.eligible,
          pinned: s.pinned !== undefined ? s.pinned : was.pinned,
          floor: s.floor !== undefined ? s.floor : was.floor,
          cap: s.cap !== undefined ? s.cap : was.cap,
        };
      }
    }
  }

  // The hot loops live in functions of their own (readRecipients, quantiseScores, holdAtBounds,
  // floorShares, writeParts): V8 optimises each whole, where one long function ran its loops
  // partly unoptimised on every call, boxing their numbers.
  const kind = buffers.u8(0, n, true);
  const share = buffers.i32(0, n);
  const floorOf = buffers.f64(0, n);
  const capOf = buffers.f64(1, n);
  const { ns, pinnedTotal, fault } = readRecipients(req, own, settingAt, kind, share, floorOf, capOf);

  // ---- criterion values of the sharing recipients, checked and totalled --------------------------
  // splitEnvelope reads the first four columns with each recipient and the others after all of
  // them: the first bad value in that order is the one reported. Column totals are exact, so
  // independent of order.
  const keys = readKeys(rule);
  const K = keys.length;
  const sums: number[] = new Array(K);
  let badAt = ns;
  let badKey = -1;
  for (let k = 0; k < Math.min(K, 4); k++) {
    const j = sumColumn(values[keys[k]], share, badAt);
    if (j >= 0) {
      badAt = j;
      badKey = k;
    } else sums[k] = sumOut;
  }
  if (badKey >= 0) return badValue(ids[share[badAt]], keys[badKey]);
  if (fault) return fault;
  for (let k = 4; k < K; k++) {
    const j = sumColumn(values[keys[k]], share, ns);
    if (j >= 0) return badValue(ids[share[j]], keys[k]);
    sums[k] = sumOut;
  }
  if (reservedTotal + pinnedTotal > envelope) {
    return fail('allocation.reserved-exceed', { reserved: reservedTotal, pinned: pinnedTotal, envelope });
  }
  const R = envelope - reservedTotal - pinnedTotal;
  if (ns === 0 && R > 0) return fail('allocation.no-recipients', { available: R });

  // ---- scores -------------------------------------------------------------------------------------
  // A column of zeros says nothing about who needs more: it is left out, and so is its weight.
  const terms: Terms = { col: [], total: [], part: [], factor: [], exact: [] };
  const weights: number[] = [];
  let heaviest = 0;
  for (let k = 0, c = 0; k < rule.criteria.length; k++) {
    const { key, weight } = rule.criteria[k];
    if (weight === 0 || ns === 0) continue;
    const col = key === EQUAL_SHARE ? null : (values[key] as Float64Array);
    const total = col === null ? ns : sums[c++];
    if (total === Infinity) {
      // Only values near the float maximum get here; name the largest as the culprit.
      let top = 0;
      for (let j = 1; j < ns; j++) if (col![share[j]] > col![share[top]]) top = j;
      return badValue(ids[share[top]], key);
    }
    if (!(total > 0)) continue;
    terms.col.push(col);
    terms.total.push(total);
    weights.push(weight);
    heaviest = Math.max(heaviest, weight);
  }
  // Weights as shares of their sum (scaled by the heaviest first, so no sum overflows).
  let weightSum = 0;
  for (const w of weights) weightSum += w / heaviest;
  for (let t = 0; t < weights.length; t++) {
    const part = weights[t] / heaviest / weightSum;
    terms.part.push(part);
    terms.factor.push(part / terms.total[t]);
    // A factor that underflows or overflows falls back to dividing first.
    terms.exact.push(Number.isFinite(part / terms.total[t]));
  }
  const q = buffers.f64(2, ns);
  const { Q, floors, capacity } = quantiseScores(terms, share, ns, q, floorOf, capOf);
  if (Q > 2 * SCORE_SCALE) throw new Error('splitEnvelope: quantised scores overflow (bug)');

  // ---- feasibility --------------------------------------------------------------------------------
  if (floors > R) return fail('allocation.floors-exceed', { floors, available: R });
  if (Q === 0 && R > floors) return fail('allocation.zero-scores', { available: R });
  if (capacity < R) return fail('allocation.caps-too-low', { caps: capacity, available: R });

  // ---- floors and caps, then rounding ---------------------------------------------------------------
  const state = buffers.u8(1, ns, true); // free (0), AT_FLOOR or AT_CAP
  const free = buffers.i32(1, ns);
  const { m, R1, Q1 } = holdAtBounds(q, floorOf, capOf, state, free, buffers.i32(2, ns), ns, R, Q);
  if (R1 < 0) return fail('allocation.floors-exceed', { floors, available: R });
  if (R1 > 0 && (m === 0 || Q1 === 0)) return fail('allocation.caps-too-low', { caps: capacity, available: R });

  const exact = buffers.f64(3, ns);
  const key = buffers.f64(4, ns);
  const amount = floorOf; // each slot is read (for AT_FLOOR) before it is overwritten
  const cand = free; // written at or behind the read position, so in place is safe
  const { nc, floored } = floorShares({ free, m, q, R1, Q1 }, unit, { state, floorOf, capOf }, { amount, exact, key, cand });
  const residue = R1 - floorToUnit(R1, unit);
  const leftover = (R1 - residue - floored) / unit; // whole units, an exact integer
  const needed = leftover + (residue > 0 ? 1 : 0);
  if (leftover < 0 || needed > nc) throw new Error('splitEnvelope: leftover units exceed the remainders (bug)');
  if (needed > 0) selectTop(cand, nc, needed - 1, key, q, ids, share);
  for (let a = 0; a < leftover; a++) amount[cand[a]] += unit;
  const residueAt = residue > 0 ? cand[leftover] : -1;
  if (residueAt >= 0) amount[residueAt] += residue;

  return ok({ ids, kind, own, settingAt, share, state, q, exact, amount, residueAt, residue, envelope, reserved, reservedTotal, distributable: R });
}

/** The parts as columns in the recipients' order, in arrays from `out`; checks that they sum to the envelope. */
function partColumns(s: Split, out: Buffers): AllocationColumns {
  const n = s.kind.length;
  const parts = { amount: out.f64(0, n), score: out.f64(1, n), exact: out.f64(2, n), bound: out.u8(0, n) };
  checkTotal(s, writeParts(parts, s.kind, s.own, s.settingAt, s.state, s.q, s.exact, s.amount, s.residueAt));
  return { ...parts, ...restOf(s) };
}

/** The parts as objects in the recipients' order, written straight from the working arrays (the same
 * numbers partColumns writes); checks that they sum to the envelope. */
function partObjects(s: Split): AllocationResult {
  const { ids, kind, own, settingAt, state, q, exact, amount, residueAt } = s;
  const n = kind.length;
  const parts: AllocationPart[] = new Array(n);
  let total = 0;
  for (let i = 0, j = 0; i < n; i++) {
    if (kind[i] === PINNED) {
      const p = own[settingAt![i]].pinned as number;
      parts[i] = { id: ids[i], score: 0, exact: p, amount: p, bound: 'pinned' };
      total += p;
    } else if (kind[i] === INELIGIBLE) {
      parts[i] = { id: ids[i], score: 0, exact: 0, amount: 0, bound: 'ineligible' };
    } else {
      const st = state[j];
      const bound: Bound = st === AT_FLOOR ? 'floor' : st === AT_CAP ? 'cap' : j === residueAt ? 'residue' : 'none';
      parts[i] = { id: ids[i], score: q[j] / SCORE_SCALE, exact: exact[j], amount: amount[j], bound };
      total += amount[j];
      j++;
    }
  }
  checkTotal(s, total);
  return { parts, ...restOf(s) };
}

/** Throws (a bug) unless the parts and the reserves sum exactly to the envelope. */
function checkTotal(s: Split, partsTotal: number): void {
  if (s.reservedTotal + partsTotal !== s.envelope) throw new Error('splitEnvelope: parts do not sum to the envelope (bug)');
}

/** What a result holds besides its parts. */
function restOf(s: Split): Pick<AllocationResult, 'reserved' | 'residue' | 'distributable'> {
  const residue = s.residueAt >= 0 ? { id: s.ids[s.share[s.residueAt]], amount: s.residue } : null;
  return { reserved: s.reserved, residue, distributable: s.distributable };
}

/**
 * Pins, eligibility and bounds, recipient by recipient: kind[i] for every recipient, and for the
 * sharing ones (eligible, not pinned) j ↦ recipient share[j] with its floor and cap on the unit
 * grid. Stops at the first recipient at fault; criterion values are checked after it, in the order
 * splitEnvelope reads them, so the first fault reported is the same in both forms.
 */
function readRecipients(
  req: AllocationRequest,
  own: RecipientSettings[],
  settingAt: Int32Array | null,
  kind: Uint8Array,
  share: Int32Array,
  floorOf: Float64Array,
  capOf: Float64Array,
): { ns: number; pinnedTotal: number; fault: Result<never> | null } {
  const { rule, ids, values } = req;
  const { unit } = rule;
  const n = ids.length;
  const minimum = Object.entries(rule.eligibility?.minimum ?? {});
  const minCols = minimum.map(([key]) => values[key]);
  // Floors round up and caps down to the unit grid, so they hold whatever the rounding does.
  const ruleFloor = rule.floor === undefined ? 0 : ceilToUnit(rule.floor, unit);
  const ruleCap = rule.cap === undefined ? Infinity : floorToUnit(rule.cap, unit);
  let pinnedTotal = 0;
  let ns = 0;
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    if (typeof id !== 'string' || id === '') return { ns, pinnedTotal, fault: badRule(`recipients[${i}].id=""`) };
    let lo = ruleFloor;
    let hi = ruleCap;
    const at = settingAt === null ? -1 : settingAt[i];
    if (at >= 0) {
      const { pinned, floor, cap, eligible } = own[at];
      if (pinned !== undefined) {
        if (!isAmount(pinned)) return { ns, pinnedTotal, fault: badRule(`recipients["${id}"].pinned=${String(pinned)}`) };
        kind[i] = PINNED;
        pinnedTotal += pinned;
        continue;
      }
      if (floor !== undefined && !isAmount(floor)) return { ns, pinnedTotal, fault: badRule(`recipients["${id}"].floor=${String(floor)}`) };
      if (cap !== undefined && !isAmount(cap)) return { ns, pinnedTotal, fault: badRule(`recipients["${id}"].cap=${String(cap)}`) };
      if (eligible === false) {
        kind[i] = INELIGIBLE;
        continue;
      }
      if (floor !== undefined) lo = ceilToUnit(floor, unit);
      if (cap !== undefined) hi = floorToUnit(cap, unit);
    }
    if (minimum.length > 0) {
      let below = false;
      for (let m = 0; m < minimum.length; m++) {
        const v = minCols[m]?.[i];
        if (v === undefined || !Number.isFinite(v)) return { ns, pinnedTotal, fault: badValue(id, minimum[m][0]) };
        if (v < minimum[m][1]) below = true;
      }
      if (below) {
        kind[i] = INELIGIBLE;
        continue;
      }
    }
    if (lo > hi) {
      const s = at >= 0 ? own[at] : null;
      const f = s?.floor ?? rule.floor ?? 0;
      const c = s?.cap ?? rule.cap ?? 0;
      const detail = f > c ? `recipients["${id}"]: floor=${f} > cap=${c}` : `recipients["${id}"]: no multiple of unit=${unit} from floor=${f} to cap=${c}`;
      return { ns, pinnedTotal, fault: badRule(detail) };
    }
    floorOf[ns] = lo;
    capOf[ns] = hi;
    share[ns++] = i;
  }
  return { ns, pinnedTotal, fault: null };
}

/** The criteria that count, in criteria order: column (null for 'equal'), total, part, factor. */
interface Terms {
  col: (Float64Array | null)[];
  total: number[];
  part: number[];
  factor: number[];
  /** Whether the factor part/total is finite (else the value is divided by the total first). */
  exact: boolean[];
}

/**
 * q[j] = score_j = Σ_t part_t · x_jt / total_t in criteria order (each recipient's sum depends on
 * its own values and the exact totals only, hence not on the order of the recipients), quantised
 * to an integer: they sum to about 2^49, so every later sum of them is exact. A positive score
 * stays positive (at least 1), so quantising never turns a recipient away. Also the sums the
 * feasibility checks need: Q, the floors, and the capacity (caps, or floors for a zero score).
 */
function quantiseScores(
  terms: Terms,
  share: Int32Array,
  ns: number,
  q: Float64Array,
  floorOf: Float64Array,
  capOf: Float64Array,
): { Q: number; floors: number; capacity: number } {
  const T = terms.col.length;
  // One term at a time, each loop over one column: the same additions in the same order as one
  // sum per recipient, and loops the compiler keeps free of boxed numbers.
  q.fill(0);
  for (let t = 0; t < T; t++) {
    const col = terms.col[t];
    if (col === null) addEqual(q, ns, terms.factor[t]);
    else if (terms.exact[t]) addScaled(q, col, share, ns, terms.factor[t]);
    else addDivided(q, col, share, ns, terms.total[t], terms.part[t]);
  }
  let Q = 0;
  let zeros = 0;
  let floors = 0;
  let capacity = 0;
  for (let j = 0; j < ns; j++) {
    const acc = q[j];
    const qj = acc > 0 ? Math.max(1, Math.round(acc * SCORE_SCALE)) : 0;
    q[j] = qj;
    Q += qj;
    floors += floorOf[j];
    if (qj === 0) {
      zeros++;
      capacity += floorOf[j];
    } else capacity += capOf[j];
  }
  // A float product can underflow to 0 with extreme weights or values; the score is positive
  // whenever a column that counts has a positive value, and then it is at least 1.
  if (zeros > 0) {
    for (let j = 0; j < ns; j++) {
      if (q[j] !== 0) continue;
      const i = share[j];
      for (let t = 0; t < T; t++) {
        const col = terms.col[t];
        if (col === null || col[i] > 0) {
          q[j] = 1;
          Q += 1;
          capacity += capOf[j] - floorOf[j];
          break;
        }
      }
    }
  }
  return { Q, floors, capacity };
}

function addEqual(acc: Float64Array, ns: number, factor: number): void {
  for (let j = 0; j < ns; j++) acc[j] += factor;
}

function addScaled(acc: Float64Array, col: Float64Array, share: Int32Array, ns: number, factor: number): void {
  for (let j = 0; j < ns; j++) acc[j] += col[share[j]] * factor;
}

function addDivided(acc: Float64Array, col: Float64Array, share: Int32Array, ns: number, total: number, part: number): void {
  for (let j = 0; j < ns; j++) acc[j] += (col[share[j]] / total) * part;
}

/**
 * Floors and caps: shares R'·q_j/Q' over the free recipients, violators held at their bound and
 * the rest shared again (see step 3 of the rule). Leaves the free recipients in free[0..m) and
 * what they share, R1 over the score total Q1; state[j] says who is held where.
 */
function holdAtBounds(
  q: Float64Array,
  floorOf: Float64Array,
  capOf: Float64Array,
  state: Uint8Array,
  free: Int32Array,
  marked: Int32Array, // this round's floor violators from the front, cap violators from the back
  ns: number,
  R: number,
  Q: number,
): { m: number; R1: number; Q1: number } {
  for (let j = 0; j < ns; j++) free[j] = j;
  let m = ns;
  let R1 = R;
  let Q1 = Q;
  while (m > 0) {
    if (Q1 === 0) {
      // Every free share is zero: floors bind, and feasibility leaves nothing else to share.
      let w = 0;
      for (let a = 0; a < m; a++) {
        const j = free[a];
        if (floorOf[j] > 0) {
          state[j] = AT_FLOOR;
          R1 -= floorOf[j];
        } else free[w++] = j;
      }
      m = w;
      break;
    }
    const ratio = R1 / Q1;
    // One pass: keep the others in `free`, set violators aside. The float share only filters;
    // anything near a bound is decided exactly.
    let excess = 0; // Σ (share − cap) over cap violators, in floats
    let shortfall = 0; // Σ (floor − share) over floor violators, in floats
    let magnitude = 0;
    let under = 0;
    let over = 0;
    let w = 0;
    for (let a = 0; a < m; a++) {
      const j = free[a];
      const e = q[j] * ratio;
      const tol = e * 1e-12 + 1e-6;
      const F = floorOf[j];
      const C = capOf[j];
      if (e < F + tol && (e < F - tol || floorMulDiv(R1, q[j], Q1) < F)) {
        marked[under++] = j;
        shortfall += F - e;
        magnitude += F + e;
      } else if (e > C - tol && (e > C + tol || exceedsCap(R1, q[j], Q1, C))) {
        marked[ns - ++over] = j;
        excess += e - C;
        magnitude += e + C;
      } else free[w++] = j;
    }
    if (under + over === 0) break;
    // Which kind to fix depends on sign(E − D). The float sums decide unless they are too close to
    // call (their error is far below 1e-8 of the magnitude); then it is recomputed exactly.
    let sign = Math.sign(excess - shortfall);
    if (Math.abs(excess - shortfall) <= magnitude * 1e-8 + 1) sign = signExcessMinusShortfall(marked, under, over, q, floorOf, capOf, R1, Q1);
    // E > D: shares must rise, so cap violators stay violators; E < D: floor violators likewise.
    for (let a = 0; a < under; a++) {
      const j = marked[a];
      if (sign <= 0) {
        state[j] = AT_FLOOR;
        R1 -= floorOf[j];
        Q1 -= q[j];
      } else free[w++] = j;
    }
    for (let a = ns - over; a < ns; a++) {
      const j = marked[a];
      if (sign >= 0) {
        state[j] = AT_CAP;
        R1 -= capOf[j];
        Q1 -= q[j];
      } else free[w++] = j;
    }
    m = w;
  }
  return { m, R1, Q1 };
}

/** The recipients left free once the others are held at their bounds, and what they share: R1 by their scores q, which sum to Q1. */
interface FreeShares {
  free: Int32Array;
  m: number;
  q: Float64Array;
  R1: number;
  Q1: number;
}

/** Each recipient's state (free, at its floor, at its cap) and its bounds. */
interface Bounds {
  state: Uint8Array;
  floorOf: Float64Array;
  capOf: Float64Array;
}

/** Where rounding writes: amounts, exact shares, remainders (the keys) and the candidates for the leftover units. */
interface Rounding {
  amount: Float64Array;
  exact: Float64Array;
  key: Float64Array;
  cand: Int32Array;
}

/**
 * Rounding, first step: held recipients get their bound; each free share is floored to the unit,
 * exactly (a float share decides only when it is clearly between two multiples, integer
 * arithmetic otherwise). The free recipients left with a remainder go to cand[0..nc), their
 * remainders to key; `floored` is the sum of the floored shares.
 */
function floorShares(shares: FreeShares, unit: number, bounds: Bounds, out: Rounding): { nc: number; floored: number } {
  const { free, m, q, R1, Q1 } = shares;
  const { state, floorOf, capOf } = bounds;
  const { amount, exact, key, cand } = out;
  for (let j = 0; j < state.length; j++) {
    if (state[j] === AT_FLOOR) exact[j] = floorOf[j];
    else if (state[j] === AT_CAP) amount[j] = exact[j] = capOf[j];
  }
  let nc = 0;
  let floored = 0;
  const ratio = Q1 > 0 ? R1 / Q1 : 0;
  for (let a = 0; a < m; a++) {
    const j = free[a];
    const e = q[j] * ratio;
    let down = floorToUnit(Math.floor(e), unit);
    let positive = true;
    const tol = e * 1e-12 + 1e-6;
    // Near a multiple of the unit the float share may sit on the wrong side: decide exactly.
    if (Q1 === 0) {
      down = 0;
      positive = false;
    } else if (e - down < tol || down + unit - e < tol) {
      const t = floorMulDiv(R1, q[j], Q1);
      down = floorToUnit(t, unit);
      positive = t > down || remOut > 0;
    }
    amount[j] = down;
    exact[j] = e;
    floored += down;
    if (positive) {
      // The same float formula for every key, so a larger score never gets a smaller key.
      key[j] = e - down;
      cand[nc++] = j;
    }
  }
  return { nc, floored };
}

/** The parts in the recipients' order; returns their sum. */
function writeParts(
  parts: Pick<AllocationColumns, 'amount' | 'score' | 'exact' | 'bound'>,
  kind: Uint8Array,
  own: RecipientSettings[],
  settingAt: Int32Array | null,
  state: Uint8Array,
  q: Float64Array,
  exact: Float64Array,
  amount: Float64Array,
  residueAt: number,
): number {
  const { amount: amountOut, score: scoreOut, exact: exactOut, bound: boundOut } = parts;
  let total = 0;
  for (let i = 0, j = 0; i < kind.length; i++) {
    if (kind[i] === PINNED) {
      const p = own[settingAt![i]].pinned as number;
      amountOut[i] = exactOut[i] = p;
      scoreOut[i] = 0;
      boundOut[i] = B_PINNED;
      total += p;
    } else if (kind[i] === INELIGIBLE) {
      amountOut[i] = exactOut[i] = scoreOut[i] = 0;
      boundOut[i] = B_INELIGIBLE;
    } else {
      const s = state[j];
      boundOut[i] = s === AT_FLOOR ? B_FLOOR : s === AT_CAP ? B_CAP : j === residueAt ? B_RESIDUE : B_NONE;
      scoreOut[i] = q[j] / SCORE_SCALE;
      exactOut[i] = exact[j];
      amountOut[i] = amount[j];
      total += amount[j];
      j++;
    }
  }
  return total;
}

/**
 * sign(E − D), exactly, for one round's violators: E = Σ (share − cap) over the cap violators
 * marked[ns − over .. ns), D = Σ (floor − share) over the floor violators marked[0 .. under).
 */
function signExcessMinusShortfall(
  marked: Int32Array,
  under: number,
  over: number,
  q: Float64Array,
  floorOf: Float64Array,
  capOf: Float64Array,
  R1: number,
  Q1: number,
): number {
  // E = IE + loE/Q1 and D = ID − hiD − loD/Q1, with integer parts and remainders kept below Q1.
  let IE = 0;
  let loE = 0;
  let ID = 0;
  let hiD = 0;
  let loD = 0;
  for (let a = 0; a < under; a++) {
    const j = marked[a];
    ID += floorOf[j] - floorMulDiv(R1, q[j], Q1);
    loD += remOut;
    if (loD >= Q1) {
      loD -= Q1;
      hiD += 1;
    }
  }
  for (let a = marked.length - over; a < marked.length; a++) {
    const j = marked[a];
    IE += floorMulDiv(R1, q[j], Q1) - capOf[j];
    loE += remOut;
    if (loE >= Q1) {
      loE -= Q1;
      IE += 1;
    }
  }
  // E − D = A + B/Q1 with A an integer and 0 ≤ B < 2·Q1.
  const A = IE - ID + hiD;
  const B = loE + loD;
  return A >= 0 ? (A > 0 || B > 0 ? 1 : 0) : A === -1 ? Math.sign(B - Q1) : -1;
}

/**
 * Reorders cand[0..n) so that cand[kth] is the (kth+1)-th in remainder order and every element
 * before it precedes it (quickselect, expected linear time). The order is total: larger remainder,
 * then larger score, then smaller id, so the chosen set does not depend on the recipients' order.
 */
function selectTop(cand: Int32Array, n: number, kth: number, key: Float64Array, q: Float64Array, ids: readonly string[], share: Int32Array): void {
  let left = 0;
  let right = n - 1;
  // A fixed pseudo-random pivot sequence keeps adversarial inputs from going quadratic.
  let seed = 0x2545f491;
  while (right > left) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const p = left + (seed % (right - left + 1));
    const pivot = cand[p];
    cand[p] = cand[right];
    cand[right] = pivot;
    const pk = key[pivot];
    const pq = q[pivot];
    let store = left;
    for (let a = left; a < right; a++) {
      const x = cand[a];
      const kx = key[x];
      if (kx > pk || (kx === pk && (q[x] > pq || (q[x] === pq && ids[share[x]] < ids[share[pivot]])))) {
        cand[a] = cand[store];
        cand[store++] = x;
      }
    }
    cand[right] = cand[store];
    cand[store] = pivot;
    if (store === kth) return;
    if (kth < store) right = store - 1;
    else left = store + 1;
  }
}

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EQUAL_SHARE, splitEnvelope } from '../../src/domain/allocate';
import type { AllocationRecipient, AllocationResult, AllocationRule } from '../../src/domain/allocate';
import { MESSAGES, describeProblem } from '../../src/domain/messages';
import type { Problem, Result } from '../../src/domain/model';

const TR = 1_000_000;

const value = (r: Result<AllocationResult>): AllocationResult => {
  if (!r.ok) throw new Error(`expected a split, got ${r.error.code} ${JSON.stringify(r.error.params)}`);
  return r.value;
};
const problem = (r: Result<AllocationResult>): Problem => {
  if (r.ok) throw new Error('expected a failure');
  return r.error;
};
const amounts = (r: AllocationResult) => Object.fromEntries(r.parts.map((p) => [p.id, p.amount]));
const communes = (values: Record<string, Record<string, number>>): AllocationRecipient[] => Object.entries(values).map(([id, v]) => ({ id, values: v }));

// ---- an independent reading of the rule, for the properties ---------------------------------------

const floorTo = (x: number, unit: number) => Math.floor(x / unit) * unit;
const ceilTo = (x: number, unit: number) => Math.ceil(x / unit) * unit;

interface Reading {
  reserves: number[];
  distributable: number;
  sharing: boolean[];
  floor: number[]; // effective, on the unit grid
  cap: number[];
  score: number[]; // Σ (w / Σw) · x / column total
  failure: string | null;
}

/** What the rule means, computed the slow and obvious way (no rounding, no iteration). */
function readRule(rule: AllocationRule): Reading {
  const { envelope, unit, recipients } = rule;
  const reserves = (rule.reserved ?? []).map((r) =>
    r.amount !== undefined ? r.amount : floorTo(Number((BigInt(envelope) * BigInt(Math.round(r.percent! * 100))) / 10_000n), unit),
  );
  const pinned = recipients.reduce((s, r) => s + (r.pinned ?? 0), 0);
  const distributable = envelope - reserves.reduce((a, b) => a + b, 0) - pinned;
  const minimum = Object.entries(rule.eligibility?.minimum ?? {});
  const sharing = recipients.map((r) => r.pinned === undefined && r.eligible !== false && minimum.every(([k, min]) => (r.values[k] as number) >= min));
  const floor = recipients.map((r) => ceilTo(r.floor ?? rule.floor ?? 0, unit));
  const cap = recipients.map((r) => ((r.cap ?? rule.cap) === undefined ? Infinity : floorTo((r.cap ?? rule.cap)!, unit)));
  const n = sharing.filter(Boolean).length;
  const x = (r: AllocationRecipient, key: string) => (key === EQUAL_SHARE ? 1 : (r.values[key] as number));
  const totals = rule.criteria.map(({ key, weight }) => (weight === 0 ? 0 : recipients.reduce((s, r, i) => s + (sharing[i] ? x(r, key) : 0), 0)));
  // Weights that count (those of non-zero columns), as shares of their sum.
  const weights = rule.criteria.reduce((s, c, k) => s + (totals[k] > 0 ? c.weight : 0), 0);
  const score = recipients.map((r, i) => (sharing[i] ? rule.criteria.reduce((s, c, k) => s + (totals[k] > 0 ? (c.weight / weights) * (x(r, c.key) / totals[k]) : 0), 0) : 0));
  // A score is positive when a column that counts has a positive value (whatever floats say).
  const positive = recipients.map((r, i) => sharing[i] && rule.criteria.some((c, k) => totals[k] > 0 && x(r, c.key) > 0));
  const on = (f: (i: number) => number) => recipients.reduce((s, _, i) => s + (sharing[i] ? f(i) : 0), 0);
  const floors = on((i) => floor[i]);
  const capacity = on((i) => (positive[i] ? cap[i] : floor[i]));
  let failure: string | null = null;
  if (recipients.some((_, i) => sharing[i] && floor[i] > cap[i])) failure = 'allocation.bad-rule';
  else if (distributable < 0) failure = 'allocation.reserved-exceed';
  else if (n === 0 && distributable > 0) failure = 'allocation.no-recipients';
  else if (floors > distributable) failure = 'allocation.floors-exceed';
  else if (!positive.some(Boolean) && distributable > floors) failure = 'allocation.zero-scores';
  else if (capacity < distributable) failure = 'allocation.caps-too-low';
  return { reserves, distributable, sharing, floor, cap, score, failure };
}

/**
 * Every promise splitEnvelope makes, as a list of broken ones (empty = all kept). Plain comparisons
 * in O(n log n), so it also runs on 100 000 recipients.
 */
function brokenPromises(rule: AllocationRule, res: AllocationResult): string[] {
  const broken: string[] = [];
  const check = (ok: boolean, what: () => string) => {
    if (!ok && broken.length < 20) broken.push(what());
  };
  const { envelope, unit, recipients } = rule;
  const want = readRule(rule);
  const n = recipients.length;
  check(res.parts.length === n, () => `${res.parts.length} parts for ${n} recipients`);
  check(res.distributable === want.distributable, () => `distributable ${res.distributable} ≠ ${want.distributable}`);
  check(JSON.stringify(res.reserved.map((r) => r.amount)) === JSON.stringify(want.reserves), () => `reserves ${JSON.stringify(res.reserved)}`);

  // Parts and reserves sum exactly to the envelope; no part is negative or fractional.
  let total = want.reserves.reduce((a, b) => a + b, 0);
  for (const p of res.parts) {
    check(Number.isSafeInteger(p.amount) && p.amount >= 0, () => `${p.id}: amount ${p.amount}`);
    total += p.amount;
  }
  check(total === envelope, () => `parts and reserves sum to ${total}, not ${envelope}`);

  const residueAmount = want.distributable % unit;
  let residues = 0;
  let lambda = NaN; // the common amount per unit of score of the free recipients
  let devMin = Infinity;
  let devMax = -Infinity;
  const tol = (x: number) => 0.05 + 1e-12 * Math.abs(x);
  for (let i = 0; i < n; i++) {
    const p = res.parts[i];
    const r = recipients[i];
    check(p.id === r.id, () => `part ${i} is ${p.id}, not ${r.id}`);
    if (r.pinned !== undefined) {
      check(p.amount === r.pinned && p.bound === 'pinned', () => `${p.id}: pinned ${r.pinned}, got ${p.amount} ${p.bound}`);
      continue;
    }
    if (!want.sharing[i]) {
      check(p.amount === 0 && p.bound === 'ineligible', () => `${p.id}: ineligible, got ${p.amount} ${p.bound}`);
      continue;
    }
    // Scores are the documented normalised sums.
    check(Math.abs(p.score - want.score[i]) < 1e-9 * Math.max(1, want.score[i]), () => `${p.id}: score ${p.score} ≠ ${want.score[i]}`);
    // Floors and caps hold; exactly so when the bound binds and is a multiple of the unit.
    const rawFloor = r.floor ?? rule.floor ?? 0;
    const rawCap = r.cap ?? rule.cap ?? Infinity;
    check(p.amount >= rawFloor && p.amount <= rawCap, () => `${p.id}: ${p.amount} outside ${rawFloor}..${rawCap}`);
    if (p.bound === 'floor' || p.bound === 'cap') {
      const bound = p.bound === 'floor' ? want.floor[i] : want.cap[i];
      check(p.amount === bound && p.exact === bound, () => `${p.id}: at ${p.bound} ${bound}, got ${p.amount} (exact ${p.exact})`);
      if (p.bound === 'floor') check(rawFloor % unit !== 0 || p.amount === rawFloor, () => `${p.id}: floor ${rawFloor} not kept`);
      if (p.bound === 'cap') check(rawCap % unit !== 0 || p.amount === rawCap, () => `${p.id}: cap ${rawCap} not kept`);
      continue;
    }
    check(p.bound === 'none' || p.bound === 'residue', () => `${p.id}: bound ${p.bound}`);
    // Multiples of the unit, except the one residue; within one unit of the exact share.
    if (p.bound === 'residue') {
      residues++;
      check(p.amount % unit === residueAmount, () => `${p.id}: residue part ${p.amount}`);
      check(res.residue?.id === p.id && res.residue.amount === residueAmount, () => `residue ${JSON.stringify(res.residue)}`);
    } else {
      check(p.amount % unit === 0, () => `${p.id}: ${p.amount} not a multiple of ${unit}`);
      devMin = Math.min(devMin, p.amount - p.exact);
      devMax = Math.max(devMax, p.amount - p.exact);
    }
    check(Math.abs(p.amount - p.exact) < unit + tol(p.exact), () => `${p.id}: ${p.amount} more than a unit from ${p.exact}`);
    if (p.score > 0 && Number.isNaN(lambda)) lambda = p.exact / p.score;
    if (p.score === 0) check(p.exact === 0, () => `${p.id}: score 0, exact ${p.exact}`);
  }
  check(residues === (residueAmount > 0 ? 1 : 0), () => `${residues} residue parts for a residue of ${residueAmount}`);
  check(residueAmount > 0 || res.residue === null, () => `residue ${JSON.stringify(res.residue)} for none`);
  // Largest remainders: no part left rounded down had a larger remainder than one rounded up.
  check(!(devMax > devMin) || devMax - devMin <= unit + tol(envelope), () => `deviations span ${devMin}..${devMax}`);

  // One rate λ for all free parts; parts held at a floor would get less at λ, at a cap more.
  if (!Number.isNaN(lambda)) {
    for (let i = 0; i < n; i++) {
      const p = res.parts[i];
      if (!want.sharing[i] || p.score === 0) continue;
      const at = lambda * p.score;
      const slack = 1e-9 * Math.max(at, p.amount) + 1;
      if (p.bound === 'floor') check(at <= p.amount + slack, () => `${p.id}: held at floor ${p.amount}, λ gives ${at}`);
      else if (p.bound === 'cap') check(at >= p.amount - slack, () => `${p.id}: held at cap ${p.amount}, λ gives ${at}`);
      else check(Math.abs(at - p.exact) < slack, () => `${p.id}: exact ${p.exact}, λ gives ${at}`);
    }
  }

  // A higher score never gets less than a lower one under the same floor and cap.
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    if (!want.sharing[i]) continue;
    const k = `${want.floor[i]}/${want.cap[i]}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(i);
  }
  for (const members of groups.values()) {
    members.sort((a, b) => res.parts[a].score - res.parts[b].score);
    let lowerMax = -Infinity;
    for (let s = 0; s < members.length;) {
      let e = s;
      let levelMin = Infinity;
      let levelMax = -Infinity;
      while (e < members.length && res.parts[members[e]].score === res.parts[members[s]].score) {
        levelMin = Math.min(levelMin, res.parts[members[e]].amount);
        levelMax = Math.max(levelMax, res.parts[members[e]].amount);
        e++;
      }
      check(levelMin >= lowerMax, () => `score ${res.parts[members[s]].score} gets ${levelMin}, a lower score ${lowerMax}`);
      lowerMax = Math.max(lowerMax, levelMax);
      s = e;
    }
  }
  return broken;
}

const checkSplit = (rule: AllocationRule, res: AllocationResult) => expect(brokenPromises(rule, res)).toEqual([]);

// ---- random rules ---------------------------------------------------------------------------------

const UNITS = [1, 10, 1000, TR];
const valueArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 5000 }), weight: 6 },
  { arbitrary: fc.integer({ min: 0, max: 9999 }).map((x) => x / 100), weight: 2 }, // percentages
  { arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }), weight: 1 },
);
const fraction = (min: number, max: number) => fc.double({ min, max, noNaN: true });
/** The value one time in `odds`, else undefined. */
const sometimes = <T>(arb: fc.Arbitrary<T>, odds: number) => fc.oneof({ arbitrary: fc.constant(undefined), weight: odds - 1 }, { arbitrary: arb, weight: 1 });
const recipientArb = fc.record({
  poor: valueArb,
  nearPoor: valueArb,
  population: valueArb,
  eligible: sometimes(fc.boolean(), 6),
  pinned: sometimes(fraction(0, 0.5), 8),
  floor: sometimes(fraction(0, 1.2), 4),
  cap: sometimes(fraction(0.3, 5), 4),
});
const ruleArb = fc
  .record({
    envelope: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 1e10 }), fc.integer({ min: 0, max: 1e14 })),
    unit: fc.constantFrom(...UNITS),
    weights: fc.record({
      poor: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 }), fraction(0, 1)),
      nearPoor: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 })),
      population: fc.oneof(fc.constant(0), fraction(0, 1)),
      equal: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 })),
    }),
    reserved: fc.array(fc.oneof(fc.record({ amount: fraction(0, 0.3) }), fc.record({ percent: fc.integer({ min: 0, max: 3000 }) })), { maxLength: 2 }),
    recipients: fc.array(recipientArb, { minLength: 1, maxLength: 30 }),
    floor: sometimes(fraction(0, 1), 3),
    cap: sometimes(fraction(1, 4), 3),
    onGrid: fc.boolean(), // floors and caps multiples of the unit
    minimum: sometimes(fc.integer({ min: 0, max: 50 }), 5),
  })
  .map((g): AllocationRule => {
    const n = g.recipients.length;
    const average = g.envelope / n;
    const money = (f: number | undefined, base: number) => {
      if (f === undefined) return undefined;
      const x = Math.round(f * base);
      return g.onGrid ? Math.round(x / g.unit) * g.unit : x;
    };
    return {
      envelope: g.envelope,
      unit: g.unit,
      criteria: Object.entries(g.weights).map(([key, weight]) => ({ key, weight })),
      reserved: g.reserved.map((r, k) =>
        'amount' in r ? { id: `reserve-${k}`, amount: Math.round(r.amount * g.envelope) } : { id: `reserve-${k}`, percent: r.percent / 100 },
      ),
      recipients: g.recipients.map((r, i) => ({
        // Ids whose order is not the input order.
        id: `xa-${(i * 37) % 101}-${i}`,
        values: { poor: r.poor, nearPoor: r.nearPoor, population: r.population },
        eligible: r.eligible,
        pinned: r.pinned === undefined ? undefined : Math.round(r.pinned * average),
        floor: money(r.floor, average),
        cap: money(r.cap, average),
      })),
      floor: money(g.floor, average),
      cap: money(g.cap, average),
      eligibility: g.minimum === undefined ? undefined : { minimum: { poor: g.minimum } },
    };
  });

function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const byId = (r: AllocationResult) => Object.fromEntries(r.parts.map((p) => [p.id, `${p.amount}/${p.bound}`]));

// ---- cases ----------------------------------------------------------------------------------------

describe('splitEnvelope, worked cases', () => {
  it('equal share: 10 000 000 đ among three communes, the odd đồng to the first id, not the first row', () => {
    const r = value(
      splitEnvelope({ envelope: 10_000_000, unit: 1, criteria: [{ key: EQUAL_SHARE, weight: 1 }], recipients: communes({ 'Xã C': {}, 'Xã A': {}, 'Xã B': {} }) }),
    );
    expect(amounts(r)).toEqual({ 'Xã A': 3_333_334, 'Xã B': 3_333_333, 'Xã C': 3_333_333 });
    expect(r.residue).toBeNull();
    expect(r.parts.map((p) => p.score)).toEqual([1 / 3, 1 / 3, 1 / 3].map((s) => expect.closeTo(s, 12)));
  });

  it('poor and near-poor households with an equal part: each column normalised, weights are shares', () => {
    // Shares 0,3125 / 0,1875 / 0,375 / 0,125 of 2.398 triệu: 749,375 / 449,625 / 899,25 / 299,75;
    // floors leave 2 units, which go to the largest remainders (0,75 and 0,625).
    const rule: AllocationRule = {
      envelope: 2_398 * TR,
      unit: TR,
      criteria: [
        { key: 'poor', weight: 0.5 },
        { key: 'nearPoor', weight: 0.3 },
        { key: EQUAL_SHARE, weight: 0.2 },
      ],
      recipients: communes({
        'Lộc Yên': { poor: 120, nearPoor: 150 },
        'Xuân Long': { poor: 80, nearPoor: 50 },
        'Thanh Lò': { poor: 200, nearPoor: 100 },
        'Mẫu Sơn': { poor: 0, nearPoor: 100 },
      }),
    };
    const r = value(splitEnvelope(rule));
    expect(amounts(r)).toEqual({ 'Lộc Yên': 749 * TR, 'Xuân Long': 450 * TR, 'Thanh Lò': 899 * TR, 'Mẫu Sơn': 300 * TR });
    expect(r.parts.map((p) => p.score)).toEqual([0.3125, 0.1875, 0.375, 0.125].map((s) => expect.closeTo(s, 12)));
    expect(r.parts.map((p) => p.exact)).toEqual([749.375, 449.625, 899.25, 299.75].map((x) => expect.closeTo(x * TR, 3)));
    checkSplit(rule, r);
  });

  it('reserves 10 % for Phòng LĐ-TB&XH first, rounded down to the unit (543,6 → 543 triệu)', () => {
    const rule: AllocationRule = {
      envelope: 5_436 * TR,
      unit: TR,
      criteria: [{ key: EQUAL_SHARE, weight: 1 }],
      reserved: [{ id: 'phong-ldtbxh', label: 'Phòng LĐ-TB&XH', percent: 10 }],
      recipients: communes({ 'Hoà Cư': {}, 'Phú Xá': {}, 'Công Sơn': {} }),
    };
    const r = value(splitEnvelope(rule));
    expect(r.reserved).toEqual([{ id: 'phong-ldtbxh', amount: 543 * TR }]);
    expect(r.distributable).toBe(4_893 * TR);
    expect(amounts(r)).toEqual({ 'Hoà Cư': 1_631 * TR, 'Phú Xá': 1_631 * TR, 'Công Sơn': 1_631 * TR });
    expect(value(splitEnvelope({ ...rule, unit: 1 })).reserved).toEqual([{ id: 'phong-ldtbxh', amount: 543_600_000 }]);
    // Hundredths of a percent, exactly (1,73 % of 13.164 triệu = 227,7372 triệu, never 227,737199…).
    const counterpart = value(splitEnvelope({ ...rule, envelope: 13_164 * TR, unit: 1, reserved: [{ id: 'x', percent: 1.73 }] }));
    expect(counterpart.reserved[0].amount).toBe(227_737_200);
  });

  it('keeps a pinned amount exactly and shares the rest', () => {
    const r = value(
      splitEnvelope({
        envelope: 1_000_000_000,
        unit: 1,
        criteria: [{ key: EQUAL_SHARE, weight: 1 }],
        recipients: [
          { id: 'C', values: {} },
          { id: 'A', values: {}, pinned: 123_456_789 },
          { id: 'B', values: {} },
        ],
      }),
    );
    expect(amounts(r)).toEqual({ A: 123_456_789, B: 438_271_606, C: 438_271_605 });
    expect(r.parts.find((p) => p.id === 'A')!.bound).toBe('pinned');
    expect(r.distributable).toBe(876_543_211);
  });

  it('lifts a small commune to its floor and takes the difference from the others', () => {
    const r = value(
      splitEnvelope({
        envelope: 1_000 * TR,
        unit: TR,
        floor: 100 * TR,
        criteria: [{ key: 'poor', weight: 1 }],
        recipients: communes({ A: { poor: 1 }, B: { poor: 99 } }),
      }),
    );
    expect(r.parts.map((p) => [p.id, p.amount, p.bound])).toEqual([
      ['A', 100 * TR, 'floor'],
      ['B', 900 * TR, 'none'],
    ]);
  });

  it('holds a large commune at its cap and shares the excess by score', () => {
    const r = value(
      splitEnvelope({
        envelope: 1_000 * TR,
        unit: TR,
        cap: 500 * TR,
        criteria: [{ key: 'poor', weight: 1 }],
        recipients: communes({ A: { poor: 800 }, B: { poor: 100 }, C: { poor: 100 } }),
      }),
    );
    expect(r.parts.map((p) => [p.id, p.amount, p.bound])).toEqual([
      ['A', 500 * TR, 'cap'],
      ['B', 250 * TR, 'none'],
      ['C', 250 * TR, 'none'],
    ]);
  });

  it('fixes floors and caps together when the excess over caps equals the shortfall under floors', () => {
    // Shares 100 / 200 / 300: a needs 50 more to reach its floor, c gives 50 to stay under its
    // cap, so b keeps its share and both bounds bind.
    const rule: AllocationRule = {
      envelope: 600,
      unit: 1,
      criteria: [{ key: 'poor', weight: 1 }],
      recipients: [
        { id: 'a', values: { poor: 1 }, floor: 150 },
        { id: 'b', values: { poor: 2 } },
        { id: 'c', values: { poor: 3 }, cap: 250 },
      ],
    };
    const r = value(splitEnvelope(rule));
    expect(r.parts.map((p) => [p.id, p.amount, p.bound])).toEqual([
      ['a', 150, 'floor'],
      ['b', 200, 'none'],
      ['c', 250, 'cap'],
    ]);
    checkSplit(rule, r);
  });

  it('fixes only the kind of bound that stays violated when one outweighs the other', () => {
    // Shares 100 / 200 / 300; the floor of a needs 100, the cap of c frees only 20: shares fall,
    // so c ends below its cap and only a is held.
    const rule: AllocationRule = {
      envelope: 600,
      unit: 1,
      criteria: [{ key: 'poor', weight: 1 }],
      recipients: [
        { id: 'a', values: { poor: 1 }, floor: 200 },
        { id: 'b', values: { poor: 2 } },
        { id: 'c', values: { poor: 3 }, cap: 280 },
      ],
    };
    const r = value(splitEnvelope(rule));
    expect(r.parts.map((p) => [p.id, p.amount, p.bound])).toEqual([
      ['a', 200, 'floor'],
      ['b', 160, 'none'],
      ['c', 240, 'none'],
    ]);
  });

  it('leaves a share that lands exactly on its cap free, and a floor equal to the cap holds', () => {
    const r = value(
      splitEnvelope({
        envelope: 30_000_000_000_000,
        unit: TR,
        cap: 10_000_000_000_000,
        criteria: [{ key: EQUAL_SHARE, weight: 1 }],
        recipients: [...communes({ a: {}, b: {}, c: {} }), { id: 'd', values: {}, floor: 0, cap: 0 }],
      }),
    );
    expect(r.parts.map((p) => [p.amount, p.bound])).toEqual([
      [10_000_000_000_000, 'none'],
      [10_000_000_000_000, 'none'],
      [10_000_000_000_000, 'none'],
      [0, 'cap'],
    ]);
  });

  it('rounds to 1 triệu and gives the sub-unit residue to the next remainder in line', () => {
    // 100.000,123456 triệu in three equal shares: 33.333 triệu each, one unit left (to A, first id),
    // then the residue 123.456 đ to the next in the same order (B).
    const r = value(splitEnvelope({ envelope: 100_000_123_456, unit: TR, criteria: [{ key: EQUAL_SHARE, weight: 1 }], recipients: communes({ C: {}, B: {}, A: {} }) }));
    expect(amounts(r)).toEqual({ A: 33_334 * TR, B: 33_333_123_456, C: 33_333 * TR });
    expect(r.residue).toEqual({ id: 'B', amount: 123_456 });
    expect(r.parts.find((p) => p.id === 'B')!.bound).toBe('residue');
  });

  it('puts the residue of an odd reserve after the whole units, by remainder, not by id', () => {
    // 9.999,5 triệu by 1 : 2 : 7 → 999,95 / 1.999,9 / 6.999,65; two whole units go to A and B,
    // the 0,5 triệu residue to C, whose remainder comes next.
    const r = value(
      splitEnvelope({
        envelope: 10_000 * TR,
        unit: TR,
        criteria: [{ key: 'poor', weight: 1 }],
        reserved: [{ id: 'du-phong', amount: 500_000 }],
        recipients: communes({ A: { poor: 1 }, B: { poor: 2 }, C: { poor: 7 } }),
      }),
    );
    expect(amounts(r)).toEqual({ A: 1_000 * TR, B: 2_000 * TR, C: 6_999_500_000 });
    expect(r.residue).toEqual({ id: 'C', amount: 500_000 });
  });

  it('gives ineligible recipients nothing and ignores their values, and those of weight-0 columns', () => {
    const r = value(
      splitEnvelope({
        envelope: 900,
        unit: 1,
        criteria: [
          { key: 'poor', weight: 1 },
          { key: 'area', weight: 0 },
        ],
        eligibility: { minimum: { poor: 10 } },
        recipients: [
          { id: 'a', values: { poor: 20, area: null } },
          { id: 'b', values: { poor: 5 } },
          { id: 'c', values: { poor: null }, eligible: false },
          { id: 'd', values: { poor: 40 } },
        ],
      }),
    );
    expect(r.parts.map((p) => [p.id, p.amount, p.bound])).toEqual([
      ['a', 300, 'none'],
      ['b', 0, 'ineligible'],
      ['c', 0, 'ineligible'],
      ['d', 600, 'none'],
    ]);
  });

  it('splits nothing when nothing is left, and allows no recipients then', () => {
    const all = value(splitEnvelope({ envelope: 500, unit: 1, criteria: [], reserved: [{ id: 'r', amount: 500 }], recipients: [] }));
    expect(all).toEqual({ parts: [], reserved: [{ id: 'r', amount: 500 }], residue: null, distributable: 0 });
    const zero = value(splitEnvelope({ envelope: 0, unit: TR, criteria: [{ key: 'poor', weight: 1 }], recipients: communes({ a: { poor: 0 } }) }));
    expect(zero.parts[0].amount).toBe(0);
  });

  it('reads −0 as 0 and the smallest numbers exactly, and refuses a negative one however small', () => {
    const rule: AllocationRule = {
      envelope: 1_000,
      unit: 1,
      criteria: [{ key: 'poor', weight: 1 }],
      recipients: communes({ a: { poor: -0 }, b: { poor: 5e-324 }, c: { poor: 1e-320 } }),
    };
    // 5e-324 and 1e-320 are 1 and 2024 times the smallest subnormal: shares 1 : 2024.
    expect(amounts(value(splitEnvelope(rule)))).toEqual({ a: 0, b: 0, c: 1_000 });
    expect(value(splitEnvelope(rule)).parts[1].score).toBeCloseTo(1 / 2025, 15);
    expect(problem(splitEnvelope({ ...rule, recipients: communes({ a: { poor: 1 }, b: { poor: -5e-324 } }) }))).toEqual({
      code: 'allocation.bad-value',
      params: { recipient: 'b', column: 'poor' },
    });
  });

  it('is exact to the đồng at 10^14 đ with a unit of 1 đồng', () => {
    const rule: AllocationRule = {
      envelope: 99_999_999_999_999,
      unit: 1,
      criteria: [{ key: 'poor', weight: 1 }],
      recipients: communes({ a: { poor: 1 }, b: { poor: 2 }, c: { poor: 4 } }),
    };
    const r = value(splitEnvelope(rule));
    // 99.999.999.999.999 / 7 = 14.285.714.285.714,14…; shares 1, 2, 4 of those.
    expect(amounts(r)).toEqual({ a: 14_285_714_285_714, b: 28_571_428_571_428, c: 57_142_857_142_857 });
    checkSplit(rule, r);
  });
});

describe('splitEnvelope, failures are values', () => {
  const base: AllocationRule = {
    envelope: 1_000,
    unit: 1,
    criteria: [{ key: 'poor', weight: 1 }],
    recipients: communes({ a: { poor: 1 }, b: { poor: 2 }, c: { poor: 3 } }),
  };
  const cases: [string, AllocationRule, Problem][] = [
    [
      'reserves and pins above the envelope',
      { ...base, reserved: [{ id: 'r', amount: 600 }], recipients: [...base.recipients, { id: 'p', values: {}, pinned: 500 }] },
      { code: 'allocation.reserved-exceed', params: { reserved: 600, pinned: 500, envelope: 1_000 } },
    ],
    ['floors above what is left', { ...base, floor: 400 }, { code: 'allocation.floors-exceed', params: { floors: 1_200, available: 1_000 } }],
    ['caps too low', { ...base, cap: 300 }, { code: 'allocation.caps-too-low', params: { caps: 900, available: 1_000 } }],
    [
      'caps too low once the zero scores are left out',
      { ...base, cap: 400, recipients: communes({ a: { poor: 0 }, b: { poor: 2 }, c: { poor: 3 } }) },
      { code: 'allocation.caps-too-low', params: { caps: 800, available: 1_000 } },
    ],
    ['all scores zero', { ...base, recipients: communes({ a: { poor: 0 }, b: { poor: 0 } }) }, { code: 'allocation.zero-scores', params: { available: 1_000 } }],
    ['a negative value', { ...base, recipients: communes({ a: { poor: 1 }, b: { poor: -2 } }) }, { code: 'allocation.bad-value', params: { recipient: 'b', column: 'poor' } }],
    [
      'a missing value',
      {
        ...base,
        recipients: [
          { id: 'a', values: { poor: 1 } },
          { id: 'b', values: { poor: null } },
        ],
      },
      { code: 'allocation.bad-value', params: { recipient: 'b', column: 'poor' } },
    ],
    ['NaN', { ...base, recipients: communes({ a: { poor: NaN } }) }, { code: 'allocation.bad-value', params: { recipient: 'a', column: 'poor' } }],
    ['no values at all', { ...base, recipients: [{ id: 'a', values: {} }] }, { code: 'allocation.bad-value', params: { recipient: 'a', column: 'poor' } }],
    [
      'a missing value under a minimum',
      { ...base, eligibility: { minimum: { nearPoor: 1 } } },
      { code: 'allocation.bad-value', params: { recipient: 'a', column: 'nearPoor' } },
    ],
    ['nobody eligible', { ...base, recipients: base.recipients.map((r) => ({ ...r, eligible: false })) }, { code: 'allocation.no-recipients', params: { available: 1_000 } }],
    ['no recipients', { ...base, recipients: [] }, { code: 'allocation.no-recipients', params: { available: 1_000 } }],
  ];
  it.each(cases)('%s', (_name, rule, want) => expect(problem(splitEnvelope(rule))).toEqual(want));

  const badRules: [string, Partial<AllocationRule>][] = [
    ['a negative envelope', { envelope: -1 }],
    ['a fractional envelope', { envelope: 1.5 }],
    ['a unit of 0', { unit: 0 }],
    ['a fractional unit', { unit: 0.5 }],
    ['a negative weight', { criteria: [{ key: 'poor', weight: -1 }] }],
    ['an infinite weight', { criteria: [{ key: 'poor', weight: Infinity }] }],
    [
      'a criterion twice',
      {
        criteria: [
          { key: 'poor', weight: 1 },
          { key: 'poor', weight: 2 },
        ],
      },
    ],
    ['a reserve with amount and percent', { reserved: [{ id: 'r', amount: 1, percent: 1 }] }],
    ['a reserve finer than 0,01 %', { reserved: [{ id: 'r', percent: 10.555 }] }],
    ['a reserve above 100 %', { reserved: [{ id: 'r', percent: 101 }] }],
    ['a fractional pin', { recipients: [{ id: 'a', values: { poor: 1 }, pinned: 0.5 }] }],
    ['a negative floor', { recipients: [{ id: 'a', values: { poor: 1 }, floor: -1 }] }],
    ['a floor above the cap', { recipients: [{ id: 'a', values: { poor: 1 }, floor: 20, cap: 10 }] }],
    ['no multiple of the unit between floor and cap', { unit: 10, recipients: [{ id: 'a', values: { poor: 1 }, floor: 11, cap: 19 }] }],
    ['a recipient without id', { recipients: [{ id: '', values: { poor: 1 } }] }],
    ['a minimum that is not a number', { eligibility: { minimum: { poor: NaN } } }],
  ];
  it.each(badRules)('refuses %s as a bad rule', (_name, change) => {
    const p = problem(splitEnvelope({ ...base, ...change }));
    expect(p.code).toBe('allocation.bad-rule');
    expect(String(p.params?.detail).length).toBeGreaterThan(0);
  });

  it('has a sentence in each language for every code it returns, with every param filled', () => {
    const problems = [...cases.map(([, rule]) => problem(splitEnvelope(rule))), problem(splitEnvelope({ ...base, unit: 0 }))];
    expect(new Set(problems.map((p) => p.code)).size).toBe(7);
    for (const p of problems) {
      expect(Object.keys(MESSAGES)).toContain(p.code);
      for (const lang of ['vi', 'en'] as const) expect(describeProblem(p, lang)).not.toMatch(/\{\w+\}/);
    }
  });
});

describe('splitEnvelope, properties', () => {
  it('keeps every promise on thousands of random rules, and fails only when the rule cannot be met', () => {
    let splits = 0;
    fc.assert(
      fc.property(ruleArb, (rule) => {
        const r = splitEnvelope(rule);
        const { failure } = readRule(rule);
        if (!r.ok) {
          expect(r.error.code).toBe(failure);
          return;
        }
        expect(failure).toBeNull();
        checkSplit(rule, r.value);
        splits++;
      }),
      { numRuns: 4000 },
    );
    // The generator must mostly make rules that can be met, or the properties test little.
    expect(splits).toBeGreaterThan(2000);
  });

  it('gives the same amount per id whatever the order of the recipients', () => {
    fc.assert(
      fc.property(ruleArb, fc.integer(), (rule, seed) => {
        const a = splitEnvelope(rule);
        const b = splitEnvelope({ ...rule, recipients: shuffled(rule.recipients, seed) });
        expect(b.ok).toBe(a.ok);
        if (a.ok && b.ok) {
          expect(byId(b.value)).toEqual(byId(a.value));
          expect(b.value.residue).toEqual(a.value.residue);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('handles ties, zeros and one recipient', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e14 }),
        fc.constantFrom(...UNITS),
        fc.array(fc.constantFrom(0, 1, 2), { minLength: 1, maxLength: 12 }),
        (envelope, unit, poor) => {
          const rule: AllocationRule = {
            envelope,
            unit,
            criteria: [
              { key: 'poor', weight: 3 },
              { key: EQUAL_SHARE, weight: 1 },
            ],
            recipients: poor.map((p, i) => ({ id: `${(i * 5) % 13}-${i}`, values: { poor: p } })),
          };
          checkSplit(rule, value(splitEnvelope(rule)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keeps every promise with 100 000 recipients, floors, caps and a residue, in any order', () => {
    let s = 12345;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const n = 100_000;
    const envelope = 87_654_321_098_765;
    const recipients: AllocationRecipient[] = Array.from({ length: n }, (_, i) => ({
      id: `commune-${(i * 7919) % n}`,
      values: { poor: Math.floor(rnd() * 800), nearPoor: Math.floor(rnd() * 3) * 100, ethnicShare: Math.round(rnd() * 10_000) / 100 },
      ...(i % 997 === 0 ? { pinned: 123_456_789 } : {}),
      ...(i % 1009 === 0 ? { eligible: false } : {}),
    }));
    const rule: AllocationRule = {
      envelope,
      unit: 1000,
      criteria: [
        { key: 'poor', weight: 0.5 },
        { key: 'nearPoor', weight: 0.2 },
        { key: 'ethnicShare', weight: 0.1 },
        { key: EQUAL_SHARE, weight: 0.2 },
      ],
      reserved: [
        { id: 'phong-ldtbxh', percent: 10 },
        { id: 'du-phong', amount: 777 },
      ],
      recipients,
      floor: 300_000_000,
      cap: 1_200_000_000,
    };
    const r = value(splitEnvelope(rule));
    checkSplit(rule, r);
    const bounds = new Set(r.parts.map((p) => p.bound));
    for (const b of ['none', 'floor', 'cap', 'pinned', 'ineligible', 'residue']) expect(bounds).toContain(b);
    expect(byId(value(splitEnvelope({ ...rule, recipients: shuffled(recipients, 99) })))).toEqual(byId(r));
  });
});

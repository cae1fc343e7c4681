import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromColumns, requestOfRule, splitColumns, splitEnvelope, type AllocationRule } from '../../src/domain/allocate';
import { fromRequest, toRequest } from '../../src/domain/allocate-columns';
import { expectSameSplit } from './same-split';

const ruleArb = fc.record({
  envelope: fc.integer({ min: 0, max: 1e12 }),
  unit: fc.constantFrom(1, 1000, 1_000_000),
  recipients: fc.array(
    fc.record({
      poor: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
      households: fc.integer({ min: 0, max: 5000 }),
      pinned: fc.option(fc.integer({ min: 0, max: 1e6 }), { nil: undefined }),
      eligible: fc.option(fc.boolean(), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 40 },
  ),
});

describe('allocation across the worker boundary as columns', () => {
  it('a rule survives the trip to columns and back unchanged', () => {
    fc.assert(
      fc.property(ruleArb, (spec) => {
        const rule: AllocationRule = {
          envelope: spec.envelope,
          unit: spec.unit,
          criteria: [
            { key: 'poor', weight: 0.7 },
            { key: 'households', weight: 0.3 },
          ],
          recipients: spec.recipients.map((r, i) => {
            const rec: AllocationRule['recipients'][number] = { id: `r${i}`, values: { poor: r.poor, households: r.households } };
            if (r.pinned !== undefined) rec.pinned = r.pinned;
            if (r.eligible !== undefined) rec.eligible = r.eligible;
            return rec;
          }),
        };
        expect(fromRequest(toRequest(rule))).toEqual(rule);
      }),
      { numRuns: 300 },
    );
  });

  it('the columnar split gives exactly what splitEnvelope gives, failures included', () => {
    fc.assert(
      fc.property(ruleArb, (spec) => {
        const rule: AllocationRule = {
          envelope: spec.envelope,
          unit: spec.unit,
          criteria: [{ key: 'poor', weight: 1 }],
          recipients: spec.recipients.map((r, i) => ({ id: `r${i}`, values: { poor: r.poor ?? 0 }, pinned: r.pinned })),
        };
        expectSameSplit(splitEnvelope(rule), toRequest(rule));
      }),
      { numRuns: 500 },
    );
  });
});

// Rules with everything the split reads: more than four criteria (the fifth is read in a second
// pass), 'equal', weight-0 columns, a minimum, floors, caps, pins, reserves, and now and then an
// unknown or bad value, so failures are compared too.
const cell = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 60 }), weight: 6 }, { arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }), weight: 1 });
/** The value one time in `odds`, else undefined. */
const sometimes = <T>(arb: fc.Arbitrary<T>, odds: number) => fc.oneof({ arbitrary: fc.constant(undefined), weight: odds - 1 }, { arbitrary: arb, weight: 1 });
const bound = (min: number, max: number) => sometimes(fc.integer({ min, max }), 3);
const KEYS = ['a', 'b', 'c', 'd', 'e', 'f'];
const richRuleArb = fc
  .record({
    envelope: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 1e14 })),
    unit: fc.constantFrom(1, 10, 1000),
    weights: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 })), { minLength: 7, maxLength: 7 }),
    reserve: sometimes(fc.integer({ min: 0, max: 1000 }), 2),
    floor: bound(0, 800),
    cap: bound(800, 1e13),
    minimum: sometimes(fc.integer({ min: 0, max: 20 }), 3),
    // One value (recipient, column) unknown or bad.
    spoil: sometimes(fc.tuple(fc.nat(), fc.nat(5), fc.constantFrom(null, -1, Number.NaN, Infinity)), 4),
    recipients: fc.array(
      fc.record({
        values: fc.tuple(cell, cell, cell, cell, cell, cell),
        eligible: sometimes(fc.boolean(), 6),
        pinned: sometimes(fc.integer({ min: 0, max: 500 }), 8),
        floor: bound(0, 800),
        cap: bound(800, 1e13),
      }),
      { minLength: 1, maxLength: 30 },
    ),
  })
  .map((g): AllocationRule => {
    const rows: (number | null)[][] = g.recipients.map((r) => [...r.values]);
    if (g.spoil) rows[g.spoil[0] % rows.length][g.spoil[1]] = g.spoil[2];
    return {
      envelope: g.envelope,
      unit: g.unit,
      criteria: [...KEYS, 'equal'].map((key, k) => ({ key, weight: g.weights[k] })),
      reserved: g.reserve === undefined ? [] : [{ id: 'reserve', amount: g.reserve }],
      floor: g.floor,
      cap: g.cap,
      eligibility: g.minimum === undefined ? undefined : { minimum: { b: g.minimum } },
      recipients: g.recipients.map((r, i) => ({
        id: `xa-${(i * 37) % 101}-${i}`,
        values: Object.fromEntries(KEYS.map((key, k) => [key, rows[i][k]])),
        eligible: r.eligible,
        pinned: r.pinned,
        floor: r.floor,
        cap: r.cap,
      })),
    };
  });

describe('splitColumns, the columnar entry point', () => {
  it('gives exactly what splitEnvelope gives on random rules, failures included', () => {
    let splits = 0;
    fc.assert(
      fc.property(richRuleArb, (rule) => {
        const objects = splitEnvelope(rule);
        if (expectSameSplit(objects, toRequest(rule))) splits++;
        // The columns splitEnvelope itself reads (only those of the criteria that count) split alike.
        const read = requestOfRule(rule);
        if (read.ok) expectSameSplit(objects, read.value);
        else expect(read).toEqual(objects);
      }),
      { numRuns: 3000 },
    );
    expect(splits).toBeGreaterThan(1000);
  });

  it('returns new arrays each time (they are transferred), never the ones it keeps', () => {
    const rule: AllocationRule = {
      envelope: 1000,
      unit: 1,
      criteria: [{ key: 'poor', weight: 1 }],
      recipients: [
        { id: 'a', values: { poor: 1 } },
        { id: 'b', values: { poor: 3 } },
      ],
    };
    const first = splitColumns(toRequest(rule));
    const second = splitColumns(toRequest({ ...rule, envelope: 2000 }));
    if (!first.ok || !second.ok) throw new Error('expected splits');
    expect([...first.value.amount]).toEqual([250, 750]);
    expect([...second.value.amount]).toEqual([500, 1500]);
  });

  it('merges two settings for one recipient field by field, the later winning', () => {
    const req = toRequest({ envelope: 1000, unit: 1, criteria: [{ key: 'equal', weight: 1 }], recipients: ['a', 'b', 'c'].map((id) => ({ id, values: {} })) });
    // a: floor 600 from the first, cap 700 from the second; b pinned; c shares with a.
    req.settings = [
      { index: 0, floor: 600, cap: 300 },
      { index: 0, cap: 700 },
      { index: 1, pinned: 100 },
    ];
    const r = splitColumns(req);
    if (!r.ok) throw new Error(r.error.code);
    expect(fromColumns(req.ids, r.value).parts.map((p) => [p.id, p.amount, p.bound])).toEqual([
      ['a', 600, 'floor'],
      ['b', 100, 'pinned'],
      ['c', 300, 'none'],
    ]);
    expect(splitColumns(req)).toEqual(splitColumns(toRequest(fromRequest(req))));
  });

  it('refuses columns that do not fit the recipients as a bad rule, naming the culprit', () => {
    const req = toRequest({
      envelope: 1000,
      unit: 1,
      criteria: [{ key: 'poor', weight: 1 }],
      recipients: [
        { id: 'a', values: { poor: 1 } },
        { id: 'b', values: { poor: 2 } },
      ],
    });
    const detail = (r: ReturnType<typeof splitColumns>) => (r.ok ? null : [r.error.code, r.error.params?.detail]);
    expect(detail(splitColumns({ ...req, values: { poor: new Float64Array(1) } }))).toEqual(['allocation.bad-rule', 'values["poor"]']);
    expect(detail(splitColumns({ ...req, settings: [{ index: 2, pinned: 1 }] }))).toEqual(['allocation.bad-rule', 'settings[0].index=2']);
    // A column the rule reads but the request lacks is an unknown value, as in the object form.
    expect(splitColumns({ ...req, values: {} })).toEqual(
      splitEnvelope({
        ...fromRequest(req),
        recipients: [
          { id: 'a', values: {} },
          { id: 'b', values: {} },
        ],
      }),
    );
  });
});

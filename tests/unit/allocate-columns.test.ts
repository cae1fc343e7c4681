import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { splitEnvelope, type AllocationRule } from '../../src/domain/allocate';
import { fromColumns, fromRequest, splitColumns, toRequest } from '../../src/domain/allocate-columns';

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
          criteria: [{ key: 'poor', weight: 0.7 }, { key: 'households', weight: 0.3 }],
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
        const direct = splitEnvelope(rule);
        const req = toRequest(rule);
        const viaColumns = splitColumns(req);
        expect(viaColumns.ok).toBe(direct.ok);
        if (direct.ok && viaColumns.ok) expect(fromColumns(req.ids, viaColumns.value)).toEqual(direct.value);
        if (!direct.ok && !viaColumns.ok) expect(viaColumns.error).toEqual(direct.error);
      }),
      { numRuns: 500 },
    );
  });
});

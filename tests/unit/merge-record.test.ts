// Two tabs' edits of one record: what this tab changed (base → after) lands on what is stored,
// and nothing else of the stored record is touched.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeRecord } from '../../src/db/workbook-repo';

describe('mergeRecord', () => {
  it('keeps the other tab’s fields, nested values and keyed entries', () => {
    const base = {
      name: 'A',
      values: { households: 1, poor: 2 },
      counterpart: [
        { year: 2023, capital: 'investment', percent: 1 },
        { year: 2023, capital: 'recurrent', percent: 1 },
      ],
    };
    const stored = { ...base, values: { households: 1, poor: 99 }, counterpart: [base.counterpart[0], { ...base.counterpart[1], percent: 2.5 }] };
    const after = { ...base, name: 'B', values: { households: 1234, poor: 2 }, counterpart: [{ ...base.counterpart[0], percent: 5 }, base.counterpart[1]] };
    expect(mergeRecord(stored, base, after)).toEqual({
      name: 'B',
      values: { households: 1234, poor: 99 },
      counterpart: [
        { year: 2023, capital: 'investment', percent: 5 },
        { year: 2023, capital: 'recurrent', percent: 2.5 },
      ],
    });
  });

  it('adds and removes whole objects and entries as this tab did', () => {
    const stored: Record<string, unknown> = { id: 'l', notes: { plan: 'x' }, stated: [{ year: 2022, plan: 1 }] };
    expect(mergeRecord(stored, { id: 'l' }, { id: 'l', notes: { disbursed: 'y' } })).toEqual({
      id: 'l',
      notes: { plan: 'x', disbursed: 'y' },
      stated: [{ year: 2022, plan: 1 }],
    });
    expect(mergeRecord(stored, { id: 'l', notes: { plan: 'x' } }, { id: 'l' })).toEqual({ id: 'l', stated: [{ year: 2022, plan: 1 }] });
    expect(mergeRecord(stored, { id: 'l', stated: [{ year: 2022, plan: 1 }] }, { id: 'l', stated: [] })).toEqual({ id: 'l', notes: { plan: 'x' }, stated: [] });
  });

  it('gives the stored record when this tab changed nothing, and this tab’s record when nothing else changed (property)', () => {
    const rec = fc.record({
      a: fc.integer(),
      b: fc.string(),
      v: fc.dictionary(fc.constantFrom('x', 'y', 'z'), fc.integer()),
      list: fc.uniqueArray(fc.record({ key: fc.constantFrom('p', 'q', 'r'), n: fc.integer() }), { selector: (e) => e.key }),
      months: fc.array(fc.oneof(fc.double(), fc.constant(null)), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(rec, rec, rec, (stored, base, after) => {
        expect(mergeRecord(stored, base, base)).toEqual(stored);
        expect(mergeRecord(base, base, after)).toEqual(after);
      }),
    );
  });

  it('keeps a list of months another tab changed, and takes this tab’s months over the base (property)', () => {
    const months = fc.array(fc.oneof(fc.integer(), fc.constantFrom(null, Number.NaN)), { minLength: 12, maxLength: 12 });
    fc.assert(
      fc.property(months, months, months, (mine, theirs, base) => {
        const line = { id: 'l', plan: 1, months: base };
        // Only this tab changed the months: its list lands; only the other did: the stored list stays.
        expect(mergeRecord({ ...line, plan: 2 }, line, { ...line, months: mine })).toEqual({ id: 'l', plan: 2, months: mine });
        expect(mergeRecord({ ...line, months: theirs }, line, { ...line, plan: 3 })).toEqual({ id: 'l', plan: 3, months: theirs });
      }),
    );
  });
});

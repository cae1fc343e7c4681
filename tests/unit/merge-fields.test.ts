// The conflicts of the per-field merge, and applying an operation's record edits: a field changed
// by someone else and overwritten by this edit is reported with the value kept; fields merged
// cleanly are not; a record deleted, created twice or edited after a deletion says so too.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { equalValues, mergeFields, mergeRecord } from '../../src/domain/merge-fields';
import { applyPulledOperation, applyRecordEdit, recordEditsOf, recordKey, type SyncedRecord } from '../../src/domain/sync';

describe('mergeFields', () => {
  it('reports a field two edits changed from the same base, keeping the stored value', () => {
    const base = { id: 'l', plan: 1, label: 'a', notes: { plan: 'x' } };
    const stored = { ...base, plan: 2, notes: { plan: 'y' } };
    const after = { ...base, plan: 3, label: 'b', notes: { plan: 'z' } };
    const r = mergeFields(stored, base, after);
    expect(r.value).toEqual({ id: 'l', plan: 3, label: 'b', notes: { plan: 'z' } });
    expect(r.conflicts).toEqual([
      { path: ['plan'], base: 1, kept: 2, shown: 3 },
      { path: ['notes', 'plan'], base: 'x', kept: 'y', shown: 'z' },
    ]);
  });

  it('reports nothing where the other edit changed other fields or made the same change', () => {
    const base = { id: 'l', plan: 1, label: 'a', values: { poor: 1, households: 2 } };
    const stored = { ...base, label: 'other', plan: 5, values: { poor: 9, households: 2 } };
    const after = { ...base, plan: 5, values: { poor: 1, households: 3 } };
    expect(mergeFields(stored, base, after)).toEqual({ value: { id: 'l', plan: 5, label: 'other', values: { poor: 9, households: 3 } }, conflicts: [] });
  });

  it('reports keyed entries by their key, and an entry one removed while the other changed it', () => {
    const base = {
      counterpart: [
        { year: 2023, capital: 'investment', percent: 1 },
        { year: 2023, capital: 'recurrent', percent: 1 },
      ],
    };
    const stored = {
      counterpart: [
        { year: 2023, capital: 'investment', percent: 2 },
        { year: 2023, capital: 'recurrent', percent: 4 },
      ],
    };
    const after = { counterpart: [{ year: 2023, capital: 'investment', percent: 3 }] };
    const r = mergeFields(stored, base, after);
    expect(r.value).toEqual({ counterpart: [{ year: 2023, capital: 'investment', percent: 3 }] });
    expect(r.conflicts.map((c) => c.path)).toEqual([
      ['counterpart', 'year:2023|investment', 'percent'],
      ['counterpart', 'year:2023|recurrent'],
    ]);
  });

  it('merges exactly as mergeRecord does, and reports nothing when nobody else changed the record (property)', () => {
    const rec = fc.record({
      a: fc.integer({ min: 0, max: 3 }),
      b: fc.constantFrom('x', 'y'),
      v: fc.dictionary(fc.constantFrom('p', 'q'), fc.integer({ min: 0, max: 2 })),
      list: fc.uniqueArray(fc.record({ key: fc.constantFrom('k', 'm'), n: fc.integer({ min: 0, max: 2 }) }), { selector: (e) => e.key }),
    });
    fc.assert(
      fc.property(rec, rec, rec, (stored, base, after) => {
        expect(mergeFields(stored, base, after).value).toEqual(mergeRecord(stored, base, after));
        expect(mergeFields(base, base, after).conflicts).toEqual([]);
        // Every conflict names a field whose kept value is what was stored there.
        for (const c of mergeFields(stored, base, after).conflicts) expect(equalValues(c.kept, c.shown)).toBe(false);
      }),
    );
  });

  it('compares values by content, whatever the order of their keys', () => {
    expect(equalValues({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 })).toBe(true);
    expect(equalValues({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(equalValues([1, 2], [2, 1])).toBe(false);
  });
});

describe('applyRecordEdit', () => {
  const l = { id: 'l', plan: 1 };
  it('deletes, keeping a record edited meanwhile as a conflict', () => {
    expect(applyRecordEdit(l, { kind: 'line', scope: 's', id: 'l', before: l, after: null })).toEqual({ value: null, conflicts: [] });
    expect(applyRecordEdit({ ...l, plan: 2 }, { kind: 'line', scope: 's', id: 'l', before: l, after: null }).conflicts).toEqual([
      { path: [], base: l, kept: { ...l, plan: 2 }, shown: undefined },
    ]);
  });
  it('puts back a record deleted meanwhile when it is edited, saying so', () => {
    expect(applyRecordEdit(null, { kind: 'line', scope: 's', id: 'l', before: l, after: { ...l, plan: 5 } })).toEqual({
      value: { ...l, plan: 5 },
      conflicts: [{ path: [], base: l, kept: undefined, shown: { ...l, plan: 5 } }],
    });
  });
  it('never calls the workbook’s write time a conflict', () => {
    const wb = { id: 'w', name: 'a', updatedAt: 1 };
    const r = applyRecordEdit({ ...wb, updatedAt: 2 }, { kind: 'workbook', scope: '', id: 'w', before: wb, after: { ...wb, updatedAt: 3, name: 'b' } });
    expect(r).toEqual({ value: { id: 'w', name: 'b', updatedAt: 3 }, conflicts: [] });
  });
});

describe('applyPulledOperation', () => {
  it('skips records already written by that operation or a later one (a snapshot read after it)', () => {
    const records = new Map<string, SyncedRecord>([[recordKey('line', 's', 'l'), { data: { id: 'l', plan: 9 }, seq: 5 }]]);
    const op = { scenarioId: 's', change: { lines: [{ before: { id: 'l', plan: 1 } as never, after: { id: 'l', plan: 2 } as never }] } };
    applyPulledOperation(records, op, 4);
    expect(records.get(recordKey('line', 's', 'l'))).toEqual({ data: { id: 'l', plan: 9 }, seq: 5 });
    applyPulledOperation(records, op, 6);
    expect(records.get(recordKey('line', 's', 'l'))).toEqual({ data: { id: 'l', plan: 2 }, seq: 6 });
  });
  it('lists an operation’s record edits with lines under their scenario', () => {
    const edits = recordEditsOf({ nodes: [{ before: null, after: { id: 'n' } as never }], lines: [{ before: { id: 'l' } as never, after: null }] }, 's');
    expect(edits.map((e) => [e.kind, e.scope, e.id])).toEqual([
      ['node', '', 'n'],
      ['line', 's', 'l'],
    ]);
  });
});

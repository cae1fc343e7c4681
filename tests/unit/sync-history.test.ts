// A record as it stood after any operation of a shared workbook's log (domain/sync-history
// recordAfter): offices editing from stale versions (so edits merge, conflict, delete and bring
// records back), the log applied operation by operation as the server applies it, and the state
// recorded after each; every record read back at every sequence from its own changes is what
// that state held.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyPulledOperation, recordEditsOf, recordKey, type SyncChange, type SyncedRecord } from '../../src/domain/sync';
import { recordAfter, type LoggedEdit } from '../../src/domain/sync-history';

const IDS = ['a', 'b', 'c'];
type Rec = { id: string; plan: number; label: string; notes?: Record<string, string> };

/** An office's step: which line, what it does, from which earlier version it read the line. */
const step = fc.record({
  id: fc.constantFrom(...IDS),
  what: fc.constantFrom('plan', 'label', 'note', 'delete', 'create'),
  value: fc.integer({ min: 0, max: 5 }),
  lag: fc.integer({ min: 0, max: 3 }),
});

/** The operations: each made from the line as it stood `lag` operations before (null when absent then). */
function buildLog(steps: fc.infer<typeof step>[]): { ops: { seq: number; scenarioId: string; change: SyncChange }[]; states: Map<string, SyncedRecord>[] } {
  const states: Map<string, SyncedRecord>[] = [new Map()];
  const ops: { seq: number; scenarioId: string; change: SyncChange }[] = [];
  for (const s of steps) {
    const seen = states[Math.max(states.length - 1 - s.lag, 0)];
    const before = (seen.get(recordKey('line', 's', s.id))?.data ?? null) as Rec | null;
    let after: Rec | null;
    if (s.what === 'delete') after = null;
    else if (s.what === 'create' || !before) after = { id: s.id, plan: s.value, label: `L${s.value}` };
    else if (s.what === 'plan') after = { ...before, plan: s.value };
    else if (s.what === 'label') after = { ...before, label: `L${s.value}` };
    else after = { ...before, notes: { ...before.notes, [`k${s.value % 2}`]: `n${s.value}` } };
    if (before === null && after === null) continue;
    const lines = [{ before: s.what === 'create' ? null : before, after }] as { before: Rec | null; after: Rec | null }[];
    const op = { seq: ops.length + 1, scenarioId: 's', change: { lines } as SyncChange };
    const next = new Map(states[states.length - 1]);
    applyPulledOperation(next, op, op.seq);
    ops.push(op);
    states.push(next);
  }
  return { ops, states };
}

describe('recordAfter', () => {
  it('gives each record at every sequence as the log applied in order left it', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const { ops, states } = buildLog(steps);
        const changes = new Map<string, LoggedEdit[]>();
        for (const op of ops) {
          for (const edit of recordEditsOf(op.change, op.scenarioId)) {
            const key = recordKey(edit.kind, edit.scope, edit.id);
            changes.set(key, [...(changes.get(key) ?? []), { seq: op.seq, edit }]);
          }
        }
        for (let n = 0; n < states.length; n++) {
          for (const id of IDS) {
            const key = recordKey('line', 's', id);
            expect(recordAfter(changes.get(key) ?? [], n)).toEqual(states[n].get(key) ?? null);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a field another office changed meanwhile, as the server merged it', () => {
    const base = { id: 'a', plan: 1, label: 'x' };
    const edits: LoggedEdit[] = [
      { seq: 1, edit: { kind: 'line', scope: 's', id: 'a', before: null, after: base } },
      { seq: 2, edit: { kind: 'line', scope: 's', id: 'a', before: base, after: { ...base, plan: 2 } } },
      // Made from version 1: its label lands, the plan written at 2 stays.
      { seq: 3, edit: { kind: 'line', scope: 's', id: 'a', before: base, after: { ...base, label: 'y' } } },
      { seq: 4, edit: { kind: 'line', scope: 's', id: 'a', before: { ...base, plan: 2, label: 'y' }, after: null } },
    ];
    expect(recordAfter(edits, 0)).toBeNull();
    expect(recordAfter(edits, 2)).toEqual({ data: { ...base, plan: 2 }, seq: 2 });
    expect(recordAfter(edits, 3)).toEqual({ data: { id: 'a', plan: 2, label: 'y' }, seq: 3 });
    expect(recordAfter(edits, 4)).toBeNull();
  });
});

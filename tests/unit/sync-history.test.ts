// A record as it stood after any operation of a shared workbook's log (domain/sync-history
// recordAfter): offices editing from stale versions (so edits merge, conflict, delete and bring
// records back), the log applied operation by operation as the server applies it, and the state
// recorded after each; every record read back at every sequence from its own changes is what
// that state held. A scenario of an earlier version restored as a new variant
// (restoreScenarioFrom): nothing it holds points at a record that is gone.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyPulledOperation, recordEditsOf, recordKey, type SyncChange, type SyncedRecord } from '../../src/domain/sync';
import { recordAfter, restoreScenarioFrom, type LoggedEdit } from '../../src/domain/sync-history';
import type { AllocationRuleRecord, Line, Place, TreeNode } from '../../src/domain/model';
import type { WorkbookArchive } from '../../src/domain/workbook-archive';

const IDS = ['a', 'b', 'c'];
type Rec = { id: string; plan: number; label: string; notes?: Record<string, string> };

/** An office's step: which line, what it does, from which earlier version it read the line. */
const step = fc.record({
  id: fc.constantFrom(...IDS),
  what: fc.constantFrom('plan', 'label', 'note', 'delete', 'create'),
  value: fc.integer({ min: 0, max: 5 }),
  lag: fc.integer({ min: 0, max: 3 }),
});
type StepInput = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** The operations: each made from the line as it stood `lag` operations before (null when absent then). */
function buildLog(steps: StepInput[]): { ops: { seq: number; scenarioId: string; change: SyncChange }[]; states: Map<string, SyncedRecord>[] } {
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

describe('restoreScenarioFrom', () => {
  const wb = { id: 'w', name: 'KH', year: 2024, baselineScenarioId: 'base', settings: { asOf: '2024-06-30' }, counterpart: [] } as unknown as WorkbookArchive['workbook'];
  const node = (id: string, parentId: string | null) => ({ id, workbookId: 'w', parentId, code: id, name: id, order: 0 }) as TreeNode;
  const place = (id: string, parentId: string | null) => ({ id, workbookId: 'w', parentId, name: id, order: 0 }) as unknown as Place;
  const ln = (id: string, nodeId: string, placeId: string | null, ruleId?: string) =>
    ({ id, nodeId, order: 0, label: id, placeId, plan: 5, ...(ruleId ? { allocation: { ruleId, key: placeId } } : {}) }) as unknown as Line;
  const then: WorkbookArchive = {
    workbook: wb,
    nodes: [node('root', null), node('gone-parent', 'root'), node('gone', 'gone-parent'), node('kept', 'root')],
    places: [place('p-root', null), place('p-gone', 'p-root')],
    rules: [
      { id: 'r1', workbookId: 'w', scenarioId: 'var', nodeId: 'gone' } as AllocationRuleRecord,
      { id: 'r2', workbookId: 'w', scenarioId: 'base', nodeId: 'kept' } as AllocationRuleRecord,
    ],
    scenarios: [
      { id: 'base', workbookId: 'w', name: 'Gốc', createdAt: 1, lines: [ln('a', 'kept', null)] },
      {
        id: 'var',
        workbookId: 'w',
        name: 'Phương án',
        createdAt: 2,
        kind: 'variant',
        inputs: { counterpart: [], settings: { asOf: '2024-03-31' } },
        lines: [ln('b', 'gone', 'p-gone', 'r1'), ln('c', 'kept', 'p-root')],
      } as WorkbookArchive['scenarios'][number],
    ],
  };
  const now = { scenarioIds: new Set(['base']), nodeIds: new Set(['root', 'kept']), placeIds: new Set(['p-root']) };
  let n = 0;
  const opts = { id: 'new', name: 'Khôi phục', now: 9, newId: () => `id${++n}` };

  it('takes the scenario’s lines and inputs as they were, puts back the items and places they need with their missing ancestors, and moves the lines’ allocations to the copied rules', () => {
    const r = restoreScenarioFrom(then, 'var', now, opts);
    expect(r.from.id).toBe('var');
    expect(r.scenario).toMatchObject({ id: 'new', kind: 'variant', name: 'Khôi phục', inputs: { settings: { asOf: '2024-03-31' } } });
    // Its source is deleted now: the variant does not name it (a backup would refuse the link).
    expect(r.scenario.sourceId).toBeUndefined();
    expect(r.lines.map((l) => [l.id, l.plan, l.allocation?.ruleId ?? null])).toEqual([
      ['b', 5, r.rules[0].id],
      ['c', 5, null],
    ]);
    expect(r.rules).toHaveLength(1);
    expect(r.rules[0]).toMatchObject({ scenarioId: 'new', nodeId: 'gone' });
    expect(r.rules[0].id).not.toBe('r1');
    expect(r.nodes.map((x) => x.id).sort()).toEqual(['gone', 'gone-parent']);
    expect(r.places.map((x) => x.id)).toEqual(['p-gone']);
  });

  it('takes the baseline of then when the scenario did not exist, and names a source that still exists', () => {
    const r = restoreScenarioFrom(then, 'later', now, opts);
    expect(r.from.id).toBe('base');
    expect(r.scenario.sourceId).toBe('base');
    expect(r.scenario.inputs?.settings).toEqual({ asOf: '2024-06-30' });
    expect(r.lines.map((l) => l.id)).toEqual(['a']);
    expect(r.nodes).toEqual([]);
    expect(r.places).toEqual([]);
  });
});

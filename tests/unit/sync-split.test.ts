// Splitting a large change into operations (domain/sync splitOperations): the head's records come
// first, each operation holds at most the lines allowed, every line travels once and in order,
// each group under its own scenario; the upload of a whole workbook is one such split.
import { describe, expect, it } from 'vitest';
import { recordEditsOf, splitOperations, uploadOperations } from '../../src/domain/sync';
import type { Line, Scenario, Workbook } from '../../src/domain/model';

const line = (i: number) => ({ id: `l${i}`, plan: i }) as unknown as Line;
const created = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ before: null, after: line(from + i) }));
const ids = () => {
  let n = 0;
  return () => `op-${++n}`;
};
const scenario = { id: 's2', workbookId: 'w', name: 'Phương án', createdAt: 1 } as Scenario;

describe('splitOperations', () => {
  it.each([
    { lines: 0, sizes: [0] },
    { lines: 1, sizes: [1] },
    { lines: 4, sizes: [4] },
    { lines: 5, sizes: [4, 1] },
    { lines: 9, sizes: [4, 4, 1] },
  ])('$lines lines, 4 to an operation: $sizes', ({ lines, sizes }) => {
    const ops = splitOperations({ head: { scenarios: [{ before: null, after: scenario }] }, lines: [{ scenarioId: 's2', changes: created(lines) }] }, ids(), 7, 4);
    expect(ops.map((o) => o.change.lines?.length ?? 0)).toEqual(sizes);
    expect(ops[0].change.scenarios).toEqual([{ before: null, after: scenario }]);
    expect(ops.slice(1).every((o) => Object.keys(o.change).join() === 'lines')).toBe(true);
    expect(
      ops
        .flatMap((o) => recordEditsOf(o.change, o.scenarioId))
        .filter((e) => e.kind === 'line')
        .map((e) => [e.scope, e.id]),
    ).toEqual(created(lines).map((c) => ['s2', c.after.id]));
    expect(new Set(ops.map((o) => o.opId)).size).toBe(ops.length);
    expect(ops.every((o) => o.baseSeq === 7)).toBe(true);
  });

  it('gives nothing for an empty change, and each group of lines under its own scenario', () => {
    expect(splitOperations({ head: {}, lines: [] }, ids(), 0)).toEqual([]);
    const ops = splitOperations(
      {
        head: {},
        lines: [
          { scenarioId: 'a', changes: created(3) },
          { scenarioId: 'b', changes: created(3, 3) },
        ],
      },
      ids(),
      0,
      2,
    );
    expect(ops.map((o) => [o.scenarioId, o.change.lines!.map((c) => c.after!.id)])).toEqual([
      ['a', ['l0', 'l1']],
      ['a', ['l2']],
      ['b', ['l3', 'l4']],
      ['b', ['l5']],
    ]);
  });

  it('uploads a workbook with its records first and the baseline’s lines before a variant’s', () => {
    const workbook = { id: 'w', baselineScenarioId: 's1' } as Workbook;
    const archive = {
      workbook,
      nodes: [],
      places: [],
      rules: [],
      scenarios: [
        { ...scenario, lines: [line(9)] },
        { id: 's1', workbookId: 'w', name: '', createdAt: 0, lines: [line(1), line(2), line(3)] },
      ],
    };
    const ops = uploadOperations(archive, ids(), 2);
    expect(ops.map((o) => [o.scenarioId, o.change.lines?.map((c) => c.after!.id)])).toEqual([
      ['s1', ['l1', 'l2']],
      ['s1', ['l3']],
      ['s2', ['l9']],
    ]);
    expect(ops[0].change.workbook).toEqual({ before: null, after: workbook });
    expect(ops[0].change.scenarios).toHaveLength(2);
  });
});

// Editing through the recalculation client over a message channel, as with a real worker: each
// edit comes back as what changed, and the roll-up the client hands out is the one rolling up the
// edited plan gives, superseded answers included, and still after the worker dies.
import { describe, expect, it } from 'vitest';
import { RecalcClient } from '../../src/engine/recalc-client';
import { createRecalcService } from '../../src/engine/recalc-core';
import { applyColumnEdits, buildColumns, counterpartColumn, rollUp, SOURCE_CODE, type ColumnEdit, type PackedColumnEdits, type Rollup } from '../../src/domain/rollup';
import type { RollupUpdate } from '../../src/domain/rollup-state';
import { projectionParams } from '../../src/domain/projection';
import { buildGeneratedWorkbook } from '../../src/domain/demo';
import { orderTree } from '../../src/domain/tree';
import { withChannelWorker } from './worker-channel';

const TR = 1_000_000;

/** A generated plan whose budget cells hold several lines each (an edit redraws the others too). */
function demoColumns() {
  const d = buildGeneratedWorkbook(600, 0);
  const wb = d.workbook;
  return () => buildColumns(orderTree(d.nodes), d.lines, counterpartColumn(wb.counterpart, wb.year), projectionParams(wb));
}

/** A client over a channel whose service records what each edit answered, and can be made to fail. */
function channelClient() {
  const service = createRecalcService();
  const answers: RollupUpdate['kind'][] = [];
  const control = { failNext: false, packed: 0 };
  const recorded = {
    ...service,
    edit(edits: ColumnEdit[] | PackedColumnEdits) {
      if (!Array.isArray(edits)) control.packed++;
      if (control.failNext) throw new Error('worker gone');
      const u = service.edit(edits);
      answers.push(u.kind);
      return u;
    },
  };
  return { client: withChannelWorker(recorded, () => new RecalcClient(true)), answers, control };
}

function expectSame(got: Rollup | null, want: Rollup): void {
  expect(got).not.toBeNull();
  for (const key of Object.keys(want) as (keyof Rollup)[]) {
    const a = got![key];
    const b = want[key];
    expect(ArrayBuffer.isView(b) ? Array.from(a as Float64Array) : a, key).toEqual(ArrayBuffer.isView(b) ? Array.from(b as Float64Array) : b);
  }
}

describe('edits through the recalculation client', () => {
  it('come back as patches; the roll-up handed out is that of the edited plan, superseded answers applied too', async () => {
    const columns = demoColumns();
    const { client, answers } = channelClient();
    const mine = columns();
    const first = await client.load(columns());
    expectSame(first, rollUp(mine));

    const batches: ColumnEdit[][] = [
      [{ line: 0, field: 'plan', value: 900 * TR }],
      [
        { line: 3, field: 'disbursed', value: 12 * TR },
        { line: 4, field: 'expected', value: 35 },
      ],
      [{ line: 5, field: 'source', value: SOURCE_CODE.local }],
    ];
    // Sent one after another without waiting: only the last resolves, but every answer counts.
    const results = await Promise.all(batches.map((b) => client.edit(b)));
    for (const b of batches) applyColumnEdits(mine, b);
    expect(results.slice(0, 2)).toEqual([null, null]);
    expectSame(results[2], rollUp(mine));
    expect(answers).toEqual(['patch', 'patch', 'patch']);
    // A new object for whoever holds the last one (a reactive field sees the change).
    expect(results[2]).not.toBe(first);

    const again = await client.edit([{ line: 0, field: 'plan', value: 100 * TR }]);
    applyColumnEdits(mine, [{ line: 0, field: 'plan', value: 100 * TR }]);
    expectSame(again, rollUp(mine));
    expect(again!.plan[again!.nodeCount]).toBe(rollUp(mine).plan[again!.nodeCount]);
    client.dispose();
  });

  it('if the worker fails during an edit, the main thread carries on from the mirrored columns', async () => {
    const columns = demoColumns();
    const { client, control } = channelClient();
    const mine = columns();
    await client.load(columns());
    const e1: ColumnEdit[] = [{ line: 1, field: 'plan', value: 321 * TR }];
    await client.edit(e1);
    applyColumnEdits(mine, e1);
    control.failNext = true;
    const e2: ColumnEdit[] = [
      { line: 2, field: 'vintage', value: 2020 },
      { line: 2, field: 'plan', value: 4_000 * TR },
    ];
    const r2 = await client.edit(e2);
    applyColumnEdits(mine, e2);
    expect(client.mode).toBe('main-thread');
    expectSame(r2, rollUp(mine));
    const e3: ColumnEdit[] = [{ line: 6, field: 'disbursed', value: 7 * TR }];
    const r3 = await client.edit(e3);
    applyColumnEdits(mine, e3);
    expectSame(r3, rollUp(mine));
    client.dispose();
  });

  it('many edits at once (a column formula) cross packed, and give the roll-up of the edited plan, months included', async () => {
    const columns = demoColumns();
    const { client, control } = channelClient();
    const mine = columns();
    await client.load(columns());
    const many: ColumnEdit[] = [];
    for (let line = 0; line < 600; line++) {
      many.push({ line, field: 'expected', value: (line % 97) + 1 });
      if (line % 5 === 0) many.push({ line, field: 'month', month: line % 12, value: line * 1000 });
    }
    const r = await client.edit(many);
    applyColumnEdits(mine, many);
    expect(control.packed).toBe(1);
    expectSame(r, rollUp(mine));
    // The worker gone during a packed edit: the main thread takes the same edits from the mirror.
    control.failNext = true;
    const more = many.map((e) => ({ ...e, value: e.value + 1 }));
    const r2 = await client.edit(more);
    applyColumnEdits(mine, more);
    expect(client.mode).toBe('main-thread');
    expectSame(r2, rollUp(mine));
    client.dispose();
  });
});

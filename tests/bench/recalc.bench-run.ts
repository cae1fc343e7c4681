// Node: the recalculation the worker runs, on a generated 100 000-line plan.
import { it } from 'vitest';
import { buildGeneratedWorkbook } from '../../src/domain/demo';
import { orderTree } from '../../src/domain/tree';
import { applyColumnEdits, buildColumns, rollUp } from '../../src/domain/rollup';
import { median, report } from './stats';

it('recalculation of 100 000 lines (Node)', () => {
  const data = buildGeneratedWorkbook(100_000);
  const tree = orderTree(data.nodes);
  const t0 = performance.now();
  const cols = buildColumns(tree, data.lines);
  const buildMs = performance.now() - t0;
  const full: number[] = [];
  const edit: number[] = [];
  for (let i = 0; i < 40; i++) {
    let t = performance.now();
    rollUp(cols);
    full.push(performance.now() - t);
    t = performance.now();
    applyColumnEdits(cols, [{ line: (i * 7919) % 100_000, field: 'plan', value: 1_000_000 * i }]);
    rollUp(cols);
    edit.push(performance.now() - t);
  }
  report('Recalculation, 100 000 lines, Node (the worker runs the same code)', [
    ['build columns from line objects', buildMs, 'ms'],
    ['full roll-up', median(full), 'ms', '≤ 30 ms'],
    ['one edit + full roll-up', median(edit), 'ms'],
  ]);
});

// Node: formulas on a generated 100 000-line plan where every line's expected rate is a column
// formula, computed by the same code the worker runs (domain/formula), against a full roll-up host.
import { it } from 'vitest';
import { buildGeneratedWorkbook } from '../../src/domain/demo';
import { orderTree } from '../../src/domain/tree';
import { buildColumns, rollUp } from '../../src/domain/rollup';
import { buildFormulaBook, computeFormulas } from '../../src/domain/formula/book';
import { columnsHost } from '../../src/domain/formula/host';
import { cellVertex } from '../../src/domain/formula/graph';
import { FormulaCells } from '../../src/state/formula-cells';
import { createRecalcService } from '../../src/engine/recalc-core';
import { orderLines } from '../../src/domain/compare-request';
import { median, report } from './stats';

it('formulas on 100 000 lines (Node)', () => {
  const data = buildGeneratedWorkbook(100_000);
  data.workbook.columnFormulas = { expectedRate: { text: '=MIN(100%, [@disbursed]/[@plan] + 15%)', unit: 'trieu' } };
  const tree = orderTree(data.nodes);
  const cols = buildColumns(tree, data.lines);
  const lineIndex = new Map(data.lines.map((l, i) => [l.id, i]));
  let t = performance.now();
  const book = buildFormulaBook({ workbook: data.workbook, nodes: data.nodes, lines: data.lines });
  const buildMs = performance.now() - t;
  const host = columnsHost(
    cols,
    rollUp(cols),
    (id) => lineIndex.get(id) ?? -1,
    (id) => tree.indexOf.get(id),
  );
  const all: number[] = [];
  const one: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    computeFormulas(book, host);
    all.push(performance.now() - t);
  }
  for (let i = 0; i < 50; i++) {
    const line = (i * 7919) % data.lines.length;
    t = performance.now();
    host.write([{ line, field: 'disbursed', value: 1_000_000 * i }]);
    computeFormulas(book, host, book.plan.staleAfter([cellVertex(line, 'disbursed')]));
    one.push(performance.now() - t);
  }
  report('Formulas, 100 000 lines, every expected rate a column formula (Node, full roll-up host)', [
    ['read the formulas and lay out the graph', buildMs, 'ms'],
    ['compute all 100 000', median(all), 'ms', '≤ 300 ms (with the repaint)'],
    ['one input changed → its formula and the roll-up', median(one), 'ms', '≤ 100 ms (with the repaint)'],
  ]);
});

it('a formula reading an item, on 100 000 lines (Node, the recalculation service)', () => {
  const data = buildGeneratedWorkbook(100_000);
  // Line 1 reads the item of line 0 (another item: reading its own would be a cycle).
  const item = data.lines[0].nodeId;
  const tree = orderTree(data.nodes);
  const lines = orderLines(tree, data.lines);
  const reader = lines.findIndex((l) => l.nodeId !== item);
  lines[reader] = { ...lines[reader], formulas: { plan: { text: `=[#item:${item}]*10%`, unit: 'trieu' } } };
  const service = createRecalcService();
  service.load(buildColumns(tree, lines));
  const spec = new FormulaCells().spec({ workbook: data.workbook, nodes: tree.nodes, lines }, true)!;
  const first = service.formulas(spec);
  if (first.formulas?.errors.length) throw new Error('the formula is in error');
  const times: number[] = [];
  let followed = 0;
  for (let k = 0; k < 60; k++) {
    const i = (k * 7919) % lines.length;
    if (i === reader) continue;
    const t = performance.now();
    const answer = service.edit([{ line: i, field: 'plan', value: lines[i].plan + 1_000_000 * (k + 1) }]);
    times.push(performance.now() - t);
    if (answer.formulas?.line.length) followed++;
  }
  report('A formula reading an item (=[item]*10%), 100 000 lines: one edit → roll-up and what follows, in the service (Node)', [
    ['one edit → the formula brought up to date (median)', median(times), 'ms', '≤ 100 ms (with the repaint)'],
    ['edits under the item the formula reads', `${followed} / ${times.length}`, ''],
  ]);
});

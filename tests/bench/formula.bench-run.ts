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
  const host = columnsHost(cols, rollUp(cols), lineIndex, tree.indexOf);
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

it('a formula reading an item, on 100 000 lines (Node, the session’s formulas)', () => {
  const data = buildGeneratedWorkbook(100_000);
  // Line 1 reads the item of line 0 (another item: reading its own would be a cycle).
  const item = data.lines[0].nodeId;
  data.lines[1] = { ...data.lines[1], formulas: { plan: { text: `=[#item:${item}]*10%`, unit: 'trieu' } } };
  let lines = data.lines.slice();
  const byId = new Map(lines.map((l) => [l.id, l]));
  const src = () => ({ workbook: data.workbook, nodes: data.nodes, lines, lineOf: (id: string) => byId.get(id) });
  const cells = new FormulaCells(src());
  cells.refresh(src());
  if (cells.allErrors().length) throw new Error('the formula is in error');
  const index = new Map(lines.map((l, i) => [l.id, i]));
  const times: number[] = [];
  let followed = 0;
  for (let k = 0; k < 60; k++) {
    const i = 2 + ((k * 7919) % (lines.length - 2));
    const before = lines[i];
    const t = performance.now();
    const change = cells.complete({ lines: [{ before, after: { ...before, plan: before.plan + 1_000_000 } }] }, src());
    times.push(performance.now() - t);
    lines = lines.slice();
    for (const c of change.lines ?? []) {
      lines[index.get(c.after!.id)!] = c.after!;
      byId.set(c.after!.id, c.after!);
    }
    if ((change.lines ?? []).length > 1) followed++;
  }
  report('A formula reading an item (=[item]*10%), 100 000 lines: one edit completed with what follows (Node)', [
    ['first edit after opening (the items’ figures laid out by then)', times[0], 'ms'],
    ['one edit → the formula brought up to date (median of the 59 after)', median(times.slice(1)), 'ms', '≤ 100 ms (with the repaint)'],
    ['edits under the item the formula reads', `${followed} / 60`, ''],
  ]);
});

// Node: the recalculation the worker runs, on a generated 100 000-line plan: with expected rates
// only (no projection settings, as this benchmark measured before), and with the workbook's own
// settings (a back-loaded profile at an as-of date, counterpart ratios), as the app sends them.
import { it } from 'vitest';
import { buildGeneratedWorkbook } from '../../src/domain/demo';
import { orderTree } from '../../src/domain/tree';
import {
  applyColumnEdits,
  buildColumns,
  counterpartColumn,
  emptyRollup,
  emptyTrace,
  rollUp,
  rollUpInto,
  SOURCE_CODE,
  type ColumnEdit,
  type PlanColumns,
} from '../../src/domain/rollup';
import { BudgetCells } from '../../src/domain/budget-cells';
import { copyRollup, RollupState } from '../../src/domain/rollup-state';
import { DEFAULT_PROJECTION, projectionParams } from '../../src/domain/projection';
import { createRecalcService } from '../../src/engine/recalc-core';
import { referenceRollUp } from '../unit/rollup-reference';
import { median, report } from './stats';

const N = 100_000;
const KINDS = ['plan', 'disbursed', 'expected', 'source'] as const;

/** Edit number k: its kind in turn, on a line spread over the plan, with a value no edit before gave. */
function editOf(k: number, cols: PlanColumns): { kind: (typeof KINDS)[number]; edit: ColumnEdit } {
  const kind = KINDS[k % KINDS.length];
  const line = (k * 7919) % N;
  const value =
    kind === 'plan'
      ? (1_000 + k) * 1_000_000
      : kind === 'disbursed'
        ? (100 + k) * 1_000_000
        : kind === 'expected'
          ? 50 + (k % 50)
          : cols.source[line] === SOURCE_CODE.central
            ? SOURCE_CODE.local
            : SOURCE_CODE.central;
  return { kind, edit: { line, field: kind, value } };
}

function copyColumns(c: PlanColumns): PlanColumns {
  const out = { ...c, params: { ...c.params, profiles: c.params.profiles.slice() } } as PlanColumns;
  for (const [key, value] of Object.entries(c)) if (ArrayBuffer.isView(value)) (out as unknown as Record<string, unknown>)[key] = (value as Float64Array).slice();
  return out;
}

function timed(f: () => void, runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    out.push(performance.now() - t);
  }
  return out;
}

it('recalculation of 100 000 lines (Node)', () => {
  const data = buildGeneratedWorkbook(N);
  const wb = data.workbook;
  const tree = orderTree(data.nodes);
  const params = projectionParams(wb);
  let t = performance.now();
  const withSettings = buildColumns(tree, data.lines, counterpartColumn(wb.counterpart, wb.year), params);
  const buildMs = performance.now() - t;
  const plain = buildColumns(tree, data.lines);
  data.lines.length = 0;

  // From nothing (compare, checks, export do this): cells grouped, every line projected, drawn, summed.
  const fresh = { plain: timed(() => rollUp(plain), 30), settings: timed(() => rollUp(withSettings), 30) };
  const first = { plain: timed(() => referenceRollUp(plain), 15), settings: timed(() => referenceRollUp(withSettings), 15) };
  // A change of projection settings, in the service: every line projected and drawn again (the
  // figures no setting moves are kept since 2026-12-07, late night).
  const other = projectionParams({ ...wb, settings: { ...wb.settings, projection: { ...DEFAULT_PROJECTION, method: 'linear' } } });
  const keptPlain = new RollupState(copyColumns(plain));
  const kept = new RollupState(copyColumns(withSettings));
  const pass = {
    plain: timed(() => keptPlain.configure(plain.params), 30),
    settings: timed(() => kept.configure(kept.cols.params === params ? other : params), 30),
  };
  // The full pass on cells kept (what many lines changed at once cost): every figure worked out again.
  const fullOf = (cols: PlanColumns) => {
    const cells = BudgetCells.build(cols);
    const r = emptyRollup(cols.nodeParent.length, cols.plan.length);
    const trace = emptyTrace(cols.plan.length);
    return () => rollUpInto(cols, cells, r, trace);
  };
  const full = { plain: timed(fullOf(keptPlain.cols), 30), settings: timed(fullOf(kept.cols), 30) };
  const copyMs = median(timed(() => copyRollup(kept.rollup), 10));

  // One edit → every roll-up updated, in the service, the patch built; kinds in turn.
  const service = createRecalcService();
  const own = copyColumns(withSettings);
  t = performance.now();
  service.load(own);
  const loadMs = performance.now() - t;
  const byKind = new Map<string, number[]>(KINDS.map((k) => [k, []]));
  const all: number[] = [];
  let patched = 0;
  let patchBytes = 0;
  for (let k = 0; k < 2_000; k++) {
    const { kind, edit } = editOf(k, own);
    t = performance.now();
    const u = service.edit([edit]);
    const ms = performance.now() - t;
    all.push(ms);
    byKind.get(kind)!.push(ms);
    if (u.kind === 'patch') {
      patched++;
      patchBytes += [u.patch.nodes, u.patch.nodeAmounts, u.patch.nodeCounts, u.patch.lines, u.patch.lineAmounts, u.patch.lineFlags].reduce((a, x) => a + x.byteLength, 0);
    }
  }
  // The way before: edit the columns, roll everything up (the first reading).
  let k = all.length;
  const before = timed(() => {
    const { edit } = editOf(k++, withSettings);
    applyColumnEdits(withSettings, [edit]);
    referenceRollUp(withSettings);
  }, 15);

  report('Recalculation, 100 000 lines, Node (the worker runs the same code)', [
    ['build columns from line objects', buildMs, 'ms'],
    ['roll-up from nothing (rollUp), expected rates only', median(fresh.plain), 'ms'],
    ['  the first reading (before 2026-12-07)', median(first.plain), 'ms'],
    ["roll-up from nothing (rollUp), the workbook's settings", median(fresh.settings), 'ms'],
    ['  the first reading (before 2026-12-07)', median(first.settings), 'ms'],
    ['full pass on the cells kept (many lines changed), expected rates only', median(full.plain), 'ms', '≤ 5 ms'],
    ["full pass on the cells kept (many lines changed), the workbook's settings", median(full.settings), 'ms', '≤ 5 ms'],
    ['projection changed (configure: every line projected and drawn again), expected rates only', median(pass.plain), 'ms', '≤ 5 ms'],
    ["projection changed (configure), the workbook's settings", median(pass.settings), 'ms', '≤ 5 ms'],
    ['  copying the roll-up the service hands out after one', copyMs, 'ms'],
    ['service: load (first full pass, cells built, copy handed out)', loadMs, 'ms'],
    ['one edit → all roll-ups updated, patch built (2 000 edits)', median(all), 'ms', '≤ 1 ms'],
    ...KINDS.map((k): [string, number, string] => [`  ${k} edits`, median(byKind.get(k)!), 'ms']),
    ['  99th percentile', [...all].sort((a, b) => a - b)[Math.floor(all.length * 0.99)], 'ms'],
    ['  slowest of the 2 000', Math.max(...all), 'ms'],
    ['  answered by a patch', `${patched} / ${all.length}`, ''],
    ['  patch size (mean)', patchBytes / Math.max(patched, 1), 'bytes'],
    ['one edit + the first full roll-up (before 2026-12-07)', median(before), 'ms'],
  ]);
});

// Measurements of the comparison the benchmarks run (in Node, and inside the built app through the
// ?debug surface): two scenarios of a generated plan, the second with a tenth of its lines raised,
// some moved to another unit and a few dropped, every line placed in one of 1 000 communes.

import { buildGeneratedWorkbook } from '../domain/demo';
import { orderTree, type OrderedTree } from '../domain/tree';
import type { Line, Place } from '../domain/model';
import { compareRequest, groupLines, prepareComparison, type CompareGroups, type PreparedComparison, type ScenarioPlan } from '../domain/compare-request';
import { COMPARE_MEASURES } from '../domain/compare';
import { RecalcClient } from '../engine/recalc-client';

const PLACE_COUNT = 1000;

/** A generated plan of n lines as two scenarios, and its places. Deterministic for a given n. */
export function comparisonBenchData(n: number): { tree: OrderedTree; plans: ScenarioPlan[]; places: Place[] } {
  const data = buildGeneratedWorkbook(n);
  const wb = data.workbook;
  const places: Place[] = Array.from({ length: PLACE_COUNT }, (_, i) => ({
    id: `place-${i}`,
    workbookId: wb.id,
    parentId: null,
    code: `X${i}`,
    name: `Xã ${i + 1}`,
    kind: 'commune',
    values: {},
    order: i,
  }));
  const base: Line[] = data.lines.map((l, i) => ({ ...l, placeId: places[(i * 7) % PLACE_COUNT].id }));
  const variant: Line[] = [];
  base.forEach((l, i) => {
    if (i % 101 === 0) return;
    if (i % 10 === 0) variant.push({ ...l, plan: l.plan + 1_000_000 });
    else if (i % 97 === 0) variant.push({ ...l, unit: 'UBND xã' });
    else variant.push(l);
  });
  return {
    tree: orderTree(data.nodes),
    plans: [
      { workbook: wb, lines: base },
      { workbook: wb, lines: variant },
    ],
    places,
  };
}

/**
 * The bench data prepared for comparison and grouped by place, with the time each step took. The
 * line objects are let go once the columns are built (only the union's length is kept), as the
 * worker holds none: what is timed after is the comparison, not collecting 300 000 objects.
 */
export function preparedBenchData(n: number): { prepared: PreparedComparison; groups: CompareGroups; prepareMs: number; groupMs: number } {
  const { tree, plans, places } = comparisonBenchData(n);
  let t = performance.now();
  const prepared = prepareComparison(tree, plans);
  const prepareMs = performance.now() - t;
  t = performance.now();
  const groups = groupLines(prepared, 'place', places);
  const groupMs = performance.now() - t;
  const light = { ...prepared, lines: new Array(prepared.lines.length), scenarios: prepared.scenarios.map((s) => ({ ...s, lines: [] })) };
  return { prepared: light, groups, prepareMs, groupMs };
}

/** Milliseconds per run of each kind of comparison through the worker (see compareRoundTrips). */
export interface CompareTimes {
  prepareMs: number;
  groupMs: number;
  /** Both scenarios' columns sent and rolled up, by project and by place. */
  project: number[];
  place: number[];
  /** The worker's kept roll-ups reused (a change of roll-up or of the rows shown), by project and by place. */
  projectKept: number[];
  placeKept: number[];
  mode: string;
}

/**
 * Prepares the comparison of n lines on this thread, then times `runs` comparisons by project and
 * by place through a fresh worker, each from building the request to the comparison back on this
 * thread: with both scenarios' columns sent (a new choice of scenarios), and with the worker's
 * kept roll-ups reused (a change of roll-up or of the rows shown).
 */
export async function compareRoundTrips(n: number, runs = 5): Promise<CompareTimes> {
  const { prepared, groups, prepareMs, groupMs } = preparedBenchData(n);
  let t: number;
  const client = new RecalcClient();
  const times = { project: [] as number[], place: [] as number[], projectKept: [] as number[], placeKept: [] as number[] };
  const rows = { measures: [...COMPARE_MEASURES], onlyChanged: false, sortByChange: false };
  try {
    for (let i = 0; i < runs; i++)
      for (const [key, dim, columns] of [
        ['project', 'project', true],
        ['placeKept', 'place', false],
        ['place', 'place', true],
        ['projectKept', 'project', false],
      ] as const) {
        t = performance.now();
        const c = await client.compare(compareRequest(prepared, dim, dim === 'project' ? null : groups, rows, columns));
        if (!c?.ok) throw new Error(c ? c.error.code : 'comparison superseded');
        times[key].push(performance.now() - t);
      }
    return { prepareMs, groupMs, ...times, mode: client.mode };
  } finally {
    client.dispose();
  }
}

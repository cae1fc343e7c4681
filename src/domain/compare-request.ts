// What a comparison is computed from, built from the scenarios' line objects: each scenario's own
// columns (its lines in display order, its counterpart ratios and projection settings), the union
// of their lines by id, and the group of every line in a roll-up dimension. Built once per choice
// of scenarios; a request then carries copies of the columns, so the prepared data survives the
// transfer to the worker and a change of dimension or of the rows shown rebuilds nothing.

import type { FormulaField, Line, Place, Workbook } from './model';
import { CAPITAL_TYPES, SOURCES } from './model';
import type { OrderedTree } from './tree';
import { buildColumns, counterpartColumn, type PlanColumns } from './rollup';
import { projectionParams } from './projection';
import { foldForMatch, normalizeText } from './text';
import { newId } from './ids';
import type { CompareDimension, CompareRequest, CompareRowOptions } from './compare';

/** One scenario's plan as loaded: the workbook as it sees it, and its lines. */
export interface ScenarioPlan {
  workbook: Pick<Workbook, 'year' | 'counterpart' | 'settings'>;
  lines: readonly Line[];
}

export interface PreparedScenario {
  /** The scenario's lines in display order (by node in tree order, then `order`). */
  lines: Line[];
  cols: PlanColumns;
  /** Index in the union of each of its lines. */
  lineIndex: Int32Array;
}

export interface PreparedComparison {
  /** Names this preparation: its scenarios' columns are sent under keys made from it. */
  id: string;
  tree: OrderedTree;
  /** The union of the scenarios' lines by id, each as the first scenario holding it has it. */
  lines: Line[];
  scenarios: PreparedScenario[];
  /**
   * For each union line, the fields whose formula differs between the scenarios holding it (one
   * has a formula the other has not, or another one): a value may agree while its link differs.
   */
  formulaDiffers: (FormulaField[] | null)[];
}

/** Groups of one dimension: keys in display order, their labels, and each scenario's line groups. */
export interface CompareGroups {
  dimension: Exclude<CompareDimension, 'project'>;
  /** '' stands for lines that name no unit or no place. */
  keys: string[];
  /** As first written in the lines (a unit), the place's name, or the key itself (source, capital). */
  labels: string[];
  /** Group of each line of each scenario, in the scenario's line order. */
  codes: Int32Array[];
}

/** Lines in the order the grid shows them: by node in tree order, then `order`, then id. */
export function orderLines(tree: OrderedTree, lines: readonly Line[]): Line[] {
  // Node positions read once per line, not once per comparison of the sort.
  const node = Float64Array.from(lines, (l) => tree.indexOf.get(l.nodeId) ?? Number.MAX_SAFE_INTEGER);
  const order = Float64Array.from(lines, (l) => l.order);
  const at = Array.from(lines.keys()).sort((a, b) => node[a] - node[b] || order[a] - order[b] || lines[a].id.localeCompare(lines[b].id));
  return at.map((i) => lines[i]);
}

/**
 * Columns and the union line list of the scenarios. Guarantees: each scenario's columns are those
 * its own grid computes from (same lines, same order, same inputs); the union holds every line id
 * once, the first scenario's lines first in its order.
 */
export function prepareComparison(tree: OrderedTree, plans: readonly ScenarioPlan[]): PreparedComparison {
  const union: Line[] = [];
  const index = new Map<string, number>();
  const scenarios = plans.map((plan): PreparedScenario => {
    const lines = orderLines(tree, plan.lines);
    const lineIndex = new Int32Array(lines.length);
    lines.forEach((l, j) => {
      let i = index.get(l.id);
      if (i === undefined) {
        index.set(l.id, (i = union.length));
        union.push(l);
      }
      lineIndex[j] = i;
    });
    const wb = plan.workbook;
    return { lines, lineIndex, cols: buildColumns(tree, lines, counterpartColumn(wb.counterpart, wb.year), projectionParams(wb)) };
  });
  return { id: newId(), tree, lines: union, scenarios, formulaDiffers: formulaDifferences(union.length, scenarios) };
}

const FORMULA_FIELDS: readonly FormulaField[] = ['plan', 'disbursed', 'expectedRate'];

/** Per union line, the fields whose own formula (text and unit) is not the same in every scenario holding the line. */
function formulaDifferences(count: number, scenarios: readonly PreparedScenario[]): (FormulaField[] | null)[] {
  const out: (FormulaField[] | null)[] = new Array(count).fill(null);
  const first: (Line | undefined)[] = new Array(count);
  for (const s of scenarios) {
    s.lines.forEach((l, j) => {
      const i = s.lineIndex[j];
      const ref = first[i];
      if (!ref) {
        first[i] = l;
        return;
      }
      if (!ref.formulas && !l.formulas) return;
      for (const f of FORMULA_FIELDS) {
        const a = ref.formulas?.[f];
        const b = l.formulas?.[f];
        if (a?.text === b?.text && a?.unit === b?.unit) continue;
        const list = (out[i] ??= []);
        if (!list.includes(f)) list.push(f);
      }
    });
  }
  return out;
}

/**
 * The group of every line in a dimension other than the tree. Implementing units match when they
 * are written alike (NFC, Ð for Đ, case, tone placement); units in Vietnamese alphabetical order,
 * places in the places sheet's order, sources and capital types in their fixed order; lines with no
 * unit or no place form the last group. Only groups that hold a line appear.
 */
export function groupLines(prepared: PreparedComparison, dimension: CompareGroups['dimension'], places: readonly Place[] = []): CompareGroups {
  const keyOfRaw = new Map<string, string>();
  const labelOfKey = new Map<string, string>();
  const read = (l: Line): string => {
    switch (dimension) {
      case 'source':
        return l.source;
      case 'capital':
        return l.capital;
      case 'place':
        return l.placeId ?? '';
      case 'unit': {
        let key = keyOfRaw.get(l.unit);
        if (key === undefined) {
          key = foldForMatch(l.unit);
          keyOfRaw.set(l.unit, key);
          if (!labelOfKey.has(key)) labelOfKey.set(key, normalizeText(l.unit));
        }
        return key;
      }
    }
  };
  const keyOfLine = prepared.scenarios.map((s) => s.lines.map(read));
  const used = new Set(keyOfLine.flat());
  const placeOrder = new Map(places.map((p, i) => [p.id, i]));
  const placeName = new Map(places.map((p) => [p.id, p.name]));
  let keys: string[];
  switch (dimension) {
    case 'source':
      keys = SOURCES.filter((k) => used.has(k));
      break;
    case 'capital':
      keys = CAPITAL_TYPES.filter((k) => used.has(k));
      break;
    case 'unit': {
      const label = (k: string) => labelOfKey.get(k) ?? k;
      keys = [...used].sort((a, b) => ((a === '') !== (b === '') ? (a === '' ? 1 : -1) : label(a).localeCompare(label(b), 'vi') || a.localeCompare(b)));
      break;
    }
    case 'place': {
      const rank = (k: string) => (k === '' ? Infinity : (placeOrder.get(k) ?? places.length));
      keys = [...used].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
      break;
    }
  }
  const codeOf = new Map(keys.map((k, g) => [k, g]));
  const labels = keys.map((k) => (dimension === 'unit' ? (labelOfKey.get(k) ?? k) : dimension === 'place' ? (placeName.get(k) ?? k) : k));
  return { dimension, keys, labels, codes: keyOfLine.map((list) => Int32Array.from(list, (k) => codeOf.get(k)!)) };
}

/** A copy of plan columns, so the originals stay usable after the copy is transferred. */
export function copyColumns(c: PlanColumns): PlanColumns {
  const out = { ...c, params: { ...c.params, profiles: c.params.profiles.slice() } } as PlanColumns;
  for (const [k, v] of Object.entries(c)) if (ArrayBuffer.isView(v)) (out as unknown as Record<string, unknown>)[k] = (v as Float64Array).slice();
  return out;
}

/**
 * A request comparing the prepared scenarios (the first is the reference) rolled up by `dimension`
 * (`groups` must be of that dimension, null for 'project'). Its arrays are copies, free to transfer.
 * Without `columns` it names the scenarios' columns by key only, for a service that kept them.
 */
export function compareRequest(
  prepared: PreparedComparison,
  dimension: CompareDimension,
  groups: CompareGroups | null,
  rows: CompareRowOptions,
  columns = true,
): CompareRequest {
  if (dimension !== 'project' && groups?.dimension !== dimension) throw new Error(`compareRequest: groups of ${groups?.dimension} for ${dimension}`);
  return {
    lineCount: prepared.lines.length,
    dimension,
    groupCount: dimension === 'project' ? prepared.tree.nodes.length : groups!.keys.length,
    scenarios: prepared.scenarios.map((s, i) => ({
      key: `${prepared.id}/${i}`,
      cols: columns ? copyColumns(s.cols) : null,
      lineIndex: columns ? s.lineIndex.slice() : null,
      group: dimension === 'project' ? null : groups!.codes[i].slice(),
    })),
    rows: { ...rows, measures: [...rows.measures] },
  };
}

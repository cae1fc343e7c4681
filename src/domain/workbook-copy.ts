// Copying a whole workbook: every record gets a fresh id and every link between records (tree
// parents, lines to nodes and places, rules to nodes and places, lines to the rules that wrote
// them, formulas to the lines and items they read) follows to the new ids. Used by "duplicate" and by next year's draft (domain/next-year.ts).

import type { CellFormula, FormulaField, Line, WorkbookData } from './model';
import { newId } from './ids';
import { renameRecordRefs } from './formula/parse';

type Formulas = Partial<Record<FormulaField, CellFormula>>;

/**
 * A deep copy of a workbook under a new name with fresh ids everywhere and links preserved;
 * `copy.lines[i]` is the copy of `data.lines[i]`. The source is not touched.
 */
export function copyWorkbook(data: WorkbookData, name: string, now = Date.now()): WorkbookData {
  const wbId = newId();
  const nodeIds = new Map(data.nodes.map((n) => [n.id, newId()]));
  const scenarioIds = new Map(data.scenarios.map((s) => [s.id, newId()]));
  const placeIds = new Map((data.places ?? []).map((p) => [p.id, newId()]));
  const ruleIds = new Map((data.rules ?? []).map((r) => [r.id, newId()]));
  // A line id met twice (the same line in several scenarios, see copyArchive) keeps its first copy's id.
  const lineIds = new Map<string, string>();
  const lineCopyIds = data.lines.map((l) => {
    const id = newId();
    if (!lineIds.has(l.id)) lineIds.set(l.id, id);
    return id;
  });
  const renamed = (formulas: Formulas | undefined): Formulas | undefined => {
    if (!formulas) return formulas;
    const out: Formulas = {};
    for (const [field, f] of Object.entries(formulas) as [FormulaField, CellFormula][]) {
      out[field] = { ...f, text: renameRecordRefs(f.text, (kind, id) => (kind === 'line' ? lineIds : nodeIds).get(id)) };
    }
    return out;
  };
  // A rule's line is keyed by its recipient's place id (or by a reserve key, which stays).
  const allocationOf = (a: NonNullable<Line['allocation']>): Line['allocation'] => ({
    ruleId: ruleIds.get(a.ruleId) ?? a.ruleId,
    key: placeIds.get(a.key) ?? a.key,
  });
  return {
    workbook: {
      ...structuredClone(data.workbook),
      id: wbId,
      name,
      createdAt: now,
      updatedAt: now,
      demo: false,
      baselineScenarioId: scenarioIds.get(data.workbook.baselineScenarioId) ?? newId(),
      ...(data.workbook.columnFormulas ? { columnFormulas: renamed(data.workbook.columnFormulas) } : {}),
    },
    nodes: data.nodes.map((n) => ({
      ...structuredClone(n),
      id: nodeIds.get(n.id)!,
      workbookId: wbId,
      parentId: n.parentId === null ? null : (nodeIds.get(n.parentId) ?? null),
      ...(n.columnFormulas ? { columnFormulas: renamed(n.columnFormulas) } : {}),
    })),
    // `data` holds the baseline's lines only: the copy is of the baseline (variants and versions stay behind).
    scenarios: data.scenarios
      .filter((s) => s.id === data.workbook.baselineScenarioId)
      .map((s) => ({ ...s, id: scenarioIds.get(s.id)!, workbookId: wbId, createdAt: now, kind: 'baseline' as const })),
    lines: data.lines.map((l, i) => {
      const line: Line = {
        ...structuredClone(l),
        id: lineCopyIds[i],
        nodeId: nodeIds.get(l.nodeId) ?? l.nodeId,
        placeId: l.placeId === null ? null : (placeIds.get(l.placeId) ?? l.placeId),
      };
      if (l.allocation) line.allocation = allocationOf(l.allocation);
      if (l.formulas) line.formulas = renamed(l.formulas);
      return line;
    }),
    places: (data.places ?? []).map((p) => ({
      ...structuredClone(p),
      id: placeIds.get(p.id)!,
      workbookId: wbId,
      parentId: p.parentId === null ? null : (placeIds.get(p.parentId) ?? null),
    })),
    rules: (data.rules ?? []).map((r) => ({
      ...structuredClone(r),
      id: ruleIds.get(r.id)!,
      workbookId: wbId,
      scenarioId: scenarioIds.get(r.scenarioId) ?? r.scenarioId,
      nodeId: nodeIds.get(r.nodeId) ?? r.nodeId,
      overrides: Object.fromEntries(Object.entries(r.overrides).map(([pid, o]) => [placeIds.get(pid) ?? pid, { ...o }])),
    })),
  };
}

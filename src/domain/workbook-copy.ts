// Copying a whole workbook: every record gets a fresh id and every link between records (tree
// parents, lines to nodes and places, rules to nodes and places, lines to the rules that wrote
// them) follows to the new ids. Used by "duplicate" and by next year's draft (domain/next-year.ts).

import type { Line, WorkbookData } from './model';
import { newId } from './ids';

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
    },
    nodes: data.nodes.map((n) => ({
      ...structuredClone(n),
      id: nodeIds.get(n.id)!,
      workbookId: wbId,
      parentId: n.parentId === null ? null : (nodeIds.get(n.parentId) ?? null),
    })),
    // `data` holds the baseline's lines only: the copy is of the baseline (variants and versions stay behind).
    scenarios: data.scenarios
      .filter((s) => s.id === data.workbook.baselineScenarioId)
      .map((s) => ({ ...s, id: scenarioIds.get(s.id)!, workbookId: wbId, createdAt: now, kind: 'baseline' as const })),
    lines: data.lines.map((l) => {
      const line: Line = {
        ...structuredClone(l),
        id: newId(),
        nodeId: nodeIds.get(l.nodeId) ?? l.nodeId,
        placeId: l.placeId === null ? null : (placeIds.get(l.placeId) ?? l.placeId),
      };
      if (l.allocation) line.allocation = allocationOf(l.allocation);
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

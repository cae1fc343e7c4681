// A whole workbook with every scenario's lines (the baseline, variants, frozen versions): what a
// backup file holds and what restoring one writes. Pure: the baseline view of it, and a copy with
// fresh ids that keeps every link (scenarios to their lines, rules to their scenario, versions to
// the scenario they came from).

import type { AllocationRuleRecord, Line, Place, Scenario, TreeNode, Workbook, WorkbookData } from './model';
import { copyWorkbook } from './workbook-copy';
import { newId } from './ids';

/** A scenario record as stored (unknown fields kept), with its own lines in stored order. */
export type ScenarioWithLines = Scenario & { lines: Line[] };

export interface WorkbookArchive {
  workbook: Workbook;
  nodes: TreeNode[];
  places: Place[];
  rules: AllocationRuleRecord[];
  scenarios: ScenarioWithLines[];
}

/** The archive as the app opens it: the workbook with its baseline scenario's lines (none when the
 * baseline is missing), scenario records without lines. */
export function archiveBaseline(archive: WorkbookArchive): WorkbookData {
  const baseline = archive.scenarios.find((s) => s.id === archive.workbook.baselineScenarioId);
  return {
    workbook: archive.workbook,
    nodes: archive.nodes,
    scenarios: archive.scenarios.map(withoutLines),
    lines: baseline?.lines ?? [],
    places: archive.places,
    rules: archive.rules,
  };
}

function withoutLines(s: ScenarioWithLines): Scenario {
  const { lines: _lines, ...scenario } = s;
  return scenario;
}

/**
 * A copy under fresh ids (workbook, nodes, scenarios, lines, places, rules) with every link
 * followed, as copyWorkbook does for the baseline; scenario i of the copy holds the copies of
 * scenario i's lines in the same order and keeps its own createdAt (a version's date is history).
 * A line id shared by several scenarios (a copy keeps its source's line ids) gets one new id.
 * The workbook is named `name` (its own name when absent). The archive is not touched.
 */
export function copyArchive(archive: WorkbookArchive, name = archive.workbook.name, now = Date.now()): WorkbookArchive {
  const { workbook, nodes, places, rules } = archive;
  // One copy of every scenario's lines at once, so nodes, places and rules follow the same new ids.
  const copy = copyWorkbook({ workbook, nodes, places, rules, scenarios: archive.scenarios.map(withoutLines), lines: archive.scenarios.flatMap((s) => s.lines) }, name, now);
  // copyWorkbook keeps the baseline's record only, but gives every scenario a fresh id, which the
  // copied rules carry; a scenario that no rule names gets a new id here.
  const scenarioId = new Map([[workbook.baselineScenarioId, copy.workbook.baselineScenarioId]]);
  rules.forEach((r, i) => scenarioId.set(r.scenarioId, copy.rules![i].scenarioId));
  for (const s of archive.scenarios) if (!scenarioId.has(s.id)) scenarioId.set(s.id, newId());
  const lineId = new Map<string, string>();
  let at = 0;
  const scenarios = archive.scenarios.map((source): ScenarioWithLines => {
    const lines = copy.lines.slice(at, (at += source.lines.length));
    source.lines.forEach((old, j) => {
      const id = lineId.get(old.id);
      if (id === undefined) lineId.set(old.id, lines[j].id);
      else lines[j].id = id;
    });
    const out: ScenarioWithLines = { ...structuredClone(withoutLines(source)), id: scenarioId.get(source.id)!, workbookId: copy.workbook.id, lines };
    if (typeof source.sourceId === 'string') out.sourceId = scenarioId.get(source.sourceId) ?? source.sourceId;
    return out;
  });
  return { workbook: copy.workbook, nodes: copy.nodes, places: copy.places ?? [], rules: copy.rules ?? [], scenarios };
}

/**
 * The archive with one scenario as a tab holds it in memory (its lines, rules and record, the tree,
 * the places and, for the baseline, the workbook record), which may be newer than what storage
 * holds — e.g. when storage is full. `stored` is null when storage has nothing of the workbook.
 */
export function overlayScenario(
  stored: WorkbookArchive | null,
  open: { workbook: Workbook; scenario: Scenario; nodes: TreeNode[]; places: Place[]; rules: AllocationRuleRecord[]; lines: Line[] },
): WorkbookArchive {
  const isBaseline = open.scenario.id === open.workbook.baselineScenarioId;
  const base = stored ?? { workbook: open.workbook, nodes: [], places: [], rules: [], scenarios: [] };
  const others = base.scenarios.filter((s) => s.id !== open.scenario.id);
  return {
    workbook: isBaseline || !stored ? open.workbook : base.workbook,
    nodes: open.nodes,
    places: open.places,
    rules: [...base.rules.filter((r) => r.scenarioId !== open.scenario.id), ...open.rules],
    scenarios: [...others, { ...open.scenario, lines: open.lines }],
  };
}

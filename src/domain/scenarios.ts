// Scenarios of a workbook: the baseline, named variants and frozen versions. Pure rules for what a
// scenario is, which inputs it carries, and the records that copying, freezing and restoring write.
//
// Storage rule: every scenario has its own lines and allocation rules (keyed by scenario id; a copy
// keeps the line ids, so lines match across scenarios). Counterpart ratios and projection settings
// are scenario inputs too: the baseline's stay in the workbook record (where they were before
// scenarios existed), every other scenario keeps its own in `inputs`.

import type { AllocationRuleRecord, Id, Scenario, ScenarioKind, Workbook } from './model';

/** The kind of a scenario, for records written before kinds existed too. */
export function kindOf(s: Scenario, wb: Pick<Workbook, 'baselineScenarioId'>): ScenarioKind {
  if (s.id === wb.baselineScenarioId) return 'baseline';
  return s.kind === 'version' ? 'version' : 'variant';
}

/** A version is frozen: read-only for good (it can be compared, copied or restored). */
export function isFrozen(s: Scenario, wb: Pick<Workbook, 'baselineScenarioId'>): boolean {
  return kindOf(s, wb) === 'version';
}

/** The workbook as one scenario sees it: its own counterpart ratios and projection settings. */
export function effectiveWorkbook(wb: Workbook, s: Scenario): Workbook {
  if (s.id === wb.baselineScenarioId) return wb;
  return { ...wb, counterpart: s.inputs?.counterpart ?? wb.counterpart, settings: s.inputs?.settings ?? wb.settings };
}

/**
 * What to store after a scenario's effective workbook changed: the workbook record (shared by all
 * scenarios) and, for a scenario other than the baseline, its record with the inputs.
 */
export function splitEffective(effective: Workbook, stored: Workbook, s: Scenario): { workbook: Workbook; scenario: Scenario | null } {
  if (s.id === stored.baselineScenarioId) return { workbook: effective, scenario: null };
  return {
    workbook: { ...effective, counterpart: stored.counterpart, settings: stored.settings },
    scenario: { ...s, inputs: { counterpart: effective.counterpart, settings: effective.settings } },
  };
}

export interface ScenarioCopy {
  scenario: Scenario;
  rules: AllocationRuleRecord[];
}

/**
 * The records of a copy of `source` as a new variant or version: same lines (the caller copies them
 * under the new id), the rules under fresh ids, the source's effective inputs as its own.
 */
export function copyScenarioRecords(
  wb: Workbook,
  source: Scenario,
  rules: readonly AllocationRuleRecord[],
  opts: { id: Id; kind: 'variant' | 'version'; name: string; note?: string; now: number; newId: () => Id },
): ScenarioCopy {
  const eff = effectiveWorkbook(wb, source);
  const scenario: Scenario = {
    id: opts.id,
    workbookId: wb.id,
    name: opts.name,
    createdAt: opts.now,
    kind: opts.kind,
    sourceId: source.id,
    inputs: { counterpart: structuredClone(eff.counterpart ?? []), settings: structuredClone(eff.settings) },
    ...(opts.note ? { note: opts.note } : {}),
    ...(opts.kind === 'version' ? { frozenAt: opts.now } : {}),
  };
  const copied = rules.map((r) => ({ ...structuredClone(r), id: opts.newId(), scenarioId: opts.id }));
  return { scenario, rules: copied };
}

/**
 * Restoring a version as the baseline: a new baseline scenario copied from the version, and the old
 * baseline kept as a version (frozen now, its inputs moved from the workbook record into its own).
 * Returns the records to write; the caller copies the version's lines and rules under `newId`.
 */
export function restoreAsBaselineRecords(
  wb: Workbook,
  oldBaseline: Scenario,
  version: Scenario,
  opts: { newId: Id; name: string; keptName: string; now: number },
): { workbook: Workbook; newBaseline: Scenario; keptBaseline: Scenario } {
  const fromVersion = effectiveWorkbook(wb, version);
  const keptBaseline: Scenario = {
    ...oldBaseline,
    name: opts.keptName,
    kind: 'version',
    frozenAt: opts.now,
    adopted: false,
    inputs: { counterpart: structuredClone(wb.counterpart ?? []), settings: structuredClone(wb.settings) },
  };
  const newBaseline: Scenario = {
    id: opts.newId,
    workbookId: wb.id,
    name: opts.name,
    createdAt: opts.now,
    kind: 'baseline',
    sourceId: version.id,
  };
  const workbook: Workbook = {
    ...wb,
    baselineScenarioId: opts.newId,
    counterpart: structuredClone(fromVersion.counterpart ?? []),
    settings: structuredClone(fromVersion.settings),
  };
  return { workbook, newBaseline, keptBaseline };
}

/** Scenarios in the order a picker lists them: the baseline, variants, then versions (newest first). */
export function sortScenarios(list: readonly Scenario[], wb: Pick<Workbook, 'baselineScenarioId'>): Scenario[] {
  const rank = { baseline: 0, variant: 1, version: 2 } as const;
  return [...list].sort((a, b) => {
    const ka = kindOf(a, wb);
    const kb = kindOf(b, wb);
    if (ka !== kb) return rank[ka] - rank[kb];
    return ka === 'version' ? (b.frozenAt ?? b.createdAt) - (a.frozenAt ?? a.createdAt) : a.createdAt - b.createdAt;
  });
}

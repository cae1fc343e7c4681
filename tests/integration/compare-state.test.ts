// The compare view's state end to end in Node (IndexedDB faked, the comparison on this thread): the
// default choice, a variant's edit seen after it is made, versions compared, and a change of
// roll-up computed without loading the scenarios again.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppState } from '../../src/state/app.svelte';
import { CompareState, defaultChoice } from '../../src/state/compare.svelte';
import { COMPARE_TOTAL, rowDelta } from '../../src/domain/compare';

const TR = 1_000_000;
const ctx = { unit: 'trieu', locale: 'vi' } as const;
let seq = 0;
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

async function demoWithVariant() {
  const app = new AppState(`compare-state-${Date.now()}-${seq++}`);
  await app.start();
  const baseline = app.session!.scenarioId;
  const r = await app.createVariant(baseline, 'DA2 +10 %');
  if (!r.ok) throw new Error(r.error.code);
  const state = new CompareState(app);
  cleanup.push(() => (state.dispose(), app.session?.dispose()));
  const lineOf = (code: string) => app.session!.lines.find((l) => l.nodeId === app.session!.tree.nodes.find((n) => n.code === code)!.id)!;
  const setPlan = (code: string, raw: string) => expect(app.session!.setCells([{ target: { kind: 'line', id: lineOf(code).id }, field: 'plan', raw }], ctx)).toEqual([]);
  return { app, state, baseline, variant: r.value.id, setPlan };
}

describe('CompareState', () => {
  it('compares the open variant with the scenario it was copied from, and sees its edits', async () => {
    const { app, state, baseline, variant, setPlan } = await demoWithVariant();
    expect(defaultChoice(app.session!).scenarioIds).toEqual([baseline, variant]);
    setPlan('DA2', '5.979,6');
    await state.run();
    expect(state.status).toBe('ready');
    expect(state.choice.scenarioIds).toEqual([baseline, variant]);
    expect(rowDelta(state.outcome!.comparison, 'plan', 1, COMPARE_TOTAL)).toBe(543.6 * TR);

    // An edit of the open scenario is loaded again once its roll-up bumps the session's revision
    // (the view runs again on that bump).
    const revision = app.session!.revision;
    setPlan('DA7.TDA2', '300');
    await vi.waitFor(() => expect(app.session!.revision).not.toBe(revision));
    await state.run();
    expect(rowDelta(state.outcome!.comparison, 'plan', 1, COMPARE_TOTAL)).toBe((543.6 + 22) * TR);
  });

  it('compares a frozen version with the variant edited after it, and rolls up by unit without reloading', async () => {
    const { app, state, variant, setPlan } = await demoWithVariant();
    setPlan('DA2', '5.979,6');
    const v = await app.saveVersion('Nộp Sở 15/12', 'gửi Sở LĐ-TB&XH 15/12');
    if (!v.ok) throw new Error(v.error.code);
    setPlan('DA7.TDA2', '300');
    state.choice.scenarioIds = [v.value.id, variant];
    await state.run();
    const c = state.outcome!.comparison;
    expect(rowDelta(c, 'plan', 1, COMPARE_TOTAL)).toBe(22 * TR);
    expect(state.outcome!.scenarios.map((s) => s.name)).toEqual(['Nộp Sở 15/12', 'DA2 +10 %']);

    const loads: string[] = [];
    const load = app.loadScenario.bind(app);
    app.loadScenario = (id) => (loads.push(id), load(id));
    state.choice.dimension = 'unit';
    await state.run();
    expect(loads).toEqual([]);
    const groups = state.outcome!.groups!;
    const g = groups.labels.indexOf('Phòng LĐ-TB&XH-DT');
    expect(rowDelta(state.outcome!.comparison, 'plan', 1, -g - 2)).toBe(22 * TR);
  });

  it('drops a compared scenario that was deleted and falls back to the default choice', async () => {
    const { app, state, baseline, variant } = await demoWithVariant();
    await state.run();
    await app.switchScenario(baseline);
    const del = await app.deleteScenario(variant);
    if (!del.ok) throw new Error(del.error.code);
    await state.run();
    expect(state.choice.scenarioIds).toEqual([baseline]);
    expect(state.status).toBe('ready');
    expect(state.outcome!.comparison.scenarioCount).toBe(1);
  });
});

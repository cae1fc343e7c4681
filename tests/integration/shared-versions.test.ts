// Earlier versions of a shared workbook in the browser (AppStates on fake IndexedDB against a
// server in this process on PGlite): the log listed newest first with what each step changed; an
// earlier version opened read-only shows the plan as it was and refuses edits, nothing of it
// stored; restoring it makes a new variant with the lines as they were, the items deleted since
// put back, synced to the other browser, and says what it did with numbers.
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../src/state/app.svelte';
import { describeProblem } from '../../src/domain/messages';
import { browserAs, useDistrictServer } from './server-browser';

const ctx = { unit: 'trieu', locale: 'vi' } as const;
const TR = 1_000_000;

describe('earlier versions of a shared workbook', () => {
  const env = useDistrictServer();
  let origin: string;
  let users: string[];
  beforeAll(() => {
    ({ origin, users } = env);
  });

  const lineUnder = (app: AppState, code: string) => {
    const s = app.session!;
    const node = s.tree.nodes.find((n) => n.code === code);
    return node ? s.lines.find((l) => l.nodeId === node.id) : undefined;
  };

  it('opens a version read-only as it was, and restores it as a new variant with the items deleted since, seen by the other browser', async () => {
    const a = await browserAs(origin, users[0], env.apps);
    expect((await a.app.shareOpen(a.api)).ok).toBe(true);
    await a.app.shared!.idle();
    const first = await a.app.workbookVersions();
    if (!first.ok) throw new Error(first.error.code);
    const shared = first.value.lastSeq;
    const before = lineUnder(a.app, 'DA2')!.plan;
    const baseline = a.app.session!.scenario.name;

    // After the version shared: DA2's plan changed, the item DA4.TDA1 deleted with its line.
    a.app.session!.setCells([{ target: { kind: 'line', id: lineUnder(a.app, 'DA2')!.id }, field: 'plan', raw: '7000' }], ctx);
    const gone = a.app.session!.tree.nodes.find((n) => n.code === 'DA4.TDA1')!;
    a.app.session!.deleteNode(gone.id);
    await a.app.session!.flush();
    a.app.shared!.kick();
    await a.app.shared!.idle();
    expect(lineUnder(a.app, 'DA4.TDA1')).toBeUndefined();

    const listed = await a.app.workbookVersions();
    if (!listed.ok) throw new Error(listed.error.code);
    expect(listed.value.lastSeq).toBeGreaterThan(shared);
    expect(listed.value.versions[0].seq).toBe(listed.value.lastSeq);
    expect(listed.value.versions.at(-1)!.seq).toBe(1);
    expect(listed.value.versions.some((v) => v.counts.lines === 1 && v.counts.nodes === 0)).toBe(true);

    // The version shared, read-only: the plan as it was, every edit refused, nothing synced.
    expect((await a.app.openVersion(shared)).ok).toBe(true);
    expect(a.app.viewing).toMatchObject({ kind: 'version', seq: shared, scenarioName: baseline });
    expect(a.app.shared).toBeNull();
    expect(lineUnder(a.app, 'DA2')!.plan).toBe(before);
    expect(lineUnder(a.app, 'DA4.TDA1')).toBeDefined();
    a.app.session!.setCells([{ target: { kind: 'line', id: lineUnder(a.app, 'DA2')!.id }, field: 'plan', raw: '1' }], ctx);
    expect(lineUnder(a.app, 'DA2')!.plan).toBe(before);
    expect(describeProblem(a.app.session!.refusal!.problem, 'vi')).toContain(`phiên bản ${shared}`);

    // Restored as a new variant: open, synced, its lines as they were, the deleted item back.
    const restored = await a.app.restoreVersion(shared, 'Khôi phục bản chia sẻ');
    if (!restored.ok) throw new Error(restored.error.code);
    expect(a.app.viewing).toBeNull();
    expect(a.app.session!.scenario).toMatchObject({ id: restored.value.scenario.id, name: 'Khôi phục bản chia sẻ', kind: 'variant' });
    expect(lineUnder(a.app, 'DA2')!.plan).toBe(before);
    expect(lineUnder(a.app, 'DA4.TDA1')).toBeDefined();
    expect(a.app.notice?.problem).toEqual({
      code: 'version.restored-items',
      params: { seq: shared, from: baseline, name: 'Khôi phục bản chia sẻ', lines: restored.value.lines.length, items: 1, places: 0 },
    });
    expect(describeProblem(a.app.notice!.problem!, 'en')).toContain(`${restored.value.lines.length} lines; put back 1 items`);
    await a.app.shared!.idle();
    expect(a.app.shared!.pending).toBe(0);

    // The other browser sees the new variant with the lines as they were.
    const b = await browserAs(origin, users[1], env.apps);
    const wb = await b.api.workbook(a.app.session!.workbook.id);
    if (!wb.ok) throw new Error(wb.error.code);
    expect((await b.app.openFromServer(b.api, wb.value.workbook)).ok).toBe(true);
    await b.app.switchScenario(restored.value.scenario.id);
    expect(lineUnder(b.app, 'DA2')!.plan).toBe(before);
    expect(b.app.session!.lines.length).toBe(restored.value.lines.length);

    // The baseline still holds the edit.
    await a.app.switchScenario(a.app.session!.workbook.baselineScenarioId);
    expect(lineUnder(a.app, 'DA2')!.plan).toBe(7000 * TR);
  }, 60_000);

  it('refuses the versions of a workbook that is not shared', async () => {
    const c = await browserAs(origin, users[0], env.apps);
    expect(await c.app.workbookVersions()).toEqual({ ok: false, error: { code: 'sync.not-shared' } });
    expect(await c.app.openVersion(1)).toEqual({ ok: false, error: { code: 'sync.not-shared' } });
  });
});

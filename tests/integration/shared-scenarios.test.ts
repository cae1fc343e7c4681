// Scenarios of a shared workbook between browsers (AppStates on fake IndexedDB) against a server in
// this process on PGlite at 127.0.0.1: a variant made in one browser appears in the other's
// scenario list with its lines, a frozen version stays frozen there, a rename, a note and the
// adopted mark follow, a deletion takes the scenario away (moving a browser that showed it to the
// baseline, saying so), undoing it brings it back, a version restored as the baseline becomes the
// baseline everywhere, and a browser opening the workbook afterwards gets the same scenarios. A
// variant of a large plan, and its deletion, travel as several operations.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { AppState } from '../../src/state/app.svelte';
import { UPLOAD_LINES_PER_OP } from '../../src/domain/sync';
import { browserAs, openSharedIn, useDistrictServer } from './server-browser';

const ctx = { unit: 'trieu', locale: 'vi' } as const;
const TR = 1_000_000;

describe('scenarios of a shared workbook between browsers', () => {
  const env = useDistrictServer();
  const apps = env.apps;

  /** A shares its open workbook; B opens it from the server. */
  async function twoBrowsers() {
    const a = await browserAs(env.origin, env.users[0], apps);
    const { b, wb } = await openSharedIn(env.origin, env.users[1], apps, a);
    await b.app.shared!.idle();
    return { a, b, wb };
  }

  const names = (app: AppState) => app.session!.scenarios.map((s) => `${s.name}:${s.kind ?? 'baseline'}${s.adopted ? '*' : ''}`);
  const lineOf = (app: AppState, code: string) => {
    const s = app.session!;
    const node = s.tree.nodes.find((n) => n.code === code)!;
    return s.lines.find((l) => l.nodeId === node.id)!;
  };
  const plans = (app: AppState) => app.session!.lines.map((l) => [l.id, l.plan]);

  it('a variant, a version, a rename, a note, the adopted mark, a deletion and its undo, and a restore as baseline reach the other browser', async () => {
    const { a, b, wb } = await twoBrowsers();
    const baselineId = a.app.session!.scenarioId;

    // A makes a variant of the plan shown and edits it: B's scenario list shows it, with A's lines.
    const variant = await a.app.createVariant(baselineId, 'Phương án 80 %', 'giải ngân 80 %');
    if (!variant.ok) throw new Error(variant.error.code);
    expect(a.app.notice).toBeNull();
    a.app.session!.setCells([{ target: { kind: 'line', id: lineOf(a.app, 'DA2').id }, field: 'plan', raw: '7000' }], ctx);
    await a.app.session!.flush();
    await expect.poll(() => names(b.app)).toContain('Phương án 80 %:variant');
    await b.app.switchScenario(variant.value.id);
    await expect.poll(() => lineOf(b.app, 'DA2').plan).toBe(7000 * TR);
    expect(plans(b.app)).toEqual(plans(a.app));
    expect(b.app.session!.scenario.note).toBe('giải ngân 80 %');

    // A freezes the variant as a version: frozen on B too, every edit refused there.
    const version = await a.app.saveVersion('Bản nộp lần 1', 'gửi phòng TC');
    if (!version.ok) throw new Error(version.error.code);
    await expect.poll(() => names(b.app)).toContain('Bản nộp lần 1:version');
    await b.app.switchScenario(version.value.id);
    expect(b.app.session!.frozen).toBe(true);
    expect(lineOf(b.app, 'DA2').plan).toBe(7000 * TR);
    b.app.session!.setCells([{ target: { kind: 'line', id: lineOf(b.app, 'DA2').id }, field: 'plan', raw: '1' }], ctx);
    expect(lineOf(b.app, 'DA2').plan).toBe(7000 * TR);

    // A renames the variant, changes its note and adopts it.
    expect((await a.app.updateScenario(variant.value.id, { name: 'Phương án chọn', note: 'đã họp', adopted: true })).ok).toBe(true);
    await expect.poll(() => names(b.app)).toContain('Phương án chọn:variant*');
    expect(b.app.session!.scenarios.find((s) => s.id === variant.value.id)?.note).toBe('đã họp');

    // B shows the variant; A deletes it: it leaves B's list and B is moved to the baseline, told why.
    await b.app.switchScenario(variant.value.id);
    const deleted = await a.app.deleteScenario(variant.value.id);
    expect(deleted.ok).toBe(true);
    await expect.poll(() => b.app.session!.scenarioId).toBe(baselineId);
    expect(names(b.app)).not.toContain('Phương án chọn:variant*');
    expect(b.app.notice?.problem).toEqual({ code: 'sync.scenario-gone', params: { name: 'Phương án chọn' } });
    await a.app.shared!.idle();
    const [gone] = await env.db.query<{ n: number }>(`select count(*)::int as n from records where workbook_id = $1 and kind = 'line' and scope = $2 and data is not null`, [
      wb.id,
      variant.value.id,
    ]);
    expect(gone.n).toBe(0);

    // A undoes the deletion: the variant is back on B, lines and all.
    expect((await a.app.undoDeleteScenario()).ok).toBe(true);
    await expect.poll(() => names(b.app)).toContain('Phương án chọn:variant*');
    await b.app.switchScenario(variant.value.id);
    await expect.poll(() => lineOf(b.app, 'DA2').plan).toBe(7000 * TR);

    // A restores the version as the baseline: B's baseline is the new one, the old kept as a version.
    const restored = await a.app.restoreAsBaseline(version.value.id, { name: 'Kế hoạch (khôi phục)', keptName: 'Kế hoạch cũ' });
    if (!restored.ok) throw new Error(restored.error.code);
    await b.app.switchScenario(baselineId);
    await expect.poll(() => b.app.session!.workbook.baselineScenarioId).toBe(restored.value.id);
    await expect.poll(() => b.app.session!.frozen).toBe(true);
    expect(names(b.app)).toEqual(names(a.app));
    await b.app.switchScenario(restored.value.id);
    expect(lineOf(b.app, 'DA2').plan).toBe(7000 * TR);
    expect(b.app.session!.frozen).toBe(false);

    // A third browser opening the workbook now gets the same scenarios, each with A's lines.
    await a.app.shared!.idle();
    const c = await browserAs(env.origin, env.users[1], apps);
    expect((await c.app.openFromServer(c.api, wb)).ok).toBe(true);
    expect(names(c.app)).toEqual(names(a.app));
    for (const s of a.app.session!.scenarios) {
      await a.app.switchScenario(s.id);
      await c.app.switchScenario(s.id);
      expect(plans(c.app)).toEqual(plans(a.app));
    }
  }, 60_000);

  it('a variant of a plan of many lines travels as several operations, every line arriving', async () => {
    const a = await browserAs(env.origin, env.users[0], apps);
    const n = UPLOAD_LINES_PER_OP * 2 + 500;
    await a.app.open(await a.app.generate(n));
    const { b, wb } = await openSharedIn(env.origin, env.users[1], apps, a);

    const variant = await a.app.createVariant(a.app.session!.scenarioId, 'Phương án lớn');
    if (!variant.ok) throw new Error(variant.error.code);
    await a.app.shared!.idle();
    expect(a.app.shared!.pending).toBe(0);
    const ops = await env.db.query<{ n: number }>(`select count(*)::int as n from ops where workbook_id = $1 and scenario_id = $2`, [wb.id, variant.value.id]);
    expect(ops[0].n).toBe(3);
    await expect.poll(() => names(b.app)).toContain('Phương án lớn:variant');
    await b.app.switchScenario(variant.value.id);
    expect(b.app.session!.lines).toHaveLength(n);
    expect(plans(b.app)).toEqual(plans(a.app));

    // Deleting it takes its lines away in several operations too: none is refused, none is left.
    expect((await a.app.deleteScenario(variant.value.id)).ok).toBe(true);
    await a.app.shared!.idle();
    expect([a.app.shared!.phase, a.app.shared!.pending]).toEqual(['synced', 0]);
    const left = await env.db.query<{ n: number }>(`select count(*)::int as n from records where workbook_id = $1 and scope = $2 and data is not null`, [
      wb.id,
      variant.value.id,
    ]);
    expect(left[0].n).toBe(0);
    await expect.poll(() => b.app.session!.scenarioId).not.toBe(variant.value.id);
    expect(names(b.app)).not.toContain('Phương án lớn:variant');
  }, 60_000);
});

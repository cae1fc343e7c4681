// Backups through the database (fake-indexeddb, a fresh database per test): a workbook with a
// variant of its own lines and rules goes out as a backup file and comes back as a new workbook
// with every scenario, all or nothing.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type PlanbenchDB } from '../../src/db/database';
import { commitChange, createWorkbook, listWorkbooks, loadWorkbook } from '../../src/db/workbook-repo';
import { copyScenario } from '../../src/db/scenario-repo';
import { loadAllScenarioLines, loadWorkbookArchive, restoreBackup } from '../../src/db/backup-repo';
import { buildDemoWorkbook, buildGeneratedWorkbook } from '../../src/domain/demo';
import type { AllocationRuleRecord, Id } from '../../src/domain/model';
import type { WorkbookArchive } from '../../src/domain/workbook-archive';
import { readBackup, writeBackup } from '../../src/io/backup';

let seq = 0;
const opened: PlanbenchDB[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});
function freshDb(): PlanbenchDB {
  const db = openDatabase(`planbench-backup-${Date.now()}-${seq++}`);
  opened.push(db);
  return db;
}

/** The demo stored with a variant whose lines differ and which holds an allocation rule of its own. */
async function storeDemoWithVariant(db: PlanbenchDB): Promise<{ workbookId: Id; variantId: Id; ruleId: Id }> {
  const demo = buildDemoWorkbook();
  await createWorkbook(db, demo);
  const wbId = demo.workbook.id;
  const variant = await copyScenario(db, wbId, demo.workbook.baselineScenarioId, { kind: 'variant', name: 'Phương án 80 %', note: 'Giả định' });
  if (!variant.ok) throw new Error(variant.error.code);
  const place = demo.places![0];
  const rule: AllocationRuleRecord = {
    id: crypto.randomUUID(),
    workbookId: wbId,
    scenarioId: variant.value.id,
    name: 'Chia DA3',
    nodeId: demo.lines[1].nodeId,
    source: 'central',
    capital: 'recurrent',
    year: 2023,
    envelope: 2_398_000_000,
    unit: 1_000_000,
    criteria: [{ key: 'poor', weight: 1 }],
    reserved: [],
    overrides: { [place.id]: { floor: 20_000_000 } },
    createdAt: 1,
    updatedAt: 1,
  };
  const lines = demo.lines.map((l, i) => ({ ...l, plan: l.plan + i * 1_001 }));
  lines[1] = { ...lines[1], placeId: place.id, allocation: { ruleId: rule.id, key: place.id } };
  const committed = await commitChange(db, { workbookId: wbId, putRules: [rule], chunks: [{ scenarioId: variant.value.id, workbookId: wbId, no: 0, lines }] });
  if (!committed.ok) throw new Error(committed.error.code);
  return { workbookId: wbId, variantId: variant.value.id, ruleId: rule.id };
}

/** The archive with ids replaced by what they stand for, to compare a restored copy with its source. */
function shape(a: WorkbookArchive) {
  const nodeCode = new Map(a.nodes.map((n) => [n.id, n.code]));
  const placeName = new Map(a.places.map((p) => [p.id, p.name]));
  const ruleName = new Map(a.rules.map((r) => [r.id, r.name]));
  const scenarioName = new Map(a.scenarios.map((s) => [s.id, s.name]));
  return {
    baseline: scenarioName.get(a.workbook.baselineScenarioId),
    scenarios: [...a.scenarios]
      .sort((x, y) => x.name.localeCompare(y.name))
      .map((s) => ({
        name: s.name,
        kind: s.kind,
        note: s.note,
        lines: s.lines.map((l) => ({
          node: nodeCode.get(l.nodeId),
          plan: l.plan,
          disbursed: l.disbursed,
          place: l.placeId && placeName.get(l.placeId),
          rule: l.allocation && ruleName.get(l.allocation.ruleId),
          key: l.allocation && placeName.get(l.allocation.key),
        })),
      })),
    rules: a.rules.map((r) => ({
      name: r.name,
      scenario: scenarioName.get(r.scenarioId),
      node: nodeCode.get(r.nodeId),
      overrides: Object.keys(r.overrides).map((k) => placeName.get(k)),
    })),
    places: a.places.length,
  };
}

describe('backup through the database', () => {
  it('loads every scenario’s lines in stored order', async () => {
    const db = freshDb();
    const big = buildGeneratedWorkbook(2_500);
    await createWorkbook(db, big);
    const variant = await copyScenario(db, big.workbook.id, big.workbook.baselineScenarioId, { kind: 'version', name: 'v1' });
    expect(variant.ok).toBe(true);
    const all = await loadAllScenarioLines(db, big.workbook.id);
    expect(all.get(big.workbook.baselineScenarioId)).toEqual(big.lines);
    expect(variant.ok && all.get(variant.value.id)).toEqual(big.lines);
  });

  it('round-trips a workbook with a second scenario’s lines and rules, restored as a new workbook', async () => {
    const db = freshDb();
    const { workbookId, variantId } = await storeDemoWithVariant(db);
    const before = await loadWorkbookArchive(db, workbookId);
    expect(before!.scenarios).toHaveLength(2);
    expect(before!.rules).toHaveLength(1);

    const read = readBackup(writeBackup(before!));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const restored = await restoreBackup(db, read.value, { name: 'Cao Lộc 2023 (khôi phục)' });
    expect(restored.ok).toBe(true);
    if (!restored.ok) return;
    const newId = restored.value.workbook.id;
    expect(newId).not.toBe(workbookId);
    expect((await listWorkbooks(db)).map((w) => w.name).sort()).toEqual(['Cao Lộc 2023', 'Cao Lộc 2023 (khôi phục)']);

    const after = await loadWorkbookArchive(db, newId);
    // The database returns records by id; the restored records are exactly those stored.
    const sorted = (x: WorkbookArchive) => ({
      ...x,
      ...Object.fromEntries((['nodes', 'places', 'rules', 'scenarios'] as const).map((k) => [k, [...x[k]].sort((p, q) => p.id.localeCompare(q.id))])),
    });
    expect(sorted(after!)).toEqual(sorted(restored.value));
    expect(shape(after!)).toEqual(shape(before!));
    const variant = after!.scenarios.find((s) => s.name === 'Phương án 80 %')!;
    const baseline = after!.scenarios.find((s) => s.id === after!.workbook.baselineScenarioId)!;
    expect(variant.lines[1].plan).not.toBe(baseline.lines[1].plan);
    // Lines still match across scenarios by id, as copies keep them.
    expect(variant.lines.map((l) => l.id)).toEqual(baseline.lines.map((l) => l.id));

    // The restored variant opens with its own lines and rule.
    const opened = await loadWorkbook(db, newId, variant.id);
    expect(opened!.data.lines).toEqual(variant.lines);
    expect(opened!.data.rules!.map((r) => r.scenarioId)).toEqual([variant.id]);
    // The source workbook is untouched.
    expect(await loadWorkbookArchive(db, workbookId)).toEqual(before);
    expect(before!.scenarios.map((s) => s.id)).toContain(variantId);
  });

  it('writes nothing when restoring fails part-way', async () => {
    const db = freshDb();
    const { workbookId } = await storeDemoWithVariant(db);
    const archive = (await loadWorkbookArchive(db, workbookId))!;
    let chunks = 0;
    // The second scenario's lines fail to store, after the baseline's were written.
    db.lineChunks.hook('creating', () => {
      if (++chunks === 2) throw new Error('disk gone');
    });
    const r = await restoreBackup(db, archive);
    expect(r).toMatchObject({ ok: false, error: { code: 'db.write-failed' } });
    expect((await listWorkbooks(db)).map((w) => w.id)).toEqual([workbookId]);
    expect(await db.lineChunks.count()).toBe(2);
  });
});

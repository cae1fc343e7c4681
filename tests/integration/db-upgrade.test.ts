// One test per schema upgrade: seed data as the older version wrote it, reopen with today's
// schema, and check every record is there and upgraded.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { openDatabase, SCHEMA_VERSION } from '../../src/db/database';
import { commitChange, loadWorkbook } from '../../src/db/workbook-repo';
import { ChunkedLines } from '../../src/db/line-chunks';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { DEFAULT_CRITERIA, type Place } from '../../src/domain/model';

let seq = 0;

describe('schema upgrade 1 → 2 (places, rules, criteria, counterpart ratios)', () => {
  it('keeps every v1 record and gives workbooks the default criteria and no counterpart ratios', async () => {
    const name = `upgrade-1-2-${Date.now()}-${seq++}`;
    // A database exactly as the first release wrote it.
    const v1 = new Dexie(name);
    v1.version(1).stores({
      workbooks: 'id, updatedAt',
      nodes: 'id, workbookId',
      scenarios: 'id, workbookId',
      lineChunks: '[scenarioId+no], scenarioId, workbookId',
      meta: 'key',
    });
    const demo = buildDemoWorkbook();
    const { criteria: _c, counterpart: _p, ...v1Workbook } = demo.workbook;
    const packed = ChunkedLines.fromLines(demo.lines);
    await v1.table('workbooks').add(v1Workbook);
    await v1.table('nodes').bulkAdd(demo.nodes);
    await v1.table('scenarios').bulkAdd(demo.scenarios);
    await v1.table('lineChunks').add({ scenarioId: demo.workbook.baselineScenarioId, workbookId: demo.workbook.id, no: 0, lines: packed.lines(0) });
    await v1.table('meta').add({ key: 'lastWorkbookId', value: demo.workbook.id });
    v1.close();

    const db = openDatabase(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    const loaded = (await loadWorkbook(db, demo.workbook.id))!;
    expect(loaded.data.lines).toEqual(demo.lines);
    expect(loaded.data.nodes).toHaveLength(demo.nodes.length);
    expect(loaded.data.workbook.criteria).toEqual(DEFAULT_CRITERIA);
    expect(loaded.data.workbook.counterpart).toEqual([]);
    expect(loaded.data.workbook.stated).toEqual(demo.workbook.stated);
    expect(loaded.data.places).toEqual([]);
    expect((await db.meta.get('lastWorkbookId'))?.value).toBe(demo.workbook.id);

    // The new tables take records in the same all-or-nothing commit.
    const place: Place = { id: 'p1', workbookId: demo.workbook.id, parentId: null, code: 'X1', name: 'Xã Lộc Yên', kind: 'commune', values: { poor: 12 }, order: 0 };
    const r = await commitChange(db, { workbookId: demo.workbook.id, putPlaces: [place] });
    expect(r.ok).toBe(true);
    expect((await loadWorkbook(db, demo.workbook.id))!.data.places).toEqual([place]);
  });
});

describe('schema upgrade 2 → 3 (scenarios with kinds, versions, per-scenario inputs)', () => {
  it('keeps every v2 record, gives scenarios their kind, and loads each scenario’s own lines', async () => {
    const name = `upgrade-2-3-${Date.now()}-${seq++}`;
    const v2 = new Dexie(name);
    v2.version(1).stores({
      workbooks: 'id, updatedAt',
      nodes: 'id, workbookId',
      scenarios: 'id, workbookId',
      lineChunks: '[scenarioId+no], scenarioId, workbookId',
      meta: 'key',
    });
    v2.version(2).stores({ places: 'id, workbookId', rules: 'id, workbookId, scenarioId' });
    const demo = buildDemoWorkbook();
    const wbId = demo.workbook.id;
    const baseId = demo.workbook.baselineScenarioId;
    const other = { id: 'scn-2', workbookId: wbId, name: 'Phương án 2', createdAt: 1 };
    const otherLines = demo.lines.map((l) => ({ ...l, plan: l.plan * 2 }));
    await v2.table('workbooks').add(demo.workbook);
    await v2.table('nodes').bulkAdd(demo.nodes);
    await v2.table('scenarios').bulkAdd([...demo.scenarios, other]);
    await v2.table('lineChunks').bulkAdd([
      { scenarioId: baseId, workbookId: wbId, no: 0, lines: demo.lines },
      { scenarioId: other.id, workbookId: wbId, no: 0, lines: otherLines },
    ]);
    await v2.table('places').bulkAdd(demo.places ?? []);
    v2.close();

    const db = openDatabase(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    const base = (await loadWorkbook(db, wbId))!;
    expect(base.scenarioId).toBe(baseId);
    expect(base.data.lines).toEqual(demo.lines);
    expect(base.data.scenarios.find((s) => s.id === baseId)!.kind).toBe('baseline');
    expect(base.data.scenarios.find((s) => s.id === other.id)!.kind).toBe('variant');
    expect(base.data.places).toHaveLength(22);
    const second = (await loadWorkbook(db, wbId, other.id))!;
    expect(second.scenarioId).toBe(other.id);
    expect(second.data.lines).toEqual(otherLines);
    expect(await db.scenarios.where('kind').equals('variant').count()).toBe(1);
  });
});

describe('schema upgrade 3 → 4 (shared workbooks: outbox, shares, shadows)', () => {
  it('keeps every v3 record, leaves every workbook local, and a later edit queues nothing', async () => {
    const name = `upgrade-3-4-${Date.now()}-${seq++}`;
    const v3 = new Dexie(name);
    v3.version(1).stores({
      workbooks: 'id, updatedAt',
      nodes: 'id, workbookId',
      scenarios: 'id, workbookId',
      lineChunks: '[scenarioId+no], scenarioId, workbookId',
      meta: 'key',
    });
    v3.version(2).stores({ places: 'id, workbookId', rules: 'id, workbookId, scenarioId' });
    v3.version(3).stores({ scenarios: 'id, workbookId, kind' });
    const demo = buildDemoWorkbook();
    const wbId = demo.workbook.id;
    await v3.table('workbooks').add(demo.workbook);
    await v3.table('nodes').bulkAdd(demo.nodes);
    await v3.table('scenarios').bulkAdd(demo.scenarios.map((s) => ({ ...s, kind: 'baseline' })));
    await v3.table('lineChunks').add({ scenarioId: demo.workbook.baselineScenarioId, workbookId: wbId, no: 0, lines: demo.lines });
    v3.close();

    const db = openDatabase(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(4);
    expect((await loadWorkbook(db, wbId))!.data.lines).toEqual(demo.lines);
    expect(await db.shares.count()).toBe(0);
    const line = demo.lines[0];
    const r = await commitChange(db, {
      workbookId: wbId,
      lineWrites: [{ scenarioId: demo.workbook.baselineScenarioId, workbookId: wbId, no: 0, put: [{ before: line, after: { ...line, plan: 1 } }], deleteIds: [] }],
      sync: { scenarioId: demo.workbook.baselineScenarioId, change: { lines: [{ before: line, after: { ...line, plan: 1 } }] } },
    });
    expect(r.ok).toBe(true);
    expect(await db.outbox.count()).toBe(0);
  });
});

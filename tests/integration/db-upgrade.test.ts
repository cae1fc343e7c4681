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

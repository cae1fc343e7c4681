// File imports end to end in Node (IndexedDB faked, the reader and the recalculation on this
// thread): the fixtures into a workbook as one undoable step, a broken or cancelled import
// changing nothing, round trips of the demo through xlsx, CSV and a JSON backup to the đồng,
// cells imported marked, mappings remembered, and districts consolidated into a province.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { AppState } from '../../src/state/app.svelte';
import { ImportFlow } from '../../src/state/import-flow.svelte';
import { ImportClient } from '../../src/engine/import-client';
import { openDatabase } from '../../src/db/database';
import { createWorkbook, loadWorkbook } from '../../src/db/workbook-repo';
import { loadWorkbookArchive } from '../../src/db/backup-repo';
import { WorkbookSession } from '../../src/state/session.svelte';
import { RecalcClient } from '../../src/engine/recalc-client';
import { buildDemoWorkbook, buildEmptyWorkbook } from '../../src/domain/demo';
import { totalsByPlace } from '../../src/domain/consolidate';
import { readImport } from '../../src/io/import-plan';
import { exportPlanXlsx } from '../../src/io/export-xlsx';
import { exportPlanCsv } from '../../src/io/export-csv';
import { writeBackup } from '../../src/io/backup';
import { formatAmount } from '../../src/domain/amount';
import type { Line, WorkbookData } from '../../src/domain/model';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url)));
let seq = 0;
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

/** An app on a fresh database with an empty 2023 workbook open, and an import flow on this thread. */
async function start(name = 'Tỉnh Lạng Sơn 2023') {
  const dbName = `import-test-${Date.now()}-${seq++}`;
  const app = new AppState(dbName);
  await app.start();
  await app.createEmpty(name, 2023);
  const flow = new ImportFlow(app, new ImportClient(false));
  cleanup.push(() => (flow.dispose(), app.session?.dispose()));
  const s = () => app.session!;
  const stored = async () => {
    await s().flush();
    const db = openDatabase(dbName);
    const loaded = (await loadWorkbook(db, s().workbook.id))!;
    db.close();
    return loaded.data;
  };
  const rollupReady = () => vi.waitFor(() => expect(s().rollup).not.toBeNull());
  const total = (k: 'plan' | 'disbursed') => s().rollup![k][s().rollup!.nodeCount];
  return { app, flow, s, stored, rollupReady, total, dbName };
}

/** What a line holds, by its item's code, for comparing workbooks. */
const linesOf = (data: Pick<WorkbookData, 'nodes' | 'lines'>) =>
  data.lines
    .map((l) => ({
      code: data.nodes.find((n) => n.id === l.nodeId)!.code,
      label: l.label,
      unit: l.unit,
      source: l.source,
      capital: l.capital,
      vintage: l.vintage,
      plan: l.plan,
      disbursed: l.disbursed,
      expectedRate: l.expectedRate,
      asOf: l.asOf,
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const sortById = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));

const FIXTURES = [
  'cao-loc-2023.xlsx',
  'cao-loc-2023.csv',
  'cao-loc-2023-semicolon.csv',
  'cao-loc-2023-cp1258.csv',
  'cao-loc-2023-utf16.txt',
  'libreoffice-vi-layout.xlsx',
  'formulas-merged.xlsx',
  'plan-en.csv',
];

describe('importing a file into the open workbook', () => {
  it.each(FIXTURES)('%s: one step; its lines, items and stated totals; one undo removes it all', async (name) => {
    const { flow, s, stored, rollupReady, total } = await start();
    const before = await stored();
    await flow.load(name, fixture(name));
    expect(flow.problem).toBeNull();
    expect(flow.step).toBe('review');
    const read = await readImport(fixture(name), name, { workbookId: s().workbook.id, year: 2023, nodes: s().tree.nodes });
    if (!read.ok) throw new Error(read.error.code);
    const want = read.value.result.lines.reduce((a, l) => a + l.line.plan, 0);
    expect(flow.summary!.result.plan).toBe(want);

    const r = await flow.apply();
    expect(r.ok).toBe(true);
    expect(flow.outcome!.added).toBe(read.value.result.lines.length);
    await rollupReady();
    expect(total('plan')).toBe(want);
    const after = await stored();
    expect(after.lines).toHaveLength(read.value.result.lines.length);
    expect(after.lines.reduce((a, l) => a + l.plan, 0)).toBe(want);

    expect(s().undo()).toBe(true);
    expect(s().canUndo).toBe(false);
    await rollupReady();
    expect(total('plan')).toBe(0);
    const undone = await stored();
    expect(sortById(undone.lines)).toEqual(sortById(before.lines));
    expect(sortById(undone.nodes)).toEqual(sortById(before.nodes));
    expect(undone.workbook.stated).toEqual(before.workbook.stated);
  });

  it('the seed report: the lines as the demo holds them, the a/b activities under DA3.TDA2, the stated total on the workbook', async () => {
    const { flow, s, stored } = await start();
    await flow.load('cao-loc-2023.xlsx', fixture('cao-loc-2023.xlsx'));
    await flow.apply();
    const data = await stored();
    const code = (l: Line) => data.nodes.find((n) => n.id === l.nodeId)!.code;
    const demo = buildDemoWorkbook();
    for (const d of demo.lines.filter((l) => demo.nodes.find((n) => n.id === l.nodeId)!.code !== 'DA3.TDA2')) {
      const c = demo.nodes.find((n) => n.id === d.nodeId)!.code;
      expect(data.lines.filter((l) => code(l) === c).map((l) => [l.plan, l.disbursed, l.vintage, l.unit])).toEqual([[d.plan, d.disbursed, d.vintage, d.unit]]);
    }
    expect(data.workbook.stated.find((y) => y.year === 2023)?.figures).toMatchObject({ plan: 13_392_000_000, central: 13_164_000_000, local: 228_000_000 });
    expect(s().workbook.stated).toEqual(data.workbook.stated);
  });
});

describe('an import that does not finish changes nothing', () => {
  it.each(['truncated.xlsx', 'text-renamed.xlsx', 'empty.csv', 'empty-sheet.xlsx', 'headers-only.xlsx'])('%s', async (name) => {
    const { flow, s, stored } = await start();
    const before = await stored();
    const revision = s().revision;
    await flow.load(name, fixture(name));
    if (flow.problem) {
      expect(flow.canApply).toBe(false);
      expect((await flow.apply()).ok).toBe(false);
    } else {
      // text-renamed.xlsx is a CSV under another name: read, with a warning, and not imported unless asked.
      expect(flow.summary!.result.problems.map((p) => p.problem.code)).toContain('import.renamed-text');
    }
    expect(s().canUndo).toBe(false);
    expect(s().revision).toBe(revision);
    expect(await stored()).toEqual(before);
  });

  it('a cancelled read', async () => {
    const { flow, s, stored } = await start();
    const before = await stored();
    const rows = ['Mã;Nội dung;Kế hoạch vốn (đồng)'];
    for (let i = 0; i < 80_000; i++) rows.push(`DA2;Dòng ${i};${formatAmount(1_000 + i, 'dong', 'vi')}`);
    const reading = flow.load('lon.csv', new TextEncoder().encode(rows.join('\n')));
    await vi.waitFor(() => expect(flow.step).toBe('reading'));
    flow.cancel();
    await reading;
    expect(flow.problem?.code).toBe('import.cancelled');
    expect(flow.canApply).toBe(false);
    expect(s().canUndo).toBe(false);
    expect(await stored()).toEqual(before);
  });

  it('into a frozen version: refused with the reason, nothing written', async () => {
    const { app, flow, s, stored } = await start();
    const version = await app.saveVersion('Gửi Sở 15/12', 'bản đã gửi');
    if (!version.ok) throw new Error(version.error.code);
    await app.switchScenario(version.value.id);
    expect(s().frozen).toBe(true);
    const before = await stored();
    await flow.load('plan-en.csv', fixture('plan-en.csv'));
    const r = await flow.apply();
    expect(r.ok ? null : r.error.code).toBe('scenario.frozen');
    expect(flow.problem?.code).toBe('scenario.frozen');
    expect(await stored()).toEqual(before);
  });

  it('a commit that fails inside its transaction writes none of it (3 chunks, the last one unstorable)', async () => {
    const dbName = `import-atomic-${Date.now()}-${seq++}`;
    const db = openDatabase(dbName);
    const data = buildEmptyWorkbook('x', 2023);
    await createWorkbook(db, data);
    const loaded = (await loadWorkbook(db, data.workbook.id))!;
    const s = new WorkbookSession(db, loaded.data, loaded.chunks, new RecalcClient(false));
    await s.ready;
    const leaf = data.nodes.find((n) => n.code === 'DA2')!;
    const lines = Array.from({ length: 2_500 }, (_, i) => ({
      line: {
        id: `l${i}`,
        nodeId: leaf.id,
        order: i,
        label: '',
        unit: '',
        placeId: null,
        source: 'central' as const,
        capital: 'recurrent' as const,
        vintage: 2023,
        plan: i,
        disbursed: 0,
        asOf: null,
        expectedRate: null,
      },
      invalid: [],
    }));
    // IndexedDB cannot store a function: the last chunk's write fails and the whole transaction aborts.
    (lines[2_499].line as Record<string, unknown>).broken = () => 0;
    expect((await s.applyImport({ nodes: [], lines })).ok).toBe(true);
    await s.flush();
    expect(s.saveStatus).toBe('error');
    const again = (await loadWorkbook(openDatabase(dbName), data.workbook.id))!;
    expect(again.data.lines).toEqual([]);
    s.dispose();
  });
});

describe('round trips of the demo, to the đồng', () => {
  const demo = buildDemoWorkbook();

  it.each([
    ['xlsx', async () => exportPlanXlsx(demo), 'cao-loc.xlsx'],
    ['csv', async () => exportPlanCsv(demo, { unit: 'trieu', locale: 'vi', lang: 'vi', separator: ';' }), 'cao-loc.csv'],
    ['csv, en', async () => exportPlanCsv(demo, { unit: 'nghin', locale: 'en', lang: 'en', separator: ',' }), 'cao-loc.csv'],
  ])('demo → %s → import: every line and every total', async (_, make, name) => {
    const { flow, stored, rollupReady, total } = await start('Cao Lộc (nhập lại)');
    await flow.load(name, await make());
    expect(flow.summary!.result.errorCount).toBe(0);
    await flow.apply();
    await rollupReady();
    const data = await stored();
    expect(linesOf(data)).toEqual(linesOf(demo));
    expect(total('plan')).toBe(demo.lines.reduce((a, l) => a + l.plan, 0));
    expect(total('disbursed')).toBe(demo.lines.reduce((a, l) => a + l.disbursed, 0));
    expect(data.workbook.stated.find((y) => y.year === 2023)?.figures.plan).toBe(13_392_000_000);
  });

  it('demo → json → restore: a new workbook with the same plan, scenarios and places', async () => {
    const { app, flow, dbName } = await start();
    const demoId = app.workbooks.find((w) => w.demo)!.id;
    const db = openDatabase(dbName);
    const archive = (await loadWorkbookArchive(db, demoId))!;
    db.close();
    const count = app.workbooks.length;
    await flow.load('cao-loc.json', new TextEncoder().encode(writeBackup(archive)));
    expect(flow.archive?.workbook.name).toBe(archive.workbook.name);
    expect((await flow.apply()).ok).toBe(true);
    expect(app.workbooks).toHaveLength(count + 1);
    const s = app.session!;
    expect(s.workbook.id).not.toBe(demoId);
    expect(linesOf({ nodes: s.tree.nodes, lines: s.lines })).toEqual(linesOf(buildDemoWorkbook()));
    const places = (ps: { name: string; values: object }[]) => ps.map((p) => [p.name, p.values]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(places(s.places)).toEqual(places(archive.places));
  });

  it('a damaged backup restores nothing', async () => {
    const { app, flow } = await start();
    const count = app.workbooks.length;
    await flow.load('hong.json', new TextEncoder().encode('{"format":"planbench-backup","formatVersion":1,"workbook":'));
    expect(flow.problem?.code).toBe('backup.not-json');
    expect(flow.canApply).toBe(false);
    await app.refreshList();
    expect(app.workbooks).toHaveLength(count);
  });
});

describe('cells that could not be read, and the user’s choices', () => {
  it('are imported blank and marked until they take a value; answering the locale question reads them', async () => {
    const { flow, s } = await start();
    await flow.load('ambiguous-locale.csv', fixture('ambiguous-locale.csv'));
    expect(flow.summary!.result.ambiguousColumns).toEqual([2]);
    await flow.apply();
    const marked = s().lines.filter((l) => s().isImportMarked(l.id, 'plan'));
    expect(marked).toHaveLength(3);
    expect(marked.every((l) => l.plan === 0)).toBe(true);
    // Typing a value clears the mark.
    expect(s().setCells([{ target: { kind: 'line', id: marked[0].id }, field: 'plan', raw: '5' }], { unit: 'trieu', locale: 'vi' })).toEqual([]);
    expect(s().isImportMarked(marked[0].id, 'plan')).toBe(false);
    s().undo();
    s().undo();
    expect(s().lines).toEqual([]);

    await flow.load('ambiguous-locale.csv', fixture('ambiguous-locale.csv'));
    await flow.setLocale(2, 'vi');
    expect(flow.summary!.result.ambiguousColumns).toEqual([]);
    await flow.apply();
    expect(s().lines.map((l) => l.plan)).toEqual([5_436_000_000, 2_398_000_000, 2_148_000_000]);
    expect(s().lines.some((l) => s().isImportMarked(l.id, 'plan'))).toBe(false);
  });

  it('a mapping the user changed is remembered for files with the same headers', async () => {
    const { app, flow } = await start();
    await flow.load('plan-en.csv', fixture('plan-en.csv'));
    expect(flow.summary!.fromTemplate).toBe(false);
    const note = flow.mapping.findIndex((r) => r.field === 'expectedRate');
    await flow.setColumn(note, { field: 'ignore' });
    expect(flow.mapping[note].field).toBe('ignore');
    await flow.apply();
    expect(Object.values(await app.importTemplates())).toHaveLength(1);
    await flow.load('plan-en.csv', fixture('plan-en.csv'));
    expect(flow.summary!.fromTemplate).toBe(true);
    expect(flow.mapping[note].field).toBe('ignore');
  });

  it('importing the same file again updates its lines instead of doubling them', async () => {
    const { flow, s, rollupReady, total } = await start();
    await flow.load('cao-loc-2023.csv', fixture('cao-loc-2023.csv'));
    await flow.apply();
    const n = s().lines.length;
    await flow.load('cao-loc-2023.csv', fixture('cao-loc-2023.csv'));
    await flow.apply();
    expect(s().lines).toHaveLength(n);
    expect(flow.outcome).toMatchObject({ added: 0, updated: 0, unchanged: n });
    await rollupReady();
    expect(total('plan')).toBe(s().lines.reduce((a, l) => a + l.plan, 0));
  });
});

describe('the file’s own totals after the import', () => {
  it('a section’s total its lines do not make is kept with the scenario, in the checks tab until the lines add up', async () => {
    const { flow, s, stored } = await start();
    const text = [
      'BIỂU PHÂN BỔ VỐN NĂM 2023',
      'ĐVT: triệu đồng',
      'STT;Nội dung;Tổng số;NSTW;NSĐP',
      ';Tổng cộng;1.490;1.290;200',
      'I;Cấp tỉnh;600;500;100',
      '1;Dự án 6: Truyền thông;400;300;100',
      '2;Dự án 7: Nâng cao năng lực;200;200;',
      'II;Cấp huyện;900;800;100',
      '1;Dự án 6: Truyền thông;500;400;100',
      '2;Dự án 7: Nâng cao năng lực;390;390;',
    ].join('\n');
    await flow.load('phan-bo.csv', new TextEncoder().encode(text));
    const rec = flow.summary!.result.reconciliation;
    // "II. Cấp huyện" states 900 / 800 but its lines make 890 / 790; the table's total is right.
    expect(rec.rows.filter((r) => !r.ok).map((r) => r.label)).toEqual(['II Cấp huyện']);
    expect((await flow.apply()).ok).toBe(true);
    await s().refreshChecks();
    const files = () => (s().checks ?? []).filter((e) => e.kind === 'file-total');
    expect(files().map((e) => [e.params.fileRow, e.params.column, e.numbers.map((n) => n.value)])).toEqual([
      ['8', 'Tổng số', [900_000_000, 890_000_000, -10_000_000]],
      ['8', 'NSTW', [800_000_000, 790_000_000, -10_000_000]],
    ]);
    expect((await stored()).scenarios[0].fileChecks).toHaveLength(2);
    // Correcting the line the file got wrong settles both.
    const da7 = s().lines.find((l) => l.plan === 390_000_000)!;
    s().setCells([{ target: { kind: 'line', id: da7.id }, field: 'plan', raw: '400' }], { unit: 'trieu', locale: 'vi' });
    await s().refreshChecks();
    expect(files()).toEqual([]);
    // One undo of the import takes its checks away with it.
    s().undo();
    s().undo();
    await s().refreshChecks();
    expect(s().scenario.fileChecks ?? []).toEqual([]);
  });
});

describe('consolidating districts into a province workbook', () => {
  it('each file as a district under the province; totals by district; a repeated line reported, never summed', async () => {
    const { app, flow, s, dbName, rollupReady, total } = await start();
    const db = openDatabase(dbName);
    const demoId = app.workbooks.find((w) => w.demo)!.id;
    const backup = writeBackup((await loadWorkbookArchive(db, demoId))!);
    db.close();
    const demo = buildDemoWorkbook();
    const demoPlan = demo.lines.reduce((a, l) => a + l.plan, 0);

    flow.consolidate = true;
    await flow.load('cao-loc.json', new TextEncoder().encode(backup));
    expect(flow.district).toBe('Huyện Cao Lộc');
    expect((await flow.apply()).ok).toBe(true);
    flow.district = 'Huyện Văn Lãng';
    await flow.load('van-lang.xlsx', fixture('cao-loc-2023.xlsx'));
    expect(flow.district).toBe('Huyện Văn Lãng');
    await flow.apply();
    const vanLang = flow.outcome!.added;

    const places = s().places;
    expect(places.map((p) => [p.kind, p.name])).toEqual([
      ['province', 'Tỉnh'],
      ['district', 'Huyện Cao Lộc'],
      ['district', 'Huyện Văn Lãng'],
    ]);
    expect(places.filter((p) => p.kind === 'district').every((p) => p.parentId === places[0].id)).toBe(true);
    const byPlace = totalsByPlace(s().lines, places);
    expect(byPlace.rows.map((r) => [r.name, r.lines])).toEqual([
      ['Huyện Cao Lộc', demo.lines.length],
      ['Huyện Văn Lãng', vanLang],
    ]);
    expect(byPlace.rows[0].plan).toBe(demoPlan);
    await rollupReady();
    expect(total('plan')).toBe(byPlace.total.plan);
    // A district's stated figures are not the province's.
    expect(s().workbook.stated).toEqual([]);

    // The same district's file again: every line is already there; reported, and kept unless asked.
    const revision = s().revision;
    await flow.load('van-lang-2.xlsx', fixture('cao-loc-2023.xlsx'));
    flow.district = 'huyện văn lãng';
    expect((await flow.apply()).ok).toBe(true);
    expect(flow.duplicates!.filter((d) => d.where === 'workbook')).toHaveLength(vanLang);
    expect(s().revision).toBe(revision);
    await flow.apply();
    expect(flow.outcome).toMatchObject({ added: 0, kept: vanLang });
    expect(totalsByPlace(s().lines, s().places).total.plan).toBe(byPlace.total.plan);

    // Taking the new file's figures replaces, never adds.
    await flow.load('van-lang-3.csv', fixture('cao-loc-2023.csv'));
    flow.sameLine = 'update';
    await flow.apply();
    await flow.apply();
    expect(flow.outcome!.added).toBe(0);
    expect(totalsByPlace(s().lines, s().places).total.plan).toBe(byPlace.total.plan);

    // One undo per file that changed something: the last file changed nothing (the same figures).
    expect(s().undo()).toBe(true);
    expect(s().lines).toHaveLength(demo.lines.length);
    expect(s().undo()).toBe(true);
    expect(s().lines).toEqual([]);
    expect(s().places).toEqual([]);
    expect(s().canUndo).toBe(false);
  });
});

describe('a workbook of one sheet per district', () => {
  it('goes into the province workbook in one step, each sheet in the district it names, totals by district', async () => {
    const { flow, s, rollupReady, total } = await start();
    const name = 'b16-ba-huyen-ngheo-moi-huyen-mot-sheet.xlsx';
    const bytes = new Uint8Array(readFileSync(new URL(`../fixtures/corpus/${name}`, import.meta.url)));
    await flow.load(name, bytes);
    expect(flow.summary!.file.alike).toEqual(['Bình Gia', 'Văn Quan', 'Đình Lập']);
    flow.consolidate = true;
    flow.allSheets = true;
    await flow.readAlike();
    const read = flow.alikeReadings!;
    expect(read.map((a) => [a.sheet, a.differing, a.errors])).toEqual([
      ['Bình Gia', 0, 0],
      ['Văn Quan', 0, 0],
      ['Đình Lập', 0, 0],
    ]);
    expect((await flow.apply()).ok).toBe(true);
    await rollupReady();
    // Each district's money in its place, their sum the province's; one undo takes all three back.
    const districts = s().places.filter((p) => p.kind === 'district');
    expect(districts.map((p) => p.name)).toEqual(['Bình Gia', 'Văn Quan', 'Đình Lập']);
    const byPlace = (id: string) =>
      s()
        .lines.filter((l) => l.placeId === id)
        .reduce((a, l) => a + l.plan, 0);
    expect(districts.map((p) => byPlace(p.id))).toEqual(read.map((a) => a.plan));
    expect(total('plan')).toBe(read.reduce((a, r) => a + r.plan, 0));
    s().undo();
    await rollupReady();
    expect(s().lines).toEqual([]);
    expect(s().places.filter((p) => p.kind === 'district')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { allocationAnnexXlsx } from '../fixtures/import/annex';
import { readImport, IMPORT_PROGRESS_TOTAL } from '../../src/io/import-plan';
import type { ImportOptions, ImportReading, WorkbookContext } from '../../src/io/import-plan';
import { createImportService } from '../../src/io/import-service';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { instantiateTree } from '../../src/domain/tree';
import { describeProblem, MESSAGES } from '../../src/domain/messages';
import { problemWithMoney } from '../../src/io/import-types';
import type { TreeNode } from '../../src/domain/model';
import { code, fixture, utf8, value } from './import-helpers';

const context = (nodes: TreeNode[] = instantiateTree('wb')): WorkbookContext => ({ workbookId: 'wb', year: 2023, nodes });
const read = async (name: string, options: ImportOptions = {}, ctx = context()) => value(await readImport(fixture(name), name, ctx, options));
const readText = async (text: string, options: ImportOptions = {}, ctx = context()) => value(await readImport(utf8(text), 'x.csv', ctx, options));

/** The code of the node each line belongs to. */
const codeOf = (r: ImportReading, nodeId: string) => r.result.nodes.find((n) => n.node.id === nodeId)?.node.code;
const linesByCode = (r: ImportReading) => r.result.lines.map((l) => ({ code: codeOf(r, l.line.nodeId), ...l.line, invalid: l.invalid }));
const problemCodes = (r: ImportReading) => r.result.problems.map((p) => p.problem.code);
/** A reading where the user named the source and capital type the file leaves unsaid (the tests of
 * amounts; what is marked without it is tested on its own). */
const SAID: ImportOptions = { defaults: { source: 'central', capital: 'recurrent' } };

const SEED_FILES = ['cao-loc-2023.xlsx', 'cao-loc-2023.csv', 'cao-loc-2023-semicolon.csv', 'cao-loc-2023-cp1258.csv', 'cao-loc-2023-utf16.txt', 'text-renamed.xlsx'];

describe('the seed report, in every file form', () => {
  const demo = buildDemoWorkbook();
  const demoCode = (nodeId: string) => demo.nodes.find((n) => n.id === nodeId)!.code;

  it.each(SEED_FILES)('%s: the demo lines survive to the đồng', async (name) => {
    const r = await read(name, { defaults: { capital: 'recurrent' } });
    const lines = linesByCode(r);
    for (const d of demo.lines) {
      const c = demoCode(d.nodeId);
      if (c === 'DA3.TDA2') continue; // a group in the report: checked below
      const got = lines.filter((l) => l.code === c);
      expect(got, c).toHaveLength(1);
      const { id: _i, nodeId: _n, order: _o, stated, carryEligible: _c, ...want } = d;
      expect(got[0]).toMatchObject({ ...want, invalid: [] });
      expect(got[0].stated?.rate).toBe(stated?.rate);
    }
  });

  it('the report says no capital type: every line is marked for it and one sentence says how many and how much, until the user names it', async () => {
    const r = await read('cao-loc-2023.csv');
    const lines = r.result.lines.filter((l) => l.line.plan > 0);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.invalid.includes('capital') && !l.invalid.includes('source'))).toBe(true);
    const said = r.result.problems.filter((p) => p.problem.code === 'import.capital-unsaid');
    expect(said).toHaveLength(1);
    // The plan of the lines (13.819 triệu; the report's own total row says 13.392).
    expect(said[0].problem.params).toMatchObject({ count: r.result.lines.length, plan: 13_819_000_000 });
    expect(
      describeProblem(
        problemWithMoney(said[0].problem, (d) => `${d / 1e6} triệu đồng`),
        'vi',
      ),
    ).toContain('kế hoạch 13819 triệu đồng');
    const named = await read('cao-loc-2023.csv', { defaults: { capital: 'investment' } });
    expect(named.result.lines.every((l) => l.line.capital === 'investment' && l.invalid.length === 0)).toBe(true);
    expect(problemCodes(named)).not.toContain('import.capital-unsaid');
  });

  it.each(SEED_FILES)('%s: groups, the a/b level, the total row and the problems', async (name) => {
    const r = await read(name);
    const node = (c: string) => r.result.nodes.find((n) => n.node.code === c)!;
    // 77,04 triệu = 77 040 000 đ, stated on the sub-project whose activities are listed below it.
    expect(node('DA3.TDA2')).toMatchObject({
      status: 'matched',
      matchedBy: 'name',
      stated: { plan: 566_000_000, central: 566_000_000, disbursed: 77_040_000, expectedRate: 80 },
    });
    expect(node('DA3')).toMatchObject({ stated: { plan: 2_964_000_000, disbursed: 230_040_000 } });
    const tda2 = node('DA3.TDA2').node.id;
    const activities = r.result.nodes.filter((n) => n.node.parentId === tda2);
    expect(activities.map((a) => [a.status, a.node.code, a.node.name])).toEqual([
      ['new', 'DA3.TDA2.a', 'Khảo sát, cân đo trẻ từ 5 đến dưới 16 tuổi'],
      ['new', 'DA3.TDA2.b', 'Tập huấn cho nhân viên y tế thôn bản'],
    ]);
    const activityLines = linesByCode(r).filter((l) => l.code?.startsWith('DA3.TDA2.'));
    expect(activityLines.map((l) => [l.plan, l.disbursed, l.unit])).toEqual([
      [0, 49_040_000, 'Trung tâm Y tế huyện'],
      [0, 28_000_000, 'Trung tâm Y tế huyện'],
    ]);
    // The activities split only the disbursed money: the sub-project's plan is a line of its own,
    // so its plan and disbursed both land exactly (566 and 77,04).
    expect(
      linesByCode(r)
        .filter((l) => l.code === 'DA3.TDA2')
        .map((l) => [l.plan, l.disbursed, l.source, l.expectedRate]),
    ).toEqual([[566_000_000, 0, 'central', 80]]);
    expect(r.result.lines).toHaveLength(10);
    expect(r.result.lines.reduce((a, l) => a + l.line.plan, 0)).toBe(13_819_000_000);
    expect(r.result.totals).toEqual([
      {
        row: 9,
        label: 'TỔNG CỘNG',
        scope: 'table',
        nodeId: null,
        source: null,
        figures: { plan: 13_392_000_000, central: 13_164_000_000, local: 228_000_000, disbursed: 3_168_000_000, rate: 23.66, expectedRate: 80 },
      },
    ]);
    expect(r.result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(problemCodes(r)).toContain('import.rate-derived');
    expect(problemCodes(r)).toContain('import.measure-unsplit');
    expect(r.result.ambiguousColumns).toEqual([]);
    // The plan column holds only values like 5.436: read as vi-VN because only then do the file's
    // own totals add up (13.164 = the lines' NSTW), and said so.
    expect(r.result.problems.find((p) => p.problem.code === 'import.locale-from-totals' && p.col === 6)?.problem.params).toMatchObject({ locale: 'vi-VN' });
    expect(r.result.locales[5]).toBe('vi');
    expect(r.result.units[5]).toBe('trieu');
  });

  it('says how the file was read', async () => {
    expect((await read('cao-loc-2023-cp1258.csv')).file).toMatchObject({ kind: 'text', encoding: 'windows-1258', separator: ';' });
    expect(problemCodes(await read('cao-loc-2023-cp1258.csv'))[0]).toBe('import.legacy-encoding');
    expect(problemCodes(await read('text-renamed.xlsx'))[0]).toBe('import.renamed-text');
    const xlsx = await read('cao-loc-2023.xlsx');
    expect(xlsx.file.sheets).toMatchObject([
      { name: 'Biểu 01', index: 1, rows: 29, table: true, holds: 'money' },
      { name: 'Ghi chú', index: 2, rows: 1, table: false, holds: 'empty' },
    ]);
    expect(xlsx.file.alike).toEqual([]);
    expect(xlsx.sheet).toBe('Biểu 01');
  });

  it('shows the first rows as they will be read', async () => {
    const r = await read('cao-loc-2023.csv', { previewRows: 7 });
    expect(r.preview).toBe(r.result.preview);
    expect(r.preview.map((p) => [p.row, p.kind, p.level, p.node?.code ?? null])).toEqual([
      [9, 'total', null, null],
      [10, 'item', 0, 'DA2'],
      [11, 'group', 0, 'DA3'],
      [12, 'item', 1, 'DA3.TDA1'],
      [13, 'group', 1, 'DA3.TDA2'],
      [14, 'item', 2, 'DA3.TDA2.a'],
      [15, 'item', 2, 'DA3.TDA2.b'],
    ]);
    expect(r.preview[4].cells.map((c) => c.value)).toEqual([
      '2',
      'Tiểu dự án 2: Cải thiện dinh dưỡng',
      'Trung tâm Y tế huyện',
      2023,
      566_000_000,
      566_000_000,
      null,
      77_040_000,
      null,
      80,
      null,
    ]);
    expect(r.preview[4].cells[7]).toEqual({ raw: '77,04', value: 77_040_000, problem: null });
  });
});

describe('amounts as written', () => {
  it('reads units in cells over the column’s, dashes and blanks, and marks what it cannot read', async () => {
    const r = await read('amounts-as-written.csv', SAID);
    expect(linesByCode(r).map((l) => [l.code, l.plan, l.disbursed, l.stated?.rate ?? null, l.invalid])).toEqual([
      ['DA2', 5_589_000_000, 1_338_216_000, 23.94, []],
      ['DA3.TDA1', 4_329_000_000, 153_000_000, 43.6, []],
      ['DA3.TDA2', 566_000_000, 77_040_000, null, []],
      ['DA4.TDA1', 1_101_900_000, 552_476_000, 50.14, []],
      ['DA7.TDA2', 278_000_000, 0, null, ['disbursed']],
    ]);
    const bad = r.result.problems.filter((p) => p.severity === 'error');
    expect(bad).toEqual([
      { sheet: 'amounts-as-written', row: 9, col: 4, cell: 'D9', raw: 'không rõ', severity: 'error', problem: { code: 'amount.not-a-number', params: { text: 'không rõ' } } },
    ]);
    expect(describeProblem(bad[0].problem, 'vi')).toContain('"không rõ"');
  });
});

describe('an ambiguous locale', () => {
  it('is not guessed: the column is named, its cells are marked and left unread', async () => {
    const r = await read('ambiguous-locale.csv', SAID);
    expect(r.result.ambiguousColumns).toEqual([2]);
    const p = r.result.problems.find((x) => x.problem.code === 'import.locale-ambiguous')!;
    expect(p).toMatchObject({ severity: 'error', col: 3, problem: { params: { column: 'Kế hoạch vốn (triệu đồng)', example: '5.436' } } });
    expect(r.result.lines.map((l) => [l.line.plan, l.invalid])).toEqual([
      [0, ['plan']],
      [0, ['plan']],
      [0, ['plan']],
    ]);
    expect(r.preview[0].cells[2]).toEqual({ raw: '5.436', value: null, problem: { code: 'import.cell-ambiguous', params: { text: '5.436' } } });
  });

  it.each([
    [{ columnLocales: { 2: 'vi' } }, [5_436_000_000, 2_398_000_000, 2_148_000_000]],
    [{ columnLocales: { 2: 'en' } }, [5_436_000, 2_398_000, 2_148_000]],
    [{ locale: 'vi' }, [5_436_000_000, 2_398_000_000, 2_148_000_000]],
  ] as [ImportOptions, number[]][])('is read as the user says: %j', async (options, plans) => {
    const r = await read('ambiguous-locale.csv', { ...SAID, ...options });
    expect(r.result.ambiguousColumns).toEqual([]);
    expect(r.result.lines.map((l) => [l.line.plan, l.invalid])).toEqual(plans.map((p) => [p, []]));
  });
});

describe('other layouts', () => {
  it('reads an English table: codes, sources, capital types, vintages, as-of date and unit from headers', async () => {
    const r = await read('plan-en.csv');
    expect(r.mapping.columns.map((c) => c.field)).toEqual(['code', 'name', 'unit', 'source', 'capital', 'vintage', 'plan', 'disbursed', 'expectedRate']);
    expect(linesByCode(r).map((l) => [l.code, l.unit, l.source, l.capital, l.vintage, l.plan, l.disbursed, l.asOf, l.expectedRate])).toEqual([
      ['DA3.TDA2', 'Trung tâm Y tế huyện', 'central', 'recurrent', 2023, 566_000_000, 77_040_000, '2023-11-15', 80],
      ['DA4.TDA1', 'Trung tâm GDNN-GDTX', 'central', 'recurrent', 2023, 2_148_000_000, 365_000_000, '2023-11-15', 17],
      ['DA7.TDA1', 'Phòng LĐ-TB&XH-DT', 'local', 'investment', 2023, 228_000_000, 0, '2023-11-15', 100],
    ]);
    expect(r.result.nodes.every((n) => n.status === 'matched' && n.matchedBy === 'code')).toBe(true);
  });

  it('reads formulas by their cached values (the total saved without one computed) and merged cells inside the data', async () => {
    const r = await read('formulas-merged.xlsx', SAID);
    expect(linesByCode(r).map((l) => [l.code, l.unit, l.plan, l.disbursed])).toEqual([
      ['DA6.TDA1', 'Phòng Văn hoá và Thông tin', 2_241_000_000, 672_000_000],
      ['DA6.TDA2', 'Phòng LĐ-TB&XH-DT', 232_000_000, 0],
      ['DA7.TDA1', 'Phòng LĐ-TB&XH-DT', 520_000_000, 320_000_000],
      ['DA7.TDA2', 'Phòng LĐ-TB&XH-DT', 278_000_000, 122_000_000],
    ]);
    expect(r.result.nodes.find((n) => n.node.code === 'DA7')?.stated).toEqual({ plan: 798_000_000, disbursed: 442_000_000 });
    // D10 = D4+D7 had no saved value: computed from the sheet, 2 473 + 798, and said so.
    expect(r.result.totals.map((t) => t.figures)).toEqual([{ plan: 3_271_000_000, disbursed: 1_114_000_000 }]);
    expect(r.result.problems.map((p) => [p.cell, p.problem.code])).toEqual([
      [null, 'import.formulas-computed'],
      ['E5', 'import.merged-amount'],
      [null, 'import.formulas-kept'],
    ]);
    // D8 = 260*2 on a line: kept as the line's formula; the group rows' SUMs are roll-ups.
    expect(r.result.lines.flatMap((l) => (l.line.formulas ? [[l.row, l.line.formulas]] : []))).toEqual([[8, { plan: { text: '=260*2', unit: 'trieu' } }]]);
  });

  it('adds a second line to the row above when a row has no number and no name of its own', async () => {
    const r = await readText(
      'STT;Nội dung;Đơn vị thực hiện;Kế hoạch (triệu đồng)\nI;Dự án 7;;\n1;Tiểu dự án 1;Phòng LĐ-TB&XH-DT;300\n;;Trung tâm GDNN-GDTX;220\n2;Tiểu dự án 2;;278\n',
    );
    expect(linesByCode(r).map((l) => [l.code, l.unit, l.plan])).toEqual([
      ['DA7.TDA1', 'Phòng LĐ-TB&XH-DT', 300_000_000],
      ['DA7.TDA1', 'Trung tâm GDNN-GDTX', 220_000_000],
      ['DA7.TDA2', '', 278_000_000],
    ]);
  });

  it('places new items by STT depth after the existing siblings, and new codes under the code they extend', async () => {
    const ctx = context();
    const r = await readText(
      'STT;Nội dung;Kế hoạch (triệu đồng)\nI;Dự án 2;\n1;Mô hình chăn nuôi trâu;100\n2;Mô hình trồng hồi;50\nII;Dự án mới của tỉnh;\n1;Hoạt động A;10\n',
      {},
      ctx,
    );
    const da2 = ctx.nodes.find((n) => n.code === 'DA2')!;
    const fresh = r.result.nodes.filter((n) => n.status === 'new').map((n) => n.node);
    expect(fresh.map((n) => [n.code, n.name, n.parentId === da2.id])).toEqual([
      ['DA2.1', 'Mô hình chăn nuôi trâu', true],
      ['DA2.2', 'Mô hình trồng hồi', true],
      ['II', 'Dự án mới của tỉnh', false],
      ['II.1', 'Hoạt động A', false],
    ]);
    const roots = ctx.nodes.filter((n) => n.parentId === null);
    expect(fresh[2]).toMatchObject({ parentId: null, order: Math.max(...roots.map((n) => n.order)) + 1, workbookId: 'wb' });
    expect(fresh[3].parentId).toBe(fresh[2].id);

    const flat = await readText('Mã;Nội dung;Kế hoạch\nDA3.TDA1.X1;Mô hình gà;5.000.000\n', {}, ctx);
    const x1 = flat.result.nodes[0];
    expect([x1.status, x1.node.parentId]).toEqual(['new', ctx.nodes.find((n) => n.code === 'DA3.TDA1')!.id]);
    expect(problemCodes(flat)).toContain('import.unit-assumed');
    expect(flat.result.lines[0].line.plan).toBe(5_000_000);
  });

  it('keeps a district listed under two projects in each project: a name matches elsewhere only among the workbook’s own items, inside the project the numbering gives', async () => {
    const r = await readText(
      [
        'UBND TỈNH LẠNG SƠN',
        'BIỂU TỔNG HỢP KẾ HOẠCH VỐN NĂM 2023',
        'Đơn vị tính: triệu đồng',
        'STT,Nội dung,Đơn vị thực hiện,Tổng số,Vốn đầu tư phát triển,Vốn sự nghiệp',
        ',Tổng cộng,,1650,1000,650',
        'I,Dự án 1: Hỗ trợ đầu tư phát triển hạ tầng kinh tế - xã hội các huyện nghèo,,1000,1000,0',
        '1,Huyện Bình Gia,UBND huyện Bình Gia,600,600,',
        '2,Huyện Văn Quan,UBND huyện Văn Quan,400,400,',
        'II,Dự án 2: Đa dạng hóa sinh kế,,250,0,250',
        '1,Huyện Cao Lộc,Phòng Nông nghiệp,150,,150',
        '2,Huyện Lộc Bình,Phòng Nông nghiệp,100,,100',
        'III,Dự án 3: Hỗ trợ phát triển sản xuất,,400,0,400',
        '1,Tiểu dự án 1: Hỗ trợ phát triển sản xuất trong lĩnh vực nông nghiệp,,300,0,300',
        'a,Huyện Cao Lộc,UBND huyện,200,,200',
        'b,Huyện Đình Lập,UBND huyện,100,,100',
        '2,Tiểu dự án 2: Cải thiện dinh dưỡng,Sở Y tế,100,,100',
      ].join('\n'),
      { locale: 'vi' },
    );
    const TR = 1_000_000;
    const under = (prefix: string) =>
      linesByCode(r)
        .filter((l) => l.code === prefix || l.code?.startsWith(prefix + '.'))
        .reduce((a, l) => a + (l.plan ?? 0), 0);
    expect(under('DA1')).toBe(1000 * TR);
    expect(under('DA2')).toBe(250 * TR);
    expect(under('DA3.TDA1')).toBe(300 * TR);
    expect(under('DA3')).toBe(400 * TR);
    // Each district is a line of its project, labelled with the district: no new items.
    expect(r.result.nodes.filter((n) => n.status === 'new')).toEqual([]);
    expect(linesByCode(r).map((l) => [l.code, l.label, l.unit])).toEqual([
      ['DA1', 'Huyện Bình Gia', 'UBND huyện Bình Gia'],
      ['DA1', 'Huyện Văn Quan', 'UBND huyện Văn Quan'],
      ['DA2', 'Huyện Cao Lộc', 'Phòng Nông nghiệp'],
      ['DA2', 'Huyện Lộc Bình', 'Phòng Nông nghiệp'],
      ['DA3.TDA1', 'Huyện Cao Lộc', 'UBND huyện'],
      ['DA3.TDA1', 'Huyện Đình Lập', 'UBND huyện'],
      ['DA3.TDA2', '', 'Sở Y tế'],
    ]);
    // The project rows state their totals.
    const stated = (code: string) => r.result.nodes.find((n) => n.node.code === code)?.stated?.plan;
    expect([stated('DA1'), stated('DA2'), stated('DA3'), stated('DA3.TDA1')]).toEqual([1000 * TR, 250 * TR, 400 * TR, 300 * TR]);
  });

  it('reads communes under a district under a project as lines of the project in each commune, the district row a subtotal; the workbook’s places are matched', async () => {
    const places = [
      { id: 'p-loc-yen', name: 'Xã Lộc Yên' },
      { id: 'p-xuan-long', name: 'Xuân Long' },
      { id: 'p-cao-loc', name: 'Huyện Cao Lộc' },
    ];
    const r = await readText(
      [
        'ĐVT: triệu đồng',
        'STT,Nội dung,Kế hoạch vốn',
        'I,Dự án 2: Đa dạng hóa sinh kế,450',
        '1,Huyện Cao Lộc,300',
        '-,Xã Lộc Yên,120',
        '-,Xã Xuân Long,180',
        '2,Huyện Văn Lãng,150',
        'II,Dự án 6: Truyền thông và giảm nghèo về thông tin,90',
        '1,Xã hội hoá công tác truyền thông,90',
      ].join('\n'),
      { locale: 'vi' },
      { ...context(), places },
    );
    const TR = 1_000_000;
    expect(linesByCode(r).map((l) => [l.code, l.label, l.placeId, l.plan])).toEqual([
      ['DA2', 'Xã Lộc Yên', 'p-loc-yen', 120 * TR],
      ['DA2', 'Xã Xuân Long', 'p-xuan-long', 180 * TR],
      ['DA2', 'Huyện Văn Lãng', null, 150 * TR],
      // "Xã hội hoá …" names no commune: an activity of DA6, read as before.
      ['DA6.1', '', null, 90 * TR],
    ]);
    expect(r.result.nodes.find((n) => n.node.code === 'DA2')?.stated?.plan).toBe(450 * TR);
    // The district's own row is a subtotal, shown as such in the preview.
    expect(r.result.preview.find((p) => p.cells[1]?.raw === 'Huyện Cao Lộc')?.kind).toBe('group');
  });

  it('reads works listed under a commune as lines of the project in that commune, the commune a subtotal, numbered or not', async () => {
    const places = [{ id: 'p-huu-khanh', name: 'Xã Hữu Khánh' }];
    const r = await readText(
      [
        'ĐVT: triệu đồng',
        'STT;Nội dung;Kế hoạch vốn',
        'I;Dự án 1: Hỗ trợ đầu tư phát triển hạ tầng;1.150',
        '1;Xã Hữu Khánh;700',
        'a;Đường giao thông thôn Nà Pàn;500',
        'b;Nhà văn hoá thôn Khuổi Mìn;200',
        '2;Xã Tú Mịch;450',
        ';Kênh mương nội đồng;450',
      ].join('\n'),
      { locale: 'vi' },
      { ...context(), places },
    );
    const TR = 1_000_000;
    expect(linesByCode(r).map((l) => [l.code, l.label, l.placeId, l.plan])).toEqual([
      ['DA1', 'Đường giao thông thôn Nà Pàn', 'p-huu-khanh', 500 * TR],
      ['DA1', 'Nhà văn hoá thôn Khuổi Mìn', 'p-huu-khanh', 200 * TR],
      // A commune the workbook does not have is named in the label.
      ['DA1', 'Kênh mương nội đồng (Xã Tú Mịch)', null, 450 * TR],
    ]);
    expect(r.result.nodes.filter((n) => n.status === 'new')).toEqual([]);
    expect(r.result.nodes.find((n) => n.node.code === 'DA1')?.stated?.plan).toBe(1150 * TR);
  });

  it('reads a district heading a section of projects as the district those projects’ lines are in; its rows state no project’s total', async () => {
    const places = [{ id: 'p-binh-gia', name: 'Huyện Bình Gia' }];
    const r = await readText(
      [
        'ĐVT: triệu đồng',
        'STT;Nội dung;Kế hoạch vốn',
        ';Tổng cộng;1.000',
        'I;Huyện Bình Gia;600',
        '1;Dự án 1: Hỗ trợ đầu tư phát triển hạ tầng;400',
        '2;Dự án 2: Đa dạng hóa sinh kế;200',
        'II;Huyện Văn Quan;400',
        '1;Dự án 1: Hỗ trợ đầu tư phát triển hạ tầng;250',
        '2;Dự án 3: Hỗ trợ phát triển sản xuất;150',
        '-;Tiểu dự án 1: Hỗ trợ phát triển sản xuất nông nghiệp;150',
      ].join('\n'),
      { locale: 'vi' },
      { ...context(), places },
    );
    const TR = 1_000_000;
    expect(linesByCode(r).map((l) => [l.code, l.label, l.placeId, l.plan])).toEqual([
      ['DA1', '', 'p-binh-gia', 400 * TR],
      ['DA2', '', 'p-binh-gia', 200 * TR],
      ['DA1', 'Huyện Văn Quan', null, 250 * TR],
      ['DA3.TDA1', 'Huyện Văn Quan', null, 150 * TR],
    ]);
    // No item is made of a district, and no district's figure is stated as a project's whole.
    expect(r.result.nodes.filter((n) => n.status === 'new')).toEqual([]);
    expect(r.result.nodes.filter((n) => n.stated?.plan !== undefined)).toEqual([]);
    expect(r.result.totals.map((t) => [t.scope, t.figures.plan])).toEqual([['table', 1000 * TR]]);
  });

  it('reads rows breaking the row above down by capital type or source ("- Vốn ĐTPT", "- NSTW") as its lines with that split, the row above a subtotal', async () => {
    const r = await readText(
      [
        'ĐVT: triệu đồng',
        'STT;Nội dung;Kế hoạch vốn',
        ';Tổng cộng;2.050',
        'I;Dự án 1: Hỗ trợ đầu tư phát triển hạ tầng;1.000',
        ';Trong đó:;',
        ';- Vốn đầu tư phát triển;800',
        ';- Vốn sự nghiệp;200',
        'II;Dự án 2: Đa dạng hóa sinh kế;450',
        ';+ Ngân sách trung ương;400',
        ';+ Ngân sách địa phương;50',
        'III;Dự án 3: Hỗ trợ phát triển sản xuất;600',
        '1;Huyện Bình Gia;600',
        ';- Vốn ĐTPT (NSTW);500',
        ';- Vốn sự nghiệp (NSĐP);100',
      ].join('\n'),
      { locale: 'vi' },
    );
    const TR = 1_000_000;
    expect(linesByCode(r).map((l) => [l.code, l.label, l.source, l.capital, l.plan])).toEqual([
      ['DA1', '', 'central', 'investment', 800 * TR],
      ['DA1', '', 'central', 'recurrent', 200 * TR],
      ['DA2', '', 'central', 'recurrent', 400 * TR],
      ['DA2', '', 'local', 'recurrent', 50 * TR],
      ['DA3', 'Huyện Bình Gia', 'central', 'investment', 500 * TR],
      ['DA3', 'Huyện Bình Gia', 'local', 'recurrent', 100 * TR],
    ]);
    // No item is made of "Trong đó:" or of a split's name; each project states its total.
    expect(r.result.nodes.filter((n) => n.status === 'new')).toEqual([]);
    const stated = (code: string) => r.result.nodes.find((n) => n.node.code === code)?.stated?.plan;
    expect([stated('DA1'), stated('DA2'), stated('DA3')]).toEqual([1000 * TR, 450 * TR, 600 * TR]);
  });

  it('reads the money expected by year end ("Ước giải ngân đến 31/12") as the expected rate of each line and item: its share of the row’s plan', async () => {
    const r = await readText(
      [
        'ĐVT: triệu đồng',
        'STT;Nội dung;Kế hoạch vốn năm 2023;;Giải ngân đến 30/9/2023;Ước giải ngân đến 31/12/2023',
        ';;NSTW;NSĐP;;',
        'I;Dự án 2: Đa dạng hóa sinh kế;450;50;100;400',
        '1;Huyện Cao Lộc;300;;80;240',
        '2;Huyện Lộc Bình;150;50;20;160',
        'II;Dự án 4: Phát triển giáo dục nghề nghiệp;0;;;10',
      ].join('\n'),
      { locale: 'vi' },
    );
    expect(linesByCode(r).map((l) => [l.label, l.source, l.plan / 1e6, l.expectedRate])).toEqual([
      ['Huyện Cao Lộc', 'central', 300, 80],
      // 160 of the row's 200: 80 % for both its lines.
      ['Huyện Lộc Bình', 'central', 150, 80],
      ['Huyện Lộc Bình', 'local', 50, 80],
      // No plan, no share: no expected rate.
      ['', 'central', 0, null],
    ]);
    // The project's row states its own: 400 of 500.
    expect(r.result.nodes.find((n) => n.node.code === 'DA2')?.stated?.expectedRate).toBe(80);
    expect(r.result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('puts a disbursed column that names only the source on the one planned line it fits, the rest of the disbursed total on the other, and gives a source without a capital type the row’s one capital type', async () => {
    const r = await readText(
      [
        'BÁO CÁO TÌNH HÌNH GIẢI NGÂN NĂM 2023',
        'ĐVT: đồng',
        'TT;Danh mục dự án;Chủ đầu tư;Kế hoạch vốn năm 2023;;;;Giải ngân đến 30/9/2023;',
        ';;;Tổng số;NSTW;;NSĐP;Tổng số;Trong đó NSTW',
        ';;;;ĐTPT;SN;;;',
        'I;Dự án 1: Hỗ trợ đầu tư phát triển hạ tầng;;8.000.000.000;7.500.000.000;;500.000.000;3.000.000.000;2.800.000.000',
        '1;Đường GTNT thôn Nà Pàn;UBND xã Hoàng Văn Thụ;5.000.000.000;4.700.000.000;;300.000.000;2.000.000.000;1.900.000.000',
        'II;Dự án 4: Phát triển giáo dục nghề nghiệp;;1.200.000.000;;1.200.000.000;;300.000.000;300.000.000',
        '-;Đào tạo nghề cho lao động nông thôn;Trung tâm GDNN-GDTX;1.200.000.000;;1.200.000.000;;300.000.000;300.000.000',
      ].join('\n'),
      { locale: 'vi' },
    );
    const lines = linesByCode(r).map((l) => [l.unit, l.source, l.capital, l.plan, l.disbursed, l.asOf]);
    expect(lines).toEqual([
      ['UBND xã Hoàng Văn Thụ', 'central', 'investment', 4_700_000_000, 1_900_000_000, '2023-09-30'],
      // What the disbursed total leaves beside "Trong đó NSTW" is the NSĐP line's.
      ['UBND xã Hoàng Văn Thụ', 'local', 'investment', 300_000_000, 100_000_000, '2023-09-30'],
      ['Trung tâm GDNN-GDTX', 'central', 'recurrent', 1_200_000_000, 300_000_000, '2023-09-30'],
    ]);
  });

  it('reads a closing "Cộng" as the table’s total when it is what all the lines add up to, and as the group’s when it is the group’s sum', async () => {
    const rows = (closing: string) =>
      [
        'ĐVT: triệu đồng',
        'STT;Nội dung;Đơn vị thực hiện;Kế hoạch vốn',
        'I;Dự án 2: Đa dạng hóa sinh kế;;250',
        '1;Huyện Cao Lộc;Phòng Nông nghiệp;150',
        '2;Huyện Lộc Bình;Phòng Nông nghiệp;100',
        'II;Dự án 4: Phát triển giáo dục nghề nghiệp;;70',
        '1;Huyện Đình Lập;Trung tâm GDNN;70',
        `;Cộng;;${closing}`,
      ].join('\n');
    const table = await readText(rows('320'), { locale: 'vi' });
    expect(table.result.totals.map((t) => [t.label, t.scope, t.nodeId, t.figures.plan])).toEqual([['Cộng', 'table', null, 320_000_000]]);
    const group = await readText(rows('70'), { locale: 'vi' });
    const da4 = group.result.nodes.find((n) => n.node.code === 'DA4')!.node.id;
    expect(group.result.totals.map((t) => [t.scope, t.nodeId, t.figures.plan])).toEqual([['group', da4, 70_000_000]]);
  });

  it('reads a table with the projects across and a commune on each row: a line per commune and project, the total row as stated figures', async () => {
    const text = [
      'BẢNG PHÂN BỔ VỐN SỰ NGHIỆP NĂM 2023 CHO CÁC XÃ',
      'ĐVT: triệu đồng',
      'STT;Tên xã;Tổng số;Dự án 2;Dự án 3;Dự án 6',
      '1;Xã Lộc Yên;300;100;150;50',
      '2;Xã Thanh Lòa;200;80;100;20',
      ';Tổng cộng;500;180;250;70',
    ].join('\n');
    const r = await readText(text, { locale: 'vi' });
    expect(r.mapping.columns.slice(2).map((c) => [c.field, c.item ?? null])).toEqual([
      ['statedPlan', null],
      ['plan', 'DA2'],
      ['plan', 'DA3'],
      ['plan', 'DA6'],
    ]);
    expect(linesByCode(r).map((l) => [l.code, l.unit, l.plan / 1e6])).toEqual([
      ['DA2', 'Xã Lộc Yên', 100],
      ['DA3', 'Xã Lộc Yên', 150],
      ['DA6', 'Xã Lộc Yên', 50],
      ['DA2', 'Xã Thanh Lòa', 80],
      ['DA3', 'Xã Thanh Lòa', 100],
      ['DA6', 'Xã Thanh Lòa', 20],
    ]);
    expect(r.result.nodes.map((n) => [n.node.code, n.status, n.stated?.plan])).toEqual([
      ['DA2', 'matched', 180e6],
      ['DA3', 'matched', 250e6],
      ['DA6', 'matched', 70e6],
    ]);
    expect(r.result.totals.map((t) => [t.scope, t.figures.plan])).toEqual([['table', 500e6]]);
    expect(problemCodes(r)).not.toContain('import.items-as-columns');
    // Mapped otherwise (the columns as descriptions), the table would be misread: the reader says so.
    const asLabels = await readText(text, {
      locale: 'vi',
      mapping: [{ field: 'stt' }, { field: 'name' }, { field: 'plan' }, { field: 'label' }, { field: 'label' }, { field: 'label' }],
    });
    const p = asLabels.result.problems.find((x) => x.problem.code === 'import.items-as-columns');
    expect(p?.severity).toBe('warning');
    expect(describeProblem(p!.problem, 'vi')).toContain('Các cột "Dự án 2", "Dự án 3", "Dự án 6" mang tên dự án');
    // A table with its items down the rows says nothing of the kind.
    expect(problemCodes(await read('cao-loc-2023.xlsx'))).not.toContain('import.items-as-columns');
  });

  it('across, reads sub-projects under a project’s header, a capital type under a project, and takes a project’s own total as stated, not as more money', async () => {
    const r = value(await readImport(await allocationAnnexXlsx(), 'pl02.xlsx', context(), {}));
    expect(r.mapping.columns.map((c) => [c.field, c.item ?? null, c.capital ?? null])).toEqual([
      ['stt', null, null],
      ['unit', null, null],
      ['statedPlan', null, null],
      ['plan', 'DA1', 'investment'],
      ['statedPlan', 'DA3', null],
      ['plan', 'DA3.TDA1', null],
      ['plan', 'DA3.TDA2', null],
      ['plan', 'DA4.TDA1', null],
    ]);
    const sum = (code: string) =>
      linesByCode(r)
        .filter((l) => l.code === code)
        .reduce((a, l) => a + l.plan, 0) / 1e6;
    expect([sum('DA1'), sum('DA3'), sum('DA3.TDA1'), sum('DA3.TDA2'), sum('DA4.TDA1')]).toEqual([1000, 0, 300, 200, 200]);
    expect(linesByCode(r).find((l) => l.code === 'DA1')).toMatchObject({ unit: 'Huyện Bình Gia', capital: 'investment', source: 'central' });
    expect(Object.fromEntries(r.result.nodes.map((n) => [n.node.code, n.stated?.plan]))).toMatchObject({ DA1: 1000e6, DA3: 500e6, 'DA3.TDA1': 300e6 });
    expect(r.result.totals.map((t) => t.figures.plan)).toEqual([1700e6]);
  });

  it('gives a new project or sub-project the code its name states', async () => {
    const ctx = context();
    const r = await readText(
      'STT;Nội dung;Kế hoạch (triệu đồng)\nI;Dự án 3: Hỗ trợ phát triển sản xuất, cải thiện dinh dưỡng;\n1;Tiểu dự án 3: Hỗ trợ giống cây trồng;120\nII;Dự án 8: Chương trình của tỉnh;45\n',
      {},
      ctx,
    );
    const da3 = ctx.nodes.find((n) => n.code === 'DA3')!;
    expect(r.result.nodes.map((n) => [n.status, n.node.code, n.node.parentId === da3.id])).toEqual([
      ['matched', 'DA3', false],
      ['new', 'DA3.TDA3', true],
      ['new', 'DA8', false],
    ]);
  });

  it('matches names written with NFD accents, Ð for Đ and old-style tone marks', async () => {
    const text =
      'Nội dung;Kế hoạch (triệu đồng)\n' + 'Truyền thông về giảm nghèo đa chiều'.normalize('NFD') + ';232\nĐa dạng hoá sinh kế, phát triển mô hình giảm nghèo;5.436,5\n';
    const r = await readText(text.replace(/Đ/g, '\u00D0'));
    expect(r.result.nodes.map((n) => [n.status, n.node.code])).toEqual([
      ['matched', 'DA6.TDA2'],
      ['matched', 'DA2'],
    ]);
  });

  it('applies the mapping the user chose and a saved one for the same headers', async () => {
    const first = await read('amounts-as-written.csv');
    const columns = first.mapping.columns.map((c) => (c.field === 'rate' ? { field: 'ignore' as const } : c));
    const chosen = await read('amounts-as-written.csv', { mapping: columns });
    expect(problemCodes(chosen)).not.toContain('import.rate-derived');
    expect(chosen.result.lines.every((l) => l.line.stated === undefined)).toBe(true);
    const saved = await read('amounts-as-written.csv', { savedMappings: { [first.mapping.templateKey]: columns } });
    expect(saved.fromTemplate).toBe(true);
    expect(saved.mapping.columns).toEqual(columns);
    expect(saved.guessedMapping).toEqual(first.mapping);
  });
});

describe('workbooks of several sheets', () => {
  const corpus = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/corpus/${name}`, import.meta.url)));

  it('reads the sheet that holds the money and says what the others hold', async () => {
    const name = 'b15-trang-dinh-nhieu-sheet-huong-dan.xlsx';
    const r = value(await readImport(corpus(name), name, context()));
    expect(r.sheet).toBe('Biểu 01');
    expect(r.file.sheets.map((s) => [s.name, s.holds])).toEqual([
      ['Hướng dẫn', 'text'],
      ['Biểu 01', 'money'],
      ['DS xã', 'list'],
    ]);
  });

  it('names the sheets laid out alike, one per district', async () => {
    const name = 'b16-ba-huyen-ngheo-moi-huyen-mot-sheet.xlsx';
    const r = value(await readImport(corpus(name), name, context()));
    // The summary sheet comes first and is read; the three districts are named for consolidation.
    expect(r.sheet).toBe('Tổng hợp');
    expect(r.file.alike).toEqual(['Bình Gia', 'Văn Quan', 'Đình Lập']);
  });
});

describe('broken and empty files', () => {
  it.each([
    ['headers-only.xlsx', 'import.no-data'],
    ['empty-sheet.xlsx', 'import.empty-sheet'],
    ['empty.csv', 'import.empty-file'],
    ['truncated.xlsx', 'import.xlsx-damaged'],
  ])('%s ends in %s, with a sentence in both languages', async (name, expected) => {
    const r = await readImport(fixture(name), name, context());
    expect(code(r)).toBe(expected);
    if (r.ok) return;
    expect(Object.keys(MESSAGES)).toContain(r.error.code);
    for (const lang of ['vi', 'en'] as const) expect(describeProblem(r.error, lang)).not.toMatch(/\{\w+\}/);
  });

  it('names a missing sheet, and reads a sheet named by its place in the workbook', async () => {
    expect(code(await readImport(fixture('cao-loc-2023.xlsx'), 'a.xlsx', context(), { sheet: 'Biểu 02' }))).toBe('import.sheet-missing');
    expect(code(await readImport(fixture('cao-loc-2023.xlsx'), 'a.xlsx', context(), { sheet: '3' }))).toBe('import.sheet-missing');
    expect(value(await readImport(fixture('cao-loc-2023.xlsx'), 'a.xlsx', context(), { sheet: '1' })).sheet).toBe('Biểu 01');
  });

  it('gives every problem it can report a sentence without unfilled placeholders', async () => {
    for (const name of ['cao-loc-2023.xlsx', 'cao-loc-2023-cp1258.csv', 'text-renamed.xlsx', 'formulas-merged.xlsx', 'ambiguous-locale.csv', 'amounts-as-written.csv']) {
      const r = await read(name);
      for (const p of [...r.result.problems.map((x) => x.problem), ...r.preview.flatMap((row) => row.cells.flatMap((c) => (c.problem ? [c.problem] : [])))]) {
        expect(Object.keys(MESSAGES), p.code).toContain(p.code);
        for (const lang of ['vi', 'en'] as const) expect(describeProblem(p, lang)).not.toMatch(/\{\w+\}/);
      }
    }
  });
});

describe('progress, cancel and the worker boundary', () => {
  it('reports progress from 0 to the total, never backwards', async () => {
    const seen: [number, number][] = [];
    await read('cao-loc-2023.xlsx', { onProgress: (d, t) => seen.push([d, t]) });
    expect(seen[0]).toEqual([0, IMPORT_PROGRESS_TOTAL]);
    expect(seen[seen.length - 1]).toEqual([IMPORT_PROGRESS_TOTAL, IMPORT_PROGRESS_TOTAL]);
    const done = seen.map(([d]) => d);
    expect(done).toEqual([...done].sort((a, b) => a - b));
  });

  it('stops with import.cancelled when the signal fires, before or during the read', async () => {
    const before = new AbortController();
    before.abort();
    expect(code(await readImport(fixture('cao-loc-2023.csv'), 'a.csv', context(), { signal: before.signal }))).toBe('import.cancelled');

    const big = 'Mã;Nội dung;Kế hoạch (triệu đồng)\n' + 'DA2;Dòng;1.234,5\n'.repeat(200_000);
    const during = new AbortController();
    let calls = 0;
    const r = await readImport(utf8(big), 'big.csv', context(), { signal: during.signal, onProgress: () => ++calls === 2 && during.abort() });
    expect(code(r)).toBe('import.cancelled');
  });

  it('returns plain data a worker can post (structured clone keeps it whole), without a DOM', async () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    const r = await read('cao-loc-2023.xlsx');
    expect(structuredClone(r)).toEqual(r);
  });

  it('serves reads by request id and cancels one by its id', async () => {
    const service = createImportService();
    const ok = await service.read('a', fixture('plan-en.csv'), 'plan-en.csv', context());
    expect(value(ok).result.lines).toHaveLength(3);
    expect(service.cancel('a')).toBe(false);

    const big = 'Mã;Nội dung;Kế hoạch (triệu đồng)\n' + 'DA2;Dòng;1.234,5\n'.repeat(200_000);
    let cancelled = false;
    const pending = service.read('b', utf8(big), 'big.csv', context(), {}, () => {
      if (!cancelled) cancelled = service.cancel('b');
    });
    expect(code(await pending)).toBe('import.cancelled');
    expect(cancelled).toBe(true);
  });
});

// One test per reading rule of the import: how a table's own arithmetic, words and layout decide
// what is a line, what is a subtotal, which column is read and how; each on a small sheet as
// offices write it, checked to the đồng and against the reconciliation the dialog shows.
import { describe, expect, it } from 'vitest';
import { readImport } from '../../src/io/import-plan';
import type { ImportOptions, ImportReading, WorkbookContext } from '../../src/io/import-plan';
import { instantiateTree } from '../../src/domain/tree';
import { utf8, value } from './import-helpers';

const TR = 1_000_000;
const context = (places: { id: string; name: string }[] = []): WorkbookContext => ({ workbookId: 'wb', year: 2024, nodes: instantiateTree('wb'), places });
const read = async (rows: string[], options: ImportOptions = {}, ctx = context()) => value(await readImport(utf8(rows.join('\n')), 'bieu.csv', ctx, options));
const codeOf = (r: ImportReading, id: string) => r.result.nodes.find((n) => n.node.id === id)?.node.code ?? id;
const lines = (r: ImportReading) =>
  r.result.lines.map((l) => [codeOf(r, l.line.nodeId), l.line.label, l.line.source, l.line.capital, l.line.plan / TR, l.line.disbursed / TR]);
const total = (r: ImportReading) => r.result.lines.reduce((a, l) => a + l.line.plan, 0) / TR;
const codes = (r: ImportReading) => r.result.problems.map((p) => p.problem.code);
const allMatch = (r: ImportReading) => r.result.reconciliation.matched === r.result.reconciliation.checked && r.result.reconciliation.checked > 0;

describe('rows: what the file’s own sums say', () => {
  it('a row equal to the sum of the rows after it is their subtotal, with no numbering to say so', async () => {
    const r = await read([
      'ĐVT: triệu đồng',
      'Nội dung;Kế hoạch vốn;Giải ngân',
      'Tổng cộng;1.500;420',
      'Cấp tỉnh;600;100',
      'Dự án 6: Truyền thông;400;60',
      'Dự án 7: Nâng cao năng lực;200;40',
      'Cấp huyện;900;320',
      'Dự án 6: Truyền thông;500;200',
      'Dự án 7: Nâng cao năng lực;400;120',
    ]);
    expect(total(r)).toBe(1500);
    expect(lines(r).map((l) => [l[0], l[1], l[4]])).toEqual([
      ['DA6', 'Cấp tỉnh', 400],
      ['DA7', 'Cấp tỉnh', 200],
      ['DA6', 'Cấp huyện', 500],
      ['DA7', 'Cấp huyện', 400],
    ]);
    expect(codes(r)).toContain('import.subtotals-by-sum');
    expect(allMatch(r)).toBe(true);
  });

  it('a flat list whose amounts happen to add up is not read as subtotals: no row that ranks above the ones after it', async () => {
    const r = await read(['ĐVT: triệu đồng', 'Nội dung;Kế hoạch vốn', 'Xã An Lạc;600', 'Xã Bình Minh;300', 'Xã Cao Sơn;200', 'Xã Đồng Tâm;100']);
    expect(total(r)).toBe(1200);
    const nameOf = (id: string) => r.result.nodes.find((n) => n.node.id === id)?.node.name;
    expect(r.result.lines.map((l) => [nameOf(l.line.nodeId), l.line.plan / TR])).toEqual([
      ['Xã An Lạc', 600],
      ['Xã Bình Minh', 300],
      ['Xã Cao Sơn', 200],
      ['Xã Đồng Tâm', 100],
    ]);
    expect(codes(r)).not.toContain('import.subtotals-by-sum');
  });

  it('a numbered row over items that names none of them is a section: its label goes to its lines, no item is made of it', async () => {
    const r = await read(
      [
        'ĐVT: triệu đồng',
        'STT;Nội dung;Kế hoạch vốn',
        'I;Cấp tỉnh;600',
        '1;Dự án 6: Truyền thông;400',
        '2;Dự án 7: Nâng cao năng lực;200',
        'II;Cấp huyện;900',
        '1;Dự án 6: Truyền thông;500',
        '2;Dự án 7: Nâng cao năng lực;400',
      ],
      { locale: 'vi' },
    );
    expect(r.result.nodes.filter((n) => n.status === 'new')).toEqual([]);
    expect(lines(r).map((l) => [l[0], l[1]])).toEqual([
      ['DA6', 'Cấp tỉnh'],
      ['DA7', 'Cấp tỉnh'],
      ['DA6', 'Cấp huyện'],
      ['DA7', 'Cấp huyện'],
    ]);
    // No project's figure is taken from a section's row.
    expect(r.result.nodes.filter((n) => n.stated)).toEqual([]);
  });

  it('a subtotal’s money that nothing under it holds is its own line (the plan over activities listing only what was disbursed)', async () => {
    const r = await read([
      'ĐVT: triệu đồng',
      'STT;Nội dung;Kế hoạch vốn;Giải ngân',
      '1;Tiểu dự án 2 (Dự án 3): Cải thiện dinh dưỡng;566;77,04',
      'a;Khảo sát, cân đo trẻ;-;49,04',
      'b;Tập huấn nhân viên y tế;-;28',
    ]);
    expect(total(r)).toBe(566);
    expect(r.result.lines.reduce((a, l) => a + l.line.disbursed, 0)).toBe(77_040_000);
    expect(allMatch(r)).toBe(true);
  });

  it('a row with only its "Tổng số" is a line of that money, its source marked when nothing says it', async () => {
    const r = await read(['ĐVT: triệu đồng', 'STT;Nội dung;Tổng số;NSTW;NSĐP', '1;Dự án 3;5.632;2.000;', 'a;Tiểu dự án 1;2.000;2.000;', 'b;Tiểu dự án 2;3.632;;'], {
      locale: 'vi',
    });
    expect(total(r)).toBe(5632);
    const tda2 = r.result.lines.find((l) => codeOf(r, l.line.nodeId) === 'DA3.TDA2')!;
    // No column or row says its source; the file says no capital type for any line.
    expect([tda2.line.plan, tda2.invalid]).toEqual([3_632_000_000, ['source', 'capital']]);
    expect(codes(r)).toEqual(expect.arrayContaining(['import.source-unsaid', 'import.capital-unsaid']));
  });

  it('"Cộng Tiểu dự án 1" closes that sub-project, not the project over it', async () => {
    const r = await read([
      'ĐVT: triệu đồng',
      'Nội dung;Kế hoạch vốn',
      'Dự án 7: Nâng cao năng lực;',
      'Tiểu dự án 1: Nâng cao năng lực thực hiện;',
      'Huyện Bình Gia;300',
      'Huyện Văn Quan;220',
      'Cộng Tiểu dự án 1;520',
      'Tiểu dự án 2: Giám sát, đánh giá;278',
      'Cộng Dự án 7;798',
    ]);
    expect(total(r)).toBe(798);
    const da7tda1 = r.result.nodes.find((n) => n.node.code === 'DA7.TDA1')!.node.id;
    expect(r.result.totals.find((t) => t.label === 'Cộng Tiểu dự án 1')).toMatchObject({ scope: 'group', nodeId: da7tda1, figures: { plan: 520 * TR } });
  });

  it('"Cộng huyện Bình Gia" closes the rows since the heading "Huyện Bình Gia", numbered or not: its projects’ lines are that district’s', async () => {
    const r = await read(
      [
        'ĐVT: triệu đồng',
        'STT;Nội dung;NSTW',
        ';Huyện Bình Gia;',
        '1;Dự án 1;600',
        '2;Dự án 4;400',
        ';Cộng huyện Bình Gia;1.000',
        ';Huyện Văn Quan;',
        '1;Dự án 1;300',
        ';Cộng huyện Văn Quan;300',
        ';Tổng cộng;1.300',
      ],
      { locale: 'vi' },
    );
    expect(lines(r).map((l) => [l[0], l[1], l[4]])).toEqual([
      ['DA1', 'Huyện Bình Gia', 600],
      ['DA4', 'Huyện Bình Gia', 400],
      ['DA1', 'Huyện Văn Quan', 300],
    ]);
    expect(r.result.reconciliation.rows.map((x) => [x.label, x.ok])).toEqual([
      ['Cộng huyện Bình Gia', true],
      ['Cộng huyện Văn Quan', true],
      ['Tổng cộng', true],
    ]);
  });

  it('a bare "Cộng" after rows of no group totals them; a "Trong đó" year under it is checked against the lines of that year', async () => {
    const r = await read(['ĐVT: triệu đồng', 'STT;Nội dung;NSTW', '1;Dự án 1;600', '2;Dự án 4;400', ';Cộng;1.000', ';Trong đó: vốn năm 2023 chuyển sang;100']);
    // "1.000" is read as a thousand: the total then adds up.
    expect(total(r)).toBe(1000);
    expect(r.result.reconciliation.rows.map((x) => [x.label, x.cells.map((c) => [c.stated / TR, c.computed / TR])])).toEqual([
      ['Cộng', [[1000, 1000]]],
      // The file says 100 of it is money of 2023; no line says so: shown, not hidden.
      ['Trong đó: vốn năm 2023 chuyển sang', [[100, 0]]],
    ]);
  });

  it('an item written whole in the STT cell ("I. Dự án 1: …", its name cell empty or merged into it) is that numbering and that name', async () => {
    const r = await read(
      ['ĐVT: triệu đồng', 'STT;Nội dung;NSTW', 'TỔNG CỘNG;;1.000', 'I. Dự án 1: Hạ tầng;;600', '1;Xã An Lạc;600', 'II. Dự án 4: Việc làm;;400', '1;Xã Bình Minh;400'],
      { locale: 'vi' },
    );
    expect(lines(r).map((l) => [l[0], l[1], l[4]])).toEqual([
      ['DA1', 'Xã An Lạc', 600],
      ['DA4', 'Xã Bình Minh', 400],
    ]);
    expect(r.result.nodes.filter((n) => n.status === 'new')).toEqual([]);
    expect(codes(r)).not.toContain('import.stt-unreadable');
    expect(allMatch(r)).toBe(true);
  });

  it('"Trong đó: thu hồi vốn ứng trước" is a memo of the row above: said, not more money', async () => {
    const r = await read(['ĐVT: triệu đồng', 'STT;Nội dung;Kế hoạch vốn', '1;Tiểu dự án 1 - Dự án 1;227.479,998', ';Trong đó: thu hồi vốn ứng trước;27.298'], {
      locale: 'vi',
    });
    expect(total(r)).toBe(227_479.998);
    expect(codes(r)).toContain('import.memo-rows');
  });

  it('a section that names a capital type or a source ("A. Vốn đầu tư phát triển", "II. Ngân sách địa phương") gives it to every line under it', async () => {
    const r = await read(
      [
        'ĐVT: triệu đồng',
        'STT;Nội dung;Kế hoạch vốn',
        ';Tổng cộng;1.000',
        'A;VỐN ĐẦU TƯ PHÁT TRIỂN;600',
        'I;Ngân sách trung ương;600',
        '1;Dự án 1;400',
        '2;Dự án 4;200',
        'B;VỐN SỰ NGHIỆP;400',
        'I;Ngân sách địa phương;400',
        '1;Dự án 4;100',
        '2;Dự án 6;300',
      ],
      { locale: 'vi' },
    );
    expect(lines(r).map((l) => [l[0], l[2], l[3], l[4]])).toEqual([
      ['DA1', 'central', 'investment', 400],
      ['DA4', 'central', 'investment', 200],
      ['DA4', 'local', 'recurrent', 100],
      ['DA6', 'local', 'recurrent', 300],
    ]);
    expect(r.result.lines.every((l) => l.invalid.length === 0 && l.line.label === '')).toBe(true);
    expect(allMatch(r)).toBe(true);
  });

  it('numbered rows one level under an item that name only a split ("a) Vốn ĐTPT", "b) Vốn SN") are its breakdown, not new items', async () => {
    const r = await read(['ĐVT: triệu đồng', 'STT;Nội dung;Kế hoạch vốn', ';Tổng cộng;1.000', '1;Dự án 1;400', '2;Dự án 4;600', 'a;Vốn ĐTPT;200', 'b;Vốn SN;400'], {
      locale: 'vi',
    });
    expect(r.result.nodes.filter((n) => n.status === 'new')).toEqual([]);
    expect(
      lines(r)
        .filter((l) => l[0] === 'DA4')
        .map((l) => [l[3], l[4]]),
    ).toEqual([
      ['investment', 200],
      ['recurrent', 400],
    ]);
    expect(allMatch(r)).toBe(true);
  });

  it('money whose source no column or row says takes the one source the file’s total leaves for it ("TỔNG SỐ" under NSTW), and says so', async () => {
    const r = await read(['ĐVT: triệu đồng', 'STT;Nội dung;Tổng số;NSTW;NSĐP', ';TỔNG SỐ;1.278;1.078;200', '1;Dự án 2;1.000;800;200', '2;Dự án 7;278;;'], {
      locale: 'vi',
      defaults: { capital: 'recurrent' },
    });
    const da7 = r.result.lines.find((l) => codeOf(r, l.line.nodeId) === 'DA7')!;
    expect([da7.line.source, da7.line.plan, da7.invalid]).toEqual(['central', 278 * TR, []]);
    expect(r.result.problems.find((p) => p.problem.code === 'import.source-by-totals')?.problem.params).toMatchObject({ count: 1, plan: 278 * TR, stated: 1078 * TR });
    // Were the total 1.078 to leave nothing for it, its source stays marked.
    const open = await read(['ĐVT: triệu đồng', 'STT;Nội dung;Tổng số;NSTW;NSĐP', ';TỔNG SỐ;1.278;900;378', '1;Dự án 2;1.000;800;200', '2;Dự án 7;278;;'], {
      locale: 'vi',
      defaults: { capital: 'recurrent' },
    });
    expect(open.result.lines.find((l) => codeOf(open, l.line.nodeId) === 'DA7')!.invalid).toEqual(['source']);
  });

  it('money whose capital type nothing says takes the one type the total’s "Trong đó" rows leave for it', async () => {
    const r = await read(
      [
        'ĐVT: triệu đồng',
        'STT;Nội dung;NSTW',
        ';TỔNG CỘNG;1.000',
        ';Trong đó: - Vốn đầu tư phát triển;700',
        ';- Vốn sự nghiệp;300',
        '1;Dự án 1;700',
        '-;Vốn đầu tư phát triển;700',
        '2;Dự án 2;200',
        '3;Dự án 6;100',
      ],
      { locale: 'vi' },
    );
    expect(lines(r).map((l) => [l[0], l[3]])).toEqual([
      ['DA1', 'investment'],
      ['DA2', 'recurrent'],
      ['DA6', 'recurrent'],
    ]);
    expect(r.result.lines.every((l) => l.invalid.length === 0)).toBe(true);
    expect(codes(r)).toContain('import.capital-by-totals');
  });

  it('breakdowns under the table’s total by capital type are parts of that total, never a new item', async () => {
    const r = await read([
      'ĐVT: triệu đồng',
      'STT;Nội dung;Kế hoạch vốn',
      ';TỔNG CỘNG;300',
      ';Trong đó: - Vốn đầu tư phát triển;200',
      ';- Vốn sự nghiệp;100',
      '1;Dự án 1 (vốn ĐTPT);200',
      '2;Dự án 2 (vốn SN);100',
    ]);
    expect(r.result.nodes.filter((n) => n.status === 'new')).toEqual([]);
    expect(lines(r).map((l) => [l[0], l[3], l[4]])).toEqual([
      ['DA1', 'investment', 200],
      ['DA2', 'recurrent', 100],
    ]);
    expect(allMatch(r)).toBe(true);
  });
});

describe('columns: what the file’s own columns say', () => {
  it('a column equal to the sum of the columns splitting its money is their total, whatever its header', async () => {
    const r = await read([
      'ĐVT: triệu đồng',
      'STT;Nội dung;Tổng vốn được giao;Vốn năm 2023 chuyển sang;Vốn năm 2024',
      '1;Dự án 2;3.983,674;894,536;3.089,138',
      '2;Dự án 5;3.159,805;577,409;2.582,396',
    ]);
    expect(r.mapping.columns[2].field).toBe('statedPlan');
    expect(total(r)).toBe(7143.479);
    expect(r.result.lines.map((l) => l.line.vintage)).toEqual([2023, 2024, 2023, 2024]);
    expect(codes(r)).toContain('import.column-is-total');
  });

  it('of a cumulative figure and its periods, the cumulative one is read', async () => {
    const r = await read([
      'ĐVT: triệu đồng',
      'STT;Nội dung;Kế hoạch vốn;Giải ngân quý I;Giải ngân quý II;Giải ngân quý III;Giải ngân lũy kế',
      '1;Dự án 2;1.000;100;200;300;600',
      '2;Dự án 3;2.000;150;250;350;750',
    ]);
    expect(r.result.lines.map((l) => l.line.disbursed / TR)).toEqual([600, 750]);
    expect(codes(r)).toContain('import.column-chosen-cumulative');
  });

  it('a column headed as the source whose cells name capital types holds capital types', async () => {
    const r = await read(['ĐVT: triệu đồng', 'STT;Nội dung;Nguồn vốn;Kế hoạch vốn', '1;Dự án 1;ĐTPT;1200', '2;Dự án 2;SN;300']);
    expect(r.mapping.columns[2].field).toBe('capital');
    expect(lines(r).map((l) => [l[0], l[3]])).toEqual([
      ['DA1', 'investment'],
      ['DA2', 'recurrent'],
    ]);
    expect(r.result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('places across ("Chia ra / Huyện …"): a line per crossing, in the place, the "Tổng số" their total', async () => {
    const places = [{ id: 'p-mn', name: 'Huyện Mường Nhé' }];
    const r = await read(
      ['ĐVT: triệu đồng', 'STT;Dự án;Tổng số;Chia ra;', ';;;Huyện Mường Nhé;Huyện Nậm Pồ', '1;Dự án 2;500;200;300', '2;Dự án 5;400;150;250'],
      {},
      context(places),
    );
    expect(lines(r).map((l) => [l[0], l[1], l[4]])).toEqual([
      ['DA2', 'Huyện Mường Nhé', 200],
      ['DA2', 'Huyện Nậm Pồ', 300],
      ['DA5', 'Huyện Mường Nhé', 150],
      ['DA5', 'Huyện Nậm Pồ', 250],
    ]);
    expect(r.result.lines[0].line.placeId).toBe('p-mn');
    expect(r.mapping.columns[2].field).toBe('statedPlan');
    expect(allMatch(r)).toBe(true);
  });

  it('a plan column of an earlier year that does not say "chuyển sang" is read as carried in and said, with its money: it may be last year’s plan', async () => {
    const r = await read(
      ['KẾ HOẠCH VỐN NĂM 2024', 'ĐVT: triệu đồng', 'STT;Nội dung;Kế hoạch năm 2023;Kế hoạch năm 2024', ';Tổng cộng;900;1.000', '1;Dự án 1;500;600', '2;Dự án 4;400;400'],
      { locale: 'vi' },
    );
    expect(r.result.problems.find((p) => p.problem.code === 'import.plan-earlier-year')?.problem.params).toEqual({
      column: 'Kế hoạch năm 2023',
      vintage: 2023,
      year: 2024,
      plan: 900 * TR,
    });
    // Money the header calls carried in is not asked about.
    const carried = await read(['ĐVT: triệu đồng', 'STT;Nội dung;Vốn năm 2023 chuyển sang;Kế hoạch năm 2024', '1;Dự án 1;500;600'], { locale: 'vi' });
    expect(codes(carried)).not.toContain('import.plan-earlier-year');
    expect(carried.result.lines.map((l) => [l.line.vintage, l.line.plan / TR])).toEqual([
      [2023, 500],
      [2024, 600],
    ]);
  });

  it('a number format the file does not show is settled by its totals, and said so', async () => {
    const r = await read(['ĐVT: triệu đồng', 'STT;Nội dung;Kế hoạch vốn', ';Tổng cộng;1.500', '1;Dự án 2;600', '2;Dự án 3;900']);
    expect(r.result.ambiguousColumns).toEqual([]);
    expect(codes(r)).toContain('import.locale-from-totals');
    expect(r.result.totals[0].figures.plan).toBe(1500 * TR);
  });

  it('rows with numbers below the table (a second table under the first) are named, not dropped without a word; a signature block is not', async () => {
    const r = await read(
      [
        'Biểu 1: KẾ HOẠCH VỐN',
        'ĐVT: triệu đồng',
        'STT;Nội dung;Kế hoạch vốn',
        ';Tổng cộng;1.000',
        '1;Dự án 1;600',
        '2;Dự án 4;400',
        '',
        '',
        'Biểu 2: GIẢI NGÂN',
        'ĐVT: triệu đồng',
        'STT;Nội dung;Giải ngân',
        ';Tổng cộng;300',
        '1;Dự án 1;200',
        '2;Dự án 4;100',
      ],
      { locale: 'vi' },
    );
    expect(total(r)).toBe(1000);
    expect(r.result.problems.find((p) => p.problem.code === 'import.rows-after-table')?.problem.params).toEqual({ count: 3, rows: '12–14' });
    const signed = await read(
      [
        'ĐVT: triệu đồng',
        'STT;Nội dung;Kế hoạch vốn',
        '1;Dự án 1;600',
        '',
        'Ghi chú: số liệu đến 30/9/2024',
        '',
        'Người lập biểu;;Thủ trưởng đơn vị',
        'Nguyễn Văn A;;Trần Văn B',
      ],
      { locale: 'vi' },
    );
    expect(codes(signed)).not.toContain('import.rows-after-table');
  });

  it('a column of numbers that maps to nothing is listed with its total, not dropped without a word', async () => {
    const r = await read(['ĐVT: triệu đồng', 'STT;Nội dung;Kế hoạch vốn;Cột lạ', '1;Dự án 2;600;50', '2;Dự án 3;900;70']);
    expect(r.result.reconciliation.unmapped).toEqual([{ col: 3, header: 'Cột lạ', total: 120 * TR, count: 2 }]);
  });
});

describe('the reconciliation', () => {
  it('names each total the lines do not make, with both figures', async () => {
    const r = await read(
      [
        'ĐVT: triệu đồng',
        'STT;Nội dung;Kế hoạch vốn',
        ';Tổng cộng;1.490',
        'I;Dự án 6;600',
        '1;Tiểu dự án 1;400',
        '2;Tiểu dự án 2;200',
        'II;Dự án 7;900',
        '1;Tiểu dự án 1;500',
        '2;Tiểu dự án 2;390',
      ],
      { locale: 'vi' },
    );
    const differs = r.result.reconciliation.rows.filter((x) => !x.ok);
    expect(differs.map((x) => [x.row, x.label, x.cells.map((c) => [c.stated / TR, c.computed / TR])])).toEqual([[7, 'II Dự án 7', [[900, 890]]]]);
    // The table's total, which the lines do make, is ✓.
    expect(r.result.reconciliation.rows.find((x) => x.kind === 'total')?.ok).toBe(true);
  });
});

describe('any table', () => {
  it('is read without an exception: a reading or a sentence, whole đồng on every line, every total reconciled', async () => {
    const fc = (await import('fast-check')).default;
    const cell = fc.oneof(
      fc.constantFrom(
        '',
        '-',
        'I',
        'II',
        '1',
        '2',
        'a',
        '+',
        'Tổng cộng',
        'Cộng',
        'Cộng Dự án 2',
        'Trong đó:',
        '- Vốn ĐTPT',
        '- NSĐP',
        'Cấp tỉnh',
        'Huyện Bình Gia',
        'Xã Lộc Yên',
        'Dự án 3',
        'Tiểu dự án 1',
        'Trong đó: thu hồi',
        'Đường thôn Nà Pàn',
        '(vốn SN)',
      ),
      fc.integer({ min: 0, max: 10_000_000 }).map(String),
      fc.integer({ min: 0, max: 999_999 }).map((n) => (n / 1000).toFixed(3).replace('.', ',')),
    );
    const header = fc.constantFrom(
      'STT;Nội dung;Tổng số;NSTW;NSĐP',
      'Nội dung;Kế hoạch vốn;Giải ngân',
      'STT;Tên xã;Dự án 2;Dự án 3 / Tiểu dự án 1',
      'TT;Danh mục;KH vốn năm 2024;GN đến 30/9/2024;Ghi chú',
    );
    await fc.assert(
      fc.asyncProperty(header, fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 25 }), async (head, rows) => {
        const text = ['ĐVT: triệu đồng', head, ...rows.map((r) => r.join(';'))].join('\n');
        const r = await readImport(utf8(text), 'x.csv', context(), { locale: 'vi' });
        if (!r.ok) return;
        for (const l of r.value.result.lines) {
          expect(Number.isSafeInteger(l.line.plan) && Number.isSafeInteger(l.line.disbursed)).toBe(true);
        }
        const rec = r.value.result.reconciliation;
        expect(rec.matched).toBeLessThanOrEqual(rec.checked);
        for (const row of rec.rows) for (const c of row.cells) expect(Number.isSafeInteger(c.computed)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('limits', () => {
  it('numbering nested deeper than a plan goes ("1.1.1…" 60 levels) is read in bounds: deeper items at the deepest level, and said', async () => {
    const rows = ['STT;Nội dung;Kế hoạch'];
    let stt = '';
    for (let i = 0; i < 60; i++) rows.push(`${(stt = stt ? `${stt}.1` : '1')};Mục ${i};${1000 + i}`);
    const r = await read(rows);
    expect(codes(r)).toContain('import.tree-flattened');
    const parent = new Map<string, string | null>([
      ...instantiateTree('wb').map((n) => [n.id, n.parentId] as const),
      ...r.result.nodes.map((n) => [n.node.id, n.node.parentId] as const),
    ]);
    const depth = (id: string | null): number => (id === null ? 0 : 1 + depth(parent.get(id) ?? null));
    expect(Math.max(...r.result.nodes.map((n) => depth(n.node.id)))).toBeLessThanOrEqual(32);
  });
});

// Importing a file as a planner does: open the dialog from the toolbar, drop the district's report
// sheet (Vietnamese layout: titles, merged two-row header, STT levels, total row), check the
// guessed mapping and the preview, import, see the totals, undo it all with Ctrl+Z; a cell that
// cannot be read is imported marked; a broken file says why and changes nothing; a long read can be
// stopped.
import { describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import ExcelJS from 'exceljs';
import { allocationAnnexXlsx } from '../fixtures/import/annex';
import { useBrowser } from './browser';
import { Workbench } from './pages/workbench';
import { ImportDialogPage } from './pages/import-dialog';
import { readImport } from '../../src/io/import-plan';
import { formatAmount } from '../../src/domain/amount';
import { buildEmptyWorkbook } from '../../src/domain/demo';

const baseUrl = inject('baseUrl');
const browser = useBrowser();
const TOTAL = 'Tổng cộng chương trình';
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url)));
const trieu = (dong: number) => formatAmount(dong, 'trieu', 'vi');

/** The sums of a fixture's lines as the importer reads them into an empty 2023 workbook. */
async function expectedTotals(name: string) {
  const empty = buildEmptyWorkbook('x', 2023);
  const r = await readImport(fixture(name), name, { workbookId: empty.workbook.id, year: 2023, nodes: empty.nodes });
  if (!r.ok) throw new Error(r.error.code);
  const lines = r.value.result.lines;
  return { lines: lines.length, plan: lines.reduce((a, l) => a + l.line.plan, 0), disbursed: lines.reduce((a, l) => a + l.line.disbursed, 0) };
}

/** The demo app with a new, empty 2023 workbook open (the program's tree, no lines); `query` e.g. ?debug. */
async function emptyWorkbook(query = ''): Promise<{ page: Page; wb: Workbench; dlg: ImportDialogPage; close: () => Promise<void> }> {
  const ctx = await browser().newContext({ viewport: { width: 1600, height: 1200 } });
  const page = await ctx.newPage();
  const wb = new Workbench(page);
  await wb.open(baseUrl, query);
  await page.getByRole('button', { name: /Sổ kế hoạch:/ }).click();
  await page.getByLabel('Tên sổ mới').fill('Văn Lãng 2023');
  await page.getByLabel('Năm kế hoạch').fill('2023');
  await page.getByRole('button', { name: 'Tạo', exact: true }).click();
  await expect.poll(() => page.getByTestId('workbook-name').textContent()).toBe('Văn Lãng 2023');
  await wb.waitReady();
  return { page, wb, dlg: new ImportDialogPage(page), close: () => ctx.close() };
}

/** A province-style sheet in đồng: a three-row merged header (plan by NSTW ĐTPT / SN and NSĐP,
 * disbursed in total and "Trong đó NSTW"), roman/arabic/letter numbering, the same district under
 * two projects, and a "Cộng" row. */
async function provinceSheet(): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet('Biểu 02');
  ws.addRow(['UBND TỈNH LẠNG SƠN']);
  ws.addRow(['BÁO CÁO TÌNH HÌNH GIẢI NGÂN VỐN CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG NĂM 2023']);
  ws.addRow(['ĐVT: đồng']);
  ws.addRow(['TT', 'Danh mục', 'Chủ đầu tư', 'Kế hoạch vốn năm 2023', '', '', '', 'Giải ngân đến 30/9/2023', '']);
  ws.addRow(['', '', '', 'Tổng số', 'NSTW', '', 'NSĐP', 'Tổng số', 'Trong đó NSTW']);
  ws.addRow(['', '', '', '', 'ĐTPT', 'SN', '', '', '']);
  for (const m of ['A4:A6', 'B4:B6', 'C4:C6', 'D4:G4', 'H4:I4', 'D5:D6', 'E5:F5', 'G5:G6', 'H5:H6', 'I5:I6']) ws.mergeCells(m);
  const rows: (string | number)[][] = [
    [
      'I',
      'Dự án 1: Hỗ trợ đầu tư phát triển hạ tầng kinh tế - xã hội các huyện nghèo',
      '',
      '8.000.000.000',
      '7.500.000.000',
      '',
      '500.000.000',
      '3.000.000.000',
      '2.800.000.000',
    ],
    ['1', 'Huyện Bình Gia', 'UBND huyện Bình Gia', '5.000.000.000', '4.700.000.000', '', '300.000.000', '2.000.000.000', '1.900.000.000'],
    ['2', 'Huyện Văn Quan', 'UBND huyện Văn Quan', '3.000.000.000', '2.800.000.000', '', '200.000.000', '1.000.000.000', '900.000.000'],
    ['II', 'Dự án 2: Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo', '', '250.000.000', '', '250.000.000', '', '50.000.000', '50.000.000'],
    ['1', 'Huyện Cao Lộc', 'Phòng Nông nghiệp huyện Cao Lộc', '150.000.000', '', '150.000.000', '', '30.000.000', '30.000.000'],
    ['2', 'Huyện Lộc Bình', 'Phòng Nông nghiệp huyện Lộc Bình', '100.000.000', '', '100.000.000', '', '20.000.000', '20.000.000'],
    ['III', 'Dự án 3: Hỗ trợ phát triển sản xuất, cải thiện dinh dưỡng', '', '400.000.000', '', '400.000.000', '', '-', '-'],
    ['1', 'Tiểu dự án 1: Hỗ trợ phát triển sản xuất trong lĩnh vực nông nghiệp', '', '300.000.000', '', '300.000.000', '', '-', '-'],
    ['a', 'Huyện Cao Lộc', 'UBND huyện Cao Lộc', '200.000.000', '', '200.000.000', '', '-', '-'],
    ['b', 'Huyện Đình Lập', 'UBND huyện Đình Lập', '100.000.000', '', '100.000.000', '', '-', '-'],
    ['2', 'Tiểu dự án 2: Cải thiện dinh dưỡng', 'Sở Y tế', '100.000.000', '', '100.000.000', '', '-', '-'],
    ['', 'Cộng', '', '8.650.000.000', '7.500.000.000', '650.000.000', '500.000.000', '3.050.000.000', '2.850.000.000'],
  ];
  for (const r of rows) ws.addRow(r);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

describe('importing a district report sheet', () => {
  it('drop the xlsx, see the mapping and preview, import as one step, totals right, Ctrl+Z removes it all', async () => {
    const { page, wb, dlg, close } = await emptyWorkbook();
    const want = await expectedTotals('cao-loc-2023.xlsx');
    const totalBefore = await wb.text(TOTAL, 'plan');

    await dlg.open();
    await dlg.drop('cao-loc-2023.xlsx', fixture('cao-loc-2023.xlsx'));
    await dlg.summary.waitFor();
    // The guessed mapping, from the merged two-row header.
    expect(await dlg.meaningOf('STT').inputValue()).toBe('stt');
    expect(await dlg.meaningOf('Nội dung').inputValue()).toBe('name');
    expect(await dlg.meaningOf('Kế hoạch vốn năm 2023 / NSTW').inputValue()).toBe('plan');
    expect(await dlg.meaningOf('Kế hoạch vốn năm 2023 / Tổng số').inputValue()).toBe('statedPlan');
    expect(await dlg.meaningOf('Giải ngân đến thời điểm báo cáo').inputValue()).toBe('disbursed');
    // The preview: the total row, the projects as groups, the sub-projects matched by the names.
    const preview = (await dlg.preview.textContent()) ?? '';
    expect(preview).toContain('DA3.TDA1');
    expect(preview).toContain('2.398');
    expect(preview).toContain('77,04');
    expect(await dlg.summary.textContent()).toContain(`Sẽ nhập ${want.lines} dòng kinh phí (${trieu(want.plan)} triệu đồng kế hoạch`);
    await page.screenshot({ path: 'test-results/30-import-mapping-preview.png' });
    // The dialog as read by assistive technology: no serious or critical axe finding (WCAG 2.1 A/AA).
    const { violations } = await new AxeBuilder({ page }).include('[data-testid="import-dialog"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
      [],
    );

    await dlg.importButton.click();
    await dlg.dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => wb.notice.textContent()).toContain(`Đã nhập cao-loc-2023.xlsx: ${want.lines} dòng mới`);
    await wb.expectText(TOTAL, 'plan', trieu(want.plan));
    await wb.expectText(TOTAL, 'disbursed', trieu(want.disbursed));
    await wb.expectText(TOTAL, 'statedPlan', '13.392');
    await wb.expectText('DA7.TDA1', 'plan', '520');
    await wb.waitSaved();
    await page.screenshot({ path: 'test-results/31-import-done.png' });

    // One undo removes the whole import.
    await wb.select('DA7.TDA1', 'plan');
    await page.keyboard.press('Control+z');
    await wb.expectText(TOTAL, 'plan', totalBefore);
    await wb.expectText(TOTAL, 'statedPlan', '');
    expect(await page.getByRole('button', { name: /Hoàn tác/ }).isDisabled()).toBe(true);
    await page.screenshot({ path: 'test-results/32-import-undone.png' });
    await close();
  });

  it('the same report saved as .xls and as .ods reads in the worker to the same lines as the .xlsx; a password-protected file says so', async () => {
    const { dlg, page, close } = await emptyWorkbook();
    const want = await expectedTotals('cao-loc-2023.xlsx');
    for (const name of ['cao-loc-2023.xls', 'cao-loc-2023.ods']) {
      await dlg.open();
      await dlg.drop(name, fixture(name));
      await dlg.summary.waitFor();
      expect(await dlg.summary.textContent()).toContain(`Sẽ nhập ${want.lines} dòng kinh phí (${trieu(want.plan)} triệu đồng kế hoạch`);
      await dlg.close();
    }
    await dlg.open();
    await dlg.drop('password-protected.xls', fixture('password-protected.xls'));
    await expect.poll(() => dlg.problem.textContent()).toContain('được bảo vệ bằng mật khẩu');
    await page.screenshot({ path: 'test-results/36-import-password.png' });
    await dlg.close();
    await close();
  });

  it('a cell that cannot be read is imported blank and marked red', async () => {
    const { wb, dlg, page, close } = await emptyWorkbook();
    await dlg.open();
    await dlg.pick('amounts-as-written.csv', fixture('amounts-as-written.csv'));
    await dlg.summary.waitFor();
    const problems = dlg.dialog.getByTestId('import-problem');
    await expect.poll(() => problems.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('không rõ')]));
    expect(await dlg.importButton.textContent()).toContain('Nhập (đánh dấu ô lỗi)');
    // The file names no source and no capital type: the dialog says so with the plan it concerns,
    // and asks; the user names them for the whole file and the sentences go.
    await expect.poll(() => problems.allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/Tệp không ghi nguồn vốn .* kế hoạch 11\.863,9 triệu đồng/)]));
    await page.screenshot({ path: 'test-results/33-import-problems.png' });
    await dlg.unsaid('source').selectOption('central');
    await expect.poll(() => problems.allTextContents()).not.toEqual(expect.arrayContaining([expect.stringContaining('Tệp không ghi nguồn vốn')]));
    await dlg.unsaid('capital').selectOption('recurrent');
    await expect.poll(() => problems.allTextContents()).not.toEqual(expect.arrayContaining([expect.stringContaining('Tệp không ghi loại vốn')]));
    await dlg.importButton.click();
    await dlg.dialog.waitFor({ state: 'hidden' });
    await wb.expectText('DA7.TDA2', 'plan', '278');
    // The line under DA7.TDA2 holds the unread disbursed cell ("không rõ"): blank (0) and marked.
    await wb.select('DA7.TDA2', 'disbursed');
    await page.keyboard.press('ArrowDown');
    const marked = page.locator('.ht_master td.htInvalid');
    await expect.poll(() => marked.count()).toBe(1);
    expect(await marked.textContent()).toBe('0');
    await page.screenshot({ path: 'test-results/34-import-marked-cell.png' });
    // A value typed into it clears the mark.
    await page.keyboard.type('12');
    await page.keyboard.press('Enter');
    await expect.poll(() => marked.count()).toBe(0);
    await close();
  });

  it('an .xlsx with formulas: one over other lines becomes the line’s formula and follows them; one over another sheet keeps its value, and the dialog names the cell, the formula and the value', async () => {
    const { page, wb, dlg, close } = await emptyWorkbook();
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('Biểu 01');
    ws.addRow(['BIỂU KẾ HOẠCH VỐN CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG NĂM 2023']);
    ws.addRow(['ĐVT: triệu đồng']);
    ws.addRow(['STT', 'Nội dung', 'Đơn vị thực hiện', 'Kế hoạch vốn năm 2023', 'Giải ngân', 'Ghi chú']);
    ws.addRow(['I', 'Dự án 3: Hỗ trợ phát triển sản xuất, cải thiện dinh dưỡng', '', { formula: 'SUM(D5:D6)', result: 2964 }, { formula: 'SUM(E5:E6)', result: 275 }]);
    ws.addRow(['1', 'Tiểu dự án 1: Hỗ trợ phát triển sản xuất', 'Phòng NN', 2398, 153, 'Sản xuất']);
    ws.addRow([
      '2',
      'Tiểu dự án 2: Cải thiện dinh dưỡng',
      'Trung tâm Y tế huyện',
      { formula: 'ROUND(D5*0.236,0)', result: 566 },
      { formula: "'Khác'!A1", result: 122 },
      'Dinh dưỡng',
    ]);
    book.addWorksheet('Khác').getCell('A1').value = 122;
    const bytes = new Uint8Array(await book.xlsx.writeBuffer());

    await dlg.open();
    await dlg.drop('cong-thuc.xlsx', bytes);
    await dlg.summary.waitFor();
    const problems = dlg.dialog.getByTestId('import-problem');
    await expect
      .poll(() => problems.allTextContents())
      .toEqual(expect.arrayContaining([expect.stringMatching(/Ô E6 có công thức ='Khác'!A1 đọc ô của trang khác .*giữ giá trị 122 triệu đồng/)]));
    await expect.poll(() => problems.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('1 ô công thức được giữ thành công thức')]));
    // The preview marks the cell whose formula the line keeps.
    expect(await dlg.preview.locator('td.formula').count()).toBe(1);
    await page.screenshot({ path: 'test-results/35-import-formulas.png' });

    await dlg.importButton.click();
    await dlg.dialog.waitFor({ state: 'hidden' });
    await wb.expectText('Dinh dưỡng', 'plan', '566');
    await expect.poll(async () => (await wb.cell('Dinh dưỡng', 'plan').getAttribute('class')) ?? '').toContain('pb-formula');
    expect(await wb.cell('Dinh dưỡng', 'disbursed').getAttribute('class')).not.toContain('pb-formula');
    // The formula reads the line row 5 became: it follows it.
    await wb.type('Sản xuất', 'plan', '3.000');
    await wb.expectText('Dinh dưỡng', 'plan', '708');
    await close();
  });

  it('a province sheet in đồng with a three-row header: districts under two projects are lines of each project, disbursed NSTW joins its planned line, NSĐP takes the rest', async () => {
    const { page, wb, dlg, close } = await emptyWorkbook('?debug');
    await dlg.open();
    await dlg.drop('bieu-02-tinh.xlsx', await provinceSheet());
    await dlg.summary.waitFor();
    expect(await dlg.meaningOf('Kế hoạch vốn năm 2023 / NSTW / ĐTPT').inputValue()).toBe('plan');
    expect(await dlg.meaningOf('Giải ngân đến 30/9/2023 / Trong đó NSTW').inputValue()).toBe('disbursed');
    await page.screenshot({ path: 'test-results/38-import-province-preview.png' });
    await dlg.importButton.click();
    await dlg.dialog.waitFor({ state: 'hidden' });
    await wb.expectText(TOTAL, 'plan', '8.650');
    await wb.expectText('DA1', 'plan', '8.000');
    // NSTW as "Trong đó NSTW" says, NSĐP the rest of each district's disbursed total.
    await wb.expectText('DA1', 'disbursed', '3.000');
    await wb.expectText(TOTAL, 'disbursed', '3.050');
    await wb.expectText('DA1', 'statedPlan', '8.000');
    await wb.expectText('DA2', 'plan', '250');
    await wb.expectText('DA3.TDA1', 'plan', '300');
    // The closing "Cộng" is the table's total, not the last project's.
    await wb.expectText(TOTAL, 'statedPlan', '8.650');
    await wb.expectText('DA3', 'statedPlan', '400');
    await wb.waitSaved();
    await page.screenshot({ path: 'test-results/39-import-province-done.png' });
    // Each district is a line of its project, labelled with it (no new items); its NSTW line
    // carries its own disbursement; NSĐP of an investment project is investment.
    const lines = await page.evaluate(() =>
      (
        globalThis as unknown as {
          planbench: { app: { session: { lines: { label: string; unit: string; source: string; capital: string; plan: number; disbursed: number }[] } } };
        }
      ).planbench.app.session.lines
        .filter((l) => l.unit.startsWith('UBND huyện Bình Gia'))
        .map((l) => [l.label, l.source, l.capital, l.plan, l.disbursed]),
    );
    expect(lines).toEqual([
      ['Huyện Bình Gia', 'central', 'investment', 4_700_000_000, 1_900_000_000],
      ['Huyện Bình Gia', 'local', 'investment', 300_000_000, 100_000_000],
    ]);
    expect(await wb.row('DA1.1').count()).toBe(0);
    await close();
  });

  it('a year-end estimate ("Ước giải ngân đến 31/12") becomes each line’s expected rate; a breakdown row is a line of its project', async () => {
    const { page, wb, dlg, close } = await emptyWorkbook('?debug');
    await dlg.open();
    const csv = [
      'BÁO CÁO ƯỚC THỰC HIỆN NĂM 2023',
      'ĐVT: triệu đồng',
      'STT;Nội dung;Kế hoạch vốn năm 2023;Giải ngân đến 30/9/2023;Ước giải ngân đến 31/12/2023',
      'I;Dự án 2: Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo;450;100;400',
      'II;Dự án 4: Phát triển giáo dục nghề nghiệp, việc làm bền vững;200;50;180',
      ';Trong đó:;;;',
      ';- Vốn đầu tư phát triển;120;30;100',
      ';- Vốn sự nghiệp;80;20;80',
    ].join('\n');
    await dlg.drop('uoc-thuc-hien.csv', new TextEncoder().encode(csv));
    await dlg.summary.waitFor();
    expect(await dlg.meaningOf('Ước giải ngân đến 31/12/2023').inputValue()).toBe('expectedAmount');
    await page.screenshot({ path: 'test-results/43-import-estimate-preview.png' });
    await dlg.importButton.click();
    await dlg.dialog.waitFor({ state: 'hidden' });
    await wb.expectText('DA2', 'plan', '450');
    await wb.expectText('DA4', 'plan', '200');
    await wb.expectText('DA4', 'statedPlan', '200');
    // 400 of 450 → 88,89 %; DA4's lines by capital type, each with its own share.
    const lines = await page.evaluate(() =>
      (
        globalThis as unknown as { planbench: { app: { session: { lines: { capital: string; plan: number; expectedRate: number | null }[] } } } }
      ).planbench.app.session.lines.map((l) => [l.capital, l.plan, l.expectedRate]),
    );
    expect(lines).toEqual([
      ['recurrent', 450_000_000, 88.89],
      ['investment', 120_000_000, 83.33],
      ['recurrent', 80_000_000, 100],
    ]);
    await wb.waitSaved();
    await page.screenshot({ path: 'test-results/44-import-estimate-done.png' });
    await close();
  });

  it('a sheet laid out district by district: each project’s lines in its district, works under a commune as lines', async () => {
    const { page, wb, dlg, close } = await emptyWorkbook('?debug');
    await dlg.open();
    const csv = [
      'PHÂN BỔ VỐN THEO HUYỆN NĂM 2023',
      'ĐVT: triệu đồng',
      'STT;Nội dung;Kế hoạch vốn',
      ';Tổng cộng;1.000',
      'I;Huyện Bình Gia;600',
      '1;Dự án 1: Hỗ trợ đầu tư phát triển hạ tầng;400',
      '2;Dự án 2: Đa dạng hóa sinh kế;200',
      'II;Huyện Văn Quan;400',
      '1;Dự án 1: Hỗ trợ đầu tư phát triển hạ tầng;400',
      'a;Xã Tri Lễ;250',
      '-;Đường giao thông thôn Nà Pàn;250',
      'b;Xã Hữu Lễ;150',
    ].join('\n');
    await dlg.drop('phan-bo-theo-huyen.csv', new TextEncoder().encode(csv));
    await dlg.summary.waitFor();
    // Only "1.000" could be either format: read as vi-VN because only then does the file's own total
    // add up (1.000 = 600 + 400), and the dialog says so instead of asking.
    expect(await dlg.dialog.getByRole('radio', { name: /\(vi-VN\)/ }).count()).toBe(0);
    expect(await dlg.dialog.getByTestId('import-problem').allTextContents()).toContainEqual(
      expect.stringContaining('vì chỉ khi đọc như vậy các dòng tổng của chính tệp mới khớp'),
    );
    await page.screenshot({ path: 'test-results/45-import-district-sections-preview.png' });
    await dlg.importButton.click();
    await dlg.dialog.waitFor({ state: 'hidden' });
    await wb.expectText(TOTAL, 'plan', '1.000');
    await wb.expectText('DA1', 'plan', '800');
    await wb.expectText('DA2', 'plan', '200');
    await wb.expectText(TOTAL, 'statedPlan', '1.000');
    const labels = await page.evaluate(() =>
      (globalThis as unknown as { planbench: { app: { session: { lines: { label: string; plan: number }[] } } } }).planbench.app.session.lines.map((l) => [l.label, l.plan]),
    );
    expect(labels).toEqual([
      ['Huyện Bình Gia', 400_000_000],
      ['Đường giao thông thôn Nà Pàn (Xã Tri Lễ) (Huyện Văn Quan)', 250_000_000],
      ['Xã Hữu Lễ (Huyện Văn Quan)', 150_000_000],
      ['Huyện Bình Gia', 200_000_000],
    ]);
    await wb.waitSaved();
    await page.screenshot({ path: 'test-results/46-import-district-sections-done.png' });
    await close();
  });

  it('an allocation annex with the projects across and a district on each row: a line per district and project', async () => {
    const { page, wb, dlg, close } = await emptyWorkbook();
    await dlg.open();
    await dlg.drop('phu-luc-02.xlsx', await allocationAnnexXlsx());
    await dlg.summary.waitFor();
    expect(await dlg.meaningOf('Dự án 3 / Tiểu dự án 1').inputValue()).toBe('plan');
    expect(await dlg.mapping.getByRole('row', { name: /Dự án 3 \/ Tiểu dự án 1/ }).textContent()).toContain('DA3.TDA1');
    expect(await dlg.meaningOf('Dự án 3 / Tổng số').inputValue()).toBe('statedPlan');
    await page.screenshot({ path: 'test-results/40-import-across-preview.png' });
    await dlg.importButton.click();
    await dlg.dialog.waitFor({ state: 'hidden' });
    await wb.expectText(TOTAL, 'plan', '1.700');
    await wb.expectText('DA1', 'plan', '1.000');
    await wb.expectText('DA3', 'plan', '500');
    await wb.expectText('DA3.TDA1', 'plan', '300');
    await wb.expectText('DA4', 'plan', '200');
    await wb.expectText('DA3', 'statedPlan', '500');
    await wb.expectText(TOTAL, 'statedPlan', '1.700');
    await wb.waitSaved();
    await page.screenshot({ path: 'test-results/41-import-across-done.png' });
    await close();
  });

  it('a province annex with group rows ("I. Cấp tỉnh", "II. Cấp huyện"): every group checked against the file before "Nhập", the grid’s total is the file’s', async () => {
    const { page, wb, dlg, close } = await emptyWorkbook();
    const name = 'b14-qd-ha-giang-2024-cap-tinh-cap-huyen-libreoffice.xlsx';
    const bytes = new Uint8Array(readFileSync(new URL(`../fixtures/corpus/${name}`, import.meta.url)));
    await dlg.open();
    await dlg.drop(name, bytes);
    await dlg.summary.waitFor();
    // Before anything is written: the table's total, both levels and the offices and districts with
    // a total column of their own, each beside what its lines add up to, all ✓.
    await expect.poll(() => dlg.reconcileVerdict.textContent()).toContain('✓ Cả');
    const rows = await dlg.reconcileRows.allTextContents();
    expect(rows.some((r) => r.includes('TỔNG SỐ') && r.includes('233.849,851'))).toBe(true);
    expect(rows.some((r) => r.includes('Cấp tỉnh') && r.includes('11.226,669'))).toBe(true);
    expect(rows.some((r) => r.includes('Cấp huyện') && r.includes('222.623,182'))).toBe(true);
    await dlg.reconcile.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/47-import-reconcile-groups.png' });
    expect(rows.filter((r) => !r.includes('✓') || r.includes('≠'))).toEqual([]);

    await dlg.importButton.click();
    await dlg.dialog.waitFor({ state: 'hidden' });
    // The grid's program total is the file's "TỔNG SỐ": no group row added on top of its rows.
    await wb.expectText(TOTAL, 'plan', '233.849,851');
    await wb.expectText('DA2', 'plan', '52.968,512');
    await page.screenshot({ path: 'test-results/48-import-reconciled-grid.png' });
    await close();
  });

  it('a broken file says why and changes nothing', async () => {
    const { wb, dlg, page, close } = await emptyWorkbook();
    const before = await wb.text(TOTAL, 'plan');
    await dlg.open();
    await dlg.pick('truncated.xlsx', fixture('truncated.xlsx'));
    await expect.poll(() => dlg.problem.textContent()).toContain('Tệp "truncated.xlsx" bị hỏng hoặc chưa tải về hết');
    expect(await dlg.importButton.isDisabled()).toBe(true);
    await page.screenshot({ path: 'test-results/35-import-broken.png' });
    await dlg.close();
    expect(await wb.text(TOTAL, 'plan')).toBe(before);
    expect(await page.getByRole('button', { name: /Hoàn tác/ }).isDisabled()).toBe(true);
    await close();
  });

  it('a long read shows its progress in the worker and can be stopped, changing nothing', async () => {
    const { wb, dlg, page, close } = await emptyWorkbook();
    const rows = ['ĐVT: đồng', 'Mã;Nội dung;Kế hoạch vốn;Giải ngân'];
    for (let i = 0; i < 400_000; i++) rows.push(`DA${2 + (i % 6)};Hoạt động số ${i} tại xã Lộc Yên;${formatAmount(1_000_000 + i * 1000, 'dong', 'vi')};0`);
    await dlg.open();
    await dlg.pick('lon.csv', new TextEncoder().encode(rows.join('\r\n')));
    await dlg.progress.waitFor();
    await expect.poll(() => dlg.progress.getAttribute('value'), { timeout: 20_000 }).not.toBe('0');
    await page.screenshot({ path: 'test-results/36-import-reading.png' });
    await dlg.dialog.getByRole('button', { name: 'Huỷ đọc tệp' }).click();
    await expect.poll(() => dlg.problem.textContent()).toContain('Đã huỷ việc nhập tệp; sổ kế hoạch không thay đổi.');
    // How long the page's frames get while a file is read is measured by tests/bench/import.bench-run.ts.
    await dlg.close();
    expect(await wb.text(TOTAL, 'plan')).toBe('0');
    await close();
  });

  it('consolidates district files into a province workbook: a backup and a sheet as two districts, a repeated file reported', async () => {
    const { wb, dlg, page, close } = await emptyWorkbook();
    const backup = new Uint8Array(readFileSync(new URL('../fixtures/cao-loc-2023.backup.json', import.meta.url)));
    const sheet = await expectedTotals('cao-loc-2023.xlsx');
    const consolidate = () => dlg.dialog.getByLabel('Hợp nhất vào sổ tỉnh: nhập như số liệu của một huyện');

    await dlg.open();
    await consolidate().check();
    await dlg.drop('cao-loc-2023.backup.json', backup);
    await expect.poll(() => dlg.dialog.getByLabel('Tên huyện').inputValue()).toBe('Huyện Cao Lộc');
    await dlg.importButton.click();
    await dlg.dialog.waitFor({ state: 'hidden' });

    await dlg.open();
    await consolidate().check();
    await dlg.dialog.getByLabel('Tên huyện').fill('Huyện Văn Lãng');
    await dlg.pick('van-lang.xlsx', fixture('cao-loc-2023.xlsx'));
    await dlg.summary.waitFor();
    await dlg.importButton.click();
    await dlg.dialog.waitFor({ state: 'hidden' });
    await wb.expectText(TOTAL, 'plan', trieu(13_819_000_000 + sheet.plan));

    // The same district's file again: its lines are listed, and kept unless the user says otherwise.
    await dlg.open();
    await consolidate().check();
    await dlg.dialog.getByLabel('Tên huyện').fill('Huyện Văn Lãng');
    const byDistrict = dlg.dialog.getByRole('table', { name: 'Tổng hợp theo huyện (sổ đang mở)' });
    await expect
      .poll(() => byDistrict.locator('tbody tr').allInnerTexts())
      .toEqual([
        expect.stringMatching(/^Huyện Cao Lộc\t8\t13\.819\t/),
        expect.stringMatching(new RegExp(`^Huyện Văn Lãng\\t${sheet.lines}\\t${trieu(sheet.plan).replace('.', '\\.')}\\t`)),
      ]);
    await dlg.pick('van-lang-lan-2.xlsx', fixture('cao-loc-2023.xlsx'));
    await dlg.summary.waitFor();
    await dlg.importButton.click();
    const dups = dlg.dialog.getByTestId('import-duplicates');
    await expect.poll(() => dups.textContent()).toContain(`${sheet.lines} dòng của tệp trùng với dòng huyện này đã có`);
    await page.screenshot({ path: 'test-results/37-import-consolidate-duplicates.png' });
    await dlg.importButton.click();
    await dlg.dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => wb.notice.textContent()).toContain(`${sheet.lines} dòng đã có được giữ nguyên`);
    await wb.expectText(TOTAL, 'plan', trieu(13_819_000_000 + sheet.plan));
    await close();
  });
});

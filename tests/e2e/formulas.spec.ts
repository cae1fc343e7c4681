// Formulas as a planner types them: a line that is 10 % of an item follows it through edits, sorts
// and undo; the editor shows the formula, the cell its value and a corner mark; a cycle is refused
// in words; a column formula fills every line; the .xlsx export carries the formula.
import { describe, expect, inject, it } from 'vitest';
import ExcelJS from 'exceljs';
import { useBrowser } from './browser';
import { download, freshWorkbench } from './pages/workbench';

const baseUrl = inject('baseUrl');
const TOTAL = 'Tổng cộng chương trình';
const DA3_TDA1_LINE = 'Khoảng 474 hộ (2022–2023); giải ngân từ nguồn 2022 chuyển sang';
const DA4_LINE = '04 lớp, 140 người';
const browser = useBrowser();

describe('formulas in the grid', () => {
  it('a line typed =DA3.TDA1*10% follows DA3.TDA1, shows its formula, survives a sort and exports as a formula', async () => {
    const { ctx, page, wb } = await freshWorkbench(browser(), baseUrl, '?debug');
    await wb.type(DA4_LINE, 'plan', '=DA3.TDA1*10%');
    await wb.expectText(DA4_LINE, 'plan', '239,8');
    await wb.expectText(TOTAL, 'plan', '11.910,8');
    const cell = wb.cell(DA4_LINE, 'plan');
    await expect.poll(async () => (await cell.getAttribute('class')) ?? '').toContain('pb-formula');
    expect(await cell.getAttribute('title')).toContain('Công thức: =DA3.TDA1*10%');
    // F2 opens the editor on the formula, not on its value.
    await wb.select(DA4_LINE, 'plan');
    await page.keyboard.press('F2');
    const editor = page.locator('textarea.handsontableInput');
    await expect.poll(() => editor.inputValue()).toBe('=DA3.TDA1*10%');
    await page.keyboard.press('Escape');
    // The line follows DA3.TDA1.
    await wb.type(DA3_TDA1_LINE, 'plan', '3.000');
    await wb.expectText(DA4_LINE, 'plan', '300');
    await wb.screenshot('70-formula-follows');
    // Sorted by plan, the formula still reads the same line.
    await page.getByTestId('sort-key').selectOption('plan');
    await page.getByTestId('sort-dir').selectOption('-1');
    await wb.type(DA3_TDA1_LINE, 'plan', '2.000');
    await wb.expectText(DA4_LINE, 'plan', '200');
    // One undo takes back the edit and what followed from it.
    await page.keyboard.press('Control+z');
    await wb.expectText(DA3_TDA1_LINE, 'plan', '3.000');
    await wb.expectText(DA4_LINE, 'plan', '300');
    await wb.waitSaved();
    const xlsx = await download(page, () => page.getByTestId('export-xlsx').click());
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(new Uint8Array(xlsx.bytes).buffer);
    const sheet = book.worksheets[0];
    let formula = '';
    sheet.eachRow((row) => {
      if (row.getCell(2).value === DA4_LINE) formula = String(row.getCell(7).formula ?? '');
    });
    expect(formula).toMatch(/^ROUND\(G\d+\*10%,6\)$/);
    await ctx.close();
  });

  it('deleting the line a formula reads says so at once, with the value the cell keeps; undo brings it back', async () => {
    const { ctx, page, wb } = await freshWorkbench(browser(), baseUrl, '?debug');
    const DA7_TDA2_LINE = 'Tập huấn 217 người; giám sát 10 xã';
    await wb.type(DA4_LINE, 'plan', '=[Tập huấn 217 người; giám sát 10 xã]*2');
    await wb.expectText(DA4_LINE, 'plan', '556');
    await wb.select(DA7_TDA2_LINE, 'plan');
    await page.getByRole('button', { name: /Xoá dòng/ }).click();
    await expect.poll(() => wb.notice.textContent()).toContain('1 ô công thức không tính được nữa');
    expect(await wb.notice.textContent()).toContain('04 lớp, 140 người (Kế hoạch) #REF! = 556');
    await wb.expectText(DA4_LINE, 'plan', '#REF!');
    await wb.screenshot('74-formula-ref-deleted');
    await page.getByRole('button', { name: /Hoàn tác/ }).click();
    await wb.expectText(DA4_LINE, 'plan', '556');
    await ctx.close();
  });

  it('refuses a formula that reads its own item, naming the cycle, and keeps the value', async () => {
    const { ctx, wb } = await freshWorkbench(browser(), baseUrl, '?debug');
    await wb.type(DA4_LINE, 'plan', '=DA4*2');
    await expect.poll(() => wb.notice.textContent()).toContain('vòng tham chiếu');
    await wb.expectText(DA4_LINE, 'plan', '2.148');
    await wb.screenshot('71-formula-cycle');
    await ctx.close();
  });

  it('a column formula from the menu fills the expected rate of an item’s lines, a value typed over one is kept and marked', async () => {
    const { ctx, page, wb } = await freshWorkbench(browser(), baseUrl, '?debug');
    const DA7_TDA1_LINE = '06 lớp, khoảng 1.268 cộng tác viên';
    const DA7_TDA2_LINE = 'Tập huấn 217 người; giám sát 10 xã';
    await wb.select('DA7', 'expected');
    const box = (await wb.cell('DA7', 'expected').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2, { button: 'right' });
    await page.getByText('Công thức cho cả cột…').click();
    const dialog = page.getByTestId('column-formula-dialog');
    await expect.poll(() => dialog.getByRole('heading').textContent()).toContain('các dòng thuộc DA7');
    await dialog.getByTestId('column-formula-text').fill('=MIN(100%; [@Đã giải ngân]/[@Kế hoạch] + 20%)');
    await wb.screenshot('72-column-formula-dialog');
    await dialog.getByTestId('column-formula-save').click();
    // 320 / 520 + 20 % = 81,54 %; 122 / 278 + 20 % = 63,88 %; a line outside DA7 keeps its rate.
    await wb.expectText(DA7_TDA1_LINE, 'expected', '81,54 %');
    await wb.expectText(DA7_TDA2_LINE, 'expected', '63,88 %');
    await wb.expectText(DA4_LINE, 'expected', '17,00 %');
    await expect.poll(() => wb.notice.textContent()).toContain('Đã đặt công thức cho 2 ô');
    await wb.type(DA7_TDA1_LINE, 'expected', '50');
    await wb.expectText(DA7_TDA1_LINE, 'expected', '50,00 %');
    await expect.poll(async () => (await wb.cell(DA7_TDA1_LINE, 'expected').getAttribute('class')) ?? '').toContain('pb-typed-over');
    await wb.type(DA7_TDA2_LINE, 'disbursed', '200');
    await wb.expectText(DA7_TDA2_LINE, 'expected', '91,94 %');
    await wb.expectText(DA7_TDA1_LINE, 'expected', '50,00 %');
    await wb.screenshot('73-column-formula');
    await ctx.close();
  });

  it('a column formula that would read itself on a line it reaches is refused in the dialog, the cycle named, and nothing of it kept', async () => {
    const { ctx, page, wb } = await freshWorkbench(browser(), baseUrl, '?debug');
    const DA7_TDA2_LINE = 'Tập huấn 217 người; giám sát 10 xã';
    // This line's disbursed amount reads its own expected rate…
    await wb.type(DA7_TDA2_LINE, 'disbursed', '=[@Dự kiến]*[@Kế hoạch]');
    const rate = await wb.cell(DA7_TDA2_LINE, 'expected').textContent();
    await wb.select('DA7', 'expected');
    const box = (await wb.cell('DA7', 'expected').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2, { button: 'right' });
    await page.getByText('Công thức cho cả cột…').click();
    const dialog = page.getByTestId('column-formula-dialog');
    // …so an expected rate read from the disbursed amount goes round on that line.
    await dialog.getByTestId('column-formula-text').fill('=[@Đã giải ngân]/[@Kế hoạch]');
    await dialog.getByTestId('column-formula-save').click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('vòng tham chiếu');
    expect(await dialog.getByRole('alert').textContent()).toContain(DA7_TDA2_LINE);
    await wb.screenshot('74-column-formula-cycle');
    await dialog.getByRole('button', { name: 'Huỷ' }).click();
    await wb.expectText(DA7_TDA2_LINE, 'expected', rate!);
    // One undo takes back the typed formula: the refused one left no step.
    await wb.select(DA7_TDA2_LINE, 'disbursed');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.evaluate(() => (globalThis as any).planbench.app.session.canUndo)).toBe(false);
    await ctx.close();
  });
});

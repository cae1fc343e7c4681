// The first working version as a user meets it: the demo opens, edits land and persist, undo works,
// bad entries are refused, Excel pastes in vi-VN format land as the right numbers.
import { describe, expect, inject, it } from 'vitest';
import { launchPersistent, tempProfile, useBrowser } from './browser';
import { freshWorkbench, Workbench } from './pages/workbench';

const baseUrl = inject('baseUrl');
const TOTAL = 'Tổng cộng chương trình';
const DA7_TDA2_LINE = 'Tập huấn 217 người; giám sát 10 xã';

const browser = useBrowser();

const freshPage = () => freshWorkbench(browser(), baseUrl);

describe('first start', () => {
  it('opens the Cao Lộc 2023 demo with 13.819 computed beside the stated 13.392', async () => {
    const { ctx, page, wb } = await freshPage();
    await expect.poll(() => page.getByTestId('workbook-name').textContent()).toBe('Cao Lộc 2023');
    expect(await wb.text(TOTAL, 'plan')).toBe('13.819');
    expect(await wb.text(TOTAL, 'statedPlan')).toBe('13.392');
    expect(await wb.text(TOTAL, 'delta')).toBe('+427');
    expect(await wb.text('DA3.TDA2', 'plan')).toBe('566');
    expect(await wb.text('DA3.TDA2', 'disbursed')).toBe('77,04');
    expect(await wb.text('DA3', 'plan')).toBe('2.964');
    expect(await wb.text(TOTAL, 'disbursed')).toBe('3.709,04');
    // The stated figures panel shows the report's totals against the computed ones.
    const planRow = page.locator('tr[data-measure="plan"][data-year="2023"]');
    await expect.poll(() => planRow.textContent()).toContain('13.392');
    expect(await planRow.textContent()).toContain('13.819');
    expect(await planRow.textContent()).toContain('+427');
    const rateRow = page.locator('tr[data-measure="rate"][data-year="2023"]');
    expect(await rateRow.textContent()).toContain('23,66 %');
    await wb.screenshot('01-demo-first-start');
    await ctx.close();
  });

  it('recalculates in a web worker', async () => {
    const ctx = await browser().newContext();
    const page = await ctx.newPage();
    const wb = new Workbench(page);
    await wb.open(baseUrl, '?debug');
    const mode = await page.evaluate(() => (globalThis as unknown as { planbench: { recalcMode(): string } }).planbench.recalcMode());
    expect(mode).toBe('worker');
    await ctx.close();
  });
});

describe('editing', () => {
  it('an edit of DA7.TDA2 changes DA7 and the total, undo and redo work, and reload keeps the result', async () => {
    const { ctx, page, wb } = await freshPage();
    await wb.type(DA7_TDA2_LINE, 'plan', '300');
    await wb.expectText(DA7_TDA2_LINE, 'plan', '300');
    await wb.expectText('DA7', 'plan', '820');
    await wb.expectText(TOTAL, 'plan', '13.841');
    await wb.expectText(TOTAL, 'delta', '+449');
    await wb.waitSaved();
    await wb.screenshot('02-after-edit');

    await page.reload();
    await wb.waitReady();
    expect(await wb.text(DA7_TDA2_LINE, 'plan')).toBe('300');
    expect(await wb.text(TOTAL, 'plan')).toBe('13.841');

    await wb.type(DA7_TDA2_LINE, 'plan', '250');
    await wb.expectText(TOTAL, 'plan', '13.791');
    await page.keyboard.press('Control+z');
    await wb.expectText(DA7_TDA2_LINE, 'plan', '300');
    await wb.expectText('DA7', 'plan', '820');
    await wb.expectText(TOTAL, 'plan', '13.841');
    await page.keyboard.press('Control+y');
    await wb.expectText(TOTAL, 'plan', '13.791');
    await page.keyboard.press('Control+z');
    await wb.expectText(TOTAL, 'plan', '13.841');
    await wb.waitSaved();
    await page.reload();
    await wb.waitReady();
    expect(await wb.text(DA7_TDA2_LINE, 'plan')).toBe('300');
    await ctx.close();
  });

  it('typing 77,04 in triệu stores 77 040 000 đồng; amounts with their own unit are understood', async () => {
    const { ctx, page, wb } = await freshPage();
    await wb.type(DA7_TDA2_LINE, 'disbursed', '77,04');
    await wb.expectText(DA7_TDA2_LINE, 'disbursed', '77,04');
    await page.getByLabel(/Đơn vị/).selectOption('dong');
    await wb.expectText(DA7_TDA2_LINE, 'disbursed', '77.040.000');
    await page.getByLabel(/Đơn vị/).selectOption('trieu');
    await wb.type(DA7_TDA2_LINE, 'disbursed', '4,329 tỷ');
    await wb.expectText(DA7_TDA2_LINE, 'disbursed', '4.329');
    await wb.type(DA7_TDA2_LINE, 'disbursed', '1.338.216.000đ');
    await wb.expectText(DA7_TDA2_LINE, 'disbursed', '1.338,216');
    await page.getByLabel(/Đơn vị/).selectOption('dong');
    await wb.expectText(DA7_TDA2_LINE, 'disbursed', '1.338.216.000');
    await wb.expectText(TOTAL, 'plan', '13.819.000.000');
    await ctx.close();
  });

  it('refuses a non-number entry with a message and keeps the old value', async () => {
    const { ctx, wb } = await freshPage();
    await wb.type(DA7_TDA2_LINE, 'plan', 'abc');
    await expect.poll(() => wb.notice.textContent()).toContain('Không đọc được');
    expect(await wb.notice.textContent()).toContain('abc');
    expect(await wb.text(DA7_TDA2_LINE, 'plan')).toBe('278');
    expect(await wb.text(TOTAL, 'plan')).toBe('13.819');
    await wb.screenshot('03-refused-entry');
    await ctx.close();
  });

  it('a vi-VN paste of several cells from Excel lands as the right numbers', async () => {
    const { ctx, wb } = await freshPage();
    await wb.paste(DA7_TDA2_LINE, 'plan', '1.234,5\t89,65\r\n');
    await wb.expectText(DA7_TDA2_LINE, 'plan', '1.234,5');
    await wb.expectText(DA7_TDA2_LINE, 'disbursed', '89,65');
    await wb.expectText(TOTAL, 'plan', '14.775,5');
    await ctx.close();
  });

  it('adds and deletes a line, and undo brings the line back', async () => {
    const { ctx, page, wb } = await freshPage();
    await wb.cell('DA5', 'name').click();
    await page.getByRole('button', { name: /Thêm dòng/ }).click();
    await page.keyboard.type('Hỗ trợ 4 hộ');
    await page.keyboard.press('Enter');
    await wb.expectText('Hỗ trợ 4 hộ', 'source', 'NSTW');
    await wb.type('Hỗ trợ 4 hộ', 'plan', '200');
    await wb.expectText('DA5', 'plan', '200');
    await wb.expectText(TOTAL, 'plan', '14.019');
    await wb.cell('Hỗ trợ 4 hộ', 'plan').click();
    await page.getByRole('button', { name: /Xoá dòng/ }).click();
    await wb.expectText(TOTAL, 'plan', '13.819');
    expect(await wb.row('Hỗ trợ 4 hộ').count()).toBe(0);
    await page.getByRole('button', { name: /Hoàn tác/ }).click();
    await wb.expectText('Hỗ trợ 4 hộ', 'plan', '200');
    await wb.expectText(TOTAL, 'plan', '14.019');
    await ctx.close();
  });

  it('the fill handle copies a plan down; read-only parent rows are skipped', async () => {
    const { ctx, page, wb } = await freshPage();
    const source = '06 lớp, khoảng 1.268 cộng tác viên'; // DA7.TDA1's line, 520
    await wb.select(source, 'plan');
    const handle = page.locator('.ht_master .wtBorder.current.corner').first();
    const from = (await handle.boundingBox())!;
    const to = (await wb.cell(DA7_TDA2_LINE, 'plan').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
    await page.mouse.up();
    await wb.expectText(DA7_TDA2_LINE, 'plan', '520');
    await wb.expectText('DA7.TDA2', 'plan', '520');
    await wb.expectText(TOTAL, 'plan', '14.061');
    await page.keyboard.press('Control+z');
    await wb.expectText(TOTAL, 'plan', '13.819');
    await ctx.close();
  });

  it('collapses a project to hide its sub-projects', async () => {
    const { ctx, page, wb } = await freshPage();
    expect(await wb.row('DA7.TDA1').count()).toBe(1);
    await wb.cell('DA7', 'code').locator('.pb-toggle').click();
    await expect.poll(() => wb.row('DA7.TDA1').count()).toBe(0);
    await wb.screenshot('06-collapsed-da7');
    expect(await wb.text('DA7', 'plan')).toBe('798');
    await page.keyboard.press('Alt+Shift+ArrowRight');
    await expect.poll(() => wb.row('DA7.TDA1').count()).toBe(1);
    await ctx.close();
  });
});

describe('counterpart funds', () => {
  it('shows the local money required by the 1,73 % ratio, marks the shortfall, and follows a new ratio', async () => {
    const { ctx, page, wb } = await freshPage();
    // Shown with at most 3 decimals (the default); the exact figure is on hover.
    await wb.expectText(TOTAL, 'requiredLocal', '239,069');
    expect(await wb.cell(TOTAL, 'requiredLocal').getAttribute('class')).toContain('pb-short');
    expect(await wb.cell(TOTAL, 'requiredLocal').getAttribute('title')).toContain('239,0687');
    expect(await page.getByTestId('cp-short').textContent()).toContain('239,069');
    const recurrent = page.getByLabel('Sự nghiệp', { exact: false }).first();
    await recurrent.fill('0');
    await recurrent.press('Enter');
    await wb.expectText(TOTAL, 'requiredLocal', '');
    await expect.poll(() => page.getByTestId('cp-short').textContent()).toContain('Đủ');
    await wb.screenshot('08-counterpart');
    await ctx.close();
  });
});

describe('persistence and settings', () => {
  it('keeps edits, language and unit after closing and reopening the browser', async () => {
    const profile = tempProfile();
    let ctx = await launchPersistent(profile);
    let page = ctx.pages()[0] ?? (await ctx.newPage());
    let wb = new Workbench(page);
    await wb.open(baseUrl);
    await wb.type(DA7_TDA2_LINE, 'plan', '300');
    await wb.expectText(TOTAL, 'plan', '13.841');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await wb.waitSaved();
    await ctx.close();

    ctx = await launchPersistent(profile);
    page = ctx.pages()[0] ?? (await ctx.newPage());
    wb = new Workbench(page);
    await wb.open(baseUrl);
    expect(await wb.text('Program total', 'plan')).toBe('13.841');
    expect(await wb.text(DA7_TDA2_LINE, 'plan')).toBe('300');
    await expect.poll(() => page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).count()).toBe(1);
    await wb.screenshot('04-english-after-reopen');
    await ctx.close();
  });

  it('workbook list: create with the program tree, rename, duplicate independently, delete after confirming', async () => {
    const { ctx, page, wb } = await freshPage();
    await page.getByRole('button', { name: /Sổ kế hoạch/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Tên sổ mới').fill('Thử nghiệm 2025');
    await dialog.getByRole('button', { name: 'Tạo' }).click();
    await expect.poll(() => page.getByTestId('workbook-name').textContent()).toBe('Thử nghiệm 2025');
    await wb.waitReady();
    for (const code of ['DA1', 'DA2', 'DA3', 'DA4', 'DA5', 'DA6', 'DA7', 'DA4.TDA3']) expect(await wb.row(code).count()).toBe(1);
    expect(await wb.text(TOTAL, 'plan')).toBe('0');

    // Rename it, duplicate the demo (an independent copy with the same figures), delete the copy.
    await page.getByRole('button', { name: /Sổ kế hoạch/ }).click();
    await dialog.getByRole('button', { name: 'Đổi tên Thử nghiệm 2025' }).click();
    await dialog.getByRole('textbox', { name: 'Đổi tên' }).fill('Thử nghiệm 2025 (sửa)');
    await dialog.getByRole('button', { name: 'Đổi tên', exact: true }).click();
    await expect.poll(() => page.getByTestId('workbook-name').textContent()).toBe('Thử nghiệm 2025 (sửa)');
    await dialog.getByRole('button', { name: 'Nhân bản Cao Lộc 2023' }).click();
    await expect.poll(() => page.getByTestId('workbook-name').textContent()).toBe('Cao Lộc 2023 (bản sao)');
    await wb.expectText(TOTAL, 'plan', '13.819');
    await wb.type(DA7_TDA2_LINE, 'plan', '300');
    await wb.expectText(TOTAL, 'plan', '13.841');
    await page.getByRole('button', { name: /Sổ kế hoạch/ }).click();
    await dialog.getByRole('button', { name: 'Mở Cao Lộc 2023', exact: true }).click();
    await expect.poll(() => page.getByTestId('workbook-name').textContent()).toBe('Cao Lộc 2023');
    await wb.expectText(TOTAL, 'plan', '13.819');

    await page.getByRole('button', { name: /Sổ kế hoạch/ }).click();
    await dialog.getByRole('button', { name: 'Xoá Thử nghiệm 2025 (sửa)' }).click();
    await expect.poll(() => dialog.getByRole('alertdialog').textContent()).toContain('Thử nghiệm 2025 (sửa)');
    await dialog.getByRole('alertdialog').getByRole('button', { name: 'Xoá' }).click();
    await expect.poll(() => dialog.getByText('Thử nghiệm 2025').count()).toBe(0);
    expect(await dialog.getByText('Cao Lộc 2023 (bản sao)').count()).toBe(1);
    await ctx.close();
  });
});

describe('large plans', () => {
  it('Ctrl+↓ reaches the last line of a 50 000-line workbook', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const page = await ctx.newPage();
    const wb = new Workbench(page);
    await wb.open(baseUrl, '?debug');
    await wb.openGenerated(50_000);
    await wb.cell('DA1', 'plan').click();
    await page.keyboard.press('Control+ArrowDown');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => wb.row('Dòng 49998').count(), { timeout: 15_000 }).toBe(1);
    await wb.screenshot('05-large-last-row');
    await ctx.close();
  });
});

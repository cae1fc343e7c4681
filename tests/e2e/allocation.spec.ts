// Allocation by rule as a planner uses it: define the split, see it, apply it to the plan as one
// step, undo it.
import { describe, expect, inject, it } from 'vitest';
import { useBrowser } from './browser';
import { Workbench } from './pages/workbench';

const baseUrl = inject('baseUrl');
const browser = useBrowser();

describe('allocation by rule', () => {
  it('splits 2.398 triệu among the 22 communes with a 10 % reserve, applies it to DA3.TDA1, and undo removes it', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const page = await ctx.newPage();
    const wb = new Workbench(page);
    await wb.open(baseUrl);
    await page.getByRole('tab', { name: 'Phân bổ theo tiêu chí' }).click();
    const line = page.getByRole('combobox', { name: 'Nội dung' });
    const option = (await line.locator('option').allTextContents()).find((o) => o.startsWith('DA3.TDA1'))!;
    await line.selectOption({ label: option });
    await page.getByRole('textbox', { name: 'Tổng vốn cần chia' }).fill('2.398');
    await page.getByRole('textbox', { name: 'Hộ nghèo', exact: true }).fill('100');
    await page.getByRole('textbox', { name: 'Giữ lại cho' }).fill('Phòng LĐ-TB&XH');
    await page.locator('input[size="4"]').last().fill('10');
    const status = page.getByTestId('alloc-status');
    await expect.poll(() => status.textContent()).toContain('Giữ lại: 239');
    expect(await status.textContent()).toContain('Số được chia: 2.159');
    // The commune with the most poor households gets the most.
    const amount = (name: string) => page.locator(`tr[data-place="${name}"] td.amount`).textContent();
    expect(Number((await amount('Bình Trung'))!.replace('.', ''))).toBeGreaterThan(Number((await amount('Lộc Yên'))!.replace('.', '')));
    await page.screenshot({ path: 'test-results/09-allocation-preview.png' });

    await page.getByRole('button', { name: 'Ghi vào kế hoạch' }).click();
    await expect.poll(() => wb.notice.textContent()).toContain('Đã ghi 23 dòng');
    // The rule is saved with the workbook and listed; a new rule starts from an empty form.
    const saved = page.getByRole('combobox', { name: 'Quy tắc đã lưu' });
    await expect.poll(() => saved.locator('option').allTextContents()).toContain('Phân bổ theo tiêu chí');
    await page.getByRole('button', { name: '+ Quy tắc mới' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Tổng vốn cần chia' }).inputValue()).toBe('');
    await saved.selectOption({ label: 'Phân bổ theo tiêu chí' });
    await expect.poll(() => page.getByRole('textbox', { name: 'Tổng vốn cần chia' }).inputValue()).toBe('2.398');
    await page.getByRole('tab', { name: 'Kế hoạch vốn' }).click();
    await wb.waitReady();
    await wb.expectText('DA3.TDA1', 'plan', '4.796');
    await wb.expectText('Tổng cộng chương trình', 'plan', '16.217');
    await page.getByRole('button', { name: /Hoàn tác/ }).click();
    await wb.expectText('DA3.TDA1', 'plan', '2.398');
    await wb.expectText('Tổng cộng chương trình', 'plan', '13.819');
    await ctx.close();
  });

  it('an eligibility threshold gives nothing to communes below it, and says so', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const page = await ctx.newPage();
    await page.goto(baseUrl);
    await page.getByRole('tab', { name: 'Phân bổ theo tiêu chí' }).click();
    await page.getByRole('textbox', { name: 'Tổng vốn cần chia' }).fill('1.000');
    await page.getByRole('textbox', { name: 'Hộ nghèo', exact: true }).fill('100');
    await page.getByRole('combobox', { name: 'Chỉ nơi có' }).selectOption({ label: 'Hộ nghèo' });
    await page.getByRole('textbox', { name: 'Ngưỡng tối thiểu' }).fill('100');
    const row = (name: string) => page.locator(`tr[data-place="${name}"]`);
    await expect.poll(() => row('Lộc Yên').locator('td.bound').textContent()).toBe('không đủ điều kiện');
    expect(await row('Lộc Yên').locator('td.amount').textContent()).toBe('0');
    expect(await row('Bình Trung').locator('td.bound').textContent()).toBe('');
    // A cap on one commune binds it exactly; its money goes to the others.
    await page.getByRole('textbox', { name: 'Mức trần Bình Trung' }).fill('100');
    await page.getByRole('textbox', { name: 'Mức trần Bình Trung' }).press('Tab');
    await expect.poll(() => row('Bình Trung').locator('td.bound').textContent()).toBe('mức trần');
    expect(await row('Bình Trung').locator('td.amount').textContent()).toBe('100');
    await page.screenshot({ path: 'test-results/10-allocation-threshold-cap.png' });
    await ctx.close();
  });
});

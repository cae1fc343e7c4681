// Allocation by rule as a planner uses it: define the split, see it, apply it to the plan as one
// step, undo it; change a place's figures, see the saved rule flagged and what re-applying moves;
// scroll the split table by keyboard.
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowser } from './browser';
import { Workbench } from './pages/workbench';

const baseUrl = inject('baseUrl');
const DA3_TDA1_LINE = 'Khoảng 474 hộ (2022–2023); giải ngân từ nguồn 2022 chuyển sang';
const browser = useBrowser();

/** Opens the allocation tab and defines DA3.TDA1's 2.398 triệu by poor households (100 %). */
async function defineDa3Rule(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Phân bổ theo tiêu chí' }).click();
  const line = page.getByRole('combobox', { name: 'Nội dung' });
  const option = (await line.locator('option').allTextContents()).find((o) => o.startsWith('DA3.TDA1'))!;
  await line.selectOption({ label: option });
  await page.getByRole('textbox', { name: 'Tổng vốn cần chia' }).fill('2.398');
  await page.getByRole('textbox', { name: 'Hộ nghèo', exact: true }).fill('100');
}

describe('allocation by rule', () => {
  it('splits 2.398 triệu among the 22 communes with a 10 % reserve, applies it to DA3.TDA1, and undo removes it', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const page = await ctx.newPage();
    const wb = new Workbench(page);
    await wb.open(baseUrl);
    await defineDa3Rule(page);
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
    // DA3.TDA1 already holds the 2.398 envelope: before writing, the item's total both ways, and the
    // choice, replacing by default.
    const confirm = page.getByTestId('alloc-confirm');
    await expect.poll(() => confirm.textContent()).toContain('DA3.TDA1 đang có 2.398 ở 1 dòng');
    expect(await confirm.textContent()).toContain('tổng của mục sau khi ghi là 2.398');
    expect(await confirm.textContent()).toContain('tổng của mục sau khi ghi là 4.796');
    expect(await confirm.textContent()).toContain('số đã giải ngân (153)');
    expect(await confirm.getByRole('radio', { name: /^Thay/ }).isChecked()).toBe(true);
    await page.screenshot({ path: 'test-results/52-allocation-over-envelope.png' });
    await confirm.getByRole('button', { name: 'Ghi vào kế hoạch' }).click();
    await expect.poll(() => wb.notice.textContent()).toContain('Đã ghi 23 dòng');
    // The rule is saved with the workbook and listed; a new rule starts from an empty form.
    const saved = page.getByRole('list', { name: 'Quy tắc đã lưu' });
    await expect.poll(() => saved.getByRole('button').allTextContents()).toEqual(['Phân bổ theo tiêu chí']);
    await page.getByRole('button', { name: '+ Quy tắc mới' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Tổng vốn cần chia' }).inputValue()).toBe('');
    await saved.getByRole('button', { name: 'Phân bổ theo tiêu chí' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Tổng vốn cần chia' }).inputValue()).toBe('2.398');
    await page.getByRole('tab', { name: 'Kế hoạch vốn' }).click();
    await wb.waitReady();
    // Written in place of the envelope: DA3.TDA1 and the program stay as they were, the envelope's
    // line keeps its 153 disbursed at a plan of 0, and no commune's money is "at risk of lapse".
    await wb.expectText('DA3.TDA1', 'plan', '2.398');
    await wb.expectText(DA3_TDA1_LINE, 'plan', '0');
    await wb.expectText('Tổng cộng chương trình', 'plan', '13.819');
    await wb.screenshot('53-allocation-written-in-place');
    await page.getByRole('button', { name: /Hoàn tác/ }).click();
    await wb.expectText(DA3_TDA1_LINE, 'plan', '2.398');
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

  it('a saved rule is flagged when a place changes, shows what moved, and re-applying clears the flag', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await ctx.newPage();
    const wb = new Workbench(page);
    await wb.open(baseUrl);
    await defineDa3Rule(page);
    const row = (name: string) => page.locator(`tr[data-place="${name}"]`);
    await expect.poll(() => row('Lộc Yên').locator('td.amount').textContent()).toBe('123');
    await page.getByRole('button', { name: 'Ghi vào kế hoạch' }).click();
    await page.getByTestId('alloc-confirm').getByRole('button', { name: 'Ghi vào kế hoạch' }).click();
    const rule = page.getByRole('list', { name: 'Quy tắc đã lưu' }).getByRole('listitem').filter({ hasText: 'Phân bổ theo tiêu chí' });
    await expect.poll(() => rule.textContent()).toContain('Khớp với kế hoạch');

    // Lộc Yên's poor households go from 84 to 300 in the places sheet.
    await page.getByRole('tab', { name: 'Địa bàn & tiêu chí' }).click();
    const place = page
      .locator('.ht_master tbody tr')
      .filter({ has: page.locator('td', { hasText: /^Lộc Yên$/ }) })
      .first()
      .locator('td')
      .nth(3);
    await place.click();
    await page.keyboard.type('300');
    await page.keyboard.press('Enter');
    await expect.poll(() => place.textContent()).toBe('300');

    await page.getByRole('tab', { name: 'Phân bổ theo tiêu chí' }).click();
    await expect.poll(() => rule.textContent()).toContain('Dữ liệu đã thay đổi — cần áp dụng lại');
    await rule.getByRole('button', { name: 'Phân bổ theo tiêu chí' }).click();
    // The preview shows, per commune, what the plan holds and what re-applying moves.
    await expect.poll(() => row('Lộc Yên').locator('td.amount').textContent()).toBe('387');
    expect(await row('Lộc Yên').locator('td.current').textContent()).toBe('123');
    expect(await row('Lộc Yên').locator('td.moved').textContent()).toBe('+264');
    expect(await row('Bình Trung').locator('td.moved').textContent()).toMatch(/^-\d+$/);
    const totals = page.getByTestId('alloc-totals');
    expect(await totals.locator('td.amount').textContent()).toBe('2.398');
    expect(await totals.locator('td.current').textContent()).toBe('2.398');
    expect(await totals.locator('td.moved').textContent()).toBe('');
    expect(await page.getByTestId('alloc-status').textContent()).toMatch(/So với kế hoạch: \d+ khoản thay đổi/);
    await page.screenshot({ path: 'test-results/11-allocation-stale-rule.png' });

    await page.getByRole('button', { name: 'Ghi vào kế hoạch' }).click();
    await expect.poll(() => rule.textContent()).toContain('Khớp với kế hoạch');
    expect(await rule.textContent()).not.toContain('cần áp dụng lại');
    await expect.poll(() => row('Lộc Yên').locator('td.moved').textContent()).toBe('');
    expect(await row('Lộc Yên').locator('td.current').textContent()).toBe('387');
    expect(await page.getByTestId('alloc-status').textContent()).toContain('Kế hoạch đang khớp với quy tắc này.');

    // A place with its figure removed: the rule can no longer be split, and the list says why.
    await page.getByRole('tab', { name: 'Địa bàn & tiêu chí' }).click();
    await place.click();
    await page.keyboard.press('Delete');
    await expect.poll(() => place.textContent()).toBe('');
    await page.getByRole('tab', { name: 'Phân bổ theo tiêu chí' }).click();
    await expect.poll(() => rule.textContent()).toContain('Không chia lại được: Đơn vị "Lộc Yên" thiếu số liệu hoặc có số liệu không hợp lệ');
    expect(await rule.textContent()).toContain('"Hộ nghèo"');
    await page.screenshot({ path: 'test-results/12-allocation-rule-cannot-split.png' });
    await ctx.close();
  });

  it('the split table renders only the rows in view, keeps header and totals, and scrolls by keyboard', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 520 } });
    const page = await ctx.newPage();
    await page.goto(baseUrl);
    await defineDa3Rule(page);
    const table = page.getByRole('table', { name: 'Kết quả phân bổ theo địa bàn' });
    await expect.poll(() => table.locator('tr[data-place="Lộc Yên"] td.amount').textContent()).toBe('123');
    expect(await table.getAttribute('aria-rowcount')).toBe('24'); // header, 22 communes, totals
    const rendered = () => table.locator('tbody tr[aria-rowindex]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('aria-rowindex'))));
    const first = await rendered();
    expect(first[0]).toBe(2);
    expect(first.length).toBeLessThan(22);
    const heights = await table.locator('tbody tr[aria-rowindex]').evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().height));
    expect(new Set(heights)).toEqual(new Set([26]));

    await page.getByRole('region', { name: 'Kết quả phân bổ theo địa bàn' }).focus();
    await page.keyboard.press('End');
    // End may scroll smoothly: the last row is drawn before the scroll comes to rest, the first
    // rows are dropped once it has.
    await expect.poll(async () => (await rendered()).at(-1)).toBe(23);
    await expect.poll(async () => (await rendered())[0]).toBeGreaterThan(2);
    await expect.poll(() => table.locator('tr[aria-rowindex="23"] th').textContent()).toBe('Song Giáp');
    // The header and the totals stay in view while the rows scroll under them.
    const box = (await page.getByRole('region', { name: 'Kết quả phân bổ theo địa bàn' }).boundingBox())!;
    const header = (await table.locator('thead th').first().boundingBox())!;
    const totals = (await page.getByTestId('alloc-totals').boundingBox())!;
    expect(header.y).toBeGreaterThanOrEqual(box.y - 1);
    expect(totals.y + totals.height).toBeLessThanOrEqual(box.y + box.height + 1);
    expect(await page.getByTestId('alloc-totals').locator('td.amount').textContent()).toBe('2.398');
    await page.keyboard.press('Home');
    await expect.poll(async () => (await rendered())[0]).toBe(2);
    await page.screenshot({ path: 'test-results/13-allocation-table-keyboard.png' });
    await ctx.close();
  });
});

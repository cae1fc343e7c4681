// The disbursement tab as a planner uses it in November: projected carry-over and lapse on the demo,
// a flag on a suspicious expected rate, a changed expected rate, method and as-of date moving the
// totals and the chart, undo, confirming the carry-over and drafting next year's plan from it.
import { describe, expect, inject, it } from 'vitest';
import { useBrowser } from './browser';
import { DISBURSEMENT_COLUMNS, Workbench } from './pages/workbench';

const baseUrl = inject('baseUrl');
const browser = useBrowser();
const TOTAL = 'Tổng cộng chương trình';
const DA4_LINE = '04 lớp, 140 người';
const DA6_TDA1_LINE = 'Gồm nguồn 2022 chuyển sang; giải ngân từ nguồn 2022';
const DA7_TDA2_LINE = 'Tập huấn 217 người; giám sát 10 xã';

describe('disbursement, carry-over and lapse', () => {
  it('projects the demo, flags DA4.TDA1, follows edits of rate, method and as-of date, and drafts 2024 from the confirmed carry-over', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const page = await ctx.newPage();
    await page.goto(baseUrl + '?debug');
    await page.getByRole('tab', { name: 'Giải ngân & chuyển nguồn' }).click();
    const wb = new Workbench(page, DISBURSEMENT_COLUMNS);
    await wb.waitReady();

    // Expected rates, as-of 15/11/2023: this year's lines carry over 113,2 + 1.782,84 + 46,4 + 27,8;
    // DA6.TDA1's 2022 money left (10 % of 2.241) lapses at 31/12/2023.
    await wb.expectText(TOTAL, 'carryOver', '1.970,24');
    expect(await wb.text(TOTAL, 'lapse')).toBe('224,1');
    expect(await wb.text(DA6_TDA1_LINE, 'deadline')).toBe('31/12/2023');
    expect(await wb.text(DA7_TDA2_LINE, 'deadline')).toBe('31/12/2024');
    expect(await wb.text(DA4_LINE, 'flags')).toContain('Dự kiến = đã đạt');
    await expect.poll(() => page.getByTestId('total-lapse').textContent()).toBe('224,1');
    const curve = () => page.getByTestId('curve-chart').getAttribute('aria-label');
    await expect.poll(curve).toMatch(/\S/);
    await wb.screenshot('11-disbursement');

    // DA7.TDA2 expected 90 % → 50 %: projected 139, carry-over 139 instead of 27,8.
    await wb.type(DA7_TDA2_LINE, 'expected', '50');
    await wb.expectText(DA7_TDA2_LINE, 'projected', '139');
    await wb.expectText(TOTAL, 'carryOver', '2.081,44');

    // Linear profile at 15/11 (87,5 % of the year): the 2022 money projected to be left lapses,
    // and the total's chart follows.
    const before = await curve();
    await page.getByTestId('proj-method').selectOption('linear');
    await wb.expectText(TOTAL, 'lapse', '7.043');
    await expect.poll(curve).not.toBe(before);
    // At 31/12 nothing more is projected: everything of 2022's money not yet disbursed lapses.
    const beforeDate = await curve();
    // Dates are dd/mm/yyyy whatever the browser's language.
    expect(await page.getByTestId('workbook-asof').inputValue()).toBe('15/11/2023');
    await page.getByTestId('workbook-asof').fill('31/12/2023');
    await page.getByTestId('workbook-asof').press('Tab');
    await wb.expectText(TOTAL, 'lapse', '7.422');
    await expect.poll(curve).not.toBe(beforeDate);
    await wb.screenshot('12-disbursement-linear');
    await page
      .getByRole('button', { name: /Hoàn tác/ })
      .first()
      .click();
    await wb.expectText(TOTAL, 'lapse', '7.043');

    // Confirm the projected carry-over, then draft 2024: the carried-in money is exactly what was confirmed.
    await page.getByTestId('confirm-carry').click();
    const carry = await page.getByTestId('total-carry').textContent();
    await expect.poll(() => page.getByTestId('total-confirmed').textContent()).toBe(carry);
    await wb.waitSaved();
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('draft-next-year').click();
    await expect.poll(() => page.getByTestId('workbook-name').textContent(), { timeout: 15_000 }).toContain('2024');
    const central = page.getByTestId('available-by-source').locator('tbody tr').first().locator('td');
    await expect.poll(() => central.nth(1).textContent()).toBe(carry);
    expect(await central.nth(0).textContent()).toBe('0');
    await wb.screenshot('13-draft-2024');
    await ctx.close();
  });
});

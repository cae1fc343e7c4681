// The places-and-criteria sheet as a planner uses it: illustrative figures marked, totals that add
// up, vi-VN numbers typed, bad values refused, undo.
import { describe, expect, inject, it } from 'vitest';
import { useBrowser } from './browser';

const baseUrl = inject('baseUrl');
const browser = useBrowser();

describe('places and criteria sheet', () => {
  it('shows the 22 illustrative communes with the district totals, takes vi-VN numbers, refuses words, undoes', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const page = await ctx.newPage();
    await page.goto(baseUrl);
    await page.getByRole('tab', { name: 'Địa bàn & tiêu chí' }).click();
    await expect.poll(() => page.getByRole('note').textContent()).toContain('minh hoạ');
    const totalRow = page.locator('.ht_clone_bottom tbody tr').first();
    const cell = (row: string, col: number) =>
      page
        .locator('.ht_master tbody tr')
        .filter({ has: page.locator('td', { hasText: new RegExp(`^${row}$`) }) })
        .first()
        .locator('td')
        .nth(col);
    await expect.poll(() => totalRow.locator('td').nth(3).textContent()).toBe('1.644');
    expect(await totalRow.locator('td').nth(2).textContent()).toBe('19.820');
    expect(await totalRow.locator('td').nth(4).textContent()).toBe('2.023');

    await cell('Lộc Yên', 3).click();
    await page.keyboard.type('1.234');
    await page.keyboard.press('Enter');
    await expect.poll(() => totalRow.locator('td').nth(3).textContent()).toBe('2.794');
    expect(await cell('Lộc Yên', 3).textContent()).toBe('1.234');

    await cell('Xuân Long', 4).click();
    await page.keyboard.press('Escape');
    await page.keyboard.type('nhiều');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('Không đọc được "nhiều"');
    expect(await cell('Xuân Long', 4).textContent()).toBe('62');
    // The refused cell is marked red until it takes a value.
    await expect.poll(async () => (await cell('Xuân Long', 4).getAttribute('class')) ?? '').toContain('htInvalid');
    await page.screenshot({ path: 'test-results/07-places-sheet.png' });

    await cell('Xuân Long', 3).click();
    await page.keyboard.press('Control+z');
    await expect.poll(() => totalRow.locator('td').nth(3).textContent()).toBe('1.644');
    await ctx.close();
  });
});

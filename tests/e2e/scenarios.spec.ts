// Scenarios and versions as a planner uses them: a variant edited without touching the baseline,
// switching keeps the selected line, a frozen version refuses edits, delete and undo, everything
// survives a reload, and restoring a version as the baseline keeps the old baseline as a version.
import { describe, expect, inject, it } from 'vitest';
import { useBrowser } from './browser';
import { Workbench } from './pages/workbench';

const baseUrl = inject('baseUrl');
const browser = useBrowser();
const TOTAL = 'Tổng cộng chương trình';
const DA7_TDA2_LINE = 'Tập huấn 217 người; giám sát 10 xã';

describe('scenarios and versions', () => {
  it('variant, switch keeping the place, frozen version, delete and undo, reload, restore as baseline', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const page = await ctx.newPage();
    const wb = new Workbench(page);
    await wb.open(baseUrl);
    const answers: (string | boolean)[] = [];
    page.on('dialog', (d) => {
      const a = answers.shift();
      if (a === false) void d.dismiss();
      else void d.accept(typeof a === 'string' ? a : undefined);
    });
    const select = page.getByTestId('scenario-select');
    const options = () => select.locator('option').allTextContents();

    answers.push('Tăng DA7');
    await page.getByTestId('scenario-new').click();
    await expect.poll(async () => (await select.locator('option:checked').textContent()) ?? '').toContain('Tăng DA7');
    await wb.waitReady();
    await wb.type(DA7_TDA2_LINE, 'plan', '300');
    await wb.expectText(TOTAL, 'plan', '13.841');
    await wb.select(DA7_TDA2_LINE, 'plan');

    // The baseline is untouched, and the same line stays selected.
    await select.selectOption({ label: 'Kịch bản gốc' });
    await wb.expectText(TOTAL, 'plan', '13.819');
    await expect.poll(async () => (await wb.cell(DA7_TDA2_LINE, 'plan').getAttribute('class')) ?? '').toContain('current');
    await select.selectOption({ label: 'Tăng DA7' });
    await wb.expectText(TOTAL, 'plan', '13.841');

    // Freeze it as a version; the version refuses edits and says why.
    answers.push('gửi Sở LĐ-TB&XH 15/12');
    await page.getByTestId('scenario-version').click();
    await expect.poll(options).toEqual(expect.arrayContaining([expect.stringMatching(/^Tăng DA7 — .* \[đã khoá\]$/)]));
    const versionLabel = (await options()).find((o) => o.endsWith('[đã khoá]'))!;
    await select.selectOption({ label: versionLabel });
    await page.getByTestId('frozen-banner').waitFor();
    await wb.type(DA7_TDA2_LINE, 'plan', '999');
    await expect.poll(() => wb.notice.textContent()).toContain('Đây là phiên bản đã khoá');
    await wb.expectText(DA7_TDA2_LINE, 'plan', '300');
    await wb.screenshot('14-frozen-version');

    // Delete the variant, then undo the delete.
    await select.selectOption({ label: 'Tăng DA7' });
    await wb.waitReady();
    answers.push(true);
    await page.getByTestId('scenario-delete').click();
    await expect.poll(options).not.toContain('Tăng DA7');
    await wb.expectText(TOTAL, 'plan', '13.819');
    await page.getByTestId('scenario-undo-delete').click();
    await expect.poll(async () => (await select.locator('option:checked').textContent()) ?? '').toBe('Tăng DA7');
    await wb.expectText(TOTAL, 'plan', '13.841');

    // Everything is stored: after a reload the three scenarios are there.
    await page.reload();
    await wb.waitReady();
    await expect.poll(async () => (await options()).length).toBe(3);

    // Restore the version as the baseline: the old baseline is kept as a version.
    await select.selectOption({ label: versionLabel });
    await page.getByTestId('frozen-banner').waitFor();
    answers.push(true);
    await page.getByTestId('scenario-restore').click();
    await expect.poll(async () => (await select.locator('option:checked').textContent()) ?? '').toBe('Kịch bản gốc');
    await wb.expectText(TOTAL, 'plan', '13.841');
    await expect.poll(async () => (await options()).filter((o) => o.endsWith('[đã khoá]')).length).toBe(2);
    await wb.screenshot('15-restored-baseline');
    await ctx.close();
  });
});

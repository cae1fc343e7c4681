// Hostile text is shown as text: markup pasted into the grid or the places sheet, typed as a
// workbook, scenario or criterion name, shows as those characters and runs nothing. The page runs
// with its Content-Security-Policy switched off, so the rendering alone is what is tested: were
// any of it parsed as HTML, the alert would fire.
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowser } from './browser';
import { Workbench } from './pages/workbench';

const baseUrl = inject('baseUrl');
const browser = useBrowser();
const DA7_TDA2_LINE = 'Tập huấn 217 người; giám sát 10 xã';
const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(2)</script>';
const SVG = '<svg onload=alert(3)>';

/** Pastes into the focused grid as Excel does: plain text, and optionally the same cells as HTML. */
async function pasteClipboard(page: Page, text: string, html?: string): Promise<void> {
  await page.evaluate(
    ([t, h]) => {
      const dt = new DataTransfer();
      dt.setData('text/plain', t);
      if (h) dt.setData('text/html', h);
      (document.activeElement ?? document.body).dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    },
    [text, html ?? ''] as const,
  );
}

/** What would show that markup ran: alerts, elements it would create, a request for its image. */
async function evidence(page: Page, alerts: string[], requests: string[]) {
  return {
    alerts,
    injected: await page.evaluate(() => document.querySelectorAll('main img, main svg:not([aria-hidden]), main script, header img, dialog img, option img').length),
    imageRequests: requests.filter((u) => new URL(u).pathname === '/x'),
  };
}

describe('hostile input', () => {
  it('shows markup typed or pasted anywhere as its characters, and runs none of it', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 }, bypassCSP: true });
    const page = await ctx.newPage();
    const alerts: string[] = [];
    const requests: string[] = [];
    const answers: string[] = [];
    page.on('dialog', (d) => {
      if (d.type() === 'prompt') return void d.accept(answers.shift());
      alerts.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => requests.push(r.url()));
    const wb = new Workbench(page);
    await wb.open(baseUrl);

    // The grid: a line's description and implementing unit pasted as text…
    await wb.paste(DA7_TDA2_LINE, 'name', `${IMG}\t${SCRIPT}`);
    await wb.expectText(IMG, 'name', IMG);
    await wb.expectText(IMG, 'unit', SCRIPT);
    // …and as HTML, as a spreadsheet puts cells on the clipboard: a cell's text written as escaped
    // markup shows as those characters; real markup in it (an <img> with onerror) is read with an
    // inert parser and only its text kept.
    const html = `<table><tr><td>&lt;svg onload=alert(3)&gt;<img src="x" onerror="alert(4)"><b>!</b></td></tr></table>`;
    const fromHtml = '<svg onload=alert(3)>!';
    await wb.select(IMG, 'name');
    await pasteClipboard(page, 'ignored', html);
    await wb.expectText(fromHtml, 'name', fromHtml);
    // A refused amount is quoted in the notice as typed.
    await wb.type(fromHtml, 'plan', IMG);
    await expect.poll(() => wb.notice.textContent()).toContain(IMG);
    await wb.waitSaved();
    await wb.screenshot('hostile-01-grid');

    // The workbook's name, in the header and the workbooks dialog.
    await page.getByRole('button', { name: /Sổ kế hoạch/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Đổi tên Cao Lộc 2023' }).click();
    await dialog.getByRole('textbox', { name: 'Đổi tên' }).fill(IMG);
    await dialog.getByRole('button', { name: 'Đổi tên', exact: true }).click();
    await expect.poll(() => page.getByTestId('workbook-name').textContent()).toBe(IMG);
    expect(await dialog.locator('li strong').first().textContent()).toBe(IMG);
    await page.keyboard.press('Escape');

    // A scenario's name, in the scenario list.
    answers.push(SCRIPT);
    await page.getByTestId('scenario-new').click();
    await expect.poll(async () => (await page.getByTestId('scenario-select').locator('option:checked').textContent()) ?? '').toBe(SCRIPT);
    await wb.waitReady();

    // The places sheet: a place's name pasted, a criterion column named with markup (the grid's
    // header is the one place Handsontable writes HTML).
    await page.getByRole('tab', { name: 'Địa bàn & tiêu chí' }).click();
    // The name column is frozen: Handsontable draws it in its left overlay.
    const placeName = (name: string) => page.locator('.ht_clone_inline_start tbody td[aria-colindex="2"]').getByText(name, { exact: true });
    await placeName('Lộc Yên').click();
    await pasteClipboard(page, SVG);
    await expect.poll(() => placeName(SVG).textContent()).toBe(SVG);
    await page.getByRole('textbox', { name: 'Tiêu chí mới' }).fill(IMG);
    await page.getByRole('button', { name: 'Thêm cột' }).click();
    await expect.poll(() => page.locator('.ht_clone_top .colHeader').allTextContents()).toContain(IMG);
    await page.screenshot({ path: 'test-results/hostile-02-places.png' });

    // Everything is stored as typed and shown the same after a reload.
    await page.reload();
    await wb.waitReady();
    await expect.poll(() => page.getByTestId('workbook-name').textContent()).toBe(IMG);
    expect(await wb.text(fromHtml, 'unit')).toBe(SCRIPT);
    await page.getByRole('tab', { name: 'Địa bàn & tiêu chí' }).click();
    await expect.poll(() => page.locator('.ht_clone_top .colHeader').allTextContents()).toContain(IMG);
    await expect.poll(() => placeName(SVG).textContent()).toBe(SVG);

    expect(await evidence(page, alerts, requests)).toEqual({ alerts: [], injected: 0, imageRequests: [] });
    await ctx.close();
  });
});

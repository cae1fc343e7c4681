// Storage full: the edit stays on screen and in memory, the page says it is not saved and offers
// a backup made from what the tab holds (with the edit); once space is back, saving again stores it.
import { describe, expect, inject, it } from 'vitest';
import { useBrowser } from './browser';
import { Workbench } from './pages/workbench';

const baseUrl = inject('baseUrl');
const browser = useBrowser();
const LINE = 'Tập huấn 217 người; giám sát 10 xã';
const TOTAL = 'Tổng cộng chương trình';

describe('storage full', () => {
  it('keeps the edit, says so, offers a backup with it, and saves it once space is back', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 }, acceptDownloads: true });
    const page = await ctx.newPage();
    const wb = new Workbench(page);
    await wb.open(baseUrl);
    // The browser refuses every write as if the disk were full.
    await page.evaluate(() => {
      const w = globalThis as unknown as { __put: unknown; __add: unknown };
      w.__put = IDBObjectStore.prototype.put;
      w.__add = IDBObjectStore.prototype.add;
      const full = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
      IDBObjectStore.prototype.put = full;
      IDBObjectStore.prototype.add = full;
    });
    await wb.type(LINE, 'plan', '300');
    await wb.expectText(TOTAL, 'plan', '13.841');
    await page.getByTestId('quota-notice').waitFor();
    expect(await page.getByTestId('quota-notice').textContent()).toContain('CHƯA LƯU');
    await wb.screenshot('17-storage-full');

    // A new scenario now would close this one and lose the edit: the tab stays, and says why.
    page.once('dialog', (d) => void d.accept('Phương án mới'));
    await page.getByTestId('scenario-new').click();
    await expect.poll(() => wb.notice.textContent()).toContain('chưa lưu được vào trình duyệt (bộ nhớ đầy): chưa chuyển');
    expect(await page.getByTestId('scenario-select').locator('option').allTextContents()).toEqual(['Kịch bản gốc']);
    await wb.expectText(TOTAL, 'plan', '13.841');
    await wb.screenshot('17b-storage-full-stays');

    // Reloading or closing the tab now would lose the edit: the browser asks first; staying keeps it.
    const asked = page.waitForEvent('dialog');
    void page.evaluate(() => location.reload()).catch(() => undefined);
    const dialog = await asked;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.dismiss();
    await wb.expectText(TOTAL, 'plan', '13.841');

    // A new workbook cannot be stored either: said, and the open one stays.
    await page.getByRole('button', { name: /Sổ kế hoạch/ }).click();
    await page.getByRole('dialog').getByLabel('Tên sổ mới').fill('Không lưu được');
    await page.getByRole('dialog').getByRole('button', { name: 'Tạo' }).click();
    await expect.poll(() => wb.notice.textContent()).toContain('chưa tạo được sổ "Không lưu được"');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('workbook-name').textContent()).toBe('Cao Lộc 2023');

    const saved = page.waitForEvent('download');
    await page
      .getByTestId('quota-notice')
      .getByRole('button', { name: /Tải bản sao lưu/ })
      .click();
    const chunks: Buffer[] = [];
    for await (const chunk of await (await saved).createReadStream()) chunks.push(chunk as Buffer);
    const backup = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const lines = backup.scenarios.flatMap((s: { lines: { label: string; plan: number }[] }) => s.lines);
    expect(lines.find((l: { label: string }) => l.label === LINE).plan).toBe(300_000_000);

    // Space is back: saving again stores the edit.
    await page.evaluate(() => {
      const w = globalThis as unknown as { __put: typeof IDBObjectStore.prototype.put; __add: typeof IDBObjectStore.prototype.add };
      IDBObjectStore.prototype.put = w.__put;
      IDBObjectStore.prototype.add = w.__add;
    });
    await page.getByTestId('quota-retry').click();
    await wb.waitSaved();
    expect(await page.getByTestId('quota-notice').count()).toBe(0);
    await page.reload();
    await wb.waitReady();
    await wb.expectText(TOTAL, 'plan', '13.841');
    await ctx.close();
  });
});

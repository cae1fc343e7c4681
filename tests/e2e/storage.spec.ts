// This browser's storage as the workbooks dialog shows it: persistent or not, space used, and a
// backup reminder once the last backup is older than the setting (7 days unless changed), in the
// dialog and as a banner, each with a button that downloads the workbook's JSON backup.
import { describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { useBrowser } from './browser';
import { Workbench } from './pages/workbench';

const baseUrl = inject('baseUrl');
const browser = useBrowser();
const DAY = 24 * 60 * 60 * 1000;

describe('storage status', () => {
  it('says whether storage is persistent and how much is used, and reminds to back up after the set days', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const page = await ctx.newPage();
    const wb = new Workbench(page);
    await wb.open(baseUrl, '?debug');
    const dialog = page.getByRole('dialog');
    /** The open workbook's last backup made ten days ago, as the page sees it after a reload. */
    const backedUpTenDaysAgo = async () => {
      await page.evaluate((tenDays) => {
        const id = (globalThis as unknown as { planbench: { app: { session: { workbook: { id: string } } } } }).planbench.app.session.workbook.id;
        localStorage.setItem('planbench.backups', JSON.stringify({ [id]: Date.now() - tenDays }));
      }, 10 * DAY);
      await page.reload();
      await wb.waitReady();
    };
    const openDialog = async () => {
      await page.getByRole('button', { name: /Sổ kế hoạch/ }).click();
      await dialog.getByTestId('storage-status').waitFor();
    };

    await openDialog();
    // What the browser answered to the request for persistent storage, in words.
    const persisted = await page.evaluate(() => navigator.storage.persisted());
    await expect
      .poll(() => dialog.getByTestId('storage-persisted').textContent())
      .toBe(
        persisted
          ? 'Lưu trữ bền vững: đã được cấp — trình duyệt không tự xoá dữ liệu'
          : 'Lưu trữ bền vững: chưa được cấp — trình duyệt có thể xoá dữ liệu khi ổ đĩa đầy; hãy sao lưu thường xuyên',
      );
    await expect.poll(() => dialog.getByTestId('storage-usage').textContent()).toMatch(/^Đã dùng: [\d.,]+ (B|KB|MB|GB) trên [\d.,]+ (MB|GB|TB)$/);
    expect(await dialog.getByTestId('backup-last').textContent()).toBe('Sao lưu gần nhất của sổ “Cao Lộc 2023”: chưa sao lưu lần nào');
    // The demo was just created: nothing is due yet.
    expect(await dialog.getByTestId('backup-due').count()).toBe(0);
    await page.keyboard.press('Escape');

    // Last backed up ten days ago, changed since: a backup is due.
    await backedUpTenDaysAgo();
    await openDialog();
    await expect.poll(() => dialog.getByTestId('backup-due').textContent()).toBe('Sổ “Cao Lộc 2023” đã hơn 7 ngày chưa được sao lưu ra tệp.');
    expect(await dialog.getByTestId('backup-last').textContent()).toMatch(/^Sao lưu gần nhất của sổ “Cao Lộc 2023”: .*\d\d\/\d\d\/\d{4}/);
    await page.screenshot({ path: 'test-results/storage-01-backup-due.png' });
    await page.keyboard.press('Escape');

    // The banner under the header says the same; its button downloads the whole workbook as JSON.
    const banner = page.getByTestId('backup-reminder');
    await expect.poll(() => banner.textContent()).toContain('Sổ “Cao Lộc 2023” đã hơn 7 ngày chưa được sao lưu ra tệp.');
    const [download] = await Promise.all([page.waitForEvent('download'), banner.getByRole('button', { name: 'Tải bản sao lưu (JSON)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.planbench\.json$/);
    const backup = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(backup.format).toBe('planbench-backup');
    expect(backup.workbook.name).toBe('Cao Lộc 2023');
    await expect.poll(() => banner.count()).toBe(0);
    await openDialog();
    expect(await dialog.getByTestId('backup-due').count()).toBe(0);
    await page.keyboard.press('Escape');

    // Ten days later again, the dialog's own button does the same, and the banner goes too.
    await backedUpTenDaysAgo();
    await banner.waitFor();
    await openDialog();
    await dialog.getByTestId('backup-due').waitFor();
    const [again] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Tải bản sao lưu (JSON)' }).click()]);
    expect(again.suggestedFilename()).toMatch(/\.planbench\.json$/);
    await expect.poll(() => dialog.getByTestId('backup-due').count()).toBe(0);
    expect(await dialog.getByTestId('backup-last').textContent()).toMatch(new RegExp(`${String(new Date().getFullYear())}`));
    expect(await banner.count()).toBe(0);

    // Remind after 30 days instead: not due, and the setting is kept.
    await page.keyboard.press('Escape');
    await backedUpTenDaysAgo();
    await openDialog();
    await dialog.getByTestId('backup-due').waitFor();
    const days = dialog.getByRole('spinbutton', { name: 'Nhắc sao lưu sau (ngày)' });
    await days.fill('30');
    await days.press('Enter');
    await expect.poll(() => dialog.getByTestId('backup-due').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.reload();
    await wb.waitReady();
    await openDialog();
    expect(await days.inputValue()).toBe('30');
    expect(await dialog.getByTestId('backup-due').count()).toBe(0);
    await ctx.close();
  });
});

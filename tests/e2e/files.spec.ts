// Files out of the app as a user gets them: the plan shown as .xlsx and .csv from the toolbar, and
// the whole workbook as a JSON backup from the workbooks dialog.
import { describe, expect, inject, it } from 'vitest';
import ExcelJS from 'exceljs';
import { useBrowser } from './browser';
import { download, Workbench } from './pages/workbench';

const baseUrl = inject('baseUrl');
const browser = useBrowser();

describe('files', () => {
  it('exports the plan as .xlsx and .csv and the workbook as a backup', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 }, acceptDownloads: true });
    const page = await ctx.newPage();
    const wb = new Workbench(page);
    await wb.open(baseUrl);

    const xlsx = await download(page, () => page.getByTestId('export-xlsx').click());
    expect(xlsx.name).toMatch(/^cao-loc-2023-.+\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(new Uint8Array(xlsx.bytes).buffer);
    const sheet = book.worksheets[0];
    const texts: string[] = [];
    const numbers: number[] = [];
    sheet.eachRow((row) =>
      row.eachCell((c) => {
        texts.push(String(c.text));
        const v = c.value as unknown;
        const n = typeof v === 'object' && v !== null && 'result' in v ? (v as { result: unknown }).result : v;
        if (typeof n === 'number') numbers.push(n);
      }),
    );
    expect(texts.join(' | ')).toContain('Cao Lộc 2023');
    expect(texts.join(' | ')).toContain('ĐVT: triệu đồng');
    // The program total, a live SUM with its value cached, in triệu.
    expect(numbers).toContain(13_819);

    const csv = await download(page, () => page.getByTestId('export-csv').click());
    expect(csv.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.bytes.toString('utf8')).toContain('Tập huấn 217 người; giám sát 10 xã');

    await page.getByRole('button', { name: /Sổ kế hoạch/ }).click();
    const backup = await download(page, () => page.getByRole('button', { name: /Tải bản sao lưu/ }).click());
    expect(backup.name).toMatch(/^cao-loc-2023-\d{4}-\d{2}-\d{2}\.planbench\.json$/);
    const json = JSON.parse(backup.bytes.toString('utf8'));
    expect(json.format).toBe('planbench-backup');
    expect(json.scenarios[0].lines).toHaveLength(8);
    await ctx.close();
  });

  it('exports a 50 000-line plan to .xlsx with a progress bar, the page painting meanwhile', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
    const page = await ctx.newPage();
    const wb = new Workbench(page);
    await wb.open(baseUrl, '?debug');
    await wb.openGenerated(50_000);
    // Record the progress bar's values as the page paints them: a value strictly between 0 and 1
    // means a frame was painted while the file was being written.
    await page.evaluate(() => {
      const seen: number[] = ((globalThis as unknown as { seenProgress: number[] }).seenProgress = []);
      const watch = () => {
        const bar = document.querySelector('[data-testid="export-progress"]') as HTMLProgressElement | null;
        if (bar) seen.push(bar.value);
        requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
    });
    const file = download(page, () => page.getByTestId('export-xlsx').click());
    await expect.poll(() => page.getByTestId('export-progress').isVisible()).toBe(true);
    await expect(page.getByTestId('export-xlsx').isDisabled()).resolves.toBe(true);
    await wb.screenshot('42-export-progress');
    const xlsx = await file;
    await expect.poll(() => page.getByTestId('export-progress').count()).toBe(0);
    const seen = await page.evaluate(() => (globalThis as unknown as { seenProgress: number[] }).seenProgress);
    expect(seen.some((v) => v > 0 && v < 1)).toBe(true);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(new Uint8Array(xlsx.bytes).buffer);
    let lines = 0;
    // Line rows name their source (column D); parents and the total do not.
    book.worksheets[0].eachRow((row, n) => {
      if (n > 4 && row.getCell(4).value) lines++;
    });
    expect(lines).toBe(50_000);
    await ctx.close();
  });
});

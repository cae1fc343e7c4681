// Files out of the app as a user gets them: the plan shown as .xlsx and .csv from the toolbar, and
// the whole workbook as a JSON backup from the workbooks dialog.
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { useBrowser } from './browser';
import { Workbench } from './pages/workbench';

const baseUrl = inject('baseUrl');
const browser = useBrowser();

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const saved = page.waitForEvent('download');
  await click();
  const d = await saved;
  const chunks: Buffer[] = [];
  for await (const chunk of await d.createReadStream()) chunks.push(chunk as Buffer);
  return { name: d.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

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
});

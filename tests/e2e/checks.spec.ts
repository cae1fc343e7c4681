// The checks panel and the report on the demo, as a user meets them: the 13.392 entry selects the
// total row's stated plan in the grid, a review mark with its note survives a reload and lapses when
// a line's plan changes; the report follows the edit, copies, downloads and prints on A4 landscape.
import { describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { useBrowser } from './browser';
import { COLUMNS, Workbench } from './pages/workbench';
import { ChecksPage, ReportPage } from './pages/checks';

const baseUrl = inject('baseUrl');
const browser = useBrowser();
const TOTAL = 'Tổng cộng chương trình';
const DA7_TDA2_LINE = 'Tập huấn 217 người; giám sát 10 xã';
const ENTRY = 'stated-amount:total:plan';
const NOTE = 'Số 13.392 là số giao theo Quyết định; các dòng gồm cả vốn 2022 chuyển sang.';

describe('checks and report', () => {
  it('select, review, reload, lapse; then the report', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1000 } });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    const page = await ctx.newPage();
    const wb = new Workbench(page);
    const checks = new ChecksPage(page);
    await wb.open(baseUrl, '?debug');

    await checks.open();
    await wb.waitReady();
    const entry = checks.entry(ENTRY);
    await expect
      .poll(() => entry.textContent())
      .toContain('kế hoạch vốn ghi trong báo cáo là 13.392 triệu đồng, nhưng cộng các dòng bên dưới được 13.819 triệu đồng (chênh lệch +427 triệu đồng)');
    expect(await checks.panel.getByRole('listitem').count()).toBe(15);

    // Clicking the entry selects the total row's stated plan in the grid.
    await checks.go(ENTRY);
    const selected = () =>
      page.evaluate(() => {
        const hot = (globalThis as unknown as { planbench: { hot(): { getSelectedLast(): number[] | undefined; countRows(): number } } }).planbench.hot();
        return { at: hot.getSelectedLast()?.slice(0, 2), rows: hot.countRows() };
      });
    await expect.poll(async () => JSON.stringify((await selected()).at)).toBe(JSON.stringify([(await selected()).rows - 1, COLUMNS.indexOf('statedPlan')]));
    await expect.poll(async () => (await wb.cell(TOTAL, 'statedPlan').getAttribute('class')) ?? '').toContain('current');
    expect(await wb.text(TOTAL, 'statedPlan')).toBe('13.392');

    // Reviewed with a note: greyed, the note shown.
    await checks.markReviewed(ENTRY, NOTE);
    await expect.poll(() => checks.isReviewed(ENTRY)).toBe(true);
    await expect.poll(() => entry.getByTestId('review-note').textContent()).toContain(NOTE);
    await wb.waitSaved();
    await page.screenshot({ path: 'test-results/20-checks-reviewed.png' });

    // It stays reviewed after a reload.
    await page.reload();
    await wb.waitReady();
    await checks.open();
    await expect.poll(() => checks.isReviewed(ENTRY)).toBe(true);
    await expect.poll(() => entry.getByTestId('review-note').textContent()).toContain(NOTE);

    // A line's plan changes: the entry's numbers change, and it is open again, its old note shown.
    await wb.waitReady();
    await wb.type(DA7_TDA2_LINE, 'plan', '300');
    await wb.expectText(TOTAL, 'plan', '13.841');
    await expect.poll(() => checks.isReviewed(ENTRY)).toBe(false);
    await expect.poll(() => entry.textContent()).toContain('13.841 triệu đồng (chênh lệch +449 triệu đồng)');
    await expect.poll(() => entry.textContent()).toContain('Số liệu đã thay đổi sau lần xem xét');
    await page.screenshot({ path: 'test-results/21-checks-lapsed.png' });

    // The report follows the edit; it uses the computed 13.841 and says where stated figures differ.
    const report = new ReportPage(page);
    await report.open();
    await expect.poll(() => report.narrative.textContent()).toContain('Tổng kế hoạch vốn năm 2023: 13.841 triệu đồng, toàn bộ từ nguồn vốn Trung ương');
    expect(await report.narrative.textContent()).not.toContain('13.392');
    expect(await page.getByRole('complementary').textContent()).toContain('13.392 triệu đồng');
    await page.screenshot({ path: 'test-results/22-report.png', fullPage: true });

    // Copy puts the narrative on the clipboard.
    await report.button(/Sao chép/).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain('a) Dự án 2: Đa dạng hóa sinh kế');

    // Downloads: the table as .xlsx, the report as .html (escaped), the narrative as .txt (with the review note).
    const [xlsx] = await Promise.all([page.waitForEvent('download'), report.button(/\.xlsx/).click()]);
    expect(xlsx.suggestedFilename()).toBe('bao-cao-2023.xlsx');
    expect(
      readFileSync(await xlsx.path())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    const [html] = await Promise.all([page.waitForEvent('download'), report.button(/\.html/).click()]);
    const htmlText = readFileSync(await html.path(), 'utf8');
    expect(htmlText).toContain('Phòng LĐ-TB&amp;XH-DT');
    expect(htmlText).toContain('13.841');
    const [txt] = await Promise.all([page.waitForEvent('download'), report.button(/\.txt/).click()]);
    expect(readFileSync(await txt.path(), 'utf8')).toContain(NOTE);

    // In English, the narrative switches; numbers keep the user's format in the table.
    await page.getByLabel('Ngôn ngữ phần thuyết minh').selectOption('en');
    await expect.poll(() => report.narrative.textContent()).toContain('The 2023 plan totals 13,841 million đồng');
    await page.getByLabel('Ngôn ngữ phần thuyết minh').selectOption('vi');

    // Printed: only the report, no buttons, A4 landscape with the table header repeated.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('tab', { name: 'Kiểm tra' }).isVisible()).toBe(false);
    expect(await report.button(/In \(A4/).isVisible()).toBe(false);
    expect(await report.table.isVisible()).toBe(true);
    await page.screenshot({ path: 'test-results/23-report-print.png', fullPage: true });
    const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
    const pages = pdf.match(/\/Type\s*\/Page\b/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf)!;
    expect(Number(box[1])).toBeGreaterThan(Number(box[2]));
    expect(Math.round(Number(box[1]))).toBe(842);
    await page.emulateMedia({ media: 'screen' });
    await ctx.close();
  });
});

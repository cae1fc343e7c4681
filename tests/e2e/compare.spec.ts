// The compare view as an analyst uses it: clone the demo, raise DA2 by 10 %, compare the variant with
// the baseline (DA2, its project row and the total change, nothing else), then freeze the variant as
// a version, edit the variant again and compare the version with the variant.
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowser } from './browser';
import { Workbench } from './pages/workbench';
import { ComparePage } from './pages/compare';
import ExcelJS from 'exceljs';

const baseUrl = inject('baseUrl');
const browser = useBrowser();
const TOTAL = 'Tổng cộng chương trình';
const DA2_LINE = '15 mô hình, 236 hộ (2022–2023); giải ngân từ nguồn 2022 chuyển sang';
const DA7_TDA2_LINE = 'Tập huấn 217 người; giám sát 10 xã';
const OTHER_LINES = ['Khoảng 474 hộ (2022–2023); giải ngân từ nguồn 2022 chuyển sang', '04 lớp, 140 người', DA7_TDA2_LINE];

/** The page's scripting surface (opened with ?debug): the app state, to create variants and versions. */
function app(page: Page, script: string): Promise<unknown> {
  return page.evaluate(`(async (app) => { ${script} })(globalThis.planbench.app)`);
}

/** Clicks an export button and reads the file it saves. */
async function download(page: Page, testId: string): Promise<Buffer> {
  const saved = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  const chunks: Buffer[] = [];
  for await (const chunk of await (await saved).createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('compare view', () => {
  it('shows the Δ of a variant with DA2 raised by 10 % on DA2, its project and the total only; then a version against the variant', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 }, acceptDownloads: true });
    const page = await ctx.newPage();
    const wb = new Workbench(page);
    await wb.open(baseUrl, '?debug');

    // Clone the demo's baseline as a variant (the grid switches to it) and raise DA2 by 10 %.
    await app(page, `const r = await app.createVariant(app.session.scenarioId, 'DA2 +10 %'); if (!r.ok) throw new Error(r.error.code);`);
    await wb.waitReady();
    await wb.type(DA2_LINE, 'plan', '5.979,6');
    await wb.expectText(TOTAL, 'plan', '14.362,6');
    await wb.waitSaved();

    const cmp = new ComparePage(page);
    await cmp.open();
    expect(await cmp.scenario(0).locator('option:checked').textContent()).toBe('Kịch bản gốc (gốc)');
    expect(await cmp.scenario(1).locator('option:checked').textContent()).toBe('DA2 +10 %');
    for (const row of [DA2_LINE, 'DA2', TOTAL]) {
      expect(await cmp.text(row, 'plan:d1')).toBe('▲ +543,6');
      // DA2's money is expected to be disbursed in full: the projection rises as much.
      expect(await cmp.text(row, 'projected:d1')).toBe('▲ +543,6');
    }
    expect(await cmp.text(DA2_LINE, 'plan:0')).toBe('5.436');
    expect(await cmp.text(DA2_LINE, 'plan:1')).toBe('5.979,6');
    expect(await cmp.text(DA2_LINE, 'plan:p1')).toBe('+10,00 %');
    expect(await cmp.text('DA2', 'plan:p1')).toBe('+10,00 %');
    expect(await cmp.text(TOTAL, 'plan:1')).toBe('14.362,6');
    // 543,6 / 13.819 = 3,93 %.
    expect(await cmp.text(TOTAL, 'plan:p1')).toBe('+3,93 %');
    for (const row of [...OTHER_LINES, 'DA3', 'DA7']) {
      expect(await cmp.text(row, 'plan:d1')).toBe('');
      expect(await cmp.text(row, 'plan:p1')).toBe('');
    }
    // Up is green and says so in words too.
    const up = cmp.grid.cell(TOTAL, 'plan:d1');
    expect(await up.getAttribute('class')).toContain('pb-up');
    expect(await up.getAttribute('title')).toBe('tăng');
    await expect.poll(() => cmp.status.textContent()).toContain('1 dòng thay đổi');
    await expect.poll(() => page.getByTestId('cmp-bars-chart').getAttribute('aria-label')).toContain('DA2 — Đa dạng hóa sinh kế');
    expect(await page.getByTestId('cmp-delta-chart').getAttribute('aria-label')).toContain('DA2 +10 % +543,6');
    await wb.screenshot('20-compare-da2');
    for (const chart of ['save-cmp-bars-png', 'save-cmp-delta-png']) expect((await download(page, chart)).subarray(1, 4).toString()).toBe('PNG');

    // Only changed lines: DA2's project row, its line, the total.
    await page.getByTestId('cmp-only-changed').check();
    await cmp.waitReady();
    await expect.poll(() => cmp.rowNames()).toEqual(['DA2', DA2_LINE, TOTAL]);

    // By implementing unit: DA2's line states none, so the change sits in that group.
    await page.getByTestId('cmp-dimension').selectOption({ label: 'Đơn vị thực hiện' });
    await cmp.waitReady();
    await expect.poll(() => cmp.rowNames()).toEqual(['(không ghi đơn vị)', 'DA2', TOTAL]);
    expect(await cmp.text('(không ghi đơn vị)', 'plan:0')).toBe('7.834');
    expect(await cmp.text('(không ghi đơn vị)', 'plan:d1')).toBe('▲ +543,6');
    await wb.screenshot('21-compare-by-unit');

    // The CSV names the scenarios and the unit in its header, numbers in vi format split by ";" (as
    // Excel with Vietnamese settings reads it); the .xlsx has
    // the workbook, the scenarios and the roll-up above the table.
    const csv = await download(page, 'cmp-export-csv');
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csv.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'Mã;Nội dung;Kế hoạch vốn — Kịch bản gốc (gốc) (triệu đồng);Kế hoạch vốn — DA2 +10 % (triệu đồng);Kế hoạch vốn — Δ DA2 +10 % (triệu đồng);' +
        'Kế hoạch vốn — Δ % DA2 +10 %;Dự kiến giải ngân cuối năm — Kịch bản gốc (gốc) (triệu đồng);Dự kiến giải ngân cuối năm — DA2 +10 % (triệu đồng);' +
        'Dự kiến giải ngân cuối năm — Δ DA2 +10 % (triệu đồng);Dự kiến giải ngân cuối năm — Δ % DA2 +10 %',
    );
    // DA2 and DA3.TDA1 state no unit: 2.398 + 5.436 → 2.398 + 5.979,6 (+6,94 %).
    expect(lines[1]).toBe(';(không ghi đơn vị);7834;8377,6;543,6;6,94;7834;8377,6;543,6;6,94');
    expect(lines[2]).toBe(`DA2;"${DA2_LINE}";5436;5979,6;543,6;10;5436;5979,6;543,6;10`);
    expect(lines[3]).toContain(';Tổng cộng chương trình;13819;14362,6;543,6;3,93;');
    const xlsx = new ExcelJS.Workbook();
    await xlsx.xlsx.load((await download(page, 'cmp-export-xlsx')) as unknown as ArrayBuffer);
    const sheet = xlsx.worksheets[0];
    expect(sheet.getCell('A1').value).toBe('So sánh kịch bản: Cao Lộc 2023');
    expect(sheet.getCell('A2').value).toBe('Tham chiếu: Kịch bản gốc (gốc) · So với 2: DA2 +10 % · Tổng hợp theo: Đơn vị thực hiện');
    expect(sheet.getCell('A3').value).toBe('ĐVT: triệu đồng');
    expect(sheet.getCell('E7').value).toBe(543.6);

    // Freeze the variant as a version, edit the variant, compare the version with the variant.
    await page.getByTestId('cmp-dimension').selectOption({ label: 'Dự án (cây mục)' });
    await page.getByTestId('cmp-only-changed').uncheck();
    await app(page, `const r = await app.saveVersion('Nộp Sở 15/12', 'gửi Sở LĐ-TB&XH 15/12'); if (!r.ok) throw new Error(r.error.code);`);
    await page.getByRole('tab', { name: 'Kế hoạch vốn' }).click();
    await wb.waitReady();
    await wb.type(DA7_TDA2_LINE, 'plan', '300');
    await wb.expectText(TOTAL, 'plan', '14.384,6');
    await wb.waitSaved();
    await cmp.open();
    await cmp.pick(0, 'Nộp Sở 15/12 (phiên bản)');
    expect(await cmp.scenario(1).locator('option:checked').textContent()).toBe('DA2 +10 %');
    await cmp.expectText(DA7_TDA2_LINE, 'plan:d1', '▲ +22');
    expect(await cmp.text(DA7_TDA2_LINE, 'plan:0')).toBe('278');
    expect(await cmp.text(DA7_TDA2_LINE, 'plan:1')).toBe('300');
    expect(await cmp.text('DA7', 'plan:d1')).toBe('▲ +22');
    expect(await cmp.text(TOTAL, 'plan:d1')).toBe('▲ +22');
    expect(await cmp.text(DA2_LINE, 'plan:d1')).toBe('');
    expect(await cmp.text(DA2_LINE, 'plan:0')).toBe('5.979,6');

    // A third scenario, the baseline: against the version it lacks DA2's 10 % (a fall: red and ▼) and
    // has DA7.TDA2's old 278, as the version does (-543,6 / 14.362,6 = -3,78 %).
    await cmp.pick(2, 'Kịch bản gốc (gốc)');
    const three = new ComparePage(page, ['plan', 'projected'], 3);
    await three.expectText(DA2_LINE, 'plan:d2', '▼ -543,6');
    expect(await three.grid.cell(DA2_LINE, 'plan:d2').getAttribute('class')).toContain('pb-down');
    expect(await three.text(DA7_TDA2_LINE, 'plan:d2')).toBe('');
    expect(await three.text(DA7_TDA2_LINE, 'plan:d1')).toBe('▲ +22');
    expect(await three.text(TOTAL, 'plan:p2')).toBe('-3,78 %');
    await wb.screenshot('22-compare-version-variant-baseline');
    await ctx.close();
  });
});

// Earlier versions of a shared workbook in the browser, served with the app by the server (in this
// process, on PGlite, at 127.0.0.1): a user edits a line, opens its history with the toolbar's
// "Lịch sử" button (and with Alt+H from the grid), opens the workbook as it stood before the edit
// read-only from there and sees the old value, restores that state as a new variant (the notice
// says what was done), and finds every step in "Các phiên bản…".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { useBrowser } from './browser';
import { Workbench } from './pages/workbench';
import type { Db } from '../../server/db';
import { DATABASES, PASSWORD, seedProvince, startApp } from '../server/harness';

const browser = useBrowser();
const TOTAL = 'Tổng cộng chương trình';
const LINE = 'Tập huấn 217 người; giám sát 10 xã';

let db: Db;
let server: FastifyInstance;
let origin: string;
let user: string;

beforeAll(async () => {
  db = await DATABASES[0].open();
  server = await startApp(db, { staticDir: process.env.DIST_DIR ?? 'dist' });
  const people = await seedProvince(server, db);
  user = people.editorA.me.username;
  await server.listen({ host: '127.0.0.1', port: 0 });
  origin = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

/** The serious and critical axe findings (WCAG 2.1 A and AA) inside one part of the page. */
async function seriousIn(page: Page, selector: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).include(selector).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('earlier versions of a shared workbook', () => {
  it('opens the state before an edit read-only from the history button, restores it as a new variant, and lists every version', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const a = new Workbench(await ctx.newPage());
    await a.open(origin + '/');
    await a.page.getByTestId('share-open').click();
    await expect.poll(() => a.page.getByTestId('share-server').inputValue()).toBe(origin);
    await a.page.getByTestId('share-user').fill(user);
    await a.page.getByTestId('share-password').fill(PASSWORD);
    await a.page.getByTestId('share-login').click();
    await a.page.getByTestId('share-who').waitFor();
    await a.page.getByTestId('share-this').click();
    await expect.poll(() => a.page.getByTestId('sync-status').textContent()).toBe('Đã đồng bộ');
    await expect.poll(() => a.text(TOTAL, 'plan')).toBe('13.819');

    await a.type(LINE, 'plan', '300');
    await expect.poll(() => a.text(TOTAL, 'plan')).toBe('13.841');
    await expect.poll(() => a.page.getByTestId('sync-status').textContent()).toBe('Đã đồng bộ');

    // The cell's history, from the toolbar's button, then again from the keyboard.
    await a.select(LINE, 'plan');
    await a.page.getByTestId('history-button').click();
    await expect.poll(() => a.page.getByTestId('history-row').count()).toBe(2);
    expect(await a.page.getByTestId('history-row').first().textContent()).toContain('278 triệu đồng → 300 triệu đồng');
    await a.page.getByTestId('history-dialog').getByRole('button', { name: 'Đóng' }).click();
    await expect.poll(() => a.page.getByTestId('history-dialog').isVisible()).toBe(false);
    await a.page.keyboard.press('Alt+h');
    await expect.poll(() => a.page.getByTestId('history-row').count()).toBe(2);
    expect(await a.page.locator('.handsontableInputHolder:not(.ht_editor_hidden)').count()).toBe(0);

    // The version before the edit, read-only: the old value, and typing is refused.
    await a.page.getByTestId('history-row').last().getByTestId('history-open-version').click();
    await a.page.getByTestId('readonly-bar').waitFor();
    await expect.poll(() => a.text(LINE, 'plan')).toBe('278');
    await expect.poll(() => a.text(TOTAL, 'plan')).toBe('13.819');
    expect(await a.page.getByTestId('readonly-what').textContent()).toContain('phiên bản 1');
    await a.page.getByTestId('readonly-restore').click();
    await a.page.getByTestId('version-restore-name').waitFor();
    await a.page.screenshot({ path: 'test-results/version-readonly.png', clip: { x: 0, y: 0, width: 1600, height: 420 } });
    expect(await seriousIn(a.page, '[data-testid="readonly-bar"]')).toEqual([]);

    // Restored as a new variant: open, editable, the old value, the notice says what was done.
    await a.page.getByTestId('version-restore-name').fill('Kế hoạch trước khi sửa');
    await a.page.getByTestId('version-restore-run').click();
    await expect.poll(() => a.page.getByTestId('readonly-bar').count()).toBe(0);
    await expect.poll(() => a.notice.textContent()).toContain('Đã khôi phục kịch bản "Kịch bản gốc" như ở phiên bản 1 thành kịch bản mới "Kế hoạch trước khi sửa": 8 dòng.');
    const selected = () => a.page.getByTestId('scenario-select').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent ?? '');
    await expect.poll(selected).toContain('Kế hoạch trước khi sửa');
    await expect.poll(() => a.text(LINE, 'plan')).toBe('278');
    await expect.poll(() => a.page.getByTestId('sync-status').textContent()).toBe('Đã đồng bộ');

    // Every step of the log: the upload, the edit, the restored variant.
    await a.page.getByTestId('versions-open').click();
    await expect.poll(() => a.page.getByTestId('version-row').count()).toBe(3);
    expect(await a.page.getByTestId('version-row').nth(1).textContent()).toContain('1 dòng');
    expect(await a.page.getByTestId('version-row').first().textContent()).toContain('Kế hoạch trước khi sửa');
    await a.page.screenshot({ path: 'test-results/versions-dialog.png' });
    await a.page.getByTestId('version-restore').first().click();
    expect(await seriousIn(a.page, '[data-testid="versions-dialog"]')).toEqual([]);
    await ctx.close();
  }, 120_000);
});

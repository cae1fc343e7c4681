// Two users of one district, in two browser profiles, on one shared workbook served with the app by
// the server (in this process, on PGlite, at 127.0.0.1): one shares the workbook through "Chia sẻ
// lên máy chủ…", the other opens it from the server; each sees the other's edit without a reload,
// and a variant one makes appears in the other's scenario list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { useBrowser } from './browser';
import { Workbench } from './pages/workbench';
import type { Db } from '../../server/db';
import { DATABASES, PASSWORD, seedProvince, startApp, unique } from '../server/harness';

const browser = useBrowser();
const TOTAL = 'Tổng cộng chương trình';

let db: Db;
let server: FastifyInstance;
let origin: string;
let users: string[];
let people: Awaited<ReturnType<typeof seedProvince>>;

beforeAll(async () => {
  db = await DATABASES[0].open();
  server = await startApp(db, { staticDir: process.env.DIST_DIR ?? 'dist' });
  people = await seedProvince(server, db);
  users = [people.editorA.me.username, unique('editor')];
  await people.admin.send('/api/admin/users', { orgId: people.districtA, username: users[1], displayName: 'Chị Lan', role: 'editor', password: PASSWORD });
  await server.listen({ host: '127.0.0.1', port: 0 });
  origin = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

/** Opens "Chia sẻ lên máy chủ…" and logs in (the server's address is the page's own). */
async function logIn(page: Page, user: string): Promise<void> {
  await page.getByTestId('share-open').click();
  await expect.poll(() => page.getByTestId('share-server').inputValue()).toBe(origin);
  await page.getByTestId('share-user').fill(user);
  await page.getByTestId('share-password').fill(PASSWORD);
  await page.getByTestId('share-login').click();
  await page.getByTestId('share-who').waitFor();
}

describe('a shared workbook', () => {
  it('two users of one district each see the other’s edit', async () => {
    const ctxA = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const ctxB = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const a = new Workbench(await ctxA.newPage());
    const b = new Workbench(await ctxB.newPage());
    await a.open(origin + '/');
    await b.open(origin + '/');

    await logIn(a.page, users[0]);
    await a.page.screenshot({ path: 'test-results/sync-share-dialog.png' });
    await a.page.getByTestId('share-this').click();
    await expect.poll(() => a.page.getByTestId('sync-status').textContent()).toBe('Đã đồng bộ');

    await logIn(b.page, users[1]);
    await b.page.getByTestId('share-open-one').first().click();
    await expect.poll(() => b.page.getByTestId('sync-status').textContent()).toBe('Đã đồng bộ');
    await b.waitReady();

    await a.type('Tập huấn 217 người; giám sát 10 xã', 'plan', '300');
    await expect.poll(() => b.text(TOTAL, 'plan')).toBe('13.841');
    await b.type('06 lớp, khoảng 1.268 cộng tác viên', 'plan', '530');
    await expect.poll(() => a.text(TOTAL, 'plan')).toBe('13.851');
    await expect.poll(() => a.page.getByTestId('sync-status').textContent()).toBe('Đã đồng bộ');
    await a.page.screenshot({ path: 'test-results/sync-status.png', clip: { x: 0, y: 0, width: 1600, height: 220 } });

    // B loses the network: its edit is kept and said to wait; back online, it is sent and A sees it.
    await ctxB.setOffline(true);
    await b.type('06 lớp, khoảng 1.268 cộng tác viên', 'plan', '540');
    await expect.poll(() => b.page.getByTestId('sync-status').textContent()).toBe('Ngoại tuyến · 1 thay đổi chờ gửi');
    await b.page.screenshot({ path: 'test-results/sync-offline.png', clip: { x: 0, y: 0, width: 1600, height: 220 } });
    await ctxB.setOffline(false);
    await expect.poll(() => a.text(TOTAL, 'plan')).toBe('13.861');
    await expect.poll(() => b.page.getByTestId('sync-status').textContent()).toBe('Đã đồng bộ');

    // A makes a variant ("+ Kịch bản mới"): it appears in B's scenario list, and opens with A's plan.
    a.page.once('dialog', (d) => void d.accept('Phương án 80 %'));
    await a.page.getByTestId('scenario-new').click();
    const options = () => b.page.getByTestId('scenario-select').locator('option').allTextContents();
    await expect.poll(options).toContain('Phương án 80 %');
    await b.page.getByTestId('scenario-select').selectOption({ label: 'Phương án 80 %' });
    await expect.poll(() => b.text(TOTAL, 'plan')).toBe('13.861');
    await expect.poll(() => b.page.getByTestId('sync-status').textContent()).toBe('Đã đồng bộ');
    await b.page.screenshot({ path: 'test-results/sync-variant.png', clip: { x: 0, y: 0, width: 1600, height: 260 } });
    await ctxA.close();
    await ctxB.close();
  });

  it('a district sends its plan, the province approves it, the consolidated total follows, and a line’s history is one click away', async () => {
    const ctxA = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const ctxP = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const a = new Workbench(await ctxA.newPage());
    const p = new Workbench(await ctxP.newPage());
    await a.open(origin + '/');
    await p.open(origin + '/?debug');

    // The district shares its plan, changes a line, and sends it with a note.
    await logIn(a.page, users[0]);
    await a.page.getByTestId('share-this').click();
    await expect.poll(() => a.page.getByTestId('sync-status').textContent()).toBe('Đã đồng bộ');
    await a.type('Tập huấn 217 người; giám sát 10 xã', 'plan', '300');
    await expect.poll(() => a.text(TOTAL, 'plan')).toBe('13.841');
    await expect.poll(() => a.page.getByTestId('submit-state').textContent()).toBe('Chưa gửi');
    await a.page.getByTestId('submit-open').click();
    await a.page.getByTestId('submit-note').fill('Kế hoạch 2023, bản trình lần 1');
    await a.page.screenshot({ path: 'test-results/submit-dialog.png' });
    await a.page.getByTestId('submit-send').click();
    await expect.poll(() => a.page.getByTestId('submit-state').textContent()).toBe('Đã gửi');

    // The province: an empty workbook of the same year to consolidate into, and its districts' board.
    await p.page.evaluate(() =>
      (globalThis as unknown as { planbench: { app: { createEmpty(n: string, y: number): Promise<void> } } }).planbench.app.createEmpty('Tổng hợp tỉnh 2023', 2023),
    );
    await expect.poll(() => p.page.getByTestId('workbook-name').textContent()).toBe('Tổng hợp tỉnh 2023');
    await logIn(p.page, people.provinceReviewer.me.username);
    await p.page.getByTestId('share-dialog').getByRole('button', { name: 'Đóng' }).click();
    await p.page.getByTestId('province-open').click();
    const row = p.page.getByTestId('province-row').filter({ hasText: 'Đã gửi' });
    await expect.poll(() => row.count()).toBe(1);
    await p.page.screenshot({ path: 'test-results/province-board.png' });

    // It opens the version sent read-only, and approves it from there.
    await row.getByTestId('province-view').click();
    await p.page.getByTestId('readonly-bar').waitFor();
    await expect.poll(() => p.text(TOTAL, 'plan')).toBe('13.841');
    await p.page.screenshot({ path: 'test-results/province-readonly.png', clip: { x: 0, y: 0, width: 1600, height: 320 } });
    await p.page.getByTestId('readonly-bar').getByTestId('review-approve').click();
    await expect.poll(() => p.page.getByTestId('readonly-bar').textContent()).toContain('Đã duyệt');
    await p.page.getByTestId('readonly-close').click();
    await expect.poll(() => p.page.getByTestId('workbook-name').textContent()).toBe('Tổng hợp tỉnh 2023');

    // Consolidated from the approved versions: the province's total is the district's.
    await p.page.getByTestId('province-open').click();
    await p.page.getByTestId('province-consolidate').click();
    await p.page.getByTestId('consolidate-result').waitFor();
    await p.page.getByTestId('province-dialog').getByRole('button', { name: 'Đóng' }).last().click();
    await expect.poll(() => p.text(TOTAL, 'plan')).toBe('13.841');
    await a.page.getByTestId('submit-open').click();
    await expect.poll(() => a.page.getByTestId('submit-dialog-state').textContent()).toBe('Đã duyệt');
    await a.page.getByTestId('submit-dialog').getByRole('button', { name: 'Đóng' }).click();

    // The district's line history: who wrote which value, one right click away.
    await a.select('Tập huấn 217 người; giám sát 10 xã', 'plan');
    await a.cell('Tập huấn 217 người; giám sát 10 xã', 'plan').click({ button: 'right' });
    await a.page.locator('.htContextMenu:visible td', { hasText: 'Lịch sử…' }).click();
    await expect.poll(() => a.page.getByTestId('history-row').count()).toBe(2);
    expect(await a.page.getByTestId('history-row').first().textContent()).toContain('278 triệu đồng → 300 triệu đồng');
    await a.page.screenshot({ path: 'test-results/history.png' });
    await ctxA.close();
    await ctxP.close();
  });
});

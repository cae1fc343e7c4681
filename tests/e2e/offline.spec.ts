// The installable offline app: after one visit the service worker holds every built file, so the
// app opens on its workbook with the network off, edits work and persist; a new version is
// announced, left alone while the user edits, and applied only by the user's reload.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBrowser } from './browser';
import { Workbench } from './pages/workbench';
import { waitServiceWorker } from './pages/service-worker';

const baseUrl = inject('baseUrl');
const browser = useBrowser();
const TOTAL = 'Tổng cộng chương trình';
const DA7_TDA2_LINE = 'Tập huấn 217 người; giám sát 10 xã';

describe('offline', () => {
  it('opens on the workbook with the network off after one visit; an edit works and persists offline', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const page = await ctx.newPage();
    const wb = new Workbench(page);
    await wb.open(baseUrl, '?debug');
    await waitServiceWorker(page);
    // The workbooks dialog says the app is ready for offline use.
    await page.getByRole('button', { name: /Sổ kế hoạch/ }).click();
    await expect.poll(() => page.getByTestId('offline-status').textContent()).toBe('Dùng khi không có mạng: đã sẵn sàng');
    await page.keyboard.press('Escape');
    const manifest = await page.evaluate(async () => (await fetch(document.querySelector<HTMLLinkElement>('link[rel=manifest]')!.href)).json());
    expect(manifest.name).toContain('giảm nghèo');
    expect(manifest.display).toBe('standalone');
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));

    await ctx.setOffline(true);
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    await page.reload();
    await wb.waitReady();
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    await expect.poll(() => page.getByTestId('workbook-name').textContent()).toBe('Cao Lộc 2023');
    // The recalculation worker's chunk came from the cache too.
    expect(await page.evaluate(() => (globalThis as unknown as { planbench: { recalcMode(): string } }).planbench.recalcMode())).toBe('worker');

    await wb.type(DA7_TDA2_LINE, 'plan', '300');
    await wb.expectText(TOTAL, 'plan', '13.841');
    await wb.waitSaved();
    await page.reload();
    await wb.waitReady();
    expect(await wb.text(DA7_TDA2_LINE, 'plan')).toBe('300');
    expect(await wb.text(TOTAL, 'plan')).toBe('13.841');
    // Every view opens offline.
    await page.getByRole('tab', { name: 'Giải ngân & chuyển nguồn' }).click();
    await wb.waitReady();
    await page.getByRole('tab', { name: 'Địa bàn & tiêu chí' }).click();
    await expect.poll(() => page.getByRole('note').textContent()).toContain('minh hoạ');
    await page.getByRole('tab', { name: 'Phân bổ theo tiêu chí' }).click();
    await page.getByText('Quy tắc đã lưu').waitFor();
    await page.getByRole('tab', { name: 'Kế hoạch vốn' }).click();
    await wb.waitReady();
    await wb.screenshot('offline-01-reopened-offline');
    expect(failed).toEqual([]);
    await ctx.close();
  });
});

describe('a new version', () => {
  // A copy of the build on a server of its own, so the test can publish a "new version" into it.
  let dir: string;
  let server: PreviewServer;
  let url: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'planbench-dist-'));
    cpSync(process.env.DIST_DIR ?? 'dist', dir, { recursive: true });
    server = await preview({ build: { outDir: dir }, preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
    const address = server.httpServer.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Publishes a new version: index.html gains a marker, sw.js lists its new revision. */
  function publishNewVersion(): void {
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const next = html.replace('</head>', '<meta name="planbench-build" content="v2"></head>');
    const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
    expect(sw).toContain(md5(html));
    writeFileSync(join(dir, 'index.html'), next);
    writeFileSync(join(dir, 'sw.js'), sw.replace(md5(html), md5(next)));
  }

  it('is announced, never reloads a tab mid-edit, and is applied when the user reloads, keeping the edit', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const page = await ctx.newPage();
    const other = await ctx.newPage();
    const wb = new Workbench(page);
    await wb.open(url);
    await waitServiceWorker(page);
    await new Workbench(other).open(url);
    // Both tabs open under the first version's service worker.
    await page.reload();
    await wb.waitReady();
    await other.reload();
    await new Workbench(other).waitReady();
    const marker = (p: Page) => p.evaluate(() => (globalThis as { tabMarker?: string }).tabMarker ?? null);
    await page.evaluate(() => ((globalThis as { tabMarker?: string }).tabMarker = 'same page'));
    await other.evaluate(() => ((globalThis as { tabMarker?: string }).tabMarker = 'same page'));

    // The user is typing in a cell when the new version arrives.
    await wb.select(DA7_TDA2_LINE, 'plan');
    await page.keyboard.type('3');
    publishNewVersion();
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    await page.getByTestId('update-notice').waitFor();
    expect(await page.getByTestId('update-notice').textContent()).toContain('Có phiên bản mới — tải lại để cập nhật');
    await other.getByTestId('update-notice').waitFor();
    // Nothing reloaded: the editor still holds what the user typed.
    expect(await marker(page)).toBe('same page');
    await page.keyboard.type('00');
    await page.keyboard.press('Enter');
    await wb.expectText(TOTAL, 'plan', '13.841');
    await wb.screenshot('offline-02-update-announced');

    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Tải lại' }).click()]);
    await wb.waitReady();
    expect(await marker(page)).toBeNull();
    expect(await page.locator('meta[name="planbench-build"]').getAttribute('content')).toBe('v2');
    expect(await wb.text(DA7_TDA2_LINE, 'plan')).toBe('300');
    expect(await page.getByTestId('update-notice').count()).toBe(0);
    // The other tab was not reloaded under its user: it keeps its page and the announcement.
    await other.waitForTimeout(500);
    expect(await marker(other)).toBe('same page');
    expect(await other.getByTestId('update-notice').count()).toBe(1);
    await ctx.close();
  });
});

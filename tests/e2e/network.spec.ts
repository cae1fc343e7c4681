// No network but the app's own origin: every request during load and a session of edits is
// recorded; none leaves the origin, none after load is anything but the app's own files, and the
// Content-Security-Policy blocks a request to another origin before it is made.
import { describe, expect, inject, it } from 'vitest';
import type { Request } from 'playwright-core';
import { useBrowser } from './browser';
import { Workbench } from './pages/workbench';
import { waitServiceWorker } from './pages/service-worker';

const baseUrl = inject('baseUrl');
const origin = new URL(baseUrl).origin;
const browser = useBrowser();
const TOTAL = 'Tổng cộng chương trình';
const DA7_TDA2_LINE = 'Tập huấn 217 người; giám sát 10 xã';

interface Seen {
  url: string;
  type: string;
  /** Loading the app, the session of edits, or the reload at its end. */
  phase: 'load' | 'edits' | 'reload';
  fromServiceWorker: boolean;
}

describe('network', () => {
  it('loads and edits without a request leaving the origin; after load only the app’s own files', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    const seen: Seen[] = [];
    let phase: Seen['phase'] = 'load';
    const record = (r: Request) => seen.push({ url: r.url(), type: r.resourceType(), phase, fromServiceWorker: !!r.serviceWorker() });
    ctx.on('request', record);
    const page = await ctx.newPage();
    // Every breach of the policy, on every page load of the session.
    const violations: string[] = [];
    await page.exposeFunction('reportCspViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => {
      const report = (globalThis as unknown as { reportCspViolation(v: string): void }).reportCspViolation;
      document.addEventListener('securitypolicyviolation', (e) => report(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
    });
    const wb = new Workbench(page);
    const response = await page.goto(baseUrl);
    await wb.waitReady();
    // The service worker finishes precaching the app's files (its own requests) as part of loading.
    await waitServiceWorker(page);
    await page.waitForLoadState('networkidle');
    phase = 'edits';

    const header = response?.headers()['content-security-policy'] ?? '';
    // No other site may frame the app (a header only: a <meta> policy cannot say it).
    expect(header).toContain("frame-ancestors 'none'");
    expect(response?.headers()['x-frame-options']).toBe('DENY');
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    for (const policy of [header, meta ?? '']) {
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("connect-src 'self'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
    }

    // A session of edits across every view.
    await wb.type(DA7_TDA2_LINE, 'plan', '300');
    await wb.expectText(TOTAL, 'plan', '13.841');
    await page.keyboard.press('Control+z');
    await wb.expectText(TOTAL, 'plan', '13.819');
    await wb.paste(DA7_TDA2_LINE, 'plan', '250\t130');
    await wb.expectText(TOTAL, 'plan', '13.791');
    await page.getByRole('tab', { name: 'Giải ngân & chuyển nguồn' }).click();
    await wb.waitReady();
    await page.getByRole('tab', { name: 'Địa bàn & tiêu chí' }).click();
    const totalRow = page.locator('.ht_clone_bottom tbody tr').first();
    await expect.poll(() => totalRow.locator('td').nth(3).textContent()).toBe('1.644');
    await page
      .locator('.ht_master tbody tr')
      .filter({ has: page.locator('td', { hasText: /^Lộc Yên$/ }) })
      .first()
      .locator('td')
      .nth(3)
      .click();
    await page.keyboard.type('100');
    await page.keyboard.press('Enter');
    await expect.poll(() => totalRow.locator('td').nth(3).textContent()).toBe('1.660');
    await page.getByRole('tab', { name: 'Phân bổ theo tiêu chí' }).click();
    await page.getByRole('textbox', { name: 'Tổng vốn cần chia' }).fill('2.398');
    await page.getByRole('textbox', { name: 'Hộ nghèo', exact: true }).fill('100');
    await expect.poll(() => page.getByTestId('alloc-status').textContent()).toContain('2.398');
    await page.getByRole('button', { name: /Sổ kế hoạch/ }).click();
    await page.getByRole('dialog').getByTestId('storage-status').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: 'Kế hoạch vốn' }).click();
    await wb.waitReady();
    await wb.waitSaved();
    phase = 'reload';
    await page.reload();
    await wb.waitReady();
    expect(await wb.text(TOTAL, 'plan')).toBe('13.791');

    const urls = seen.filter((s) => !s.url.startsWith('data:') && !s.url.startsWith('blob:'));
    expect(urls.length).toBeGreaterThan(3);
    expect(urls.filter((s) => new URL(s.url).origin !== origin)).toEqual([]);
    // During the edits: nothing but a chunk of the app's code; on reload, the app's own files.
    const path = (s: Seen) => new URL(s.url).pathname;
    expect(urls.filter((s) => s.phase === 'edits' && !/^\/assets\/[\w.-]+\.js$/.test(path(s)))).toEqual([]);
    const own = /^\/(|index\.html|assets\/[\w.-]+\.(js|css)|manifest\.webmanifest|sw\.js|workbox-\w+\.js|favicon\.svg|icons\/[\w-]+\.png)$/;
    expect(urls.filter((s) => s.phase === 'reload' && !own.test(path(s)))).toEqual([]);
    expect(urls.filter((s) => s.phase !== 'load' && s.type === 'fetch' && !s.fromServiceWorker)).toEqual([]);

    // Another origin is refused by the policy: the browser stops the request before it leaves.
    const failed: string[] = [];
    ctx.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    const blocked = await page.evaluate(async () => {
      const img = new Image();
      img.src = 'http://127.0.0.2:9/pixel.png';
      try {
        await fetch('http://127.0.0.2:9/data.json');
        return 'fetched';
      } catch {
        return 'blocked';
      }
    });
    expect(blocked).toBe('blocked');
    await expect
      .poll(() => violations)
      .toEqual(expect.arrayContaining([expect.stringMatching(/^connect-src http:\/\/127\.0\.0\.2:9/), expect.stringMatching(/^img-src http:\/\/127\.0\.0\.2:9/)]));
    // The app itself broke no rule of the policy: the only violations are the two made on purpose.
    expect(violations.filter((v) => !v.includes('127.0.0.2'))).toEqual([]);
    expect(failed).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.2:9\/pixel\.png (csp|net::ERR_BLOCKED_BY_CSP)$/)]);

    await ctx.close();
  });
});

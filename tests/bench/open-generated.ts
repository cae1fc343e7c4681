// The built app in Chromium on a generated workbook of n lines kept in IndexedDB (benchmarks).
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/browser';

/** `chunkSize` stores it as older workbooks were (1 000 lines to a chunk); today's 100 otherwise. */
export async function openGenerated(baseUrl: string, lines: number, chunkSize?: number): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(baseUrl + '?debug');
  await page.waitForFunction(() => (globalThis as any).planbench?.app?.session?.rollup);
  await page.evaluate(
    async ({ n, size }) => {
      const pb = (globalThis as any).planbench;
      await pb.open(await pb.generate(n, size));
    },
    { n: lines, size: chunkSize },
  );
  return { browser, page };
}

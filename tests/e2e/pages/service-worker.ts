// Waits for the built app's service worker: registered, every file precached, active.
import type { Page } from 'playwright-core';

export async function waitServiceWorker(page: Page): Promise<void> {
  const state = await page.evaluate(async () => {
    const ready = navigator.serviceWorker.ready.then((r) => r.active?.state ?? 'none');
    return Promise.race([ready, new Promise<string>((res) => setTimeout(() => res('no registration'), 15_000))]);
  });
  if (state === 'no registration') throw new Error('No service worker registered: is <UpdateNotice> mounted in App.svelte?');
  await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated');
}

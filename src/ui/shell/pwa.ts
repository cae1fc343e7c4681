// The service worker of the built app: registers it (it precaches every built file, so the app
// opens with the network off after the first visit) and reports a new version waiting. The new
// version is applied only when the user asks for it, after pending saves are written: never
// mid-edit, and never because another tab updated.
/// <reference types="vite-plugin-pwa/vanillajs" />
import { registerSW } from 'virtual:pwa-register';

export interface PwaEvents {
  /** A new version is installed and waiting for the user to reload. */
  onUpdateWaiting(): void;
}

export interface PwaControl {
  /** Runs `beforeReload` (e.g. writing pending saves), then activates the waiting version and reloads. */
  applyUpdate(beforeReload?: () => Promise<void> | void): Promise<void>;
}

/** How long to wait for the new version to take control before reloading anyway. */
const TAKEOVER_TIMEOUT_MS = 4000;

/** Registers the service worker once per page; later calls return the same control. */
export function registerPwa(events: PwaEvents): PwaControl {
  if (control) return control;
  let requested = false;
  const update = registerSW({
    immediate: true,
    onNeedRefresh: () => events.onUpdateWaiting(),
    // The new version took control. Reload only if this tab asked for it; when another tab did,
    // this one keeps its page (and any edit in progress) and shows the announcement instead.
    onNeedReload: () => (requested ? location.reload() : events.onUpdateWaiting()),
    onRegisterError: (err: unknown) => console.warn('Service worker not registered:', err),
  });
  control = {
    async applyUpdate(beforeReload) {
      requested = true;
      await beforeReload?.();
      await update();
      // If the takeover event never comes (the version was already active), reload anyway.
      setTimeout(() => location.reload(), TAKEOVER_TIMEOUT_MS);
    },
  };
  return control;
}

let control: PwaControl | null = null;

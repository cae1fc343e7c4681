import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Handsontable writes its core stylesheet into a <style> element when a grid starts (the same
 * rules as the handsontable.min.css the app imports). The policy allows exactly that text, by its
 * hash, read from the installed version, rather than any inline style.
 */
async function handsontableStyleHash(): Promise<string> {
  const css = createRequire(import.meta.url).resolve('handsontable/styles/handsontable.min.css');
  const mod = (await import(pathToFileURL(join(dirname(css), 'handsontableStyles.mjs')).href)) as { default: string };
  return `'sha256-${createHash('sha256').update(mod.default, 'utf8').digest('base64')}'`;
}

/**
 * The Content-Security-Policy of the built app: nothing but its own origin, for scripts, workers,
 * fetches, styles (and Handsontable's one stylesheet), fonts, images and the manifest. Built pages carry it as a <meta> tag and
 * `vite preview` also sends it as a header. The dev server goes without (its hot reload injects
 * inline styles).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  `style-src 'self' ${await handsontableStyleHash()}`,
  "font-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'planbench-csp-meta',
    apply: 'build',
    // Right after <meta charset>: a policy given by <meta> covers only what comes after it.
    transformIndexHtml(html) {
      const charset = /<meta charset="[^"]*" *\/?>/i.exec(html);
      if (!charset) throw new Error('index.html needs a <meta charset> for the Content-Security-Policy to follow');
      const at = charset.index + charset[0].length;
      return `${html.slice(0, at)}\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />${html.slice(at)}`;
    },
  };
}

export default defineConfig({
  plugins: [
    svelte(),
    contentSecurityPolicyMeta(),
    // Installable offline app: the service worker precaches every built file (app shell, worker
    // chunks, icons). A new version waits until the user chooses to reload (ui/shell/pwa.ts).
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      // The glob below already takes the icons: listing them again would precache them twice.
      includeAssets: [],
      includeManifestIcons: false,
      manifest: {
        name: 'Planbench — Kế hoạch vốn giảm nghèo bền vững',
        short_name: 'Planbench',
        description: 'Lập và theo dõi kế hoạch vốn Chương trình MTQG giảm nghèo bền vững',
        lang: 'vi',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#0b3d78',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // The main chunk (grid, charts, spreadsheet reader) is a few megabytes: precache it whole.
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2500,
    // Writing the service worker takes a few seconds after the bundle: expected, not worth a warning.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  // frame-ancestors cannot ride in a <meta> tag: only a header keeps other sites from framing the app.
  preview: {
    port: 4173,
    strictPort: true,
    host: '127.0.0.1',
    headers: { 'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`, 'X-Frame-Options': 'DENY' },
  },
  server: { port: 5173, host: '127.0.0.1' },
});

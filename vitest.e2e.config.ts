import { defineConfig } from 'vitest/config';

// Browser tests: Playwright drives Debian's Chromium against the built app served by `vite preview`.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.spec.ts'],
    environment: 'node',
    globalSetup: ['tests/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

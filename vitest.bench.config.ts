import { defineConfig } from 'vitest/config';

// Benchmarks: print figures, assert nothing. Browser figures use the built app in Debian's Chromium.
export default defineConfig({
  test: {
    include: ['tests/bench/**/*.bench-run.ts'],
    environment: 'node',
    globalSetup: ['tests/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});

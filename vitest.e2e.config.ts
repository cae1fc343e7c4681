import { defineConfig } from 'vitest/config';

// Browser tests: Playwright drives Debian's Chromium against the built app served by `vite preview`.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.spec.ts'],
    environment: 'node',
    globalSetup: ['tests/e2e/global-setup.ts'],
    // Two spec files at a time: most of a browser test is waiting (for a paint, a save, the worker),
    // so two share the two cores of the machines this runs on without either timing out.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // A browser test waits for what a user waits for (a recalculated total, a saved edit), never
    // for a time limit: on a loaded 2-core machine a second is not always enough.
    expect: { poll: { timeout: 10_000 } },
  },
});

import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Unit and integration tests run in Node; browser tests have their own config (vitest.e2e.config.ts).
export default defineConfig({
  // Compiles *.svelte.ts state modules (runes) so the state layer is tested in Node too.
  plugins: [svelte()],
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/server/**/*.test.ts'],
    environment: 'node',
    // Two files at a time on the two cores of the machines this runs on (the default is one fewer
    // than the cores): many of them wait on a server process, PostgreSQL or storage meanwhile.
    // No test may depend on having the machine to itself.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});

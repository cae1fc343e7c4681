import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Unit and integration tests run in Node; browser tests have their own config (vitest.e2e.config.ts).
export default defineConfig({
  // Compiles *.svelte.ts state modules (runes) so the state layer is tested in Node too.
  plugins: [svelte()],
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/server/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});

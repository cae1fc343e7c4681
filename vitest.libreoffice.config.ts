import { defineConfig } from 'vitest/config';

// The LibreOffice check (`npm run check:libreoffice`): Debian's LibreOffice Calc, headless, reads and
// writes our files. Kept out of `npm test` because starting LibreOffice takes a while.
export default defineConfig({
  test: {
    include: ['tests/libreoffice/**/*.check.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});

import { defineConfig } from 'vite';

// The headless command, bundled for Node from the same domain code the app and its worker use.
export default defineConfig({
  build: {
    ssr: 'src/cli/main.ts',
    outDir: 'dist-cli',
    target: 'node20',
    emptyOutDir: true,
    rollupOptions: { output: { format: 'es', entryFileNames: 'planbench.mjs' } },
  },
  logLevel: 'warn',
});

// Serves the built app (dist/) on a free loopback port for the browser tests.
import { preview } from 'vite';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject) {
  // DIST_DIR serves another build (e.g. one made while dist/ is in use); dist/ by default.
  const outDir = process.env.DIST_DIR ?? 'dist';
  if (!existsSync(`${outDir}/index.html`)) throw new Error(`${outDir}/ is missing: run \`npm run build\` before the browser tests.`);
  const server = await preview({ build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : 4173;
  project.provide('baseUrl', `http://127.0.0.1:${port}/`);
  return async () => {
    await server.close();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

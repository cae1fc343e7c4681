#!/usr/bin/env node
// Entry of `npx planbench`: builds the command from the sources on first use (or when they
// changed), and for `serve` the app too when it was never built, then runs it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist-cli', 'planbench.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const sources = [...['domain', 'io', 'cli'].map((d) => join(root, 'src', d)), join(root, 'server')];
if (!existsSync(built) || statSync(built).mtimeMs < Math.max(...sources.map(newestSource))) {
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'vite.cli.config.ts')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
if (process.argv[2] === 'serve' && !process.argv.some((a) => a.startsWith('--dist') || a.startsWith('--create-admin')) && !existsSync(join(root, 'dist', 'index.html'))) {
  process.stderr.write('Dựng ứng dụng lần đầu… / Building the app once…\n');
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
await import(pathToFileURL(built).href);

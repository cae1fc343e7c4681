// The built app (the `dist` folder of `vite build`) served from the same origin as the API: files
// by path (never outside the folder), index.html for any other page address (the app routes
// itself), hashed assets cached for a year, everything else revalidated, so a new version (and its
// service worker) is seen at once.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.woff2': 'font/woff2',
};

async function sendFile(reply: FastifyReply, path: string, immutable: boolean): Promise<FastifyReply> {
  const info = await stat(path);
  reply.header('content-type', TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream');
  reply.header('content-length', info.size);
  reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  return reply.send(createReadStream(path));
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Serves the folder at `/`, leaving `/api/` to the API. */
export function serveApp(app: FastifyInstance, dir: string): void {
  const root = resolve(dir);
  app.get('/*', async (req, reply) => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return reply.callNotFound();
    }
    if (pathname.startsWith('/api/') || pathname.includes('\0')) return reply.callNotFound();
    const file = resolve(join(root, pathname));
    const inside = file === root || file.startsWith(root + sep);
    if (inside && (await isFile(file))) return sendFile(reply, file, pathname.startsWith('/assets/'));
    // A page address (no file extension) is the app's own route; a missing file is missing.
    if (!extname(pathname)) return sendFile(reply, join(root, 'index.html'), false);
    return reply.callNotFound();
  });
}

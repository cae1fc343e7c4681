// `planbench serve` as an installation uses it: the first administrator created from the command
// line, then the app and the API on one loopback origin, on PGlite in a data folder that keeps
// the accounts across restarts; the built files served safely (no path outside the folder, page
// addresses answered with the app, framing forbidden).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdmin, parseServeOptions, startServer } from '../../src/cli/serve';

const dir = mkdtempSync(join(tmpdir(), 'pb-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('planbench serve', () => {
  it('reads its options, and refuses unknown ones', () => {
    expect(parseServeOptions(['--port', '0', '--data', 'd', '--trust-proxy'], {})).toMatchObject({ port: 0, dataDir: 'd', trustProxy: true, host: '127.0.0.1' });
    expect(parseServeOptions([], { PORT: '9000' })?.port).toBe(9000);
    expect(parseServeOptions(['--nope'], {})).toBeNull();
    expect(parseServeOptions(['--port'], {})).toBeNull();
  });

  it('creates the first administrator, then serves the app and the API on one origin from the data folder', async () => {
    const dist = join(dir, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Planbench</title>');
    writeFileSync(join(dist, 'assets', 'app-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'outside');
    const options = { ...parseServeOptions(['--port', '0', '--data', join(dir, 'data'), '--dist', dist], {})!, logger: false };
    const env = { PLANBENCH_ADMIN_PASSWORD: 'a long admin password', PLANBENCH_SCRYPT_N: '1024' };

    const notes: string[] = [];
    const first = await startServer(options, env, (s) => notes.push(s));
    await first.close();
    expect(notes.join('')).toMatch(/--create-admin/);

    const out: string[] = [];
    expect(
      await createAdmin(
        { ...options, createAdmin: 'Boss', province: 'Sở LĐ-TB&XH Lạng Sơn' },
        env,
        (s) => out.push(s),
        () => {},
      ),
    ).toBe(0);
    expect(out.join('')).toMatch(/"boss"/);

    const later: string[] = [];
    const server = await startServer(options, env, (s) => later.push(s));
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(later.join('')).not.toMatch(/--create-admin/);
      const page = await fetch(`${server.url}/plan/2024`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Planbench</title>');
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
      const asset = await fetch(`${server.url}/assets/app-abc123.js`);
      expect(asset.headers.get('cache-control')).toMatch(/immutable/);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
      expect((await fetch(`${server.url}/..%2fsecret.txt`)).status).toBe(404);
      expect((await fetch(`${server.url}/%2e%2e/secret.txt`)).status).toBe(404);
      const login = await fetch(`${server.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'BOSS', password: 'a long admin password' }),
      });
      expect(login.status).toBe(200);
      expect((await login.json()).user.org.name).toBe('Sở LĐ-TB&XH Lạng Sơn');
      expect(login.headers.get('cache-control')).toBe('no-store');
    } finally {
      await server.close();
    }
  }, 120_000);
});

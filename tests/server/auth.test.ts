// Logging in and staying logged in: wrong passwords refused, the limit on failed logins (kept in
// the database, per account and address), the session cookie's flags, CSRF on every write,
// expired and ended sessions, request validation, and the administration of accounts.

import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createFirstAdmin, hashPassword, verifyPassword } from '../../server/auth';
import type { Db } from '../../server/db';
import { DATABASES, useSeededServer, type SeededServer, logIn, PASSWORD, startApp, TEST_AUTH, unique } from './harness';

describe('password hashing', () => {
  it('accepts the password hashed and nothing else; the same password never hashes alike', async () => {
    const h1 = await hashPassword('mật khẩu dài', 2 ** 10);
    const h2 = await hashPassword('mật khẩu dài', 2 ** 10);
    expect(h1).not.toBe(h2);
    expect(h1).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('mật khẩu dài', h1)).toBe(true);
    expect(await verifyPassword('mật khẩu dài ', h1)).toBe(false);
    expect(await verifyPassword('mật khẩu dài', 'plain')).toBe(false);
  });
});

describe.each(DATABASES)('accounts on $name', (database) => {
  let db: Db;
  let app: FastifyInstance;
  let people: SeededServer['people'];
  useSeededServer(database, (s) => ({ db, app, people } = s));

  it('refuses a wrong password and an unknown user alike, in Vietnamese and English', async () => {
    for (const payload of [
      { username: people.editorA.me.username, password: 'wrong password' },
      { username: 'nobody-here', password: PASSWORD },
    ]) {
      const r = await app.inject({ method: 'POST', url: '/api/login', payload });
      expect(r.statusCode).toBe(401);
      expect(r.json().error).toMatchObject({ code: 'auth.invalid', message: { vi: 'Sai tên đăng nhập hoặc mật khẩu.', en: 'Wrong user name or password.' } });
      expect(r.cookies).toEqual([]);
    }
  });

  it('opens a session in an httpOnly, SameSite=Strict cookie and tells who is logged in', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/login', payload: { username: people.viewerA.me.username.toUpperCase(), password: PASSWORD } });
    expect(r.statusCode).toBe(200);
    const cookie = r.cookies.find((c) => c.name === 'planbench_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api' });
    expect(r.json().user).toMatchObject({ username: people.viewerA.me.username, role: 'viewer', org: { id: people.districtA, kind: 'district' } });
    const me = await app.inject({ url: '/api/me', headers: { cookie: `planbench_session=${cookie!.value}` } });
    expect(me.json().user.username).toBe(people.viewerA.me.username);
    expect(me.json().csrfToken).toBe(r.json().csrfToken);
  });

  it('refuses every login from an address after 5 failures for that account, even the right one; other addresses and accounts still log in', async () => {
    const username = unique('limited');
    await people.admin.send('/api/admin/users', { orgId: people.districtA, username, displayName: 'L', role: 'viewer', password: PASSWORD });
    for (let i = 0; i < 5; i++) {
      const r = await app.inject({ method: 'POST', url: '/api/login', payload: { username, password: 'nope nope' }, remoteAddress: '10.0.0.7' });
      expect(r.statusCode).toBe(401);
    }
    const blocked = await app.inject({ method: 'POST', url: '/api/login', payload: { username, password: PASSWORD }, remoteAddress: '10.0.0.7' });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('auth.rate-limited');
    expect(blocked.json().error.message.en).toMatch(/try again in 15 minutes/);
    await expect(logIn(app, username, PASSWORD, '10.0.0.8')).resolves.toBeDefined();
    await expect(logIn(app, people.editorA.me.username, PASSWORD, '10.0.0.7')).resolves.toBeDefined();
    // The count lives in the database: another process on it refuses too.
    const rows = await db.query<{ failures: number }>('select failures from login_failures where username = $1', [username]);
    expect(rows).toEqual([{ failures: 5 }]);
  });

  it('forgets failed logins once one succeeds', async () => {
    const username = unique('forgetful');
    await people.admin.send('/api/admin/users', { orgId: people.districtA, username, displayName: 'F', role: 'viewer', password: PASSWORD });
    for (let i = 0; i < 4; i++) await app.inject({ method: 'POST', url: '/api/login', payload: { username, password: 'nope nope' } });
    await logIn(app, username);
    for (let i = 0; i < 4; i++) await app.inject({ method: 'POST', url: '/api/login', payload: { username, password: 'nope nope' } });
    await expect(logIn(app, username)).resolves.toBeDefined();
  });

  it('refuses a write without the CSRF token, or with another session’s, and takes it with its own', async () => {
    const editor = people.editorA;
    const body = { name: 'Sổ', year: 2024 };
    const none = await app.inject({ method: 'POST', url: '/api/workbooks', payload: body, headers: { cookie: editor.cookie } });
    expect(none.statusCode).toBe(403);
    expect(none.json().error.code).toBe('csrf.invalid');
    const other = await app.inject({ method: 'POST', url: '/api/workbooks', payload: body, headers: { cookie: editor.cookie, 'x-csrf-token': people.editorB.csrf } });
    expect(other.statusCode).toBe(403);
    expect((await editor.post('/api/workbooks', body)).statusCode).toBe(201);
  });

  it('takes JSON bodies only: a form or text body (which any page can send) is refused', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/login', payload: 'username=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.statusCode).toBe(415);
    expect(r.json().error.code).toBe('request.unsupported-type');
    const t = await app.inject({ method: 'POST', url: '/api/login', payload: '{"username":"a","password":"b"}', headers: { 'content-type': 'text/plain' } });
    expect(t.statusCode).toBe(415);
  });

  it('asks to log in again once the session has expired or ended', async () => {
    const username = unique('expiring');
    await people.admin.send('/api/admin/users', { orgId: people.districtA, username, displayName: 'E', role: 'viewer', password: PASSWORD });
    const agent = await logIn(app, username);
    expect((await agent.get('/api/me')).statusCode).toBe(200);
    await db.query(`update sessions set expires_at = now() - interval '1 second' where user_id = $1`, [agent.me.id]);
    const stale = await agent.get('/api/me');
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error.code).toBe('auth.session-expired');
    const fresh = await logIn(app, username);
    expect((await fresh.post('/api/logout')).statusCode).toBe(204);
    expect((await fresh.get('/api/me')).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/me' })).json().error.code).toBe('auth.required');
  });

  it('refuses a body that does not fit, saying where, and an unknown field', async () => {
    const r = await people.editorA.post('/api/workbooks', { name: '', year: 'năm nay' });
    expect(r.statusCode).toBe(400);
    const error = r.json().error;
    expect(error.code).toBe('request.invalid');
    expect(error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['name', 'year']);
    expect(error.message.vi).toMatch(/^Yêu cầu không hợp lệ: /);
    const extra = await people.editorA.post('/api/workbooks', { name: 'Sổ', year: 2024, owner: 'someone else' });
    expect(extra.statusCode).toBe(400);
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/workbooks',
      payload: '{"name":',
      headers: { 'content-type': 'application/json', cookie: people.editorA.cookie, 'x-csrf-token': people.editorA.csrf },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('request.invalid');
  });

  it('refuses an oversized body before reading it', async () => {
    const small = await startApp(db, { bodyLimit: 10_000 });
    try {
      const agent = await logIn(small, people.editorA.me.username);
      const r = await agent.post('/api/workbooks', { name: 'x'.repeat(20_000), year: 2024 });
      expect(r.statusCode).toBe(413);
      expect(r.json().error.code).toBe('request.too-large');
    } finally {
      await small.close();
    }
  });

  it('lets a province’s administrator create districts and accounts in them; nobody else creates any', async () => {
    const orgs = await people.admin.json('/api/admin/organisations');
    expect(orgs.organisations.map((o: { id: string }) => o.id).sort()).toEqual([people.provinceId, people.districtA, people.districtB].sort());
    expect(
      (await people.editorA.post('/api/admin/users', { orgId: people.districtA, username: unique('x'), displayName: 'X', role: 'admin', password: PASSWORD })).statusCode,
    ).toBe(403);
    expect((await people.provinceReviewer.post('/api/admin/organisations', { name: 'Huyện C' })).statusCode).toBe(403);
    const taken = await people.admin.post('/api/admin/users', {
      orgId: people.districtA,
      username: people.editorA.me.username.toUpperCase(),
      displayName: 'X',
      role: 'viewer',
      password: PASSWORD,
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('user.exists');
    // Another province's administrator cannot reach this province's districts.
    const otherAdmin = unique('admin');
    await createFirstAdmin(db, { provinceName: unique('Tỉnh khác '), username: otherAdmin, password: PASSWORD }, TEST_AUTH.scryptN);
    const other = await logIn(app, otherAdmin);
    const r = await other.post('/api/admin/users', { orgId: people.districtA, username: unique('x'), displayName: 'X', role: 'editor', password: PASSWORD });
    expect(r.statusCode).toBe(404);
    expect((await other.json('/api/admin/users')).users.map((u: { orgId: string }) => u.orgId)).not.toContain(people.districtA);
    const short = await people.admin.post('/api/admin/users', { orgId: people.districtA, username: unique('x'), displayName: 'X', role: 'viewer', password: 'short' });
    expect(short.statusCode).toBe(400);
  });

  it('answers health checks without a session, and unknown addresses with 404', async () => {
    expect((await app.inject({ url: '/api/health' })).json()).toEqual({ ok: true });
    expect((await people.viewerA.get('/api/nothing-here')).statusCode).toBe(404);
  });
});

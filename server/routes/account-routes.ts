// Logging in and out, who I am, and the administration of organisations and accounts: a province's
// administrator creates its districts and the accounts of both; a district's administrator the
// accounts of that district.

import type { FastifyInstance } from 'fastify';
import { authoriseAdmin, authoriseOrganisation } from '../access';
import { createUser, endSession, logIn, newId, type SessionUser } from '../auth';
import { answer, refuse, userOf, type AppContext } from '../context';
import { done } from '../messages';
import { check, loginBody, newOrganisationBody, newUserBody } from '../schemas';

export const SESSION_COOKIE = 'planbench_session';

/** What the browser is told of the logged-in user (and the CSRF token it must send back). */
function me(user: SessionUser) {
  return {
    user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role, org: user.org },
    csrfToken: user.csrfToken,
    expiresAt: user.expiresAt.toISOString(),
  };
}

export function registerAccountRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;

  app.get('/api/health', async () => {
    await db.query('select 1');
    return { ok: true };
  });

  app.post('/api/login', async (req, reply) => {
    const body = check(loginBody, req.body);
    if (!body.ok) return refuse(req, reply, body.error);
    const r = await logIn(db, { ...body.value, ip: req.ip }, ctx.auth);
    if (!r.ok) return refuse(req, reply, { ...r.error, params: { ...r.error.params, username: body.value.username } });
    reply.setCookie(SESSION_COOKIE, r.value.token, { path: '/api', httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies, maxAge: ctx.auth.sessionHours * 3600 });
    req.log.info({ user: r.value.user.username }, 'logged in');
    return me(r.value.user);
  });

  app.post('/api/logout', async (req, reply) => {
    if (req.sessionToken) await endSession(db, req.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/api' });
    return reply.code(204).send();
  });

  app.get('/api/me', async (req) => me(userOf(req)));

  app.get('/api/admin/organisations', async (req, reply) => {
    const user = userOf(req);
    const allowed = authoriseAdmin(user, 'users');
    if (!allowed.ok) return refuse(req, reply, allowed.error);
    const rows = await db.query<{ id: string; kind: string; parent_id: string | null; name: string }>(
      'select id, kind, parent_id, name from organisations where id = $1 or parent_id = $1 order by parent_id nulls first, name',
      [user.org.id],
    );
    return { organisations: rows.map((r) => ({ id: r.id, kind: r.kind, parentId: r.parent_id, name: r.name })) };
  });

  app.post('/api/admin/organisations', async (req, reply) => {
    const user = userOf(req);
    const allowed = authoriseAdmin(user, 'districts');
    if (!allowed.ok) return refuse(req, reply, allowed.error);
    const body = check(newOrganisationBody, req.body);
    if (!body.ok) return refuse(req, reply, body.error);
    const id = newId();
    await db.query(`insert into organisations (id, kind, parent_id, name) values ($1, 'district', $2, $3)`, [id, user.org.id, body.value.name]);
    return reply.code(201).send({ organisation: { id, kind: 'district', parentId: user.org.id, name: body.value.name } });
  });

  app.get('/api/admin/users', async (req, reply) => {
    const user = userOf(req);
    const allowed = authoriseAdmin(user, 'users');
    if (!allowed.ok) return refuse(req, reply, allowed.error);
    const rows = await db.query<{ id: string; org_id: string; username: string; display_name: string; role: string; disabled: boolean }>(
      `select u.id, u.org_id, u.username, u.display_name, u.role, u.disabled from users u join organisations o on o.id = u.org_id
        where o.id = $1 or o.parent_id = $1 order by u.username`,
      [user.org.id],
    );
    return { users: rows.map((r) => ({ id: r.id, orgId: r.org_id, username: r.username, displayName: r.display_name, role: r.role, disabled: r.disabled })) };
  });

  app.post('/api/admin/users', async (req, reply) => {
    const user = userOf(req);
    const body = check(newUserBody, req.body);
    if (!body.ok) return refuse(req, reply, body.error);
    const org = await authoriseOrganisation(db, user, body.value.orgId);
    if (!org.ok) return refuse(req, reply, org.error);
    const created = await createUser(db, body.value, ctx.auth.scryptN);
    if (!created.ok) return refuse(req, reply, created.error);
    req.log.info({ admin: user.username, created: created.value.username, role: body.value.role }, 'user created');
    const { orgId, displayName, role } = body.value;
    return answer(req, reply, done({ user: { id: created.value.id, orgId, username: created.value.username, displayName, role, disabled: false } }), 201);
  });
}

// Browsers against a server in this process: a fetch that keeps the session cookie as a browser
// does, and can be cut off like a network; an AppState logged in with it on its own IndexedDB.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { AppState } from '../../src/state/app.svelte';
import type { Db } from '../../server/db';
import { DATABASES, PASSWORD, seedProvince, startApp, unique } from '../server/harness';

let seq = 0;

/**
 * A fetch that keeps the session cookie, as a browser does, and can be cut off like a network
 * (`net.offline`) or left unanswered (`net.hang`, a tab closed midway); `before` may rewrite a
 * request's address or wait before it goes.
 */
export function browserFetch(before: (url: string) => Promise<string> | string = (url) => url) {
  let cookie = '';
  const net = { offline: false, hang: false };
  const fetchFn = async (url: string, init: RequestInit = {}) => {
    url = await before(url);
    if (net.hang) return new Promise<Response>(() => {});
    if (net.offline) throw new TypeError('fetch failed');
    const res = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0];
      if (pair.startsWith('planbench_session=')) cookie = pair.endsWith('=') ? '' : pair;
    }
    return res;
  };
  return { fetchFn, net };
}

/** A started browser (the demo workbook open) logged in to `origin` as `user`; throws when the login is refused. */
export async function browserAs(origin: string, user: string, apps: AppState[]) {
  const { fetchFn, net } = browserFetch();
  const dbName = `browser-${Date.now()}-${seq++}`;
  const app = new AppState(dbName, fetchFn);
  apps.push(app);
  await app.start();
  const login = await app.logIn(origin, user, PASSWORD);
  if (!login.ok) throw new Error(`login ${user}: ${login.error.code}`);
  return { app, net, dbName, fetchFn, api: app.server(origin) };
}

/** A browser of `user` that opens from the server the workbook `shared` shares (its open one), with the server's listing of it. */
export async function openSharedIn(origin: string, user: string, apps: AppState[], shared: Awaited<ReturnType<typeof browserAs>>) {
  expect((await shared.app.shareOpen(shared.api)).ok).toBe(true);
  await shared.app.shared!.idle();
  const b = await browserAs(origin, user, apps);
  const wb = await b.api.workbook(shared.app.session!.workbook.id);
  if (!wb.ok) throw new Error(wb.error.code);
  expect((await b.app.openFromServer(b.api, wb.value.workbook)).ok).toBe(true);
  return { b, wb: wb.value.workbook };
}

/**
 * A server on PGlite listening at 127.0.0.1 for the tests of the calling file, with a seeded
 * province and two editors of one district (`users`: its seeded editor, then "Chị Lan"); the
 * browsers a test starts go in `apps` and stop after the file. Read the fields in the tests (they
 * are set before the first runs).
 */
export function useDistrictServer(): { db: Db; server: FastifyInstance; origin: string; users: string[]; apps: AppState[] } {
  const env = { db: null as unknown as Db, server: null as unknown as FastifyInstance, origin: '', users: [] as string[], apps: [] as AppState[] };
  beforeAll(async () => {
    env.db = await DATABASES[0].open();
    env.server = await startApp(env.db, { heartbeatMs: 60_000 });
    const people = await seedProvince(env.server, env.db);
    env.users = [people.editorA.me.username, unique('editor')];
    await people.admin.send('/api/admin/users', { orgId: people.districtA, username: env.users[1], displayName: 'Chị Lan', role: 'editor', password: PASSWORD });
    await env.server.listen({ host: '127.0.0.1', port: 0 });
    env.origin = `http://127.0.0.1:${(env.server.server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    for (const a of env.apps) {
      a.shared?.stop();
      a.stopFollowing();
    }
    // The close waits for requests in flight (a push, a stream being opened), which a loaded machine
    // slows; a connection a stopped browser still holds open after 10 s is cut, so the file ends.
    const cut = setTimeout(() => env.server?.server.closeAllConnections(), 10_000);
    await env.server?.close();
    clearTimeout(cut);
    await env.db?.close();
  }, 60_000);
  return env;
}

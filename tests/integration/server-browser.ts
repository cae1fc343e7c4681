// Browsers against a server in this process: a fetch that keeps the session cookie as a browser
// does, and can be cut off like a network; an AppState logged in with it on its own IndexedDB.
import 'fake-indexeddb/auto';
import { AppState } from '../../src/state/app.svelte';
import { PASSWORD } from '../server/harness';

let seq = 0;

/** A fetch that keeps the session cookie, as a browser does, and can be cut off like a network. */
export function browserFetch() {
  let cookie = '';
  const net = { offline: false };
  const fetchFn = async (url: string, init: RequestInit = {}) => {
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

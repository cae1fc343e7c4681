// `planbench serve` in a process of its own, as an installation runs it, which a test can kill
// without warning (SIGKILL: nothing flushed, nothing closed) and start again on the same data and
// the same port: on PGlite in a data folder, or on the PostgreSQL that PLANBENCH_TEST_PG_URL names
// (in a database of its own, dropped after). An editor of one district is made through the API.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { AppState } from '../../src/state/app.svelte';
import type { PulledOperation } from '../../src/domain/sync';
import type { ServerApi } from '../../src/net/server-api';
import { PASSWORD } from '../server/harness';

const PG_URL = process.env.PLANBENCH_TEST_PG_URL;

/** The engines a killed server is tried on: PGlite always, PostgreSQL when a test cluster is there. */
export const ENGINES: ('PGlite' | 'PostgreSQL')[] = PG_URL ? ['PGlite', 'PostgreSQL'] : ['PGlite'];

/** A server process on its data: where it answers, and how to kill it, start it again, and stop it for good. */
export interface ServerProcess {
  readonly origin: string;
  /** SIGKILL, then waits for the process to be gone. */
  kill(): Promise<void>;
  /** Starts it again on the same data and port; resolves once it listens. */
  start(): Promise<void>;
  /** Stops it (if running) and removes its data. */
  dispose(): Promise<void>;
  /** How many times it was started. */
  readonly starts: number;
  /** On PostgreSQL, the name of its database. */
  readonly database: string | null;
}

const ADMIN = 'boss';

/** A migrated server with its first administrator, listening at 127.0.0.1 on a free port. */
export async function startServerProcess(engine: 'PGlite' | 'PostgreSQL'): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'pb-proc-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PLANBENCH_SCRYPT_N: '1024', PLANBENCH_ADMIN_PASSWORD: PASSWORD };
  delete env.DATABASE_URL;
  let dbName: string | null = null;
  if (engine === 'PostgreSQL') {
    dbName = `pb_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    await adminQuery(`create database ${dbName}`);
    const url = new URL(PG_URL!);
    url.pathname = `/${dbName}`;
    env.DATABASE_URL = url.toString();
  }
  await builtOnce();
  const args = ['bin/planbench.mjs', 'serve', '--data', join(dir, 'data'), '--dist', join(dir, 'no-app'), '--host', '127.0.0.1'];
  const made = spawnSync(process.execPath, [...args, '--create-admin', ADMIN, '--province', 'Sở LĐ-TB&XH Lạng Sơn'], { env, encoding: 'utf8', timeout: 120_000 });
  if (made.status !== 0) throw new Error(`create-admin: ${made.stderr}`);

  let child: ChildProcess | null = null;
  let port = 0;
  let starts = 0;
  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, [...args, '--port', String(port)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      child = p;
      let err = '';
      let listening = false;
      p.stderr!.setEncoding('utf8');
      p.stderr!.on('data', (s: string) => {
        err += s;
        const m = listening ? null : /Planbench: http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
        if (m) {
          listening = true;
          port = Number(m[1]);
          starts++;
          resolve();
        }
      });
      p.once('exit', (code, signal) => {
        if (child === p) child = null;
        reject(new Error(`server exited (${code ?? signal}) before listening: ${err}`));
      });
    });
  const stopChild = async (signal: NodeJS.Signals) => {
    const p = child as ChildProcess | null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((done) => p.once('exit', done));
    p.kill(signal);
    // A stop that hangs (a connection it waits for) must not hold the test run: killed after 20 s.
    const late = setTimeout(() => p.kill('SIGKILL'), 20_000);
    await gone;
    clearTimeout(late);
  };
  await launch();
  return {
    get origin() {
      return `http://127.0.0.1:${port}`;
    },
    get starts() {
      return starts;
    },
    database: dbName,
    kill: () => stopChild('SIGKILL'),
    start: launch,
    async dispose() {
      await stopChild('SIGTERM');
      if (dbName) await adminQuery(`drop database if exists ${dbName} with (force)`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Has bin/planbench.mjs build the command line if its sources changed, one test file at a time (two
 * files building into dist-cli together would empty it under each other), behind a lock folder.
 */
async function builtOnce(): Promise<void> {
  const lock = join(tmpdir(), `planbench-cli-build-${createHash('sha256').update(process.cwd()).digest('hex').slice(0, 12)}.lock`);
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another file is building; a lock older than two minutes was left by a run that died.
      if (waited > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    spawnSync(process.execPath, ['bin/planbench.mjs', 'help'], { stdio: 'ignore', timeout: 120_000 });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A statement on the test cluster's own database (creating and dropping a test's database). */
/**
 * A server process of the given engine for the tests of the calling block, with an editor of the
 * seeded district (`editor`); the browsers a test starts go in `apps` and stop after the block.
 * Read the fields in the tests (they are set before the first runs).
 */
export function useServerProcess(engine: 'PGlite' | 'PostgreSQL'): { server: ServerProcess; editor: string; apps: AppState[] } {
  const env = { server: null as unknown as ServerProcess, editor: '', apps: [] as AppState[] };
  beforeAll(async () => {
    env.server = await startServerProcess(engine);
    env.editor = await addEditor(env.server.origin);
  }, 180_000);
  afterAll(async () => {
    for (const a of env.apps) a.shared?.stop();
    await env.server?.dispose();
  }, 60_000);
  return env;
}

export async function adminQuery(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** Through the administrator's login, a district and an editor in it; the editor's user name. */
export async function addEditor(origin: string): Promise<string> {
  const login = await fetch(`${origin}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ADMIN, password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`admin login: ${login.status}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('planbench_session='))!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const send = async (path: string, body: unknown) => {
    const r = await fetch(origin + path, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify(body) });
    if (r.status !== 200 && r.status !== 201) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as Record<string, any>;
  };
  const org = await send('/api/admin/organisations', { name: 'Huyện Cao Lộc' });
  const username = `editor_${randomUUID().slice(0, 6)}`;
  await send('/api/admin/users', { orgId: org.organisation.id, username, displayName: 'Anh Minh', role: 'editor', password: PASSWORD });
  return username;
}

/** Every operation of a workbook's log, in order. */
export async function wholeLog(api: ServerApi, workbookId: string): Promise<PulledOperation[]> {
  const all: PulledOperation[] = [];
  for (let since = 0; ;) {
    const r = await api.pull(workbookId, since, 1000);
    if (!r.ok) throw new Error(r.error.code);
    all.push(...r.value.ops);
    if (!r.value.more || !r.value.ops.length) return all;
    since = r.value.ops[r.value.ops.length - 1].seq;
  }
}

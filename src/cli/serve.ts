// `planbench serve`: the built app and the shared-workbook API on one origin, on PostgreSQL at
// DATABASE_URL when set, else on an embedded PostgreSQL (PGlite) in a data folder, nothing to
// install. `--create-admin NAME` creates the first administrator (and the province office) and
// exits; the password comes from PLANBENCH_ADMIN_PASSWORD or the first line of standard input.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app';
import { createFirstAdmin, DEFAULT_AUTH, hasNoUsers } from '../../server/auth';
import { openDb, type Db } from '../../server/db';
import { describeRefusal } from '../../server/messages';
import { migrate } from '../../server/migrate';

export interface ServeOptions {
  port: number;
  host: string;
  dataDir: string;
  distDir: string;
  trustProxy: boolean;
  createAdmin?: string;
  province: string;
}

/** The folder of Planbench's package.json, above this module wherever the build put it. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++, dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'planbench') return dir;
    } catch {
      // No package.json here: one folder up.
    }
  }
  return process.cwd();
}

/** The options of `serve`; null when one is unknown or lacks its value. */
export function parseServeOptions(args: string[], env: NodeJS.ProcessEnv): ServeOptions | null {
  const o: ServeOptions = {
    port: Number(env.PORT ?? 8080),
    host: '127.0.0.1',
    dataDir: 'planbench-data',
    distDir: join(packageRoot(), 'dist'),
    trustProxy: false,
    province: 'Sở Lao động - Thương binh và Xã hội',
  };
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].replace(/^--/, '').split('=', 2);
    if (!args[i].startsWith('--')) return null;
    if (name === 'trust-proxy') {
      o.trustProxy = true;
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || value === '') return null;
    if (name === 'port' && /^\d+$/.test(value) && Number(value) < 65536) o.port = Number(value);
    else if (name === 'host') o.host = value;
    else if (name === 'data') o.dataDir = value;
    else if (name === 'dist') o.distDir = value;
    else if (name === 'create-admin') o.createAdmin = value;
    else if (name === 'province') o.province = value;
    else return null;
  }
  return Number.isInteger(o.port) ? o : null;
}

async function openFrom(o: ServeOptions, env: NodeJS.ProcessEnv): Promise<Db> {
  const db = await openDb(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: resolve(o.dataDir) });
  await migrate(db);
  return db;
}

/** The first line of standard input (the password, piped or typed). */
function readPassword(env: NodeJS.ProcessEnv): string {
  if (env.PLANBENCH_ADMIN_PASSWORD) return env.PLANBENCH_ADMIN_PASSWORD;
  try {
    return readFileSync(0, 'utf8').split(/\r?\n/)[0] ?? '';
  } catch {
    return '';
  }
}

/** Creates the first administrator; the exit code (0 done, 1 refused). */
export async function createAdmin(o: ServeOptions & { createAdmin: string }, env: NodeJS.ProcessEnv, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const password = readPassword(env);
  if (password.length < 10) {
    err(
      'Mật khẩu cần ít nhất 10 ký tự (PLANBENCH_ADMIN_PASSWORD hoặc dòng đầu của stdin).\nThe password needs at least 10 characters (PLANBENCH_ADMIN_PASSWORD or the first line of stdin).\n',
    );
    return 1;
  }
  const db = await openFrom(o, env);
  try {
    const r = await createFirstAdmin(db, { provinceName: o.province, username: o.createAdmin, password });
    if (!r.ok) {
      const { message } = describeRefusal(r.error).body.error;
      err(`${message.vi}\n${message.en}\n`);
      return 1;
    }
    out(`Đã tạo quản trị viên "${o.createAdmin.toLowerCase()}" của "${o.province}". / Administrator "${o.createAdmin.toLowerCase()}" of "${o.province}" created.\n`);
    return 0;
  } finally {
    await db.close();
  }
}

/** A running server: its address, and how to stop it. */
export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Starts the server (migrating the database first); says on stderr where it listens and, on an installation without users, how to create the first. */
export async function startServer(o: ServeOptions & { logger?: boolean }, env: NodeJS.ProcessEnv, note: (s: string) => void): Promise<RunningServer> {
  const logger = o.logger ?? true;
  const db = await openFrom(o, env);
  const built = existsSync(join(o.distDir, 'index.html'));
  const app = await buildApp({
    db,
    logger,
    staticDir: built ? o.distDir : undefined,
    trustProxy: o.trustProxy,
    auth: env.PLANBENCH_SCRYPT_N ? { scryptN: Number(env.PLANBENCH_SCRYPT_N) } : DEFAULT_AUTH,
  });
  const address = await app.listen({ host: o.host, port: o.port });
  const where = env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `PGlite, ${resolve(o.dataDir)}`;
  note(`Planbench: ${address}/ — ${where}\n`);
  if (!built)
    note(`Chưa có bản dựng của ứng dụng ở ${o.distDir} (npm run build): chỉ chạy API. / The app is not built in ${o.distDir} (npm run build): serving the API only.\n`);
  if (await hasNoUsers(db)) {
    note(
      'Chưa có tài khoản nào. Dừng máy chủ rồi tạo quản trị viên đầu tiên: / No accounts yet. Stop the server and create the first administrator:\n' +
        '  PLANBENCH_ADMIN_PASSWORD=… npx planbench serve --create-admin TÊN --province "Sở LĐ-TB&XH …"\n',
    );
  }
  return {
    app,
    url: address,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/** `planbench serve`: runs until SIGINT or SIGTERM; the exit code. */
export async function serve(args: string[], env: NodeJS.ProcessEnv, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const o = parseServeOptions(args, env);
  if (!o) return 2;
  if (o.createAdmin !== undefined) return createAdmin({ ...o, createAdmin: o.createAdmin }, env, out, err);
  const server = await startServer(o, env, err);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

// The shared-workbook server under load (issue 17): 200 logged-in users of one district, each
// pushing an edit a second to one shared workbook for 60 s over loopback HTTP, some holding the live
// stream open, on PGlite (a data folder, as `planbench serve` runs) and on PostgreSQL (when
// DATABASE_URL or PLANBENCH_TEST_PG_URL names one: `bash scripts/postgres.sh npx vitest run
// --config vitest.bench.config.ts tests/bench/server.bench-run.ts`). The clients run in a process
// of their own (load-clients.mjs) and time each push; the server notes its own time per push.
// PLANBENCH_LOAD_SECONDS, PLANBENCH_LOAD_CLIENTS and PLANBENCH_LOAD_STREAMS shorten or reshape a run;
// PLANBENCH_LOAD_PGLITE=memory keeps PGlite's data in memory.
import { describe, it } from 'vitest';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app';
import { createFirstAdmin } from '../../server/auth';
import { openDb, type Db } from '../../server/db';
import { migrate } from '../../server/migrate';
import { logIn, PASSWORD, sharedWorkbook, TEST_AUTH } from '../server/harness';
import { median, percentile, report } from './stats';

const SECONDS = Number(process.env.PLANBENCH_LOAD_SECONDS ?? 60);
const CLIENTS = Number(process.env.PLANBENCH_LOAD_CLIENTS ?? 200);
const STREAMS = Number(process.env.PLANBENCH_LOAD_STREAMS ?? 50);
const PG_URL = process.env.DATABASE_URL ?? process.env.PLANBENCH_TEST_PG_URL;

interface ClientResult {
  latencies: number[];
  errors: string[];
  late: number;
  delivery: number[];
  events: number;
  streamErrors: number;
  wallMs: number;
  clientCpuMs: number;
}

/** A district with CLIENTS editors logged in, and a workbook of theirs with one line for each. */
async function seed(app: FastifyInstance, db: Db) {
  const made = await createFirstAdmin(db, { provinceName: 'Tỉnh Lạng Sơn', username: 'admin', password: PASSWORD }, TEST_AUTH.scryptN);
  if (!made.ok) throw new Error(made.error.code);
  const admin = await logIn(app, 'admin');
  const orgId = (await admin.send('/api/admin/organisations', { name: 'Huyện Cao Lộc' })).organisation.id as string;
  const agents = [];
  for (let i = 0; i < CLIENTS; i++) {
    const username = `editor${i}`;
    await admin.send('/api/admin/users', { orgId, username, displayName: `Biên tập ${i}`, role: 'editor', password: PASSWORD });
    agents.push(await logIn(app, username));
  }
  const wb = await sharedWorkbook(agents[0], CLIENTS);
  const [{ last_seq }] = await db.query<{ last_seq: number }>('select last_seq from workbooks where id = $1', [wb.id]);
  return { agents, wb, lastSeq: last_seq };
}

async function runLoad(name: string, db: Db): Promise<void> {
  await migrate(db);
  const app = await buildApp({ db, auth: TEST_AUTH, channel: `ops_${randomUUID().replace(/-/g, '').slice(0, 12)}` });
  const serverMs: number[] = [];
  let measuring = false;
  app.addHook('onResponse', async (req, reply) => {
    if (measuring && req.method === 'POST' && req.url.endsWith('/ops')) serverMs.push(reply.elapsedTime);
  });
  await app.ready();
  try {
    const { agents, wb, lastSeq } = await seed(app, db);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const users = agents.map((a, i) => ({ cookie: a.cookie, csrf: a.csrf, line: wb.lines[i], lastSeq }));
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const load0 = loadavg()[0];
    const cpu0 = process.cpuUsage();
    measuring = true;
    loop.enable();
    const clients = fork(fileURLToPath(new URL('./load-clients.mjs', import.meta.url)), { serialization: 'advanced' });
    const r = await new Promise<ClientResult>((resolve, reject) => {
      clients.once('message', (m) => resolve(m as ClientResult));
      clients.once('error', reject);
      clients.once('exit', (code) => reject(new Error(`the clients' process ended (${code})`)));
      clients.send({ origin, workbookId: wb.id, scenarioId: wb.scenarioId, users, seconds: SECONDS, streams: STREAMS });
    });
    loop.disable();
    measuring = false;
    const cpu = process.cpuUsage(cpu0);
    const load1 = loadavg()[0];
    const [{ count }] = await db.query<{ count: number }>('select count(*)::int as count from ops where workbook_id = $1', [wb.id]);
    const l = r.latencies;
    const cpuPct = ((cpu.user + cpu.system) / 1000 / r.wallMs) * 100;
    report(`server under load, ${name}: ${CLIENTS} clients × 1 push/s for ${SECONDS} s, ${STREAMS} live streams (load average ${load0.toFixed(1)} → ${load1.toFixed(1)})`, [
      ['pushes answered (per second)', `${l.length} (${((l.length / r.wallMs) * 1000).toFixed(0)}/s)`, '', `${CLIENTS * SECONDS}`],
      ['errors', r.errors.length, '', '0'],
      ['push latency at the client, p50', median(l), 'ms', ''],
      ['… p95', percentile(l, 95), 'ms', '≤ 100 ms'],
      ['… p99', percentile(l, 99), 'ms', ''],
      ['… max', Math.max(...l), 'ms', ''],
      ['push time in the server (Fastify elapsed), p50 / p95', `${median(serverMs).toFixed(1)} / ${percentile(serverMs, 95).toFixed(1)}`, 'ms', ''],
      ['pushes sent more than 50 ms after their second (the previous one still running)', r.late, '', ''],
      ['push → operation received on a live stream, p50 / p95', `${median(r.delivery).toFixed(1)} / ${percentile(r.delivery, 95).toFixed(1)}`, 'ms', ''],
      ['operations delivered on the streams (events)', `${r.delivery.length} (${r.events})`, '', `${STREAMS} × pushes`],
      ['server process CPU (Fastify and the database; PostgreSQL’s own processes not counted)', cpuPct, '% of one core', ''],
      ['the clients’ process CPU', (r.clientCpuMs / r.wallMs) * 100, '% of one core', ''],
      ['event loop delay p50 / p99 / max', `${(loop.percentile(50) / 1e6).toFixed(1)} / ${(loop.percentile(99) / 1e6).toFixed(1)} / ${(loop.max / 1e6).toFixed(1)}`, 'ms', ''],
      ['operations stored in the log', count, '', ''],
    ]);
    if (r.errors.length) console.log(`first errors (${name}):\n${[...new Set(r.errors)].slice(0, 5).join('\n')}`);
  } finally {
    await app.close();
  }
}

describe('shared-workbook server under load', () => {
  it('PGlite (a data folder)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planbench-load-'));
    const db = await openDb(process.env.PLANBENCH_LOAD_PGLITE === 'memory' ? {} : { dataDir: dir });
    try {
      await runLoad('PGlite', db);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL', async () => {
    if (!PG_URL) {
      console.log('PostgreSQL skipped: no DATABASE_URL or PLANBENCH_TEST_PG_URL (run it under bash scripts/postgres.sh).');
      return;
    }
    const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const db = await openDb({ url: PG_URL, schema });
    try {
      await runLoad('PostgreSQL', db);
    } finally {
      await db.query(`drop schema if exists "${schema}" cascade`);
      await db.close();
    }
  });
});

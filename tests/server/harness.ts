// The server under test: the databases every suite runs on (PGlite in memory always; a real
// PostgreSQL too when PLANBENCH_TEST_PG_URL names one, each suite in a schema of its own), a
// migrated app driven through Fastify's inject (no network), and logged-in users as agents that
// carry their session cookie and CSRF token like a browser.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, CSRF_HEADER, type AppOptions } from '../../server/app';
import { createFirstAdmin } from '../../server/auth';
import { openDb, wrapPglite, type Db } from '../../server/db';
import { migrate } from '../../server/migrate';

/** A database the suites run on: `open` gives a fresh, empty one; `openTwice` two handles on one (two server processes). */
export interface TestDatabase {
  name: string;
  open(): Promise<Db>;
  openTwice(): Promise<[Db, Db]>;
}

const PG_URL = process.env.PLANBENCH_TEST_PG_URL;

function pgSchema(): string {
  return `test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

/** Drops a test schema from the real PostgreSQL (after a suite). */
async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await c.end();
  }
}

/** Closing a handle on the real PostgreSQL also drops its schema (the last handle does). */
async function openPg(schema: string, handles: { count: number }): Promise<Db> {
  const db = await openDb({ url: PG_URL, schema, poolSize: 4 });
  handles.count++;
  return {
    ...db,
    async close() {
      await db.close();
      if (--handles.count === 0) await dropSchema(schema);
    },
  };
}

export const DATABASES: TestDatabase[] = [
  {
    name: 'PGlite',
    open: async () => wrapPglite(await PGlite.create()),
    async openTwice() {
      const pglite = await PGlite.create();
      return [wrapPglite(pglite, { closes: false }), wrapPglite(pglite)];
    },
  },
  ...(PG_URL
    ? [
        {
          name: 'PostgreSQL',
          open: () => openPg(pgSchema(), { count: 0 }),
          async openTwice(): Promise<[Db, Db]> {
            const schema = pgSchema();
            const handles = { count: 0 };
            return [await openPg(schema, handles), await openPg(schema, handles)];
          },
        },
      ]
    : []),
];

/** Cheap password hashing for tests (the production cost is 2^15). */
export const TEST_AUTH = { scryptN: 2 ** 10 };
export const PASSWORD = 'correct horse battery';

type Body = Record<string, unknown> | unknown[];

/** A logged-in user, as a browser would be: the cookie on every request, the CSRF token on every write. */
export class Agent {
  constructor(
    readonly app: FastifyInstance,
    readonly cookie: string,
    readonly csrf: string,
    readonly me: { id: string; username: string; role: string; org: { id: string; kind: string; name: string } },
  ) {}

  request(method: InjectOptions['method'], url: string, body?: Body, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const csrf = method === 'GET' ? {} : { [CSRF_HEADER]: this.csrf };
    return this.app.inject({ method, url, payload: body, headers: { cookie: this.cookie, ...csrf, ...headers } });
  }
  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, body: Body = {}) {
    return this.request('POST', url, body);
  }
  /** The parsed body of a GET that must succeed. */
  async json<T = any>(url: string): Promise<T> {
    const r = await this.get(url);
    if (r.statusCode !== 200) throw new Error(`GET ${url}: ${r.statusCode} ${r.body}`);
    return r.json() as T;
  }
  /** The parsed body of a POST that must succeed (200 or 201). */
  async send<T = any>(url: string, body: Body = {}): Promise<T> {
    const r = await this.post(url, body);
    if (r.statusCode !== 200 && r.statusCode !== 201) throw new Error(`POST ${url}: ${r.statusCode} ${r.body}`);
    return r.json() as T;
  }
}

/** Logs in through the API; throws when refused. */
export async function logIn(app: FastifyInstance, username: string, password = PASSWORD, remoteAddress = '127.0.0.1'): Promise<Agent> {
  const r = await app.inject({ method: 'POST', url: '/api/login', payload: { username, password }, remoteAddress });
  if (r.statusCode !== 200) throw new Error(`login ${username}: ${r.statusCode} ${r.body}`);
  const set = r.cookies.find((c) => c.name === 'planbench_session');
  if (!set) throw new Error('no session cookie');
  const body = r.json();
  return new Agent(app, `planbench_session=${set.value}`, body.csrfToken, body.user);
}

/** A migrated database and an app on it. */
export async function startApp(db: Db, options: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  await migrate(db);
  const app = await buildApp({ db, auth: TEST_AUTH, channel: `ops_${randomUUID().replace(/-/g, '').slice(0, 12)}`, ...options });
  await app.ready();
  return app;
}

let counter = 0;
/** A name no other test of this run uses. */
export function unique(prefix: string): string {
  return `${prefix}${++counter}_${randomUUID().slice(0, 6)}`;
}

/**
 * A province with two districts, A and B, and their people: the province's admin and reviewer,
 * an editor, a viewer and a reviewer in A, an editor in B; all logged in.
 */
export async function seedProvince(app: FastifyInstance, db: Db) {
  const adminName = unique('admin');
  const made = await createFirstAdmin(db, { provinceName: unique('Tỉnh '), username: adminName, password: PASSWORD }, TEST_AUTH.scryptN);
  if (!made.ok) throw new Error(made.error.code);
  const admin = await logIn(app, adminName);
  const district = async (name: string) => (await admin.send('/api/admin/organisations', { name })).organisation.id as string;
  const a = await district(unique('Huyện A '));
  const b = await district(unique('Huyện B '));
  const user = async (orgId: string, role: string) => {
    const username = unique(role);
    await admin.send('/api/admin/users', { orgId, username, displayName: `${role} ${username}`, role, password: PASSWORD });
    return logIn(app, username);
  };
  return {
    provinceId: made.value.orgId,
    districtA: a,
    districtB: b,
    admin,
    provinceReviewer: await user(made.value.orgId, 'reviewer'),
    editorA: await user(a, 'editor'),
    viewerA: await user(a, 'viewer'),
    reviewerA: await user(a, 'reviewer'),
    editorB: await user(b, 'editor'),
  };
}

/** Records of a small workbook as the app would upload them: the workbook, its baseline scenario, one item, and lines. */
export function workbookRecords(workbookId: string, lineCount = 3) {
  const scenarioId = randomUUID();
  const nodeId = randomUUID();
  const workbook = {
    id: workbookId,
    name: 'Kế hoạch 2024',
    year: 2024,
    placeName: 'Cao Lộc',
    createdAt: 1,
    updatedAt: 1,
    settings: { asOf: null },
    stated: [],
    baselineScenarioId: scenarioId,
  };
  const scenario = { id: scenarioId, workbookId, name: 'Kế hoạch', createdAt: 1, kind: 'baseline' };
  const node = { id: nodeId, workbookId, parentId: null, code: 'DA1', name: 'Dự án 1', order: 0 };
  const lines = Array.from({ length: lineCount }, (_, i) => line(nodeId, i));
  return { workbook, scenario, node, lines, scenarioId, nodeId };
}

/** A budget line under the node. */
export function line(nodeId: string, order: number, plan = 1_000_000 * (order + 1)) {
  return {
    id: randomUUID(),
    nodeId,
    order,
    label: `Dòng ${order}`,
    unit: '',
    placeId: null,
    source: 'central',
    capital: 'recurrent',
    vintage: 2024,
    plan,
    disbursed: 0,
    asOf: null,
    expectedRate: null,
  };
}

/** The operation that uploads those records into an empty shared workbook. */
export function uploadOp(recs: ReturnType<typeof workbookRecords>) {
  return {
    opId: randomUUID(),
    baseSeq: 0,
    scenarioId: recs.scenarioId,
    change: {
      workbook: { before: null, after: recs.workbook },
      scenarios: [{ before: null, after: recs.scenario }],
      nodes: [{ before: null, after: recs.node }],
      lines: recs.lines.map((l) => ({ before: null, after: l })),
    },
  };
}

/** A shared workbook of district A's editor with its records uploaded. */
export async function sharedWorkbook(editor: Agent, lineCount = 3) {
  const created = await editor.send('/api/workbooks', { name: 'Kế hoạch 2024', year: 2024 });
  const id = created.workbook.id as string;
  const recs = workbookRecords(id, lineCount);
  await editor.send(`/api/workbooks/${id}/ops`, { ops: [uploadOp(recs)] });
  return { id, ...recs };
}

/** A seeded province (seedProvince) on one test database, opened before a suite's tests and closed after them. */
export interface SeededServer {
  db: Db;
  app: FastifyInstance;
  people: Awaited<ReturnType<typeof seedProvince>>;
}

/** Opens the database, starts the app and seeds a province before the suite; closes both after it. */
export function useSeededServer(database: TestDatabase, ready: (s: SeededServer) => void): void {
  let server: SeededServer | null = null;
  beforeAll(async () => {
    const db = await database.open();
    const app = await startApp(db);
    server = { db, app, people: await seedProvince(app, db) };
    ready(server);
  }, 120_000);
  afterAll(async () => {
    await server?.app.close();
    await server?.db.close();
  });
}

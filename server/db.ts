// The server's one way to PostgreSQL, the same small interface over two engines: PGlite (PostgreSQL
// compiled to WebAssembly, in this process, on a data folder or in memory) and a real PostgreSQL
// through a pg connection pool (DATABASE_URL). The same SQL runs on both. Rows come back as plain
// objects; bigint columns as numbers (sequences stay far below 2^53); jsonb as parsed values, and
// jsonb parameters are passed as JSON text.

import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Runs statements: one with parameters ($1, $2 …), or a script of several without. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Several statements separated by semicolons, no parameters (a migration). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** Runs fn in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Calls fn with the payload of every NOTIFY on the channel (from any process on the database);
   * resolves to a function that stops. When the connection that listens was lost (the database
   * restarted) and listens again, `resumed` is called: what was notified meanwhile is lost.
   */
  listen(channel: string, fn: (payload: string) => void, resumed?: () => void): Promise<() => Promise<void>>;
  /** Sends a notification now (inside a transaction, use `select pg_notify(…)` so it goes on commit). */
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** A PostgreSQL URL (postgres://user:password@host:port/database): a real server. */
  url?: string;
  /** With `url`: the schema to work in, created when missing (tests use one per run). */
  schema?: string;
  /** Without `url`: PGlite's data folder; absent = in memory (gone when closed). */
  dataDir?: string;
  /** Connections of the pool (a real server only). */
  poolSize?: number;
}

/** Opens the database the options name: PostgreSQL at `url`, else PGlite in `dataDir` or in memory. */
export async function openDb(options: DbOptions = {}): Promise<Db> {
  return options.url ? openPostgres(options.url, options.schema, options.poolSize ?? 10) : wrapPglite(await PGlite.create(options.dataDir));
}

/** Network errors and PostgreSQL's own codes (class 08, connection; 57P01–57P03, shut down or starting) that mean the database cannot be reached now. */
const GONE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03']);

/** Whether an error says the database cannot be reached now (stopped, restarting, the connection cut): worth trying again later, unlike a failing statement. */
export function isDatabaseGone(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (GONE_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  return typeof e.message === 'string' && /Connection terminated|connection (was )?(closed|lost)|Client has encountered a connection error/i.test(e.message);
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

function checkChannel(channel: string): string {
  if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
  return channel;
}

/**
 * The Db interface over one PGlite instance. Several wrappers of one instance behave like several
 * server processes on one database (each its own listeners), which the tests use.
 */
export function wrapPglite(pglite: PGlite, options: { closes?: boolean } = {}): Db {
  const on = (q: { query: PGlite['query']; exec: PGlite['exec'] }): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      return (await q.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  const stops: (() => Promise<void>)[] = [];
  return {
    engine: 'pglite',
    ...on(pglite),
    transaction: (fn) => pglite.transaction((tx) => fn(on(tx))),
    async listen(channel, fn) {
      const unlisten = await pglite.listen(checkChannel(channel), fn);
      let stopped = false;
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        await unlisten();
      };
      stops.push(stop);
      return stop;
    },
    async notify(channel, payload) {
      await pglite.query('select pg_notify($1, $2)', [checkChannel(channel), payload]);
    },
    async close() {
      for (const stop of stops.splice(0)) await stop();
      if (options.closes !== false && !pglite.closed) await pglite.close();
    },
  };
}

/** The Db interface over a pg pool; LISTEN holds one connection of its own, reconnected if it drops. */
async function openPostgres(url: string, schema: string | undefined, poolSize: number): Promise<Db> {
  // Per pool, not global: bigint (int8, oid 20) as a number.
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const searchPath = schema ? `-c search_path=${quoteIdent(schema)}` : undefined;
  const config: pg.ClientConfig = { connectionString: url, types, options: searchPath };
  if (schema) {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    try {
      await setup.query(`create schema if not exists ${quoteIdent(schema)}`);
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({ ...config, max: poolSize });
  // An idle connection the server dropped: the pool replaces it; without a listener Node would exit.
  pool.on('error', () => {});
  const on = (q: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      return (await q.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await q.query(sql);
    },
  });
  const listener = new Listener(config);
  return {
    engine: 'postgres',
    ...on(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn(on(client));
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    listen: (channel, fn, resumed) => listener.add(checkChannel(channel), fn, resumed),
    async notify(channel, payload) {
      await pool.query('select pg_notify($1, $2)', [checkChannel(channel), payload]);
    },
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** One connection that LISTENs on every channel asked for and hands notifications to the callbacks. */
class Listener {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private readonly callbacks = new Map<string, Set<(payload: string) => void>>();
  private readonly resumes = new Set<() => void>();
  /** A connection was lost since the last one listened: the next one calls the resumes. */
  private lost = false;
  private closed = false;

  constructor(private readonly config: pg.ClientConfig) {}

  async add(channel: string, fn: (payload: string) => void, resumed?: () => void): Promise<() => Promise<void>> {
    let set = this.callbacks.get(channel);
    if (!set) {
      set = new Set();
      this.callbacks.set(channel, set);
      await (await this.connected()).query(`listen ${channel}`);
    }
    set.add(fn);
    if (resumed) this.resumes.add(resumed);
    return async () => {
      if (resumed) this.resumes.delete(resumed);
      const s = this.callbacks.get(channel);
      if (!s?.delete(fn) || s.size) return;
      this.callbacks.delete(channel);
      if (this.client && !this.closed) await this.client.query(`unlisten ${channel}`).catch(() => {});
    };
  }

  private connected(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect();
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client(this.config);
    client.on('notification', (n) => {
      for (const fn of this.callbacks.get(n.channel) ?? []) fn(n.payload ?? '');
    });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      for (const channel of this.callbacks.keys()) await client.query(`listen ${channel}`);
    } catch (err) {
      this.connecting = null;
      await client.end().catch(() => {});
      throw err;
    }
    this.client = client;
    this.connecting = null;
    if (this.lost) {
      this.lost = false;
      for (const fn of this.resumes) fn();
    }
    return client;
  }

  /** The connection dropped: a new one listens again (notifications meanwhile are lost; clients catch up by sequence). */
  private reconnect(dead: pg.Client): void {
    if (this.closed || this.client !== dead) return;
    this.client = null;
    this.lost = true;
    this.retry();
  }

  private retry(): void {
    setTimeout(() => {
      if (this.closed || this.client) return;
      this.connected().catch(() => this.retry());
    }, 1000).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}

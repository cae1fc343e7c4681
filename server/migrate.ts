// The database schema, as numbered SQL files (migrations/NNN_name.sql) applied in order, each in
// its own transaction, and recorded in schema_migrations. Several processes starting at once apply
// each migration once: a transaction-scoped advisory lock makes them take turns.

import type { Db } from './db';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILES = import.meta.glob<string>('./migrations/*.sql', { query: '?raw', import: 'default', eager: true });

/** Every migration, in order of version; throws when two files share a number (a bug in the tree). */
export function listMigrations(): Migration[] {
  const list = Object.entries(FILES).map(([path, sql]) => {
    const m = /(\d{3})_([a-z0-9_]+)\.sql$/.exec(path);
    if (!m) throw new Error(`migration file not named NNN_name.sql: ${path}`);
    return { version: Number(m[1]), name: m[2], sql };
  });
  list.sort((a, b) => a.version - b.version);
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations must be numbered 1, 2, 3 … without gaps: ${m.version} is at place ${i + 1}`);
  });
  return list;
}

/** The number of the newest migration. */
export const LATEST_VERSION = listMigrations().length;

// Any fixed number shared by every process of this application.
const MIGRATION_LOCK = 7_262_001;

/** The versions applied to this database, in order (empty for a new one). */
export async function appliedVersions(db: Db): Promise<number[]> {
  // Under the lock: two processes creating the table at once would collide.
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
  });
  const rows = await db.query<{ version: number }>('select version from schema_migrations order by version');
  return rows.map((r) => r.version);
}

/**
 * Brings the schema up to `to` (default: the newest), applying each missing migration in its own
 * transaction, so a failing one leaves the schema at the one before. Resolves to the versions it
 * applied. A database newer than this code (a version it does not know) is refused.
 */
export async function migrate(db: Db, to = LATEST_VERSION): Promise<number[]> {
  const all = listMigrations();
  const known = await appliedVersions(db);
  const unknown = known.filter((v) => v > all.length);
  if (unknown.length) throw new Error(`the database has schema version ${Math.max(...unknown)}, newer than this server (${all.length}): update the server`);
  const applied: number[] = [];
  for (const m of all.filter((m) => m.version <= to)) {
    const done = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const already = await tx.query('select 1 from schema_migrations where version = $1', [m.version]);
      if (already.length) return false;
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}

// The schema's migrations: from an empty database to the newest, and from each earlier schema with
// data written as that schema held it, kept through the upgrade; applied once however often the
// server starts, and refused when the database is newer than the server.

import { describe, expect, it } from 'vitest';
import type { Db } from '../../server/db';
import { appliedVersions, LATEST_VERSION, listMigrations, migrate } from '../../server/migrate';
import { DATABASES } from './harness';

async function tables(db: Db): Promise<string[]> {
  const rows = await db.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = current_schema() order by table_name`);
  return rows.map((r) => r.table_name);
}

/** Rows as each schema version would hold them, written right after that version. */
const SEED: Record<number, (db: Db) => Promise<void>> = {
  1: async (db) => {
    await db.query(`insert into organisations (id, kind, parent_id, name) values ('p', 'province', null, 'Lạng Sơn'), ('d', 'district', 'p', 'Cao Lộc')`);
    await db.query(`insert into users (id, org_id, username, display_name, role, password_hash) values ('u', 'd', 'an', 'An', 'editor', 'scrypt$1024$8$1$x$y')`);
  },
  2: async (db) => {
    await db.query(`insert into workbooks (id, org_id, name, year, last_seq, created_by) values ('w', 'd', 'KH 2024', 2024, 1, 'u')`);
    await db.query(`insert into ops (workbook_id, seq, op_id, base_seq, user_id, change) values ('w', 1, 'op-00000001', 0, 'u', '{"nodes":[]}')`);
    await db.query(`insert into records (workbook_id, kind, scope, id, data, seq) values ('w', 'node', '', 'n', '{"id":"n","name":"DA1"}', 1)`);
    await db.query(`insert into op_records (workbook_id, kind, scope, id, seq) values ('w', 'node', '', 'n', 1)`);
  },
  3: async (db) => {
    await db.query(`insert into submissions (id, workbook_id, seq, note, state, submitted_by) values ('s', 'w', 1, 'gửi', 'submitted', 'u')`);
  },
  4: async (db) => {
    await db.query(
      `insert into conflicts (workbook_id, seq, kind, scope, record_id, path, kept, shown, decision, decided_by, decided_at) values ('w', 1, 'node', '', 'n', '["name"]', '"DA1"', '"DA 1"', 'confirmed', 'u', now())`,
    );
  },
  5: async (db) => {
    await db.query(`insert into ops (workbook_id, seq, op_id, base_seq, user_id, change) values ('w', 2, 'op-00000002', 1, 'u', '{"nodes":[]}')`);
    await db.query(`insert into op_records (workbook_id, kind, scope, id, seq, data, kept) values ('w', 'node', '', 'm', 2, '{"id":"m"}', true)`);
  },
};

/** The seeded rows, read back the same way whatever the version they were written at. */
async function seededRows(db: Db, upTo: number) {
  const out: Record<string, unknown> = {};
  if (upTo >= 1) out.users = await db.query(`select u.username, o.name as org from users u join organisations o on o.id = u.org_id`);
  if (upTo >= 2) out.records = await db.query(`select kind, id, data, seq from records`);
  if (upTo >= 3) out.submissions = await db.query(`select id, state, note from submissions`);
  if (upTo >= 4) out.decisions = await db.query(`select record_id, decision, decided_by from conflicts`);
  if (upTo >= 5) out.versions = await db.query(`select id, seq, data, kept from op_records order by id, seq`);
  return out;
}

describe.each(DATABASES)('migrations on $name', (database) => {
  it('are numbered 1, 2, 3 … and each says what it is', () => {
    const all = listMigrations();
    expect(all.map((m) => m.version)).toEqual(Array.from({ length: LATEST_VERSION }, (_, i) => i + 1));
    for (const m of all) expect(m.sql).toMatch(/^-- /);
  });

  it('bring an empty database to the newest schema, once', async () => {
    const db = await database.open();
    try {
      expect(await migrate(db)).toEqual(listMigrations().map((m) => m.version));
      expect(await appliedVersions(db)).toEqual(listMigrations().map((m) => m.version));
      expect(await tables(db)).toEqual(
        [
          'conflicts',
          'login_failures',
          'op_records',
          'ops',
          'organisations',
          'records',
          'schema_migrations',
          'sessions',
          'submission_records',
          'submissions',
          'users',
          'workbooks',
        ].sort(),
      );
      expect(await migrate(db)).toEqual([]);
    } finally {
      await db.close();
    }
  }, 60_000);

  for (let from = 1; from < LATEST_VERSION; from++) {
    it(`bring a database at version ${from}, with its data, to the newest and keep the data`, async () => {
      const db = await database.open();
      try {
        expect(await migrate(db, from)).toEqual(Array.from({ length: from }, (_, i) => i + 1));
        for (let v = 1; v <= from; v++) await SEED[v](db);
        const before = await seededRows(db, from);
        expect(await migrate(db)).toEqual(Array.from({ length: LATEST_VERSION - from }, (_, i) => from + i + 1));
        expect(await seededRows(db, from)).toEqual(before);
        // The newer tables take rows that refer to the old ones.
        for (let v = from + 1; v <= LATEST_VERSION; v++) await SEED[v](db);
        expect(Object.keys(await seededRows(db, LATEST_VERSION))).toHaveLength(LATEST_VERSION);
      } finally {
        await db.close();
      }
    }, 60_000);
  }

  it('keep, at version 5, what each record holds after its last operation, and mark the earlier operations as holding nothing', async () => {
    const db = await database.open();
    try {
      await migrate(db, 4);
      for (let v = 1; v <= 4; v++) await SEED[v](db);
      await db.query(`insert into ops (workbook_id, seq, op_id, base_seq, user_id, change) values ('w', 2, 'op-00000002', 1, 'u', '{"nodes":[]}')`);
      await db.query(`update records set data = '{"id":"n","name":"DA 2"}', seq = 2`);
      await db.query(`insert into op_records (workbook_id, kind, scope, id, seq) values ('w', 'node', '', 'n', 2)`);
      await migrate(db);
      expect(await db.query(`select seq, data, kept from op_records order by seq`)).toEqual([
        { seq: 1, data: null, kept: false },
        { seq: 2, data: { id: 'n', name: 'DA 2' }, kept: true },
      ]);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('refuse a database whose schema is newer than the server', async () => {
    const db = await database.open();
    try {
      await migrate(db);
      await db.query(`insert into schema_migrations (version, name) values ($1, 'from_the_future')`, [LATEST_VERSION + 1]);
      await expect(migrate(db)).rejects.toThrow(/newer than this server/);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('leave the schema at the version before when a migration fails (each in its own transaction)', async () => {
    const db = await database.open();
    try {
      await migrate(db, 1);
      // A table the next migration creates, made by hand: that migration fails half-way.
      await db.exec('create table conflicts (x int)');
      await expect(migrate(db)).rejects.toThrow();
      expect(await appliedVersions(db)).toEqual([1]);
      expect(await tables(db)).not.toContain('workbooks');
    } finally {
      await db.close();
    }
  }, 60_000);
});

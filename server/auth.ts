// Who is asking: passwords hashed with scrypt (memory-hard, a salt per user, the parameters kept
// with the hash, compared in constant time), sessions as random tokens in an httpOnly SameSite=Strict
// cookie (the database keeps only their sha256) with an expiry, a CSRF token per session, and
// failed logins counted per account and address in the database, so the limit holds across every
// server process.

import { createHash, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import type { Db, Queryable } from './db';
import { done, refused, type ServerResult } from './messages';
import { BatchedReads } from './batched-reads';

export const ROLES = ['admin', 'editor', 'reviewer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export type OrgKind = 'province' | 'district';

export interface AuthConfig {
  /** scrypt's cost N (a power of two); 2^15 uses 32 MiB and about 0.1 s per hash. */
  scryptN: number;
  /** A session ends this long after its last use. */
  sessionHours: number;
  /** Failed logins per account and address before logins from there are refused for the window. */
  maxFailures: number;
  failureWindowMinutes: number;
}

export const DEFAULT_AUTH: AuthConfig = { scryptN: 2 ** 15, sessionHours: 12, maxFailures: 5, failureWindowMinutes: 15 };

/** The user behind a session, with their organisation. */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  org: { id: string; kind: OrgKind; name: string; parentId: string | null };
  csrfToken: string;
  expiresAt: Date;
}

const R = 8;
const P = 1;
const KEY_BYTES = 32;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** A hash of the password under a fresh random salt, as `scrypt$N$r$p$salt$hash`; the same password never hashes alike twice. */
export async function hashPassword(password: string, n = DEFAULT_AUTH.scryptN): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, n, R, P);
  return ['scrypt', n, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when the password is the one hashed; compares in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [name, n, r, p, salt, hash] = stored.split('$');
  if (name !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** True when two tokens are equal, in time that does not depend on where they differ. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

const SESSION_COLUMNS = `u.id, u.username, u.display_name, u.role, o.id as org_id, o.kind as org_kind, o.name as org_name,
  o.parent_id as org_parent_id, s.csrf_token, s.expires_at`;

interface SessionRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  org_id: string;
  org_kind: OrgKind;
  org_name: string;
  org_parent_id: string | null;
  csrf_token: string;
  expires_at: Date;
}

function sessionUser(r: SessionRow): SessionUser {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    org: { id: r.org_id, kind: r.org_kind, name: r.org_name, parentId: r.org_parent_id },
    csrfToken: r.csrf_token,
    expiresAt: new Date(r.expires_at),
  };
}

type StoredSession = SessionRow & { token_hash: string; live: boolean; disabled: boolean; stale: boolean };

/** The sessions of these token hashes with their users, in one statement (absent: no such session). */
async function readSessionRows(db: Queryable, hashes: string[], config: AuthConfig): Promise<Map<string, StoredSession>> {
  // Whether the expiry needs pushing back is read with the session: most requests write nothing.
  const rows = await db.query<StoredSession>(
    `select s.token_hash, ${SESSION_COLUMNS}, s.expires_at > now() as live, u.disabled,
            s.expires_at < now() + make_interval(hours => $2) - interval '5 minutes' as stale
       from sessions s join users u on u.id = s.user_id join organisations o on o.id = u.org_id
      where s.token_hash = any($1::text[])`,
    [hashes, config.sessionHours],
  );
  return new Map(rows.map((r) => [r.token_hash, r]));
}

/** Session lookups of concurrent requests read together (see BatchedReads); one per server process. */
export type SessionReads = BatchedReads<string, StoredSession>;

/** The process's reader of sessions, for readSession. */
export function sessionReads(db: Queryable, config: AuthConfig): SessionReads {
  return new BatchedReads((hashes) => readSessionRows(db, hashes, config));
}

/**
 * The user of a session token: 'expired' when the token names a session that has ended (or a
 * disabled user's), null when it names none. A session in use is extended (at most every five
 * minutes, so reads do not write on every request). With `reads`, the lookup is read together with
 * those of other requests in flight.
 */
export async function readSession(db: Db, token: string, config: AuthConfig, reads?: SessionReads): Promise<SessionUser | 'expired' | null> {
  const hash = tokenHash(token);
  const row = reads ? await reads.read(hash) : (await readSessionRows(db, [hash], config)).get(hash);
  if (!row) return null;
  if (!row.live || row.disabled) {
    await db.query('delete from sessions where token_hash = $1', [hash]);
    return 'expired';
  }
  if (!row.stale) return sessionUser(row);
  const extended = await db.query<{ expires_at: Date }>(
    `update sessions set expires_at = now() + make_interval(hours => $2)
      where token_hash = $1 and expires_at < now() + make_interval(hours => $2) - interval '5 minutes'
      returning expires_at`,
    [hash, config.sessionHours],
  );
  return sessionUser({ ...row, expires_at: extended[0]?.expires_at ?? row.expires_at });
}

/** Ends a session (logging out); nothing when it is already gone. */
export async function endSession(db: Db, token: string): Promise<void> {
  await db.query('delete from sessions where token_hash = $1', [tokenHash(token)]);
}

interface LoginInput {
  username: string;
  password: string;
  /** The client's address, for the rate limit. */
  ip: string;
}

/**
 * Checks a login and opens a session: the cookie's token (given to no one else) and the user.
 * Refused with auth.rate-limited once maxFailures failed logins from this address for this account
 * fall within the window (even with the right password), else auth.invalid for an unknown user, a
 * disabled one or a wrong password alike.
 */
export async function logIn(db: Db, input: LoginInput, config: AuthConfig): Promise<ServerResult<{ token: string; user: SessionUser }>> {
  const username = input.username.trim().toLowerCase();
  const limited = await db.query<{ minutes: number }>(
    `select ceil(extract(epoch from (first_at + make_interval(mins => $4) - now())) / 60)::int as minutes
       from login_failures
      where username = $1 and ip = $2 and failures >= $3 and first_at > now() - make_interval(mins => $4)`,
    [username, input.ip, config.maxFailures, config.failureWindowMinutes],
  );
  if (limited.length) return refused('auth.rate-limited', { minutes: Math.max(1, limited[0].minutes) });
  const users = await db.query<{ id: string; password_hash: string; disabled: boolean }>('select id, password_hash, disabled from users where username = $1', [username]);
  const user = users[0];
  // An unknown name costs a hash too, so the time taken does not tell which names exist.
  const matches = await verifyPassword(input.password, user?.password_hash ?? (await dummyHash(config.scryptN)));
  if (!user || user.disabled || !matches) {
    await db.query(
      `insert into login_failures (username, ip, failures, first_at) values ($1, $2, 1, now())
       on conflict (username, ip) do update set
         failures = case when login_failures.first_at <= now() - make_interval(mins => $3) then 1 else login_failures.failures + 1 end,
         first_at = case when login_failures.first_at <= now() - make_interval(mins => $3) then now() else login_failures.first_at end`,
      [username, input.ip, config.failureWindowMinutes],
    );
    return refused('auth.invalid');
  }
  await db.query('delete from login_failures where username = $1 and ip = $2', [username, input.ip]);
  const token = randomBytes(32).toString('base64url');
  await db.query(`insert into sessions (token_hash, user_id, csrf_token, expires_at) values ($1, $2, $3, now() + make_interval(hours => $4))`, [
    tokenHash(token),
    user.id,
    randomBytes(24).toString('base64url'),
    config.sessionHours,
  ]);
  // Expired sessions of anyone go now and then, on a login rather than on a timer.
  await db.query(`delete from sessions where expires_at < now() - interval '1 day'`);
  const session = await readSession(db, token, config);
  if (session === null || session === 'expired') throw new Error('a session just opened cannot be read back');
  return done({ token, user: session });
}

const dummies = new Map<number, Promise<string>>();
function dummyHash(n: number): Promise<string> {
  let h = dummies.get(n);
  if (!h) dummies.set(n, (h = hashPassword(randomBytes(16).toString('base64url'), n)));
  return h;
}

/** A new user id. */
export function newId(): string {
  return randomUUID();
}

export interface NewUser {
  orgId: string;
  username: string;
  displayName: string;
  role: Role;
  password: string;
}

/** Stores a user with a hashed password; refused with user.exists when the name (in any case) is taken. */
export async function createUser(db: Queryable, input: NewUser, scryptN: number): Promise<ServerResult<{ id: string; username: string }>> {
  const username = input.username.trim().toLowerCase();
  const hash = await hashPassword(input.password, scryptN);
  const id = newId();
  const rows = await db.query<{ id: string }>(
    `insert into users (id, org_id, username, display_name, role, password_hash) values ($1, $2, $3, $4, $5, $6)
     on conflict (username) do nothing returning id`,
    [id, input.orgId, username, input.displayName, input.role, hash],
  );
  return rows.length ? done({ id, username }) : refused('user.exists', { username });
}

/**
 * The first administrator of an installation: a province organisation of that name (created when
 * no organisation has it) and an admin user in it. Used by `planbench serve --create-admin`.
 */
export async function createFirstAdmin(
  db: Db,
  input: { provinceName: string; username: string; displayName?: string; password: string },
  scryptN = DEFAULT_AUTH.scryptN,
): Promise<ServerResult<{ userId: string; orgId: string }>> {
  const username = input.username.trim().toLowerCase();
  if ((await db.query('select 1 from users where username = $1', [username])).length) return refused('user.exists', { username });
  return db.transaction(async (tx) => {
    const existing = await tx.query<{ id: string }>(`select id from organisations where kind = 'province' and name = $1`, [input.provinceName]);
    const orgId = existing[0]?.id ?? newId();
    if (!existing.length) await tx.query(`insert into organisations (id, kind, parent_id, name) values ($1, 'province', null, $2)`, [orgId, input.provinceName]);
    const user = await createUser(tx, { orgId, username: input.username, displayName: input.displayName ?? input.username, role: 'admin', password: input.password }, scryptN);
    return user.ok ? done({ userId: user.value.id, orgId }) : user;
  });
}

/** True when the installation has no user yet (the first start says how to create one). */
export async function hasNoUsers(db: Db): Promise<boolean> {
  return (await db.query('select 1 from users limit 1')).length === 0;
}

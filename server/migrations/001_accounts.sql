-- Organisations as the administration has them (a province office and its districts' offices),
-- their users with one role each, login sessions, and failed logins counted for the rate limit.

CREATE TABLE organisations (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('province', 'district')),
  parent_id text REFERENCES organisations (id),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- A province stands alone; a district belongs to one.
  CHECK ((kind = 'province') = (parent_id IS NULL))
);
CREATE INDEX organisations_parent ON organisations (parent_id);

CREATE TABLE users (
  id text PRIMARY KEY,
  org_id text NOT NULL REFERENCES organisations (id),
  -- Stored in lower case: logins compare without case.
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'editor', 'reviewer', 'viewer')),
  -- scrypt$N$r$p$salt$hash (base64url): the parameters travel with the hash.
  password_hash text NOT NULL,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE sessions (
  -- sha256 of the cookie's token: the table alone opens no session.
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
  username text NOT NULL,
  ip text NOT NULL,
  failures integer NOT NULL,
  first_at timestamptz NOT NULL,
  PRIMARY KEY (username, ip)
);

-- Shared workbooks: each owned by one organisation, its records as they stand now (the snapshot a
-- new browser opens from), the log of operations that made them (numbered per workbook in the
-- order the server accepted them), which records each operation touched (a record's history),
-- and the conflicts: a field two offices changed from different values, the other value kept.

CREATE TABLE workbooks (
  id text PRIMARY KEY,
  org_id text NOT NULL REFERENCES organisations (id),
  name text NOT NULL,
  year integer NOT NULL,
  -- The sequence of the last accepted operation; the row is locked while one is appended.
  last_seq bigint NOT NULL DEFAULT 0,
  created_by text NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workbooks_org ON workbooks (org_id);

CREATE TABLE ops (
  workbook_id text NOT NULL REFERENCES workbooks (id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  -- The client's id: an operation sent twice is stored once.
  op_id text NOT NULL UNIQUE,
  -- The sequence its author had seen: the version the change was made from.
  base_seq bigint NOT NULL,
  user_id text NOT NULL REFERENCES users (id),
  scenario_id text,
  change jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workbook_id, seq)
);

CREATE TABLE records (
  workbook_id text NOT NULL REFERENCES workbooks (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('workbook', 'scenario', 'node', 'line', 'place', 'rule')),
  -- A line's scenario; '' for every other kind.
  scope text NOT NULL,
  id text NOT NULL,
  -- null once deleted: the row stays, with the operation that deleted it.
  data jsonb,
  seq bigint NOT NULL,
  PRIMARY KEY (workbook_id, kind, scope, id)
);

CREATE TABLE op_records (
  workbook_id text NOT NULL,
  kind text NOT NULL,
  scope text NOT NULL,
  id text NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (workbook_id, kind, scope, id, seq),
  FOREIGN KEY (workbook_id, seq) REFERENCES ops (workbook_id, seq) ON DELETE CASCADE
);

CREATE TABLE conflicts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workbook_id text NOT NULL,
  -- The operation whose value shows.
  seq bigint NOT NULL,
  kind text NOT NULL,
  scope text NOT NULL,
  record_id text NOT NULL,
  -- The field: its keys from the top of the record ([] = the whole record).
  path jsonb NOT NULL,
  base jsonb,
  kept jsonb,
  shown jsonb,
  -- The operation that last wrote the record before (whose value is kept).
  kept_seq bigint,
  FOREIGN KEY (workbook_id, seq) REFERENCES ops (workbook_id, seq) ON DELETE CASCADE
);
CREATE INDEX conflicts_workbook ON conflicts (workbook_id, seq);

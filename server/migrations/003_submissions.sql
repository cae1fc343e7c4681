-- A district sends a frozen version of a workbook to its province: a copy of the records at one
-- sequence, with a note. The province returns it with a comment or approves it. A workbook never
-- sent is "chưa gửi" (draft); otherwise its state is its latest submission's.

CREATE TABLE submissions (
  id text PRIMARY KEY,
  workbook_id text NOT NULL REFERENCES workbooks (id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  note text NOT NULL,
  state text NOT NULL CHECK (state IN ('submitted', 'returned', 'approved')),
  submitted_by text NOT NULL REFERENCES users (id),
  submitted_at timestamptz NOT NULL DEFAULT now(),
  reviewed_by text REFERENCES users (id),
  reviewed_at timestamptz,
  comment text
);
CREATE INDEX submissions_workbook ON submissions (workbook_id, submitted_at);

CREATE TABLE submission_records (
  submission_id text NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
  kind text NOT NULL,
  scope text NOT NULL,
  id text NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (submission_id, kind, scope, id)
);

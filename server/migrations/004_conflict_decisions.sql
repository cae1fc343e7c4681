-- What a person made of a conflict, for everyone: confirmed (the value shown stays) or reversed
-- (the kept value typed back as an ordinary edit), by whom and when. The first decision stands.

ALTER TABLE conflicts ADD COLUMN decision text CHECK (decision IN ('confirmed', 'reversed'));
ALTER TABLE conflicts ADD COLUMN decided_by text REFERENCES users (id);
ALTER TABLE conflicts ADD COLUMN decided_at timestamptz;

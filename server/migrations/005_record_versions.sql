-- Each record's content after every operation that touched it, kept with the operation's line in
-- op_records, so the workbook as it stood after any sequence is read record by record without
-- replaying the log. Rows written before this schema keep no content (kept = false), except each
-- record's last operation, whose content is the record as it stands; the server replays the others
-- from the log when asked.

ALTER TABLE op_records ADD COLUMN data jsonb;
ALTER TABLE op_records ADD COLUMN kept boolean NOT NULL DEFAULT false;

UPDATE op_records h SET data = r.data, kept = true
  FROM records r
 WHERE r.workbook_id = h.workbook_id AND r.kind = h.kind AND r.scope = h.scope AND r.id = h.id AND r.seq = h.seq;

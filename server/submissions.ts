// Sending a district's workbook to its province: a submission freezes a copy of the records at the
// workbook's current sequence, with a note; the province returns it with a comment or approves
// it. States: draft (chưa gửi: never sent), submitted (đã gửi), returned (trả lại), approved (đã
// duyệt). A workbook's state is its latest submission's; a new one may be sent unless one waits.

import type { Db, Queryable } from './db';
import type { WorkbookRow } from './access';
import { newId } from './auth';
import { done, refused, type ServerResult } from './messages';
import type { SnapshotRecord } from './sync-store';
import { encodeCursor } from './sync-store';

export type SubmissionState = 'submitted' | 'returned' | 'approved';
export type WorkbookState = 'draft' | SubmissionState;

export interface Submission {
  id: string;
  workbookId: string;
  seq: number;
  note: string;
  state: SubmissionState;
  submittedBy: string;
  submittedByName: string;
  submittedAt: string;
  reviewedBy: string | null;
  reviewedByName: string | null;
  reviewedAt: string | null;
  comment: string | null;
}

const SUBMISSION_SELECT = `select s.id, s.workbook_id, s.seq, s.note, s.state, s.submitted_by, su.display_name as submitted_by_name, s.submitted_at,
    s.reviewed_by, ru.display_name as reviewed_by_name, s.reviewed_at, s.comment
  from submissions s join users su on su.id = s.submitted_by left join users ru on ru.id = s.reviewed_by`;

interface SubmissionRow {
  id: string;
  workbook_id: string;
  seq: number;
  note: string;
  state: SubmissionState;
  submitted_by: string;
  submitted_by_name: string;
  submitted_at: Date;
  reviewed_by: string | null;
  reviewed_by_name: string | null;
  reviewed_at: Date | null;
  comment: string | null;
}

function submission(r: SubmissionRow): Submission {
  return {
    id: r.id,
    workbookId: r.workbook_id,
    seq: r.seq,
    note: r.note,
    state: r.state,
    submittedBy: r.submitted_by,
    submittedByName: r.submitted_by_name,
    submittedAt: new Date(r.submitted_at).toISOString(),
    reviewedBy: r.reviewed_by,
    reviewedByName: r.reviewed_by_name,
    reviewedAt: r.reviewed_at ? new Date(r.reviewed_at).toISOString() : null,
    comment: r.comment,
  };
}

/** The submission with this id (it exists: its access was checked). */
export async function readSubmission(db: Queryable, id: string): Promise<Submission> {
  const [row] = await db.query<SubmissionRow>(`${SUBMISSION_SELECT} where s.id = $1`, [id]);
  return submission(row);
}

/** A workbook's submissions, newest first. */
export async function listSubmissions(db: Queryable, workbookId: string): Promise<Submission[]> {
  const rows = await db.query<SubmissionRow>(`${SUBMISSION_SELECT} where s.workbook_id = $1 order by s.submitted_at desc, s.seq desc`, [workbookId]);
  return rows.map(submission);
}

/**
 * Sends the workbook as it stands now: its records copied at its last sequence, with the note, in
 * one transaction with the workbook locked (no operation lands in between). Refused with
 * submission.state while an earlier submission waits for the province.
 */
export async function submitWorkbook(db: Db, workbook: WorkbookRow, userId: string, note: string): Promise<ServerResult<Submission>> {
  const id = newId();
  const outcome = await db.transaction(async (tx) => {
    const [locked] = await tx.query<{ last_seq: number }>('select last_seq from workbooks where id = $1 for update', [workbook.id]);
    const waiting = await tx.query(`select 1 from submissions where workbook_id = $1 and state = 'submitted'`, [workbook.id]);
    if (waiting.length) return false;
    await tx.query(`insert into submissions (id, workbook_id, seq, note, state, submitted_by) values ($1, $2, $3, $4, 'submitted', $5)`, [
      id,
      workbook.id,
      locked.last_seq,
      note,
      userId,
    ]);
    await tx.query(
      `insert into submission_records (submission_id, kind, scope, id, data)
         select $1, kind, scope, id, data from records where workbook_id = $2 and data is not null`,
      [id, workbook.id],
    );
    return true;
  });
  return outcome ? done(await readSubmission(db, id)) : refused('submission.state', { state: 'submitted' });
}

/** The province's answer to a submission waiting for it: returned (with a comment) or approved. Refused with submission.state when it does not wait. */
export async function reviewSubmission(db: Queryable, id: string, userId: string, state: 'returned' | 'approved', comment: string): Promise<ServerResult<Submission>> {
  const rows = await db.query(`update submissions set state = $2, reviewed_by = $3, reviewed_at = now(), comment = $4 where id = $1 and state = 'submitted' returning id`, [
    id,
    state,
    userId,
    comment,
  ]);
  const current = await readSubmission(db, id);
  return rows.length ? done(current) : refused('submission.state', { state: current.state });
}

/** One chunk of a submission's frozen records, as readSnapshot gives a workbook's (seq = the submission's). */
export async function readSubmissionRecords(
  db: Queryable,
  id: string,
  seq: number,
  after: [string, string, string] | null,
  limit: number,
): Promise<{ seq: number; records: SnapshotRecord[]; next: string | null }> {
  const [kind, scope, rid] = after ?? ['', '', ''];
  const rows = await db.query<Omit<SnapshotRecord, 'seq'>>(
    `select kind, scope, id, data from submission_records where submission_id = $1 and (kind, scope, id) > ($2, $3, $4) order by kind, scope, id limit $5`,
    [id, kind, scope, rid, limit + 1],
  );
  const records = rows.slice(0, limit).map((r) => ({ ...r, seq }));
  return { seq, records, next: rows.length > limit ? encodeCursor(records[records.length - 1]) : null };
}

/** A workbook's state: its latest submission's, or draft when never sent. */
export function stateSql(workbookAlias: string): string {
  return `coalesce((select s.state from submissions s where s.workbook_id = ${workbookAlias}.id order by s.submitted_at desc, s.seq desc limit 1), 'draft')`;
}

/** For a province: each of its districts, with each workbook's state and latest submission (no records). */
export async function provinceStatus(
  db: Queryable,
  provinceId: string,
): Promise<{ id: string; name: string; workbooks: { id: string; name: string; year: number; state: WorkbookState; latest: Submission | null }[] }[]> {
  const districts = await db.query<{ id: string; name: string }>(`select id, name from organisations where parent_id = $1 order by name`, [provinceId]);
  const workbooks = await db.query<{ id: string; org_id: string; name: string; year: number; state: WorkbookState; latest_id: string | null }>(
    `select w.id, w.org_id, w.name, w.year, ${stateSql('w')} as state,
            (select s.id from submissions s where s.workbook_id = w.id order by s.submitted_at desc, s.seq desc limit 1) as latest_id
       from workbooks w join organisations o on o.id = w.org_id where o.parent_id = $1 order by w.year desc, w.name`,
    [provinceId],
  );
  const latest = new Map<string, Submission>();
  for (const w of workbooks) if (w.latest_id) latest.set(w.id, await readSubmission(db, w.latest_id));
  return districts.map((d) => ({
    id: d.id,
    name: d.name,
    workbooks: workbooks.filter((w) => w.org_id === d.id).map((w) => ({ id: w.id, name: w.name, year: w.year, state: w.state, latest: latest.get(w.id) ?? null })),
  }));
}

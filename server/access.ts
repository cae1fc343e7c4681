// Who may do what, decided here and nowhere else; every route that names a workbook, a submission
// or an organisation asks one of these functions first:
// - a workbook's own organisation reads it (any role) and writes it (editor, admin);
// - a district's editor or admin sends it to the province;
// - the province over a district reads the district's submissions (the frozen versions and their
//   states), and its reviewers and admins return or approve them; nothing else of the district's;
// - any other organisation learns nothing, not even that the workbook exists (404).

import type { Queryable } from './db';
import type { Role, SessionUser } from './auth';
import { done, refused, type ServerResult } from './messages';
import { BatchedReads } from './batched-reads';

/** read: snapshot, operations, history, live updates; write: push operations; submit: send to the province; submissions: see what was sent. */
export type WorkbookNeed = 'read' | 'write' | 'submit' | 'submissions';

export interface WorkbookRow {
  id: string;
  orgId: string;
  orgName: string;
  orgParentId: string | null;
  name: string;
  year: number;
  lastSeq: number;
  createdAt: Date;
}

const WRITERS: ReadonlySet<Role> = new Set(['editor', 'admin']);
const REVIEWERS: ReadonlySet<Role> = new Set(['reviewer', 'admin']);

interface StoredWorkbook {
  id: string;
  org_id: string;
  org_name: string;
  org_parent_id: string | null;
  name: string;
  year: number;
  last_seq: number;
  created_at: Date;
}

/** The workbooks of these ids with their organisation, in one statement (absent: no such workbook). */
async function readWorkbookRows(db: Queryable, ids: string[]): Promise<Map<string, StoredWorkbook>> {
  const rows = await db.query<StoredWorkbook>(
    `select w.id, w.org_id, o.name as org_name, o.parent_id as org_parent_id, w.name, w.year, w.last_seq, w.created_at
       from workbooks w join organisations o on o.id = w.org_id where w.id = any($1::text[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Workbook lookups of concurrent requests read together (see BatchedReads); one per server process. */
export type WorkbookReads = BatchedReads<string, StoredWorkbook>;

/** The process's reader of workbooks, for authoriseWorkbook. */
export function workbookReads(db: Queryable): WorkbookReads {
  return new BatchedReads((ids) => readWorkbookRows(db, ids));
}

/**
 * The workbook if this user may do what they ask of it: workbook.not-found when they may not see it
 * at all, role.forbidden when their role falls short. With `reads`, the workbook is read together
 * with those of other requests in flight.
 */
export async function authoriseWorkbook(db: Queryable, user: SessionUser, workbookId: string, need: WorkbookNeed, reads?: WorkbookReads): Promise<ServerResult<WorkbookRow>> {
  const r = reads ? await reads.read(workbookId) : (await readWorkbookRows(db, [workbookId])).get(workbookId);
  const own = r?.org_id === user.org.id;
  const province = r !== undefined && r.org_parent_id === user.org.id;
  if (!r || !(own || (need === 'submissions' && province))) return refused('workbook.not-found');
  if ((need === 'write' || need === 'submit') && !WRITERS.has(user.role)) return refused('role.forbidden');
  if (need === 'submit' && r.org_parent_id === null) return refused('submission.district-only');
  return done({ id: r.id, orgId: r.org_id, orgName: r.org_name, orgParentId: r.org_parent_id, name: r.name, year: r.year, lastSeq: r.last_seq, createdAt: r.created_at });
}

/** read: the frozen version and its state; review: return or approve it. */
export type SubmissionNeed = 'read' | 'review';

export interface SubmissionAccess {
  id: string;
  workbookId: string;
  state: 'submitted' | 'returned' | 'approved';
  seq: number;
}

/** The submission if this user may do what they ask of it: its district reads it, the province over that district reads and (reviewer, admin) reviews it. */
export async function authoriseSubmission(db: Queryable, user: SessionUser, submissionId: string, need: SubmissionNeed): Promise<ServerResult<SubmissionAccess>> {
  const rows = await db.query<{ id: string; workbook_id: string; state: SubmissionAccess['state']; seq: number; org_id: string; org_parent_id: string | null }>(
    `select s.id, s.workbook_id, s.state, s.seq, w.org_id, o.parent_id as org_parent_id
       from submissions s join workbooks w on w.id = s.workbook_id join organisations o on o.id = w.org_id where s.id = $1`,
    [submissionId],
  );
  const r = rows[0];
  const own = r?.org_id === user.org.id;
  const province = r !== undefined && r.org_parent_id === user.org.id;
  if (!r || !(own || province)) return refused('submission.not-found');
  if (need === 'review' && !(province && REVIEWERS.has(user.role))) return refused('role.forbidden');
  return done({ id: r.id, workbookId: r.workbook_id, state: r.state, seq: r.seq });
}

/** The organisation an administrator may manage: their own, or (a province's administrator) one of its districts. */
export async function authoriseOrganisation(db: Queryable, user: SessionUser, orgId: string): Promise<ServerResult<{ id: string; kind: 'province' | 'district' }>> {
  if (user.role !== 'admin') return refused('role.forbidden');
  const rows = await db.query<{ id: string; kind: 'province' | 'district'; parent_id: string | null }>('select id, kind, parent_id from organisations where id = $1', [orgId]);
  const r = rows[0];
  if (!r || !(r.id === user.org.id || (user.org.kind === 'province' && r.parent_id === user.org.id))) return refused('organisation.not-found');
  return done({ id: r.id, kind: r.kind });
}

/** Only an administrator manages accounts and organisations; a district is created by its province's. */
export function authoriseAdmin(user: SessionUser, what: 'users' | 'districts'): ServerResult<void> {
  if (user.role !== 'admin' || (what === 'districts' && user.org.kind !== 'province')) return refused('role.forbidden');
  return done(undefined);
}

// Shared workbooks: create and list them, open one from its snapshot in chunks, push and pull
// operations, follow them live, list the log's steps and read the records as they stood after any
// of them, read a record's history and the conflicts, and record a decision on a conflict for
// everyone. Each route asks
// access.ts once, with the workbook's id, before reading anything of it.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authoriseWorkbook, type WorkbookNeed, type WorkbookRow } from '../access';
import { newId } from '../auth';
import { answer, refuse, userOf, type AppContext } from '../context';
import { streamOperations } from '../events';
import {
  check,
  chunkQuery,
  conflictParams,
  conflictsQuery,
  decisionBody,
  eventsQuery,
  historyQuery,
  idParam,
  newWorkbookBody,
  pullQuery,
  pushBody,
  versionParams,
  versionsQuery,
} from '../schemas';
import { stateSql, type WorkbookState } from '../submissions';
import { decideConflict, decodeCursor, listConflicts, listVersions, pullOperations, readRecordsAt, readSnapshot, recordHistory } from '../sync-store';
import type { SharedWorkbookSummary, SyncOperation } from '../../src/domain/sync';

/** A workbook as lists show it (the browsers read the same type). */
export type WorkbookSummary = SharedWorkbookSummary & { state: WorkbookState };

const SUMMARY_SELECT = (state: string) => `select w.id, w.name, w.year, w.org_id, o.name as org_name, w.last_seq, ${state} as state, w.created_at
  from workbooks w join organisations o on o.id = w.org_id`;

interface SummaryRow {
  id: string;
  name: string;
  year: number;
  org_id: string;
  org_name: string;
  last_seq: number;
  state: WorkbookState;
  created_at: Date;
}

function summary(r: SummaryRow): WorkbookSummary {
  return { id: r.id, name: r.name, year: r.year, orgId: r.org_id, orgName: r.org_name, lastSeq: r.last_seq, state: r.state, createdAt: new Date(r.created_at).toISOString() };
}

export function registerWorkbookRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;
  const push = pushBody(ctx.maxOpsPerPush);

  /** The workbook named in the address, if this user may do `need` with it; else the refusal is sent. */
  async function workbookFor(req: FastifyRequest, reply: FastifyReply, need: WorkbookNeed): Promise<WorkbookRow | null> {
    const params = check(idParam, { id: (req.params as { id?: unknown }).id });
    const r = params.ok ? await authoriseWorkbook(db, userOf(req), params.value.id, need, ctx.reads.workbooks) : params;
    if (r.ok) return r.value;
    refuse(req, reply, r.error);
    return null;
  }

  app.post('/api/workbooks', async (req, reply) => {
    const user = userOf(req);
    if (user.role !== 'editor' && user.role !== 'admin') return refuse(req, reply, { code: 'role.forbidden' });
    const body = check(newWorkbookBody, req.body);
    if (!body.ok) return refuse(req, reply, body.error);
    const id = body.value.id ?? newId();
    const rows = await db.query('insert into workbooks (id, org_id, name, year, created_by) values ($1, $2, $3, $4, $5) on conflict (id) do nothing returning id', [
      id,
      user.org.id,
      body.value.name,
      body.value.year,
      user.id,
    ]);
    if (!rows.length) return refuse(req, reply, { code: 'workbook.exists' });
    const [row] = await db.query<SummaryRow>(`${SUMMARY_SELECT(`'draft'`)} where w.id = $1`, [id]);
    return reply.code(201).send({ workbook: summary(row) });
  });

  app.get('/api/workbooks', async (req) => {
    const user = userOf(req);
    const own = await db.query<SummaryRow>(`${SUMMARY_SELECT(stateSql('w'))} where w.org_id = $1 order by w.year desc, w.name`, [user.org.id]);
    // A province sees what its districts sent (the frozen versions, through the submissions), not their drafts.
    const submitted =
      user.org.kind === 'province'
        ? await db.query<SummaryRow>(
            `${SUMMARY_SELECT(stateSql('w'))} where o.parent_id = $1 and exists (select 1 from submissions s where s.workbook_id = w.id) order by o.name, w.year desc, w.name`,
            [user.org.id],
          )
        : [];
    return { workbooks: own.map(summary), submitted: submitted.map(summary) };
  });

  app.get('/api/workbooks/:id', async (req, reply) => {
    const wb = await workbookFor(req, reply, 'read');
    if (!wb) return reply;
    const [row] = await db.query<SummaryRow>(`${SUMMARY_SELECT(stateSql('w'))} where w.id = $1`, [wb.id]);
    return { workbook: summary(row) };
  });

  app.get('/api/workbooks/:id/snapshot', async (req, reply) => {
    const wb = await workbookFor(req, reply, 'read');
    if (!wb) return reply;
    const q = check(chunkQuery, req.query);
    if (!q.ok) return refuse(req, reply, q.error);
    const after = q.value.after ? decodeCursor(q.value.after) : null;
    if (q.value.after && !after) return refuse(req, reply, { code: 'request.invalid', params: { detail: 'after: not a cursor this server gave' } });
    const chunk = await readSnapshot(db, wb.id, after, q.value.limit);
    // The next chunk's cursor in a header too: the browser asks for it before reading this body.
    if (chunk.next) reply.header('x-snapshot-next', chunk.next);
    return reply.type('application/json; charset=utf-8').send(chunk.text);
  });

  app.post('/api/workbooks/:id/ops', async (req, reply) => {
    const wb = await workbookFor(req, reply, 'write');
    if (!wb) return reply;
    const body = check(push, req.body);
    if (!body.ok) return refuse(req, reply, body.error);
    const r = await ctx.pushes.append({ workbookId: wb.id, userId: userOf(req).id, ops: body.value.ops as SyncOperation[] });
    if (r.ok) {
      const fresh = r.value.results.filter((x) => !x.duplicate).length;
      req.log.info({ workbook: wb.id, accepted: fresh, duplicates: r.value.results.length - fresh, lastSeq: r.value.lastSeq }, 'operations appended');
    }
    return answer(req, reply, r);
  });

  app.get('/api/workbooks/:id/ops', async (req, reply) => {
    const wb = await workbookFor(req, reply, 'read');
    if (!wb) return reply;
    const q = check(pullQuery, req.query);
    if (!q.ok) return refuse(req, reply, q.error);
    return pullOperations(db, wb.id, q.value.since, q.value.limit);
  });

  app.get('/api/workbooks/:id/events', async (req, reply) => {
    const wb = await workbookFor(req, reply, 'read');
    if (!wb) return reply;
    const q = check(eventsQuery, req.query);
    if (!q.ok) return refuse(req, reply, q.error);
    const lastEventId = Number(req.headers['last-event-id']);
    const since = q.value.since ?? (Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : wb.lastSeq);
    streamOperations(reply, { hub: ctx.hub, workbookId: wb.id, since, endsAt: userOf(req).expiresAt, batch: ctx.eventBatch, heartbeatMs: ctx.heartbeatMs });
    return reply;
  });

  app.get('/api/workbooks/:id/history', async (req, reply) => {
    const wb = await workbookFor(req, reply, 'read');
    if (!wb) return reply;
    const q = check(historyQuery, req.query);
    if (!q.ok) return refuse(req, reply, q.error);
    return { entries: await recordHistory(db, wb.id, q.value.kind, q.value.scope, q.value.id) };
  });

  app.get('/api/workbooks/:id/versions', async (req, reply) => {
    const wb = await workbookFor(req, reply, 'read');
    if (!wb) return reply;
    const q = check(versionsQuery, req.query);
    if (!q.ok) return refuse(req, reply, q.error);
    return { ...(await listVersions(db, wb.id, q.value.before ?? null, q.value.limit)), lastSeq: wb.lastSeq };
  });

  app.get('/api/workbooks/:id/versions/:seq/records', async (req, reply) => {
    const params = check(versionParams, req.params);
    if (!params.ok) return refuse(req, reply, params.error);
    const wb = await workbookFor(req, reply, 'read');
    if (!wb) return reply;
    const q = check(chunkQuery, req.query);
    if (!q.ok) return refuse(req, reply, q.error);
    if (params.value.seq > wb.lastSeq) return refuse(req, reply, { code: 'version.not-found', params: { seq: params.value.seq, lastSeq: wb.lastSeq } });
    const after = q.value.after ? decodeCursor(q.value.after) : null;
    if (q.value.after && !after) return refuse(req, reply, { code: 'request.invalid', params: { detail: 'after: not a cursor this server gave' } });
    return readRecordsAt(db, wb.id, params.value.seq, after, q.value.limit);
  });

  app.get('/api/workbooks/:id/conflicts', async (req, reply) => {
    const wb = await workbookFor(req, reply, 'read');
    if (!wb) return reply;
    const q = check(conflictsQuery, req.query);
    if (!q.ok) return refuse(req, reply, q.error);
    return { conflicts: await listConflicts(db, wb.id, q.value.since, q.value.limit) };
  });

  app.post('/api/workbooks/:id/conflicts/:conflictId/decision', async (req, reply) => {
    const params = check(conflictParams, req.params);
    if (!params.ok) return refuse(req, reply, params.error);
    const wb = await workbookFor(req, reply, 'write');
    if (!wb) return reply;
    const body = check(decisionBody, req.body);
    if (!body.ok) return refuse(req, reply, body.error);
    const r = await decideConflict(db, wb, params.value.conflictId, body.value.decision, userOf(req).id, ctx.hub.channel);
    if (r.ok) req.log.info({ workbook: wb.id, conflict: r.value.id, decision: r.value.decision }, 'conflict decided');
    return answer(req, reply, r.ok ? { ok: true, value: { conflict: r.value } } : r);
  });
}

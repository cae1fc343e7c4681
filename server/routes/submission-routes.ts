// Sending a district's workbook to its province and the province's answer: submit with a note
// (a frozen copy of the records), list a workbook's submissions, read a frozen version in chunks,
// return it with a comment or approve it, and the province's board of its districts' states.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authoriseSubmission, authoriseWorkbook, type SubmissionAccess, type SubmissionNeed } from '../access';
import { answer, refuse, userOf, type AppContext } from '../context';
import { approveBody, check, chunkQuery, idParam, returnBody, submitBody } from '../schemas';
import { listSubmissions, provinceStatus, readSubmission, readSubmissionRecords, reviewSubmission, submitWorkbook } from '../submissions';
import { decodeCursor } from '../sync-store';

export function registerSubmissionRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;

  /** The submission named in the address, if this user may do `need` with it; else the refusal is sent. */
  async function submissionFor(req: FastifyRequest, reply: FastifyReply, need: SubmissionNeed): Promise<SubmissionAccess | null> {
    const params = check(idParam, req.params);
    const r = params.ok ? await authoriseSubmission(db, userOf(req), params.value.id, need) : params;
    if (r.ok) return r.value;
    refuse(req, reply, r.error);
    return null;
  }

  app.post('/api/workbooks/:id/submissions', async (req, reply) => {
    const params = check(idParam, req.params);
    const wb = params.ok ? await authoriseWorkbook(db, userOf(req), params.value.id, 'submit', ctx.reads.workbooks) : params;
    if (!wb.ok) return refuse(req, reply, wb.error);
    const body = check(submitBody, req.body);
    if (!body.ok) return refuse(req, reply, body.error);
    const r = await submitWorkbook(db, wb.value, userOf(req).id, body.value.note);
    if (r.ok) req.log.info({ workbook: wb.value.id, seq: r.value.seq, by: userOf(req).username }, 'workbook submitted');
    return answer(req, reply, r.ok ? { ok: true, value: { submission: r.value } } : r, 201);
  });

  app.get('/api/workbooks/:id/submissions', async (req, reply) => {
    const params = check(idParam, req.params);
    const wb = params.ok ? await authoriseWorkbook(db, userOf(req), params.value.id, 'submissions', ctx.reads.workbooks) : params;
    if (!wb.ok) return refuse(req, reply, wb.error);
    return { submissions: await listSubmissions(db, wb.value.id) };
  });

  app.get('/api/submissions/:id', async (req, reply) => {
    const s = await submissionFor(req, reply, 'read');
    if (!s) return reply;
    return { submission: await readSubmission(db, s.id) };
  });

  app.get('/api/submissions/:id/records', async (req, reply) => {
    const s = await submissionFor(req, reply, 'read');
    if (!s) return reply;
    const q = check(chunkQuery, req.query);
    if (!q.ok) return refuse(req, reply, q.error);
    const after = q.value.after ? decodeCursor(q.value.after) : null;
    if (q.value.after && !after) return refuse(req, reply, { code: 'request.invalid', params: { detail: 'after: not a cursor this server gave' } });
    return readSubmissionRecords(db, s.id, s.seq, after, q.value.limit);
  });

  app.post('/api/submissions/:id/return', async (req, reply) => {
    const s = await submissionFor(req, reply, 'review');
    if (!s) return reply;
    const body = check(returnBody, req.body);
    if (!body.ok) return refuse(req, reply, body.error);
    const r = await reviewSubmission(db, s.id, userOf(req).id, 'returned', body.value.comment);
    return answer(req, reply, r.ok ? { ok: true, value: { submission: r.value } } : r);
  });

  app.post('/api/submissions/:id/approve', async (req, reply) => {
    const s = await submissionFor(req, reply, 'review');
    if (!s) return reply;
    const body = check(approveBody, req.body);
    if (!body.ok) return refuse(req, reply, body.error);
    const r = await reviewSubmission(db, s.id, userOf(req).id, 'approved', body.value.comment);
    return answer(req, reply, r.ok ? { ok: true, value: { submission: r.value } } : r);
  });

  app.get('/api/province/status', async (req, reply) => {
    const user = userOf(req);
    if (user.org.kind !== 'province') return refuse(req, reply, { code: 'role.forbidden' });
    return { districts: await provinceStatus(db, user.org.id) };
  });
}

// Nobody reads or writes another organisation's workbook: every route that names a workbook or a
// submission, tried by every kind of user of another district and of another province, is refused
// and leaks nothing; the province over a district sees the district's submissions and nothing
// else of its workbooks. The list of routes is read from the server itself, so a new route
// without a case here fails the test.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createFirstAdmin } from '../../server/auth';
import type { Db } from '../../server/db';
import { DATABASES, logIn, PASSWORD, seedProvince, sharedWorkbook, startApp, TEST_AUTH, unique, type Agent } from './harness';

/** Every route the server has, as "METHOD /path" (HEAD left out: Fastify adds it to each GET). */
function routesOf(app: FastifyInstance): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const text of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+) \(([^)]*)\)/.exec(text);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    stack.push(m[2]);
    for (const method of m[3].split(', ')) if (method !== 'HEAD') out.push(`${method} ${stack.join('')}`);
  }
  return out.sort();
}

const SECRET = 'Sổ riêng của huyện B';

describe.each(DATABASES)('access between organisations on $name', (database) => {
  let db: Db;
  let app: FastifyInstance;
  let people: Awaited<ReturnType<typeof seedProvince>>;
  let wbB: Awaited<ReturnType<typeof sharedWorkbook>>;
  let subB: string;
  let otherProvince: Agent;

  /** Every route naming a workbook or a submission, with a body a permitted user would send. */
  const cases = () => {
    const line = wbB.lines[0];
    const op = { opId: randomUUID(), baseSeq: 1, scenarioId: wbB.scenarioId, change: { lines: [{ before: line, after: { ...line, plan: 1 } }] } };
    return [
      { route: 'GET /api/workbooks/:id', url: `/api/workbooks/${wbB.id}` },
      { route: 'GET /api/workbooks/:id/snapshot', url: `/api/workbooks/${wbB.id}/snapshot` },
      { route: 'GET /api/workbooks/:id/ops', url: `/api/workbooks/${wbB.id}/ops?since=0` },
      { route: 'POST /api/workbooks/:id/ops', url: `/api/workbooks/${wbB.id}/ops`, body: { ops: [op] } },
      { route: 'GET /api/workbooks/:id/events', url: `/api/workbooks/${wbB.id}/events?since=0` },
      { route: 'GET /api/workbooks/:id/history', url: `/api/workbooks/${wbB.id}/history?kind=line&scope=${wbB.scenarioId}&id=${line.id}` },
      { route: 'GET /api/workbooks/:id/versions', url: `/api/workbooks/${wbB.id}/versions` },
      { route: 'GET /api/workbooks/:id/versions/:seq/records', url: `/api/workbooks/${wbB.id}/versions/1/records` },
      { route: 'GET /api/workbooks/:id/conflicts', url: `/api/workbooks/${wbB.id}/conflicts` },
      { route: 'POST /api/workbooks/:id/conflicts/:conflictId/decision', url: `/api/workbooks/${wbB.id}/conflicts/1/decision`, body: { decision: 'confirmed' } },
      { route: 'GET /api/workbooks/:id/submissions', url: `/api/workbooks/${wbB.id}/submissions`, province: true },
      { route: 'POST /api/workbooks/:id/submissions', url: `/api/workbooks/${wbB.id}/submissions`, body: { note: 'gửi hộ' } },
      { route: 'GET /api/submissions/:id', url: `/api/submissions/${subB}`, province: true },
      { route: 'GET /api/submissions/:id/records', url: `/api/submissions/${subB}/records`, province: true },
      { route: 'POST /api/submissions/:id/return', url: `/api/submissions/${subB}/return`, body: { comment: 'sửa lại' }, province: true },
      { route: 'POST /api/submissions/:id/approve', url: `/api/submissions/${subB}/approve`, body: { comment: '' }, province: true },
    ];
  };

  beforeAll(async () => {
    db = await database.open();
    app = await startApp(db);
    people = await seedProvince(app, db);
    wbB = await sharedWorkbook(people.editorB);
    await people.editorB.send(`/api/workbooks/${wbB.id}/ops`, {
      ops: [{ opId: randomUUID(), baseSeq: 1, change: { workbook: { before: wbB.workbook, after: { ...wbB.workbook, name: SECRET } } } }],
    });
    subB = (await people.editorB.send(`/api/workbooks/${wbB.id}/submissions`, { note: 'gửi tỉnh' })).submission.id;
    const otherAdmin = unique('admin');
    await createFirstAdmin(db, { provinceName: unique('Tỉnh khác '), username: otherAdmin, password: PASSWORD }, TEST_AUTH.scryptN);
    otherProvince = await logIn(app, otherAdmin);
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('has a case here for every route that names a workbook or a submission', () => {
    const named = routesOf(app).filter((r) => r.includes('/:id'));
    expect(named).toEqual(
      cases()
        .map((c) => c.route)
        .sort(),
    );
  });

  /** Tries every case as this user; each answer's status, and checks none leaks B's workbook. */
  async function tryAll(agent: Agent, only: (c: ReturnType<typeof cases>[number]) => boolean = () => true) {
    const statuses: Record<string, number> = {};
    for (const c of cases().filter(only)) {
      const r = c.body ? await agent.post(c.url, c.body) : await agent.get(c.url);
      statuses[c.route] = r.statusCode;
      if (r.statusCode >= 400) {
        expect(r.body).not.toContain(SECRET);
        expect(r.body).not.toContain(wbB.lines[0].id);
        expect(r.json().error.message.vi).toBeTruthy();
      }
    }
    return statuses;
  }

  it('refuses every user of district A every route of district B’s workbook and submission (403 or 404), leaking nothing', async () => {
    for (const agent of [people.editorA, people.viewerA, people.reviewerA]) {
      const statuses = await tryAll(agent);
      for (const [route, status] of Object.entries(statuses)) expect([route, [403, 404].includes(status)]).toEqual([route, true]);
    }
    expect((await people.editorB.json(`/api/workbooks/${wbB.id}`)).workbook).toMatchObject({ lastSeq: 2, state: 'submitted' });
  });

  it('refuses another province’s administrator everything of this province’s districts with 404', async () => {
    const statuses = await tryAll(otherProvince);
    expect(new Set(Object.values(statuses))).toEqual(new Set([404]));
    expect((await otherProvince.get('/api/province/status')).json().districts).toEqual([]);
    expect((await otherProvince.json('/api/workbooks')).submitted).toEqual([]);
  });

  it('lets the province read its districts’ submissions but nothing else of their workbooks', async () => {
    const statuses = await tryAll(people.provinceReviewer, (c) => !c.route.startsWith('POST /api/submissions'));
    for (const c of cases().filter((c) => !c.route.startsWith('POST /api/submissions'))) {
      expect([c.route, statuses[c.route]]).toEqual([c.route, c.province ? 200 : 404]);
    }
    const frozen = await people.provinceReviewer.json(`/api/submissions/${subB}/records`);
    expect(frozen.records.find((r: { kind: string }) => r.kind === 'workbook').data.name).toBe(SECRET);
  });

  it('lists only the user’s own organisation’s workbooks, and for a province its districts’ submitted ones', async () => {
    const wbA = await sharedWorkbook(people.editorA);
    const listA = await people.viewerA.json('/api/workbooks');
    expect(listA.workbooks.map((w: { id: string }) => w.id)).toContain(wbA.id);
    expect(JSON.stringify(listA)).not.toContain(wbB.id);
    expect(listA.submitted).toEqual([]);
    const province = await people.provinceReviewer.json('/api/workbooks');
    expect(province.submitted.map((w: { id: string; state: string }) => [w.id, w.state])).toEqual([[wbB.id, 'submitted']]);
    expect(JSON.stringify(province)).not.toContain(wbA.id);
    expect((await people.editorA.get('/api/province/status')).statusCode).toBe(403);
  });
});

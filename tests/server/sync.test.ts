// Operations on a shared workbook through the API: stored once however often sent, numbered in
// the order accepted, merged field by field (two offices editing different fields of a line both
// land; the same field from the same base is a conflict, the other value kept), pulled back from
// any sequence, read as a snapshot in chunks, a record's history, and live updates reaching the
// clients of another server process on the same database.

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Db } from '../../server/db';
import { DATABASES, useSeededServer, type SeededServer, logIn, seedProvince, sharedWorkbook, startApp, type Agent } from './harness';

type Shared = Awaited<ReturnType<typeof sharedWorkbook>>;

/** An operation editing one line of the shared workbook, from the given base line to the given fields. */
function editLine(wb: Shared, before: Record<string, unknown>, fields: Record<string, unknown>, baseSeq: number, opId = randomUUID()) {
  return { opId, baseSeq, scenarioId: wb.scenarioId, change: { lines: [{ before, after: { ...before, ...fields } }] } };
}

async function lineOnServer(agent: Agent, wb: Shared, id: string) {
  const snap = await agent.json(`/api/workbooks/${wb.id}/snapshot?limit=10000`);
  return snap.records.find((r: { kind: string; id: string }) => r.kind === 'line' && r.id === id)?.data;
}

describe.each(DATABASES)('operations on $name', (database) => {
  let db: Db;
  let app: FastifyInstance;
  let people: SeededServer['people'];
  useSeededServer(database, (s) => ({ db, app, people } = s));

  it('stores an operation sent twice once, with the same sequence', async () => {
    const wb = await sharedWorkbook(people.editorA);
    const op = editLine(wb, wb.lines[0], { plan: 7 }, 1);
    const first = await people.editorA.send(`/api/workbooks/${wb.id}/ops`, { ops: [op] });
    const again = await people.editorA.send(`/api/workbooks/${wb.id}/ops`, { ops: [op, op] });
    expect(first.results).toEqual([{ opId: op.opId, seq: 2, duplicate: false, conflicts: 0 }]);
    expect(again.results).toEqual([
      { opId: op.opId, seq: 2, duplicate: true, conflicts: 0 },
      { opId: op.opId, seq: 2, duplicate: true, conflicts: 0 },
    ]);
    expect(again.lastSeq).toBe(2);
    const pulled = await people.editorA.json(`/api/workbooks/${wb.id}/ops?since=0`);
    expect(pulled.ops.map((o: { opId: string }) => o.opId)).toEqual([expect.any(String), op.opId]);
    expect((await db.query('select count(*)::int as n from ops where op_id = $1', [op.opId]))[0]).toEqual({ n: 1 });
  });

  it('refuses an operation id used again for another change, or in another workbook, and stores nothing of the push', async () => {
    const wb = await sharedWorkbook(people.editorA);
    const other = await sharedWorkbook(people.editorA);
    const op = editLine(wb, wb.lines[0], { plan: 7 }, 1);
    await people.editorA.send(`/api/workbooks/${wb.id}/ops`, { ops: [op] });
    const changed = { ...op, change: editLine(wb, wb.lines[0], { plan: 8 }, 1).change };
    const fresh = editLine(wb, wb.lines[1], { plan: 9 }, 2);
    const r = await people.editorA.post(`/api/workbooks/${wb.id}/ops`, { ops: [fresh, changed] });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'op.id-reused', params: { opId: op.opId } });
    expect(await lineOnServer(people.editorA, wb, wb.lines[1].id)).toMatchObject({ plan: wb.lines[1].plan });
    const elsewhere = await people.editorA.post(`/api/workbooks/${other.id}/ops`, { ops: [{ ...editLine(other, other.lines[0], { plan: 1 }, 1), opId: op.opId }] });
    expect(elsewhere.statusCode).toBe(409);
  });

  it('merges two offices’ edits of different fields of one line, with no conflict', async () => {
    const wb = await sharedWorkbook(people.editorA);
    const other = await logIn(app, people.editorA.me.username);
    const l = wb.lines[0];
    const a = await people.editorA.send(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, l, { plan: 5_000_000 }, 1)] });
    const b = await other.send(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, l, { label: 'Hỗ trợ sinh kế' }, 1)] });
    expect(a.results[0].conflicts + b.results[0].conflicts).toBe(0);
    expect(await lineOnServer(people.editorA, wb, l.id)).toEqual({ ...l, plan: 5_000_000, label: 'Hỗ trợ sinh kế' });
    expect((await people.editorA.json(`/api/workbooks/${wb.id}/conflicts`)).conflicts).toEqual([]);
  });

  it('records a conflict when two offices change one field from the same base: the later shows, the other is kept', async () => {
    const wb = await sharedWorkbook(people.editorA);
    const other = await logIn(app, people.editorA.me.username);
    const l = wb.lines[1];
    await people.editorA.send(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, l, { plan: 111 }, 1)] });
    const late = await other.send(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, l, { plan: 222 }, 1)] });
    expect(late.results[0]).toMatchObject({ seq: 3, conflicts: 1 });
    expect(await lineOnServer(people.editorA, wb, l.id)).toMatchObject({ plan: 222 });
    const { conflicts } = await people.editorA.json(`/api/workbooks/${wb.id}/conflicts?since=0`);
    expect(conflicts).toEqual([
      expect.objectContaining({
        seq: 3,
        keptSeq: 2,
        kind: 'line',
        scope: wb.scenarioId,
        recordId: l.id,
        path: ['plan'],
        base: l.plan,
        kept: 111,
        shown: 222,
        userId: other.me.id,
      }),
    ]);
    // An edit made after seeing the other value is no conflict.
    const seen = await other.send(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, { ...l, plan: 222 }, { plan: 333 }, 3)] });
    expect(seen.results[0].conflicts).toBe(0);
  });

  it('records a decision on a conflict for everyone, who and when; the first decision stands; readers, other offices, unknown conflicts and bad bodies are refused', async () => {
    const wb = await sharedWorkbook(people.editorA);
    const other = await logIn(app, people.editorA.me.username);
    const l = wb.lines[2];
    await people.editorA.send(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, l, { plan: 111 }, 1)] });
    await other.send(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, l, { plan: 222 }, 1)] });
    const [open] = (await people.viewerA.json(`/api/workbooks/${wb.id}/conflicts`)).conflicts;
    expect(open).toMatchObject({ decision: null, decidedBy: null, decidedAt: null });
    const url = `/api/workbooks/${wb.id}/conflicts/${open.id}/decision`;
    expect((await people.viewerA.post(url, { decision: 'confirmed' })).statusCode).toBe(403);
    expect((await people.editorB.post(url, { decision: 'confirmed' })).statusCode).toBe(404);
    const bad = await people.editorA.post(url, { decision: 'maybe' });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'request.invalid']);
    const unknown = await people.editorA.post(`/api/workbooks/${wb.id}/conflicts/999999/decision`, { decision: 'confirmed' });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'conflict.not-found']);

    const decided = await people.editorA.send(url, { decision: 'reversed' });
    expect(decided.conflict).toMatchObject({ id: open.id, decision: 'reversed', decidedBy: `editor ${people.editorA.me.username}` });
    expect(Date.parse(decided.conflict.decidedAt)).not.toBeNaN();
    // The second person's decision is refused, naming the first; everyone reads the first.
    const late = await other.post(url, { decision: 'confirmed' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error).toMatchObject({ code: 'conflict.decided', params: { who: decided.conflict.decidedBy, decision: 'reversed' } });
    expect(late.json().error.message.vi).toContain(decided.conflict.decidedBy);
    const [seen] = (await people.viewerA.json(`/api/workbooks/${wb.id}/conflicts?since=0`)).conflicts;
    expect(seen).toMatchObject({ id: open.id, decision: 'reversed', decidedBy: decided.conflict.decidedBy });
  });

  it('keeps a deleted line’s last content as a conflict when it had been edited meanwhile, and an edit of a deleted line puts it back', async () => {
    const wb = await sharedWorkbook(people.editorA);
    const [l] = wb.lines;
    await people.editorA.send(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, l, { plan: 5 }, 1)] });
    const del = await people.editorA.send(`/api/workbooks/${wb.id}/ops`, {
      ops: [{ opId: randomUUID(), baseSeq: 1, scenarioId: wb.scenarioId, change: { lines: [{ before: l, after: null }] } }],
    });
    expect(del.results[0].conflicts).toBe(1);
    expect(await lineOnServer(people.editorA, wb, l.id)).toBeUndefined();
    const { conflicts } = await people.editorA.json(`/api/workbooks/${wb.id}/conflicts`);
    expect(conflicts[0]).toMatchObject({ path: [], kept: { ...l, plan: 5 }, shown: null });
    const back = await people.editorA.send(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, l, { label: 'vẫn cần' }, 2)] });
    expect(back.results[0].conflicts).toBe(1);
    expect(await lineOnServer(people.editorA, wb, l.id)).toEqual({ ...l, label: 'vẫn cần' });
  });

  it('gives exactly the operations after a sequence, in order, in pages', async () => {
    const wb = await sharedWorkbook(people.editorA);
    const ops = wb.lines.map((l, i) => editLine(wb, l, { plan: i + 10 }, 1));
    for (const op of ops) await people.editorA.send(`/api/workbooks/${wb.id}/ops`, { ops: [op] });
    const since2 = await people.viewerA.json(`/api/workbooks/${wb.id}/ops?since=2`);
    expect(since2.ops.map((o: { seq: number; opId: string }) => [o.seq, o.opId])).toEqual([
      [3, ops[1].opId],
      [4, ops[2].opId],
    ]);
    expect(since2).toMatchObject({ lastSeq: 4, more: false });
    expect(since2.ops[0]).toMatchObject({
      baseSeq: 1,
      scenarioId: wb.scenarioId,
      userId: people.editorA.me.id,
      userName: expect.stringContaining('editor'),
      change: ops[1].change,
    });
    const page = await people.viewerA.json(`/api/workbooks/${wb.id}/ops?since=1&limit=2`);
    expect(page.ops.map((o: { seq: number }) => o.seq)).toEqual([2, 3]);
    expect(page.more).toBe(true);
    expect((await people.viewerA.json(`/api/workbooks/${wb.id}/ops?since=4`)).ops).toEqual([]);
  });

  it('gives the records in chunks, each once, with the sequence to pull from', async () => {
    const wb = await sharedWorkbook(people.editorA, 7);
    const seen: string[] = [];
    let url = `/api/workbooks/${wb.id}/snapshot?limit=3`;
    for (let i = 0; i < 10; i++) {
      const chunk = await people.viewerA.json(url);
      expect(chunk.seq).toBe(1);
      expect(chunk.records.length).toBeLessThanOrEqual(3);
      seen.push(...chunk.records.map((r: { kind: string; id: string; seq: number }) => `${r.kind}:${r.id}:${r.seq}`));
      if (!chunk.next) break;
      url = `/api/workbooks/${wb.id}/snapshot?limit=3&after=${chunk.next}`;
    }
    const expected = [`workbook:${wb.id}:1`, `scenario:${wb.scenarioId}:1`, `node:${wb.nodeId}:1`, ...wb.lines.map((l) => `line:${l.id}:1`)];
    expect(seen.sort()).toEqual(expected.sort());
    expect((await people.viewerA.get(`/api/workbooks/${wb.id}/snapshot?after=not-a-cursor`)).statusCode).toBe(400);
  });

  it('tells a record’s history: every change, by whom, when and from which version', async () => {
    const wb = await sharedWorkbook(people.editorA);
    const other = await logIn(app, people.editorA.me.username);
    const l = wb.lines[2];
    await people.editorA.send(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, l, { plan: 1 }, 1)] });
    await other.send(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, { ...l, plan: 1 }, { plan: 2 }, 2)] });
    await other.send(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, wb.lines[0], { plan: 3 }, 3)] });
    const { entries } = await people.viewerA.json(`/api/workbooks/${wb.id}/history?kind=line&scope=${wb.scenarioId}&id=${l.id}`);
    expect(
      entries.map((e: { seq: number; baseSeq: number; before: { plan: number } | null; after: { plan: number } }) => [e.seq, e.baseSeq, e.before?.plan ?? null, e.after.plan]),
    ).toEqual([
      [1, 0, null, l.plan],
      [2, 1, l.plan, 1],
      [3, 2, 1, 2],
    ]);
    expect(entries[1]).toMatchObject({ userId: people.editorA.me.id, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('refuses operations whose records belong to another workbook, lines of an unknown scenario, and a base it has not reached', async () => {
    const wb = await sharedWorkbook(people.editorA);
    const other = await sharedWorkbook(people.editorA);
    const foreignNode = { ...other.node, name: 'đổi' };
    const r = await people.editorA.post(`/api/workbooks/${wb.id}/ops`, {
      ops: [{ opId: randomUUID(), baseSeq: 1, change: { nodes: [{ before: other.node, after: foreignNode }] } }],
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('op.wrong-workbook');
    const lines = await people.editorA.post(`/api/workbooks/${wb.id}/ops`, { ops: [{ ...editLine(wb, wb.lines[0], { plan: 1 }, 1), scenarioId: other.scenarioId }] });
    expect(lines.json().error.code).toBe('op.scenario-unknown');
    const ahead = await people.editorA.post(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, wb.lines[0], { plan: 1 }, 99)] });
    expect(ahead.json().error).toMatchObject({ code: 'op.base-ahead', params: { baseSeq: 99, lastSeq: 1 } });
    const bad = await people.editorA.post(`/api/workbooks/${wb.id}/ops`, { ops: [{ opId: 'x', baseSeq: -1, change: { cells: [] } }] });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .error.issues.map((i: { path: string }) => i.path)
        .sort(),
    ).toEqual(['ops.0.baseSeq', 'ops.0.change', 'ops.0.opId']);
    expect((await people.editorA.json(`/api/workbooks/${wb.id}`)).workbook.lastSeq).toBe(1);
  });

  it('takes lines of a scenario deleted meanwhile (an office that edited it offline is not blocked), kept under no scenario', async () => {
    const wb = await sharedWorkbook(people.editorA);
    const variant = { id: randomUUID(), workbookId: wb.id, name: 'Phương án', createdAt: 2, kind: 'variant' };
    const copy = wb.lines.map((l) => ({ before: null, after: l }));
    await people.editorA.send(`/api/workbooks/${wb.id}/ops`, {
      ops: [{ opId: randomUUID(), baseSeq: 1, scenarioId: variant.id, change: { scenarios: [{ before: null, after: variant }], lines: copy } }],
    });
    await people.editorA.send(`/api/workbooks/${wb.id}/ops`, { ops: [{ opId: randomUUID(), baseSeq: 2, change: { scenarios: [{ before: variant, after: null }] } }] });
    const late = await people.editorA.send(`/api/workbooks/${wb.id}/ops`, {
      ops: [{ ...editLine(wb, wb.lines[0], { plan: 9 }, 2), scenarioId: variant.id }],
    });
    expect(late.results[0]).toMatchObject({ seq: 4, duplicate: false });
    const snap = await people.editorA.json(`/api/workbooks/${wb.id}/snapshot?limit=10000`);
    expect(snap.records.some((r: { kind: string; id: string }) => r.kind === 'scenario' && r.id === variant.id)).toBe(false);
    expect(snap.records.find((r: { kind: string; scope: string; id: string }) => r.kind === 'line' && r.scope === variant.id && r.id === wb.lines[0].id)?.data.plan).toBe(9);
  });

  it('keeps the workbook’s name and year as its record says', async () => {
    const wb = await sharedWorkbook(people.editorA);
    await people.editorA.send(`/api/workbooks/${wb.id}/ops`, {
      ops: [{ opId: randomUUID(), baseSeq: 1, change: { workbook: { before: wb.workbook, after: { ...wb.workbook, name: 'Kế hoạch 2025', year: 2025 } } } }],
    });
    expect((await people.viewerA.json(`/api/workbooks/${wb.id}`)).workbook).toMatchObject({ name: 'Kế hoạch 2025', year: 2025, lastSeq: 2, state: 'draft' });
  });

  it('lets viewers and reviewers read but not write', async () => {
    const wb = await sharedWorkbook(people.editorA);
    for (const agent of [people.viewerA, people.reviewerA]) {
      expect((await agent.get(`/api/workbooks/${wb.id}/ops`)).statusCode).toBe(200);
      const r = await agent.post(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, wb.lines[0], { plan: 1 }, 1)] });
      expect(r.statusCode).toBe(403);
      expect(r.json().error.code).toBe('role.forbidden');
      expect((await agent.post('/api/workbooks', { name: 'x', year: 2024 })).statusCode).toBe(403);
    }
  });

  it('streams new operations to a client of another server process on the same database, and resumes after the last event id', async () => {
    const [db1, db2] = await database.openTwice();
    const channel = `ops_live_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
    const one = await startApp(db1, { channel, heartbeatMs: 100_000 });
    const two = await startApp(db2, { channel, heartbeatMs: 100_000 });
    try {
      const seeded = await seedProvince(one, db1);
      const wb = await sharedWorkbook(seeded.editorA);
      await two.listen({ host: '127.0.0.1', port: 0 });
      const port = (two.server.address() as AddressInfo).port;
      const watcher = await logIn(two, seeded.viewerA.me.username);
      const events = openStream(`http://127.0.0.1:${port}/api/workbooks/${wb.id}/events?since=0`, watcher.cookie);
      const first = await events.next();
      expect(first.id).toBe('1');
      expect(first.data.ops.map((o: { seq: number }) => o.seq)).toEqual([1]);
      const op = editLine(wb, wb.lines[0], { plan: 42 }, 1);
      await seeded.editorA.send(`/api/workbooks/${wb.id}/ops`, { ops: [op] });
      const second = await events.next();
      expect(second).toMatchObject({ id: '2', event: 'ops' });
      expect(second.data.ops).toEqual([expect.objectContaining({ seq: 2, opId: op.opId, change: op.change })]);
      // A conflict decided on the first process: the stream on the second says so.
      const rival = await logIn(one, seeded.editorA.me.username);
      await rival.send(`/api/workbooks/${wb.id}/ops`, { ops: [editLine(wb, wb.lines[0], { plan: 7 }, 1)] });
      expect((await events.next()).id).toBe('3');
      const [conflict] = (await seeded.editorA.json(`/api/workbooks/${wb.id}/conflicts`)).conflicts;
      await seeded.editorA.send(`/api/workbooks/${wb.id}/conflicts/${conflict.id}/decision`, { decision: 'confirmed' });
      expect(await events.next()).toMatchObject({ event: 'conflicts', data: {} });
      events.close();
      const resumed = openStream(`http://127.0.0.1:${port}/api/workbooks/${wb.id}/events`, watcher.cookie, { 'last-event-id': '1' });
      expect((await resumed.next()).data.ops.map((o: { seq: number }) => o.seq)).toEqual([2, 3]);
      resumed.close();
      const refused = await fetch(`http://127.0.0.1:${port}/api/workbooks/${wb.id}/events`, { headers: { cookie: (await logIn(two, seeded.editorB.me.username)).cookie } });
      expect(refused.status).toBe(404);
    } finally {
      await one.close();
      await two.close();
      await db1.close();
      await db2.close();
    }
  }, 120_000);

  it('gives each of several streams on one workbook every operation once and in order while offices push at the same time', async () => {
    const own = await startApp(db, { heartbeatMs: 100_000 });
    try {
      const seeded = await seedProvince(own, db);
      const wb = await sharedWorkbook(seeded.editorA, 4);
      await own.listen({ host: '127.0.0.1', port: 0 });
      const port = (own.server.address() as AddressInfo).port;
      const watcher = await logIn(own, seeded.viewerA.me.username);
      const streams = Array.from({ length: 5 }, () => openStream(`http://127.0.0.1:${port}/api/workbooks/${wb.id}/events?since=1`, watcher.cookie));
      const other = await logIn(own, seeded.editorA.me.username);
      const lines: Record<string, unknown>[] = [...wb.lines];
      const sent: string[] = [];
      // Four pushes in flight together, five rounds: twenty operations.
      for (let round = 0; round < 5; round++) {
        const ops = lines.map((l, i) => editLine(wb, l, { plan: 1000 * (round + 1) + i }, 1));
        ops.forEach((op, i) => (lines[i] = op.change.lines[0].after));
        sent.push(...ops.map((o) => o.opId));
        await Promise.all(ops.map((op, i) => (i % 2 ? other : seeded.editorA).send(`/api/workbooks/${wb.id}/ops`, { ops: [op] })));
      }
      for (const events of streams) {
        const got: { seq: number; opId: string }[] = [];
        while (got.length < sent.length) got.push(...(await events.next()).data.ops);
        expect(got.map((o) => o.seq)).toEqual(Array.from({ length: sent.length }, (_, i) => i + 2));
        expect(new Set(got.map((o) => o.opId))).toEqual(new Set(sent));
        events.close();
      }
    } finally {
      await own.close();
    }
  }, 120_000);

  it('closes with live streams open (their connections ended, not left idle for the keep-alive time)', async () => {
    const own = await startApp(db, { heartbeatMs: 100_000 });
    const seeded = await seedProvince(own, db);
    const wb = await sharedWorkbook(seeded.editorA, 1);
    await own.listen({ host: '127.0.0.1', port: 0 });
    // Kept-alive connections would otherwise hold the close for ten minutes: the test's limit says so.
    own.server.keepAliveTimeout = 600_000;
    const port = (own.server.address() as AddressInfo).port;
    const watcher = await logIn(own, seeded.viewerA.me.username);
    const streams = Array.from({ length: 3 }, () => openStream(`http://127.0.0.1:${port}/api/workbooks/${wb.id}/events?since=0`, watcher.cookie));
    for (const events of streams) await events.next();
    // One more asked for as the close begins: it is ended at once too, not left open for ever.
    const late = openStream(`http://127.0.0.1:${port}/api/workbooks/${wb.id}/events?since=0`, watcher.cookie);
    await own.close();
    expect(own.server.listening).toBe(false);
    late.close();
  }, 30_000);
});

/** A server-sent event stream read with fetch: next() resolves with each event in turn. */
function openStream(url: string, cookie: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const queue: { id?: string; event?: string; data: any }[] = [];
  const waiting: ((e: (typeof queue)[number]) => void)[] = [];
  const deliver = (e: (typeof queue)[number]) => {
    const w = waiting.shift();
    if (w) w(e);
    else queue.push(e);
  };
  void (async () => {
    // Closed before the answer came (a stream asked for as the server closes): nothing to read.
    const res = await fetch(url, { headers: { cookie, accept: 'text/event-stream', ...headers }, signal: controller.signal }).catch(() => null);
    if (!res?.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const lineText of block.split('\n')) {
            const m = /^([a-z]+): ?(.*)$/.exec(lineText);
            if (m) fields[m[1]] = m[2];
          }
          if (fields.data !== undefined) deliver({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    next: () => new Promise<(typeof queue)[number]>((resolve) => (queue.length ? resolve(queue.shift()!) : waiting.push(resolve))),
    close: () => controller.abort(),
  };
}

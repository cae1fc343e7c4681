// A shared workbook's earlier versions through the API: the log's steps listed newest first (who,
// when, from which version, how many records of each kind), and the records as they stood after
// any sequence, read in chunks, equal to the snapshot read right after that sequence was written,
// whatever the edits in between (stale bases, merges, conflicts, deletions, lines put back); the
// same for operations stored before the server kept each record's content per operation.

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../server/db';
import { DATABASES, line, logIn, sharedWorkbook, useSeededServer, type Agent, type SeededServer } from './harness';

type Shared = Awaited<ReturnType<typeof sharedWorkbook>>;
type Rec = { kind: string; scope: string; id: string; seq: number; data: unknown };

/** Every record of a chunked read (the snapshot, or a version's records), by kind/scope/id. */
async function readAll(agent: Agent, url: (after: string | null) => string): Promise<{ seq: number; records: Map<string, Rec> }> {
  const records = new Map<string, Rec>();
  let after: string | null = null;
  let seq = -1;
  do {
    const chunk: { seq: number; records: Rec[]; next: string | null } = await agent.json(url(after));
    if (seq < 0) seq = chunk.seq;
    for (const r of chunk.records) {
      const key = `${r.kind}/${r.scope}/${r.id}`;
      expect(records.has(key)).toBe(false);
      records.set(key, r);
    }
    after = chunk.next;
  } while (after);
  return { seq, records };
}

const snapshot = (agent: Agent, wb: Shared) => readAll(agent, (after) => `/api/workbooks/${wb.id}/snapshot?limit=1000${after ? `&after=${after}` : ''}`);
const version = (agent: Agent, wb: Shared, seq: number, limit = 3) =>
  readAll(agent, (after) => `/api/workbooks/${wb.id}/versions/${seq}/records?limit=${limit}${after ? `&after=${after}` : ''}`);

/** One office's edit: a line (or the item) changed from the version `lag` steps back. */
const step = fc.record({
  who: fc.constantFrom(0, 1),
  line: fc.integer({ min: 0, max: 3 }),
  what: fc.constantFrom('plan', 'label', 'delete', 'create', 'node', 'both'),
  value: fc.integer({ min: 1, max: 9 }),
  lag: fc.integer({ min: 0, max: 2 }),
});
type StepInput = typeof step extends fc.Arbitrary<infer T> ? T : never;

describe.each(DATABASES)('earlier versions of a shared workbook on $name', (database) => {
  let db: Db;
  let app: FastifyInstance;
  let people: SeededServer['people'];
  useSeededServer(database, (s) => ({ db, app, people } = s));

  /** Pushes random edits one operation at a time; the snapshot read after each, by sequence. */
  async function playEdits(wb: Shared, offices: Agent[], steps: StepInput[]) {
    const states = new Map<number, Map<string, Rec>>([[1, (await snapshot(offices[0], wb)).records]]);
    let last = 1;
    for (const s of steps) {
      const base = Math.max(last - s.lag, 1);
      const seen = states.get(base)!;
      const lineId = s.line < wb.lines.length ? wb.lines[s.line].id : randomUUID();
      const before = (seen.get(`line/${wb.scenarioId}/${lineId}`)?.data ?? null) as Record<string, unknown> | null;
      const node = seen.get(`node//${wb.nodeId}`)!.data as Record<string, unknown>;
      const lines: { before: unknown; after: unknown }[] = [];
      const nodes: { before: unknown; after: unknown }[] = [];
      if (s.what === 'delete' && before) lines.push({ before, after: null });
      else if (s.what === 'create' || !before) lines.push({ before: null, after: { ...line(wb.nodeId, s.line, s.value), id: lineId } });
      else if (s.what === 'plan' || s.what === 'both') lines.push({ before, after: { ...before, plan: s.value * 1000 } });
      else if (s.what === 'label') lines.push({ before, after: { ...before, label: `Dòng ${s.value}` } });
      if (s.what === 'node' || s.what === 'both') nodes.push({ before: node, after: { ...node, name: `Dự án ${s.value}` } });
      const op = { opId: randomUUID(), baseSeq: base, scenarioId: wb.scenarioId, change: { lines, nodes } };
      const r = await offices[s.who].send(`/api/workbooks/${wb.id}/ops`, { ops: [op] });
      last = r.lastSeq;
      states.set(last, (await snapshot(offices[0], wb)).records);
    }
    return states;
  }

  it('gives the records after any sequence exactly as they stood then, in chunks, also for operations older than the content kept per operation', async () => {
    const other = await logIn(app, people.editorA.me.username);
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const wb = await sharedWorkbook(people.editorA, 4);
        const states = await playEdits(wb, [people.editorA, other], steps);
        for (const [seq, expected] of states) {
          const read = await version(people.viewerA, wb, seq);
          expect(read.seq).toBe(seq);
          expect(read.records).toEqual(expected);
        }
        // As a server before schema 005 wrote them: no content per operation but each record's last.
        await db.query(
          `update op_records h set data = null, kept = false where workbook_id = $1 and seq < (select r.seq from records r where r.workbook_id = h.workbook_id and r.kind = h.kind and r.scope = h.scope and r.id = h.id)`,
          [wb.id],
        );
        for (const [seq, expected] of states) expect((await version(people.viewerA, wb, seq, 1000)).records).toEqual(expected);
      }),
      { numRuns: 4 },
    );
  }, 120_000);

  it('shows a value edited later as it was, a line deleted later, and not a line created later', async () => {
    const wb = await sharedWorkbook(people.editorA, 3);
    const [l0, l1] = wb.lines;
    const edit = (before: unknown, after: unknown, baseSeq: number) => ({ opId: randomUUID(), baseSeq, scenarioId: wb.scenarioId, change: { lines: [{ before, after }] } });
    const added = line(wb.nodeId, 9, 42);
    await people.editorA.send(`/api/workbooks/${wb.id}/ops`, {
      ops: [edit(l0, { ...l0, plan: 777 }, 1), edit(l1, null, 2), edit(null, added, 3)],
    });
    const at1 = (await version(people.viewerA, wb, 1, 1000)).records;
    expect((at1.get(`line/${wb.scenarioId}/${l0.id}`)?.data as { plan: number }).plan).toBe(l0.plan);
    expect(at1.get(`line/${wb.scenarioId}/${l0.id}`)?.seq).toBe(1);
    expect(at1.has(`line/${wb.scenarioId}/${l1.id}`)).toBe(true);
    expect(at1.has(`line/${wb.scenarioId}/${added.id}`)).toBe(false);
    const at2 = (await version(people.viewerA, wb, 2, 1000)).records;
    expect((at2.get(`line/${wb.scenarioId}/${l0.id}`)?.data as { plan: number }).plan).toBe(777);
    expect(at2.has(`line/${wb.scenarioId}/${l1.id}`)).toBe(true);
    expect((await version(people.viewerA, wb, 0, 1000)).records.size).toBe(0);
    const ahead = await people.viewerA.get(`/api/workbooks/${wb.id}/versions/5/records`);
    expect([ahead.statusCode, ahead.json().error.code, ahead.json().error.message.vi]).toEqual([404, 'version.not-found', expect.stringContaining('4')]);
    expect((await people.viewerA.get(`/api/workbooks/${wb.id}/versions/1/records?after=nope`)).statusCode).toBe(400);
    expect((await people.viewerA.get(`/api/workbooks/${wb.id}/versions/x/records`)).statusCode).toBe(400);
  });

  it('lists the log’s steps newest first: the version, who, when, from which version, on which scenario, how many records of each kind', async () => {
    const wb = await sharedWorkbook(people.editorA, 5);
    const l = wb.lines[0];
    await people.editorA.send(`/api/workbooks/${wb.id}/ops`, {
      ops: [
        { opId: randomUUID(), baseSeq: 1, scenarioId: wb.scenarioId, change: { lines: [{ before: l, after: { ...l, plan: 1 } }] } },
        { opId: randomUUID(), baseSeq: 1, change: { nodes: [{ before: null, after: { ...wb.node, id: randomUUID(), code: 'DA2' } }] } },
      ],
    });
    const all = await people.viewerA.json(`/api/workbooks/${wb.id}/versions`);
    expect(all.lastSeq).toBe(3);
    expect(all.more).toBe(false);
    expect(all.versions.map((v: { seq: number; baseSeq: number; counts: object }) => [v.seq, v.baseSeq, v.counts])).toEqual([
      [3, 1, { workbook: 0, scenarios: 0, nodes: 1, lines: 0, places: 0, rules: 0 }],
      [2, 1, { workbook: 0, scenarios: 0, nodes: 0, lines: 1, places: 0, rules: 0 }],
      [1, 0, { workbook: 1, scenarios: 1, nodes: 1, lines: 5, places: 0, rules: 0 }],
    ]);
    expect(all.versions[1]).toMatchObject({ userName: expect.stringContaining('editor'), scenarioId: wb.scenarioId, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const page = await people.viewerA.json(`/api/workbooks/${wb.id}/versions?before=3&limit=1`);
    expect([page.versions.map((v: { seq: number }) => v.seq), page.more]).toEqual([[2], true]);
  });
});

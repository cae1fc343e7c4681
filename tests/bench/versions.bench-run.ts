// Earlier versions of a large shared workbook on the server (PGlite in memory; PostgreSQL too when
// PLANBENCH_TEST_PG_URL names one): a workbook of PLANBENCH_VERSION_LINES lines (100 000 unless
// set) uploaded in operations of 2 000 lines, then every line edited (so every record was written
// after the version read), then the workbook as it stood after the upload read in chunks of 2 000:
// from the content kept per operation, and as a server before that kept it (replayed from the log).
// Also the time of one push of 2 000 lines, which now writes each record's content into op_records.
import { describe, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../server/db';
import { DATABASES, line, seedProvince, startApp, workbookRecords, type Agent } from '../server/harness';
import { median, report } from './stats';

const LINES = Number(process.env.PLANBENCH_VERSION_LINES ?? 100_000);
const PER_OP = 2000;

async function readVersion(agent: Agent, workbookId: string, seq: number): Promise<{ ms: number[]; records: number }> {
  const ms: number[] = [];
  let after: string | null = null;
  let records = 0;
  do {
    const t0 = performance.now();
    const chunk: { records: unknown[]; next: string | null } = await agent.json(
      `/api/workbooks/${workbookId}/versions/${seq}/records?limit=${PER_OP}${after ? `&after=${after}` : ''}`,
    );
    ms.push(performance.now() - t0);
    records += chunk.records.length;
    after = chunk.next;
  } while (after);
  return { ms, records };
}

async function run(name: string, db: Db): Promise<void> {
  const app: FastifyInstance = await startApp(db);
  try {
    const people = await seedProvince(app, db);
    const editor = people.editorA;
    const id = (await editor.send('/api/workbooks', { name: 'Kế hoạch', year: 2024 })).workbook.id as string;
    const recs = workbookRecords(id, 0);
    const lines = Array.from({ length: LINES }, (_, i) => line(recs.nodeId, i));
    const head = { workbook: { before: null, after: recs.workbook }, scenarios: [{ before: null, after: recs.scenario }], nodes: [{ before: null, after: recs.node }] };
    const pushMs: number[] = [];
    let seq = 0;
    for (let from = 0; from < LINES; from += PER_OP) {
      const change = { ...(from === 0 ? head : {}), lines: lines.slice(from, from + PER_OP).map((l) => ({ before: null, after: l })) };
      const t0 = performance.now();
      seq = (await editor.send(`/api/workbooks/${id}/ops`, { ops: [{ opId: randomUUID(), baseSeq: seq, scenarioId: recs.scenarioId, change }] })).lastSeq;
      pushMs.push(performance.now() - t0);
    }
    const uploaded = seq;
    for (let from = 0; from < LINES; from += PER_OP) {
      const change = { lines: lines.slice(from, from + PER_OP).map((l) => ({ before: l, after: { ...l, plan: l.plan + 1 } })) };
      const t0 = performance.now();
      seq = (await editor.send(`/api/workbooks/${id}/ops`, { ops: [{ opId: randomUUID(), baseSeq: seq, scenarioId: recs.scenarioId, change }] })).lastSeq;
      pushMs.push(performance.now() - t0);
    }
    const kept = await readVersion(people.viewerA, id, uploaded);
    await db.query(`update op_records set data = null, kept = false where workbook_id = $1 and seq <= $2`, [id, uploaded]);
    const replayed = await readVersion(people.viewerA, id, uploaded);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    report(`earlier versions, ${name}: ${LINES} lines, every one edited after the version read`, [
      ['push of 2 000 lines (creating or editing), median', median(pushMs), 'ms', ''],
      ['records read at the version', `${kept.records} / ${replayed.records}`, '', `${LINES + 3}`],
      ['a chunk of 2 000 from the content kept per operation, median', median(kept.ms), 'ms', ''],
      ['… the whole version', sum(kept.ms), 'ms', ''],
      ['a chunk of 2 000 replayed from the log (operations older than schema 005), median', median(replayed.ms), 'ms', ''],
      ['… the whole version', sum(replayed.ms), 'ms', ''],
    ]);
  } finally {
    await app.close();
    await db.close();
  }
}

describe('earlier versions of a large shared workbook', () => {
  for (const database of DATABASES) it(database.name, async () => run(database.name, await database.open()));
});

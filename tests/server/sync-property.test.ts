// Three offices editing one shared workbook at random, going offline and coming back with queued
// operations, losing the answer to a push (so they send it again), and joining late from the
// snapshot read in chunks while others write: once everyone is back online and has synced, every
// office holds exactly the server's records, and no accepted edit vanished without a trace (each
// value an operation wrote either still shows, or was overwritten by an operation whose author had
// seen it, or is kept in a conflict row).
//
// The clients do what a browser will: keep the server's records as pulled (applyPulledOperation,
// the same merge the server runs), their own operations queued on top, and push and pull by
// sequence.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../server/db';
import { equalValues } from '../../src/domain/merge-fields';
import { applyPulledOperation, applyRecordEdit, recordEditsOf, recordKey, type SyncOperation, type SyncedRecord } from '../../src/domain/sync';
import { DATABASES, line, logIn, seedProvince, sharedWorkbook, startApp, type Agent } from './harness';

type Shared = Awaited<ReturnType<typeof sharedWorkbook>>;
type Line = ReturnType<typeof line> & { notes?: Record<string, string> };

/** One office's browser: the server's records as pulled, and its own operations not yet seen back. */
class Office {
  records = new Map<string, SyncedRecord>();
  lastSeq = 0;
  pending: SyncOperation[] = [];
  online = true;
  joined = false;
  private cursor: string | null = null;
  private joinSeq = 0;

  constructor(
    readonly agent: Agent,
    readonly wb: Shared,
  ) {}

  /** What the office sees: the server's records with its queued operations applied. */
  view(): Map<string, unknown> {
    const out = new Map([...this.records].map(([k, r]) => [k, r.data]));
    for (const op of this.pending) {
      for (const e of recordEditsOf(op.change, op.scenarioId)) {
        const key = recordKey(e.kind, e.scope, e.id);
        const { value } = applyRecordEdit(out.get(key) ?? null, e);
        if (value === null) out.delete(key);
        else out.set(key, value);
      }
    }
    return out;
  }

  lines(): Line[] {
    return [...this.view()]
      .filter(([k]) => k.startsWith('line\u0000'))
      .map(([, v]) => v as Line)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Queues an operation changing one line (before → after), and sends it when online. */
  async change(before: Line | null, after: Line | null): Promise<void> {
    this.pending.push({ opId: randomUUID(), baseSeq: this.lastSeq, scenarioId: this.wb.scenarioId, change: { lines: [{ before: before as never, after: after as never }] } });
    await this.sync();
  }

  /** Sends the queued operations (answer lost when `lose`), then pulls all it has not seen. */
  async sync(lose = false): Promise<void> {
    if (!this.online || !this.joined) return;
    if (this.pending.length) {
      const r = await this.agent.post(`/api/workbooks/${this.wb.id}/ops`, { ops: this.pending });
      expect(r.statusCode, r.body).toBe(200);
      if (lose) return;
    }
    for (;;) {
      const page = await this.agent.json(`/api/workbooks/${this.wb.id}/ops?since=${this.lastSeq}&limit=7`);
      for (const op of page.ops as (SyncOperation & { seq: number })[]) {
        applyPulledOperation(this.records, op, op.seq);
        this.pending = this.pending.filter((p) => p.opId !== op.opId);
        this.lastSeq = op.seq;
      }
      if (!page.more) break;
    }
  }

  /** Reads the next chunk of the snapshot (two records at a time); once all are read, pulls what followed the first. */
  async joinStep(): Promise<void> {
    if (this.joined) return;
    const chunk = await this.agent.json(`/api/workbooks/${this.wb.id}/snapshot?limit=2${this.cursor ? `&after=${this.cursor}` : ''}`);
    if (this.cursor === null) this.joinSeq = chunk.seq;
    for (const r of chunk.records) this.records.set(recordKey(r.kind, r.scope, r.id), { data: r.data, seq: r.seq });
    this.cursor = chunk.next;
    if (chunk.next === null) {
      this.joined = true;
      this.lastSeq = this.joinSeq;
      await this.sync();
    }
  }
}

type Action =
  | { t: 'edit'; c: number; pick: number; field: 'plan' | 'disbursed' | 'label' | 'note'; value: number }
  | { t: 'create' | 'toggle' | 'sync' | 'lose'; c: number }
  | { t: 'delete'; c: number; pick: number };

const office = fc.integer({ min: 0, max: 2 });
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('edit' as const),
      c: office,
      pick: fc.nat(),
      field: fc.constantFrom('plan' as const, 'disbursed' as const, 'label' as const, 'note' as const),
      value: fc.integer({ min: 0, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('create' as const), c: office }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('delete' as const), c: office, pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('toggle' as const), c: office }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('sync' as const), c: office }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('lose' as const), c: office }) },
);

/** A line with one field set from a small set of values (so offices often collide). */
function edited(l: Line, field: 'plan' | 'disbursed' | 'label' | 'note', value: number): Line {
  if (field === 'label') return { ...l, label: `L${value}` };
  if (field === 'note') {
    const notes = { ...l.notes };
    if (value === 0) delete notes.plan;
    else notes.plan = `N${value}`;
    const next: Line = { ...l, notes };
    if (!Object.keys(notes).length) delete next.notes;
    return next;
  }
  return { ...l, [field]: value * 1000 };
}

async function run(offices: Office[], actions: Action[]): Promise<void> {
  for (const a of actions) {
    const o = offices[a.c];
    if (!o.joined) {
      await o.joinStep();
      continue;
    }
    const lines = o.lines();
    if (a.t === 'toggle') {
      o.online = !o.online;
      await o.sync();
    } else if (a.t === 'sync') await o.sync();
    else if (a.t === 'lose') await o.sync(true);
    else if (a.t === 'create' || !lines.length) await o.change(null, line(o.wb.nodeId, lines.length, 0));
    else if (a.t === 'delete') await o.change(lines[a.pick % lines.length], null);
    else if (a.t === 'edit') {
      const l = lines[a.pick % lines.length];
      const next = edited(l, a.field, a.value);
      if (!equalValues(next, l)) await o.change(l, next);
    }
  }
  // Everyone back online and synced twice: first to send, then to receive the others'.
  for (const o of offices) {
    o.online = true;
    while (!o.joined) await o.joinStep();
  }
  for (let round = 0; round < 2; round++) for (const o of offices) await o.sync();
}

const get = (v: unknown, path: string[]): unknown => path.reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), v);
const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields an edit changed, as the merge sees them (nested objects key by key). */
function changedPaths(before: unknown, after: unknown, path: string[] = []): string[][] {
  if (equalValues(before, after)) return [];
  if ((isObject(before) || before === undefined) && (isObject(after) || after === undefined) && (isObject(before) || isObject(after))) {
    const b = (before ?? {}) as Record<string, unknown>;
    const a = (after ?? {}) as Record<string, unknown>;
    return [...new Set([...Object.keys(b), ...Object.keys(a)])].flatMap((k) => changedPaths(b[k], a[k], [...path, k]));
  }
  return [path];
}

interface ServerOp extends SyncOperation {
  seq: number;
}
interface ServerConflict {
  seq: number;
  kind: string;
  scope: string;
  recordId: string;
  path: string[];
  kept: unknown;
}

/**
 * Every value an accepted operation wrote is still there, or the next operation to change that
 * field (or delete the record) had seen it or wrote it again, or a conflict row of that operation
 * keeps it.
 */
function vanishedEdits(ops: ServerOp[], conflicts: ServerConflict[], final: Map<string, unknown>): string[] {
  const problems: string[] = [];
  const touches = ops.map((op) => ({ op, edits: recordEditsOf(op.change, op.scenarioId) }));
  for (const [i, { op, edits }] of touches.entries()) {
    for (const e of edits) {
      if (e.after === null) continue;
      const key = recordKey(e.kind, e.scope, e.id);
      for (const path of e.before === null ? [[]] : changedPaths(e.before, e.after)) {
        const value = get(e.after, path);
        const next = touches
          .slice(i + 1)
          .flatMap(({ op: later, edits: le }) => le.filter((x) => recordKey(x.kind, x.scope, x.id) === key).map((x) => ({ later, x })))
          .find(
            ({ x }) =>
              x.after === null || x.before === null || changedPaths(x.before, x.after).some((p) => path.every((k, j) => p[j] === k) || p.every((k, j) => path[j] === k)),
          );
        if (!next) {
          if (!equalValues(get(final.get(key), path), value)) problems.push(`op ${op.seq} ${key} ${path.join('.')}: ${JSON.stringify(value)} is not in the final record`);
          continue;
        }
        // The next writer had seen the value, or wrote the same value again: nothing vanished.
        if (next.x.before !== null && equalValues(get(next.x.before, path), value)) continue;
        if (next.x.after !== null && equalValues(get(next.x.after, path), value)) continue;
        const kept = conflicts.some(
          (c) =>
            c.seq === next.later.seq &&
            recordKey(c.kind as never, c.scope, c.recordId) === key &&
            c.path.every((k, j) => path[j] === k) &&
            equalValues(get(c.kept, path.slice(c.path.length)), value),
        );
        if (!kept) problems.push(`op ${op.seq} ${key} ${path.join('.')}: ${JSON.stringify(value)} overwritten by op ${next.later.seq} without a conflict row`);
      }
    }
  }
  return problems;
}

describe.each(DATABASES)('three offices syncing on $name', (database) => {
  let db: Db;
  let app: FastifyInstance;
  let agents: Agent[];

  beforeAll(async () => {
    db = await database.open();
    app = await startApp(db);
    const people = await seedProvince(app, db);
    agents = [people.editorA, await logIn(app, people.editorA.me.username), await logIn(app, people.editorA.me.username)];
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('converge on the server’s records, and no accepted edit vanishes without a conflict row (property)', async () => {
    let conflictsSeen = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 40 }), async (actions) => {
        const wb = await sharedWorkbook(agents[0], 3);
        const offices = agents.map((a) => new Office(a, wb));
        // The first office uploaded the workbook; the others join from the snapshot as they go.
        offices[0].joined = true;
        await offices[0].sync();
        await run(offices, actions);

        const server = new Map<string, unknown>();
        for (let after = ''; ;) {
          const chunk = await agents[0].json(`/api/workbooks/${wb.id}/snapshot?limit=1000${after ? `&after=${after}` : ''}`);
          for (const r of chunk.records) server.set(recordKey(r.kind, r.scope, r.id), r.data);
          if (!chunk.next) break;
          after = chunk.next;
        }
        for (const o of offices) {
          expect(o.pending).toEqual([]);
          expect([...o.records.keys()].sort()).toEqual([...server.keys()].sort());
          for (const [k, v] of server) expect(equalValues(o.records.get(k)?.data, v), k).toBe(true);
        }

        const ops: ServerOp[] = [];
        for (let since = 0; ;) {
          const page = await agents[0].json(`/api/workbooks/${wb.id}/ops?since=${since}&limit=5000`);
          ops.push(...page.ops);
          if (!page.more) break;
          since = page.ops[page.ops.length - 1].seq;
        }
        expect(ops.map((o) => o.seq)).toEqual(ops.map((_, i) => i + 1));
        const { conflicts } = await agents[0].json(`/api/workbooks/${wb.id}/conflicts?limit=5000`);
        conflictsSeen += conflicts.length;
        expect(vanishedEdits(ops, conflicts, server)).toEqual([]);
      }),
      // Each run talks to the server dozens of times: shrinking a failure would outlast the test,
      // so the first failing run is reported as found (with its seed, to replay it).
      // One run is always a collision: office 1 edits the plan offline that office 0 changed meanwhile.
      {
        numRuns: 25,
        endOnFailure: true,
        examples: [
          [
            [
              { t: 'sync', c: 1 },
              { t: 'sync', c: 1 },
              { t: 'sync', c: 1 },
              { t: 'toggle', c: 1 },
              { t: 'edit', c: 0, pick: 0, field: 'plan', value: 1 },
              { t: 'sync', c: 0 },
              { t: 'edit', c: 1, pick: 0, field: 'plan', value: 2 },
              { t: 'toggle', c: 1 },
            ],
          ],
        ],
      },
    );
    // The random runs did make offices collide (else the property would say little).
    expect(conflictsSeen).toBeGreaterThan(0);
  }, 600_000);
});

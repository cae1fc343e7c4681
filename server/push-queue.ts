// Group commit of pushes, per server process: while a transaction appends pushes to a workbook, the
// pushes that arrive for it wait, and the next transaction takes them all together (one lock, one
// statement of writes, one commit and one notification for the lot, instead of one each). On
// PGlite, which has one connection in this process, pushes to every workbook share the queue, since
// their transactions would take turns anyway. The queue holds only pushes in flight: several
// processes on one database stay correct, each workbook's row lock ordering their transactions.

import type { Db } from './db';
import { appendPushes, type Push, type PushOutcome } from './append-ops';
import { gathered } from './batched-reads';
import { recordEditsOf } from '../src/domain/sync';

interface Waiting {
  push: Push;
  weight: number;
  resolve: (outcome: PushOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Record changes a transaction takes at most from the waiting pushes (a larger push goes alone), so
 * that a group of uploads (2 000 lines an operation) stays about the size of one large push.
 */
const GROUP_EDITS = 10_000;

/** How many record changes a push carries. */
function weigh(push: Push): number {
  return push.ops.reduce((n, op) => n + recordEditsOf(op.change, op.scenarioId).length, 0);
}

export class PushQueue {
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly running = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly channel: string,
  ) {}

  /**
   * Appends a push (see appendPushes): its outcome is what it would be alone, after the pushes
   * taken before it; a database failure in a shared transaction runs each push of it again alone,
   * so it fails only the push it belongs to.
   */
  append(push: Push): Promise<PushOutcome> {
    const key = this.db.engine === 'pglite' ? '' : push.workbookId;
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(key) ?? [];
      list.push({ push, weight: weigh(push), resolve, reject });
      this.waiting.set(key, list);
      if (!this.running.has(key)) void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    this.running.add(key);
    try {
      // The pushes that arrived with this one are still on their way here: let them join.
      await gathered();
      for (let list = this.waiting.get(key); list?.length; list = this.waiting.get(key)) {
        let edits = 0;
        let n = 0;
        while (n < list.length && (n === 0 || edits + list[n].weight <= GROUP_EDITS)) edits += list[n++].weight;
        const batch = list.splice(0, n);
        if (!list.length) this.waiting.delete(key);
        await this.run(batch);
      }
    } finally {
      this.running.delete(key);
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    try {
      const outcomes = await appendPushes(
        this.db,
        batch.map((w) => w.push),
        this.channel,
      );
      batch.forEach((w, i) => w.resolve(outcomes[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      for (const w of batch) await this.run([w]);
    }
  }
}

// SharedSync's rounds against a server that answers at once (a stand-in): an edit stored just as a
// round ends, after that round last looked at the queue, is still sent, by itself.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { SharedSync } from '../../src/state/shared-sync.svelte';
import { openDatabase } from '../../src/db/database';
import { ok } from '../../src/domain/model';
import type { SyncOperation } from '../../src/domain/sync';
import type { ServerApi, ServerUser } from '../../src/net/server-api';

const user = { id: 'u', username: 'u', displayName: 'U', role: 'editor', org: { id: 'o', kind: 'district', name: 'Huyện' } } satisfies ServerUser;

describe('the sync rounds', () => {
  it('sends an edit stored while a round ends (its request for a round came after that round looked)', async () => {
    const db = openDatabase(`rounds-${Date.now()}`);
    const workbookId = 'wb';
    await db.shares.put({ workbookId, server: 'http://planbench.test', orgName: 'Huyện', sharedAt: 1, lastSeq: 0, conflictSeq: 0, conflicts: [] });
    const edit: SyncOperation = { opId: 'late-edit', baseSeq: 0, scenarioId: 's', change: {} };
    const pushed: string[] = [];
    let sync: SharedSync | null = null;
    let pulls = 0;
    let late = false;
    const api = {
      origin: 'http://planbench.test',
      user,
      async push(_id: string, ops: SyncOperation[]) {
        pushed.push(...ops.map((o) => o.opId));
        return ok({ results: [], lastSeq: 0 });
      },
      // The edit is stored during the first round, after its push read the queue.
      async pull() {
        if (pulls++ === 0) await db.outbox.add({ workbookId, opId: edit.opId, op: edit });
        return ok({ ops: [], lastSeq: 0, more: false });
      },
      conflicts: async () => ok({ conflicts: [] }),
      follow: () => new Promise(() => {}),
      // Asked for as the first round's last step: the edit's request for a round is made in the
      // same turn, so it comes after the round last looked and before the round has handed over.
      submissions() {
        if (!late) {
          late = true;
          queueMicrotask(() => sync!.kick());
        }
        return Promise.resolve(ok({ submissions: [] }));
      },
    };
    sync = new SharedSync(db, workbookId, api as unknown as ServerApi, async () => {}, { retryMs: [60_000] });
    await sync.start();
    await expect.poll(() => late).toBe(true);
    await expect.poll(() => pushed, { timeout: 10_000 }).toEqual(['late-edit']);
    sync.stop();
    db.close();
  });
});

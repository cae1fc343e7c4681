// The save queue: steps are committed one at a time in the order made; a refused step is kept and
// committed again, before any later step, with the next step or on retry; the status says so.
import { describe, expect, it } from 'vitest';
import { SaveQueue } from '../../src/state/save-queue.svelte';
import type { CommitOutcome, WorkbookChange } from '../../src/db/workbook-repo';
import { fail, ok, type Result } from '../../src/domain/model';

/** A store that records what it commits, refuses while `full`, and answers each commit when `release` is called. */
function store() {
  const committed: string[] = [];
  const told: string[] = [];
  let full = false;
  let inFlight = 0;
  let most = 0;
  const commit = async (c: WorkbookChange): Promise<Result<CommitOutcome>> => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    if (full) return fail('db.quota');
    committed.push(c.workbookId!);
    return ok({ chunks: new Map(), moves: [] });
  };
  const queue = new SaveQueue(commit, (_outcome, c) => told.push(c.workbookId!));
  return { queue, committed, told, setFull: (v: boolean) => (full = v), most: () => most };
}

describe('SaveQueue', () => {
  it('a step that waits before its transaction (for a paint) keeps its place: the steps after it wait for it', async () => {
    const { queue, committed, most } = store();
    let paint!: () => void;
    const painted = new Promise<void>((r) => (paint = r));
    queue.enqueue({ workbookId: 'large' }, () => painted);
    queue.enqueue({ workbookId: 'next' });
    await new Promise((r) => setTimeout(r, 10));
    expect(committed).toEqual([]);
    expect(queue.status).toBe('saving');
    paint();
    await queue.flush();
    expect(committed).toEqual(['large', 'next']);
    expect(most()).toBe(1);
  });

  it('commits steps one at a time, in the order they were queued, and is saved after the last', async () => {
    const { queue, committed, told, most } = store();
    for (const id of ['1', '2', '3']) queue.enqueue({ workbookId: id });
    expect(queue.status).toBe('saving');
    await queue.flush();
    expect(committed).toEqual(['1', '2', '3']);
    expect(told).toEqual(['1', '2', '3']);
    expect(most()).toBe(1);
    expect(queue.status).toBe('saved');
    expect(queue.unsavedCount).toBe(0);
  });

  it('keeps refused steps in memory and commits them first, in order, once storage accepts again', async () => {
    const { queue, committed, told, setFull } = store();
    setFull(true);
    queue.enqueue({ workbookId: 'a' });
    queue.enqueue({ workbookId: 'b' });
    await queue.flush();
    expect(queue.status).toBe('error');
    expect(queue.error?.code).toBe('db.quota');
    expect(queue.unsavedCount).toBe(2);
    expect(committed).toEqual([]);
    setFull(false);
    queue.enqueue({ workbookId: 'c' });
    await queue.flush();
    expect(committed).toEqual(['a', 'b', 'c']);
    expect(told).toEqual(['a', 'b', 'c']);
    expect(queue.unsavedCount).toBe(0);
    expect(queue.status).toBe('saved');
    expect(queue.error).toBeNull();
  });

  it('retry commits the refused steps without a new edit', async () => {
    const { queue, committed, setFull } = store();
    setFull(true);
    queue.enqueue({ workbookId: 'a' });
    await queue.flush();
    await queue.retry('a');
    expect(queue.unsavedCount).toBe(2);
    setFull(false);
    await queue.retry('a');
    expect(committed).toEqual(['a', 'a', 'a']);
    expect(queue.unsavedCount).toBe(0);
    expect(queue.status).toBe('saved');
  });
});

// The checks scheduler: one run per burst of requests on a small plan, a run only once requests pause
// on a large one, and entries from an older run never replace a newer run's.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChecksScheduler, LARGE_PLAN_LINES, LARGE_PLAN_PAUSE_MS } from '../../src/state/checks-scheduler.svelte';
import type { CheckEntry } from '../../src/domain/checks';

const entry = (id: string) => ({ id }) as unknown as CheckEntry;

describe('ChecksScheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs once for a burst of requests on a small plan', async () => {
    let runs = 0;
    const s = new ChecksScheduler(async () => [entry(`run ${++runs}`)]);
    for (let i = 0; i < 5; i++) s.request(100);
    await vi.runAllTimersAsync();
    expect(runs).toBe(1);
    expect(s.entries).toEqual([entry('run 1')]);
    s.request(100);
    await vi.runAllTimersAsync();
    expect(runs).toBe(2);
  });

  it('on a large plan runs only once requests pause', async () => {
    let runs = 0;
    const s = new ChecksScheduler(async () => [entry(`run ${++runs}`)]);
    for (let i = 0; i < 4; i++) {
      s.request(LARGE_PLAN_LINES + 1);
      await vi.advanceTimersByTimeAsync(LARGE_PLAN_PAUSE_MS - 50);
    }
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(50);
    expect(runs).toBe(1);
  });

  it('keeps the newer run when an older one is superseded, and waits for it', async () => {
    const answers: ((e: CheckEntry[] | null) => void)[] = [];
    const s = new ChecksScheduler(() => new Promise((r) => answers.push(r)));
    const older = s.refresh();
    const newer = s.refresh();
    answers[0](null);
    let olderDone = false;
    void older.then(() => (olderDone = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(olderDone).toBe(false);
    answers[1]([entry('new')]);
    await Promise.all([older, newer]);
    expect(s.entries).toEqual([entry('new')]);
  });

  it('drops a run asked for and not started once disposed', async () => {
    let runs = 0;
    const s = new ChecksScheduler(async () => [entry(`run ${++runs}`)]);
    s.request(100);
    s.dispose();
    await vi.runAllTimersAsync();
    expect(runs).toBe(0);
    expect(s.entries).toBeNull();
  });
});

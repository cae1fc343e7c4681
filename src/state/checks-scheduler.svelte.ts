// When the plan's checks run: once per burst of changes, after the roll-up is painted; on a large
// plan only once typing pauses, so a check never holds up the roll-up of the next edit. A run's
// entries are kept unless a newer run has already answered.

import type { CheckEntry } from '../domain/checks';

/** Above this many lines a check takes the worker tens of milliseconds: wait for a pause. */
export const LARGE_PLAN_LINES = 20_000;
/** The pause in typing, in milliseconds, before a large plan is checked. */
export const LARGE_PLAN_PAUSE_MS = 400;

export class ChecksScheduler {
  /** The plan's check entries, null until the first run answers. */
  entries = $state.raw<CheckEntry[] | null>(null);
  private queued = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private latest: Promise<void> = Promise.resolve();

  /** `run` checks the plan as it is when called; it resolves null when a newer run superseded it. */
  constructor(private readonly run: () => Promise<CheckEntry[] | null>) {}

  /** Runs the checks now; resolves once the entries of this run, or of a newer one, are in `entries`. */
  refresh(): Promise<void> {
    const run: Promise<void> = this.run().then((entries) => {
      if (entries) this.entries = entries;
      else if (run !== this.latest) return this.latest;
    });
    this.latest = run;
    return run;
  }

  /**
   * Asks for a run after the current task: one run for any number of requests before it starts; on a
   * plan of `lines` over LARGE_PLAN_LINES, each request pushes the run LARGE_PLAN_PAUSE_MS later.
   */
  request(lines: number): void {
    const large = lines > LARGE_PLAN_LINES;
    if (this.queued && !large) return;
    clearTimeout(this.timer);
    this.queued = true;
    this.timer = setTimeout(
      () => {
        this.queued = false;
        void this.refresh();
      },
      large ? LARGE_PLAN_PAUSE_MS : 0,
    );
  }

  /** Drops a run asked for and not yet started. */
  dispose(): void {
    clearTimeout(this.timer);
    this.queued = false;
  }
}

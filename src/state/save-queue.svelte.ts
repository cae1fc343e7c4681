// The saving of one session's edits: each step is committed in its own transaction, in the order
// made. A step storage refuses (storage full, database closed) is kept in memory and committed again,
// still in order, before the next step or on `retry`: nothing is dropped, and nothing overtakes it.

import type { Problem, Result } from '../domain/model';
import type { CommitOutcome, WorkbookChange } from '../db/workbook-repo';

export type SaveStatus = 'saved' | 'saving' | 'error';

export class SaveQueue {
  /** 'saving' while a step is not yet committed; 'error' after a refusal, until a later commit succeeds. */
  status = $state<SaveStatus>('saved');
  /** Why the last commit was refused, or null. */
  error = $state<Problem | null>(null);
  /** Milliseconds the last save took from the edit to its transaction completing (diagnostics). */
  lastSaveMs = 0;
  /** Milliseconds the last save's transaction itself took (diagnostics). */
  lastCommitMs = 0;

  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  /** Steps whose commit was refused, oldest first. */
  private unsaved: WorkbookChange[] = [];

  /** `commit` stores one step in one transaction; `onCommitted` is told what each step stored wrote. */
  constructor(
    private readonly commit: (change: WorkbookChange) => Promise<Result<CommitOutcome>>,
    private readonly onCommitted: (outcome: CommitOutcome, change: WorkbookChange) => void = () => {},
  ) {}

  /**
   * Queues a step: it is committed after every step queued or refused before it. With nothing in
   * flight its transaction is opened at once, within this call, so its requests are issued before
   * whatever the page does next (the grid's repaint, the worker's message). `waitFirst`: what the
   * step waits for before its transaction opens (a large step waits for the page to paint), its
   * place in the order kept; then the step may be given as a function that makes it.
   */
  enqueue(change: WorkbookChange, waitFirst?: () => Promise<void>): void;
  enqueue(change: () => WorkbookChange, waitFirst: () => Promise<void>): void;
  enqueue(change: WorkbookChange | (() => WorkbookChange), waitFirst?: () => Promise<void>): void {
    const idle = this.pending === 0;
    this.pending++;
    this.status = 'saving';
    const started = performance.now();
    const made = () => (typeof change === 'function' ? change() : change);
    const commit = waitFirst ? () => waitFirst().then(() => this.commitInOrder(made(), started)) : () => this.commitInOrder(made(), started);
    this.chain = idle ? commit() : this.chain.then(commit);
  }

  /** Commits the refused steps again, in order (after space was freed); resolves once tried. */
  retry(workbookId: WorkbookChange['workbookId']): Promise<void> {
    this.enqueue({ workbookId });
    return this.flush();
  }

  /** Resolves once every step queued so far is committed or refused. */
  flush(): Promise<void> {
    return this.chain;
  }

  /** How many steps are in memory only, refused by storage and waiting for a retry. */
  get unsavedCount(): number {
    return this.unsaved.length;
  }

  private async commitInOrder(change: WorkbookChange, started: number): Promise<void> {
    const queue = [...this.unsaved.splice(0), change];
    let failed: Problem | null = null;
    for (let i = 0; i < queue.length; i++) {
      const commitStarted = performance.now();
      const r = await this.commit(queue[i]);
      this.lastCommitMs = performance.now() - commitStarted;
      if (!r.ok) {
        this.unsaved = queue.slice(i);
        failed = r.error;
        break;
      }
      this.onCommitted(r.value, queue[i]);
    }
    this.lastSaveMs = performance.now() - started;
    this.pending--;
    if (failed) {
      this.status = 'error';
      this.error = failed;
    } else {
      this.error = null;
      if (this.pending === 0) this.status = 'saved';
    }
  }
}

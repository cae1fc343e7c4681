// Keeps one shared workbook in step with its server: sends the operations waiting in IndexedDB (in
// batches, again after a failure, with a growing pause; the server stores each once), pulls what
// this browser has not seen and applies it (db/sync-repo.ts), follows the live stream of new
// operations, reads the conflicts the server reports and the decisions taken on them (here, sent
// to the server for everyone; elsewhere, taken in live), and says honestly where it stands:
// synced, so many changes waiting, offline, the server failing, login needed, or what it refused.

import type { Id, Problem, Result } from '../domain/model';
import { fail, ok } from '../domain/model';
import type { PlanbenchDB, SharedConflict } from '../db/database';
import { addConflicts, applyPulled, countOutbox, dismissConflict, readOutbox, readShare, settleConflict, type ChunkHint, type PullOutcome } from '../db/sync-repo';
import type { ServerApi, ServerSubmission, ServerUser } from '../net/server-api';

export type { SharedConflict };

/** Where the sync stands: 'pending' has `pending` changes waiting; 'unavailable' (the server failing, tried again later), 'refused' and 'login' carry `problem`. */
export type SyncPhase = 'connecting' | 'synced' | 'pending' | 'offline' | 'unavailable' | 'login' | 'refused';

export interface SyncOptions {
  /** Operations per push, at most (the server takes 1 000). */
  batch?: number;
  /** Bytes of JSON per push, at most (the server takes 8 MiB). */
  maxBytes?: number;
  /** Pauses before trying again after the network failed, growing to the last. */
  retryMs?: number[];
  /** Whether the browser says it is online (navigator.onLine). */
  online?: () => boolean;
  /** Pause between two looks at the province's answer while a version sent waits for it. */
  answerPollMs?: number;
  /** Where the open session knows each line is stored: a pull then reads only those chunks. */
  chunkHint?: ChunkHint;
}

export class SharedSync {
  phase = $state<SyncPhase>('connecting');
  /** Operations waiting to be sent or to come back from the server, and conflict decisions taken here not yet sent. */
  pending = $state(0);
  /** Every conflict the server reported on this workbook, with what a person made of it. */
  conflicts = $state.raw<SharedConflict[]>([]);
  /** Why the last round failed (offline, login, a refusal), or null. */
  problem = $state.raw<Problem | null>(null);
  /** Operations sent during the current push, of how many (the share dialog's progress). */
  sending = $state.raw<{ sent: number; total: number } | null>(null);
  /** The office the workbook belongs to on the server. */
  orgName = $state('');
  /** What was sent to the province, newest first (read after the first round, after a submission, on refresh). */
  submissions = $state.raw<ServerSubmission[]>([]);
  /** Who this browser is logged in as on the server, once a round has asked. */
  user = $state.raw<ServerUser | null>(null);

  private submissionsRead = false;
  private answerTimer: ReturnType<typeof setTimeout> | null = null;

  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failures = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private stream: AbortController | null = null;
  private readonly batch: number;
  private readonly maxBytes: number;
  private readonly retryMs: number[];
  private readonly answerPollMs: number;
  private readonly chunkHint: ChunkHint | undefined;
  private readonly online: () => boolean;
  private readonly onOnline = () => this.kick();
  private readonly onOffline = () => {
    this.stream?.abort();
    this.setPhase('offline', { code: 'sync.offline', params: { server: this.api.origin } });
  };

  /** `applied` takes in what a pull wrote (the open session reads it back and repaints). */
  constructor(
    private readonly db: PlanbenchDB,
    readonly workbookId: Id,
    readonly api: ServerApi,
    private readonly applied: (outcome: PullOutcome) => Promise<void>,
    options: SyncOptions = {},
  ) {
    this.batch = options.batch ?? 200;
    this.maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
    this.retryMs = options.retryMs ?? [1000, 2000, 5000, 10_000, 30_000];
    this.answerPollMs = options.answerPollMs ?? 60_000;
    this.chunkHint = options.chunkHint;
    this.online = options.online ?? (() => globalThis.navigator?.onLine ?? true);
    globalThis.addEventListener?.('online', this.onOnline);
    globalThis.addEventListener?.('offline', this.onOffline);
  }

  /** The workbook's state towards the province: its latest submission's, or draft when never sent. */
  get submissionState(): 'draft' | ServerSubmission['state'] {
    return this.submissions[0]?.state ?? 'draft';
  }

  /**
   * Reads again what was sent to the province and the province's answers; while a version waits
   * for the province, again every `answerPollMs`, so a return or an approval shows without a reload.
   */
  async refreshSubmissions(): Promise<Result<ServerSubmission[]>> {
    const r = await this.api.submissions(this.workbookId);
    if (!r.ok) return r;
    this.submissionsRead = true;
    this.submissions = r.value.submissions;
    if (this.answerTimer) clearTimeout(this.answerTimer);
    this.answerTimer = null;
    if (this.submissionState === 'submitted' && !this.stopped) this.answerTimer = setTimeout(() => void this.refreshSubmissions(), this.answerPollMs);
    return ok(r.value.submissions);
  }

  /** The conflicts nobody here has confirmed or reversed yet. */
  get openConflicts(): SharedConflict[] {
    return this.conflicts.filter((c) => c.state === 'open');
  }

  /** Starts syncing: reads what is stored, then a first round. */
  async start(): Promise<void> {
    const share = await readShare(this.db, this.workbookId);
    this.conflicts = share?.conflicts ?? [];
    this.orgName = share?.orgName ?? '';
    this.pending = await this.countWaiting();
    this.kick();
  }

  /** Asks for a round soon (after a local edit, coming back online, a login); rounds never overlap. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.running = this.rounds().finally(() => {
      this.running = null;
      // Asked for after the last round looked (between its end and now): that round did not see it.
      if (this.again) this.kick();
    });
  }

  /** Resolves once no round is running (tests, and the share dialog waiting for its upload). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops every round, timer and stream (the workbook was closed). */
  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.answerTimer) clearTimeout(this.answerTimer);
    this.stream?.abort();
    this.stream = null;
    globalThis.removeEventListener?.('online', this.onOnline);
    globalThis.removeEventListener?.('offline', this.onOffline);
  }

  /** Conflicts someone else decided since this browser saw them open, until dismissed here. */
  get decidedElsewhere(): SharedConflict[] {
    return this.conflicts.filter((c) => c.news);
  }

  /**
   * Records that a person confirmed a conflict (the value shown stays) or reversed it (its kept
   * value typed back as an edit), here at once and on the server for everyone: offline, the
   * decision waits and the next round sends it. Fails with sync.conflict-decided (who, what) when
   * someone else decided it first: theirs stands, and shows.
   */
  async settle(conflictId: number, state: 'confirmed' | 'reversed'): Promise<Result<void>> {
    const r = await settleConflict(this.db, this.workbookId, conflictId, state);
    if (!r.ok) return r;
    if (r.value) this.conflicts = r.value.conflicts;
    const sent = await this.sendDecisions();
    if (sent.ok || (sent.error.code !== 'sync.offline' && sent.error.code !== 'sync.login')) return sent;
    // Not reachable now: the decision is kept here (counted as waiting), and a round sends it once the server is.
    this.pending = await this.countWaiting();
    if (this.phase !== 'offline' && this.phase !== 'login') this.setPhase('pending', null);
    this.kick();
    return ok(undefined);
  }

  /** What waits for the server: the operations queued and the decisions taken here not yet sent. */
  private async countWaiting(): Promise<number> {
    return (await countOutbox(this.db, this.workbookId)) + this.unsentDecisions();
  }

  private unsentDecisions(): number {
    return this.conflicts.filter((c) => c.unsent && c.state !== 'open').length;
  }

  /** Takes a conflict decided elsewhere off the news. */
  async dismiss(conflictId: number): Promise<Result<void>> {
    const r = await dismissConflict(this.db, this.workbookId, conflictId);
    if (!r.ok) return r;
    if (r.value) this.conflicts = r.value.conflicts;
    return ok(undefined);
  }

  private decisions: Promise<unknown> = Promise.resolve();

  /** Sends the decisions taken here that the server does not have yet, one sending at a time (so none is sent twice). */
  private sendDecisions(): Promise<Result<void>> {
    const run = this.decisions.then(() => this.sendDecisionsNow());
    this.decisions = run;
    return run;
  }

  /** Sends the waiting decisions in order; stops at the first failure to reach the server. */
  private async sendDecisionsNow(): Promise<Result<void>> {
    let first: Result<void> = ok(undefined);
    for (const c of this.conflicts.filter((x) => x.unsent && x.state !== 'open')) {
      const r = await this.api.decideConflict(this.workbookId, c.id, c.state as 'confirmed' | 'reversed');
      let server = r.ok ? r.value.conflict : undefined;
      if (!r.ok) {
        const code = r.error.code === 'sync.refused' ? r.error.params?.code : undefined;
        if (code !== 'conflict.decided' && code !== 'conflict.not-found') return r;
        // Someone decided it first (theirs stands), or the server no longer has it: read it as it is.
        const list = await this.api.conflicts(this.workbookId, c.seq - 1);
        if (!list.ok) return list;
        server = list.value.conflicts.find((x) => x.id === c.id) ?? { ...c, decision: c.state as 'confirmed' | 'reversed' };
        if (code === 'conflict.decided' && first.ok) first = fail('sync.conflict-decided', { who: server.decidedBy ?? '' });
      }
      const saved = await settleConflict(this.db, this.workbookId, c.id, c.state as 'confirmed' | 'reversed', server);
      if (!saved.ok) return saved;
      if (saved.value) this.conflicts = saved.value.conflicts;
    }
    return first;
  }

  private async rounds(): Promise<void> {
    do {
      this.again = false;
      if (this.stopped) return;
      if (!this.online()) {
        this.pending = await this.countWaiting();
        this.setPhase('offline', { code: 'sync.offline', params: { server: this.api.origin } });
        return;
      }
      const r = await this.round();
      if (this.stopped) return;
      if (!r.ok) {
        this.pending = await this.countWaiting();
        if (this.stopped) return;
        this.fail(r.error);
        // An edit made during the failed round asked for one more (which counts it, and may find the server back).
        if (this.again) continue;
        return;
      }
      this.failures = 0;
      this.pending = await this.countWaiting();
      this.user = this.api.user;
      this.setPhase(this.pending ? 'pending' : 'synced', null);
      if (!this.submissionsRead) void this.refreshSubmissions();
      this.follow();
      // Edits made during the round are sent by the next one; anything else still waiting, after a pause.
      if (!this.again && this.pending > 0) this.later();
    } while (this.again);
  }

  /** One round: who am I, push everything waiting, pull everything new, read new conflicts. */
  private async round(): Promise<Result<void>> {
    if (!this.api.user) {
      const me = await this.api.me();
      if (!me.ok) return me;
    }
    const pushed = await this.push();
    if (!pushed.ok) return pushed;
    const pulled = await this.pull();
    if (!pulled.ok) return pulled;
    const sent = await this.sendDecisions();
    if (!sent.ok && sent.error.code !== 'sync.conflict-decided') return sent;
    return this.readConflicts();
  }

  private async push(): Promise<Result<void>> {
    const waiting = await readOutbox(this.db, this.workbookId);
    this.pending = waiting.length + this.unsentDecisions();
    if (!waiting.length) return ok(undefined);
    this.sending = { sent: 0, total: waiting.length };
    try {
      for (let i = 0; i < waiting.length;) {
        let bytes = 0;
        let end = i;
        while (end < waiting.length && end - i < this.batch) {
          const size = JSON.stringify(waiting[end].op).length;
          if (end > i && bytes + size > this.maxBytes) break;
          bytes += size;
          end++;
        }
        const ops = waiting.slice(i, end).map((w) => w.op);
        const r = await this.api.push(this.workbookId, ops);
        if (!r.ok) {
          if (r.error.code !== 'sync.refused' || r.error.params?.code === 'workbook.not-found') return r;
          const { said_vi, said_en } = r.error.params ?? {};
          return { ok: false, error: { code: 'sync.push-refused', params: { count: waiting.length - i, said_vi: said_vi ?? '', said_en: said_en ?? '' } } };
        }
        i = end;
        this.sending = { sent: i, total: waiting.length };
      }
      return ok(undefined);
    } finally {
      this.sending = null;
    }
  }

  private async pull(): Promise<Result<void>> {
    const share = await readShare(this.db, this.workbookId);
    if (!share) return { ok: false, error: { code: 'sync.not-shared' } };
    let since = share.lastSeq;
    for (;;) {
      const r = await this.api.pull(this.workbookId, since, 200);
      if (!r.ok) return r;
      const applied = await this.take(r.value.ops);
      if (!applied.ok) return applied;
      if (!r.value.more || !r.value.ops.length) return ok(undefined);
      since = r.value.ops[r.value.ops.length - 1].seq;
    }
  }

  /** Applies pulled operations and has the open session take them in. */
  private async take(ops: Parameters<typeof applyPulled>[2]): Promise<Result<void>> {
    if (!ops.length) return ok(undefined);
    const r = await applyPulled(this.db, this.workbookId, ops, this.chunkHint);
    if (!r.ok) return r;
    if (r.value.applied) await this.applied(r.value);
    return ok(undefined);
  }

  /** Reads the conflicts after the last read, and again those still open here, for the decisions taken on them elsewhere. */
  private async readConflicts(): Promise<Result<void>> {
    const share = await readShare(this.db, this.workbookId);
    if (!share) return ok(undefined);
    const open = share.conflicts.filter((c) => c.state === 'open').map((c) => c.seq - 1);
    const r = await this.api.conflicts(this.workbookId, Math.min(share.conflictSeq, ...open));
    if (!r.ok) return r;
    const list = r.value.conflicts;
    if (!list.length) return ok(undefined);
    const saved = await addConflicts(this.db, this.workbookId, list, Math.max(share.conflictSeq, ...list.map((c) => c.seq)));
    if (!saved.ok) return saved;
    if (saved.value) this.conflicts = saved.value.conflicts;
    return ok(undefined);
  }

  /** Opens the live stream if none is open; when it ends, a round pulls what was missed and opens it again. */
  private follow(): void {
    if (this.stream || this.stopped) return;
    const controller = new AbortController();
    this.stream = controller;
    void (async () => {
      const share = await readShare(this.db, this.workbookId);
      const r = await this.api.follow(
        this.workbookId,
        share?.lastSeq ?? 0,
        async (ops) => {
          const taken = await this.take(ops);
          if (taken.ok) await this.readConflicts();
          this.pending = await this.countWaiting();
        },
        controller.signal,
        async () => void (await this.readConflicts()),
      );
      if (this.stream === controller) this.stream = null;
      if (this.stopped || controller.signal.aborted) return;
      if (!r.ok) this.fail(r.error);
      else this.later();
    })();
  }

  private fail(problem: Problem): void {
    // The server does not say whether the workbook exists: to this user it is another office's.
    if (problem.code === 'sync.refused' && problem.params?.code === 'workbook.not-found') problem = notYours(this.api);
    if (problem.code === 'sync.offline' || problem.code === 'sync.server-down') {
      this.setPhase(problem.code === 'sync.offline' ? 'offline' : 'unavailable', problem);
      this.later();
    } else if (problem.code === 'sync.login') {
      this.api.user = null;
      this.setPhase('login', problem);
    } else this.setPhase('refused', problem);
  }

  /** A round after a pause that grows with each failure in a row. */
  private later(): void {
    if (this.stopped || this.retry) return;
    const ms = this.retryMs[Math.min(this.failures, this.retryMs.length - 1)];
    this.failures++;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.kick();
    }, ms);
  }

  private setPhase(phase: SyncPhase, problem: Problem | null): void {
    this.phase = phase;
    this.problem = problem;
  }
}

/** The refusal of a workbook the logged-in user's office does not own, naming that office and user. */
export function notYours(api: ServerApi): Problem {
  return { code: 'sync.not-yours', params: { org: api.user?.org.name ?? '', user: api.user?.displayName ?? '' } };
}

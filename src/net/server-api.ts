// The shared-workbook server as the browser talks to it (the only folder that calls it): logging in,
// the office's workbooks, a snapshot in chunks, pushing and pulling operations, the live stream of
// operations (server-sent events read over fetch, so the same code runs in the page and in Node),
// conflicts, history, the log's steps and the records as they stood after one, and submissions. Every call resolves to a Result and never rejects: the
// network failing is 'sync.offline', a session gone is 'sync.login', the server failing (a 5xx
// answer: its database down, a proxy without it) 'sync.server-down', any other refusal
// 'sync.refused'; both with the server's own sentence in Vietnamese and English (params said_vi, said_en).

import type { Problem, Result } from '../domain/model';
import { fail, ok } from '../domain/model';
import type { PulledOperation, ServerConflict, SharedWorkbookSummary, SyncOperation } from '../domain/sync';
import type { VersionStep } from '../domain/sync-history';

/** The logged-in user as the server describes them. */
export interface ServerUser {
  id: string;
  username: string;
  displayName: string;
  role: 'editor' | 'reviewer' | 'viewer' | 'admin';
  org: { id: string; kind: 'province' | 'district'; name: string; parentId?: string | null };
}

/** A workbook as the server lists it. */
export type ServerWorkbook = SharedWorkbookSummary;

/** One chunk of a workbook's records: what each holds and the sequence that last wrote it. */
export interface SnapshotChunk {
  seq: number;
  records: { kind: string; scope: string; id: string; seq: number; data: unknown }[];
  next: string | null;
}

/** A submission to the province as the server lists it: the frozen version's sequence, who sent it and when, and the province's answer. */
export interface ServerSubmission {
  id: string;
  workbookId: string;
  seq: number;
  state: 'submitted' | 'returned' | 'approved';
  note: string;
  submittedByName: string;
  submittedAt: string;
  reviewedByName: string | null;
  reviewedAt: string | null;
  comment: string | null;
}

/** A district of the province as its board shows it: each of its workbooks, its state and latest submission. */
export interface ServerDistrict {
  id: string;
  name: string;
  workbooks: { id: string; name: string; year: number; state: ServerWorkbook['state']; latest: ServerSubmission | null }[];
}

/** One change of one record, with who made it, when and from which version. */
export interface ServerHistoryEntry {
  seq: number;
  baseSeq: number;
  userName: string;
  at: string;
  before: unknown;
  after: unknown;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** The server at an origin; `fetchFn` is the page's fetch (tests pass one that keeps cookies). */
export class ServerApi {
  /** The logged-in user, once known (login or me). */
  user: ServerUser | null = null;
  private csrf: string | null = null;

  constructor(
    readonly origin: string,
    private readonly fetchFn: Fetch = (input, init) => fetch(input, init),
  ) {}

  /** Logs in; the session cookie is the browser's, the CSRF token kept here. */
  async login(username: string, password: string): Promise<Result<ServerUser>> {
    const r = await this.call<{ user: ServerUser; csrfToken: string }>('POST', '/api/login', { username, password });
    return r.ok ? ok(this.remember(r.value)) : r;
  }

  /** Who is logged in (after a reload the cookie remains, the CSRF token is asked again). */
  async me(): Promise<Result<ServerUser>> {
    const r = await this.call<{ user: ServerUser; csrfToken: string }>('GET', '/api/me');
    return r.ok ? ok(this.remember(r.value)) : r;
  }

  async logout(): Promise<Result<void>> {
    const r = await this.call<void>('POST', '/api/logout', {});
    this.user = null;
    this.csrf = null;
    return r;
  }

  /** The workbooks of the user's office (and, for a province, those its districts sent). */
  workbooks(): Promise<Result<{ workbooks: ServerWorkbook[]; submitted: ServerWorkbook[] }>> {
    return this.call('GET', '/api/workbooks');
  }

  /** Creates an empty shared workbook of the user's office under the given id. */
  createWorkbook(body: { id: string; name: string; year: number }): Promise<Result<{ workbook: ServerWorkbook }>> {
    return this.call('POST', '/api/workbooks', body);
  }

  snapshot(workbookId: string, after: string | null, limit = 5000): Promise<Result<SnapshotChunk>> {
    return this.call('GET', this.snapshotPath(workbookId, after, limit));
  }

  /**
   * A workbook's snapshot, chunk after chunk in order, until the last or the first failure (the
   * last value yielded). The next chunk is asked for as soon as the answer's headers name it
   * (X-Snapshot-Next), so the server reads it while this chunk is received and parsed.
   */
  async *snapshotChunks(workbookId: string, limit = 5000): AsyncGenerator<Result<SnapshotChunk>> {
    let answer: Promise<Response | Result<never>> | null = this.send('GET', this.snapshotPath(workbookId, null, limit));
    while (answer) {
      const res: Response | Result<never> = await answer;
      if (!(res instanceof Response)) return yield res;
      const ahead: string | null = res.ok ? res.headers.get('x-snapshot-next') : null;
      answer = ahead ? this.send('GET', this.snapshotPath(workbookId, ahead, limit)) : null;
      const chunk = await this.read<SnapshotChunk>(res);
      yield chunk;
      if (!chunk.ok) return;
      if (!answer && chunk.value.next) answer = this.send('GET', this.snapshotPath(workbookId, chunk.value.next, limit));
    }
  }

  private snapshotPath(workbookId: string, after: string | null, limit: number): string {
    const q = new URLSearchParams({ limit: String(limit), ...(after ? { after } : {}) });
    return `/api/workbooks/${encodeURIComponent(workbookId)}/snapshot?${q}`;
  }

  push(workbookId: string, ops: SyncOperation[]): Promise<Result<{ results: { opId: string; seq: number; duplicate: boolean; conflicts: number }[]; lastSeq: number }>> {
    return this.call('POST', `/api/workbooks/${encodeURIComponent(workbookId)}/ops`, { ops });
  }

  pull(workbookId: string, since: number, limit = 1000): Promise<Result<{ ops: PulledOperation[]; lastSeq: number; more: boolean }>> {
    return this.call('GET', `/api/workbooks/${encodeURIComponent(workbookId)}/ops?since=${since}&limit=${limit}`);
  }

  conflicts(workbookId: string, since: number): Promise<Result<{ conflicts: ServerConflict[] }>> {
    return this.call('GET', `/api/workbooks/${encodeURIComponent(workbookId)}/conflicts?since=${since}`);
  }

  /** Records a person's decision on a conflict for everyone (the first decision stands: a later one is refused with conflict.decided). */
  decideConflict(workbookId: string, conflictId: number, decision: 'confirmed' | 'reversed'): Promise<Result<{ conflict: ServerConflict }>> {
    return this.call('POST', `/api/workbooks/${encodeURIComponent(workbookId)}/conflicts/${conflictId}/decision`, { decision });
  }

  history(workbookId: string, kind: string, scope: string, id: string): Promise<Result<{ entries: ServerHistoryEntry[] }>> {
    const q = new URLSearchParams({ kind, scope, id });
    return this.call('GET', `/api/workbooks/${encodeURIComponent(workbookId)}/history?${q}`);
  }

  /** The steps of a workbook's log before `before` (all when absent), newest first; `more` when older ones follow. */
  versions(workbookId: string, before?: number, limit = 100): Promise<Result<{ versions: VersionStep[]; lastSeq: number; more: boolean }>> {
    const q = new URLSearchParams({ limit: String(limit), ...(before !== undefined ? { before: String(before) } : {}) });
    return this.call('GET', `/api/workbooks/${encodeURIComponent(workbookId)}/versions?${q}`);
  }

  /** One chunk of a workbook's records as they stood after version `seq` (as a snapshot's). */
  versionRecords(workbookId: string, seq: number, after: string | null, limit = 2000): Promise<Result<SnapshotChunk>> {
    const q = new URLSearchParams({ limit: String(limit), ...(after ? { after } : {}) });
    return this.call('GET', `/api/workbooks/${encodeURIComponent(workbookId)}/versions/${seq}/records?${q}`);
  }

  submit(workbookId: string, note: string): Promise<Result<{ submission: ServerSubmission }>> {
    return this.call('POST', `/api/workbooks/${encodeURIComponent(workbookId)}/submissions`, { note });
  }

  submissions(workbookId: string): Promise<Result<{ submissions: ServerSubmission[] }>> {
    return this.call('GET', `/api/workbooks/${encodeURIComponent(workbookId)}/submissions`);
  }

  /** One workbook of the user's office (refused as not found when it is another office's). */
  workbook(workbookId: string): Promise<Result<{ workbook: ServerWorkbook }>> {
    return this.call('GET', `/api/workbooks/${encodeURIComponent(workbookId)}`);
  }

  /** For a province: each district's workbooks and their states. */
  provinceStatus(): Promise<Result<{ districts: ServerDistrict[] }>> {
    return this.call('GET', '/api/province/status');
  }

  /** One chunk of a submission's frozen records (as a snapshot's). */
  submissionRecords(submissionId: string, after: string | null, limit = 2000): Promise<Result<SnapshotChunk>> {
    const q = new URLSearchParams({ limit: String(limit), ...(after ? { after } : {}) });
    return this.call('GET', `/api/submissions/${encodeURIComponent(submissionId)}/records?${q}`);
  }

  /** The province's answer to a submission waiting for it: returned with a comment, or approved. */
  review(submissionId: string, answer: 'return' | 'approve', comment: string): Promise<Result<{ submission: ServerSubmission }>> {
    return this.call('POST', `/api/submissions/${encodeURIComponent(submissionId)}/${answer}`, { comment });
  }

  /**
   * Follows a workbook's operations live from `since`: `onOps` is called with each batch, in order,
   * and awaited before the next is read; `onConflicts` when a conflict was decided. Resolves when the stream ends (the server closed it, the
   * signal aborted it) or could not open.
   */
  async follow(
    workbookId: string,
    since: number,
    onOps: (ops: PulledOperation[]) => Promise<void>,
    signal: AbortSignal,
    onConflicts: () => Promise<void> = async () => {},
  ): Promise<Result<void>> {
    let res: Response;
    try {
      res = await this.fetchFn(`${this.origin}/api/workbooks/${encodeURIComponent(workbookId)}/events?since=${since}`, {
        credentials: 'include',
        headers: { accept: 'text/event-stream' },
        signal,
      });
    } catch {
      return signal.aborted ? ok(undefined) : fail('sync.offline', { server: this.origin });
    }
    if (!res.ok || !res.body) return this.refusal(res);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return ok(undefined);
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^event: ?conflicts$/m.test(event)) await onConflicts();
          const data = readEvent(event);
          if (data) await onOps(data.ops);
        }
      }
    } catch {
      return signal.aborted ? ok(undefined) : fail('sync.offline', { server: this.origin });
    } finally {
      reader.releaseLock();
    }
  }

  private remember(v: { user: ServerUser; csrfToken: string }): ServerUser {
    this.user = v.user;
    this.csrf = v.csrfToken;
    return v.user;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Result<T>> {
    const res = await this.send(method, path, body);
    return res instanceof Response ? this.read<T>(res) : res;
  }

  /** The server's answer (its headers; the body not yet read), or sync.offline. */
  private async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response | Result<never>> {
    try {
      return await this.fetchFn(this.origin + path, {
        method,
        credentials: 'include',
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(method !== 'GET' && this.csrf ? { 'x-csrf-token': this.csrf } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      return fail('sync.offline', { server: this.origin });
    }
  }

  /** An answer's value, or its refusal. */
  private async read<T>(res: Response): Promise<Result<T>> {
    if (!res.ok) return this.refusal(res);
    if (res.status === 204) return ok(undefined as T);
    try {
      return ok((await res.json()) as T);
    } catch (err) {
      return fail('sync.bad-answer', { server: this.origin, detail: String((err as Error)?.message ?? err) });
    }
  }

  /** The refusal a failed answer carries: its sentence in both languages when the server gave one. */
  private async refusal<T>(res: Response): Promise<Result<T>> {
    let error: { code?: string; message?: { vi?: string; en?: string } } | undefined;
    try {
      error = ((await res.json()) as { error?: typeof error }).error;
    } catch {
      error = undefined;
    }
    if (res.status === 401 && error?.code !== 'auth.invalid' && error?.code !== 'auth.rate-limited') return fail('sync.login', { server: this.origin });
    const problem: Problem = {
      // 5xx: the server (or a proxy before it) failed, not the request; it is worth sending again later.
      code: res.status >= 500 ? 'sync.server-down' : 'sync.refused',
      params: {
        status: res.status,
        code: error?.code ?? String(res.status),
        said_vi: error?.message?.vi ?? `HTTP ${res.status}`,
        said_en: error?.message?.en ?? `HTTP ${res.status}`,
      },
    };
    return { ok: false, error: problem };
  }
}

/** The operations of one server-sent event (`event: ops`), or null for a comment or another event. */
function readEvent(text: string): { ops: PulledOperation[]; lastSeq: number } | null {
  let kind = 'message';
  const data: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('event:')) kind = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (kind !== 'ops' || !data.length) return null;
  try {
    return JSON.parse(data.join('\n')) as { ops: PulledOperation[]; lastSeq: number };
  } catch {
    return null;
  }
}

// Live updates: each server process LISTENs on one PostgreSQL channel, where every append of
// operations (by any process on the database) says "<workbook id> <last sequence>" (and a decision
// on a conflict "<workbook id> <last sequence> conflicts"), and hands the
// news to the streams (server-sent events) its clients hold open on that workbook. A stream sends
// the operations themselves, read from the log, each batch with its last sequence as the event id,
// so a reconnecting browser (EventSource sends Last-Event-ID) resumes where it stopped. Streams of one
// workbook that stand at the same sequence share one read of the log and one serialised event.

import type { FastifyReply } from 'fastify';
import type { Db } from './db';
import { pullOperations } from './sync-store';

/** What a notification says changed: operations appended, or a conflict decided. */
export type News = 'ops' | 'conflicts';

type Subscriber = { news: (lastSeq: number, what: News) => void; end: () => void };

/** One read of the log as a stream sends it: the last sequence in it, the workbook's, whether more follow, the event's text ('' when empty). */
interface EventPage {
  last: number;
  lastSeq: number;
  more: boolean;
  text: string;
}

/** The one listener of a server process, fanned out to the streams open on each workbook. */
export class OpsHub {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private stop: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Db,
    readonly channel: string,
  ) {}

  /** Starts listening (once). */
  async start(): Promise<void> {
    this.stop ??= await this.db.listen(
      this.channel,
      (payload) => {
        const [workbookId, seq, what] = payload.split(' ');
        for (const s of this.subscribers.get(workbookId) ?? []) s.news(Number(seq), what === 'conflicts' ? 'conflicts' : 'ops');
      },
      // The database restarted: what it announced meanwhile is lost, so every stream reads the log again, and the conflicts.
      () => {
        for (const set of this.subscribers.values())
          for (const s of set) {
            s.news(Infinity, 'ops');
            s.news(Infinity, 'conflicts');
          }
      },
    );
  }

  /** Calls news with each new last sequence of the workbook (Infinity when news may have been missed: read again), and end when the hub closes; returns the function that stops it. */
  subscribe(workbookId: string, news: (lastSeq: number, what: News) => void, end: () => void): () => void {
    // A stream that opens while the server is closing ends at once, or the server would wait for it.
    if (this.closing) {
      queueMicrotask(end);
      return () => {};
    }
    let set = this.subscribers.get(workbookId);
    if (!set) this.subscribers.set(workbookId, (set = new Set()));
    const s = { news, end };
    set.add(s);
    return () => {
      set.delete(s);
      if (!set.size) this.subscribers.delete(workbookId);
    };
  }

  private readonly reads = new Map<string, Promise<EventPage>>();

  /**
   * The operations of a workbook after `since` (at most `limit`) as one server-sent event: streams
   * asking for the same page while it is being read share the read and the serialised text.
   */
  readEvent(workbookId: string, since: number, limit: number): Promise<EventPage> {
    const key = `${workbookId} ${since} ${limit}`;
    let read = this.reads.get(key);
    if (!read) {
      read = pullOperations(this.db, workbookId, since, limit).then((page) => {
        const last = page.ops.length ? page.ops[page.ops.length - 1].seq : since;
        const text = page.ops.length ? `id: ${last}\nevent: ops\ndata: ${JSON.stringify({ ops: page.ops, lastSeq: page.lastSeq })}\n\n` : '';
        return { last, lastSeq: page.lastSeq, more: page.more, text };
      });
      this.reads.set(key, read);
      const forget = () => this.reads.delete(key);
      read.then(forget, forget);
    }
    return read;
  }

  /** How many streams are open (for tests and health). */
  get streams(): number {
    let n = 0;
    for (const s of this.subscribers.values()) n += s.size;
    return n;
  }

  private closing = false;

  /** Stops listening and ends every open stream (so the server can close); a stream opened after this ends at once. */
  async close(): Promise<void> {
    this.closing = true;
    for (const set of [...this.subscribers.values()]) for (const s of [...set]) s.end();
    const stop = this.stop;
    this.stop = null;
    await stop?.();
  }
}

export interface StreamOptions {
  hub: OpsHub;
  workbookId: string;
  /** The last sequence the client has: operations after it are sent first. */
  since: number;
  /** The stream ends then (the session's expiry): the browser reconnects and is asked to log in again. */
  endsAt: Date;
  /** Operations per event. */
  batch: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
}

/**
 * Streams a workbook's operations as server-sent events: `event: ops`, `id: <last sequence sent>`,
 * `data: {"ops": [...], "lastSeq": n}`; first those after `since`, then each new batch as it is
 * appended; `event: conflicts` (no data of its own) when a conflict of it was decided, so the
 * browser reads the conflicts again. Takes the reply over from Fastify until the client goes away or the session ends.
 */
export function streamOperations(reply: FastifyReply, o: StreamOptions): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // Proxies (nginx) would otherwise hold events back in a buffer.
    'x-accel-buffering': 'no',
  });
  res.write('retry: 3000\n\n');
  let sent = o.since;
  // The last sequence news announced: a shared read begun before that news may stop short of it.
  let wanted = 0;
  let pending = true;
  let running = false;
  let closed = false;
  // One reader at a time; news that comes while it reads makes it read again.
  const flush = async () => {
    if (running || closed) return;
    running = true;
    try {
      let idle = 0;
      while ((pending || sent < wanted) && !closed) {
        pending = false;
        const from = sent;
        for (;;) {
          const page = await o.hub.readEvent(o.workbookId, sent, o.batch);
          if (closed) return;
          if (page.text) {
            sent = page.last;
            res.write(page.text);
          }
          if (!page.more) break;
        }
        // A shared read that began before the news may miss it once; a read begun after it cannot.
        if (sent === from && ++idle >= 2) wanted = sent;
      }
    } catch {
      close();
    } finally {
      running = false;
    }
  };
  const unsubscribe = o.hub.subscribe(
    o.workbookId,
    (lastSeq, what) => {
      if (what === 'conflicts') {
        if (!closed) res.write('event: conflicts\ndata: {}\n\n');
        return;
      }
      if (lastSeq <= sent) return;
      wanted = Math.max(wanted, lastSeq);
      pending = true;
      void flush();
    },
    // The server is closing: the stream ends and its connection too once written, or it would stay
    // open, idle and kept alive, and hold the server's close for its keep-alive time.
    () => {
      close();
      res.socket?.destroySoon();
    },
  );
  const heartbeat = setInterval(() => res.write(': ping\n\n'), o.heartbeatMs);
  const expiry = setTimeout(() => close(), Math.max(0, Math.min(o.endsAt.getTime() - Date.now(), 2 ** 31 - 1)));
  function close() {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
    clearTimeout(expiry);
    res.end();
  }
  res.on('close', close);
  void flush();
}

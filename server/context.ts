// What every route is handed (the database, the settings, the live-update hub, the queue pushes are
// appended through, the batched lookups), and the two ways a route answers: a value, or a refusal sent as
// { error: { code, message: { vi, en } … } } and logged.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WorkbookReads } from './access';
import type { AuthConfig, SessionReads, SessionUser } from './auth';
import type { Db } from './db';
import type { OpsHub } from './events';
import type { PushQueue } from './push-queue';
import { describeRefusal, type ServerProblem, type ServerResult } from './messages';

export interface AppContext {
  db: Db;
  auth: AuthConfig;
  hub: OpsHub;
  pushes: PushQueue;
  /** Lookups of sessions and workbooks, read together with those of other requests in flight. */
  reads: { sessions: SessionReads; workbooks: WorkbookReads };
  /** Operations per push. */
  maxOpsPerPush: number;
  /** Operations per server-sent event. */
  eventBatch: number;
  heartbeatMs: number;
  /** The session cookie's Secure flag: true, false, or 'auto' (when the request came over https). */
  secureCookies: boolean | 'auto';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in user; set on every /api route but login and health. */
    user: SessionUser | null;
    sessionToken: string | null;
  }
}

/** The user of an authenticated route (the onRequest hook has refused everyone else). */
export function userOf(req: FastifyRequest): SessionUser {
  if (!req.user) throw new Error(`route ${req.url} reached without a session`);
  return req.user;
}

/** Sends a refusal with its status, and logs it with who asked. */
export function refuse(req: FastifyRequest, reply: FastifyReply, problem: ServerProblem): FastifyReply {
  const { status, body } = describeRefusal(problem);
  req.log.warn({ refused: problem.code, params: problem.params, user: req.user?.username ?? null, url: req.url, method: req.method }, 'request refused');
  return reply.code(status).send(body);
}

/** Sends the value (with the status given), or the refusal. */
export function answer<T>(req: FastifyRequest, reply: FastifyReply, result: ServerResult<T>, status = 200): FastifyReply {
  return result.ok ? reply.code(status).send(result.value) : refuse(req, reply, result.error);
}

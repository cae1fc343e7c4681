// The server as one Fastify instance over a database: every /api route behind a session (but login
// and health), every state-changing request behind the session's CSRF token, bodies JSON only and
// size-limited, refusals as { error: { code, message: { vi, en } } }, security headers on every
// answer, and (when given a folder) the built app served from the same origin. The process keeps
// no state of its own beyond the open live-update streams, the pushes and lookups waiting for their
// statement: several may run on one database.

import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import { workbookReads } from './access';
import { DEFAULT_AUTH, readSession, sameToken, sessionReads, type AuthConfig } from './auth';
import { isDatabaseGone, type Db } from './db';
import { OpsHub } from './events';
import { PushQueue } from './push-queue';
import { refuse, type AppContext } from './context';
import { registerAccountRoutes, SESSION_COOKIE } from './routes/account-routes';
import { registerWorkbookRoutes } from './routes/workbook-routes';
import { registerSubmissionRoutes } from './routes/submission-routes';
import { serveApp } from './static';

export interface AppOptions {
  db: Db;
  auth?: Partial<AuthConfig>;
  /** Largest request body, bytes (default 8 MiB): a larger push is refused with request.too-large. */
  bodyLimit?: number;
  maxOpsPerPush?: number;
  /** The NOTIFY channel of operation appends (default planbench_ops); processes on one database share it. */
  channel?: string;
  heartbeatMs?: number;
  /** Fastify's logger: false (default), true, or its options. */
  logger?: FastifyServerOptions['logger'];
  /** The built app to serve at / (the dist folder of `vite build`). */
  staticDir?: string;
  /** Behind a reverse proxy: take the client's address and protocol from X-Forwarded-*. */
  trustProxy?: boolean;
  secureCookies?: boolean | 'auto';
}

const PUBLIC_ROUTES = new Set(['/api/health', '/api/login']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

/** A Fastify instance serving the API (and the app, with staticDir) on the database; call listen() or inject() on it. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? 8 * 1024 * 1024;
  const app = Fastify({ logger: options.logger ?? false, bodyLimit, trustProxy: options.trustProxy ?? false });
  const hub = new OpsHub(options.db, options.channel ?? 'planbench_ops');
  const auth = { ...DEFAULT_AUTH, ...options.auth };
  const ctx: AppContext = {
    db: options.db,
    auth,
    hub,
    pushes: new PushQueue(options.db, hub.channel),
    reads: { sessions: sessionReads(options.db, auth), workbooks: workbookReads(options.db) },
    maxOpsPerPush: options.maxOpsPerPush ?? 1000,
    eventBatch: 500,
    heartbeatMs: options.heartbeatMs ?? 20_000,
    secureCookies: options.secureCookies ?? 'auto',
  };
  // JSON only: a form or text/plain body (which another site's page can send without asking) never parses.
  app.removeContentTypeParser(['text/plain']);
  await app.register(cookie);
  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', null);

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    reply.header('cache-control', 'no-store');
    const path = req.url.split('?')[0];
    if (PUBLIC_ROUTES.has(path)) return;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return refuse(req, reply, { code: 'auth.required' });
    const session = await readSession(ctx.db, token, ctx.auth, ctx.reads.sessions);
    if (session === null || session === 'expired') {
      reply.clearCookie(SESSION_COOKIE, { path: '/api' });
      return refuse(req, reply, { code: 'auth.session-expired' });
    }
    req.user = session;
    req.sessionToken = token;
    const csrf = req.headers[CSRF_HEADER];
    if (!SAFE_METHODS.has(req.method) && (typeof csrf !== 'string' || !sameToken(csrf, session.csrfToken))) return refuse(req, reply, { code: 'csrf.invalid' });
  });

  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    // The built page carries the full policy in a <meta>; framing can only be forbidden by a header.
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', "frame-ancestors 'none'");
  });

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return refuse(req, reply, { code: 'request.too-large', params: { limit: Math.round((bodyLimit / 2 ** 20) * 10) / 10 } });
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return refuse(req, reply, { code: 'request.unsupported-type' });
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return refuse(req, reply, { code: 'request.invalid', params: { detail: err.message } });
    req.log.error({ err }, 'request failed');
    if (isDatabaseGone(err)) {
      reply.header('retry-after', '5');
      return refuse(req, reply, { code: 'server.database-down' });
    }
    return refuse(req, reply, { code: 'server.error' });
  });

  app.setNotFoundHandler((req, reply) => refuse(req, reply, { code: 'route.not-found' }));

  registerAccountRoutes(app, ctx);
  registerWorkbookRoutes(app, ctx);
  registerSubmissionRoutes(app, ctx);
  if (options.staticDir) serveApp(app, options.staticDir);

  app.addHook('onReady', () => hub.start());
  // Open live streams would keep the server from closing.
  app.addHook('preClose', () => hub.close());
  return app;
}

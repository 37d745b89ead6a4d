import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { generateOpenApiDocument } from 'trpc-to-openapi';
import type { Services } from '../services';
import { createAuthRoutes } from '../door/auth-routes';
import { receiveCspReport } from '../door/csp-report';
import { createGate } from '../door/gate';
import { CSP_REPORT_PATH } from '../door/security-headers';
import { createContext } from '../trpc/context';
import { appRouter } from '../trpc/root';
import { METRICS_CONTENT_TYPE, scrapeMetrics } from '../metrics/scrape';
import { staleCount } from '../notifications/stale-data';
import { createRestHandler } from './rest-handler';
import { RedisStateError, redisTrouble, troubleBody, troubleStatus } from '../redis-errors';
import { sendJson } from './send';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export function openApiDocument(baseUrl: string) {
  return generateOpenApiDocument(appRouter, {
    title: 'Stock Scheduler',
    version: '1.0.0',
    description: 'Jobs that fetch daily stock data on schedules and keep it in Redis.',
    baseUrl,
  });
}

/**
 * Passes every request through the door's gate, then routes the API paths to their handlers
 * and everything else to `fallback` (Next.js). The API runs in this module graph, not in
 * Next's bundles, so it shares one set of connections with the scheduler.
 */
export function createAppHandler(
  services: Services,
  fallback?: RequestHandler,
  options: { dev?: boolean } = {},
): RequestHandler {
  const admit = createGate(services, { dev: options.dev ?? false });
  const auth = createAuthRoutes(services);
  const trpc = createHTTPHandler({
    router: appRouter,
    createContext: createContext(services),
    basePath: '/api/trpc/',
    maxBodySize: 1024 * 1024,
    // Backstop of the check below, with tRPC's own wording.
    maxBatchSize: services.config.TRPC_MAX_BATCH,
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        services.logger.error('tRPC request failed', { path, error: error.cause ?? error });
      }
    },
    responseMeta: ({ errors }) =>
      errors.length > 0 && errors.every((e) => e instanceof RedisStateError && e.trouble === 'full')
        ? { status: troubleStatus('full') }
        : {},
  });
  const rest = createRestHandler(services);
  let openapi: string | undefined;

  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    try {
      const admission = await admit(req, res);
      if (!admission) return;
      if (path.startsWith('/auth/')) return await auth(req, res, admission);
      if (path === CSP_REPORT_PATH && req.method === 'POST')
        return await receiveCspReport(req, res, services.logger);
      if (path.startsWith('/api/trpc/')) {
        const tooBig = batchTooBig(req.url ?? '', path, services.config.TRPC_MAX_BATCH);
        if (tooBig) return sendJson(res, 400, { message: tooBig, code: 'BAD_REQUEST' });
        return trpc(req, res);
      }
      if (path === '/scheduler' || path.startsWith('/scheduler/')) return await rest(req, res);
      if (path === '/api/openapi.json') {
        openapi ??= JSON.stringify(openApiDocument('/'));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(openapi);
        return;
      }
      if (path === '/metrics' && req.method === 'GET') {
        const text = await scrapeMetrics({
          redis: services.redis,
          staleSymbols: () => staleCount(services.redis),
          queuedRuns: async () => {
            const c = await services.scheduler.queue.getJobCounts(
              'waiting',
              'delayed',
              'prioritized',
            );
            return (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
          },
        });
        res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE });
        res.end(text);
        return;
      }
      if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (path === '/readyz') {
        const ok = await Promise.race([
          services.redis.ping().then(
            () => true,
            () => false,
          ),
          new Promise<boolean>((r) => setTimeout(() => r(false), 1000).unref()),
        ]);
        return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'redis unreachable' });
      }
      if (fallback) return await fallback(req, res);
      sendJson(res, 404, { message: `Nothing at ${path}`, code: 'NOT_FOUND' });
    } catch (error) {
      const trouble = redisTrouble(error);
      if (trouble && !res.headersSent)
        return sendJson(res, troubleStatus(trouble), troubleBody(trouble));
      if (!trouble) services.logger.error('request failed', { path, error });
      if (!res.headersSent)
        sendJson(res, 500, { message: 'Internal server error', code: 'INTERNAL_SERVER_ERROR' });
      // Part of the answer is out: cut the connection, so the client cannot take it as whole.
      else res.destroy();
    }
  };
}

/**
 * Why a tRPC batch is refused, or null: `/api/trpc/a,b,c?batch=1` runs one procedure per
 * comma, each with its own answer in one body, so 1,500 calls of a listing in one 15 KB URL
 * once grew the process to 3.8 GB. Checked before tRPC reads the body or runs anything.
 */
export function batchTooBig(url: string, path: string, max: number): string | null {
  if (!/[?&]batch=(1|true)\b/.test(url)) return null;
  const calls = path.slice('/api/trpc/'.length).split(',').length;
  if (calls <= max) return null;
  return `A tRPC batch may hold at most ${max} calls (TRPC_MAX_BATCH); this one has ${calls}: send them in batches of ${max} (httpBatchLink({ maxItems: ${max} }))`;
}

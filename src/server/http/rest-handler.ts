import type { IncomingMessage, ServerResponse } from 'node:http';
import { createOpenApiFetchHandler } from 'trpc-to-openapi';
import type { Services } from '../services';
import { createContext } from '../trpc/context';
import { appRouter } from '../trpc/root';
import { troubleBody, troubleStatus } from '../redis-errors';
import { issuesOf, summariseIssues } from '../trpc/trpc';
import { BodyTooLargeError, readBody } from './body';
import { serveCsv } from './csv-routes';
import { JobListing } from './job-listing';
import { decodePathSegments } from './path-params';
import { sendJson } from './send';

/** Procedures whose REST success is not 200. */
const SUCCESS_STATUS: Record<string, number> = {
  'jobs.create': 201,
  'jobs.runNow': 202,
  'channels.create': 201,
  'channels.test': 202,
  'users.create': 201,
  'tokens.create': 201,
};

/** trpc-to-openapi strips this prefix from the URL before it matches the /scheduler paths. */
const ENDPOINT = '/rest';

interface RestError {
  message: string;
  code: string;
  issues?: { path: string; message: string }[];
}

function errorBody(status: number, code: string, message: string): [number, RestError] {
  return [status, { message, code }];
}

/**
 * Reads and checks the body before trpc-to-openapi sees it, so that a POST without a body is
 * `{}` (the seed's `curl -X POST .../stop`), a body over 1 MiB is a 413, malformed JSON or a
 * wrong content type is a clear 4xx, and errors have the contract's shape with `issues` paths.
 */
export function createRestHandler(services: Services) {
  const context = createContext(services);
  const listing = new JobListing(services);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    let body: string | undefined;
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      let raw: string;
      try {
        raw = await readBody(req);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          res.setHeader('Connection', 'close');
          return sendJson(
            res,
            ...errorBody(413, 'PAYLOAD_TOO_LARGE', `${error.message}: send at most 1 MiB`),
          );
        }
        throw error;
      }
      if (raw.trim() === '') {
        body = '{}';
      } else {
        const type = String(req.headers['content-type'] ?? '');
        if (!/^application\/json\b/i.test(type)) {
          return sendJson(
            res,
            ...errorBody(
              415,
              'UNSUPPORTED_MEDIA_TYPE',
              `Content-Type must be application/json, got ${type ? `"${type}"` : 'none'}`,
            ),
          );
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch (error) {
          return sendJson(
            res,
            ...errorBody(400, 'PARSE_ERROR', `Malformed JSON body: ${(error as Error).message}`),
          );
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          return sendJson(res, ...errorBody(400, 'BAD_REQUEST', 'The JSON body must be an object'));
        }
        body = raw;
      }
    } else {
      req.resume();
      if (method === 'GET' && (await listJobs(listing, req, res))) return;
      if (method === 'GET' && (await serveCsv(services, req, res))) return;
    }

    const request = new Request(`http://rest${ENDPOINT}${decodePathSegments(req.url ?? '/')}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined && { body }),
    });
    const response = await createOpenApiFetchHandler({
      req: request,
      endpoint: ENDPOINT,
      router: appRouter,
      createContext: () => context({ req }),
      responseMeta: ({ paths, errors }) => {
        const path = paths?.[0];
        if (errors.length === 0 && path && SUCCESS_STATUS[path])
          return { status: SUCCESS_STATUS[path] };
        return {};
      },
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          services.logger.error('REST request failed', { path, error: error.cause ?? error });
        }
      },
    });
    const text = await response.text();
    if (response.status < 400) {
      res.writeHead(response.status, { 'content-type': 'application/json' });
      res.end(text);
      return;
    }
    const error = reshapeError(text);
    if (error.redis === 'full') {
      // tRPC has no 507 code: its SERVICE_UNAVAILABLE carries which trouble it was.
      return sendJson(res, troubleStatus('full'), troubleBody('full'));
    }
    const { redis: _, ...rest } = error;
    sendJson(res, response.status, rest);
  };
}

/** The contract's error: `{ message, code, issues: [{ path: "stock_ids.0", message }] }`. */
function reshapeError(text: string): RestError & { redis?: string } {
  try {
    const parsed = JSON.parse(text) as {
      message?: string;
      code?: string;
      data?: { issues?: { path: string; message: string }[] | null; redis?: string };
      issues?: { path: PropertyKey[]; message: string }[];
    };
    const issues =
      parsed.data?.issues ??
      parsed.issues?.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    const message =
      issues && issues.length > 0 ? summariseIssues(issues) : (parsed.message ?? 'Request failed');
    return {
      message,
      code: parsed.code ?? 'INTERNAL_SERVER_ERROR',
      ...(issues && { issues }),
      ...(parsed.data?.redis && { redis: parsed.data.redis }),
    };
  } catch {
    return { message: text || 'Request failed', code: 'INTERNAL_SERVER_ERROR' };
  }
}

/** `GET /scheduler/jobs` is answered by the streamed listing; false for any other request. */
async function listJobs(
  listing: JobListing,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://rest');
  if (url.pathname.replace(/\/$/, '') !== '/scheduler/jobs') return false;
  const query = JobListing.parse(url);
  if (!query.success) {
    const issues = issuesOf(query.error) ?? [];
    sendJson(res, 400, { message: summariseIssues(issues), code: 'BAD_REQUEST', issues });
    return true;
  }
  await listing.send(res, query.data);
  return true;
}

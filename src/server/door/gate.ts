/**
 * The one gate every request passes before Next, tRPC and REST see it: security headers (a
 * fresh CSP nonce for pages), the Host check, the cross-site check for state changes, and
 * credentials turned into an actor. It answers a refused request itself and returns null.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/send';
import type { Services } from '../services';
import { localActor, type Actor } from './actor';
import { clientOf, type ClientInfo } from './client-address';
import { doorOf } from './door';
import { CSP_REPORT_PATH, newNonce, pagePolicy, setSecurityHeaders } from './security-headers';
import { sessionFromCookies } from './sessions';
import { crossSiteReason, hostnameOf, ownOrigins, UNSAFE_METHODS } from './site-checks';

/** How long the request's credentials have left, in ms; null once they have ended. */
export type CredentialsLeft = () => Promise<number | null>;

export interface Admission {
  /** Null only on a public path (health, the login page) asked without credentials. */
  actor: Actor | null;
  client: ClientInfo;
  /** For a session or a token: asked again by long requests (the live-update stream). */
  left?: CredentialsLeft;
}

const admissions = new WeakMap<IncomingMessage, Admission>();

/** What the gate decided about this request; undefined if it never passed the gate. */
export const admissionOf = (req: IncomingMessage) => admissions.get(req);

/** Answered without credentials even in account mode. */
const PUBLIC_PATHS = new Set([
  '/healthz',
  '/readyz',
  '/login',
  '/auth/login',
  '/auth/logout',
  CSP_REPORT_PATH,
  '/icon.svg',
  '/favicon.ico',
]);

const isStaticAsset = (path: string, dev: boolean) =>
  path.startsWith('/_next/static/') || (dev && path.startsWith('/_next/'));

const isApi = (path: string) =>
  path.startsWith('/api/') ||
  path === '/scheduler' ||
  path.startsWith('/scheduler/') ||
  path.startsWith('/auth/') ||
  ['/healthz', '/readyz', '/metrics', CSP_REPORT_PATH].includes(path);

export const NO_ACCOUNT_MESSAGE =
  'No account exists yet, so this service answers only this machine (loopback). Create the ' +
  'first admin from the dashboard opened on the machine itself (http://localhost:<port>/), or ' +
  'start the service with ADMIN_EMAIL and ADMIN_PASSWORD set.';

function bearerOf(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : '';
}

function refuse(res: ServerResponse, status: 401 | 403, message: string): null {
  // The body is read and dropped: answering before it arrived would reset the connection.
  res.req.resume();
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="stock-scheduler"');
  sendJson(res, status, { message, code: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN' });
  return null;
}

export function createGate(services: Services, options: { dev: boolean }) {
  const door = doorOf(services);
  const { config } = services;
  async function credentials(
    req: IncomingMessage,
    bearer: string | null,
  ): Promise<{ actor: Actor; left: CredentialsLeft } | null> {
    if (bearer !== null) {
      const token = bearer ? await door.tokens.verify(bearer) : null;
      if (!token) return null;
      return {
        actor: {
          kind: 'token',
          id: token.token_id,
          name: token.name,
          role: token.role,
          email: null,
        },
        left: () => door.tokens.remainingMs(token.token_id),
      };
    }
    const session = sessionFromCookies(req.headers.cookie);
    if (!session) return null;
    const userId = await door.sessions.userOf(session);
    const user = userId ? await door.users.get(userId) : null;
    if (!user) return null;
    return {
      actor: {
        kind: 'user',
        id: user.user_id,
        name: user.name,
        role: user.role,
        email: user.email,
      },
      left: () => door.sessions.remainingMs(session),
    };
  }

  return async function admit(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<Admission | null> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const client = clientOf(req, config.TRUST_PROXY);
    if (isApi(path)) {
      setSecurityHeaders(res, { https: client.https });
    } else {
      const policy = pagePolicy(newNonce(), { dev: options.dev, https: client.https });
      // Next.js reads the nonce from the request's policy and puts it on its own scripts.
      req.headers['content-security-policy'] = policy;
      setSecurityHeaders(res, { https: client.https, policy });
    }

    const hostname = hostnameOf(client.host);
    if (!hostname || !door.allowedHosts.has(hostname)) {
      return refuse(
        res,
        403,
        `Host ${client.host ? `"${client.host}"` : '(none)'} is not served here: add it to ALLOWED_HOSTS or set PUBLIC_URL`,
      );
    }

    const bearer = bearerOf(req.headers.authorization);
    if (UNSAFE_METHODS.has(method) && bearer === null && path !== CSP_REPORT_PATH) {
      const own = ownOrigins(client.host, client.https, config.PUBLIC_URL);
      const reason = crossSiteReason(req.headers, own);
      if (reason) return refuse(res, 403, `Refused: ${reason}`);
    }

    const given = await credentials(req, bearer);
    let actor = given?.actor ?? null;
    if (bearer !== null && !actor)
      return refuse(res, 401, 'The bearer token is unknown, expired or revoked');
    const asset = isStaticAsset(path, options.dev);
    const open = asset || PUBLIC_PATHS.has(path);
    // Read on each request without credentials (one EXISTS): the first admin may have been
    // created by another process a moment ago.
    // Health answers without Redis's say: /healthz must work while Redis is down.
    const health = path === '/healthz' || path === '/readyz';
    const accounts = actor || asset || health ? true : await door.users.any();
    if (!actor && !accounts && client.loopback) actor = localActor;
    if (!actor && !open) {
      if (!accounts) return refuse(res, 401, NO_ACCOUNT_MESSAGE);
      if (!isApi(path) && (method === 'GET' || method === 'HEAD')) {
        res.writeHead(303, { location: `/login?next=${encodeURIComponent(req.url ?? '/')}` });
        res.end();
        return null;
      }
      return refuse(
        res,
        401,
        'Sign in first (POST /auth/login) or send an API token: Authorization: Bearer <token>',
      );
    }
    const admission: Admission = { actor, client, ...(given && { left: given.left }) };
    admissions.set(req, admission);
    return admission;
  };
}

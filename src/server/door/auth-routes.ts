/**
 * `/auth/*`: sign-in, sign-out, who am I, and the first admin's setup. Plain handlers rather
 * than procedures, since they set and clear the session cookie. Errors have the REST shape.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { BodyTooLargeError, readBody } from '../http/body';
import { sendJson } from '../http/send';
import type { Services } from '../services';
import type { Actor } from './actor';
import { auditActor } from './audit-log';
import { doorOf } from './door';
import type { Admission } from './gate';
import { decoyHash, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords';
import { sessionCookie, sessionFromCookies } from './sessions';
import { normaliseEmail, UserConflictError, type User } from './users';

const loginInput = z.strictObject({
  email: z.string().min(1, { error: 'is required' }).max(320),
  password: z.string().min(1, { error: 'is required' }).max(1000),
});

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { error: `must be at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(1000, { error: 'must be at most 1000 characters' });

const setupInput = z.strictObject({
  email: z.email({ error: 'must be an e-mail address' }).max(320),
  name: z.string().trim().min(1, { error: 'is required' }).max(100),
  password: passwordSchema,
});

/** The contract's `/auth/me`: `{ kind, id, email, name, role }`. */
export const actorBody = (actor: Actor) => ({
  kind: actor.kind,
  id: actor.id,
  email: actor.email,
  name: actor.name,
  role: actor.role,
});

const userActor = (user: User): Actor => ({
  kind: 'user',
  id: user.user_id,
  name: user.name,
  role: user.role,
  email: user.email,
});

type Fail = { status: number; message: string; code: string; issues?: unknown[] };

async function jsonBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T | Fail> {
  let raw: string;
  try {
    raw = await readBody(req, 16 * 1024);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return { status: 413, message: error.message, code: 'PAYLOAD_TOO_LARGE' };
    throw error;
  }
  if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? '')))
    return {
      status: 415,
      message: 'Content-Type must be application/json',
      code: 'UNSUPPORTED_MEDIA_TYPE',
    };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { status: 400, message: 'Malformed JSON body', code: 'PARSE_ERROR' };
  }
  const result = schema.safeParse(parsed);
  if (result.success) return result.data;
  // Issues name the field and the rule only: never the value, which may be a password.
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return {
    status: 400,
    message: `Invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    code: 'BAD_REQUEST',
    issues,
  };
}

const isFail = (value: unknown): value is Fail =>
  typeof value === 'object' && value !== null && 'status' in value && 'code' in value;

function fail(res: ServerResponse, { status, ...body }: Fail): void {
  sendJson(res, status, body);
}

export function createAuthRoutes(services: Services) {
  const door = doorOf(services);

  async function signIn(res: ServerResponse, req: IncomingMessage, user: User, https: boolean) {
    // Rotation: whatever session the browser had before is ended, a new one begins.
    const previous = sessionFromCookies(req.headers.cookie);
    if (previous) await door.sessions.destroy(previous);
    const secret = await door.sessions.create(user.user_id);
    res.setHeader('Set-Cookie', sessionCookie(secret, { https }));
  }

  return async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    admission: Admission,
  ): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    const { actor, client } = admission;
    const https = client.https;

    if (path === '/auth/me' && method === 'GET') {
      if (!actor) return fail(res, { status: 401, message: 'Not signed in', code: 'UNAUTHORIZED' });
      return sendJson(res, 200, actorBody(actor));
    }

    if (path === '/auth/login' && method === 'POST') {
      const input = await jsonBody(req, loginInput);
      if (isFail(input)) return fail(res, input);
      const email = normaliseEmail(input.email);
      const wait = await door.throttle.waitMs(email, client.ip);
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        res.setHeader('Retry-After', String(seconds));
        return fail(res, {
          status: 429,
          message: `Too many failed sign-ins: try again in ${Math.ceil(seconds / 60)} minute(s)`,
          code: 'TOO_MANY_REQUESTS',
        });
      }
      const stored = await door.users.credentials(email);
      const ok = await verifyPassword(stored?.password_hash ?? (await decoyHash()), input.password);
      if (!stored || !ok) {
        await door.throttle.failed(email, client.ip);
        await door.audit.record({
          actor: auditActor(null),
          action: 'auth.login_failed',
          // Only a known account is named: what was typed may be a password.
          target: stored ? stored.user_id : '',
          ip: client.ip,
        });
        return fail(res, {
          status: 401,
          message: 'Wrong e-mail or password',
          code: 'UNAUTHORIZED',
        });
      }
      await door.throttle.succeeded(email);
      const user = (await door.users.get(stored.user_id))!;
      await signIn(res, req, user, https);
      await door.audit.record({
        actor: auditActor(userActor(user)),
        action: 'auth.login',
        target: user.user_id,
        ip: client.ip,
      });
      return sendJson(res, 200, actorBody(userActor(user)));
    }

    if (path === '/auth/logout' && method === 'POST') {
      req.resume();
      const session = sessionFromCookies(req.headers.cookie);
      if (session) await door.sessions.destroy(session);
      res.setHeader('Set-Cookie', sessionCookie('', { https, clear: true }));
      if (actor?.kind === 'user')
        await door.audit.record({
          actor: auditActor(actor),
          action: 'auth.logout',
          target: actor.id,
          ip: client.ip,
        });
      return sendJson(res, 200, { message: 'Signed out' });
    }

    if (path === '/auth/setup' && method === 'POST') {
      // The gate gives the local actor only to loopback while no account exists.
      if (actor?.kind !== 'local')
        return fail(res, {
          status: 409,
          message: 'An account exists already: sign in instead',
          code: 'CONFLICT',
        });
      const input = await jsonBody(req, setupInput);
      if (isFail(input)) return fail(res, input);
      let user: User;
      try {
        user = await door.users.create({ ...input, role: 'admin' }, { onlyIfFirst: true });
      } catch (error) {
        if (error instanceof UserConflictError)
          return fail(res, { status: 409, message: error.message, code: 'CONFLICT' });
        throw error;
      }
      await door.audit.record({
        actor: auditActor(actor),
        action: 'user.create',
        target: user.user_id,
        ip: client.ip,
      });
      await signIn(res, req, user, https);
      services.logger.info('First admin created from the dashboard', { user_id: user.user_id });
      return sendJson(res, 201, actorBody(userActor(user)));
    }

    req.resume();
    sendJson(res, 404, { message: `Nothing at ${method} ${path}`, code: 'NOT_FOUND' });
  };
}

/**
 * Role rules. First over the router itself: every procedure declares a role next to it and
 * every mutation an audit action (a new procedure without one fails here, by name), and each
 * role is refused exactly the procedures above it. Then over HTTP against the real server:
 * every kind of route (REST read and write, tRPC query and mutation, the SSE subscription,
 * admin routes, pages, health) for no credentials, each role's token and a session.
 */
import { TRPCError, type AnyProcedure } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, roleAllows, type Role } from '../src/domain/roles';
import type { Actor } from '../src/server/door/actor';
import type { Services } from '../src/server/services';
import { createContextInner } from '../src/server/trpc/context';
import { appRouter, createCaller } from '../src/server/trpc/root';
import type { Meta } from '../src/server/trpc/trpc';
import { startApp, type AppProcess } from './support/app-server';
import { bearer, createToken, signIn } from './support/door';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { testServices } from './support/services';

// `_def.procedures` is flat at runtime: `jobs.create` -> its procedure.
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, AnyProcedure>,
);
const metaOf = (p: AnyProcedure) => (p._def.meta ?? {}) as Meta;

describe('every procedure has a role rule', () => {
  it.each(procedures)('%s declares a role', (_path, procedure) => {
    expect(ROLES).toContain(metaOf(procedure).role);
  });
  it.each(procedures.filter(([, p]) => p._def.type === 'mutation'))(
    '%s names its audit action',
    (_path, procedure) => {
      const audit = metaOf(procedure).audit;
      if (audit !== false) expect(audit).toMatch(/^[a-z]+\.[a-z_]+$/);
    },
  );
  it('keeps the rules of the contract: reading for viewers, jobs for editors, accounts for admins', () => {
    const rules = Object.fromEntries(procedures.map(([path, p]) => [path, metaOf(p).role]));
    expect(rules).toMatchObject({
      'jobs.list': 'viewer',
      'jobs.get': 'viewer',
      'jobs.runs': 'viewer',
      'jobs.create': 'editor',
      'jobs.update': 'editor',
      'jobs.stop': 'editor',
      'jobs.start': 'editor',
      'jobs.delete': 'editor',
      'jobs.runNow': 'editor',
      'scheduler.status': 'viewer',
      'events.onChange': 'viewer',
      'users.create': 'admin',
      'users.list': 'admin',
      'users.delete': 'admin',
      'tokens.create': 'admin',
      'tokens.list': 'admin',
      'tokens.delete': 'admin',
      'audit.list': 'admin',
    });
  });
});

describe('the middleware enforces each rule for each role', () => {
  let redis: TestRedis;
  let services: Services;
  beforeAll(async () => {
    redis = await startTestRedis({ appendonly: false });
    services = testServices(redis.url);
  });
  afterAll(async () => {
    await services?.close();
    await redis?.stop();
  });

  const actor = (role: Role): Actor => ({ kind: 'token', id: 't', name: role, role, email: null });
  const cases = procedures.flatMap(([path, p]) =>
    [...ROLES, null].map((role) => [path, role, metaOf(p).role!] as const),
  );

  it.each(cases)('%s as %s', async (path, role, needs) => {
    const abort = new AbortController();
    const caller = createCaller(
      createContextInner({ services, actor: role ? actor(role) : null }),
      { signal: abort.signal },
    ) as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
    const [group, name] = path.split('.') as [string, string];
    // No input: an allowed call fails validation or answers; a refused one never gets there.
    const outcome = await caller[group]![name]!(undefined).then(
      () => 'ok',
      (error: unknown) => (error instanceof TRPCError ? error.code : String(error)),
    );
    abort.abort();
    if (role === null) expect(outcome).toBe('UNAUTHORIZED');
    else if (roleAllows(role, needs)) expect(outcome).not.toMatch(/FORBIDDEN|UNAUTHORIZED/);
    else expect(outcome).toBe('FORBIDDEN');
  });
});

describe('every kind of route over HTTP, for every role', () => {
  const PASSWORD = 'roles test password';
  let redis: TestRedis;
  let app: AppProcess;
  let jobId: string;
  const auth: Record<string, Record<string, string>> = { none: {} };

  beforeAll(async () => {
    redis = await startTestRedis({ appendonly: false });
    app = await startApp({
      env: {
        REDIS_URL: redis.url,
        SCHEDULER_ENABLED: 'false',
        ADMIN_EMAIL: 'admin@example.com',
        ADMIN_PASSWORD: PASSWORD,
      },
    });
    const { cookie } = await signIn(app.url, 'admin@example.com', PASSWORD);
    auth.session = { cookie };
    for (const role of ROLES)
      auth[role] = bearer((await createToken(app.url, { cookie }, { name: role, role })).token);
    const created = await fetch(`${app.url}/scheduler/jobs`, {
      method: 'POST',
      headers: { ...auth.admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Roles', stock_ids: ['AAPL'], schedule_time: '17:00' }),
    });
    jobId = ((await created.json()) as { job_id: string }).job_id;
  });
  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  /** Each route and the least role it needs ('public': none at all). */
  const routes = () =>
    [
      ['GET', '/healthz', 'public'],
      ['GET', '/readyz', 'public'],
      ['GET', '/login', 'public'],
      ['GET', '/', 'viewer'],
      ['GET', `/jobs/${jobId}`, 'viewer'],
      ['GET', '/auth/me', 'viewer'],
      ['GET', '/scheduler/jobs', 'viewer'],
      ['GET', `/scheduler/jobs/${jobId}`, 'viewer'],
      ['GET', '/scheduler/status', 'viewer'],
      ['GET', '/api/openapi.json', 'viewer'],
      [
        'GET',
        `/api/trpc/jobs.get?input=${encodeURIComponent(JSON.stringify({ job_id: jobId }))}`,
        'viewer',
      ],
      ['SSE', '/api/trpc/events.onChange', 'viewer'],
      ['POST', `/scheduler/jobs/${jobId}/stop`, 'editor'],
      ['POST', `/scheduler/jobs/${jobId}/start`, 'editor'],
      ['POST', '/api/trpc/jobs.stop', 'editor'],
      ['GET', '/scheduler/users', 'admin'],
      ['GET', '/scheduler/tokens', 'admin'],
      ['GET', '/scheduler/audit', 'admin'],
    ] as const;

  const roleOf: Record<string, Role | null> = {
    none: null,
    viewer: 'viewer',
    editor: 'editor',
    admin: 'admin',
    session: 'admin',
  };

  async function status(method: string, path: string, headers: Record<string, string>) {
    const abort = new AbortController();
    const res = await fetch(`${app.url}${path}`, {
      method: method === 'SSE' ? 'GET' : method,
      redirect: 'manual',
      signal: abort.signal,
      headers: {
        ...headers,
        ...(method === 'SSE' && { accept: 'text/event-stream' }),
        ...(path === '/api/trpc/jobs.stop' && { 'content-type': 'application/json' }),
      },
      ...(path === '/api/trpc/jobs.stop' && { body: JSON.stringify({ job_id: jobId }) }),
    });
    if (method === 'SSE') {
      // The stream's first bytes say whether it was admitted; then it is closed.
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      abort.abort();
      return res.status === 200 && /UNAUTHORIZED|FORBIDDEN/.test(first) ? 403 : res.status;
    }
    await res.arrayBuffer();
    return res.status;
  }

  it.each(['none', 'viewer', 'editor', 'admin', 'session'])('as %s', async (who) => {
    const role = roleOf[who]!;
    for (const [method, path, needs] of routes()) {
      const got = await status(method, path, auth[who]!);
      const label = `${method} ${path} as ${who}`;
      if (needs === 'public') expect(got, label).toBe(200);
      else if (role === null)
        expect(got, label).toBe(
          method === 'GET' && !/^\/(scheduler|api|auth)/.test(path) ? 303 : 401,
        );
      else if (roleAllows(role, needs)) expect(got, label).toBeLessThan(300);
      else expect(got, label).toBe(403);
    }
  });
});

/**
 * Account mode against the real server process and real Redis: the ADMIN_* bootstrap,
 * sign-in and sign-out, session rotation and expiry, users, API tokens (hashed at rest,
 * last use, expiry, revocation), what ends with an account (its tokens when it is deleted, a
 * live-update stream when its session expires), sign-in throttling, the audit log, and that no password,
 * token or session id shows up where it should not.
 */
import http from 'node:http';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from './support/app-server';
import { bearer, createToken, json, raw, signIn } from './support/door';
import { waitFor } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { createHash } from 'node:crypto';

const ADMIN = { email: 'boss@example.com', password: 'the admin password 1' };
const EDITOR = { email: 'ed@example.com', password: 'the editor password 2' };
const SESSION_TTL_SECONDS = 4;

let redis: TestRedis;
let app: AppProcess;
let client: Redis;
/** An admin token: sessions here live SESSION_TTL_SECONDS only. */
let adminToken: string;
const asAdmin = () => bearer(adminToken);
/** Every answer body the tests saw, but the one that created each token. */
const answers: string[] = [];
const secrets: string[] = [ADMIN.password, EDITOR.password];

const call = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${app.url}${path}`, init);
  const text = await res.text();
  answers.push(text);
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : null };
};

beforeAll(async () => {
  redis = await startTestRedis({ appendonly: false });
  app = await startApp({
    env: {
      REDIS_URL: redis.url,
      SCHEDULER_ENABLED: 'false',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SESSION_TTL_SECONDS: String(SESSION_TTL_SECONDS),
    },
  });
  client = new Redis(redis.url);
  const signedIn = await signIn(app.url, ADMIN.email, ADMIN.password);
  expect(signedIn.response.status).toBe(200);
  secrets.push(signedIn.cookie.split('=')[1]!);
  adminToken = (
    await createToken(app.url, { cookie: signedIn.cookie }, { name: 'admin', role: 'admin' })
  ).token;
  secrets.push(adminToken);
});
afterAll(async () => {
  client?.disconnect();
  await app?.stop();
  await redis?.stop();
});

describe('ADMIN_EMAIL and ADMIN_PASSWORD', () => {
  it('created the admin at start, stored with scrypt, and the service is in account mode', async () => {
    const users = await call('/scheduler/users', { headers: asAdmin() });
    expect(users.body.users).toEqual([
      expect.objectContaining({ email: ADMIN.email, role: 'admin' }),
    ]);
    expect(users.text).not.toContain('password');
    const id = await client.get(`scheduler:user_email:${ADMIN.email}`);
    expect(await client.hget(`scheduler:user:${id}`, 'password_hash')).toMatch(/^scrypt\$65536\$/);
    expect((await call('/scheduler/jobs')).status).toBe(401);
    expect((await call('/healthz')).status).toBe(200);
  });

  it('leaves an existing admin as it is on the next start', async () => {
    const again = await startApp({
      env: {
        REDIS_URL: redis.url,
        SCHEDULER_ENABLED: 'false',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: 'another password entirely',
      },
    });
    await again.waitForLog(/Admin from ADMIN_EMAIL exists already/);
    await again.stop();
    expect((await signIn(app.url, ADMIN.email, ADMIN.password)).response.status).toBe(200);
  });
});

describe('sessions', () => {
  it('signs in with an HttpOnly, SameSite=Lax cookie (not Secure over http) and out again', async () => {
    const { cookie, response } = await signIn(app.url, ADMIN.email, ADMIN.password);
    secrets.push(cookie.split('=')[1]!);
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/);
    const me = await call('/auth/me', { headers: { cookie } });
    expect(me.body).toMatchObject({ kind: 'user', email: ADMIN.email, role: 'admin' });
    const out = await call('/auth/logout', { method: 'POST', headers: { cookie } });
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await call('/auth/me', { headers: { cookie } })).status).toBe(401);
  });

  it('marks the cookie Secure and sends HSTS behind an https proxy (TRUST_PROXY)', async () => {
    const proxied = await startApp({
      env: { REDIS_URL: redis.url, SCHEDULER_ENABLED: 'false', TRUST_PROXY: 'true' },
    });
    try {
      const answer = await raw(proxied.url, {
        method: 'POST',
        path: '/auth/login',
        headers: {
          ...json({}).headers,
          'x-forwarded-proto': 'https',
          'x-forwarded-for': '198.51.100.7',
        },
        body: JSON.stringify(ADMIN),
      });
      expect(answer.status).toBe(200);
      expect(String(answer.headers['set-cookie'])).toMatch(/; Secure/);
      expect(answer.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      secrets.push(String(answer.headers['set-cookie']).split(';')[0]!.split('=')[1]!);
    } finally {
      await proxied.stop();
    }
  });

  it('rotates the session at sign-in: the session the browser had before ends', async () => {
    const first = await signIn(app.url, ADMIN.email, ADMIN.password);
    const res = await fetch(`${app.url}/auth/login`, {
      method: 'POST',
      headers: { cookie: first.cookie, 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const second = res.headers.get('set-cookie')!.split(';')[0]!;
    secrets.push(first.cookie.split('=')[1]!, second.split('=')[1]!);
    expect(second).not.toBe(first.cookie);
    expect((await call('/auth/me', { headers: { cookie: first.cookie } })).status).toBe(401);
    expect((await call('/auth/me', { headers: { cookie: second } })).status).toBe(200);
  });

  it('keeps only a hash of the session id in Redis, and ends it after SESSION_TTL_SECONDS', async () => {
    const { cookie } = await signIn(app.url, ADMIN.email, ADMIN.password);
    const value = cookie.split('=')[1]!;
    secrets.push(value);
    const key = `scheduler:session:${createHash('sha256').update(value).digest('hex')}`;
    expect(await client.ttl(key)).toBeGreaterThan(0);
    expect(await client.ttl(key)).toBeLessThanOrEqual(SESSION_TTL_SECONDS);
    // Left alone (not used, so not renewed), the session runs out.
    await waitFor('the session to expire', async () => (await client.exists(key)) === 0, 20_000);
    expect((await call('/scheduler/jobs', { headers: { cookie } })).status).toBe(401);
    const page = await fetch(`${app.url}/`, { headers: { cookie }, redirect: 'manual' });
    expect(page.status).toBe(303);
  });
});

describe('users', () => {
  it('adds users with a role, refusing short passwords and duplicates', async () => {
    const short = await call('/scheduler/users', {
      method: 'POST',
      headers: { ...asAdmin(), 'content-type': 'application/json' },
      body: JSON.stringify({ email: EDITOR.email, role: 'editor', password: 'short one' }),
    });
    expect(short.status).toBe(400);
    expect(short.body.issues).toEqual([
      { path: 'password', message: 'must be at least 12 characters' },
    ]);
    const made = await call('/scheduler/users', {
      method: 'POST',
      headers: { ...asAdmin(), 'content-type': 'application/json' },
      body: JSON.stringify({ ...EDITOR, name: 'Ed', role: 'editor' }),
    });
    expect(made.status).toBe(201);
    const again = await call('/scheduler/users', {
      method: 'POST',
      headers: { ...asAdmin(), 'content-type': 'application/json' },
      body: JSON.stringify({ ...EDITOR, role: 'viewer' }),
    });
    expect(again.status).toBe(409);
    const ed = await signIn(app.url, EDITOR.email, EDITOR.password);
    secrets.push(ed.cookie.split('=')[1]!);
    expect((await call('/auth/me', { headers: { cookie: ed.cookie } })).body.role).toBe('editor');
    expect((await call('/scheduler/users', { headers: { cookie: ed.cookie } })).status).toBe(403);
  });

  it('never deletes the last admin; deleting a user ends their sessions', async () => {
    const users = (await call('/scheduler/users', { headers: asAdmin() })).body.users as {
      user_id: string;
      email: string;
    }[];
    const boss = users.find((u) => u.email === ADMIN.email)!;
    const ed = users.find((u) => u.email === EDITOR.email)!;
    const last = await call(`/scheduler/users/${boss.user_id}`, {
      method: 'DELETE',
      headers: asAdmin(),
    });
    expect(last.status).toBe(409);
    const edSession = (await signIn(app.url, EDITOR.email, EDITOR.password)).cookie;
    secrets.push(edSession.split('=')[1]!);
    const gone = await call(`/scheduler/users/${ed.user_id}`, {
      method: 'DELETE',
      headers: asAdmin(),
    });
    expect(gone.status).toBe(200);
    expect((await call('/auth/me', { headers: { cookie: edSession } })).status).toBe(401);
  });
});

describe('API tokens', () => {
  it('are shown once, stored hashed, work as Bearer, record their last use', async () => {
    const { token, token_id } = await createToken(app.url, asAdmin(), {
      name: 'ci',
      role: 'editor',
    });
    secrets.push(token);
    expect(token).toMatch(/^sst_/);
    const listed = await call('/scheduler/tokens', { headers: asAdmin() });
    expect(listed.body.tokens).toContainEqual(
      expect.objectContaining({ token_id, name: 'ci', role: 'editor', last_used_at: null }),
    );
    const dump = await client.hgetall(`scheduler:token:${token_id}`);
    expect(JSON.stringify(dump)).not.toContain(token.split('_').at(-1));
    const created = await call('/scheduler/jobs', {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'By token', stock_ids: ['AAPL'], schedule_time: '17:00' }),
    });
    expect(created.status).toBe(201);
    const me = await call('/auth/me', { headers: bearer(token) });
    expect(me.body).toMatchObject({ kind: 'token', id: token_id, role: 'editor' });
    await waitFor(
      'the last use',
      async () => (await client.hget(`scheduler:token:${token_id}`, 'last_used_at')) !== '',
    );
    // A cross-site header does not matter to a bearer token: a browser cannot send one cross-site.
    expect((await call('/scheduler/jobs', { headers: bearer(token) })).status).toBe(200);
  });

  it('stop working once expired or revoked, and a forged one never works', async () => {
    const { token, token_id } = await createToken(app.url, asAdmin(), {
      name: 'short-lived',
      role: 'viewer',
      expires_in_days: 1,
    });
    secrets.push(token);
    expect((await call('/scheduler/jobs', { headers: bearer(token) })).status).toBe(200);
    // A day passing, without waiting a day: the stored expiry is moved into the past.
    await client.hset(
      `scheduler:token:${token_id}`,
      'expires_at',
      new Date(Date.now() - 1000).toISOString(),
    );
    const expired = await call('/scheduler/jobs', { headers: bearer(token) });
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/unknown, expired or revoked/);
    const other = await createToken(app.url, asAdmin(), { name: 'revoked', role: 'admin' });
    secrets.push(other.token);
    expect((await call('/scheduler/users', { headers: bearer(other.token) })).status).toBe(200);
    const revoked = await call(`/scheduler/tokens/${other.token_id}`, {
      method: 'DELETE',
      headers: asAdmin(),
    });
    expect(revoked.status).toBe(200);
    expect((await call('/scheduler/users', { headers: bearer(other.token) })).status).toBe(401);
    const forged = `sst_${other.token_id}_${'A'.repeat(43)}`;
    expect((await call('/scheduler/jobs', { headers: bearer(forged) })).status).toBe(401);
  });
});

describe('sign-in throttling', () => {
  it('answers the sixth failure for an account with 429 and Retry-After, a right password too', async () => {
    const victim = { email: 'victim@example.com', password: 'victim password 123' };
    await call('/scheduler/users', {
      method: 'POST',
      headers: { ...asAdmin(), 'content-type': 'application/json' },
      body: JSON.stringify({ ...victim, role: 'viewer' }),
    });
    secrets.push(victim.password);
    for (let i = 1; i <= 5; i++) {
      const { response } = await signIn(app.url, victim.email, `wrong guess number ${i}`);
      expect(response.status, `attempt ${i}`).toBe(401);
    }
    const sixth = await signIn(app.url, victim.email, 'wrong guess number 6');
    expect(sixth.response.status).toBe(429);
    const retry = Number(sixth.response.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    const right = await signIn(app.url, victim.email, victim.password);
    expect(right.response.status).toBe(429);
    expect(right.cookie).toBe('');
    // Another account from the same address is not locked by this one's failures.
    expect((await signIn(app.url, ADMIN.email, ADMIN.password)).response.status).toBe(200);
  });
});

describe('the audit log', () => {
  it('records changes and sign-ins with actor, target and address, for admins only', async () => {
    const log = await call('/scheduler/audit?limit=500', { headers: asAdmin() });
    const entries = log.body.entries as {
      action: string;
      actor: { kind: string; name: string };
      target: string;
      ip: string;
      at: string;
    }[];
    const actions = new Set(entries.map((e) => e.action));
    for (const action of [
      'user.create',
      'user.delete',
      'auth.login',
      'auth.logout',
      'auth.login_failed',
      'token.create',
      'token.revoke',
      'job.create',
    ])
      expect(actions, action).toContain(action);
    const job = entries.find((e) => e.action === 'job.create')!;
    expect(job.actor).toMatchObject({ kind: 'token', name: 'ci' });
    expect(job.ip).toBe('127.0.0.1');
    expect(job.target).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(entries[0]!.at)).toBeGreaterThanOrEqual(Date.parse(entries.at(-1)!.at));
    const failed = entries.find((e) => e.action === 'auth.login_failed')!;
    expect(failed.actor.kind).toBe('anonymous');
    const viewer = await createToken(app.url, asAdmin(), { name: 'reader', role: 'viewer' });
    secrets.push(viewer.token);
    expect((await call('/scheduler/audit', { headers: bearer(viewer.token) })).status).toBe(403);
  });

  it('shows host names and pids in the status to admins only', async () => {
    const viewer = await createToken(app.url, asAdmin(), { name: 'status reader', role: 'viewer' });
    secrets.push(viewer.token);
    const running = await startApp({ env: { REDIS_URL: redis.url } });
    try {
      await waitFor('an instance', async () => (await client.hlen('scheduler:instances')) > 0);
      const forAdmin = await call('/scheduler/status', { headers: asAdmin() });
      expect(forAdmin.body.instances[0]).toHaveProperty('host');
      expect(forAdmin.body.instances[0]).toHaveProperty('pid');
      const forViewer = await call('/scheduler/status', { headers: bearer(viewer.token) });
      expect(forViewer.body.instances.length).toBeGreaterThan(0);
      for (const instance of forViewer.body.instances) {
        expect(instance).not.toHaveProperty('host');
        expect(instance).not.toHaveProperty('pid');
        expect(instance.id).not.toContain(':');
      }
      const dashboard = await call('/scheduler/dashboard', { headers: bearer(viewer.token) });
      expect(dashboard.body.scheduler_status.instances[0]).not.toHaveProperty('host');
    } finally {
      await running.stop();
    }
  });
});

describe('what ends with an account', () => {
  it('deleting a user revokes the tokens they created, and those made with them', async () => {
    const ann = { email: 'ann@example.com', password: 'the other admin password 3' };
    secrets.push(ann.password);
    const created = await call('/scheduler/users', {
      method: 'POST',
      headers: { ...asAdmin(), 'content-type': 'application/json' },
      body: JSON.stringify({ ...ann, name: 'Ann', role: 'admin' }),
    });
    expect(created.status).toBe(201);
    const { cookie } = await signIn(app.url, ann.email, ann.password);
    secrets.push(cookie.split('=')[1]!);
    const theirs = await createToken(app.url, { cookie }, { name: 'ann ci', role: 'admin' });
    const made = await createToken(app.url, bearer(theirs.token), { name: 'by', role: 'viewer' });
    secrets.push(theirs.token, made.token);
    for (const t of [theirs, made])
      expect((await call('/scheduler/jobs', { headers: bearer(t.token) })).status).toBe(200);

    const gone = await call(`/scheduler/users/${created.body.user_id}`, {
      method: 'DELETE',
      headers: asAdmin(),
    });
    expect(gone.status).toBe(200);
    for (const t of [theirs, made]) {
      expect((await call('/scheduler/jobs', { headers: bearer(t.token) })).status).toBe(401);
      expect(await client.exists(`scheduler:token:${t.token_id}`)).toBe(0);
      expect(await client.sismember('scheduler:tokens', t.token_id)).toBe(0);
    }
    const left = (await call('/scheduler/tokens', { headers: asAdmin() })).body.tokens as {
      token_id: string;
    }[];
    expect(left.map((t) => t.token_id)).not.toContain(theirs.token_id);
    expect((await call('/scheduler/jobs', { headers: asAdmin() })).status).toBe(200);
  });

  it('an open live-update stream ends with UNAUTHORIZED once its session expires', async () => {
    const { cookie } = await signIn(app.url, ADMIN.email, ADMIN.password);
    secrets.push(cookie.split('=')[1]!);
    let text = '';
    await new Promise<void>((resolve, reject) => {
      const req = http.get(
        `${app.url}/api/trpc/events.onChange`,
        { agent: false, headers: { accept: 'text/event-stream', cookie } },
        (res) => {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve());
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      // Well past the session's life and its first check: ended by then, or the test fails.
      setTimeout(() => {
        req.destroy();
        reject(new Error(`the stream was still open: ${text.slice(-300)}`));
      }, 30_000).unref();
    });
    expect(text).toMatch(/"type":"sync"/);
    expect(text).toMatch(/event: serialized-error/);
    expect(text).toMatch(/UNAUTHORIZED/);
    expect((await call('/auth/me', { headers: { cookie } })).status).toBe(401);
  }, 40_000);
});

describe('nothing leaks', () => {
  it('no password, token or session id in a log line or an answer (but the token creation)', async () => {
    const logs = app.logs.join('\n');
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      for (const answer of answers) expect(answer).not.toContain(secret);
    }
    const keys = await client.keys('*');
    for (const secret of secrets.filter((s) => !s.includes(' '))) {
      expect(keys.join('\n')).not.toContain(secret);
      for (const key of keys.filter((k) => k.startsWith('scheduler:session:'))) {
        expect(await client.get(key)).not.toContain(secret);
      }
    }
  });
});

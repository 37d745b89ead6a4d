/**
 * Local mode (no account yet) against the real server process: loopback is served as the
 * seed's curl commands expect, and still no other Host, no cross-site state change; then the
 * first admin is created over loopback and the service switches to account mode.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from './support/app-server';
import { json, raw } from './support/door';
import { startTestRedis, type TestRedis } from './support/redis-server';

let redis: TestRedis;
let app: AppProcess;
let client: Redis;
let jobId: string;

beforeAll(async () => {
  redis = await startTestRedis({ appendonly: false });
  app = await startApp({ env: { REDIS_URL: redis.url, SCHEDULER_ENABLED: 'false' } });
  client = new Redis(redis.url);
  const created = await raw(app.url, {
    method: 'POST',
    path: '/scheduler/jobs',
    ...json({ name: 'Local', stock_ids: ['AAPL'], schedule_time: '17:00' }),
  });
  expect(created.status).toBe(201);
  jobId = created.json<{ job_id: string }>().job_id;
});
afterAll(async () => {
  client?.disconnect();
  await app?.stop();
  await redis?.stop();
});

const stored = async () =>
  JSON.parse((await client.get(`scheduler:job:${jobId}`))!) as { is_active: boolean };

describe('local mode', () => {
  it('serves loopback with no credentials, as the local admin', async () => {
    const me = await raw(app.url, { path: '/auth/me' });
    expect(me.json()).toMatchObject({ kind: 'local', role: 'admin' });
    const stop = await raw(app.url, { method: 'POST', path: `/scheduler/jobs/${jobId}/stop` });
    expect(stop.status).toBe(200);
    const start = await raw(app.url, { method: 'POST', path: `/scheduler/jobs/${jobId}/start` });
    expect(start.status).toBe(200);
  });

  it('refuses a Host it does not serve (DNS rebinding), on reads too', async () => {
    for (const path of ['/scheduler/jobs', '/', '/api/trpc/jobs.list']) {
      const answer = await raw(app.url, { path, headers: { host: `evil.example:${app.port}` } });
      expect(answer.status, path).toBe(403);
      expect(answer.text).not.toContain(jobId);
    }
    const del = await raw(app.url, {
      method: 'DELETE',
      path: `/scheduler/jobs/${jobId}`,
      headers: { host: 'evil.example' },
    });
    expect(del.status).toBe(403);
    expect(await client.exists(`scheduler:job:${jobId}`)).toBe(1);
  });

  it('refuses state changes from another site, and changes nothing', async () => {
    const hostile: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'http://127.0.0.1:1' },
      { origin: 'null' },
    ];
    for (const headers of hostile) {
      for (const [method, path] of [
        ['POST', `/scheduler/jobs/${jobId}/stop`],
        ['DELETE', `/scheduler/jobs/${jobId}`],
        ['POST', `/api/trpc/jobs.stop`],
      ] as const) {
        const answer = await raw(app.url, {
          method,
          path,
          headers: { ...headers, 'content-type': 'text/plain' },
          body: JSON.stringify({ job_id: jobId }),
        });
        expect(answer.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
      }
    }
    expect((await stored()).is_active).toBe(true);
    // A browser on our own origin passes.
    const own = await raw(app.url, {
      method: 'POST',
      path: `/scheduler/jobs/${jobId}/stop`,
      headers: { 'sec-fetch-site': 'same-origin', origin: app.url },
    });
    expect(own.status).toBe(200);
    expect((await stored()).is_active).toBe(false);
  });

  it('sends the security headers on API answers and pages', async () => {
    const api = await raw(app.url, { path: '/scheduler/jobs' });
    expect(api.headers['content-security-policy']).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    const page = await raw(app.url, { path: '/' });
    const policy = String(page.headers['content-security-policy']);
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
    expect(nonce).toBeTruthy();
    expect(policy).toContain("frame-ancestors 'none'");
    // Next.js put this response's nonce on its scripts; no script goes without it.
    const scripts = page.text.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    const again = await raw(app.url, { path: '/' });
    expect(again.headers['content-security-policy']).not.toBe(policy);
    for (const answer of [api, page]) {
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(answer.headers['referrer-policy']).toBe('same-origin');
      expect(answer.headers['strict-transport-security']).toBeUndefined();
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('treats a forwarded request as not local without TRUST_PROXY', async () => {
    const answer = await raw(app.url, {
      path: '/scheduler/jobs',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(answer.status).toBe(401);
  });
});

describe('the first admin, from loopback', () => {
  const admin = { email: 'first@example.com', name: 'First', password: 'a long enough secret' };

  it('refuses a short password, naming the field and the rule', async () => {
    const answer = await raw(app.url, {
      method: 'POST',
      path: '/auth/setup',
      ...json({ ...admin, password: 'short' }),
    });
    expect(answer.status).toBe(400);
    expect(answer.json().message).toMatch(/password: must be at least 12 characters/);
    expect(await client.exists('scheduler:users')).toBe(0);
  });

  it('creates one admin when two set up at once, and signs it in', async () => {
    const [a, b] = await Promise.all([
      raw(app.url, { method: 'POST', path: '/auth/setup', ...json(admin) }),
      raw(app.url, {
        method: 'POST',
        path: '/auth/setup',
        ...json({ ...admin, email: 'second@example.com' }),
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect(await client.scard('scheduler:users')).toBe(1);
    const winner = a.status === 201 ? a : b;
    expect(String(winner.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Lax/);
  });

  it('then asks loopback for credentials too (account mode)', async () => {
    const list = await raw(app.url, { path: '/scheduler/jobs' });
    expect(list.status).toBe(401);
    expect(list.text).not.toContain(jobId);
    const page = await raw(app.url, { path: `/jobs/${jobId}` });
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe(`/login?next=${encodeURIComponent(`/jobs/${jobId}`)}`);
    expect((await raw(app.url, { path: '/login' })).status).toBe(200);
    expect((await raw(app.url, { path: '/healthz' })).status).toBe(200);
    const setup = await raw(app.url, { method: 'POST', path: '/auth/setup', ...json(admin) });
    // Setup is no longer open at all: without a session it is refused before it is reached.
    expect(setup.status).toBe(401);
    expect(await client.scard('scheduler:users')).toBe(1);
  });
});

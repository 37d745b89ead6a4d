/**
 * The door's pure checks (addresses, hosts, origins, the page policy), and the loopback rule
 * at the socket level: the real server, reached over a non-loopback address of this machine.
 */
import http from 'node:http';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOf, isLoopbackAddress } from '../src/server/door/client-address';
import { pagePolicy } from '../src/server/door/security-headers';
import {
  allowedHostnames,
  crossSiteReason,
  hostnameOf,
  ownOrigins,
} from '../src/server/door/site-checks';
import { startApp, type AppProcess } from './support/app-server';
import { raw } from './support/door';
import { startTestRedis, type TestRedis } from './support/redis-server';

describe('addresses', () => {
  it('takes 127/8, ::1 and their mapped forms as loopback, nothing else', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of [
      '192.0.2.2',
      '10.0.0.1',
      '::ffff:10.0.0.1',
      'fe80::1',
      '',
      undefined,
      '128.0.0.1',
    ])
      expect(isLoopbackAddress(a), String(a)).toBe(false);
  });
});

describe('hosts', () => {
  it('allows the defaults and the host of PUBLIC_URL, by name without port', () => {
    const allowed = allowedHostnames(undefined, 'https://scheduler.example.com');
    expect([...allowed].sort()).toEqual(
      ['127.0.0.1', '[::1]', 'localhost', 'scheduler.example.com'].sort(),
    );
    expect(hostnameOf('localhost:8001')).toBe('localhost');
    expect(hostnameOf('[::1]:8001')).toBe('[::1]');
    expect(hostnameOf('EVIL.example:8001')).toBe('evil.example');
    expect(hostnameOf('a b')).toBeNull();
    expect(hostnameOf('user@localhost')).toBeNull();
  });

  it('takes ALLOWED_HOSTS instead of the defaults, IPv6 with or without brackets', () => {
    expect([...allowedHostnames('a.example, 10.0.0.5,::1')].sort()).toEqual(
      ['10.0.0.5', '[::1]', 'a.example'].sort(),
    );
  });
});

describe('cross-site state changes', () => {
  const own = ownOrigins('127.0.0.1:8001', false);
  it('refuses any Sec-Fetch-Site but same-origin and none', () => {
    expect(crossSiteReason({ 'sec-fetch-site': 'same-origin' }, own)).toBeNull();
    expect(crossSiteReason({ 'sec-fetch-site': 'none' }, own)).toBeNull();
    expect(crossSiteReason({ 'sec-fetch-site': 'same-site' }, own)).toMatch(/same-site/);
    expect(crossSiteReason({ 'sec-fetch-site': 'cross-site' }, own)).toMatch(/cross-site/);
  });
  it('without Sec-Fetch-Site, refuses an Origin other than our own, and passes neither', () => {
    expect(crossSiteReason({ origin: 'http://127.0.0.1:8001' }, own)).toBeNull();
    expect(crossSiteReason({ origin: 'http://127.0.0.1:9999' }, own)).toMatch(/9999/);
    expect(crossSiteReason({ origin: 'null' }, own)).toMatch(/null/);
    expect(crossSiteReason({ origin: 'https://127.0.0.1:8001' }, own)).not.toBeNull();
    expect(crossSiteReason({}, own)).toBeNull();
    expect(
      crossSiteReason(
        { origin: 'https://s.example.com' },
        ownOrigins('x:1', false, 'https://s.example.com'),
      ),
    ).toBeNull();
  });
});

describe('page policy', () => {
  it('allows scripts by nonce only, forbids framing, and reports violations', () => {
    const policy = pagePolicy('abc', { dev: false, https: false });
    expect(policy).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain('report-uri /csp-report');
  });
});

describe('the loopback rule on real sockets', () => {
  it('sees a connection to 127.0.0.1 as loopback, and forwarding headers make it not local', async () => {
    const seen: boolean[] = [];
    const server = http.createServer((req, res) => {
      seen.push(clientOf(req, false).loopback);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await raw(`http://127.0.0.1:${port}`, { path: '/' });
    await raw(`http://127.0.0.1:${port}`, { path: '/', headers: { 'x-forwarded-for': '1.2.3.4' } });
    server.close();
    expect(seen).toEqual([true, false]);
  });

  // A non-loopback address of this machine: connecting to it, the socket's peer is that
  // address, not 127.0.0.1, exactly as for a visitor on the LAN.
  const lan = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  let redis: TestRedis;
  let app: AppProcess;
  beforeAll(async () => {
    if (!lan) return;
    redis = await startTestRedis({ appendonly: false });
    app = await startApp({
      env: {
        REDIS_URL: redis.url,
        SCHEDULER_ENABLED: 'false',
        HOST: '0.0.0.0',
        ALLOWED_HOSTS: `localhost,127.0.0.1,${lan}`,
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it.runIf(lan)('answers loopback and refuses the LAN address with no account yet', async () => {
    const local = await raw(app.url, { path: '/scheduler/jobs' });
    expect(local.status).toBe(200);
    const remote = await raw(`http://${lan}:${app.port}`, { path: '/scheduler/jobs' });
    expect(remote.status).toBe(401);
    expect(remote.json().message).toMatch(/first admin.*ADMIN_EMAIL and ADMIN_PASSWORD/s);
    const page = await raw(`http://${lan}:${app.port}`, { path: '/' });
    expect(page.status).toBe(401);
    // Health stays open: container and load-balancer probes come from elsewhere.
    expect((await raw(`http://${lan}:${app.port}`, { path: '/healthz' })).status).toBe(200);
  });
});

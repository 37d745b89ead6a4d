/**
 * Two real server processes asked for one port: the second cannot listen and must end at once,
 * non-zero, with a line saying why, without ever joining the scheduler (no instance, no runs).
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, ListenError, reachableUrls } from '../src/server/http/listen';
import { keys } from '../src/server/keys';
import { startApp, type AppProcess } from './support/app-server';
import { startTestRedis, type TestRedis } from './support/redis-server';

let redis: TestRedis;
let client: Redis;
let first: AppProcess;
let second: AppProcess | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
  first = await startApp({ env: { REDIS_URL: redis.url } });
  await first.waitForLog(/Scheduler loop started/);
});

afterAll(async () => {
  await second?.kill();
  await first?.stop();
  client?.disconnect();
  await redis?.stop();
});

describe('a second process on a port in use', () => {
  it('exits non-zero with one line naming the port, before it joins the scheduler', async () => {
    second = await startApp({
      port: first.port,
      env: { REDIS_URL: redis.url },
      waitReady: false,
    });
    const code = await second.exited;
    expect(code).toBe(1);
    // Our lines are JSON; Next prints a few plain ones of its own.
    const lines = second.logs
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: unknown; msg: string });
    expect(lines.map((l) => l.msg)).toContain(
      `Port ${first.port} is already in use on 127.0.0.1 (another Stock Scheduler, or another program): stop it or set PORT to a free port`,
    );
    expect(second.logs.join('\n')).not.toMatch(/Job scheduler started|Scheduler loop started/);
    // The first one is still the only instance, and still answers.
    const instances = await client.hkeys(keys.instances);
    expect(instances).toHaveLength(1);
    expect(instances[0]).toContain(`:${first.child.pid}:`);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
  });
});

describe('listen', () => {
  it('rejects with a ListenError for a port taken, and a reason for an address not ours', async () => {
    const a = createServer();
    await listen(a, 0, '127.0.0.1');
    const port = (a.address() as { port: number }).port;
    const b = createServer();
    await expect(listen(b, port, '127.0.0.1')).rejects.toThrow(ListenError);
    await expect(listen(createServer(), port, '192.0.2.1')).rejects.toThrow(
      /HOST 192\.0\.2\.1 is not an address of this machine/,
    );
    a.close();
  });

  it('turns a wildcard host into localhost and the LAN addresses', () => {
    const interfaces = {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
      eth0: [
        { address: '192.168.1.20', family: 'IPv4', internal: false },
        { address: 'fe80::1', family: 'IPv6', internal: false },
        { address: '2001:db8::5', family: 'IPv6', internal: false },
      ],
    } as unknown as Parameters<typeof reachableUrls>[2];
    expect(reachableUrls('0.0.0.0', 8001, interfaces)).toEqual([
      'http://localhost:8001',
      'http://192.168.1.20:8001',
    ]);
    expect(reachableUrls('::', 8001, interfaces)).toEqual([
      'http://localhost:8001',
      'http://192.168.1.20:8001',
      'http://[2001:db8::5]:8001',
    ]);
    expect(reachableUrls('127.0.0.1', 8001, interfaces)).toEqual(['http://127.0.0.1:8001']);
  });
});

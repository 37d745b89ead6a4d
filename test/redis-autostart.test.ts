/**
 * The auto-started Redis, with real redis-server and real app processes: one data directory
 * per port, never two servers on one append-only file, and the data found again on restart.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/server/logger';
import {
  liveRedisIn,
  RedisDirInUseError,
  redisDataDir,
  startLocalRedis,
} from '../src/server/redis-autostart';
import { startApp, type AppProcess } from './support/app-server';
import { freePort } from './support/redis-server';

const root = mkdtempSync(path.join(tmpdir(), 'stock-scheduler-autostart-'));
const logger = createLogger({ level: 'silent' });
const apps: AppProcess[] = [];
const servers: ChildProcess[] = [];

async function stopServer(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function worker(port: number): Promise<AppProcess> {
  const app = await startApp({
    entry: 'worker',
    env: {
      REDIS_URL: `redis://127.0.0.1:${port}`,
      REDIS_AUTOSTART: 'true',
      REDIS_AUTOSTART_DIR: root,
    },
  });
  apps.push(app);
  return app;
}

function started(app: AppProcess): { dir: string; redis_pid: number } {
  const line = app.logs.find((l) => l.includes('Started a local redis-server'));
  expect(line, app.logs.join('\n')).toBeDefined();
  return JSON.parse(line!) as { dir: string; redis_pid: number };
}

afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  for (const child of servers.splice(0)) await stopServer(child);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('auto-started Redis', () => {
  it('two ports, two directories, two servers; data kept per port across a restart', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const first = await worker(a);
    const second = await worker(b);
    const one = started(first);
    const two = started(second);
    expect(one.dir).toBe(path.join(root, `redis-${a}`));
    expect(two.dir).toBe(path.join(root, `redis-${b}`));
    expect(one.redis_pid).not.toBe(two.redis_pid);
    expect(liveRedisIn(one.dir)).toBe(one.redis_pid);

    const clientA = new Redis(`redis://127.0.0.1:${a}`);
    const clientB = new Redis(`redis://127.0.0.1:${b}`);
    await clientA.set('probe', 'on A');
    expect(await clientB.get('probe')).toBeNull();
    clientA.disconnect();
    clientB.disconnect();

    // The process stops its redis-server on exit; started again, it finds its data.
    await first.stop();
    expect(liveRedisIn(one.dir)).toBeNull();
    const again = await worker(a);
    expect(started(again).dir).toBe(one.dir);
    const client = new Redis(`redis://127.0.0.1:${a}`);
    expect(await client.get('probe')).toBe('on A');
    client.disconnect();
  });

  it('refuses a directory another live redis-server uses, naming it and its pid', async () => {
    const [a, b] = [await freePort(), await freePort()];
    // A redis-server on port a that holds the directory the app would use for port b.
    const squatter = await startLocalRedis(a, logger, { dir: redisDataDir(b, root) });
    servers.push(squatter);
    const app = await startApp({
      entry: 'worker',
      waitReady: false,
      env: {
        REDIS_URL: `redis://127.0.0.1:${b}`,
        REDIS_AUTOSTART: 'true',
        REDIS_AUTOSTART_DIR: root,
      },
    });
    apps.push(app);
    expect(await app.exited).toBe(1);
    expect(app.logs.join('\n')).toContain(
      `The Redis data directory ${path.join(root, `redis-${b}`)} is in use by another redis-server (pid ${squatter.pid}) that does not answer on port ${b}`,
    );
    expect(app.logs.join('\n')).not.toMatch(/Job scheduler started/);
  });

  it('startLocalRedis: a second server on the same directory is refused; a killed one’s pid file is not in the way', async () => {
    const dir = path.join(root, 'shared');
    const [a, b] = [await freePort(), await freePort()];
    const first = await startLocalRedis(a, logger, { dir });
    servers.push(first);
    const refused = await startLocalRedis(b, logger, { dir }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(RedisDirInUseError);
    expect((refused as Error).message).toContain(`(pid ${first.pid})`);

    await stopServer(first, 'SIGKILL');
    expect(existsSync(path.join(dir, 'redis-server.pid'))).toBe(true);
    expect(liveRedisIn(dir)).toBeNull();
    const next = await startLocalRedis(b, logger, { dir });
    servers.push(next);
    expect(liveRedisIn(dir)).toBe(next.pid);
  });
});

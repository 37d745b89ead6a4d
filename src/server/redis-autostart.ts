import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The port to start a local redis-server on, or null when the URL is not this machine's. */
export function localRedisPort(url: string): number | null {
  const parsed = new URL(url);
  if (!LOCAL_HOSTS.has(parsed.hostname)) return null;
  return Number(parsed.port || 6379);
}

export function hasRedisServerBinary(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts a redis-server for `npm start` on a machine without one: data under `.data/redis`
 * with append-only persistence, so jobs survive a restart. The caller stops it on exit.
 */
export async function startLocalRedis(
  port: number,
  logger: Logger,
  dataDir = '.data/redis',
): Promise<ChildProcess> {
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--logfile',
      'redis.log',
    ],
    { stdio: 'ignore' },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited with code ${code}; see ${dir}/redis.log`)),
    );
    setTimeout(resolve, 200);
  });
  child.removeAllListeners('exit');
  logger.info('Started a local redis-server', { port, dir, redis_pid: child.pid });
  return child;
}

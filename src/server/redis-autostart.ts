import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from './logger';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
/** Written by redis-server itself (`--pidfile`) and removed on a clean shutdown. */
const PID_FILE = 'redis-server.pid';

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
 * The data directory of the local redis-server on `port`: one per port, so servers on two
 * ports never share an append-only file. A relative `root` is taken from the project's
 * directory, not the shell's, so starting from elsewhere finds the same data.
 */
export function redisDataDir(port: number, root = '.data'): string {
  return path.resolve(PROJECT_ROOT, root, `redis-${port}`);
}

export class RedisDirInUseError extends Error {
  override name = 'RedisDirInUseError';
}

function processName(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    const ps = spawnSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout.trim() : null;
  }
}

/**
 * The pid of the live redis-server whose pid file is in `dir`, or null. A pid file left by a
 * killed server is ignored: its pid is gone, or the system gave it to another program.
 */
export function liveRedisIn(dir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(dir, PID_FILE), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return null;
  }
  const name = processName(pid);
  // An unknown name (no /proc, no ps) counts as alive: refusing is safer than sharing a file.
  return name === null || name.includes('redis') ? pid : null;
}

/** True when a Redis answers PING on `port` (still loading its file counts). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(/^(\+PONG|-LOADING)/.test(data.toString())));
    socket.once('error', () => done(false));
  });
}

/**
 * Resolves once the started server answers; rejects if it exits first (its port taken, a bad
 * directory). PING rather than a bare connect: another program on the port would accept one.
 */
async function untilAnswering(child: ChildProcess, port: number, dir: string): Promise<void> {
  let exited: Error | null = null;
  child.once('error', (error) => (exited = error));
  child.once('exit', (code) => {
    exited = new Error(`redis-server exited with code ${code}; see ${dir}/redis.log`);
  });
  for (;;) {
    if (exited) throw exited;
    if ((await answersPing(port)) && !exited) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts a redis-server for `npm start` on a machine without one: data in `redisDataDir(port)`
 * with append-only persistence, so jobs survive a restart. Refuses (RedisDirInUseError) when
 * another live redis-server has that directory, rather than open a second writer on its file.
 * The caller stops it on exit.
 */
export async function startLocalRedis(
  port: number,
  logger: Logger,
  options: { root?: string; dir?: string } = {},
): Promise<ChildProcess> {
  const dir = options.dir ?? redisDataDir(port, options.root);
  // Before data directories were per port, it was `.data/redis` for every port.
  const legacy = path.join(path.dirname(dir), 'redis');
  if (options.dir === undefined && port === 6379 && existsSync(legacy) && !existsSync(dir)) {
    renameSync(legacy, dir);
    logger.info('Moved the local Redis data to its per-port directory', { from: legacy, to: dir });
  }
  const owner = liveRedisIn(dir);
  if (owner !== null) {
    throw new RedisDirInUseError(
      `The Redis data directory ${dir} is in use by another redis-server (pid ${owner}) that does not answer on port ${port}: stop it (kill ${owner}) or set REDIS_URL to the port it listens on`,
    );
  }
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
      '--pidfile',
      path.join(dir, PID_FILE),
      '--appendonly',
      'yes',
      '--save',
      '',
      '--logfile',
      'redis.log',
    ],
    { stdio: 'ignore' },
  );
  await untilAnswering(child, port, dir);
  child.removeAllListeners('exit');
  child.removeAllListeners('error');
  logger.info('Started a local redis-server', { port, dir, redis_pid: child.pid });
  return child;
}

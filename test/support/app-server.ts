/**
 * Starts the real server (server.ts, or the worker) as a separate OS process, the way a user
 * does, and waits until it answers. Each gets its own port and the test's Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './redis-server';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface AppProcess {
  url: string;
  port: number;
  child: ChildProcess;
  logs: string[];
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: no clean-up at all. */
  kill(): Promise<void>;
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export async function startApp(
  options: {
    env?: Record<string, string>;
    entry?: 'server' | 'worker';
    port?: number;
    /** false: return once spawned, without waiting for it to answer (a start meant to fail). */
    waitReady?: boolean;
  } = {},
): Promise<AppProcess> {
  const port = options.port ?? (await freePort());
  const entry = options.entry === 'worker' ? 'src/worker.ts' : 'server.ts';
  const logs: string[] = [];
  // node --import tsx: one process, so signals reach the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_AUTOSTART: 'false',
      LOG_FORMAT: 'json',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const listeners = new Set<(line: string) => void>();
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      logs.push(line);
      for (const l of listeners) l(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);

  const waitForLog = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<string>((resolve, reject) => {
      const found = logs.find((l) => pattern.test(l));
      if (found) return resolve(found);
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(
          new Error(
            `no log line matching ${pattern} in ${timeoutMs} ms; logs:\n${logs.join('\n')}`,
          ),
        );
      }, timeoutMs);
      const listener = (line: string) => {
        if (pattern.test(line)) {
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(line);
        }
      };
      listeners.add(listener);
      child.once('exit', (code) => {
        clearTimeout(timer);
        listeners.delete(listener);
        reject(
          new Error(
            `process exited (${code}) before logging ${pattern}; logs:\n${logs.join('\n')}`,
          ),
        );
      });
    });

  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const app: AppProcess = {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    logs,
    exited,
    waitForLog,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  if (options.waitReady === false) return app;
  if (options.entry === 'worker') {
    await waitForLog(/Job scheduler started/);
  } else {
    // Ready when it answers, whatever LOG_LEVEL says.
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`server exited (${child.exitCode}); logs:\n${logs.join('\n')}`);
      const ok = await fetch(`${app.url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline)
        throw new Error(`server did not answer in 60 s; logs:\n${logs.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return app;
}

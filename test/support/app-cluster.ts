/**
 * The set-up the multi-process tests share: one real Redis, the replay server, a plain client
 * for reading Redis directly, and server or worker processes started against both. Hooks are
 * registered on the calling file: processes are killed after each test (and Redis flushed,
 * unless `flushAfterEach` is false), everything is stopped after the file.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Run } from '../../src/domain/job-definition';
import {
  startReplayServer,
  type ReplayServer,
  type ReplayServerOptions,
} from '../../src/replay/replay-server';
import { startApp, type AppProcess } from './app-server';
import { api } from './http';
import { startTestRedis, type TestRedis } from './redis-server';

/** What the scheduling tests run with unless they say otherwise: fast locks and shutdowns. */
export const CLUSTER_ENV: Readonly<Record<string, string>> = {
  SCHEDULER_TIMEZONE: 'UTC',
  PROVIDER_MAX_RPS: '200',
  PROVIDER_CONCURRENCY: '20',
  RUN_LOCK_SECONDS: '4',
  SHUTDOWN_TIMEOUT_SECONDS: '5',
};

export interface AppClusterOptions {
  /** Redis with an append-only file, for tests that kill and restart it. */
  appendonly?: boolean;
  replay?: ReplayServerOptions;
  /** Settings of every process started, over REDIS_URL, YAHOO_BASE_URL and CLUSTER_ENV. */
  env?: Record<string, string>;
  flushAfterEach?: boolean;
}

export interface AppCluster {
  readonly redis: TestRedis;
  readonly replay: ReplayServer;
  readonly client: Redis;
  /** The processes started and not yet killed by the hooks. */
  readonly apps: AppProcess[];
  start(entry?: 'server' | 'worker', env?: Record<string, string>): Promise<AppProcess>;
  /** POST /scheduler/jobs, expecting a 201; the new job's id. */
  createJob(base: string, body: Record<string, unknown>): Promise<string>;
  /** A job's runs, newest first, through the REST API. */
  runs(base: string, jobId: string): Promise<Run[]>;
  /** A run record as stored in Redis, or null. */
  runOf(runId: string): Promise<Run | null>;
}

export function useAppCluster(options: AppClusterOptions = {}): AppCluster {
  let redis: TestRedis | undefined;
  let replay: ReplayServer | undefined;
  let client: Redis | undefined;
  const apps: AppProcess[] = [];
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is used before beforeAll started it`);
    return value;
  };

  beforeAll(async () => {
    redis = await startTestRedis({ appendonly: options.appendonly ?? false });
    replay = await startReplayServer(options.replay ?? { synthetic: true, latencyMs: 5 });
    client = new Redis(redis.url);
    // Tests that take Redis away on purpose would otherwise log every reconnect attempt.
    client.on('error', () => undefined);
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.kill()));
    if (options.flushAfterEach === false) return;
    await client?.flushall();
    replay?.reset();
  });

  afterAll(async () => {
    await Promise.all(apps.splice(0).map((a) => a.kill()));
    client?.disconnect();
    await replay?.close();
    await redis?.stop();
  });

  const cluster: AppCluster = {
    apps,
    get redis() {
      return ready(redis, 'Redis');
    },
    get replay() {
      return ready(replay, 'The replay server');
    },
    get client() {
      return ready(client, 'The Redis client');
    },
    async start(entry = 'server', env = {}) {
      const app = await startApp({
        entry,
        env: {
          REDIS_URL: cluster.redis.url,
          YAHOO_BASE_URL: cluster.replay.url,
          ...CLUSTER_ENV,
          ...options.env,
          ...env,
        },
      });
      apps.push(app);
      return app;
    },
    async createJob(base, body) {
      const res = await api<{ job_id: string }>(base, 'POST', '/scheduler/jobs', body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.job_id;
    },
    async runs(base, jobId) {
      const res = await api<{ runs: Run[] }>(
        base,
        'GET',
        `/scheduler/jobs/${jobId}/runs?limit=1000`,
      );
      return res.body.runs;
    },
    async runOf(runId) {
      const raw = await cluster.client.get(`scheduler:run:${runId}`);
      return raw ? (JSON.parse(raw) as Run) : null;
    },
  };
  return cluster;
}

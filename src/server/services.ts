import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { Logger } from './logger';
import { createProvider } from './market-data/yahoo';
import { SeriesStore } from './market-data/series-store';
import { StockDataStore } from './market-data/stock-data-store';
import { createRedis, createRequestRedis } from './redis/connection';
import { EventLog } from './scheduler/events';
import { JobExecutor } from './scheduler/job-executor';
import { JobRegistry } from './scheduler/job-registry';
import { JobScheduler } from './scheduler/job-scheduler';
import { RunHistory } from './scheduler/run-history';
import { RunLock } from './scheduler/run-lock';
import type { RunExecutor } from './scheduler/run-worker';
import { ChannelStore } from './notifications/channel-store';
import { DeliveryStore } from './notifications/delivery-store';
import { Notifier } from './notifications/notifier';
import { keys } from './keys';

/** Everything procedures use, built once per process (or per test) from the settings. */
export interface Services {
  config: Config;
  logger: Logger;
  redis: Redis;
  registry: JobRegistry;
  runs: RunHistory;
  events: EventLog;
  data: StockDataStore;
  /** The continuous series per symbol (CONTRACT.md section 8). */
  series: SeriesStore;
  /**
   * What requests ask of the scheduler (status, run-now), on the request connection: it never
   * dispatches or executes.
   */
  scheduler: JobScheduler;
  channels: ChannelStore;
  deliveries: DeliveryStore;
  /** Publishes notification events in every process; delivers them only once started. */
  notifier: Notifier;
  /** A new connection of its own, for blocking reads (XREAD BLOCK) and pub/sub. */
  connect(): Redis;
  /** Starts dispatching and executing runs in this process. */
  startScheduler(parts?: { dispatch?: boolean; work?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export function createServices(
  config: Config,
  logger: Logger,
  redis?: Redis,
  options: { role?: string; executor?: RunExecutor } = {},
): Services {
  // Requests use `conn`, which fails fast while Redis is away (createRequestRedis); the
  // scheduler's own loops and runs use `background`, whose commands wait for Redis to return,
  // so an outage pauses them rather than failing runs. Nothing a request sends is queued.
  const conn = redis ?? createRequestRedis(config.REDIS_URL);
  const background = createRedis(config.REDIS_URL, { connectionName: 'stock-scheduler:scheduler' });
  background.on('error', () => undefined);
  const connect = () => createRedis(config.REDIS_URL);
  const registry = new JobRegistry({ redis: conn, defaultTimezone: config.SCHEDULER_TIMEZONE });
  const lock = new RunLock(conn, logger);
  const runs = new RunHistory(conn, config.RUN_HISTORY_LIMIT, lock);
  const events = new EventLog(conn);
  const data = new StockDataStore(conn, config.DATA_RECORDS_KEEP);
  const series = new SeriesStore(conn);
  const parts = {
    config,
    logger,
    role: options.role ?? 'server',
    executor:
      options.executor ??
      new JobExecutor({
        redis: background,
        provider: createProvider(config),
        config,
        logger,
        store: new StockDataStore(background, config.DATA_RECORDS_KEEP),
      }),
  };
  const scheduler = new JobScheduler({
    ...parts,
    redis: conn,
    registry,
    runs,
    lock,
    events,
    connect: () => createRequestRedis(config.REDIS_URL),
  });
  const engineLock = new RunLock(background, logger);
  const engine = new JobScheduler({
    ...parts,
    redis: background,
    registry: new JobRegistry({ redis: background, defaultTimezone: config.SCHEDULER_TIMEZONE }),
    runs: new RunHistory(background, config.RUN_HISTORY_LIMIT, engineLock),
    lock: engineLock,
    events: new EventLog(background),
    connect,
  });
  const channels = new ChannelStore(conn, async (ids) => {
    const found = await Promise.all(ids.map((id) => conn.exists(keys.job(id))));
    return ids.filter((_, i) => found[i] === 0);
  });
  const deliveries = new DeliveryStore(conn);
  const notifier = new Notifier({
    config,
    logger,
    redis: conn,
    connect,
    channels,
    deliveries,
    instanceId: engine.instanceId,
    getJob: (id) => registry.get(id),
    allJobs: () => registry.all(),
    series,
    getRun: (id) => runs.get(id),
    lastSuccess: async (jobId, exceptRunId) => {
      const recent = await runs.list(jobId, 50);
      const ok = recent.find((r) => r.status === 'completed' && r.run_id !== exceptRunId);
      return ok ? (ok.finished_at ?? ok.started_at) : null;
    },
  });
  return {
    config,
    logger,
    redis: conn,
    registry,
    runs,
    events,
    data,
    series,
    scheduler,
    channels,
    deliveries,
    notifier,
    connect,
    async startScheduler(parts) {
      await engine.start(parts);
      if (parts?.work ?? true) await notifier.start();
    },
    async close() {
      // Also for a scheduler never started: its queue's connection is its own to close.
      await notifier.stop();
      await engine.stop();
      await scheduler.stop();
      await background.quit().catch(() => background.disconnect());
      await conn.quit().catch(() => conn.disconnect());
    },
  };
}

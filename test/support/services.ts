import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/server/logger';
import { createRedis } from '../../src/server/redis/connection';
import { createServices, type Services } from '../../src/server/services';
import type { RunExecutor } from '../../src/server/scheduler/run-worker';
import type { Run } from '../../src/domain/job-definition';
import { waitFor } from './http';

/** Real services against the test's Redis, as a procedure sees them. */
export function testServices(
  redisUrl: string,
  env: Record<string, string> = {},
  options: { executor?: RunExecutor; role?: string } = {},
): Services & { config: Config } {
  const config = loadConfig({
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    SCHEDULER_TIMEZONE: 'UTC',
    ...env,
  });
  const logger = createLogger({ level: config.LOG_LEVEL, format: 'pretty' });
  return createServices(config, logger, createRedis(redisUrl), options);
}

/** Queues a run-now (a backfill of `range` if given) and waits until its record is finished. */
export async function runToEnd(
  services: Services,
  jobId: string,
  range?: { start: string; end: string },
): Promise<Run> {
  const run = await services.scheduler.runNow(jobId, range);
  return waitFor(`run ${run.run_id}`, async () => {
    const r = await services.runs.get(run.run_id);
    return r?.finished_at ? r : null;
  });
}

/** A run executor whose every run completes at once, each symbol `ok`: no provider at all. */
export const instantExecutor: RunExecutor = {
  async execute(req) {
    return {
      status: 'completed',
      symbols: req.symbols.map((s) => ({ symbol: s, status: 'ok' as const, bars: 1 })),
      error: null,
    };
  },
};

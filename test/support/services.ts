import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/server/logger';
import { createRedis } from '../../src/server/redis/connection';
import { createServices, type Services } from '../../src/server/services';
import type { RunExecutor } from '../../src/server/scheduler/run-worker';

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

import type { ChildProcess } from 'node:child_process';
import { ConfigError, loadConfig, type Config } from '../config';
import { createLogger, defaultLogFormat, type Logger } from './logger';
import { assertReachable, createRedis, createRequestRedis } from './redis/connection';
import { hasRedisServerBinary, localRedisPort, startLocalRedis } from './redis-autostart';
import { createServices, type Services } from './services';

export interface Runtime {
  config: Config;
  logger: Logger;
  services: Services;
  /** Closes what `boot` opened, the local redis-server last. */
  close(): Promise<void>;
}

/**
 * Reads the settings (a bad one ends the process with one line naming it), connects to Redis,
 * and when no Redis answers on this machine's URL and `redis-server` exists, starts one.
 */
export async function boot(role: string): Promise<Runtime> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({
    level: config.LOG_LEVEL,
    format: defaultLogFormat(config.LOG_FORMAT),
    base: { role, pid: process.pid },
  });

  let localRedis: ChildProcess | null = null;
  const probe = createRedis(config.REDIS_URL, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  probe.on('error', () => undefined);
  const reachable = await probe.connect().then(
    () => true,
    () => false,
  );
  probe.disconnect();
  if (!reachable) {
    const port = localRedisPort(config.REDIS_URL);
    if (config.REDIS_AUTOSTART && port !== null && hasRedisServerBinary()) {
      try {
        localRedis = await startLocalRedis(port, logger, { root: config.REDIS_AUTOSTART_DIR });
      } catch (error) {
        logger.error((error as Error).message);
        process.exit(1);
      }
    }
  }

  const redis = createRequestRedis(config.REDIS_URL);
  let lastError = '';
  redis.on('error', (error: Error) => {
    if (error.message !== lastError)
      logger.warn('Redis connection error', { error: error.message });
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (lastError) logger.info('Redis connection restored');
    lastError = '';
  });
  try {
    await assertReachable(redis, config.REDIS_URL);
  } catch (error) {
    logger.error((error as Error).message);
    redis.disconnect();
    localRedis?.kill('SIGTERM');
    process.exit(1);
  }
  const services = createServices(config, logger, redis, { role });
  return {
    config,
    logger,
    services,
    async close() {
      await services.close();
      if (localRedis) {
        const child = localRedis;
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
    },
  };
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits; a second signal exits at once. */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info('Shutting down', { signal });
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('Shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}

import { Redis, type RedisOptions } from 'ioredis';

/**
 * Opens an ioredis connection that retries for ever with a capped backoff (so a Redis restart
 * is ridden out) and names the URL in its errors. `maxRetriesPerRequest: null` is what BullMQ
 * needs for its blocking connections; commands queue while Redis is away instead of failing.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    connectionName: 'stock-scheduler',
    ...options,
  });
}

/** Resolves when `redis` answers PING, or rejects with an actionable message after `timeoutMs`. */
export async function assertReachable(redis: Redis, url: string, timeoutMs = 3000): Promise<void> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () =>
        reject(
          new Error(
            `REDIS_URL ${url} is not reachable: start Redis (docker compose up -d redis, or redis-server) or set REDIS_URL`,
          ),
        ),
      timeoutMs,
    ).unref(),
  );
  await Promise.race([redis.ping(), timeout]);
}

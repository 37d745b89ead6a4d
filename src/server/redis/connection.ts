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

/**
 * The connection of the request path: a command fails at once while Redis is away (no offline
 * queue) and a command in flight fails when the connection drops (no retry), so a request is
 * answered 503 within moments and nothing it sent is carried out later, after its client was
 * told it failed. Reconnects in the background like every connection.
 */
export function createRequestRedis(url: string, options: RedisOptions = {}): Redis {
  return createRedis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectionName: 'stock-scheduler:request',
    ...options,
  });
}

/** Resolves once `redis` is connected and ready. */
function ready(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => redis.once('ready', () => resolve()));
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
  // A connection without an offline queue refuses commands until it is ready: wait for that.
  await Promise.race([ready(redis).then(() => redis.ping()), timeout]);
}

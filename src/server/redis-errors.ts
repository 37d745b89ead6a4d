import { TRPCError } from '@trpc/server';

/** Why Redis refused a command, when it is Redis's state and not the request. */
export type RedisTrouble = 'unreachable' | 'full';

/**
 * What ioredis and BullMQ throw when the connection is down: a command refused while away (no
 * offline queue), one in flight when it dropped (no retries), or the socket's own error.
 */
const UNREACHABLE =
  /enableOfflineQueue options is false|Reached the max retries per request limit|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|LOADING Redis is loading/;

/** Redis at `maxmemory` with a no-eviction policy refuses writes (and scripts) with OOM. */
const FULL = /^OOM |OOM command not allowed/;

export function redisTrouble(error: unknown): RedisTrouble | null {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    if (FULL.test(e.message)) return 'full';
    if (UNREACHABLE.test(e.message)) return 'unreachable';
    e = e.cause;
  }
  return null;
}

export const REDIS_UNREACHABLE_MESSAGE =
  'Redis is not reachable: the request was not carried out and nothing was stored. Retry when /readyz answers 200; start Redis or check REDIS_URL if this lasts';

export const REDIS_FULL_MESSAGE =
  'Redis is out of memory (maxmemory reached): the change was not stored. Reading still works. Free memory in Redis (raise maxmemory, delete old data or records, or set a maxmemory-policy), then retry';

/** The error a request answers when Redis is down (503) or full (507 over REST and tRPC). */
export class RedisStateError extends TRPCError {
  constructor(
    readonly trouble: RedisTrouble,
    cause: unknown,
  ) {
    super({
      code: 'SERVICE_UNAVAILABLE',
      message: trouble === 'full' ? REDIS_FULL_MESSAGE : REDIS_UNREACHABLE_MESSAGE,
      cause,
    });
  }
}

/** The HTTP status of a request that met `trouble`. */
export function troubleStatus(trouble: RedisTrouble): number {
  return trouble === 'full' ? 507 : 503;
}

/** The REST error body of a request that met `trouble`. */
export function troubleBody(trouble: RedisTrouble): { message: string; code: string } {
  return trouble === 'full'
    ? { message: REDIS_FULL_MESSAGE, code: 'INSUFFICIENT_STORAGE' }
    : { message: REDIS_UNREACHABLE_MESSAGE, code: 'SERVICE_UNAVAILABLE' };
}

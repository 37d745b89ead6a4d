import type { Redis } from 'ioredis';
import { keys } from '../keys';

/**
 * A fixed-window counter per second in Redis: every process takes its request slots from the
 * same counter, so together they never exceed `maxPerSecond`. Returns 0 when a slot was taken,
 * else the ms until the next window.
 */
const TAKE_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], 2000) end
if n <= tonumber(ARGV[1]) then return 0 end
return 1000 - tonumber(ARGV[2])
`;

type WithTake = Redis & {
  rateTake(key: string, max: string, msIntoSecond: string): Promise<number>;
  __rateScript?: boolean;
};

export class RateLimiter {
  private readonly redis: WithTake;

  constructor(
    redis: Redis,
    private readonly provider: string,
    private readonly maxPerSecond: number,
  ) {
    this.redis = redis as WithTake;
    if (!this.redis.__rateScript) {
      redis.defineCommand('rateTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
      this.redis.__rateScript = true;
    }
  }

  /** Waits until a request slot is free in the shared per-second window, then takes it. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = Date.now();
      const second = Math.floor(now / 1000);
      const wait = await this.redis.rateTake(
        keys.providerRate(this.provider, second),
        String(this.maxPerSecond),
        String(now - second * 1000),
      );
      if (wait <= 0) return;
      await new Promise((r) => setTimeout(r, wait + Math.random() * 5));
    }
  }
}

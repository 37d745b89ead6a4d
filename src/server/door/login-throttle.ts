/**
 * Sign-in throttling: failures counted per account and per address in a window that starts
 * with the first failure. Once a limit is reached every attempt is refused until the window
 * ends, a correct password too, so guessing gains nothing from the refusals' timing.
 */
import type { Redis } from 'ioredis';
import { keys } from '../keys';
import { sha256 } from './secrets';

export const LOGIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILS_PER_ACCOUNT = 5;
export const MAX_FAILS_PER_ADDRESS = 20;

export class LoginThrottle {
  constructor(private readonly redis: Redis) {}

  /** Milliseconds until a sign-in may be tried again, or 0 when it may be tried now. */
  async waitMs(email: string, ip: string): Promise<number> {
    const account = keys.loginFailAccount(sha256(email));
    const address = keys.loginFailAddress(ip);
    const rows =
      (await this.redis.multi().get(account).pttl(account).get(address).pttl(address).exec()) ?? [];
    const [a, aTtl, b, bTtl] = rows.map(([, v]) => v) as [
      string | null,
      number,
      string | null,
      number,
    ];
    let wait = 0;
    if (Number(a ?? 0) >= MAX_FAILS_PER_ACCOUNT) wait = Math.max(wait, aTtl);
    if (Number(b ?? 0) >= MAX_FAILS_PER_ADDRESS) wait = Math.max(wait, bTtl);
    return wait;
  }

  async failed(email: string, ip: string): Promise<void> {
    const account = keys.loginFailAccount(sha256(email));
    const address = keys.loginFailAddress(ip);
    // PEXPIRE NX: the window is set by the first failure and not pushed back by later ones.
    await this.redis
      .multi()
      .incr(account)
      .pexpire(account, LOGIN_WINDOW_MS, 'NX')
      .incr(address)
      .pexpire(address, LOGIN_WINDOW_MS, 'NX')
      .exec();
  }

  /** A successful sign-in clears the account's count (not the address's). */
  async succeeded(email: string): Promise<void> {
    await this.redis.del(keys.loginFailAccount(sha256(email)));
  }
}

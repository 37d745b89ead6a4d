/**
 * Dashboard sessions: the cookie holds 256 random bits; Redis holds the session under the
 * SHA-256 of that value, with a TTL. A session in use is renewed once half its life has
 * passed, so an open dashboard stays signed in and an abandoned one expires.
 */
import type { Redis } from 'ioredis';
import { keys } from '../keys';
import { newSecret, sha256 } from './secrets';

export const SESSION_COOKIE = 'stock_scheduler_session';

interface StoredSession {
  user_id: string;
  created_at: string;
  renewed_at: number;
}

export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  /** A new session for the user; its cookie value is returned and never stored. */
  async create(userId: string): Promise<string> {
    const secret = newSecret();
    const hash = sha256(secret);
    const session: StoredSession = {
      user_id: userId,
      created_at: new Date().toISOString(),
      renewed_at: Date.now(),
    };
    await this.redis
      .multi()
      .set(keys.session(hash), JSON.stringify(session), 'EX', this.ttlSeconds)
      .sadd(keys.userSessions(userId), hash)
      .exec();
    return secret;
  }

  /** The user id of a live session, renewing it when half its life is gone. */
  async userOf(secret: string): Promise<string | null> {
    const hash = sha256(secret);
    const raw = await this.redis.get(keys.session(hash));
    if (!raw) return null;
    const session = JSON.parse(raw) as StoredSession;
    if (Date.now() - session.renewed_at > (this.ttlSeconds * 1000) / 2) {
      session.renewed_at = Date.now();
      // XX: a session ended meanwhile (sign-out elsewhere) is not brought back.
      await this.redis.set(
        keys.session(hash),
        JSON.stringify(session),
        'EX',
        this.ttlSeconds,
        'XX',
      );
    }
    return session.user_id;
  }

  /**
   * How long the session has left, in ms, without renewing it (Infinity if it has no TTL);
   * null once it has ended (expired, signed out, its user deleted).
   */
  async remainingMs(secret: string): Promise<number | null> {
    const ms = await this.redis.pttl(keys.session(sha256(secret)));
    if (ms === -2) return null;
    return ms === -1 ? Infinity : ms;
  }

  async destroy(secret: string): Promise<void> {
    const hash = sha256(secret);
    const raw = await this.redis.get(keys.session(hash));
    const userId = raw ? (JSON.parse(raw) as StoredSession).user_id : null;
    const multi = this.redis.multi().del(keys.session(hash));
    if (userId) multi.srem(keys.userSessions(userId), hash);
    await multi.exec();
  }
}

/**
 * The `Set-Cookie` value of a session: HttpOnly, SameSite=Lax, Secure over https. No Max-Age
 * (the browser keeps it for its session): Redis decides when the session ends, and renews it.
 * `clear` writes an expired cookie instead.
 */
export function sessionCookie(value: string, options: { https: boolean; clear?: boolean }): string {
  return [
    `${SESSION_COOKIE}=${options.clear ? '' : value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    ...(options.clear ? ['Max-Age=0'] : []),
    ...(options.https ? ['Secure'] : []),
  ].join('; ');
}

/** The session cookie's value in a Cookie header, if any. */
export function sessionFromCookies(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=') || null;
  }
  return null;
}

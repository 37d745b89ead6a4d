/**
 * Accounts in Redis: a hash per user, an e-mail index for uniqueness and a set of all ids.
 * Changes that depend on what exists (the first admin, the last admin) run under WATCH on a
 * connection of their own, since WATCH belongs to a connection and the shared one interleaves
 * every request's commands.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { keys } from '../keys';
import { ROLES, type Role } from './actor';
import { hashPassword } from './passwords';

export interface User {
  user_id: string;
  email: string;
  name: string;
  role: Role;
  created_at: string;
}

interface StoredUser extends User {
  password_hash: string;
}

export class UserConflictError extends Error {
  override name = 'UserConflictError';
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

function parse(hash: Record<string, string>): StoredUser | null {
  if (!hash.user_id || !ROLES.includes(hash.role as Role)) return null;
  return hash as unknown as StoredUser;
}

const publicFields = ({ password_hash: _, ...user }: StoredUser): User => user;

export class UserStore {
  constructor(
    private readonly redis: Redis,
    private readonly connect: () => Redis,
  ) {}

  /** True once any account exists: the service is then in account mode. */
  async any(): Promise<boolean> {
    return (await this.redis.exists(keys.users)) === 1;
  }

  async get(userId: string): Promise<User | null> {
    const user = parse(await this.redis.hgetall(keys.user(userId)));
    return user && publicFields(user);
  }

  /** The user and the stored hash of an e-mail address, for sign-in. */
  async credentials(email: string): Promise<StoredUser | null> {
    const id = await this.redis.get(keys.userEmail(normaliseEmail(email)));
    return id ? parse(await this.redis.hgetall(keys.user(id))) : null;
  }

  async list(): Promise<User[]> {
    const ids = await this.redis.smembers(keys.users);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.user(id));
    const rows = (await pipeline.exec()) ?? [];
    return rows
      .map(([, hash]) => parse(hash as Record<string, string>))
      .filter((u): u is StoredUser => u !== null)
      .map(publicFields)
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /**
   * Creates a user; `onlyIfFirst` makes it the first-admin setup, refused once any account
   * exists (two visitors racing to set up: one wins, the other gets a conflict).
   */
  async create(
    input: { email: string; name: string; role: Role; password: string },
    options: { onlyIfFirst?: boolean } = {},
  ): Promise<User> {
    const email = normaliseEmail(input.email);
    const user: StoredUser = {
      user_id: randomUUID(),
      email,
      name: input.name.trim() || email,
      role: input.role,
      created_at: new Date().toISOString(),
      password_hash: await hashPassword(input.password),
    };
    await this.watching([keys.userEmail(email), keys.users], async (conn) => {
      if (options.onlyIfFirst && (await conn.exists(keys.users)))
        throw new UserConflictError('an account exists already: sign in instead');
      if (await conn.exists(keys.userEmail(email)))
        throw new UserConflictError(`a user with the e-mail ${email} exists already`);
      return conn
        .multi()
        .set(keys.userEmail(email), user.user_id)
        .hset(keys.user(user.user_id), { ...user })
        .sadd(keys.users, user.user_id);
    });
    return publicFields(user);
  }

  /**
   * Deletes a user, ends their sessions and revokes the API tokens they created, in one
   * transaction (a token they create meanwhile changes the watched token set, so the delete is
   * tried again and takes it too); the last admin cannot be deleted.
   */
  async delete(userId: string): Promise<User | null> {
    let deleted: User | null = null;
    await this.watching([keys.users, keys.user(userId), keys.tokens], async (conn) => {
      const user = parse(await conn.hgetall(keys.user(userId)));
      deleted = user && publicFields(user);
      if (!user) return null;
      if (user.role === 'admin') {
        const ids = await conn.smembers(keys.users);
        const roles = await Promise.all(ids.map((id) => conn.hget(keys.user(id), 'role')));
        if (roles.filter((r) => r === 'admin').length <= 1)
          throw new UserConflictError('the last admin cannot be deleted: make another admin first');
      }
      const sessions = await conn.smembers(keys.userSessions(userId));
      const tokenIds = await conn.smembers(keys.tokens);
      const creators = await Promise.all(
        tokenIds.map((id) => conn.hget(keys.token(id), 'created_by')),
      );
      // Theirs, and those made with one of theirs (a token may create tokens).
      const theirs = new Set([userId]);
      for (let grew = true; grew;) {
        grew = false;
        tokenIds.forEach((id, i) => {
          if (!theirs.has(id) && theirs.has(creators[i] ?? '')) grew = Boolean(theirs.add(id));
        });
      }
      const tokens = tokenIds.filter((id) => theirs.has(id));
      const multi = conn
        .multi()
        .del(
          keys.user(userId),
          keys.userEmail(user.email),
          keys.userSessions(userId),
          ...sessions.map((hash) => keys.session(hash)),
          ...tokens.map((id) => keys.token(id)),
        )
        .srem(keys.users, userId);
      return tokens.length > 0 ? multi.srem(keys.tokens, ...tokens) : multi;
    });
    return deleted;
  }

  /** Runs `plan` under WATCH on a fresh connection, again while another writer interferes. */
  private async watching(
    watched: string[],
    plan: (conn: Redis) => Promise<ReturnType<Redis['multi']> | null>,
  ): Promise<void> {
    const conn = this.connect();
    try {
      for (let attempt = 0; attempt < 20; attempt++) {
        await conn.watch(...watched);
        const multi = await plan(conn);
        if (!multi) {
          await conn.unwatch();
          return;
        }
        if ((await multi.exec()) !== null) return;
      }
      throw new Error('user change kept colliding with other writers; try again');
    } finally {
      conn.disconnect();
    }
  }
}

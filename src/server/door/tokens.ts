/**
 * API tokens: `sst_<token id>_<secret>`. The id finds the record in one read; the record holds
 * only the SHA-256 of the secret, compared in constant time. The whole token is shown once,
 * when it is created. Revoking deletes the record.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { keys } from '../keys';
import { ROLES, type Role } from './actor';
import { newSecret, sameHash, sha256 } from './secrets';

export interface TokenInfo {
  token_id: string;
  name: string;
  role: Role;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  last_used_at: string | null;
}

/** Last use is written at most this often per token, so a busy script costs no write a call. */
const LAST_USE_EVERY_MS = 60_000;
const TOKEN_FORMAT = /^sst_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

function info(hash: Record<string, string>): TokenInfo | null {
  if (!hash.token_id || !ROLES.includes(hash.role as Role)) return null;
  return {
    token_id: hash.token_id,
    name: hash.name ?? '',
    role: hash.role as Role,
    created_at: hash.created_at ?? '',
    created_by: hash.created_by ?? '',
    expires_at: hash.expires_at || null,
    last_used_at: hash.last_used_at || null,
  };
}

export class TokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly onError: (error: unknown) => void,
  ) {}

  async create(input: {
    name: string;
    role: Role;
    expiresInDays?: number;
    createdBy: string;
  }): Promise<{ token: string; info: TokenInfo }> {
    const id = randomUUID().replaceAll('-', '');
    const secret = newSecret();
    const now = Date.now();
    const record: TokenInfo = {
      token_id: id,
      name: input.name.trim(),
      role: input.role,
      created_at: new Date(now).toISOString(),
      created_by: input.createdBy,
      expires_at: input.expiresInDays
        ? new Date(now + input.expiresInDays * 86_400_000).toISOString()
        : null,
      last_used_at: null,
    };
    await this.redis
      .multi()
      .hset(keys.token(id), {
        ...record,
        expires_at: record.expires_at ?? '',
        last_used_at: '',
        secret_sha256: sha256(secret),
      })
      .sadd(keys.tokens, id)
      .exec();
    return { token: `sst_${id}_${secret}`, info: record };
  }

  /** The token's record when the bearer value is a live token, else null. */
  async verify(bearer: string): Promise<TokenInfo | null> {
    const match = TOKEN_FORMAT.exec(bearer);
    if (!match) return null;
    const [, id, secret] = match as unknown as [string, string, string];
    const hash = await this.redis.hgetall(keys.token(id));
    const token = info(hash);
    if (!token || !hash.secret_sha256 || !sameHash(hash.secret_sha256, sha256(secret))) return null;
    const now = Date.now();
    if (token.expires_at && Date.parse(token.expires_at) <= now) return null;
    if (!token.last_used_at || now - Date.parse(token.last_used_at) > LAST_USE_EVERY_MS) {
      const at = new Date(now).toISOString();
      token.last_used_at = at;
      // Not awaited: recording the use must not slow the call it belongs to.
      this.redis.hset(keys.token(id), 'last_used_at', at).catch(this.onError);
    }
    return token;
  }

  /** How long the token has left, in ms (Infinity if it never expires); null once revoked. */
  async remainingMs(tokenId: string): Promise<number | null> {
    const [exists, expiresAt] = await Promise.all([
      this.redis.exists(keys.token(tokenId)),
      this.redis.hget(keys.token(tokenId), 'expires_at'),
    ]);
    if (!exists) return null;
    if (!expiresAt) return Infinity;
    const left = Date.parse(expiresAt) - Date.now();
    return left > 0 ? left : null;
  }

  async list(): Promise<TokenInfo[]> {
    const ids = await this.redis.smembers(keys.tokens);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.token(id));
    const rows = (await pipeline.exec()) ?? [];
    return rows
      .map(([, hash]) => info(hash as Record<string, string>))
      .filter((t): t is TokenInfo => t !== null)
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /** Revokes a token; false when there was none. */
  async revoke(tokenId: string): Promise<boolean> {
    const [[, removed] = []] =
      (await this.redis.multi().del(keys.token(tokenId)).srem(keys.tokens, tokenId).exec()) ?? [];
    return removed === 1;
  }
}

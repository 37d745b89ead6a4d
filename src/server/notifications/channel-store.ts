import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import {
  channelCreateSchema,
  FAILING_AFTER_ATTEMPTS,
  type Channel,
  type ChannelCreate,
  type ChannelHealth,
  type ChannelUpdate,
} from '~/domain/notifications';
import { keys } from '../keys';

/** A channel as stored: the API's fields (without health) and the secret. */
export interface StoredChannel extends Omit<Channel, 'health' | 'has_secret'> {
  secret: string | null;
}

export class ChannelNotFoundError extends Error {
  override name = 'ChannelNotFoundError';
  constructor(readonly channelId: string) {
    super(`No channel with id ${channelId}`);
  }
}

/** Checks that every job id names a job; throws the ZodError a bad field gets. */
export type JobIdsCheck = (ids: string[]) => Promise<string[]>;

function stored(input: ChannelCreate, id: string, now: string, created = now): StoredChannel {
  const webhook = input.kind === 'webhook';
  return {
    channel_id: id,
    kind: input.kind,
    name: input.name,
    url: webhook ? (input.url ?? null) : null,
    format: webhook ? (input.format ?? 'json') : null,
    to: webhook ? null : (input.to ?? null),
    secret: webhook ? (input.secret ?? null) : null,
    events: input.events,
    job_ids: input.job_ids,
    created_at: created,
    updated_at: now,
  };
}

/**
 * Channels in one Redis hash (a handful per installation), their secrets with them. Every
 * answer goes through `publicView`, the one place a secret is dropped.
 */
export class ChannelStore {
  constructor(
    private readonly redis: Redis,
    private readonly unknownJobIds: JobIdsCheck,
  ) {}

  private async checkJobs(jobIds: string[] | null): Promise<void> {
    if (!jobIds) return;
    const unknown = new Set(await this.unknownJobIds(jobIds));
    if (unknown.size === 0) return;
    // Through a parse, so the error is the ZodError a bad field gets (with its path).
    const known = z.string().refine((id) => !unknown.has(id), { error: 'no job with this id' });
    const result = z.object({ job_ids: z.array(known) }).safeParse({ job_ids: jobIds });
    if (!result.success) throw result.error;
  }

  async create(input: ChannelCreate): Promise<StoredChannel> {
    await this.checkJobs(input.job_ids);
    const channel = stored(input, randomUUID(), new Date().toISOString());
    await this.redis.hset(keys.channels, channel.channel_id, JSON.stringify(channel));
    return channel;
  }

  async get(channelId: string): Promise<StoredChannel | null> {
    const raw = await this.redis.hget(keys.channels, channelId);
    return raw ? (JSON.parse(raw) as StoredChannel) : null;
  }

  async getOrThrow(channelId: string): Promise<StoredChannel> {
    const channel = await this.get(channelId);
    if (!channel) throw new ChannelNotFoundError(channelId);
    return channel;
  }

  /** Oldest first. */
  async all(): Promise<StoredChannel[]> {
    const raw = await this.redis.hvals(keys.channels);
    return raw
      .map((r) => JSON.parse(r) as StoredChannel)
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /**
   * Applies the changed fields and checks the result as a whole with the create schema, so an
   * edit can never store what a create would refuse. The kind never changes.
   */
  async update(channelId: string, patch: ChannelUpdate): Promise<StoredChannel> {
    const current = await this.getOrThrow(channelId);
    const merged = {
      kind: current.kind,
      name: patch.name ?? current.name,
      events: patch.events ?? current.events,
      job_ids: patch.job_ids === undefined ? current.job_ids : patch.job_ids,
      ...(current.kind === 'webhook'
        ? {
            url: patch.url ?? current.url ?? undefined,
            format: patch.format ?? current.format ?? undefined,
            secret:
              patch.secret === null ? undefined : (patch.secret ?? current.secret ?? undefined),
            ...(patch.to !== undefined && { to: patch.to }),
          }
        : {
            to: patch.to ?? current.to ?? undefined,
            ...(patch.url !== undefined && { url: patch.url }),
            ...(patch.format !== undefined && { format: patch.format }),
            ...(patch.secret !== undefined && { secret: patch.secret }),
          }),
    };
    const input = channelCreateSchema.parse(merged);
    await this.checkJobs(input.job_ids);
    const channel = stored(input, channelId, new Date().toISOString(), current.created_at);
    // HSET only if it still exists: a delete landing meanwhile is not undone.
    const written = await this.redis
      .multi()
      .hexists(keys.channels, channelId)
      .hset(keys.channels, channelId, JSON.stringify(channel))
      .exec();
    if (written?.[0]?.[1] !== 1) {
      await this.redis.hdel(keys.channels, channelId);
      throw new ChannelNotFoundError(channelId);
    }
    return channel;
  }

  async delete(channelId: string): Promise<void> {
    const removed = await this.redis.hdel(keys.channels, channelId);
    if (removed === 0) throw new ChannelNotFoundError(channelId);
    await this.redis.del(keys.channelHealth(channelId));
  }

  async health(channelIds: string[]): Promise<Map<string, ChannelHealth>> {
    const pipe = this.redis.pipeline();
    for (const id of channelIds) pipe.hgetall(keys.channelHealth(id));
    const results = (await pipe.exec()) ?? [];
    const out = new Map<string, ChannelHealth>();
    channelIds.forEach((id, i) => {
      const h = (results[i]?.[1] ?? {}) as Record<string, string>;
      const failures = Number(h.consecutive_failures ?? 0);
      const status =
        h.last_success_at === undefined && h.last_failure_at === undefined
          ? 'new'
          : failures >= FAILING_AFTER_ATTEMPTS || h.last_outcome === 'failed'
            ? 'failing'
            : 'ok';
      out.set(id, {
        status,
        consecutive_failures: failures,
        last_error: status === 'ok' ? null : (h.last_error ?? null),
        last_success_at: h.last_success_at ?? null,
        last_failure_at: h.last_failure_at ?? null,
      });
    });
    return out;
  }

  /** An attempt's outcome, for the channel's health. `final` = the delivery has given up. */
  async recordAttempt(
    channelId: string,
    outcome: { ok: true } | { ok: false; error: string; final: boolean },
  ): Promise<void> {
    const key = keys.channelHealth(channelId);
    const now = new Date().toISOString();
    const tx = this.redis.multi();
    if (outcome.ok) {
      tx.hset(key, { consecutive_failures: 0, last_success_at: now, last_outcome: 'delivered' });
    } else {
      tx.hincrby(key, 'consecutive_failures', 1);
      tx.hset(key, {
        last_error: outcome.error,
        last_failure_at: now,
        ...(outcome.final && { last_outcome: 'failed' }),
      });
    }
    await tx.exec();
  }
}

/** The channel as the API shows it: the secret replaced by `has_secret`. */
export function publicView(channel: StoredChannel, health: ChannelHealth | undefined): Channel {
  const { secret, ...rest } = channel;
  return {
    ...rest,
    has_secret: secret !== null && secret !== '',
    health: health ?? {
      status: 'new',
      consecutive_failures: 0,
      last_error: null,
      last_success_at: null,
      last_failure_at: null,
    },
  };
}

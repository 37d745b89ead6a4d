import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Delivery, NotifyEventName } from '~/domain/notifications';
import { keys } from '../keys';

/** Delivery records are kept this long after they are created, then expire. */
const KEEP_MS = 14 * 86400_000;
/** The global list holds at most this many ids; each channel's list as many. */
const INDEX_LIMIT = 10_000;

/** One id per (event, channel): the same pair always gives the same delivery. */
export function deliveryId(eventId: string, channelId: string): string {
  return `dlv_${createHash('sha256').update(`${eventId}\n${channelId}`).digest('hex').slice(0, 32)}`;
}

function fromHash(h: Record<string, string>): Delivery | null {
  if (!h.delivery_id) return null;
  return {
    delivery_id: h.delivery_id,
    channel_id: h.channel_id ?? '',
    event: (h.event ?? 'test') as NotifyEventName,
    event_id: h.event_id ?? '',
    status: (h.status ?? 'pending') as Delivery['status'],
    attempts: Number(h.attempts ?? 0),
    last_error: h.last_error || null,
    response_status: h.response_status ? Number(h.response_status) : null,
    created_at: h.created_at ?? '',
    delivered_at: h.delivered_at || null,
  };
}

/**
 * Delivery records, one Redis hash each, indexed by creation time globally and per channel.
 * Creating one is idempotent (every field HSETNX), so an event fanned out twice (a consumer
 * that died before acknowledging it) keeps one record with its progress.
 */
export class DeliveryStore {
  constructor(private readonly redis: Redis) {}

  /** Creates the record unless it exists; returns it as stored afterwards. */
  async create(input: {
    delivery_id: string;
    channel_id: string;
    event: NotifyEventName;
    event_id: string;
  }): Promise<Delivery> {
    const key = keys.delivery(input.delivery_id);
    const now = Date.now();
    const fields: Record<string, string> = {
      ...input,
      status: 'pending',
      attempts: '0',
      created_at: new Date(now).toISOString(),
    };
    const tx = this.redis.multi();
    for (const [field, value] of Object.entries(fields)) tx.hsetnx(key, field, value);
    tx.pexpire(key, KEEP_MS);
    tx.zadd(keys.deliveries, 'NX', now, input.delivery_id);
    tx.zadd(keys.channelDeliveries(input.channel_id), 'NX', now, input.delivery_id);
    tx.zremrangebyrank(keys.deliveries, 0, -INDEX_LIMIT - 1);
    tx.zremrangebyrank(keys.channelDeliveries(input.channel_id), 0, -INDEX_LIMIT - 1);
    tx.zremrangebyscore(keys.deliveries, '-inf', now - KEEP_MS);
    tx.hgetall(key);
    const results = await tx.exec();
    const record = fromHash((results?.at(-1)?.[1] ?? {}) as Record<string, string>);
    if (!record) throw new Error(`delivery ${input.delivery_id} was not stored`);
    return record;
  }

  async get(id: string): Promise<Delivery | null> {
    return fromHash(await this.redis.hgetall(keys.delivery(id)));
  }

  /** An attempt begins: counted before it is made, so a process killed mid-attempt still counts it. */
  async attemptStarted(id: string, instance: string): Promise<number> {
    const [[, attempts] = []] =
      (await this.redis
        .multi()
        .hincrby(keys.delivery(id), 'attempts', 1)
        .hset(keys.delivery(id), 'instance', instance)
        .exec()) ?? [];
    return Number(attempts);
  }

  async attemptFailed(
    id: string,
    outcome: { error: string; response_status: number | null; final: boolean },
  ): Promise<void> {
    await this.redis.hset(keys.delivery(id), {
      last_error: outcome.error,
      response_status: outcome.response_status === null ? '' : String(outcome.response_status),
      ...(outcome.final && { status: 'failed' }),
    });
  }

  async delivered(id: string, responseStatus: number | null): Promise<void> {
    await this.redis.hset(keys.delivery(id), {
      status: 'delivered',
      response_status: responseStatus === null ? '' : String(responseStatus),
      delivered_at: new Date().toISOString(),
    });
  }

  /** Newest first; of one channel when given. */
  async list(options: { channelId?: string; limit: number }): Promise<Delivery[]> {
    const index = options.channelId ? keys.channelDeliveries(options.channelId) : keys.deliveries;
    const ids = await this.redis.zrevrange(index, 0, options.limit - 1);
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(keys.delivery(id));
    const results = (await pipe.exec()) ?? [];
    return results
      .map(([, h]) => fromHash((h ?? {}) as Record<string, string>))
      .filter((d): d is Delivery => d !== null);
  }
}

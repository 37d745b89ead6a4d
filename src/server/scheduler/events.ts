import type { Redis } from 'ioredis';
import { EVENTS_MAXLEN, keys } from '../keys';
import type { ChangeEvent } from '~/domain/change-events';

/** Stream ids are `{ms}-{seq}`. */
export const STREAM_ID = /^\d+-\d+$/;

export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

export interface StoredEvent {
  id: string;
  event: ChangeEvent;
}

/**
 * Job and run changes as a Redis stream, so every instance's dashboard subscription sees what
 * any instance did, and a client that reconnects resumes after the last id it saw.
 */
export class EventLog {
  constructor(private readonly redis: Redis) {}

  async publish(event: ChangeEvent): Promise<void> {
    await this.redis.xadd(
      keys.events,
      'MAXLEN',
      '~',
      EVENTS_MAXLEN,
      '*',
      'data',
      JSON.stringify(event),
    );
  }

  /** The id of the newest event, or '0-0': where a fresh subscriber starts. */
  async lastId(): Promise<string> {
    const last = await this.redis.xrevrange(keys.events, '+', '-', 'COUNT', 1);
    return last[0]?.[0] ?? '0-0';
  }

  /**
   * Whether every event after `id` is still in the stream: none was trimmed away (MAXLEN) and
   * the stream was not lost (a Redis without persistence restarted).
   */
  async continuesFrom(id: string): Promise<boolean> {
    const oldest = await this.redis.xrange(keys.events, '-', '+', 'COUNT', 1);
    const first = oldest[0]?.[0];
    if (!first) return id === '0-0';
    return compareIds(first, id) <= 0;
  }

  /** Up to `count` events after `afterId` (exclusive), oldest first; no waiting. */
  async after(afterId: string, count: number): Promise<StoredEvent[]> {
    const entries = await this.redis.xrange(keys.events, `(${afterId}`, '+', 'COUNT', count);
    return entries.flatMap(([id, fields]) =>
      fields[1] ? [{ id, event: JSON.parse(fields[1]) as ChangeEvent }] : [],
    );
  }

  /**
   * Waits up to `blockMs` for events after `afterId` on `conn`, a connection of the caller's
   * own (XREAD BLOCK holds it for the whole wait).
   */
  static async read(conn: Redis, afterId: string, blockMs: number): Promise<StoredEvent[]> {
    const result = await conn.xread(
      'COUNT',
      500,
      'BLOCK',
      blockMs,
      'STREAMS',
      keys.events,
      afterId,
    );
    if (!result) return [];
    const out: StoredEvent[] = [];
    for (const [, entries] of result) {
      for (const [id, fields] of entries) {
        const data = fields[1];
        if (data) out.push({ id, event: JSON.parse(data) as ChangeEvent });
      }
    }
    return out;
  }
}

import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { EventLog, type StoredEvent } from '../scheduler/events';

const BLOCK_MS = 5000;
const RETRY_MS = 1000;
/** Events a subscriber may fall behind by before it is told to sync instead. */
export const SUBSCRIBER_QUEUE_MAX = 1000;

export class TooManySubscriptionsError extends Error {
  override name = 'TooManySubscriptionsError';
}

/** What a subscriber is handed next: an event, or "you fell behind: refetch, then go on from id". */
export type Delivery = { kind: 'event'; stored: StoredEvent } | { kind: 'sync'; id: string };

/** One subscription's bounded queue, fed by the process's one reader. */
export class Subscriber {
  private queue: StoredEvent[] = [];
  private syncAt: string | null = null;
  private wake: (() => void) | null = null;
  closed = false;

  constructor(
    private readonly limit: number,
    private readonly onClose: (s: Subscriber) => void,
  ) {}

  /**
   * Called by the reader, never waits: a subscriber that does not keep up (a slow browser)
   * loses its queue and gets a sync at the newest event instead, and holds nobody back.
   */
  push(event: StoredEvent): void {
    if (this.queue.length >= this.limit) {
      this.queue = [];
      this.syncAt = event.id;
    } else {
      this.queue.push(event);
    }
    this.wake?.();
  }

  /** The next delivery, or null once `signal` aborts or the subscriber is closed. */
  async next(signal?: AbortSignal): Promise<Delivery | null> {
    for (;;) {
      if (this.closed || signal?.aborted) return null;
      if (this.syncAt !== null) {
        const id = this.syncAt;
        this.syncAt = null;
        return { kind: 'sync', id };
      }
      const stored = this.queue.shift();
      if (stored) return { kind: 'event', stored };
      await new Promise<void>((resolve) => {
        const done = () => {
          this.wake = null;
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    this.onClose(this);
  }
}

/**
 * Every `events.onChange` subscription of this process reads the event stream through one
 * Redis connection: one XREAD BLOCK loop pushes each event into every subscriber's bounded
 * queue (in-process fan-out), so 1,000 open dashboards cost one Redis client, not 1,000. The
 * reader starts with the first subscriber, at the stream's newest id, and stops (closing its
 * connection) when the last one leaves. A subscriber that starts or resumes reads what came
 * before its first live event itself (EventLog.after), so the reader never goes back.
 */
export class EventFanout {
  private readonly subscribers = new Set<Subscriber>();
  private conn: Redis | null = null;
  /** Resolves once the reader's start id is fixed: a subscriber's backlog must end after it. */
  started: Promise<void> = Promise.resolve();
  private markStarted: () => void = () => undefined;

  constructor(
    private readonly opts: {
      connect: () => Redis;
      logger: Logger;
      max: number;
      queueLimit?: number;
    },
  ) {}

  get size(): number {
    return this.subscribers.size;
  }

  /** Registers a subscriber: live events from now on reach its queue. */
  subscribe(): Subscriber {
    if (this.subscribers.size >= this.opts.max) {
      throw new TooManySubscriptionsError(
        `This server already has ${this.subscribers.size} live subscriptions open (SUBSCRIPTIONS_MAX=${this.opts.max}): close some dashboards, retry later, or raise SUBSCRIPTIONS_MAX`,
      );
    }
    const subscriber = new Subscriber(this.opts.queueLimit ?? SUBSCRIBER_QUEUE_MAX, (s) => {
      this.subscribers.delete(s);
      if (this.subscribers.size === 0) this.stopReader();
    });
    this.subscribers.add(subscriber);
    if (!this.conn) this.startReader();
    return subscriber;
  }

  private startReader(): void {
    const conn = this.opts.connect();
    conn.on('error', () => undefined);
    this.conn = conn;
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    void this.read(conn);
  }

  private stopReader(): void {
    const conn = this.conn;
    this.conn = null;
    this.markStarted();
    conn?.disconnect();
  }

  private async read(conn: Redis): Promise<void> {
    let cursor: string | null = null;
    let failing = false;
    while (this.conn === conn) {
      try {
        if (cursor === null) {
          cursor = await new EventLog(conn).lastId();
          this.markStarted();
        }
        const batch = await EventLog.read(conn, cursor, BLOCK_MS);
        if (failing) this.opts.logger.info('Event stream reader reading again');
        failing = false;
        for (const stored of batch) {
          cursor = stored.id;
          for (const s of this.subscribers) s.push(stored);
        }
      } catch (error) {
        if (this.conn !== conn) return;
        if (!failing) {
          this.opts.logger.warn('Event stream reader failed; retrying', {
            error: (error as Error).message,
          });
        }
        failing = true;
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }
}

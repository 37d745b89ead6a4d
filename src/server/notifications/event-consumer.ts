import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { keys } from '../keys';
import type { NotifyEvent } from './messages';

/** An entry a consumer took but did not acknowledge this long is taken over by another. */
const CLAIM_IDLE_MS = 15_000;
const CLAIM_EVERY_MS = 5_000;
const BLOCK_MS = 1_000;

type Entries = [id: string, fields: string[]][];

/** Another stream than the notification events, read the same way (the upstream triggers). */
export interface ConsumedStream {
  stream: string;
  group: string;
  /** Entries are deleted once acknowledged: a stream that is not trimmed stays small. */
  deleteAcked: boolean;
  /** Words for the log lines: "Upstream triggers". */
  label: string;
}

/**
 * This instance's member of the notifiers' consumer group. Redis gives each stream entry to
 * one consumer; an entry is acknowledged only after its deliveries exist, and entries left
 * unacknowledged by a consumer that died are claimed (XAUTOCLAIM) by a live one. Handling an
 * entry twice is harmless: the fan-out is idempotent. The upstream triggers are read the same
 * way (`source`).
 */
export class EventConsumer<T = NotifyEvent> {
  private readonly source: ConsumedStream;
  private running = false;
  private loop: Promise<void> | null = null;
  private lastClaim = 0;

  constructor(
    private readonly opts: {
      redis: Redis;
      /** A connection of its own: XREADGROUP BLOCK holds it. */
      conn: Redis;
      consumer: string;
      logger: Logger;
      handle(event: T): Promise<unknown>;
      source?: ConsumedStream;
    },
  ) {
    this.source = opts.source ?? {
      stream: keys.notifyEvents,
      group: keys.notifyGroup,
      deleteAcked: false,
      label: 'Notification events',
    };
  }

  async start(): Promise<void> {
    try {
      // From the start of the stream: events published before any notifier ran are kept.
      await this.opts.redis.xgroup(
        'CREATE',
        this.source.stream,
        this.source.group,
        '0',
        'MKSTREAM',
      );
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.opts.conn.disconnect();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (Date.now() - this.lastClaim > CLAIM_EVERY_MS) {
          this.lastClaim = Date.now();
          await this.claimAbandoned();
        }
        const result = (await this.opts.conn.xreadgroup(
          'GROUP',
          this.source.group,
          this.opts.consumer,
          'COUNT',
          100,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          this.source.stream,
          '>',
        )) as [string, Entries][] | null;
        for (const [, entries] of result ?? []) await this.handleAll(entries);
      } catch (error) {
        if (!this.running) return;
        this.opts.logger.warn(`${this.source.label}: read failed, retrying`, {
          error: (error as Error).message,
        });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async claimAbandoned(): Promise<void> {
    const [, entries] = (await this.opts.redis.xautoclaim(
      this.source.stream,
      this.source.group,
      this.opts.consumer,
      CLAIM_IDLE_MS,
      '0-0',
      'COUNT',
      100,
    )) as [string, Entries];
    await this.handleAll(entries.filter((e) => e !== null && e[1] !== null));
  }

  private async handleAll(entries: Entries): Promise<void> {
    await Promise.all(
      entries.map(async ([id, fields]) => {
        const data = fields[fields.indexOf('data') + 1];
        try {
          if (data) await this.opts.handle(JSON.parse(data) as T);
          const { stream, group, deleteAcked } = this.source;
          if (deleteAcked)
            await this.opts.redis.multi().xack(stream, group, id).xdel(stream, id).exec();
          else await this.opts.redis.xack(stream, group, id);
        } catch (error) {
          // Left unacknowledged: this or another instance takes it again after CLAIM_IDLE_MS.
          this.opts.logger.warn(`${this.source.label}: an entry is not handled yet`, {
            stream_id: id,
            error: (error as Error).message,
          });
        }
      }),
    );
  }
}

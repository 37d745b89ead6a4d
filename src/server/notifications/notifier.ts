import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config';
import type { Job, Run } from '~/domain/job-definition';
import type { Logger } from '../logger';
import { keys, NOTIFY_EVENTS_MAXLEN } from '../keys';
import { EmailSender } from './adapters/email';
import type { ChannelStore, StoredChannel } from './channel-store';
import { attemptDelivery, backoffDelay } from './delivery-worker';
import { deliveryId, type DeliveryStore } from './delivery-store';
import type { SeriesStore } from '../market-data/series-store';
import { claimDailySummary } from './daily-summary';
import { EventConsumer } from './event-consumer';
import { fanOut, type DeliveryJob, type FanOutDeps } from './fan-out';
import type { NotifyEvent } from './messages';
import { claimStale, findStale, staleCount } from './stale-data';

const SUMMARY_CHECK_MS = 30_000;

export interface NotifierOptions {
  config: Config;
  logger: Logger;
  redis: Redis;
  connect: () => Redis;
  channels: ChannelStore;
  deliveries: DeliveryStore;
  instanceId: string;
  getJob(jobId: string): Promise<Job | null>;
  allJobs(): Promise<Job[]>;
  series: SeriesStore;
  getRun(runId: string): Promise<Run | null>;
  lastSuccess(jobId: string, exceptRunId: string | null): Promise<string | null>;
}

/**
 * Notifications of one process: domain events go into a Redis stream; one consumer group
 * (one consumer per instance) turns each into a delivery per subscribed channel, a BullMQ job
 * whose id is the delivery's, so it exists once however many instances see the event; a
 * worker sends deliveries with retries. Any process may publish; only started ones deliver.
 */
export class Notifier {
  readonly queue: Queue<DeliveryJob>;
  private worker: Worker<DeliveryJob> | null = null;
  private consumer: EventConsumer | null = null;
  private readonly email: EmailSender;
  private readonly owned: Redis[] = [];
  private summaryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: NotifierOptions) {
    const { config } = opts;
    this.email = new EmailSender(config.SMTP_URL, config.SMTP_FROM, config.NOTIFY_TIMEOUT_MS);
    this.queue = new Queue<DeliveryJob>(keys.notifyQueueName, {
      connection: this.own(),
      prefix: keys.queuePrefix,
    });
    this.queue.on('error', (error) =>
      opts.logger.warn('Notification queue error', { error: error.message }),
    );
  }

  private own(): Redis {
    const conn = this.opts.connect();
    conn.on('error', () => undefined);
    this.owned.push(conn);
    return conn;
  }

  get publicUrl(): string {
    return this.opts.config.PUBLIC_URL ?? `http://localhost:${this.opts.config.PORT}`;
  }

  private fanOutDeps(): FanOutDeps {
    return {
      channels: this.opts.channels,
      deliveries: this.opts.deliveries,
      queue: this.queue,
      getJob: this.opts.getJob,
      getRun: this.opts.getRun,
      lastSuccess: this.opts.lastSuccess,
      publicUrl: this.publicUrl,
      zone: this.opts.config.SCHEDULER_TIMEZONE,
      jobOptions: () => this.jobOptions(),
    };
  }

  private jobOptions() {
    return {
      // Attempts end by time (NOTIFY_RETRY_HOURS, checked by the processor), not by count.
      attempts: 100_000,
      backoff: { type: 'notify' },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 86400, count: 10_000 },
    };
  }

  /** Appends a domain event to the stream, for the consumer group. */
  async publish(event: NotifyEvent): Promise<void> {
    await this.opts.redis.xadd(
      keys.notifyEvents,
      'MAXLEN',
      '~',
      NOTIFY_EVENTS_MAXLEN,
      '*',
      'data',
      JSON.stringify(event),
    );
  }

  /** Queues a test message to one channel at once (not through the stream): its delivery id. */
  async sendTest(channel: StoredChannel): Promise<string> {
    const event: NotifyEvent = {
      event_id: randomUUID(),
      event: 'test',
      occurred_at: new Date().toISOString(),
      job_id: null,
      channel_id: channel.channel_id,
      channel_name: channel.name,
    };
    await fanOut(event, this.fanOutDeps());
    return deliveryId(event.event_id, channel.channel_id);
  }

  /** Publishes the day's summary if it is due at `now` and no instance has sent it. */
  async checkDailySummary(now = Date.now()): Promise<NotifyEvent | null> {
    const event = await claimDailySummary(this.opts.redis, {
      now,
      zone: this.opts.config.SCHEDULER_TIMEZONE,
      time: this.opts.config.SUMMARY_TIME,
      staleSymbols: () => staleCount(this.opts.redis),
    });
    if (event) await this.publish(event);
    return event;
  }

  /** Reports the symbols gone stale since the last check, once per (symbol, session). */
  async checkStale(now = Date.now()): Promise<NotifyEvent[]> {
    const stale = await findStale({
      jobs: await this.opts.allJobs(),
      series: this.opts.series,
      staleAfterMinutes: this.opts.config.STALE_AFTER_MINUTES,
      now,
    });
    const events = await claimStale(this.opts.redis, stale, now);
    for (const event of events) await this.publish(event);
    return events;
  }

  async start(): Promise<void> {
    const { config, logger } = this.opts;
    const lockMs = config.RUN_LOCK_SECONDS * 1000;
    this.worker = new Worker<DeliveryJob>(
      keys.notifyQueueName,
      (job) =>
        attemptDelivery(job, {
          channels: this.opts.channels,
          deliveries: this.opts.deliveries,
          email: this.email,
          logger,
          instanceId: this.opts.instanceId,
          backoffMs: config.NOTIFY_BACKOFF_MS,
          retryWindowMs: config.NOTIFY_RETRY_HOURS * 3600_000,
          timeoutMs: config.NOTIFY_TIMEOUT_MS,
        }),
      {
        connection: this.own(),
        prefix: keys.queuePrefix,
        concurrency: config.NOTIFY_CONCURRENCY,
        lockDuration: lockMs,
        stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
        // A delivery whose process died mid-attempt goes back to the queue, more than once.
        maxStalledCount: 10,
        settings: {
          backoffStrategy: (made: number) => backoffDelay(made, config.NOTIFY_BACKOFF_MS),
        },
      },
    );
    this.worker.on('error', (error) =>
      logger.warn('Notification worker error', { error: error.message }),
    );
    this.consumer = new EventConsumer({
      redis: this.opts.redis,
      conn: this.own(),
      consumer: this.opts.instanceId,
      logger,
      handle: (event) => fanOut(event, this.fanOutDeps()),
    });
    await this.consumer.start();
    const check = () =>
      void this.checkDailySummary().catch((error: Error) =>
        logger.warn('Daily summary not sent yet', { error: error.message }),
      );
    const checkStale = () =>
      void this.checkStale().catch((error: Error) =>
        logger.warn('Stale data check failed', { error: error.message }),
      );
    this.summaryTimer = setInterval(() => {
      check();
      checkStale();
    }, SUMMARY_CHECK_MS);
    check();
    checkStale();
  }

  async stop(): Promise<void> {
    if (this.summaryTimer) clearInterval(this.summaryTimer);
    await this.consumer?.stop();
    this.consumer = null;
    await this.worker?.close();
    this.worker = null;
    await this.queue.close();
    this.email.close();
    for (const conn of this.owned) conn.disconnect();
  }
}

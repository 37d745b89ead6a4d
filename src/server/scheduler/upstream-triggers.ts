/**
 * The runs that upstream runs owe to the jobs that run after them. A finished run records its
 * triggers in the same Lua step as its outcome (includes/after-triggers.lua), into a stream;
 * this consumer group (one consumer per dispatching instance) turns each into a queued run
 * whose id is derived from the trigger, and acknowledges it only then. A consumer that dies
 * between reading and queueing leaves the entry pending, and a live one claims it: the same
 * ids make the second hand-over the same run, so none is lost or doubled.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { keys } from '../keys';
import { EventConsumer } from '../notifications/event-consumer';
import type { JobRegistry } from './job-registry';
import type { RunQueue } from './run-queue';
import type { UpstreamRun } from '~/domain/job-definition';

/** One entry of the upstream-triggers stream: the downstream job and the runs that owe it. */
export interface UpstreamTrigger {
  job_id: string;
  upstream: UpstreamRun[];
}

export class UpstreamTriggers {
  private readonly consumer: EventConsumer<UpstreamTrigger>;

  constructor(opts: {
    redis: Redis;
    /** A connection of its own: XREADGROUP BLOCK holds it. */
    conn: Redis;
    consumer: string;
    logger: Logger;
    registry: JobRegistry;
    queue: RunQueue;
  }) {
    this.consumer = new EventConsumer<UpstreamTrigger>({
      redis: opts.redis,
      conn: opts.conn,
      consumer: opts.consumer,
      logger: opts.logger,
      source: {
        stream: keys.upstreamTriggers,
        group: keys.upstreamGroup,
        deleteAcked: true,
        label: 'Upstream triggers',
      },
      handle: async (trigger) => {
        const job = await opts.registry.get(trigger.job_id);
        // A stopped (or deleted, or rescheduled) downstream job ignores its triggers.
        if (!job || !job.is_active || job.schedule.kind !== 'after') return;
        await opts.queue.addUpstreamRun(trigger);
      },
    });
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}

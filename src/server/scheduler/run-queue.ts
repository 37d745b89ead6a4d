/**
 * The BullMQ queue of runs: what a queued run carries, the ids that make queueing idempotent,
 * and the check a queued run passes before it may run.
 */
import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config';
import type { Logger } from '../logger';
import { keys } from '../keys';
import type { Job, Run, UpstreamRun } from '~/domain/job-definition';
import { nextFireTime } from '~/domain/schedule';

/** A fire time this instance won, ready to become a queued run. */
export interface ClaimedFire {
  job_id: string;
  fire_ms: number;
  run_id: string;
  /** More than one fire time was missed and they are coalesced into this run. */
  coalesced: number;
  late: boolean;
}

/** What a queued run carries through BullMQ. */
export interface RunData {
  run_id: string;
  job_id: string;
  trigger: Run['trigger'];
  /** The fire time, for scheduled runs. */
  fire_ms?: number;
  start?: string;
  end?: string;
  late?: boolean;
  coalesced?: number;
  /** For upstream-triggered runs: the upstream runs that triggered it. */
  upstream?: UpstreamRun[];
  /** A run-now asked with `force`: every symbol is fetched, none served from its series. */
  force?: boolean;
}

export class RunQueue {
  readonly queue: Queue<RunData>;

  constructor(
    connection: Redis,
    private readonly config: Pick<Config, 'RUN_ATTEMPTS'>,
    logger: Logger,
  ) {
    this.queue = new Queue<RunData>(keys.queueName, { connection, prefix: keys.queuePrefix });
    this.queue.on('error', (error) => logger.warn('Queue error', { error: error.message }));
  }

  /**
   * Fires claimed ahead of their time wait in the queue as delayed runs until it comes. The job
   * id `fire:{job_id}:{fire_ms}` makes a second enqueue of the same fire (the pending-fire
   * sweep after a crash) a no-op.
   */
  async addFires(fires: ClaimedFire[]): Promise<void> {
    const now = Date.now();
    await this.queue.addBulk(
      fires.map((fire) => ({
        name: 'scheduled',
        data: {
          run_id: fire.run_id,
          job_id: fire.job_id,
          trigger: 'schedule' as const,
          fire_ms: fire.fire_ms,
          late: fire.late,
          coalesced: fire.coalesced,
        },
        opts: {
          jobId: `fire:${fire.job_id}:${fire.fire_ms}`,
          delay: Math.max(0, fire.fire_ms - now),
          ...this.jobOptions(),
        },
      })),
    );
  }

  /**
   * Queues the run an upstream trigger owes. Its BullMQ id and its run id are both derived from
   * the downstream job and the upstream run ids, so the trigger handed over twice (a consumer
   * that died before acknowledging it) is one run.
   */
  async addUpstreamRun(trigger: { job_id: string; upstream: UpstreamRun[] }): Promise<string> {
    const digest = createHash('sha256')
      .update(`${trigger.job_id}|${trigger.upstream.map((u) => u.run_id).join(',')}`)
      .digest('hex');
    const runId = uuidOf(digest);
    await this.queue.add(
      'upstream',
      { run_id: runId, job_id: trigger.job_id, trigger: 'upstream', upstream: trigger.upstream },
      { jobId: `upstream:${trigger.job_id}:${digest.slice(0, 32)}`, ...this.jobOptions() },
    );
    return runId;
  }

  /** Queues a run-now or backfill run already stored as `queued`. */
  async addRun(run: Run, opts: { force?: boolean } = {}): Promise<void> {
    await this.queue.add(
      run.trigger,
      {
        run_id: run.run_id,
        job_id: run.job_id,
        trigger: run.trigger,
        start: run.start,
        end: run.end,
        ...(opts.force && { force: true }),
      },
      { jobId: `${run.trigger}:${run.job_id}:${run.run_id}`, ...this.jobOptions() },
    );
  }

  private jobOptions() {
    return {
      attempts: this.config.RUN_ATTEMPTS,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600, count: 5000 },
      removeOnFail: { age: 24 * 3600, count: 5000 },
    };
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

/** A digest's first 128 bits as a UUID (version 8: custom, RFC 9562). */
function uuidOf(hex: string): string {
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Why a queued run must not run, or null. A fire is claimed ahead of its time, so its job may
 * have been deleted, stopped or given another schedule since: the fire must still be one of the
 * fire times of the job's schedule as it is now. Manual runs and backfills only need the job.
 */
export function whyDropped(job: Job | null, data: RunData): string | null {
  if (!job) return 'job deleted';
  // A stopped downstream job ignores its triggers, and so does one no longer after others.
  if (data.trigger === 'upstream') {
    if (!job.is_active) return 'job stopped';
    return job.schedule.kind === 'after' ? null : 'job rescheduled';
  }
  if (data.trigger !== 'schedule') return null;
  if (!job.is_active) return 'job stopped';
  if (data.fire_ms === undefined) return null;
  const fire = nextFireTime(job.schedule, job.timezone, new Date(data.fire_ms - 1));
  return fire?.getTime() === data.fire_ms ? null : 'job rescheduled';
}

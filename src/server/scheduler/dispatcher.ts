import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { keys } from '../keys';
import { RedisScripts } from '../redis/scripts';
import type { Job, Run } from '~/domain/job-definition';
import { nextFireTime } from '~/domain/schedule';
import type { ClaimedFire } from './run-queue';
import { buildRun } from './run-record';
import { missedFireEvent, sweepMissedFires } from './missed-fires';

export interface DispatcherOptions {
  redis: Redis;
  /** A connection of the dispatcher's own for the wake-up channel (pub/sub holds it). */
  subscriber: Redis;
  logger: Logger;
  misfireGraceMs: number;
  /** A fire not begun this long after its time is reported as run.missed (once). */
  missedAfterMs: number;
  /** Hands claimed fires to the queue; must be idempotent per (job_id, fire_ms). */
  enqueue: (fires: ClaimedFire[]) => Promise<void>;
  /** Records a fire that was missed beyond the grace period. */
  recordMissed: (run: Run) => Promise<void>;
  newRunId: () => string;
  now?: () => number;
  batchSize?: number;
  /** How far ahead of its time a fire is claimed and queued (delayed) to start on time. */
  lookaheadMs?: number;
}

const MAX_SLEEP_MS = 1000;
/**
 * Fires are claimed this long before they are due and handed to the queue as delayed runs, so
 * a burst of fires in one second starts on time instead of waiting for its claims: the claim
 * is off the critical path, as with BullMQ's own repeatable jobs. The run checks at its start
 * that the job is still active and the fire still one of its schedule's (an edit in between).
 */
export const LOOKAHEAD_MS = 1000;
const MAX_HANDOVERS = 4;
const PENDING_RETRY_MS = 5000;
const MISSED_SWEEP_MS = 1000;
/** Fire times to walk when coalescing a long outage; beyond it, the outage counts as missed. */
const MAX_COALESCE_STEPS = 100_000;

/**
 * Turns due fire times into runs, exactly once across every instance. It sleeps until the
 * earliest due score (at most a second, woken early by a pub/sub message when a schedule
 * changes), reads only the entries due now, and claims each with one script. The cost of a
 * wake-up is proportional to the jobs due, never to all jobs.
 */
export class Dispatcher {
  private readonly redis: Redis;
  private readonly scripts: RedisScripts;
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private lastPendingSweep = 0;
  private lastMissedSweep = 0;
  private readonly handovers = new Set<Promise<void>>();
  private readonly now: () => number;
  private readonly batchSize: number;
  private readonly lookaheadMs: number;
  /** Wake-ups and due entries handled, for the status page and the benchmark. */
  readonly stats = { wakeups: 0, claimed: 0, lost: 0 };

  constructor(private readonly opts: DispatcherOptions) {
    this.redis = opts.redis;
    this.scripts = new RedisScripts(opts.redis);
    this.now = opts.now ?? Date.now;
    this.batchSize = opts.batchSize ?? 200;
    this.lookaheadMs = opts.lookaheadMs ?? LOOKAHEAD_MS;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.opts.subscriber.subscribe(keys.wakeChannel);
    this.opts.subscriber.on('message', () => this.wake?.());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.all(this.handovers);
    await this.opts.subscriber.unsubscribe(keys.wakeChannel).catch(() => undefined);
  }

  private async run(): Promise<void> {
    this.opts.logger.info('Scheduler loop started');
    while (this.running) {
      let sleepMs = MAX_SLEEP_MS;
      try {
        const more = await this.tick();
        sleepMs = more ? 0 : await this.untilNextDue();
        if (this.now() - this.lastPendingSweep > PENDING_RETRY_MS) await this.sweepPending();
        if (this.now() - this.lastMissedSweep >= MISSED_SWEEP_MS) await this.sweepMissed();
      } catch (error) {
        this.opts.logger.warn('Dispatch failed, retrying', { error: (error as Error).message });
      }
      if (sleepMs > 0 && this.running) await this.sleep(sleepMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async untilNextDue(): Promise<number> {
    const first = await this.redis.zrange(keys.due, 0, 0, 'WITHSCORES');
    if (first.length < 2) return MAX_SLEEP_MS;
    return Math.max(0, Math.min(MAX_SLEEP_MS, Number(first[1]) - this.lookaheadMs - this.now()));
  }

  /**
   * Handles one batch of entries due now or within the lookahead; true when the batch was full
   * (more may be due).
   */
  async tick(): Promise<boolean> {
    this.stats.wakeups++;
    const now = this.now();
    const due = await this.redis.zrangebyscore(
      keys.due,
      '-inf',
      now + this.lookaheadMs,
      'WITHSCORES',
      'LIMIT',
      0,
      this.batchSize,
    );
    if (due.length === 0) return false;
    const entries: { jobId: string; fireMs: number }[] = [];
    for (let i = 0; i < due.length; i += 2)
      entries.push({ jobId: due[i]!, fireMs: Number(due[i + 1]) });
    const raws = await this.redis.mget(entries.map((e) => keys.job(e.jobId)));

    const batch = this.scripts.batch();
    const claims: (ClaimedFire | null)[] = [];
    const missed: Run[] = [];
    entries.forEach((entry, i) => {
      const raw = raws[i];
      const job = raw ? (JSON.parse(raw) as Job) : null;
      if (!job || !job.is_active) {
        batch.dropFire(entry);
        claims.push(null);
        return;
      }
      const plan = this.plan(job, entry.fireMs, now);
      const fire: ClaimedFire | null =
        plan.runAt === null
          ? null
          : {
              job_id: job.job_id,
              fire_ms: plan.runAt,
              run_id: this.opts.newRunId(),
              coalesced: plan.coalesced,
              late: plan.late,
            };
      if (plan.runAt === null) {
        missed.push(missedRun(job, entry.fireMs, plan.lastMissed, now, this.opts.newRunId()));
      }
      // Found later than MISSED_AFTER_SECONDS (no instance was up) or given up: told now, with
      // the claim; else told by the sweep if its run does not begin in time.
      const late = now - entry.fireMs > this.opts.missedAfterMs;
      batch.claimFire({
        jobId: job.job_id,
        fireMs: entry.fireMs,
        next: plan.next,
        pending: fire ? { fireMs: fire.fire_ms, json: JSON.stringify({ ...fire, at: now }) } : null,
        // A fire still ahead keeps next_run until its run starts.
        updateNextRun: entry.fireMs <= now,
        awaiting: fire && !late ? { fireMs: fire.fire_ms, dueMs: entry.fireMs } : null,
        missedEvent:
          !fire || late
            ? missedFireEvent({
                jobId: job.job_id,
                firstMs: entry.fireMs,
                coalesced: plan.coalesced,
                reason: fire ? 'late' : 'given_up',
                now,
              })
            : null,
      });
      claims.push(fire);
    });
    const results = await batch.exec();
    const won: ClaimedFire[] = [];
    const wonMissed: Run[] = [];
    results.forEach(({ error, won: claimed }, i) => {
      if (error || !claimed) {
        if (claims[i]) this.stats.lost++;
        return;
      }
      const fire = claims[i];
      if (fire) won.push(fire);
      else {
        const m = missed.find((r) => r.job_id === entries[i]!.jobId);
        if (m) wonMissed.push(m);
      }
    });
    this.stats.claimed += won.length;
    if (won.length > 0) await this.handOverInBackground(won);
    for (const run of wonMissed) await this.opts.recordMissed(run);
    return due.length / 2 >= this.batchSize;
  }

  /**
   * What to do with a due fire time found at `now`: the fire times missed in a row are
   * coalesced into one run at the latest of them, if that one is within the grace period;
   * otherwise they are recorded as missed. `next` is the first fire time after `now`.
   */
  plan(job: Job, fireMs: number, now: number) {
    let last = fireMs;
    let coalesced = 1;
    let next = nextFireTime(job.schedule, job.timezone, new Date(fireMs));
    while (next && next.getTime() <= now && coalesced < MAX_COALESCE_STEPS) {
      last = next.getTime();
      coalesced++;
      next = nextFireTime(job.schedule, job.timezone, next);
    }
    if (next && next.getTime() <= now)
      next = nextFireTime(job.schedule, job.timezone, new Date(now));
    const lateMs = now - last;
    const runAt = lateMs <= this.opts.misfireGraceMs ? last : null;
    return { next, runAt, lastMissed: last, coalesced, late: coalesced > 1 || lateMs > 60_000 };
  }

  /**
   * Queues a batch while the next one is being claimed (at most a few batches in flight). A
   * batch whose enqueue fails stays in the pending fires, and the sweep queues it later.
   */
  private async handOverInBackground(fires: ClaimedFire[]): Promise<void> {
    const work: Promise<void> = this.handOver(fires)
      .catch((error: unknown) =>
        this.opts.logger.warn('Enqueue failed; the pending-fire sweep will retry', {
          error: (error as Error).message,
        }),
      )
      .finally(() => this.handovers.delete(work));
    this.handovers.add(work);
    if (this.handovers.size >= MAX_HANDOVERS) await Promise.race(this.handovers);
  }

  private async handOver(fires: ClaimedFire[]): Promise<void> {
    await this.opts.enqueue(fires);
    await this.redis.hdel(
      keys.pendingFires,
      ...fires.map((f) => keys.pendingFire(f.job_id, f.fire_ms)),
    );
  }

  /** Reports claimed fires whose runs did not begin within MISSED_AFTER_SECONDS. */
  async sweepMissed(): Promise<number> {
    this.lastMissedSweep = this.now();
    return sweepMissedFires({
      scripts: this.scripts,
      logger: this.opts.logger,
      missedAfterMs: this.opts.missedAfterMs,
      now: this.now(),
    });
  }

  /** Re-enqueues fires claimed by an instance that died before handing them to the queue. */
  async sweepPending(): Promise<void> {
    this.lastPendingSweep = this.now();
    const pending = await this.redis.hgetall(keys.pendingFires);
    const stale: ClaimedFire[] = [];
    for (const value of Object.values(pending)) {
      const fire = JSON.parse(value) as ClaimedFire & { at: number };
      if (this.now() - fire.at > PENDING_RETRY_MS) stale.push(fire);
    }
    if (stale.length === 0) return;
    this.opts.logger.warn('Re-enqueuing fires an instance claimed but did not queue', {
      count: stale.length,
    });
    await this.handOver(stale);
  }
}

/** The record of fire times given up as missed: no window, no fetch, one entry in the history. */
function missedRun(job: Job, firstMs: number, lastMs: number, now: number, runId: string): Run {
  const at = new Date(now);
  const range = `${new Date(firstMs).toISOString()}${lastMs !== firstMs ? ` to ${new Date(lastMs).toISOString()}` : ''}`;
  return buildRun(
    job,
    { run_id: runId, trigger: 'schedule', fire_ms: lastMs, start: '', end: '' },
    at,
    {
      status: 'missed',
      finished_at: at.toISOString(),
      note: `missed: due ${range}, more than the misfire grace period ago`,
    },
  );
}

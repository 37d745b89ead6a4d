import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DelayedError, Queue, Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config';
import type { Logger } from '../logger';
import { keys } from '../keys';
import { Dispatcher, type ClaimedFire } from './dispatcher';
import type { EventLog } from './events';
import type { Job, Run, SymbolOutcome } from '~/domain/job-definition';
import { JobNotFoundError, type JobRegistry } from './job-registry';
import type { RunHistory } from './run-history';
import { addDays, zonedDateString } from '~/domain/time-zone';
import { nextFireTime } from '~/domain/schedule';

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
}

/** The work of one run: the market-data executor, or anything with its shape. */
export interface RunExecutor {
  execute(
    req: { run_id: string; job_id: string; symbols: string[]; start: string; end: string },
    opts?: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<{
    status: 'completed' | 'partial' | 'failed';
    symbols: SymbolOutcome[];
    error: string | null;
  }>;
}

export interface InstanceInfo {
  id: string;
  host: string;
  pid: number;
  role: string;
  dispatching: boolean;
  working: boolean;
  started_at: string;
  last_heartbeat: string;
  running_runs: number;
}

export interface SchedulerStatus {
  running: boolean;
  instances: InstanceInfo[];
  active_jobs: number;
  total_jobs: number;
  running_jobs: number;
  max_concurrent_jobs: number;
  queued_runs: number;
  next_run: { job_id: string; at: string } | null;
}

const HEARTBEAT_MS = 2000;
const INSTANCE_TTL_MS = 10_000;
const PROGRESS_SAVE_MS = 250;
/** A failed run is an error in the logs and a partial one a warning, so alerting on levels works. */
const RUN_LOG_LEVEL: Record<Run['status'], 'info' | 'warn' | 'error'> = {
  queued: 'info',
  running: 'info',
  completed: 'info',
  skipped: 'info',
  partial: 'warn',
  missed: 'warn',
  failed: 'error',
};

/**
 * Keeps job lock renewal and release atomic: only the run that holds the lock may extend or
 * drop it, so a run that lost its lock (its process stalled) cannot free its successor's.
 */
const LOCK_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == 'acquire' then
  if (not cur) or cur == ARGV[2] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end
  return 0
elseif ARGV[1] == 'release' then
  if cur == ARGV[2] then redis.call('DEL', KEYS[1]) return 1 end
  return 0
end
return 0
`;

type LockRedis = Redis & {
  jobLockOp(key: string, op: string, runId: string, ttl: string): Promise<number>;
  __lockScript?: boolean;
};

export interface JobSchedulerOptions {
  config: Config;
  logger: Logger;
  redis: Redis;
  registry: JobRegistry;
  runs: RunHistory;
  events: EventLog;
  executor: RunExecutor;
  connect: () => Redis;
  role: string;
}

/**
 * The scheduler of one process: a dispatcher that turns due fire times into queued runs, and a
 * BullMQ worker that executes them with bounded concurrency, retries and stall recovery.
 * Either part may be off (a web-only process runs neither but still queues run-now requests).
 */
export class JobScheduler {
  readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly queue: Queue<RunData>;
  private worker: Worker<RunData> | null = null;
  private dispatcher: Dispatcher | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private beatTimer: NodeJS.Timeout | null = null;
  private readonly startedAt = new Date().toISOString();
  private readonly active = new Map<string, AbortController>();
  private readonly redis: LockRedis;
  private readonly owned: Redis[] = [];
  private stopping = false;

  constructor(private readonly opts: JobSchedulerOptions) {
    this.redis = opts.redis as LockRedis;
    if (!this.redis.__lockScript) {
      opts.redis.defineCommand('jobLockOp', { numberOfKeys: 1, lua: LOCK_SCRIPT });
      this.redis.__lockScript = true;
    }
    this.queue = new Queue<RunData>(keys.queueName, {
      connection: this.own(),
      prefix: keys.queuePrefix,
    });
    this.queue.on('error', (error) => opts.logger.warn('Queue error', { error: error.message }));
  }

  private own(): Redis {
    const conn = this.opts.connect();
    conn.on('error', () => undefined);
    this.owned.push(conn);
    return conn;
  }

  get isDispatching(): boolean {
    return this.dispatcher !== null;
  }

  async start(parts: { dispatch?: boolean; work?: boolean } = {}): Promise<void> {
    const { config, logger } = this.opts;
    const work = parts.work ?? true;
    const dispatch = parts.dispatch ?? true;
    if (work) {
      const lockMs = config.RUN_LOCK_SECONDS * 1000;
      this.worker = new Worker<RunData>(keys.queueName, (job, token) => this.process(job, token), {
        connection: this.own(),
        prefix: keys.queuePrefix,
        concurrency: config.MAX_CONCURRENT_RUNS,
        lockDuration: lockMs,
        stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
        maxStalledCount: 1,
      });
      this.worker.on('failed', (job, error) => void this.onFailed(job, error));
      this.worker.on('error', (error) => logger.warn('Worker error', { error: error.message }));
    }
    if (dispatch) {
      this.dispatcher = new Dispatcher({
        redis: this.opts.redis,
        subscriber: this.own(),
        logger,
        misfireGraceMs: config.MISFIRE_GRACE_SECONDS * 1000,
        enqueue: (fires) => this.enqueueFires(fires),
        recordMissed: async (run) => {
          await this.opts.runs.record(run, { action: 'missed' });
        },
        newRunId: randomUUID,
      });
    }
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat().catch(() => undefined), HEARTBEAT_MS);
    logger.info('Job scheduler started', {
      instance: this.instanceId,
      dispatching: dispatch,
      working: work,
      max_concurrent_runs: config.MAX_CONCURRENT_RUNS,
    });
    await this.dispatcher?.start();
  }

  /**
   * Stops dispatching at once, lets running runs finish for up to SHUTDOWN_TIMEOUT_SECONDS,
   * then aborts the rest, which go back to the queue (delayed, not failed) for another instance.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.dispatcher?.stop();
    this.dispatcher = null;
    if (this.worker) {
      const closing = this.worker.close();
      const timeoutMs = this.opts.config.SHUTDOWN_TIMEOUT_SECONDS * 1000;
      const timedOut = await Promise.race([
        closing.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs).unref()),
      ]);
      if (timedOut) {
        this.opts.logger.warn('Shutdown timeout: handing running runs back to the queue', {
          runs: this.active.size,
        });
        for (const controller of this.active.values()) controller.abort();
        await closing;
      }
    }
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.beatTimer) clearTimeout(this.beatTimer);
    await this.opts.redis.hdel(keys.instances, this.instanceId).catch(() => undefined);
    await this.queue.close();
    for (const conn of this.owned) conn.disconnect();
  }

  /** A heartbeat shortly after a run starts or ends, so the status shows it; coalesced. */
  private beatSoon(): void {
    if (this.beatTimer) return;
    this.beatTimer = setTimeout(() => {
      this.beatTimer = null;
      void this.beat().catch(() => undefined);
    }, 100);
  }

  private async beat(): Promise<void> {
    const info: InstanceInfo = {
      id: this.instanceId,
      host: hostname(),
      pid: process.pid,
      role: this.opts.role,
      dispatching: this.dispatcher !== null,
      working: this.worker !== null,
      started_at: this.startedAt,
      last_heartbeat: new Date().toISOString(),
      running_runs: this.active.size,
    };
    await this.opts.redis.hset(keys.instances, this.instanceId, JSON.stringify(info));
  }

  /** Fires claimed ahead of their time wait in the queue as delayed runs until it comes. */
  private async enqueueFires(fires: ClaimedFire[]): Promise<void> {
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

  private jobOptions() {
    return {
      attempts: this.opts.config.RUN_ATTEMPTS,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600, count: 5000 },
      removeOnFail: { age: 24 * 3600, count: 5000 },
    };
  }

  /** Queues a manual run, or a backfill of [start, end]; the schedule is untouched. */
  async runNow(jobId: string, range?: { start: string; end: string }): Promise<Run> {
    const job = await this.opts.registry.getOrThrow(jobId);
    const now = new Date();
    const window = range ?? runWindow(job, now);
    const run: Run = {
      run_id: randomUUID(),
      job_id: jobId,
      trigger: range ? 'backfill' : 'manual',
      start: window.start,
      end: window.end,
      scheduled_for: null,
      started_at: now.toISOString(),
      finished_at: null,
      status: 'queued',
      symbols: [],
      error: null,
      progress: { done: 0, total: job.stock_ids.length },
    };
    if (!(await this.opts.runs.save(run))) throw new JobNotFoundError(jobId);
    await this.queue.add(
      run.trigger,
      {
        run_id: run.run_id,
        job_id: jobId,
        trigger: run.trigger,
        start: window.start,
        end: window.end,
      },
      { jobId: `${run.trigger}:${jobId}:${run.run_id}`, ...this.jobOptions() },
    );
    await this.opts.events.publish({ type: 'run', action: 'queued', job_id: jobId, run });
    return run;
  }

  private lock(jobId: string, op: 'acquire' | 'release', runId: string): Promise<number> {
    const ttl = String(this.opts.config.RUN_LOCK_SECONDS * 1000);
    return this.redis.jobLockOp(keys.jobLock(jobId), op, runId, ttl);
  }

  /**
   * Executes one queued run. Runs of one job never overlap: a job lock holds the run_id. Each
   * step is one Redis round trip: begin (lock, job, earlier record), started (run, job status,
   * event), finished (run, job status and last run, event, lock released).
   */
  private async process(bull: BullJob<RunData>, token?: string): Promise<string> {
    const data = bull.data;
    const { runs, logger } = this.opts;
    const lockMs = this.opts.config.RUN_LOCK_SECONDS * 1000;
    const begun = await runs.begin(data.job_id, data.run_id, lockMs);
    const job = begun.job ? (JSON.parse(begun.job) as Job) : null;
    const dropped = whyDropped(job, data);
    if (!job || dropped) {
      if (begun.locked) await this.lock(data.job_id, 'release', data.run_id);
      return dropped ?? 'job deleted';
    }
    const nextRun =
      data.fire_ms === undefined
        ? undefined
        : nextFireTime(job.schedule, job.timezone, new Date(data.fire_ms));

    if (!begun.locked) {
      if (data.trigger === 'schedule') {
        const at = new Date().toISOString();
        const run: Run = {
          ...this.baseRun(job, data, new Date()),
          status: 'skipped',
          finished_at: at,
          note: 'skipped: the previous run of this job was still running',
        };
        await runs.record(run, { action: 'skipped', nextRun });
        return 'skipped';
      }
      // A manual run waits for the running one instead of being dropped.
      await bull.moveToDelayed(Date.now() + 1000, token);
      throw new DelayedError();
    }

    const controller = new AbortController();
    this.active.set(data.run_id, controller);
    this.beatSoon();
    const renew = setInterval(
      () => void this.lock(job.job_id, 'acquire', data.run_id).catch(() => undefined),
      lockMs / 3,
    );
    let release = true;
    try {
      let run: Run = {
        ...(begun.run ?? this.baseRun(job, data, new Date())),
        status: 'running',
        started_at: new Date().toISOString(),
        finished_at: null,
        symbols: [],
        error: null,
        progress: { done: 0, total: job.stock_ids.length },
      };
      if (!(await runs.record(run, { action: 'started', jobStatus: 'running', nextRun }))) {
        return 'job deleted';
      }

      let lastSave = 0;
      const result = await this.opts.executor.execute(
        {
          run_id: run.run_id,
          job_id: job.job_id,
          symbols: job.stock_ids,
          start: run.start,
          end: run.end,
        },
        {
          signal: controller.signal,
          onProgress: (done, total) => {
            run = { ...run, progress: { done, total } };
            const now = Date.now();
            if (now - lastSave < PROGRESS_SAVE_MS && done < total) return;
            lastSave = now;
            void runs.record(run, { action: 'progress' }).catch(() => undefined);
          },
        },
      );
      if (controller.signal.aborted) {
        await bull.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      run = {
        ...run,
        status: result.status,
        symbols: result.symbols,
        error: result.error,
        finished_at: new Date().toISOString(),
        progress: { done: run.progress?.total ?? 0, total: run.progress?.total ?? 0 },
      };
      await runs.record(run, {
        action: 'finished',
        jobStatus: result.status,
        finished: true,
        releaseLock: true,
      });
      release = false;
      const failed = run.symbols.filter((s) => s.status === 'error');
      logger[RUN_LOG_LEVEL[run.status]]('Run finished', {
        job_id: job.job_id,
        run_id: run.run_id,
        status: run.status,
        trigger: run.trigger,
        ...(failed.length > 0 && {
          failed: failed.map((s) => ({ symbol: s.symbol, error: s.error })),
        }),
        // A run's error only repeats its symbols' when every one failed: logged once.
        ...(run.error && failed.length === 0 && { error: run.error }),
      });
      return run.status;
    } finally {
      clearInterval(renew);
      this.active.delete(data.run_id);
      this.beatSoon();
      if (release) await this.lock(job.job_id, 'release', data.run_id).catch(() => undefined);
    }
  }

  private baseRun(job: Job, data: RunData, now: Date): Run {
    const scheduledFor = data.fire_ms !== undefined ? new Date(data.fire_ms) : null;
    const window =
      data.start && data.end
        ? { start: data.start, end: data.end }
        : runWindow(job, scheduledFor ?? now);
    return {
      run_id: data.run_id,
      job_id: job.job_id,
      trigger: data.trigger,
      start: window.start,
      end: window.end,
      scheduled_for: scheduledFor ? scheduledFor.toISOString() : null,
      started_at: now.toISOString(),
      finished_at: null,
      status: 'running',
      symbols: [],
      error: null,
      ...(data.late && {
        late: true,
        note: `late run${(data.coalesced ?? 1) > 1 ? ` coalescing ${data.coalesced} missed fire times` : ''}`,
      }),
    };
  }

  /** A run whose attempts are used up (or that stalled too often) is recorded as failed, with why. */
  private async onFailed(bull: BullJob<RunData> | undefined, error: Error): Promise<void> {
    if (!bull || error instanceof DelayedError) return;
    const final = bull.attemptsMade >= (bull.opts.attempts ?? 1) || /stalled/i.test(error.message);
    if (!final) return;
    try {
      const job = await this.opts.registry.get(bull.data.job_id);
      if (!job) return;
      const existing = await this.opts.runs.get(bull.data.run_id);
      const run: Run = {
        ...(existing ?? this.baseRun(job, bull.data, new Date())),
        status: 'failed',
        finished_at: new Date().toISOString(),
        error: `run failed after ${bull.attemptsMade} attempt(s): ${error.message}`,
      };
      await this.opts.runs.record(run, { action: 'finished', jobStatus: 'failed', finished: true });
      this.opts.logger.error('Run failed', {
        job_id: job.job_id,
        run_id: run.run_id,
        error: run.error,
      });
    } catch (e) {
      this.opts.logger.warn('Could not record a failed run', { error: (e as Error).message });
    }
  }

  async instances(): Promise<InstanceInfo[]> {
    const all = await this.opts.redis.hgetall(keys.instances);
    const now = Date.now();
    const live: InstanceInfo[] = [];
    const dead: string[] = [];
    for (const [id, raw] of Object.entries(all)) {
      const info = JSON.parse(raw) as InstanceInfo;
      if (now - Date.parse(info.last_heartbeat) > INSTANCE_TTL_MS) dead.push(id);
      else live.push(info);
    }
    if (dead.length > 0) await this.opts.redis.hdel(keys.instances, ...dead);
    return live.sort((a, b) => a.started_at.localeCompare(b.started_at));
  }

  async status(): Promise<SchedulerStatus> {
    const redis = this.opts.redis;
    const [instances, counts, activeJobs, index, first, claimed] = await Promise.all([
      this.instances(),
      this.queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized'),
      redis.zcard(keys.due),
      redis.get(keys.jobIndex),
      redis.zrange(keys.due, 0, 0, 'WITHSCORES'),
      this.nextClaimedFire(),
    ]);
    const totalJobs = index && index !== '[]' ? index.split(',').length : 0;
    let next = first.length >= 2 ? { job_id: first[0]!, at_ms: Number(first[1]) } : null;
    if (claimed && (!next || claimed.at_ms <= next.at_ms)) next = claimed;
    return {
      running: instances.some((i) => i.dispatching),
      instances,
      active_jobs: activeJobs,
      total_jobs: totalJobs,
      running_jobs: counts.active ?? 0,
      max_concurrent_jobs: this.opts.config.MAX_CONCURRENT_RUNS,
      queued_runs: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0),
      next_run: next ? { job_id: next.job_id, at: new Date(next.at_ms).toISOString() } : null,
    };
  }

  /**
   * The earliest fire already claimed (up to a second ahead, so the due set holds the job's
   * following fire) and waiting as a delayed run that will still run. Retries waiting out their
   * backoff are delayed runs too; their fire is past, so they are passed over.
   */
  private async nextClaimedFire(): Promise<{ job_id: string; at_ms: number } | null> {
    const now = Date.now();
    const delayed = await this.queue.getDelayed(0, 9);
    const fires = delayed
      .map((j) => j.data as RunData)
      .filter((d) => d.trigger === 'schedule' && d.fire_ms !== undefined && d.fire_ms > now)
      .sort((a, b) => a.fire_ms! - b.fire_ms!);
    for (const data of fires) {
      const job = await this.opts.registry.get(data.job_id);
      if (!whyDropped(job, data)) return { job_id: data.job_id, at_ms: data.fire_ms! };
    }
    return null;
  }
}

/**
 * Why a queued run must not run, or null. A fire is claimed ahead of its time, so its job may
 * have been deleted, stopped or given another schedule since: the fire must still be one of the
 * fire times of the job's schedule as it is now. Manual runs and backfills only need the job.
 */
function whyDropped(job: Job | null, data: RunData): string | null {
  if (!job) return 'job deleted';
  if (data.trigger !== 'schedule') return null;
  if (!job.is_active) return 'job stopped';
  if (data.fire_ms === undefined) return null;
  const fire = nextFireTime(job.schedule, job.timezone, new Date(data.fire_ms - 1));
  return fire?.getTime() === data.fire_ms ? null : 'job rescheduled';
}

/** `[run date - lookback_days, run date]`, dates in the job's zone. */
export function runWindow(
  job: Pick<Job, 'timezone' | 'lookback_days'>,
  at: Date,
): { start: string; end: string } {
  const end = zonedDateString(at, job.timezone);
  return { start: addDays(end, -job.lookback_days), end };
}

/**
 * The BullMQ worker's side of a run: executes queued runs with bounded concurrency, retries and
 * stall recovery, one Redis round trip a step (RunHistory): begin (lock, job, earlier record),
 * started (run, job status, event), finished (run, job status and last run, event, lock
 * released).
 */
import { DelayedError, Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config';
import type { Logger } from '../logger';
import { keys } from '../keys';
import type { ExecutionResult, RunRequest } from './job-executor';
import type { JobRegistry } from './job-registry';
import type { RunHistory } from './run-history';
import type { RunLock } from './run-lock';
import { whyDropped, type RunData } from './run-queue';
import { buildRun } from './run-record';
import type { Job, Run } from '~/domain/job-definition';
import { nextFireTime } from '~/domain/schedule';

/** The work of one run: the market-data executor, or anything with its shape. */
export interface RunExecutor {
  execute(
    req: RunRequest,
    opts?: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<ExecutionResult>;
}

export interface RunWorkerOptions {
  config: Pick<Config, 'RUN_LOCK_SECONDS' | 'MAX_CONCURRENT_RUNS' | 'SHUTDOWN_TIMEOUT_SECONDS'>;
  logger: Logger;
  connection: Redis;
  registry: JobRegistry;
  runs: RunHistory;
  lock: RunLock;
  executor: RunExecutor;
  /** Told when a run starts or ends (the heartbeat shows the count). */
  onBusyChange: () => void;
}

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

export class RunWorker {
  private readonly worker: Worker<RunData>;
  /** Runs in progress here, each with the controller that stops it. */
  private readonly active = new Map<string, AbortController>();
  private readonly lockMs: number;

  constructor(private readonly opts: RunWorkerOptions) {
    this.lockMs = opts.config.RUN_LOCK_SECONDS * 1000;
    this.worker = new Worker<RunData>(keys.queueName, (job, token) => this.process(job, token), {
      connection: opts.connection,
      prefix: keys.queuePrefix,
      concurrency: opts.config.MAX_CONCURRENT_RUNS,
      lockDuration: this.lockMs,
      stalledInterval: Math.max(1000, Math.floor(this.lockMs / 2)),
      maxStalledCount: 1,
    });
    this.worker.on('failed', (job, error) => void this.onFailed(job, error));
    this.worker.on('error', (error) => opts.logger.warn('Worker error', { error: error.message }));
  }

  get running(): number {
    return this.active.size;
  }

  /**
   * Lets running runs finish for up to SHUTDOWN_TIMEOUT_SECONDS, then aborts the rest, which go
   * back to the queue (delayed, not failed) for another instance.
   */
  async close(): Promise<void> {
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

  /**
   * Executes one queued run. Runs of one job never overlap (RunLock): a scheduled run that finds
   * its job's lock held is recorded as skipped; a manual one waits for the running one. A run
   * that is aborted (shutdown, or its lock lost) goes back to the queue.
   */
  private async process(bull: BullJob<RunData>, token?: string): Promise<string> {
    const data = bull.data;
    const { runs, logger, lock } = this.opts;
    const fireMs = data.trigger === 'schedule' ? data.fire_ms : undefined;
    const begun = await runs.begin(data.job_id, data.run_id, this.lockMs, fireMs);
    const job = begun.job ? (JSON.parse(begun.job) as Job) : null;
    const dropped = whyDropped(job, data);
    if (!job || dropped) {
      if (begun.locked) await lock.release(data.job_id, data.run_id);
      return dropped ?? 'job deleted';
    }
    const nextRun =
      data.fire_ms === undefined
        ? undefined
        : nextFireTime(job.schedule, job.timezone, new Date(data.fire_ms));

    if (!begun.locked) {
      if (data.trigger === 'schedule') {
        const now = new Date();
        const run = buildRun(job, data, now, {
          status: 'skipped',
          finished_at: now.toISOString(),
          note: 'skipped: the previous run of this job was still running',
        });
        await runs.record(run, { action: 'skipped', nextRun });
        return 'skipped';
      }
      await bull.moveToDelayed(Date.now() + 1000, token);
      throw new DelayedError();
    }

    const controller = new AbortController();
    this.active.set(data.run_id, controller);
    this.opts.onBusyChange();
    const kept = lock.keep(job.job_id, data.run_id, this.lockMs, () => controller.abort());
    let release = true;
    try {
      let run: Run = buildRun(
        job,
        data,
        new Date(),
        {
          status: 'running',
          started_at: new Date().toISOString(),
          finished_at: null,
          symbols: [],
          error: null,
          progress: { done: 0, total: job.stock_ids.length },
        },
        begun.run,
      );
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
          analysis: job.task === 'analyze' ? job.analysis : null,
          // A backfill is asked for to get the provider's data again: never served from the series.
          force: data.force === true || data.trigger === 'backfill',
        },
        {
          signal: controller.signal,
          onProgress: (done, total) => {
            run = { ...run, progress: { done, total } };
            const now = Date.now();
            if (now - lastSave < PROGRESS_SAVE_MS && done < total) return;
            lastSave = now;
            runs.record(run, { action: 'progress' }).catch((error: unknown) =>
              // Progress is advisory: the next save (or the final record) carries it.
              logger.debug('Could not save progress', {
                run_id: run.run_id,
                error: (error as Error).message,
              }),
            );
          },
        },
      );
      if (controller.signal.aborted) {
        await bull.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      const total = run.progress?.total ?? 0;
      run = {
        ...run,
        status: result.status,
        symbols: result.symbols,
        error: result.error,
        ...(result.data_issues_new !== undefined && { data_issues_new: result.data_issues_new }),
        finished_at: new Date().toISOString(),
        progress: { done: total, total },
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
      kept.stop();
      this.active.delete(data.run_id);
      this.opts.onBusyChange();
      if (release) {
        await lock.release(job.job_id, data.run_id).catch((error: unknown) =>
          // The lock's TTL frees it soon anyway; the next run of the job waits until then.
          logger.warn('Could not release the job lock', {
            job_id: job.job_id,
            run_id: data.run_id,
            error: (error as Error).message,
          }),
        );
      }
    }
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
      const now = new Date();
      const run = buildRun(
        job,
        bull.data,
        now,
        {
          status: 'failed',
          finished_at: now.toISOString(),
          error: `run failed after ${bull.attemptsMade} attempt(s): ${error.message}`,
        },
        existing,
      );
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
}

/**
 * The BullMQ worker's side of a run: executes queued runs with bounded concurrency, retries and
 * stall recovery, one Redis round trip a step (RunHistory): begin (lock, job, earlier record,
 * the run entered as this instance's), started (run, job status, event), finished (run, job
 * status and last run, event, lock released), tried again until Redis takes it (RecordRetrier).
 */
import { setMaxListeners } from 'node:events';
import { DelayedError, Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config';
import type { Logger } from '../logger';
import { keys } from '../keys';
import type { ExecutionResult, RunRequest } from './job-executor';
import type { JobRegistry } from './job-registry';
import type { RecordRetrier } from './record-retry';
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
  retrier: RecordRetrier;
  /** This instance's id, the owner of the runs it begins (run-begin-6.lua). */
  instanceId: string;
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
      // A final record still waiting for Redis is given up: another instance's recovery ends it.
      this.opts.retrier.stop();
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
    const begun = await runs.begin(
      data.job_id,
      data.run_id,
      this.lockMs,
      this.opts.instanceId,
      fireMs,
    );
    if (begun.held) {
      // Delivered again while another live instance still ends it (its final record waiting
      // for Redis, or a recovery): look again soon, by then it is over or back with the queue.
      await bull.moveToDelayed(Date.now() + 1000, token);
      throw new DelayedError();
    }
    const job = begun.job ? (JSON.parse(begun.job) as Job) : null;
    // A run already ended (by the recovery step, after its instance died) is not run again.
    const dropped = whyDropped(job, data) ?? (begun.run?.finished_at ? 'already finished' : null);
    if (!job || dropped) {
      if (begun.locked) {
        await lock.release(data.job_id, data.run_id);
        await runs.forget(data.run_id);
      }
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
    // Each symbol in flight or waiting for a provider slot listens for the abort: as many
    // listeners as symbols, removed as each ends, not a leak worth Node's warning.
    setMaxListeners(Math.max(10, 4 * job.stock_ids.length), controller.signal);
    this.active.set(data.run_id, controller);
    this.opts.onBusyChange();
    const kept = lock.keep(job.job_id, data.run_id, this.lockMs, () => controller.abort());
    let release = true;
    /** Out of the running runs at the end, unless handed back or its end could not be recorded. */
    let forget = true;
    try {
      const now = new Date();
      const earlier = begun.run;
      // A run started before (handed back at a shutdown, or delivered again after its instance
      // died) keeps its first start and says when it resumed.
      const resumed = earlier && (earlier.status === 'running' || earlier.handed_back_at);
      let run: Run = buildRun(
        job,
        data,
        now,
        {
          status: 'running',
          started_at: resumed ? earlier.started_at : now.toISOString(),
          ...(resumed && { resumed_at: now.toISOString() }),
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
      logger.info('Run started', {
        job_id: job.job_id,
        run_id: run.run_id,
        trigger: run.trigger,
      });
      const total = run.progress?.total ?? 0;

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
        // Back to the queue: until it resumes its record says so, not what the attempt cut
        // short got through (its symbols were aborted, not fetched).
        forget = false;
        await this.handBack(run, total);
        await bull.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      run = {
        ...run,
        status: result.status,
        symbols: result.symbols,
        error: result.error,
        ...(result.data_issues_new !== undefined && { data_issues_new: result.data_issues_new }),
        finished_at: new Date().toISOString(),
        progress: { done: total, total },
      };
      const ended = run;
      const recorded = await this.opts.retrier.untilWritten(
        "the run's end",
        { job_id: job.job_id, run_id: run.run_id, status: run.status },
        () =>
          runs.record(ended, {
            action: 'finished',
            jobStatus: result.status,
            finished: true,
            releaseLock: true,
          }),
      );
      if (recorded === undefined) {
        forget = false;
        return 'not recorded';
      }
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
      if (forget) {
        // Left behind, the entry is dropped by the next recovery sweep (the run is over).
        await runs.forget(data.run_id).catch(() => undefined);
      }
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

  /** Records a run handed back to the queue as `queued`, with no progress, to resume later. */
  private async handBack(run: Run, total: number): Promise<void> {
    const waiting: Run = {
      ...run,
      status: 'queued',
      symbols: [],
      progress: { done: 0, total },
      handed_back_at: new Date().toISOString(),
    };
    await this.opts.runs.record(waiting, { action: 'queued' }).catch((error: unknown) =>
      // Left `running`, it is resumed all the same: the record says running until then.
      this.opts.logger.warn('Could not record a run handed back to the queue', {
        run_id: run.run_id,
        error: (error as Error).message,
      }),
    );
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
      const recorded = await this.opts.retrier.untilWritten(
        'a failed run',
        { job_id: job.job_id, run_id: run.run_id },
        () =>
          this.opts.runs.record(run, { action: 'finished', jobStatus: 'failed', finished: true }),
      );
      if (recorded === undefined) return;
      await this.opts.runs.forget(run.run_id);
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

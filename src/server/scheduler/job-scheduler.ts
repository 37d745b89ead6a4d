/**
 * The scheduler of one process, its lifecycle: a dispatcher that turns due fire times into
 * queued runs (dispatcher.ts), a BullMQ worker that executes them (run-worker.ts), and this
 * instance's heartbeat (instances.ts), and with the worker the recovery step that ends runs
 * left running by instances that died (run-recovery.ts). Either part may be off: a web-only
 * process runs neither, but still queues run-now requests and answers the status.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { JobNotFoundError } from '../errors';
import type { Config } from '../../config';
import type { Logger } from '../logger';
import { Dispatcher } from './dispatcher';
import type { EventLog } from './events';
import { InstanceHeartbeat } from './instances';
import type { JobRegistry } from './job-registry';
import type { RunHistory } from './run-history';
import type { RunLock } from './run-lock';
import { RecordRetrier } from './record-retry';
import { RunQueue } from './run-queue';
import { RunRecovery } from './run-recovery';
import { buildRun } from './run-record';
import { RunWorker, type RunExecutor } from './run-worker';
import { schedulerStatus, type SchedulerStatus } from './scheduler-status';
import { UpstreamTriggers } from './upstream-triggers';
import type { Run } from '~/domain/job-definition';

export interface JobSchedulerOptions {
  config: Config;
  logger: Logger;
  redis: Redis;
  registry: JobRegistry;
  runs: RunHistory;
  lock: RunLock;
  events: EventLog;
  executor: RunExecutor;
  connect: () => Redis;
  role: string;
}

export class JobScheduler {
  readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly runQueue: RunQueue;
  private readonly heartbeat: InstanceHeartbeat;
  private worker: RunWorker | null = null;
  private dispatcher: Dispatcher | null = null;
  private recovery: RunRecovery | null = null;
  private readonly retrier: RecordRetrier;
  private triggers: UpstreamTriggers | null = null;
  /** Connections of the scheduler's own (the queue, the worker, the dispatcher's pub/sub). */
  private readonly owned: Redis[] = [];
  private stopping = false;

  constructor(private readonly opts: JobSchedulerOptions) {
    this.runQueue = new RunQueue(this.own(), opts.config, opts.logger);
    this.retrier = new RecordRetrier(opts.logger);
    this.heartbeat = new InstanceHeartbeat(opts.redis, opts.logger, this.instanceId, () => ({
      role: opts.role,
      dispatching: this.dispatcher !== null,
      working: this.worker !== null,
      running_runs: this.worker?.running ?? 0,
    }));
  }

  /** The BullMQ queue of runs. */
  get queue() {
    return this.runQueue.queue;
  }

  /** BullMQ reconnects on its own; its connections' errors are reported by queue and worker. */
  private own(): Redis {
    const conn = this.opts.connect();
    conn.on('error', () => undefined);
    this.owned.push(conn);
    return conn;
  }

  async start(parts: { dispatch?: boolean; work?: boolean } = {}): Promise<void> {
    const { config, logger } = this.opts;
    const work = parts.work ?? true;
    const dispatch = parts.dispatch ?? true;
    if (work) {
      this.worker = new RunWorker({
        config,
        logger,
        connection: this.own(),
        registry: this.opts.registry,
        runs: this.opts.runs,
        lock: this.opts.lock,
        executor: this.opts.executor,
        retrier: this.retrier,
        instanceId: this.instanceId,
        onBusyChange: () => this.heartbeat.soon(),
      });
      this.recovery = new RunRecovery({
        redis: this.opts.redis,
        logger,
        runs: this.opts.runs,
        retrier: this.retrier,
        instanceId: this.instanceId,
        lockMs: config.RUN_LOCK_SECONDS * 1000,
      });
    }
    if (dispatch) {
      this.dispatcher = new Dispatcher({
        redis: this.opts.redis,
        subscriber: this.own(),
        logger,
        misfireGraceMs: config.MISFIRE_GRACE_SECONDS * 1000,
        missedAfterMs: config.MISSED_AFTER_SECONDS * 1000,
        enqueue: (fires) => this.runQueue.addFires(fires),
        recordMissed: async (run) => {
          await this.opts.runs.record(run, { action: 'missed' });
        },
        newRunId: randomUUID,
      });
      this.triggers = new UpstreamTriggers({
        redis: this.opts.redis,
        conn: this.own(),
        consumer: this.instanceId,
        logger,
        registry: this.opts.registry,
        queue: this.runQueue,
      });
    }
    await this.heartbeat.start();
    logger.info('Job scheduler started', {
      instance: this.instanceId,
      dispatching: dispatch,
      working: work,
      max_concurrent_runs: config.MAX_CONCURRENT_RUNS,
    });
    await this.dispatcher?.start();
    this.recovery?.start();
    await this.triggers?.start();
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
    await this.recovery?.stop();
    await this.triggers?.stop();
    this.triggers = null;
    await this.worker?.close();
    this.retrier.stop();
    await this.heartbeat.stop();
    await this.runQueue.close();
    for (const conn of this.owned) conn.disconnect();
  }

  /**
   * Queues a manual run, or a backfill of [start, end]; the schedule is untouched. `force`
   * fetches every symbol even where its series is fresh (a backfill always does).
   */
  async runNow(
    jobId: string,
    range?: { start: string; end: string },
    opts: { force?: boolean } = {},
  ): Promise<Run> {
    const job = await this.opts.registry.getOrThrow(jobId);
    const run = buildRun(
      job,
      { run_id: randomUUID(), trigger: range ? 'backfill' : 'manual', ...range },
      new Date(),
      { status: 'queued', progress: { done: 0, total: job.stock_ids.length } },
    );
    // Queued first, recorded then: a run whose queueing failed leaves no record behind (never a
    // `queued` one for ever), and a run begun before its record is saved keeps the worker's.
    await this.runQueue.addRun(run, opts);
    let saved: Awaited<ReturnType<RunHistory['save']>>;
    try {
      saved = await this.opts.runs.save(run);
    } catch (error) {
      // It is queued: its worker records it as it begins.
      this.opts.logger.warn('Could not record a queued run; it is recorded as it begins', {
        job_id: jobId,
        run_id: run.run_id,
        error: (error as Error).message,
      });
      return run;
    }
    // Queued for a job deleted meanwhile: its worker drops it.
    if (saved === 'no job') throw new JobNotFoundError(jobId);
    if (saved === 'stored') {
      await this.opts.events.publish({ type: 'run', action: 'queued', job_id: jobId, run });
    }
    return run;
  }

  status(): Promise<SchedulerStatus> {
    return schedulerStatus({
      redis: this.opts.redis,
      queue: this.runQueue,
      registry: this.opts.registry,
      maxConcurrentRuns: this.opts.config.MAX_CONCURRENT_RUNS,
    });
  }
}

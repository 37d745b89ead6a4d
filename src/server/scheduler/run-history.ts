import type { Redis } from 'ioredis';
import { keys } from '../keys';
import { RedisScripts } from '../redis/scripts';
import type { RunEvent } from '~/domain/change-events';
import type { Job, Run } from '~/domain/job-definition';
import { RunLock, type TakenRunLock } from './run-lock';
import { countRun } from '../metrics/process-metrics';

/** The steps that end a run, counted in stock_scheduler_runs_total. */
const LAST_STEPS: ReadonlySet<RunEvent['action']> = new Set(['finished', 'skipped', 'missed']);

/** What a step of a run does to its job besides saving the run. */
export interface RunStep {
  action: RunEvent['action'];
  /** The job's new `status`; omitted, the job is left as it is. */
  jobStatus?: Job['status'];
  /** With `jobStatus`: the run is over, `last_run` and `last_run_status` follow it. */
  finished?: boolean;
  /** Drop the job's run lock if this run still holds it. */
  releaseLock?: boolean;
  /** The job's fire after this run's: next_run moves to it if the due set holds it. */
  nextRun?: Date | null;
}

/**
 * A job's runs: each record under its own key, a capped history per job, and the steps of a run
 * (run-record-12.lua), each of which saves the run, updates its job and publishes the change in
 * one round trip.
 */
export class RunHistory {
  private readonly scripts: RedisScripts;

  constructor(
    private readonly redis: Redis,
    private readonly limit: number,
    private readonly lock: RunLock = new RunLock(redis),
  ) {
    this.scripts = new RedisScripts(redis);
  }

  /**
   * A run's first step: its job's run lock taken, the run entered as `instanceId`'s, the job and
   * the run read (RunLock.take); a scheduled run's fire (`fireMs`) no longer awaits its start.
   */
  begin(
    jobId: string,
    runId: string,
    lockMs: number,
    instanceId: string,
    fireMs?: number,
  ): Promise<TakenRunLock> {
    return this.lock.take(jobId, runId, lockMs, instanceId, fireMs);
  }

  /** Takes the run out of the running runs once its final record is written. */
  async forget(runId: string): Promise<void> {
    await this.redis.hdel(keys.runningRuns, runId);
  }

  /**
   * Stores a queued run: 'no job' when its job no longer exists, 'exists' when the run is
   * recorded already (its worker began it); nothing is written then.
   */
  save(run: Run): Promise<'stored' | 'no job' | 'exists'> {
    return this.scripts.saveRun(run, this.limit);
  }

  /**
   * Saves the run, updates its job and publishes the change, atomically. Returns the job as
   * stored afterwards (its JSON), or null when the job no longer exists (nothing is written).
   */
  async record(run: Run, step: RunStep): Promise<string | null> {
    const job = await this.scripts.recordRun({
      run,
      historyLimit: this.limit,
      action: step.action,
      jobStatus: step.jobStatus,
      lastRun: step.finished ? run.started_at : undefined,
      releaseLock: step.releaseLock,
      nextRun: step.nextRun,
    });
    if (job !== null && LAST_STEPS.has(step.action)) countRun(run, step.action === 'finished');
    return job;
  }

  async get(runId: string): Promise<Run | null> {
    const raw = await this.redis.get(keys.run(runId));
    return raw ? (JSON.parse(raw) as Run) : null;
  }

  /** Newest first. */
  async list(jobId: string, limit = this.limit): Promise<Run[]> {
    const ids = await this.redis.zrevrange(keys.jobRuns(jobId), 0, Math.max(0, limit - 1));
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => keys.run(id)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Run);
  }
}

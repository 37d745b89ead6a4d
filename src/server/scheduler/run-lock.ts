/**
 * The per-job run lock, and its only owner: runs of one job never overlap because the lock
 * (`scheduler:job_lock:{job_id}`) holds the run id of the job's run in progress, with a TTL as
 * a safety net for a process that dies. Taken with the run's first step (run-begin-6.lua),
 * renewed while the run goes on, released with its final record (run-record-12.lua, the same
 * round trip) or on its own when a run ends without one.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { RedisScripts } from '../redis/scripts';
import { INSTANCE_TTL_MS } from './instances';
import type { Run } from '~/domain/job-definition';

export interface TakenRunLock {
  locked: boolean;
  /** The run is in the hands of another live instance (run-begin-6.lua): not taken. */
  held: boolean;
  /** The job's stored JSON, or null when it was deleted. */
  job: string | null;
  /** An earlier record of this run (a retry, a queued run-now), or null. */
  run: Run | null;
}

/** A lock being kept for a running run; `stop` ends the renewals (the lock stays as it is). */
export interface KeptRunLock {
  stop(): void;
}

export class RunLock {
  private readonly scripts: RedisScripts;

  constructor(
    redis: Redis,
    private readonly logger?: Logger,
  ) {
    this.scripts = new RedisScripts(redis);
  }

  /**
   * Takes the lock for `runId` (or renews it for the same run) as `instanceId`'s, reading the job
   * and the run; a scheduled run's fire (`fireMs`) has begun and no longer awaits its start.
   */
  async take(
    jobId: string,
    runId: string,
    ttlMs: number,
    instanceId: string,
    fireMs?: number,
  ): Promise<TakenRunLock> {
    const taken = await this.scripts.beginRun({
      jobId,
      runId,
      ttlMs,
      fireMs,
      instanceId,
      goneAfterMs: INSTANCE_TTL_MS,
    });
    return { ...taken, run: taken.run ? (JSON.parse(taken.run) as Run) : null };
  }

  /**
   * Renews the lock every third of its TTL while the run goes on. When the run is found no
   * longer holding it (it expired while this process stalled and another run may have it, or
   * the job was deleted), the loss is logged and `onLost` is called once: the run must stop, or
   * two runs of one job would overlap. A renewal that fails (Redis away) is logged and tried
   * again at the next tick: the lock may well still be ours.
   */
  keep(jobId: string, runId: string, ttlMs: number, onLost: () => void): KeptRunLock {
    let stopped = false;
    let failures = 0;
    const timer = setInterval(() => {
      this.scripts.renewRunLock({ jobId, runId, ttlMs }).then(
        (held) => {
          failures = 0;
          if (held || stopped) return;
          stopped = true;
          clearInterval(timer);
          this.logger?.error('Run lost its job lock; stopping it', {
            job_id: jobId,
            run_id: runId,
          });
          onLost();
        },
        (error: unknown) => {
          failures++;
          this.logger?.warn('Could not renew the job lock; retrying', {
            job_id: jobId,
            run_id: runId,
            failures,
            error: error instanceof Error ? error.message : String(error),
          });
        },
      );
    }, ttlMs / 3);
    return {
      stop() {
        stopped = true;
        clearInterval(timer);
      },
    };
  }

  /** Frees the lock if `runId` still holds it; true when it did. */
  release(jobId: string, runId: string): Promise<boolean> {
    return this.scripts.releaseRunLock({ jobId, runId });
  }
}

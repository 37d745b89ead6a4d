/**
 * No run left running: every working instance looks through the running runs every few
 * seconds and ends those whose instance is gone (no heartbeat for ORPHAN_AFTER_MS) and whose
 * job lock expired, as `failed` with the reason, through the same final record as any run (so
 * the job's status follows and dashboards see the change). The claim (run-orphan-claim-4.lua)
 * makes it exactly once across instances; a run the queue delivered again and another worker
 * resumed has a live owner and is left alone.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { keys } from '../keys';
import { InstanceScripts } from '../redis/instance-scripts';
import { INSTANCE_TTL_MS } from './instances';
import type { RecordRetrier } from './record-retry';
import type { RunHistory } from './run-history';

/**
 * An owner silent this long is gone. Twice the heartbeat's TTL, so that the queue, which
 * delivers a stalled run again once its owner's beat is INSTANCE_TTL_MS old, resumes it first
 * when a worker is free.
 */
export const ORPHAN_AFTER_MS = 2 * INSTANCE_TTL_MS;
const SWEEP_MS = 5000;
/** Beats of instances silent for longer than this are deleted by the sweep. */
const BEATS_KEEP_MS = 24 * 3600 * 1000;

export interface RunRecoveryOptions {
  redis: Redis;
  logger: Logger;
  runs: RunHistory;
  retrier: RecordRetrier;
  instanceId: string;
  lockMs: number;
}

export class RunRecovery {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private readonly scripts: InstanceScripts;

  constructor(private readonly opts: RunRecoveryOptions) {
    this.scripts = new InstanceScripts(opts.redis);
  }

  start(): void {
    this.timer = setInterval(() => {
      // A sweep that fails (Redis away) is simply the next one's to do.
      this.sweeping ??= this.sweep()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.opts.logger.debug('Run recovery sweep failed', { error: (error as Error).message }),
        )
        .finally(() => (this.sweeping = null));
    }, SWEEP_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }

  /** One pass over the running runs; resolves with the ids of the runs it ended. */
  async sweep(): Promise<string[]> {
    const { redis, runs, logger, instanceId } = this.opts;
    const entries = await redis.hgetall(keys.runningRuns);
    const ended: string[] = [];
    for (const [runId, raw] of Object.entries(entries)) {
      const entry = JSON.parse(raw) as { instance: string; job_id: string };
      const claim = await this.scripts.claimOrphanRun({
        runId,
        jobId: entry.job_id,
        instanceId,
        goneAfterMs: ORPHAN_AFTER_MS,
        lockMs: this.opts.lockMs,
      });
      if (claim !== 'claimed') continue;
      const run = await runs.get(runId);
      if (!run) continue;
      const [host, pid] = entry.instance.split(':');
      const failed = {
        ...run,
        status: 'failed' as const,
        finished_at: new Date().toISOString(),
        error: `the instance running it (${host}:${pid}) stopped; its run was not finished`,
      };
      const recorded = await this.opts.retrier.untilWritten(
        'the end of a run left running',
        { job_id: run.job_id, run_id: runId },
        () =>
          runs.record(failed, {
            action: 'finished',
            jobStatus: 'failed',
            finished: true,
            releaseLock: true,
          }),
      );
      if (recorded === undefined) continue;
      await runs.forget(runId);
      ended.push(runId);
      logger.warn('Ended a run its instance left running', {
        job_id: run.job_id,
        run_id: runId,
        instance: entry.instance,
        error: failed.error,
      });
    }
    const [seconds] = await redis.time();
    await redis.zremrangebyscore(
      keys.instanceBeats,
      '-inf',
      Number(seconds) * 1000 - BEATS_KEEP_MS,
    );
    return ended;
  }
}

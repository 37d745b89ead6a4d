/**
 * run.missed, the fire time no run shows: the event of a fire found already late (every
 * instance was down across it) or given up, queued with its claim (fire-claim-7.lua), and the
 * sweep that reports claimed fires that never began (missed-sweep-2.lua). Both are one Redis
 * step each, so a fire is reported once however many instances see it.
 */
import type { NotifyEvent } from '../notifications/messages';
import type { RedisScripts } from '../redis/scripts';
import type { Logger } from '../logger';

export type MissedReason = NonNullable<NotifyEvent['reason']>;

/** The run.missed event of the fire times `firstMs`..`lastMs` of a job, as the stream holds it. */
export function missedFireEvent(fire: {
  jobId: string;
  firstMs: number;
  coalesced: number;
  reason: MissedReason;
  now: number;
}): string {
  const event: NotifyEvent = {
    event_id: `run.missed:${fire.jobId}:${fire.firstMs}`,
    event: 'run.missed',
    occurred_at: new Date(fire.now).toISOString(),
    job_id: fire.jobId,
    fire_at: new Date(fire.firstMs).toISOString(),
    coalesced: fire.coalesced,
    reason: fire.reason,
  };
  return JSON.stringify(event);
}

const SWEEP_LIMIT = 500;

/** Reports the claimed fires not begun MISSED_AFTER_SECONDS after their time; how many. */
export async function sweepMissedFires(deps: {
  scripts: RedisScripts;
  logger: Logger;
  missedAfterMs: number;
  now: number;
}): Promise<number> {
  let told = 0;
  for (;;) {
    const n = await deps.scripts.sweepMissed({
      cutoffMs: deps.now - deps.missedAfterMs,
      now: new Date(deps.now),
      limit: SWEEP_LIMIT,
    });
    told += n;
    if (n < SWEEP_LIMIT) break;
  }
  if (told > 0) {
    deps.logger.warn('Claimed fires did not start in time: reported as run.missed', {
      count: told,
    });
  }
  return told;
}

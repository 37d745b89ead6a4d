/**
 * Today's finished runs, counted run by run (a job that ran three times counts three times; a
 * morning failure still counts after a later success). "Today" starts at local midnight in
 * the scheduler's zone; a run belongs to the day it started on.
 */
import type { Redis } from 'ioredis';
import type { Run } from '~/domain/job-definition';
import { resolveWall, zoneCache, zonedDateString } from '~/domain/time-zone';
import { keys } from '../keys';

export interface RunsToday {
  completed: number;
  partial: number;
  failed: number;
  /** What "today" means: its date and zone, and the instant it began. */
  today: { date: string; timezone: string; since: string };
}

const MGET_CHUNK = 500;

export async function countRunsToday(
  redis: Redis,
  jobIds: readonly string[],
  timezone: string,
  now = new Date(),
): Promise<RunsToday> {
  const date = zonedDateString(now, timezone);
  const since = resolveWall(zoneCache(timezone), Date.parse(`${date}T00:00:00Z`));
  const counts = { completed: 0, partial: 0, failed: 0 };

  // One round trip for the ids of every job's runs since midnight (each set is capped by the
  // run history), then one per chunk of records.
  const pipeline = redis.pipeline();
  for (const id of jobIds) pipeline.zrangebyscore(keys.jobRuns(id), since, '+inf');
  const replies = (await pipeline.exec()) ?? [];
  const runIds = replies.flatMap(([error, ids]) => (error ? [] : (ids as string[])));
  for (let i = 0; i < runIds.length; i += MGET_CHUNK) {
    const raws = await redis.mget(runIds.slice(i, i + MGET_CHUNK).map((id) => keys.run(id)));
    for (const raw of raws) {
      if (raw === null) continue;
      const status = (JSON.parse(raw) as Pick<Run, 'status'>).status;
      if (status === 'completed' || status === 'partial' || status === 'failed') counts[status]++;
    }
  }
  return { ...counts, today: { date, timezone, since: new Date(since).toISOString() } };
}

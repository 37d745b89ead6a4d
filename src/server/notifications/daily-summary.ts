import type { Redis } from 'ioredis';
import type { Run } from '~/domain/job-definition';
import { isoDate, wallOf, zoneCache } from '~/domain/time-zone';
import { keys } from '../keys';
import type { NotifyEvent, SummaryCounts } from './messages';

const DAY_MS = 86400_000;
/** An instance that was down at SUMMARY_TIME still sends the day's summary this much later. */
const CATCH_UP_MS = 6 * 3600_000;
const JOBS_PER_ROUND_TRIP = 500;

/**
 * The counts of the run records that started in (to - 24 h, to]: read from each job's run
 * history by score, a few hundred jobs per round trip. Stale symbols come from `staleSymbols`.
 */
export async function countLastDay(
  redis: Redis,
  to: number,
  staleSymbols: () => Promise<number>,
): Promise<SummaryCounts> {
  const from = to - DAY_MS;
  const index = await redis.get(keys.jobIndex);
  const jobIds = index ? (JSON.parse(index) as string[]) : [];
  const counts: SummaryCounts = {
    runs: 0,
    completed: 0,
    failed: 0,
    partial: 0,
    missed: 0,
    stale_symbols: await staleSymbols(),
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
  };
  for (let i = 0; i < jobIds.length; i += JOBS_PER_ROUND_TRIP) {
    const pipe = redis.pipeline();
    for (const id of jobIds.slice(i, i + JOBS_PER_ROUND_TRIP)) {
      pipe.zrangebyscore(keys.jobRuns(id), `(${from}`, to);
    }
    const runIds = ((await pipe.exec()) ?? []).flatMap(([, ids]) => (ids ?? []) as string[]);
    if (runIds.length === 0) continue;
    const raws = await redis.mget(runIds.map((id) => keys.run(id)));
    for (const raw of raws) {
      if (!raw) continue;
      const status = (JSON.parse(raw) as Run).status;
      if (status === 'completed' || status === 'failed' || status === 'partial') {
        counts.runs += 1;
        counts[status] += 1;
      } else if (status === 'missed') counts.missed += 1;
    }
  }
  return counts;
}

/**
 * The day's summary event if it is due at `now` (SUMMARY_TIME passed today in `zone`, by less
 * than CATCH_UP_MS) and no instance has taken it yet: SET NX on the day's key makes exactly
 * one instance the sender. Null otherwise.
 */
export async function claimDailySummary(
  redis: Redis,
  options: { now: number; zone: string; time: string; staleSymbols: () => Promise<number> },
): Promise<NotifyEvent | null> {
  if (options.time === 'off') return null;
  const wall = wallOf(zoneCache(options.zone), options.now);
  const date = isoDate(wall);
  const [h, m] = options.time.split(':').map(Number);
  const sinceDue = (wall % DAY_MS) - ((h ?? 0) * 60 + (m ?? 0)) * 60_000;
  if (sinceDue < 0 || sinceDue >= CATCH_UP_MS) return null;
  const won = await redis.set(keys.summarySent(date), String(options.now), 'PX', 3 * DAY_MS, 'NX');
  if (won !== 'OK') return null;
  return {
    event_id: `summary.daily:${date}`,
    event: 'summary.daily',
    occurred_at: new Date(options.now).toISOString(),
    job_id: null,
    summary: await countLastDay(redis, options.now, options.staleSymbols),
  };
}

import type { Redis } from 'ioredis';
import type { Job } from '~/domain/job-definition';
import { freshness } from '../market-data/freshness';
import type { SeriesStore } from '../market-data/series-store';
import { keys } from '../keys';
import type { NotifyEvent } from './messages';

export interface StaleSymbol {
  symbol: string;
  /** The session its series lacks. */
  session: string;
  jobs: string[];
}

/**
 * Symbols of active fetch jobs whose series lacks the last session that closed at least
 * STALE_AFTER_MINUTES ago (a symbol never fetched counts). One read of every job and one of
 * the series' meta hashes; no bars are read.
 */
export async function findStale(deps: {
  jobs: Job[];
  series: SeriesStore;
  staleAfterMinutes: number;
  now: number;
}): Promise<StaleSymbol[]> {
  const bySymbol = new Map<string, string[]>();
  for (const job of deps.jobs) {
    // An analyze job reads the series but does not fetch them: its symbols are not its to keep fresh.
    if (!job.is_active || job.task === 'analyze') continue;
    for (const s of job.stock_ids) bySymbol.set(s, [...(bySymbol.get(s) ?? []), job.job_id]);
  }
  const symbols = [...bySymbol.keys()];
  const metas = await deps.series.metas(symbols);
  const out: StaleSymbol[] = [];
  symbols.forEach((symbol, i) => {
    const f = freshness(symbol, metas[i]?.last_date ?? null, deps.now, deps.staleAfterMinutes);
    if (!f.fresh && f.last_session) {
      out.push({ symbol, session: f.last_session, jobs: bySymbol.get(symbol) ?? [] });
    }
  });
  return out;
}

/**
 * The data.stale events due now: one per (symbol, session), claimed with SET NX so that of
 * all the instances checking, one reports it, once. The count of stale symbols is kept for
 * the metrics and the daily summary.
 */
export async function claimStale(redis: Redis, stale: StaleSymbol[], now: number) {
  await redis.set(keys.staleCount, String(stale.length));
  const events: NotifyEvent[] = [];
  for (const s of stale) {
    const won = await redis.set(
      keys.staleSent(s.symbol, s.session),
      '1',
      'PX',
      10 * 86400_000,
      'NX',
    );
    if (won !== 'OK') continue;
    events.push({
      event_id: `data.stale:${s.symbol}:${s.session}`,
      event: 'data.stale',
      occurred_at: new Date(now).toISOString(),
      job_id: s.jobs[0] ?? null,
      job_ids: s.jobs,
      symbols: [s.symbol],
      session: s.session,
    });
  }
  return events;
}

/** The stale count the last check wrote (0 before any check). */
export async function staleCount(redis: Redis): Promise<number> {
  return Number((await redis.get(keys.staleCount)) ?? 0);
}

/**
 * The suspicious bars a run stored: after a merge, the window's bars are checked (with the bar
 * before it, for jumps) and each issue not seen before is kept in the symbol's issues hash, so a
 * run reports only the issues it brought (an additive run field), and a bar fetched again with
 * the same fault is not counted twice. The bars themselves are never changed.
 */
import type { Redis } from 'ioredis';
import { keys } from '../keys';
import { barIssues } from './series-quality';
import type { SeriesStore } from './series-store';

const DAY_MS = 86_400_000;
/** How far before the window the previous bar is looked for (long holidays, halts). */
const LOOK_BACK_DAYS = 31;

export async function storeNewIssues(
  redis: Redis,
  series: SeriesStore,
  symbol: string,
  start: string,
  end: string,
): Promise<number> {
  const from = new Date(Date.parse(`${start}T00:00:00Z`) - LOOK_BACK_DAYS * DAY_MS)
    .toISOString()
    .slice(0, 10);
  const bars = await series.bars(symbol, from, end);
  const before = bars.filter((b) => b.date < start);
  const inWindow = bars.filter((b) => b.date >= start);
  const issues = barIssues(inWindow, before.at(-1) ?? null);
  if (issues.length === 0) return 0;
  const pipeline = redis.pipeline();
  for (const i of issues)
    pipeline.hsetnx(keys.seriesIssues(symbol), `${i.date}:${i.kind}`, i.detail);
  const results = (await pipeline.exec()) ?? [];
  return results.filter(([error, added]) => !error && added === 1).length;
}

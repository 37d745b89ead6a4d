/**
 * A separate process that merges one bar at a time into a symbol's series:
 * `node --import tsx test/support/merge-writer.ts <redis url> <symbol> <first day> <step> <count>`
 * merges the days first, first+step, ... of 2001 (day numbers from 1 January), each in its own
 * fetch, then prints "done". Two of these with interleaved days race on the same year string.
 */
import { Redis } from 'ioredis';
import { SeriesStore } from '../../src/server/market-data/series-store';

const [url, symbol, first, step, count] = process.argv.slice(2);
const redis = new Redis(url!);
const store = new SeriesStore(redis);
const fetchedAt = new Date().toISOString();
for (let i = 0; i < Number(count); i++) {
  const day = Number(first) + i * Number(step);
  const date = new Date(Date.UTC(2001, 0, 1 + day)).toISOString().slice(0, 10);
  await store.merge(
    {
      symbol: symbol!,
      currency: 'USD',
      exchange_timezone: 'America/New_York',
      bars: [
        { date, open: day, high: day + 1, low: day - 1, close: day, adj_close: day, volume: day },
      ],
      dividends: [],
      splits: [],
    },
    fetchedAt,
    date,
  );
}
console.log('done');
await redis.quit();

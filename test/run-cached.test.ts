/**
 * A run skips the provider for a symbol whose series is already fresh (issue 13, item 4): the
 * real JobExecutor and BullMQ worker, the real Yahoo client over HTTP to the replay server
 * (synthetic bars, one per NYSE session, none after its clock), a real redis-server. One clock
 * drives both the executor and the replay server, so "after the close" is a chosen instant.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../src/domain/job-definition';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import { keys } from '../src/server/keys';
import { createProvider } from '../src/server/market-data/yahoo';
import type { StockDataRecord } from '../src/server/market-data/stock-data-store';
import { JobExecutor, type RunRequest } from '../src/server/scheduler/job-executor';
import type { Services } from '../src/server/services';
import { createContextInner } from '../src/server/trpc/context';
import { createCaller } from '../src/server/trpc/root';
import { MSFT_FILE, recordedChart, tsOf } from './support/charts';
import { waitFor } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { testServices } from './support/services';

let redis: TestRedis;
let client: Redis;
let replay: ReplayServer;
let clock = 0;
const now = () => clock;
const MIN = 60_000;

const SYMBOLS = ['KO', 'PEP', 'XOM', 'CVX', 'JNJ'];

function executor(conn: Redis = client) {
  return new JobExecutor({
    redis: conn,
    provider: createProvider({ YAHOO_BASE_URL: replay.url, PROVIDER_TIMEOUT_MS: 5000 }),
    config: {
      PROVIDER_MAX_RPS: 100,
      PROVIDER_CONCURRENCY: 8,
      PROVIDER_MAX_ATTEMPTS: 2,
      PROVIDER_BACKOFF_MS: 10,
      DATA_SETTLE_MINUTES: 30,
    },
    now,
  });
}

let runs = 0;
const run = (symbols: string[], start: string, end: string, force = false): RunRequest => ({
  run_id: `run-${++runs}`,
  job_id: 'job-1',
  symbols,
  start,
  end,
  ...(force && { force }),
});

async function record(key: string): Promise<StockDataRecord> {
  const raw = await client.get(key);
  expect(raw).not.toBeNull();
  return JSON.parse(raw!) as StockDataRecord;
}

/** A record's data, without who fetched it and when. */
function dataOf(r: StockDataRecord) {
  const { job_id: _j, run_id: _r, fetched_at: _f, ...data } = r;
  return data;
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
  replay = await startReplayServer({ synthetic: true, now });
});

beforeEach(async () => {
  replay.reset();
  await client.flushall();
});

afterAll(async () => {
  client?.disconnect();
  await replay?.close();
  await redis?.stop();
});

// Tuesday 25 November 2025: NYSE closes at 16:00 New York, 21:00 UTC.
const CLOSE = Date.parse('2025-11-25T21:00:00Z');

describe('a run served from a fresh series', () => {
  it('around the close: fetched in the session and before it settles, served once settled', async () => {
    const ex = executor();
    const window = ['2025-10-27', '2025-11-25'] as const;
    clock = CLOSE - 60 * MIN; // the session is open: its bar is not final
    await ex.execute(run(['KO'], ...window));
    clock = CLOSE + 10 * MIN; // closed but not settled
    const early = await ex.execute(run(['KO'], ...window));
    expect(early.symbols[0]!.status).toBe('ok');
    clock = CLOSE + 31 * MIN; // settled, but the series' bar of the 25th was fetched before that
    const settled = await ex.execute(run(['KO'], ...window));
    expect(settled.symbols[0]!.status).toBe('ok');
    expect(replay.stats.bySymbol.KO).toBe(3);
    const fetched = await record(settled.symbols[0]!.key!);

    clock = CLOSE + 45 * MIN; // fresh from a fetch made after the session settled
    const req = run(['KO'], ...window);
    const cached = await ex.execute(req);
    expect(cached).toEqual({
      status: 'completed',
      symbols: [{ symbol: 'KO', status: 'cached', bars: 22, key: settled.symbols[0]!.key }],
      error: null,
      data_issues_new: 0,
    });
    expect(replay.stats.bySymbol.KO).toBe(3);
    expect(ex.stats.cached).toBe(1);
    const written = await record(cached.symbols[0]!.key!);
    expect(written).toMatchObject({ job_id: 'job-1', run_id: req.run_id, source: 'synthetic' });
    expect(dataOf(written)).toEqual(dataOf(fetched));
    expect(Math.abs(Date.parse(written.fetched_at) - (CLOSE + 31 * MIN))).toBeLessThan(1000);

    // A shorter window inside it is served too, holding exactly its own bars.
    const inner = await ex.execute(run(['KO'], '2025-11-10', '2025-11-21'));
    expect(inner.symbols[0]!.status).toBe('cached');
    const innerRecord = await record(inner.symbols[0]!.key!);
    expect(innerRecord.bars).toEqual(
      fetched.bars.filter((b) => b.date >= '2025-11-10' && b.date <= '2025-11-21'),
    );
    expect(replay.stats.bySymbol.KO).toBe(3);
  });

  it('force fetches; a stale series fetches; a window reaching before the series fetches', async () => {
    const ex = executor();
    clock = CLOSE + 40 * MIN;
    await ex.execute(run(['PEP'], '2025-11-01', '2025-11-25'));
    const forced = await ex.execute(run(['PEP'], '2025-11-01', '2025-11-25', true));
    expect(forced.symbols[0]!.status).toBe('ok');
    expect(replay.stats.bySymbol.PEP).toBe(2);
    const older = await ex.execute(run(['PEP'], '2025-10-01', '2025-11-25'));
    expect(older.symbols[0]!.status).toBe('ok');
    expect(replay.stats.bySymbol.PEP).toBe(3);

    // The next day after its close: the series lacks the 26th, so it is stale.
    clock = CLOSE + 24 * 60 * MIN + 40 * MIN;
    const stale = await ex.execute(run(['PEP'], '2025-11-01', '2025-11-26'));
    expect(stale.symbols[0]!.status).toBe('ok');
    expect(replay.stats.bySymbol.PEP).toBe(4);
    const again = await ex.execute(run(['PEP'], '2025-11-01', '2025-11-26'));
    expect(again.symbols[0]!.status).toBe('cached');
    expect(replay.stats.bySymbol.PEP).toBe(4);
  });

  it('over a weekend after the early close of Black Friday and the Thanksgiving holiday', async () => {
    const ex = executor();
    // Friday 28 November 2025 closes early, 13:00 New York = 18:00 UTC.
    clock = Date.parse('2025-11-28T18:35:00Z');
    const first = await ex.execute(run(['XOM'], '2025-11-20', '2025-11-30'));
    expect(first.symbols[0]).toMatchObject({ status: 'ok', bars: 6 });
    clock = Date.parse('2025-11-30T12:00:00Z'); // Sunday
    const sunday = await ex.execute(run(['XOM'], '2025-11-20', '2025-11-30'));
    expect(sunday.symbols[0]).toMatchObject({ status: 'cached', bars: 6 });
    expect(replay.stats.bySymbol.XOM).toBe(1);
  });
});

describe('a run counts the suspicious bars it stored', () => {
  it('new issues are counted once: a later fetch of the same bad bars brings none', async () => {
    clock = Date.parse('2022-02-01T12:00:00Z');
    const chart = recordedChart(MSFT_FILE);
    const quote = chart.indicators.quote[0]!;
    const at = (date: string) => chart.timestamp!.indexOf(tsOf(chart, date));
    quote.volume![at('2021-03-02')] = -5;
    quote.low![at('2021-03-03')] = quote.high![at('2021-03-03')]! + 1;
    replay.setHistory('MSFT', chart);
    const ex = executor();

    const clean = await ex.execute(run(['MSFT'], '2021-02-01', '2021-02-26'));
    expect(clean.symbols[0]!.status).toBe('ok');
    expect(clean.data_issues_new).toBe(0);
    const first = await ex.execute(run(['MSFT'], '2021-02-01', '2021-03-31'));
    expect(first.data_issues_new).toBe(2);
    expect(await client.hkeys(keys.seriesIssues('MSFT'))).toEqual(
      expect.arrayContaining(['2021-03-02:volume_negative', '2021-03-03:high_below_low']),
    );
    const again = await ex.execute(run(['MSFT'], '2021-03-01', '2021-03-31', true));
    expect(again.symbols[0]!.status).toBe('ok');
    expect(again.data_issues_new).toBe(0);
  });
});

describe('100 jobs over 5 symbols after the close, through the worker', () => {
  let services: Services;

  afterEach(async () => {
    await services?.close();
  });

  /** Every run of `ids` once finished, by job. */
  async function finished(ids: string[], since = 0): Promise<Map<string, Run>> {
    return waitFor(
      `runs of ${ids.length} jobs finished`,
      async () => {
        const out = new Map<string, Run>();
        for (const id of ids) {
          const list = await services.runs.list(id, 10);
          const done = list.filter((r) => r.finished_at && Date.parse(r.started_at) >= since);
          if (done[0]) out.set(id, done[0]);
        }
        return out.size === ids.length && out;
      },
      60_000,
    );
  }

  it('make 5 provider requests; the other runs are cached with correct records; force and backfill fetch', async () => {
    // Today (the worker's run window ends on today's date, UTC), after NYSE's close settled.
    const today = new Date().toISOString().slice(0, 10);
    clock = Date.parse(`${today}T23:30:00Z`);
    const conn = new Redis(redis.url);
    services = testServices(redis.url, {}, { executor: executor(conn) });
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const job = await services.registry.create({
        name: `job ${i}`,
        stock_ids: [SYMBOLS[i % 5]!, SYMBOLS[(i + 2) % 5]!],
        schedule_time: '03:00',
        timezone: 'UTC',
        lookback_days: i < 3 ? 30 : [7, 14, 30][i % 3],
      });
      ids.push(job.job_id);
    }
    await services.startScheduler({ dispatch: false, work: true });
    const api = createCaller(createContextInner({ services }));

    // Jobs 0, 1 and 2 fire first, one after another (KO+XOM, PEP+CVX, XOM+JNJ: the 5
    // symbols over 30 days), then the 97 others at once.
    const firsts = new Map<string, Run>();
    for (const id of ids.slice(0, 3)) {
      await api.jobs.runNow({ job_id: id });
      firsts.set(id, (await finished([id])).get(id)!);
    }
    expect(firsts.get(ids[2]!)!.symbols.map((s) => s.status)).toEqual(['cached', 'ok']);
    for (const id of ids.slice(3)) await api.jobs.runNow({ job_id: id });
    const rest = await finished(ids.slice(3));
    expect(replay.stats.bySymbol).toEqual({ KO: 1, PEP: 1, XOM: 1, CVX: 1, JNJ: 1 });
    const outcomes = [...rest.values()].flatMap((r) => r.symbols);
    expect(outcomes).toHaveLength(194);
    expect(outcomes.filter((s) => s.status === 'cached')).toHaveLength(194);
    for (const r of [...firsts.values(), ...rest.values()]) {
      expect(r.status).toBe('completed');
      expect(r.data_issues_new).toBe(0);
    }

    // Each cached record holds what a fetch of its window gives: checked against forced runs.
    const samples = [ids[3]!, ids[4]!, ids[5]!];
    const before = new Map<string, StockDataRecord>();
    for (const id of samples) {
      for (const s of rest.get(id)!.symbols) {
        const r = await record(s.key!);
        // The last run to write this key: jobs of one lookback share their records' keys.
        expect([...rest.values()].some((x) => x.run_id === r.run_id)).toBe(true);
        before.set(s.key!, r);
      }
    }
    const forcedAt = Date.now();
    for (const id of samples) await api.jobs.runNow({ job_id: id, force: true });
    const forced = await finished(samples, forcedAt);
    for (const id of samples) {
      for (const s of forced.get(id)!.symbols) {
        expect(s.status).toBe('ok');
        expect(dataOf(await record(s.key!))).toEqual(dataOf(before.get(s.key!)!));
      }
    }
    expect(replay.stats.total).toBe(5 + 6);

    // A backfill always fetches, though the series holds its range.
    const job = (await services.registry.get(ids[7]!))!;
    const backfillAt = Date.now();
    const start = forced.get(ids[3]!)!.start;
    await api.jobs.runNow({ job_id: job.job_id, start, end: today });
    const backfill = (await finished([job.job_id], backfillAt)).get(job.job_id)!;
    expect(backfill.trigger).toBe('backfill');
    expect(backfill.symbols.map((s) => s.status)).toEqual(['ok', 'ok']);
    expect(replay.stats.total).toBe(5 + 6 + 2);
    conn.disconnect();
  });

  it('force must be true or false', async () => {
    services = testServices(redis.url);
    const job = await services.registry.create({
      name: 'f',
      stock_ids: ['KO'],
      schedule_time: '03:00',
    });
    const api = createCaller(createContextInner({ services }));
    await expect(
      api.jobs.runNow({ job_id: job.job_id, force: 'yes' as unknown as boolean }),
    ).rejects.toThrow(/force.*must be true or false|must be true or false/);
    expect(await services.runs.list(job.job_id, 10)).toEqual([]);
  });
});

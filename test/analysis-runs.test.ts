/**
 * Analysis runs (CONTRACT.md section 11) through the real path: real Redis and BullMQ, the
 * replay server over HTTP for the fetch job that fills a series, the run worker executing an
 * analyze job, and a real webhook receiver for the analysis.signal it raises. A signal is
 * raised once per (signal, symbol, bar date); a symbol without a series or with too few bars
 * is that symbol's error in a partial run; the stored latest values are the indicators API's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import { keys } from '../src/server/keys';
import { buildMessage } from '../src/server/notifications/messages';
import type { DailyBar } from '../src/server/market-data/provider';
import { SeriesStore } from '../src/server/market-data/series-store';
import { createRedis } from '../src/server/redis/connection';
import { createServices, type Services } from '../src/server/services';
import { createContextInner } from '../src/server/trpc/context';
import { createCaller } from '../src/server/trpc/root';
import { serveApi } from './support/app-handler-server';
import { capturingLogger } from './support/capturing-logger';
import { deliveriesSettled, eventsConsumed } from './support/deliveries';
import { api } from './support/http';
import { refIndicator } from './support/indicator-reference';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { runToEnd } from './support/services';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

let redis: TestRedis;
let replay: ReplayServer;
let services: Services;
let hook: WebhookReceiver;
let caller: ReturnType<typeof createCaller>;
const logLines: string[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  replay = await startReplayServer();
  hook = await startWebhookReceiver();
  const config = loadConfig({
    REDIS_URL: redis.url,
    SCHEDULER_TIMEZONE: 'UTC',
    YAHOO_BASE_URL: replay.url,
    NOTIFY_BACKOFF_MS: '100',
    PUBLIC_URL: 'http://scheduler.example.com',
    SUMMARY_TIME: 'off',
    LOG_LEVEL: 'info',
  });
  services = createServices(config, capturingLogger(logLines), createRedis(redis.url));
  caller = createCaller(createContextInner({ services }));
  await services.startScheduler({ dispatch: false });
});

afterAll(async () => {
  await services?.close();
  await hook?.close();
  await replay?.close();
  await redis?.stop();
});

/** Weekdays from 2026-10-01 on, one per price. */
function weekdays(n: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(2026, 9, 1); out.length < n; t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** Stores a made-up series for `symbol` through the series store, as a fetch would. */
async function storeSeries(symbol: string, prices: number[]): Promise<string[]> {
  const dates = weekdays(prices.length);
  const bars: DailyBar[] = prices.map((p, i) => ({
    date: dates[i]!,
    open: p,
    high: p,
    low: p,
    close: p,
    adj_close: p,
    volume: 1000,
  }));
  const history = {
    symbol,
    currency: 'USD',
    exchange_timezone: 'America/New_York',
    bars,
    dividends: [],
    splits: [],
  };
  await new SeriesStore(services.redis).merge(history, new Date().toISOString(), dates[0]!);
  return dates;
}

/** 29 bars going up and down by 1 (RSI 50), then a jump of 10: RSI(14) crosses 70 on it. */
const zigzag = (n: number) => Array.from({ length: n }, (_, i) => 100 + (i % 2));
const crossing = [...zigzag(29), 110];

const signalEvents = async () =>
  (await services.redis.xrange(keys.notifyEvents, '-', '+'))
    .map(([, fields]) => JSON.parse(fields[1]!) as { event: string; event_id: string })
    .filter((e) => e.event === 'analysis.signal');

describe('signals', () => {
  it('RSI crossing 70 on the last bar raises one event to the webhook; the next run on the same bar none', async () => {
    const rsi = refIndicator('rsi:14', crossing);
    expect(rsi.at(-2)!).toBeLessThanOrEqual(70);
    expect(rsi.at(-1)!).toBeGreaterThan(70);
    const dates = await storeSeries('XRSI', crossing);
    await storeSeries('XFLAT', zigzag(30));
    const { job_id } = await caller.jobs.create({
      name: 'Momentum',
      stock_ids: ['XRSI', 'XFLAT'],
      schedule_time: '17:00',
      task: 'analyze',
      analysis: {
        indicators: ['sma:5'],
        signals: [{ indicator: 'rsi:14', op: 'crosses_above', value: 70 }],
      },
    });
    await services.channels.create({
      kind: 'webhook',
      name: 'Signals',
      url: hook.url,
      format: 'json',
      events: ['analysis.signal'],
      job_ids: [job_id],
    });

    const first = await runToEnd(services, job_id);
    expect(first.status).toBe('completed');
    expect(first.symbols).toEqual([
      { symbol: 'XRSI', status: 'ok', bars: 30 },
      { symbol: 'XFLAT', status: 'ok', bars: 30 },
    ]);
    const [req] = await hook.waitForRequests(1);
    const body = JSON.parse(req!.body) as {
      event: string;
      text: string;
      symbols: string[];
      job: { job_id: string };
      run: { run_id: string };
      signal: { symbol: string; date: string; observed: number };
    };
    expect(body.event).toBe('analysis.signal');
    expect(body.symbols).toEqual(['XRSI']);
    expect(body.job.job_id).toBe(job_id);
    expect(body.run.run_id).toBe(first.run_id);
    const observed = rsi.at(-1)!.toFixed(2);
    expect(body.text).toContain(
      `XRSI RSI(14) crossed above 70 (${observed}) on ${dates.at(-1)} (job "Momentum")`,
    );
    expect(body.signal).toMatchObject({ symbol: 'XRSI', date: dates.at(-1) });
    expect(body.signal.observed).toBeCloseTo(rsi.at(-1)!, 9);

    const answer = await caller.jobs.analysis({ job_id });
    expect(answer.run_id).toBe(first.run_id);
    expect(answer.symbols.map((s) => [s.symbol, s.signals[0]!.holds])).toEqual([
      ['XRSI', true],
      ['XFLAT', false],
    ]);

    const second = await runToEnd(services, job_id);
    expect(second.status).toBe('completed');
    await eventsConsumed(services);
    await deliveriesSettled(services);
    expect(hook.requests).toHaveLength(1);
    expect(await signalEvents()).toHaveLength(1);
    expect((await caller.jobs.analysis({ job_id })).run_id).toBe(second.run_id);

    // A higher bar next: RSI stays above 70 but crossed on the bar before, so no new crossing.
    await storeSeries('XRSI', [...crossing, 111]);
    expect(refIndicator('rsi:14', [...crossing, 111]).at(-1)!).toBeGreaterThan(70);
    await runToEnd(services, job_id);
    const after = await caller.jobs.analysis({ job_id });
    expect(after.symbols[0]!.signals[0]).toMatchObject({ holds: false });
    expect(after.symbols[0]!.date).toBe(weekdays(31).at(-1));
    await eventsConsumed(services);
    expect(await signalEvents()).toHaveLength(1);
  });

  it('a signal against another indicator holds on the last bar of each new date, raised once per date', async () => {
    // Rising prices: the last close stays above its 5-bar SMA; a new bar is a new date.
    const rising = Array.from({ length: 10 }, (_, i) => 50 + i);
    await storeSeries('XUP', rising);
    const { job_id } = await caller.jobs.create({
      name: 'Above average',
      stock_ids: ['XUP'],
      schedule_time: '17:00',
      task: 'analyze',
      analysis: {
        indicators: ['sma:1'],
        signals: [{ indicator: 'sma:1', op: '>', value: 'sma:5' }],
      },
    });
    const before = (await signalEvents()).length;
    await runToEnd(services, job_id);
    await runToEnd(services, job_id);
    expect((await signalEvents()).length - before).toBe(1);
    await storeSeries('XUP', [...rising, 60]);
    await runToEnd(services, job_id);
    const raised = (await signalEvents()).slice(before);
    expect(raised).toHaveLength(2);
    expect(new Set(raised.map((e) => e.event_id)).size).toBe(2);
    const answer = await caller.jobs.analysis({ job_id });
    expect(answer.symbols[0]!.values).toEqual({ 'sma:1': 60, 'sma:5': 58 });
  });
});

describe('symbols it cannot analyse', () => {
  it('too few bars and no series are per-symbol errors in a partial run', async () => {
    await storeSeries('XSHORT', [1, 2, 3, 4, 5]);
    const { job_id } = await caller.jobs.create({
      name: 'Gaps',
      stock_ids: ['XRSI', 'XSHORT', 'XNONE'],
      schedule_time: '17:00',
      task: 'analyze',
      analysis: { indicators: ['rsi:14', 'drawdown'] },
    });
    const run = await runToEnd(services, job_id);
    expect(run.status).toBe('partial');
    expect(run.symbols).toEqual([
      { symbol: 'XRSI', status: 'ok', bars: 31 },
      { symbol: 'XSHORT', status: 'error', error: 'too few bars: 5 stored, rsi:14 needs 15' },
      {
        symbol: 'XNONE',
        status: 'error',
        error: 'no stored series for XNONE: a fetch job with this symbol must run first',
      },
    ]);
    const job = await caller.jobs.get({ job_id });
    const words = buildMessage(
      {
        event_id: 'x',
        event: 'run.partial',
        occurred_at: run.finished_at!,
        job_id,
        run_id: run.run_id,
      },
      { job, run, lastSuccess: null, publicUrl: 'http://x', zone: 'UTC' },
    );
    expect(words.text).toContain('2 of 3 symbols failed');
    expect(words.text).toContain('; 1 analysed.');
    const answer = await caller.jobs.analysis({ job_id });
    const short = answer.symbols[1]!;
    expect(short.values['rsi:14']).toBeNull();
    expect(short.values.drawdown).toBe(0);
    expect(short.error).toContain('too few bars');
    expect(answer.symbols[2]).toMatchObject({ date: null, values: { 'rsi:14': null } });

    const { job_id: none } = await caller.jobs.create({
      name: 'Nothing stored',
      stock_ids: ['XNONE'],
      schedule_time: '17:00',
      task: 'analyze',
      analysis: { indicators: ['sma:2'] },
    });
    const failed = await runToEnd(services, none);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('XNONE: no stored series');
  });
});

describe('latest values', () => {
  it('after a fetch job fills the series, they equal the last values of data.indicators', async () => {
    const { job_id: fetchJob } = await caller.jobs.create({
      name: 'MSFT history',
      stock_ids: ['MSFT'],
      schedule_time: '17:00',
    });
    const fetched = await runToEnd(services, fetchJob, { start: '2021-02-01', end: '2022-01-31' });
    expect(fetched.status).toBe('completed');
    const names = [
      'sma:20',
      'ema:12',
      'rsi:14',
      'volatility:20',
      'drawdown',
      'return:1',
      'sma:200',
    ];
    const { job_id } = await caller.jobs.create({
      name: 'MSFT analysis',
      stock_ids: ['MSFT'],
      schedule_time: '17:00',
      task: 'analyze',
      analysis: { indicators: names, price: 'adj_close' },
    });
    const run = await runToEnd(services, job_id);
    expect(run.status).toBe('completed');
    const server = await serveApi(services);
    const rest = await api<Awaited<ReturnType<typeof caller.jobs.analysis>>>(
      server.base,
      'GET',
      `/scheduler/jobs/${job_id}/analysis`,
    );
    const doc = await api<{ paths: Record<string, { get?: unknown }> }>(
      server.base,
      'GET',
      '/api/openapi.json',
    );
    server.close();
    expect(doc.body.paths['/scheduler/jobs/{job_id}/analysis']?.get).toBeDefined();
    expect(rest.status).toBe(200);
    expect(rest.body).toEqual(await caller.jobs.analysis({ job_id }));
    const ind = await caller.data.indicators({
      symbol: 'MSFT',
      names: names.join(','),
      price: 'adj_close',
    });
    const [msft] = rest.body.symbols;
    expect(msft!.date).toBe(ind.indicators['sma:20']!.at(-1)!.date);
    for (const name of names) {
      expect(msft!.values[name], name).toBe(ind.indicators[name]!.at(-1)!.value);
      expect(msft!.values[name], name).not.toBeNull();
    }
    expect(rest.body.computed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('a fetch job has none, an unknown job is 404, and deleting a job removes its values', async () => {
    const { job_id: fetchJob } = await caller.jobs.create({
      name: 'Plain',
      stock_ids: ['MSFT'],
      schedule_time: '17:00',
    });
    expect(await caller.jobs.analysis({ job_id: fetchJob })).toEqual({
      job_id: fetchJob,
      run_id: null,
      computed_at: null,
      symbols: [],
    });
    await expect(caller.jobs.analysis({ job_id: 'no-such-job' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const { job_id } = await caller.jobs.create({
      name: 'Short-lived',
      stock_ids: ['XRSI'],
      schedule_time: '17:00',
      task: 'analyze',
      analysis: { indicators: ['sma:2'], signals: [{ indicator: 'sma:2', op: '>', value: 0 }] },
    });
    await runToEnd(services, job_id);
    expect(await services.redis.exists(keys.analysis(job_id), keys.analysisSignals(job_id))).toBe(
      2,
    );
    await caller.jobs.delete({ job_id });
    expect(await services.redis.exists(keys.analysis(job_id), keys.analysisSignals(job_id))).toBe(
      0,
    );
  });
});

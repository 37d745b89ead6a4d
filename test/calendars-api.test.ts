/**
 * The calendars API and trading-day schedules through the real server: REST answers of
 * CONTRACT.md section 7, the preview, and one trading_days job on the 24/7 calendar that the
 * dispatcher fires on its own at the next whole minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Run } from '../src/domain/job-definition';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import { startApp, type AppProcess } from './support/app-server';
import { api, waitFor } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';

let redis: TestRedis;
let replay: ReplayServer;
let app: AppProcess;

beforeAll(async () => {
  redis = await startTestRedis();
  replay = await startReplayServer({ synthetic: true, latencyMs: 5 });
  app = await startApp({
    env: { REDIS_URL: redis.url, YAHOO_BASE_URL: replay.url, SCHEDULER_TIMEZONE: 'UTC' },
  });
});

afterAll(async () => {
  await app?.stop();
  await replay?.close();
  await redis?.stop();
});

type Issues = { issues: { path: string; message: string }[] };

describe('calendars over REST', () => {
  it('lists the calendars with their coverage', async () => {
    const res = await api<{ calendars: { code: string; suffixes: string[] }[] }>(
      app.url,
      'GET',
      '/scheduler/calendars',
    );
    expect(res.status).toBe(200);
    expect(res.body.calendars.find((c) => c.code === 'XLON')).toMatchObject({
      suffixes: ['.L'],
      timezone: 'Europe/London',
      first_date: '1990-01-01',
    });
  });

  it('answers sessions, holidays and early closes of a range', async () => {
    const sessions = await api<{ code: string; sessions: { date: string; close: string }[] }>(
      app.url,
      'GET',
      '/scheduler/calendars/XNYS/sessions?start=2024-11-27&end=2024-12-02',
    );
    expect(sessions.status).toBe(200);
    expect(sessions.body.sessions.map((s) => [s.date, s.close])).toEqual([
      ['2024-11-27', '2024-11-27T21:00:00.000Z'],
      ['2024-11-29', '2024-11-29T18:00:00.000Z'],
      ['2024-12-02', '2024-12-02T21:00:00.000Z'],
    ]);
    const days = await api(
      app.url,
      'GET',
      '/scheduler/calendars/XNYS/holidays?start=2024-11-01&end=2024-11-30',
    );
    expect(days.body).toEqual({
      code: 'XNYS',
      holidays: [{ date: '2024-11-28', name: 'Thanksgiving Day' }],
      early_closes: [
        { date: '2024-11-29', close: '2024-11-29T18:00:00.000Z', name: 'Day after Thanksgiving' },
      ],
    });
    const thirty = await api<{ sessions: unknown[] }>(
      app.url,
      'GET',
      '/scheduler/calendars/xhkg/sessions?start=1994-01-01&end=2023-12-31',
    );
    expect(thirty.status).toBe(200);
    expect(thirty.body.sessions.length).toBeGreaterThan(7000);
  });

  it('answers 404 for an unknown code and 400 naming the field for a bad range', async () => {
    const unknown = await api(app.url, 'GET', '/scheduler/calendars/XXXX/sessions');
    expect(unknown.status).toBe(404);
    const early = await api<Issues>(
      app.url,
      'GET',
      '/scheduler/calendars/XNYS/sessions?start=1980-01-01&end=1980-12-31',
    );
    expect(early.status).toBe(400);
    expect(early.body.issues).toEqual([
      { path: 'start', message: expect.stringMatching(/1990-01-01/) },
    ]);
    const long = await api<Issues>(
      app.url,
      'GET',
      '/scheduler/calendars/XNYS/sessions?start=1990-01-01&end=2045-01-01',
    );
    expect(long.status).toBe(400);
    expect(long.body.issues[0]!.path).toBe('end');
    const notDate = await api<Issues>(
      app.url,
      'GET',
      '/scheduler/calendars/XNYS/holidays?start=soon',
    );
    expect(notDate.status).toBe(400);
    expect(notDate.body.issues[0]!.path).toBe('start');
  });

  it('are in the OpenAPI document', async () => {
    const doc = await api<{ paths: Record<string, unknown> }>(app.url, 'GET', '/api/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/scheduler/calendars',
        '/scheduler/calendars/{code}/sessions',
        '/scheduler/calendars/{code}/holidays',
        '/scheduler/calendars/for/{symbol}',
        '/scheduler/schedules/preview',
      ]),
    );
  });

  it('names the calendar of a symbol', async () => {
    for (const [symbol, code] of [
      ['VOD.L', 'XLON'],
      ['BTC-USD', '24/7'],
      ['EURUSD=X', '24/5'],
      ['AAPL', 'XNYS'],
    ]) {
      const res = await api(app.url, 'GET', `/scheduler/calendars/for/${symbol}`);
      expect(res).toEqual({ status: 200, body: { symbol, code } });
    }
  });
});

describe('schedules.preview and trading_days jobs', () => {
  it('previews any schedule kind as the dispatcher computes it', async () => {
    const res = await api<{ fire_times: string[] }>(
      app.url,
      'POST',
      '/scheduler/schedules/preview',
      {
        schedule: { kind: 'trading_days', calendar: 'XNYS', times: ['close+30m'] },
        after: '2024-11-26T22:00:00Z',
        count: 2,
      },
    );
    expect(res).toEqual({
      status: 200,
      body: { fire_times: ['2024-11-27T21:30:00.000Z', '2024-11-29T18:30:00.000Z'] },
    });
    const daily = await api<{ fire_times: string[] }>(
      app.url,
      'POST',
      '/scheduler/schedules/preview',
      {
        schedule: { kind: 'daily', times: ['09:00'] },
        timezone: 'Europe/London',
        after: '2024-07-01T00:00:00Z',
        count: 1,
      },
    );
    expect(daily.body.fire_times).toEqual(['2024-07-01T08:00:00.000Z']);
    const bad = await api<Issues>(app.url, 'POST', '/scheduler/schedules/preview', {
      schedule: { kind: 'trading_days', calendar: 'XNYS', times: ['close+999m'] },
      count: 101,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['schedule.times.0', 'count']),
    );
  });

  it('a trading_days job on 24/7 takes the calendar’s zone and the dispatcher fires it', async () => {
    // The next whole minute at least 5 s away, as "HH:MM" UTC (the 24/7 calendar's zone).
    const at = new Date(Math.ceil((Date.now() + 5000) / 60_000) * 60_000);
    const hhmm = at.toISOString().slice(11, 16);
    const created = await api<{ job_id: string }>(app.url, 'POST', '/scheduler/jobs', {
      name: 'Every crypto day',
      stock_ids: ['BTC-USD'],
      schedule: { kind: 'trading_days', calendar: '24/7', times: [hhmm] },
      timezone: 'Asia/Tokyo',
    });
    expect(created.status).toBe(201);
    const id = created.body.job_id;
    const job = (await api<Job>(app.url, 'GET', `/scheduler/jobs/${id}`)).body;
    expect(job.timezone).toBe('UTC');
    expect(job.next_run).toBe(at.toISOString());
    const done = await waitFor(
      'the scheduled run',
      async () => {
        const j = (await api<Job>(app.url, 'GET', `/scheduler/jobs/${id}`)).body;
        return j.last_run ? j : undefined;
      },
      90_000,
    );
    expect(Date.parse(done.next_run!) - at.getTime()).toBe(86_400_000);
    const { runs } = (await api<{ runs: Run[] }>(app.url, 'GET', `/scheduler/jobs/${id}/runs`))
      .body;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'schedule', scheduled_for: at.toISOString() });
  }, 120_000);
});

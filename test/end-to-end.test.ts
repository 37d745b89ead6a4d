/**
 * A user's whole path through the real server: a job with a 6-field cron a few seconds ahead
 * runs on its own and leaves the seed's keys, the run record and last_run; a backfill over a
 * recording's range stores exactly the recorded bars; the history stays capped.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Run } from '../src/domain/job-definition';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import { startApp, type AppProcess } from './support/app-server';
import { api, waitFor } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';

const exec = promisify(execFile);
let redis: TestRedis;
let replay: ReplayServer;
let app: AppProcess;

async function redisCli(...args: string[]): Promise<string> {
  const { stdout } = await exec('redis-cli', ['-p', String(redis.port), ...args]);
  return stdout.trim();
}

beforeAll(async () => {
  redis = await startTestRedis();
  replay = await startReplayServer({ synthetic: true, latencyMs: 20 });
  app = await startApp({
    env: {
      REDIS_URL: redis.url,
      YAHOO_BASE_URL: replay.url,
      SCHEDULER_TIMEZONE: 'America/New_York',
      PROVIDER_MAX_RPS: '50',
      RUN_HISTORY_LIMIT: '3',
    },
  });
});

afterAll(async () => {
  await app?.stop();
  await replay?.close();
  await redis?.stop();
});

describe('end to end through the real server', () => {
  it('a 6-field cron a few seconds ahead fetches, stores the keys and sets last_run', async () => {
    const at = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);
    const expression = `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
    const created = await api<{ job_id: string }>(app.url, 'POST', '/scheduler/jobs', {
      name: 'Seconds ahead',
      stock_ids: ['AAPL', 'MSFT'],
      schedule: { kind: 'cron', expression },
      timezone: 'UTC',
      lookback_days: 30,
    });
    const id = created.body.job_id;
    const job = await waitFor(
      'the run to finish',
      async () => {
        const j = (await api<Job>(app.url, 'GET', `/scheduler/jobs/${id}`)).body;
        return j.last_run ? j : undefined;
      },
      20_000,
    );
    expect(job.status).toBe('completed');
    expect(job.last_run_status).toBe('completed');
    expect(Date.parse(job.next_run!) - at.getTime()).toBe(86_400_000);

    const { runs } = (await api<{ runs: Run[] }>(app.url, 'GET', `/scheduler/jobs/${id}/runs`))
      .body;
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run).toMatchObject({
      trigger: 'schedule',
      status: 'completed',
      scheduled_for: at.toISOString(),
      error: null,
    });
    expect(job.last_run).toBe(run.started_at);
    const end = at.toISOString().slice(0, 10);
    expect(run.end).toBe(end);
    expect(Date.parse(run.end) - Date.parse(run.start)).toBe(30 * 86_400_000);

    // The seed's "Verify Data Fetching", with redis-cli.
    const stored = (await redisCli('KEYS', 'scheduled_stock_data:*')).split('\n').sort();
    expect(stored).toEqual([
      `scheduled_stock_data:AAPL:${run.start}:${run.end}`,
      `scheduled_stock_data:MSFT:${run.start}:${run.end}`,
    ]);
    const record = JSON.parse(await redisCli('GET', stored[0]!));
    expect(record).toMatchObject({
      symbol: 'AAPL',
      start: run.start,
      end: run.end,
      job_id: id,
      run_id: run.run_id,
      // Today's dates are past the AAPL recording: the replay server made these bars up.
      source: 'synthetic',
    });
    expect(record.bars.length).toBeGreaterThan(15);
    expect(run.symbols.map((s) => s.key).sort()).toEqual(stored);

    const viaRest = await api<{ symbol: string; bars: unknown[] }>(
      app.url,
      'GET',
      '/scheduler/data/AAPL',
    );
    expect(viaRest.status).toBe(200);
    expect(viaRest.body).toEqual(record);
    await api(app.url, 'DELETE', `/scheduler/jobs/${id}`);
  });

  it('a backfill over the AAPL recording stores its 49 bars, split and dividend', async () => {
    const created = await api<{ job_id: string }>(app.url, 'POST', '/scheduler/jobs', {
      name: 'Backfill',
      stock_ids: ['AAPL', 'SI'],
      schedule_time: '17:00',
    });
    const id = created.body.job_id;
    const queued = await api<{ run_id: string; message: string }>(
      app.url,
      'POST',
      `/scheduler/jobs/${id}/run`,
      {
        start: '2020-08-31',
        end: '2020-11-06',
      },
    );
    expect(queued.status).toBe(202);
    expect(queued.body.message).toBe('Job run queued');
    const run = await waitFor(
      'the backfill to finish',
      async () => {
        const { runs } = (await api<{ runs: Run[] }>(app.url, 'GET', `/scheduler/jobs/${id}/runs`))
          .body;
        return runs.find((r) => r.run_id === queued.body.run_id && r.finished_at);
      },
      20_000,
    );
    expect(run).toMatchObject({
      trigger: 'backfill',
      status: 'partial',
      start: '2020-08-31',
      end: '2020-11-06',
    });
    const bySymbol = Object.fromEntries(run.symbols.map((s) => [s.symbol, s]));
    expect(bySymbol.AAPL).toMatchObject({
      status: 'ok',
      bars: 49,
      key: 'scheduled_stock_data:AAPL:2020-08-31:2020-11-06',
    });
    expect(bySymbol.SI!.error).toMatch(/^unknown symbol/);
    const record = (
      await api<{ source: string; bars: unknown[]; splits: unknown[]; dividends: unknown[] }>(
        app.url,
        'GET',
        '/scheduler/data/AAPL?start=2020-08-31&end=2020-11-06',
      )
    ).body;
    expect(record.bars).toHaveLength(49);
    expect(record.source).toBe('yahoo');
    expect(record.splits).toEqual([{ date: '2020-08-31', numerator: 4, denominator: 1 }]);
    expect(record.dividends).toEqual([{ date: '2020-11-06', amount: 0.205 }]);
    const job = (await api<Job>(app.url, 'GET', `/scheduler/jobs/${id}`)).body;
    expect(job).toMatchObject({
      status: 'partial',
      last_run_status: 'partial',
      schedule_time: '17:00',
    });
    expect((await api(app.url, 'GET', '/scheduler/data/SI')).status).toBe(404);
    await api(app.url, 'DELETE', `/scheduler/jobs/${id}`);
  });

  it('keeps at most RUN_HISTORY_LIMIT runs per job', async () => {
    const id = (
      await api<{ job_id: string }>(app.url, 'POST', '/scheduler/jobs', {
        name: 'History',
        stock_ids: ['HIST'],
        schedule_time: '17:00',
      })
    ).body.job_id;
    const runIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      runIds.push(
        (await api<{ run_id: string }>(app.url, 'POST', `/scheduler/jobs/${id}/run`)).body.run_id,
      );
      await waitFor('the run', async () => {
        const { runs } = (await api<{ runs: Run[] }>(app.url, 'GET', `/scheduler/jobs/${id}/runs`))
          .body;
        return runs.find((r) => r.run_id === runIds[i] && r.finished_at);
      });
    }
    const { runs } = (await api<{ runs: Run[] }>(app.url, 'GET', `/scheduler/jobs/${id}/runs`))
      .body;
    expect(runs.map((r) => r.run_id)).toEqual(runIds.slice(2).reverse());
    expect(await redisCli('ZCARD', `scheduler:job_runs:${id}`)).toBe('3');
    expect(await redisCli('EXISTS', `scheduler:run:${runIds[0]}`)).toBe('0');
  });
});

/**
 * A job's `task` and `analysis` (CONTRACT.md section 11) over REST and tRPC: defaults always
 * returned, names normalised, accepted on create and update, and every bad value a 400
 * naming its field with nothing stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextInner } from '../src/server/trpc/context';
import { createCaller } from '../src/server/trpc/root';
import { serveApi } from './support/app-handler-server';
import { api } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { testServices } from './support/services';

let redis: TestRedis;
let services: ReturnType<typeof testServices>;
let server: { base: string; close(): void };

const base = { name: 'Analysis', stock_ids: ['AAPL'], schedule_time: '17:00' };
const analysis = {
  indicators: ['RSI:14', 'sma:20', 'sma:20'],
  signals: [
    { indicator: 'rsi:14', op: '>', value: 70 },
    { indicator: 'ema:12', op: 'crosses_above', value: 'SMA:50' },
  ],
};

type Issue = { path: string; message: string };

/** Every job key's content: what a refused request must leave unchanged. */
async function jobState(): Promise<string[]> {
  const ids = await services.registry.ids();
  const raws = await Promise.all(ids.map((id) => services.registry.getRaw(id)));
  return [JSON.stringify(ids), ...raws.map(String)];
}

beforeAll(async () => {
  redis = await startTestRedis();
  services = testServices(redis.url);
  server = await serveApi(services);
});

afterAll(async () => {
  server?.close();
  await services?.close();
  await redis?.stop();
});

describe('task and analysis of a job', () => {
  it('a job without them is a fetch job, and says so', async () => {
    const created = await api<{ job_id: string }>(server.base, 'POST', '/scheduler/jobs', base);
    expect(created.status).toBe(201);
    const got = await api(server.base, 'GET', `/scheduler/jobs/${created.body.job_id}`);
    expect(got.body).toMatchObject({ task: 'fetch', analysis: null });
    const stored = JSON.parse((await services.registry.getRaw(created.body.job_id))!);
    expect(stored).toMatchObject({ task: 'fetch', analysis: null });
  });

  it('an analyze job is stored with its names normalised and defaults filled', async () => {
    const created = await api<{ job_id: string }>(server.base, 'POST', '/scheduler/jobs', {
      ...base,
      task: 'analyze',
      analysis,
    });
    expect(created.status).toBe(201);
    const want = {
      task: 'analyze',
      analysis: {
        indicators: ['rsi:14', 'sma:20'],
        price: 'close',
        signals: [
          { indicator: 'rsi:14', op: '>', value: 70 },
          { indicator: 'ema:12', op: 'crosses_above', value: 'sma:50' },
        ],
      },
    };
    const got = await api(server.base, 'GET', `/scheduler/jobs/${created.body.job_id}`);
    expect(got.body).toMatchObject(want);
    expect(JSON.parse((await services.registry.getRaw(created.body.job_id))!)).toMatchObject(want);
  });

  it('update over tRPC and REST: to analyze, changed, back to fetch (analysis dropped)', async () => {
    const caller = createCaller(createContextInner({ services }));
    const { job_id } = await caller.jobs.create(base);
    const turned = await caller.jobs.update({
      job_id,
      task: 'analyze',
      analysis: { indicators: ['drawdown'], price: 'adj_close' },
    });
    expect(turned.job).toMatchObject({
      task: 'analyze',
      analysis: { indicators: ['drawdown'], price: 'adj_close', signals: [] },
    });
    const changed = await api<{ job: unknown }>(server.base, 'PUT', `/scheduler/jobs/${job_id}`, {
      analysis: { indicators: ['return:1'] },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.job).toMatchObject({
      task: 'analyze',
      analysis: { indicators: ['return:1'], price: 'close' },
    });
    const back = await caller.jobs.update({ job_id, task: 'fetch' });
    expect(back.job).toMatchObject({ task: 'fetch', analysis: null });
    expect((await caller.jobs.get({ job_id })).analysis).toBeNull();
  });

  it('a job stored before the fields existed reads as a fetch job', async () => {
    const caller = createCaller(createContextInner({ services }));
    const { job_id } = await caller.jobs.create(base);
    const raw = JSON.parse((await services.registry.getRaw(job_id))!);
    delete raw.task;
    delete raw.analysis;
    await services.redis.set(`scheduler:job:${job_id}`, JSON.stringify(raw));
    expect(await caller.jobs.get({ job_id })).toMatchObject({ task: 'fetch', analysis: null });
  });
});

describe('bad task and analysis', () => {
  const cases: { name: string; body: Record<string, unknown>; field: string }[] = [
    { name: 'unknown task', body: { ...base, task: 'compute' }, field: 'task' },
    { name: 'analyze without analysis', body: { ...base, task: 'analyze' }, field: 'analysis' },
    { name: 'analysis on a fetch job', body: { ...base, analysis }, field: 'analysis' },
    {
      name: 'no indicators',
      body: { ...base, task: 'analyze', analysis: { indicators: [] } },
      field: 'analysis.indicators',
    },
    {
      name: 'too many indicators',
      body: {
        ...base,
        task: 'analyze',
        analysis: { indicators: Array.from({ length: 21 }, (_, i) => `sma:${i + 1}`) },
      },
      field: 'analysis.indicators',
    },
    {
      name: 'unknown indicator',
      body: { ...base, task: 'analyze', analysis: { indicators: ['macd:12'] } },
      field: 'analysis.indicators.0',
    },
    {
      name: 'bad price',
      body: { ...base, task: 'analyze', analysis: { indicators: ['sma:2'], price: 'open' } },
      field: 'analysis.price',
    },
    {
      name: 'bad signal op',
      body: {
        ...base,
        task: 'analyze',
        analysis: { indicators: ['sma:2'], signals: [{ indicator: 'sma:2', op: '>=', value: 1 }] },
      },
      field: 'analysis.signals.0.op',
    },
    {
      name: 'bad signal indicator',
      body: {
        ...base,
        task: 'analyze',
        analysis: { indicators: ['sma:2'], signals: [{ indicator: 'sma', op: '>', value: 1 }] },
      },
      field: 'analysis.signals.0.indicator',
    },
    {
      name: 'signal value neither number nor name',
      body: {
        ...base,
        task: 'analyze',
        analysis: {
          indicators: ['sma:2'],
          signals: [{ indicator: 'sma:2', op: '>', value: '7O' }],
        },
      },
      field: 'analysis.signals.0.value',
    },
    {
      name: 'too many signals',
      body: {
        ...base,
        task: 'analyze',
        analysis: {
          indicators: ['sma:2'],
          signals: new Array(21).fill({ indicator: 'sma:2', op: '>', value: 1 }),
        },
      },
      field: 'analysis.signals',
    },
    {
      name: 'unknown analysis field',
      body: { ...base, task: 'analyze', analysis: { indicators: ['sma:2'], window: 3 } },
      field: 'analysis',
    },
  ];

  for (const c of cases) {
    it(`create: ${c.name} is a 400 naming ${c.field}, nothing stored`, async () => {
      const before = await jobState();
      const res = await api<{ issues: Issue[] }>(server.base, 'POST', '/scheduler/jobs', c.body);
      expect(res.status).toBe(400);
      expect(res.body.issues.map((i) => i.path)).toContain(c.field);
      expect(await jobState()).toEqual(before);
    });
  }

  it('update: analysis on a fetch job, or analyze without one, is a 400, nothing stored', async () => {
    const { body } = await api<{ job_id: string }>(server.base, 'POST', '/scheduler/jobs', base);
    const before = await jobState();
    for (const patch of [{ analysis: { indicators: ['sma:2'] } }, { task: 'analyze' }]) {
      const res = await api<{ issues: Issue[]; message: string }>(
        server.base,
        'PUT',
        `/scheduler/jobs/${body.job_id}`,
        patch,
      );
      expect(res.status).toBe(400);
      expect(res.body.issues.map((i) => i.path)).toEqual(['analysis']);
      expect(res.body.message).toContain('analysis');
    }
    expect(await jobState()).toEqual(before);
  });
});

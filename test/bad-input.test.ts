/**
 * Bad input gets the documented 4xx with a message naming the field, and nothing in Redis
 * changes: a dump of every scheduler:* key before and after must be equal.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from './support/app-server';
import { startTestRedis, type TestRedis } from './support/redis-server';

let redis: TestRedis;
let app: AppProcess;
let client: Redis;
let jobId: string;

const valid = { name: 'Valid', stock_ids: ['AAPL'], schedule_time: '17:00' };

async function dump(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const all = await client.keys('scheduler:*');
  for (const key of all.sort()) {
    // The stream and BullMQ's keys move on their own; the job state must not.
    if (
      key === 'scheduler:events' ||
      key.startsWith('scheduler:bull') ||
      key === 'scheduler:instances'
    )
      continue;
    const type = await client.type(key);
    if (type === 'string') out[key] = (await client.get(key)) ?? '';
    else if (type === 'zset')
      out[key] = JSON.stringify(await client.zrange(key, 0, -1, 'WITHSCORES'));
    else if (type === 'hash') out[key] = JSON.stringify(await client.hgetall(key));
    else out[key] = type;
  }
  return out;
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
  app = await startApp({ env: { REDIS_URL: redis.url } });
  const res = await fetch(`${app.url}/scheduler/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(valid),
  });
  jobId = ((await res.json()) as { job_id: string }).job_id;
});

afterAll(async () => {
  client?.disconnect();
  await app?.stop();
  await redis?.stop();
});

type Case = {
  name: string;
  method?: string;
  path?: string;
  body?: unknown;
  raw?: string;
  contentType?: string;
  status: number;
  field?: string;
};

const sym = (i: number) => `S${i}`;
const cases: Case[] = [
  {
    name: 'missing name',
    body: { stock_ids: ['AAPL'], schedule_time: '17:00' },
    status: 400,
    field: 'name',
  },
  { name: 'empty name', body: { ...valid, name: '   ' }, status: 400, field: 'name' },
  { name: 'name too long', body: { ...valid, name: 'x'.repeat(201) }, status: 400, field: 'name' },
  { name: 'name a number', body: { ...valid, name: 42 }, status: 400, field: 'name' },
  {
    name: 'missing stock_ids',
    body: { name: 'x', schedule_time: '17:00' },
    status: 400,
    field: 'stock_ids',
  },
  {
    name: 'stock_ids a string',
    body: { ...valid, stock_ids: 'AAPL' },
    status: 400,
    field: 'stock_ids',
  },
  { name: 'empty stock_ids', body: { ...valid, stock_ids: [] }, status: 400, field: 'stock_ids' },
  {
    name: '501 symbols',
    body: { ...valid, stock_ids: Array.from({ length: 501 }, (_, i) => sym(i)) },
    status: 400,
    field: 'stock_ids',
  },
  {
    name: 'symbol with colon and star',
    body: { ...valid, stock_ids: ['AAPL:*'] },
    status: 400,
    field: 'stock_ids.0',
  },
  {
    name: 'symbol with a space',
    body: { ...valid, stock_ids: ['AAPL', 'a b'] },
    status: 400,
    field: 'stock_ids.1',
  },
  {
    name: 'symbol with a control character',
    body: { ...valid, stock_ids: ['AA\u0000PL'] },
    status: 400,
    field: 'stock_ids.0',
  },
  {
    name: 'symbol with a newline',
    body: { ...valid, stock_ids: ['AAPL\nDEL'] },
    status: 400,
    field: 'stock_ids.0',
  },
  {
    name: 'symbol too long',
    body: { ...valid, stock_ids: ['A'.repeat(21)] },
    status: 400,
    field: 'stock_ids.0',
  },
  {
    name: 'symbol a number',
    body: { ...valid, stock_ids: [7] },
    status: 400,
    field: 'stock_ids.0',
  },
  { name: 'symbol empty', body: { ...valid, stock_ids: [''] }, status: 400, field: 'stock_ids.0' },
  {
    name: 'symbol starting with a dot',
    body: { ...valid, stock_ids: ['.X'] },
    status: 400,
    field: 'stock_ids.0',
  },
  {
    name: 'schedule_time 25:00',
    body: { ...valid, schedule_time: '25:00' },
    status: 400,
    field: 'schedule_time',
  },
  {
    name: 'schedule_time 7:5',
    body: { ...valid, schedule_time: '7:5' },
    status: 400,
    field: 'schedule_time',
  },
  {
    name: 'schedule_time 12:60',
    body: { ...valid, schedule_time: '12:60' },
    status: 400,
    field: 'schedule_time',
  },
  {
    name: 'schedule_time a number',
    body: { ...valid, schedule_time: 1700 },
    status: 400,
    field: 'schedule_time',
  },
  {
    name: 'neither schedule form',
    body: { name: 'x', stock_ids: ['AAPL'] },
    status: 400,
    field: 'schedule_time',
  },
  {
    name: 'both schedule forms',
    body: { ...valid, schedule: { kind: 'cron', expression: '* * * * *' } },
    status: 400,
    field: 'schedule',
  },
  {
    name: 'unknown schedule kind',
    body: { name: 'x', stock_ids: ['AAPL'], schedule: { kind: 'weekly' } },
    status: 400,
    field: 'schedule.kind',
  },
  {
    name: 'daily with no times',
    body: { name: 'x', stock_ids: ['AAPL'], schedule: { kind: 'daily', times: [] } },
    status: 400,
    field: 'schedule.times',
  },
  {
    name: 'daily with a bad time',
    body: { name: 'x', stock_ids: ['AAPL'], schedule: { kind: 'daily', times: ['24:00'] } },
    status: 400,
    field: 'schedule.times.0',
  },
  {
    name: 'daily with duplicate times',
    body: {
      name: 'x',
      stock_ids: ['AAPL'],
      schedule: { kind: 'daily', times: ['09:00', '09:00'] },
    },
    status: 400,
    field: 'schedule.times',
  },
  {
    name: 'daily with a bad day',
    body: {
      name: 'x',
      stock_ids: ['AAPL'],
      schedule: { kind: 'daily', times: ['09:00'], days: ['funday'] },
    },
    status: 400,
    field: 'schedule.days.0',
  },
  {
    name: 'cron with 4 fields',
    body: { name: 'x', stock_ids: ['AAPL'], schedule: { kind: 'cron', expression: '* * * *' } },
    status: 400,
    field: 'schedule.expression',
  },
  {
    name: 'cron out of range',
    body: { name: 'x', stock_ids: ['AAPL'], schedule: { kind: 'cron', expression: '99 * * * *' } },
    status: 400,
    field: 'schedule.expression',
  },
  {
    name: 'unknown timezone',
    body: { ...valid, timezone: 'Mars/Olympus_Mons' },
    status: 400,
    field: 'timezone',
  },
  { name: 'timezone a number', body: { ...valid, timezone: 5 }, status: 400, field: 'timezone' },
  {
    name: 'lookback_days 0',
    body: { ...valid, lookback_days: 0 },
    status: 400,
    field: 'lookback_days',
  },
  {
    name: 'lookback_days 3651',
    body: { ...valid, lookback_days: 3651 },
    status: 400,
    field: 'lookback_days',
  },
  {
    name: 'lookback_days fractional',
    body: { ...valid, lookback_days: 1.5 },
    status: 400,
    field: 'lookback_days',
  },
  {
    name: 'lookback_days a string',
    body: { ...valid, lookback_days: '30' },
    status: 400,
    field: 'lookback_days',
  },
  {
    name: 'is_active a string',
    body: { ...valid, is_active: 'no' },
    status: 400,
    field: 'is_active',
  },
  { name: 'unknown field', body: { ...valid, priority: 1 }, status: 400 },
  { name: 'body an array', body: [valid], status: 400 },
  { name: 'malformed JSON', raw: '{"name": "x",', status: 400 },
  {
    name: 'wrong content type',
    raw: 'name=x',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
  },
  { name: 'text/plain JSON', raw: JSON.stringify(valid), contentType: 'text/plain', status: 415 },
  {
    name: '2 MB body',
    raw: JSON.stringify({ ...valid, name: 'x'.repeat(2 * 1024 * 1024) }),
    status: 413,
  },
  {
    name: 'update: unknown job id',
    method: 'PUT',
    path: '/scheduler/jobs/00000000-0000-4000-8000-000000000000',
    body: { name: 'x' },
    status: 404,
  },
  {
    name: 'update: bad time',
    method: 'PUT',
    path: 'JOB',
    body: { schedule_time: '25:00' },
    status: 400,
    field: 'schedule_time',
  },
  {
    name: 'update: both schedule forms',
    method: 'PUT',
    path: 'JOB',
    body: { schedule_time: '10:00', schedule: { kind: 'cron', expression: '* * * * *' } },
    status: 400,
    field: 'schedule',
  },
  {
    name: 'update: empty stock_ids',
    method: 'PUT',
    path: 'JOB',
    body: { stock_ids: [] },
    status: 400,
    field: 'stock_ids',
  },
  {
    name: 'update: is_active a number',
    method: 'PUT',
    path: 'JOB',
    body: { is_active: 1 },
    status: 400,
    field: 'is_active',
  },
  { name: 'get: unknown job id', method: 'GET', path: '/scheduler/jobs/nope', status: 404 },
  { name: 'stop: unknown job id', method: 'POST', path: '/scheduler/jobs/nope/stop', status: 404 },
  {
    name: 'start: unknown job id',
    method: 'POST',
    path: '/scheduler/jobs/nope/start',
    status: 404,
  },
  { name: 'delete: unknown job id', method: 'DELETE', path: '/scheduler/jobs/nope', status: 404 },
  { name: 'run: unknown job id', method: 'POST', path: '/scheduler/jobs/nope/run', status: 404 },
  {
    name: 'run: only start',
    method: 'POST',
    path: 'JOB/run',
    body: { start: '2020-01-01' },
    status: 400,
    field: 'end',
  },
  {
    name: 'run: end before start',
    method: 'POST',
    path: 'JOB/run',
    body: { start: '2020-02-01', end: '2020-01-01' },
    status: 400,
    field: 'end',
  },
  {
    name: 'run: impossible date',
    method: 'POST',
    path: 'JOB/run',
    body: { start: '2020-02-30', end: '2020-03-01' },
    status: 400,
    field: 'start',
  },
  {
    name: 'run: a range after today',
    method: 'POST',
    path: 'JOB/run',
    body: { start: '2020-01-01', end: `${new Date().getUTCFullYear() + 1}-01-02` },
    status: 400,
    field: 'end',
  },
  {
    name: 'run: force not a boolean',
    method: 'POST',
    path: 'JOB/run',
    body: { force: 'yes' },
    status: 400,
    field: 'force',
  },
  {
    name: 'list: negative offset',
    method: 'GET',
    path: '/scheduler/jobs?offset=-1',
    status: 400,
    field: 'offset',
  },
  {
    name: 'list: limit not a number',
    method: 'GET',
    path: '/scheduler/jobs?limit=ten',
    status: 400,
    field: 'limit',
  },
  {
    name: 'list: active not a boolean',
    method: 'GET',
    path: '/scheduler/jobs?active=maybe',
    status: 400,
    field: 'active',
  },
  {
    name: 'data: bad symbol',
    method: 'GET',
    path: '/scheduler/data/AAPL:*',
    status: 400,
    field: 'symbol',
  },
  { name: 'runs: unknown job id', method: 'GET', path: '/scheduler/jobs/nope/runs', status: 404 },
  { name: 'name with NUL', body: { ...valid, name: 'a\u0000b' }, status: 400, field: 'name' },
  {
    name: 'name with a right-to-left override',
    body: { ...valid, name: 'report\u202Etxt.exe' },
    status: 400,
    field: 'name',
  },
  {
    name: 'name with a zero-width space',
    body: { ...valid, name: 'zero\u200Bwidth' },
    status: 400,
    field: 'name',
  },
  {
    name: 'name with a lone zero-width joiner',
    body: { ...valid, name: 'x \u200D' },
    status: 400,
    field: 'name',
  },
  {
    name: 'name with hidden tag characters',
    body: { ...valid, name: 'hid\u{E0041}\u{E0042}den' },
    status: 400,
    field: 'name',
  },
  {
    name: 'update: name with a bidi isolate',
    method: 'PUT',
    path: 'JOB',
    body: { name: 'a\u2066b' },
    status: 400,
    field: 'name',
  },
  {
    name: 'cron that never fires (February 30th)',
    body: { name: 'x', stock_ids: ['AAPL'], schedule: { kind: 'cron', expression: '0 0 30 2 *' } },
    status: 400,
    field: 'schedule.expression',
  },
  {
    name: 'update: cron that never fires (April 31st, with seconds)',
    method: 'PUT',
    path: 'JOB',
    body: { schedule: { kind: 'cron', expression: '0 0 0 31 4 *' } },
    status: 400,
    field: 'schedule.expression',
  },
];

describe('bad input', () => {
  it('has at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));

  it.each(cases)('$name → $status, nothing stored', async (c) => {
    const before = await dump();
    let path = c.path ?? '/scheduler/jobs';
    if (path === 'JOB') path = `/scheduler/jobs/${jobId}`;
    if (path.startsWith('JOB/')) path = `/scheduler/jobs/${jobId}/${path.slice(4)}`;
    const method = c.method ?? 'POST';
    const hasBody = c.raw !== undefined || c.body !== undefined;
    const res = await fetch(`${app.url}${path}`, {
      method,
      ...(hasBody && {
        headers: { 'content-type': c.contentType ?? 'application/json' },
        body: c.raw ?? JSON.stringify(c.body),
      }),
    });
    const body = (await res.json()) as {
      message: string;
      code: string;
      issues?: { path: string; message: string }[];
    };
    expect(res.status, JSON.stringify(body)).toBe(c.status);
    expect(body.message).toEqual(expect.any(String));
    expect(body.message.length).toBeGreaterThan(5);
    expect(body.code).toEqual(expect.any(String));
    if (c.field) {
      expect(
        body.issues?.map((i) => i.path),
        body.message,
      ).toContain(c.field);
      expect(body.message).toContain(c.field);
    }
    expect(await dump()).toEqual(before);
  });
});

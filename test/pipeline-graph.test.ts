/**
 * The graph of after-schedules over REST on a real Redis: the schedule's shape, the dependents
 * index both ways, cycles and unknown upstream jobs refused, deletes of waited-for jobs refused.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../src/domain/job-definition';
import { describeSchedule } from '../src/domain/schedule-words';
import type { Services } from '../src/server/services';
import { serveApi } from './support/app-handler-server';
import { api } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { testServices } from './support/services';

let redis: TestRedis;
let services: Services;
let server: { base: string; close(): void };

beforeAll(async () => {
  redis = await startTestRedis();
  services = testServices(redis.url);
  server = await serveApi(services);
});

afterEach(async () => {
  await services.redis.flushall();
});

afterAll(async () => {
  server?.close();
  await services?.close();
  await redis?.stop();
});

type ErrorBody = { message: string; code: string; issues: { path: string; message: string }[] };

async function create(name: string, schedule: Record<string, unknown>) {
  return api<{ job_id: string } & ErrorBody>(server.base, 'POST', '/scheduler/jobs', {
    name,
    stock_ids: ['AAPL'],
    schedule,
  });
}

async function createOk(name: string, schedule: Record<string, unknown>): Promise<string> {
  const res = await create(name, schedule);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.job_id;
}

const daily = { kind: 'daily', times: ['17:00'] };
const dependents = async (id: string) =>
  (await api<{ jobs: unknown[] }>(server.base, 'GET', `/scheduler/jobs/${id}/dependents`)).body;

describe('after schedules', () => {
  it('stores the defaults, has no next_run, and is indexed both ways', async () => {
    const up = await createOk('Daily FAANG', daily);
    const down = await createOk('Analyse', { kind: 'after', jobs: [up] });
    const job = (await api<Job>(server.base, 'GET', `/scheduler/jobs/${down}`)).body;
    expect(job.schedule).toEqual({ kind: 'after', jobs: [up], when: 'success', wait: 'any' });
    expect(job.next_run).toBeNull();
    expect(job.schedule_time).toBeNull();
    expect(await services.redis.zscore('scheduler:due', down)).toBeNull();
    expect(await dependents(up)).toEqual({
      jobs: [{ job_id: down, name: 'Analyse', when: 'success', wait: 'any' }],
    });
    expect(await dependents(down)).toEqual({ jobs: [] });
    expect(
      describeSchedule(job.schedule, 'UTC', (id) => (id === up ? 'Daily FAANG' : undefined)),
    ).toBe('After Daily FAANG (on success)');

    // Another schedule takes the job out of the index; naming it again puts it back.
    const put = (schedule: unknown) =>
      api(server.base, 'PUT', `/scheduler/jobs/${down}`, { schedule });
    expect((await put(daily)).status).toBe(200);
    expect(await dependents(up)).toEqual({ jobs: [] });
    expect((await put({ kind: 'after', jobs: [up], when: 'always', wait: 'all' })).status).toBe(
      200,
    );
    expect(await dependents(up)).toEqual({
      jobs: [{ job_id: down, name: 'Analyse', when: 'always', wait: 'all' }],
    });
    expect((await api(server.base, 'GET', '/scheduler/jobs/nope/dependents')).status).toBe(404);
  });

  it('refuses bad shapes and unknown upstream jobs with a 400 naming schedule.jobs', async () => {
    const up = await createOk('Up', daily);
    const bad = [
      { kind: 'after', jobs: [] },
      { kind: 'after', jobs: ['not-a-uuid'] },
      { kind: 'after', jobs: [up, up] },
      { kind: 'after', jobs: [up], when: 'sometimes' },
      { kind: 'after', jobs: [up], wait: 'most' },
    ];
    for (const schedule of bad) {
      const res = await create('Bad', schedule);
      expect(res.status, JSON.stringify(schedule)).toBe(400);
      expect(res.body.issues.map((i) => i.path).join()).toMatch(/^schedule\./);
    }
    const ghost = '00000000-0000-4000-8000-000000000000';
    const res = await create('Orphan', { kind: 'after', jobs: [up, ghost] });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([
      { path: 'schedule.jobs', message: expect.stringContaining(ghost) as string },
    ]);
    // Nothing stored: only the upstream job exists, and it has no dependents.
    expect(JSON.parse((await services.redis.get('scheduler:job_index'))!)).toEqual([up]);
    expect(await dependents(up)).toEqual({ jobs: [] });
  });

  it('refuses a cycle at update, naming it, and stores nothing', async () => {
    const a = await createOk('A', daily);
    const b = await createOk('B', { kind: 'after', jobs: [a] });
    const c = await createOk('C', { kind: 'after', jobs: [b] });
    const before = await services.redis.get(`scheduler:job:${a}`);
    const res = await api<ErrorBody>(server.base, 'PUT', `/scheduler/jobs/${a}`, {
      schedule: { kind: 'after', jobs: [c] },
    });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([
      {
        path: 'schedule.jobs',
        message: `would make a cycle: A (${a}) -> B (${b}) -> C (${c}) -> A (${a})`,
      },
    ]);
    expect(await services.redis.get(`scheduler:job:${a}`)).toBe(before);
    expect(await dependents(c)).toEqual({ jobs: [] });

    // A job after itself is the shortest cycle; B after A, then A after B, the seed's case.
    const self = await api<ErrorBody>(server.base, 'PUT', `/scheduler/jobs/${b}`, {
      schedule: { kind: 'after', jobs: [b] },
    });
    expect(self.body.issues[0]?.message).toBe(`would make a cycle: B (${b}) -> B (${b})`);
    const back = await api<ErrorBody>(server.base, 'PUT', `/scheduler/jobs/${a}`, {
      schedule: { kind: 'after', jobs: [b] },
    });
    expect(back.status).toBe(400);
    expect(back.body.message).toContain(`schedule.jobs: would make a cycle: A (${a}) -> B (${b})`);
  });

  it('refuses to delete a job others run after (409 naming them), then deletes it', async () => {
    const up = await createOk('Up', daily);
    const one = await createOk('One', { kind: 'after', jobs: [up] });
    const two = await createOk('Two', { kind: 'after', jobs: [up], wait: 'all' });
    const res = await api<ErrorBody>(server.base, 'DELETE', `/scheduler/jobs/${up}`);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CONFLICT');
    expect(res.body.message).toContain(`"One" (${one})`);
    expect(res.body.message).toContain(`"Two" (${two})`);
    expect(await services.redis.exists(`scheduler:job:${up}`)).toBe(1);

    for (const id of [one, two])
      expect((await api(server.base, 'DELETE', `/scheduler/jobs/${id}`)).status).toBe(200);
    expect(await dependents(up)).toEqual({ jobs: [] });
    expect((await api(server.base, 'DELETE', `/scheduler/jobs/${up}`)).status).toBe(200);
    expect(await services.redis.keys('scheduler:dependents:*')).toEqual([]);
  });

  it('keeps the graph acyclic under concurrent updates (A after B racing B after A)', async () => {
    for (let round = 0; round < 10; round++) {
      const a = await createOk('A', daily);
      const b = await createOk('B', daily);
      const [ra, rb] = await Promise.all([
        api(server.base, 'PUT', `/scheduler/jobs/${a}`, { schedule: { kind: 'after', jobs: [b] } }),
        api(server.base, 'PUT', `/scheduler/jobs/${b}`, { schedule: { kind: 'after', jobs: [a] } }),
      ]);
      expect([ra.status, rb.status].sort()).toEqual([200, 400]);
    }
  });
});

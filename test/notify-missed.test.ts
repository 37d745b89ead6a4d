/**
 * run.missed from real instances (real Redis, BullMQ, the replay server, a real webhook
 * receiver): a fire time that no instance started within MISSED_AFTER_SECONDS is told exactly
 * once, by whichever instance is alive: every instance down across it, or its queue paused with
 * two instances up; a fire started before MISSED_AFTER_SECONDS is not told.
 */
import { afterEach, beforeAll, beforeEach, afterAll, expect, it } from 'vitest';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import { keys } from '../src/server/keys';
import type { Services } from '../src/server/services';
import { deliveriesSettled, eventsConsumed } from './support/deliveries';
import { waitFor } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { testServices } from './support/services';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

let redis: TestRedis;
let replay: ReplayServer;
let hook: WebhookReceiver;
let instances: Services[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  replay = await startReplayServer({ synthetic: true });
  hook = await startWebhookReceiver();
});

beforeEach(async () => {
  hook.requests.length = 0;
  const admin = instance();
  await admin.redis.flushall();
});

afterEach(async () => {
  await Promise.all(instances.map((s) => s.close()));
  instances = [];
});

afterAll(async () => {
  await hook?.close();
  await replay?.close();
  await redis?.stop();
});

function instance(missedAfterSeconds = 1, env: Record<string, string> = {}): Services {
  const s = testServices(redis.url, {
    ...env,
    YAHOO_BASE_URL: replay.url,
    MISSED_AFTER_SECONDS: String(missedAfterSeconds),
    NOTIFY_BACKOFF_MS: '100',
    SUMMARY_TIME: 'off',
    PUBLIC_URL: 'http://scheduler.example.com',
  });
  instances.push(s);
  return s;
}

/** A job firing once a day, at a whole second about 2 s from now, and a run.missed channel. */
async function jobFiringSoon(s: Services) {
  const fire = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000);
  const expression = `${fire.getUTCSeconds()} ${fire.getUTCMinutes()} ${fire.getUTCHours()} * * *`;
  const job = await s.registry.create({
    name: 'Nightly close',
    stock_ids: ['AAPL'],
    schedule: { kind: 'cron', expression },
  });
  await s.channels.create({
    kind: 'webhook',
    name: 'Missed',
    url: hook.url,
    format: 'json',
    events: ['run.missed'],
    job_ids: [job.job_id],
  });
  return { job, fire: fire.getTime() };
}

const pastFire = (fire: number, ms: number) =>
  waitFor('the fire time to pass', async () => Date.now() > fire + ms, 20_000, 50);

async function runOf(s: Services, jobId: string) {
  return waitFor('the run to finish', async () => {
    const [run] = await s.runs.list(jobId);
    return run?.finished_at ? run : null;
  });
}

async function missedEvents(s: Services, jobId: string): Promise<string[]> {
  const entries = await s.redis.xrange(keys.notifyEvents, '-', '+');
  return entries
    .map(([, fields]) => fields[1]!)
    .filter((d) => d.includes('"run.missed"') && d.includes(jobId));
}

it('every instance down across a fire time, then one started: one run.missed, and the run late', async () => {
  const web = instance();
  const { job, fire } = await jobFiringSoon(web);
  await pastFire(fire, 1500);
  const up = instance();
  await up.startScheduler();

  const [req] = await hook.waitForRequests(1);
  const body = JSON.parse(req!.body) as { event: string; text: string; job: { job_id: string } };
  expect(body.event).toBe('run.missed');
  expect(body.job.job_id).toBe(job.job_id);
  expect(body.text).toContain('Job "Nightly close" (AAPL) did not start at');
  expect(body.text).toContain('it runs late now');
  expect(body.text).toContain(`http://scheduler.example.com/jobs/${job.job_id}`);
  const run = await runOf(up, job.job_id);
  expect(run.scheduled_for).toBe(new Date(fire).toISOString());
  await deliveriesSettled(up);
  expect(hook.requests).toHaveLength(1);
  expect(await missedEvents(up, job.job_id)).toHaveLength(1);
});

it('a fire started before MISSED_AFTER_SECONDS is not told', async () => {
  const web = instance(60);
  const { job, fire } = await jobFiringSoon(web);
  await pastFire(fire, 1500);
  const up = instance(60);
  await up.startScheduler();
  const run = await runOf(up, job.job_id);
  expect(run.status).toBe('completed');
  expect(await up.redis.zcard(keys.awaitingStart)).toBe(0);
  expect(await missedEvents(up, job.job_id)).toEqual([]);
  expect(hook.requests).toHaveLength(0);
});

it('a paused queue with two instances up: the fire is told missed once, and runs when it resumes', async () => {
  const a = instance();
  const b = instance();
  const { job, fire } = await jobFiringSoon(a);
  await a.scheduler.queue.pause();
  await Promise.all([a.startScheduler(), b.startScheduler()]);

  const [req] = await hook.waitForRequests(1, 20_000);
  const body = JSON.parse(req!.body) as { event: string; text: string };
  expect(body.event).toBe('run.missed');
  expect(body.text).toContain('its run did not begin (a stuck or paused queue');
  expect(Date.now()).toBeGreaterThan(fire + 1000);
  // Both instances keep sweeping; the fire left the awaiting set with its one report.
  await waitFor(
    'the sweeps to pass it',
    async () => (await a.redis.zcard(keys.awaitingStart)) === 0,
  );
  await a.scheduler.queue.resume();
  const run = await runOf(a, job.job_id);
  expect(run.scheduled_for).toBe(new Date(fire).toISOString());
  await eventsConsumed(a);
  await deliveriesSettled(a);
  expect(hook.requests).toHaveLength(1);
  expect(await missedEvents(a, job.job_id)).toHaveLength(1);
});

it('a fire given up beyond the misfire grace period is told once, even before MISSED_AFTER_SECONDS', async () => {
  const web = instance(60);
  const { job, fire } = await jobFiringSoon(web);
  await pastFire(fire, 2500);
  const up = instance(60, { MISFIRE_GRACE_SECONDS: '1' });
  await up.startScheduler();
  const [req] = await hook.waitForRequests(1);
  const body = JSON.parse(req!.body) as { event: string; text: string };
  expect(body.event).toBe('run.missed');
  expect(body.text).toContain('within the misfire grace period, so it was given up');
  const run = await runOf(up, job.job_id);
  expect(run.status).toBe('missed');
  await deliveriesSettled(up);
  expect(hook.requests).toHaveLength(1);
  expect(await missedEvents(up, job.job_id)).toHaveLength(1);
});

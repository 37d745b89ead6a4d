/**
 * Run alerts from real runs (the replay server over HTTP, real Redis and BullMQ) to a real
 * webhook receiver and a real SMTP server: a job's failed or partial outcome is told once when
 * it changes, not on every repeat, and run.recovered closes it; a channel hears only the events
 * it subscribed to. Secrets stay out of the logs and answers.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import { keys } from '../src/server/keys';
import { createRedis } from '../src/server/redis/connection';
import { createServices, type Services } from '../src/server/services';
import { serveApi } from './support/app-handler-server';
import { capturingLogger } from './support/capturing-logger';
import { deliveriesSettled, eventsConsumed } from './support/deliveries';
import { api, waitFor } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

let redis: TestRedis;
let replay: ReplayServer;
let services: Services;
let hook: WebhookReceiver;
let smtp: SmtpSink;
const logLines: string[] = [];
const SECRET = 'run-alert-secret-5b1e0d';
const RUN_EVENTS = ['run.failed', 'run.partial', 'run.recovered'] as const;

beforeAll(async () => {
  redis = await startTestRedis();
  replay = await startReplayServer({ synthetic: true, unknownSymbols: ['NOPE'] });
  hook = await startWebhookReceiver();
  smtp = await startSmtpSink();
  const config = loadConfig({
    REDIS_URL: redis.url,
    SCHEDULER_TIMEZONE: 'UTC',
    YAHOO_BASE_URL: replay.url,
    PROVIDER_MAX_ATTEMPTS: '1',
    SMTP_URL: smtp.url,
    SMTP_FROM: 'Scheduler <scheduler@example.com>',
    NOTIFY_BACKOFF_MS: '100',
    PUBLIC_URL: 'http://scheduler.example.com',
    SUMMARY_TIME: 'off',
    LOG_LEVEL: 'debug',
  });
  services = createServices(config, capturingLogger(logLines), createRedis(redis.url));
  await services.startScheduler({ dispatch: false });
});

afterAll(async () => {
  await services?.close();
  await hook?.close();
  await smtp?.close();
  await replay?.close();
  await redis?.stop();
});

async function runToEnd(jobId: string) {
  const run = await services.scheduler.runNow(jobId);
  return waitFor(`run ${run.run_id}`, async () => {
    const r = await services.runs.get(run.run_id);
    return r?.finished_at ? r : null;
  });
}

interface Body {
  event: string;
  event_id: string;
  text: string;
  job: { job_id: string } | null;
  run: { run_id: string; status: string } | null;
}

it('tells a failing job once, not on its repeat, and once when it recovers, by webhook and e-mail', async () => {
  const job = await services.registry.create({
    name: 'Typo watch',
    stock_ids: ['AAPL'],
    schedule_time: '17:00',
  });
  await services.channels.create({
    kind: 'webhook',
    name: 'Run hook',
    url: hook.url,
    secret: SECRET,
    format: 'json',
    events: [...RUN_EVENTS],
    job_ids: [job.job_id],
  });
  await services.channels.create({
    kind: 'email',
    name: 'Run mail',
    to: ['ops@example.com'],
    events: [...RUN_EVENTS],
    job_ids: null,
  });

  const good = await runToEnd(job.job_id);
  expect(good.status).toBe('completed');
  expect(await services.redis.hget(keys.jobLastSuccess, job.job_id)).toBe(
    String(Date.parse(good.finished_at!)),
  );
  await services.registry.update(job.job_id, { stock_ids: ['NOPE'] });
  const first = await runToEnd(job.job_id);
  const second = await runToEnd(job.job_id);
  expect([first.status, second.status]).toEqual(['failed', 'failed']);
  await services.registry.update(job.job_id, { stock_ids: ['AAPL'] });
  const back = await runToEnd(job.job_id);
  expect(back.status).toBe('completed');

  await hook.waitForRequests(2);
  await smtp.waitForMessages(2);
  await deliveriesSettled(services);
  expect(hook.requests).toHaveLength(2);
  expect(smtp.messages).toHaveLength(2);

  const bodies = hook.requests.map((r) => JSON.parse(r.body) as Body);
  expect(bodies.map((b) => [b.event, b.run?.run_id])).toEqual([
    ['run.failed', first.run_id],
    ['run.recovered', back.run_id],
  ]);
  for (const req of hook.requests) {
    const expected = `sha256=${createHmac('sha256', SECRET).update(req.body).digest('hex')}`;
    expect(req.headers['x-stock-scheduler-signature']).toBe(expected);
    expect(req.headers['x-stock-scheduler-delivery']).toBe((JSON.parse(req.body) as Body).event_id);
  }
  const link = `http://scheduler.example.com/jobs/${job.job_id}`;
  const [failed, recovered] = bodies;
  expect(failed!.text).toContain('Job "Typo watch" (NOPE) failed.');
  expect(failed!.text).toContain('NOPE: unknown symbol (provider said:');
  expect(failed!.text).toMatch(/It last succeeded at \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);
  expect(failed!.text).toContain(link);
  expect(recovered!.text).toContain('Job "Typo watch" (AAPL) recovered.');
  expect(recovered!.text).toContain(link);

  const mails = [...smtp.messages].sort((a, b) => a.date!.getTime() - b.date!.getTime());
  expect(mails.map((m) => m.subject)).toEqual([
    'Job "Typo watch" failed',
    'Job "Typo watch" recovered',
  ]);
  expect(mails[0]!.text).toContain('NOPE: unknown symbol (provider said:');
  expect(mails[0]!.html).toContain(`<a href="${link}">`);

  const server = await serveApi(services);
  const answers = await Promise.all(
    ['/scheduler/channels', '/scheduler/deliveries'].map(async (p) =>
      JSON.stringify((await api(server.base, 'GET', p)).body),
    ),
  );
  server.close();
  const said = [...answers, ...logLines].join('\n');
  expect(logLines.length).toBeGreaterThan(0);
  expect(said).not.toContain(SECRET);
  expect(said).not.toContain(smtp.password);
});

it('sends a partial run nowhere on a channel subscribed only to run.failed', async () => {
  const job = await services.registry.create({
    name: 'Half right',
    stock_ids: ['AAPL', 'NOPE'],
    schedule_time: '17:00',
  });
  const onlyFailed = await services.channels.create({
    kind: 'webhook',
    name: 'Failures only',
    url: hook.url,
    format: 'json',
    events: ['run.failed'],
    job_ids: [job.job_id],
  });
  const before = hook.requests.length;
  const run = await runToEnd(job.job_id);
  expect(run.status).toBe('partial');
  await eventsConsumed(services);
  const events = await services.redis.xrange(keys.notifyEvents, '-', '+');
  expect(events.map(([, f]) => f[1]).filter((d) => d!.includes(run.run_id))).toEqual([
    expect.stringContaining('"event":"run.partial"'),
  ]);
  const made = await services.deliveries.list({ limit: 1000 });
  expect(made.filter((d) => d.channel_id === onlyFailed.channel_id)).toEqual([]);
  expect(hook.requests.length).toBe(before);
});

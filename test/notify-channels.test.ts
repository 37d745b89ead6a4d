/**
 * Notification channels over REST (a real HTTP server in front of the real routers), sent to a
 * real webhook receiver and a real SMTP server, with real Redis and BullMQ.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { createRedis } from '../src/server/redis/connection';
import { createServices, type Services } from '../src/server/services';
import { serveApi } from './support/app-handler-server';
import { capturingLogger } from './support/capturing-logger';
import { api, waitFor } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

let redis: TestRedis;
let services: Services;
let server: { base: string; close(): void };
let base: string;
let hook: WebhookReceiver;
let smtp: SmtpSink;
const logLines: string[] = [];
const SECRET = 'webhook-secret-7f3a9c';

interface Delivery {
  delivery_id: string;
  channel_id: string;
  event: string;
  status: string;
  attempts: number;
  last_error: string | null;
  response_status: number | null;
}

async function deliveryOf(id: string, status?: string): Promise<Delivery> {
  return waitFor(`delivery ${id} ${status ?? ''}`, async () => {
    const { body } = await api<{ deliveries: Delivery[] }>(base, 'GET', '/scheduler/deliveries');
    const d = body.deliveries.find((x) => x.delivery_id === id);
    return d && (!status || d.status === status) ? d : null;
  });
}

async function createWebhook(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await api<{ channel_id: string }>(base, 'POST', '/scheduler/channels', {
    kind: 'webhook',
    name: 'Ops hook',
    url: hook.url,
    events: ['run.failed', 'test'],
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body.channel_id;
}

beforeAll(async () => {
  redis = await startTestRedis();
  hook = await startWebhookReceiver();
  smtp = await startSmtpSink();
  const config = loadConfig({
    REDIS_URL: redis.url,
    SCHEDULER_TIMEZONE: 'UTC',
    SMTP_URL: smtp.url,
    SMTP_FROM: 'Scheduler <scheduler@example.com>',
    NOTIFY_BACKOFF_MS: '100',
    NOTIFY_TIMEOUT_MS: '1000',
    PUBLIC_URL: 'http://scheduler.example.com',
  });
  services = createServices(config, capturingLogger(logLines), createRedis(redis.url));
  await services.startScheduler({ dispatch: false });
  server = await serveApi(services);
  base = server.base;
});

afterAll(async () => {
  server?.close();
  await services?.close();
  await hook?.close();
  await smtp?.close();
  await redis?.stop();
});

describe('channels', () => {
  it('refuses bad input with 400 naming each field, and stores nothing', async () => {
    const bad = [
      [{ kind: 'webhook', name: 'x', url: 'not a url', events: ['test'] }, 'url'],
      [{ kind: 'webhook', name: 'x', url: 'ftp://h/x', events: ['test'] }, 'url'],
      [{ kind: 'email', name: 'x', to: ['nobody'], events: ['test'] }, 'to.0'],
      [{ kind: 'webhook', name: 'x', url: hook.url, events: ['run.exploded'] }, 'events.0'],
      [{ kind: 'webhook', name: 'x', url: hook.url, events: [] }, 'events'],
      [{ kind: 'webhook', name: '', url: hook.url, events: ['test'] }, 'name'],
      [{ kind: 'email', name: 'x', to: ['a@b.co'], url: hook.url, events: ['test'] }, 'url'],
      [
        { kind: 'webhook', name: 'x', url: hook.url, events: ['test'], job_ids: ['no-such-job'] },
        'job_ids.0',
      ],
    ] as const;
    for (const [body, path] of bad) {
      const res = await api<{ code: string; issues: { path: string; message: string }[] }>(
        base,
        'POST',
        '/scheduler/channels',
        body,
      );
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.issues.map((i) => i.path)).toContain(path);
    }
    const list = await api<{ channels: unknown[] }>(base, 'GET', '/scheduler/channels');
    expect(list.body.channels).toEqual([]);
  });

  it('never returns a secret, only has_secret', async () => {
    const id = await createWebhook({ secret: SECRET, format: 'json' });
    const list = await api<{ channels: Record<string, unknown>[] }>(
      base,
      'GET',
      '/scheduler/channels',
    );
    const channel = list.body.channels.find((c) => c.channel_id === id)!;
    expect(channel.has_secret).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
    const updated = await api(base, 'PUT', `/scheduler/channels/${id}`, { name: 'Renamed' });
    expect(updated.status).toBe(200);
    expect(JSON.stringify(updated.body)).not.toContain(SECRET);
    const cleared = await api<{ channel: { has_secret: boolean } }>(
      base,
      'PUT',
      `/scheduler/channels/${id}`,
      { secret: null },
    );
    expect(cleared.body.channel.has_secret).toBe(false);
    await api(base, 'PUT', `/scheduler/channels/${id}`, { secret: SECRET });
    const badEdit = await api(base, 'PUT', `/scheduler/channels/${id}`, { url: 'nope' });
    expect(badEdit.status).toBe(400);
    const after = await api<{ channels: { url: string }[] }>(base, 'GET', '/scheduler/channels');
    expect(after.body.channels[0]!.url).toBe(hook.url);
    expect((await api(base, 'DELETE', `/scheduler/channels/${id}`)).status).toBe(200);
    expect((await api(base, 'DELETE', `/scheduler/channels/${id}`)).status).toBe(404);
  });

  it('sends a signed test to a webhook, with the event and delivery headers', async () => {
    const id = await createWebhook({ secret: SECRET });
    const before = hook.requests.length;
    const res = await api<{ message: string; delivery_id: string }>(
      base,
      'POST',
      `/scheduler/channels/${id}/test`,
    );
    expect(res.status).toBe(202);
    expect(res.body.message).toBe('Test notification queued');
    const delivery = await deliveryOf(res.body.delivery_id, 'delivered');
    expect(delivery).toMatchObject({ attempts: 1, response_status: 200, event: 'test' });
    const [req] = (await hook.waitForRequests(before + 1)).slice(before);
    const body = JSON.parse(req!.body) as { event: string; event_id: string; text: string };
    expect(body.event).toBe('test');
    expect(body.text).toContain('Ops hook');
    expect(req!.headers['x-stock-scheduler-event']).toBe('test');
    expect(req!.headers['x-stock-scheduler-delivery']).toBe(body.event_id);
    const expected = `sha256=${createHmac('sha256', SECRET).update(req!.body).digest('hex')}`;
    expect(req!.headers['x-stock-scheduler-signature']).toBe(expected);
  });

  it("sends Slack's { text } when the format is slack", async () => {
    const id = await createWebhook({ format: 'slack' });
    const before = hook.requests.length;
    const { body } = await api<{ delivery_id: string }>(
      base,
      'POST',
      `/scheduler/channels/${id}/test`,
    );
    await deliveryOf(body.delivery_id, 'delivered');
    const [req] = hook.requests.slice(before);
    expect(Object.keys(JSON.parse(req!.body))).toEqual(['text']);
    expect(req!.headers['x-stock-scheduler-signature']).toBeUndefined();
  });

  it('sends e-mail with a text and an HTML part', async () => {
    const res = await api<{ channel_id: string }>(base, 'POST', '/scheduler/channels', {
      kind: 'email',
      name: 'Ops mail',
      to: ['Ops@Example.com'],
      events: ['test'],
    });
    expect(res.status).toBe(201);
    const sent = await api<{ delivery_id: string }>(
      base,
      'POST',
      `/scheduler/channels/${res.body.channel_id}/test`,
    );
    await deliveryOf(sent.body.delivery_id, 'delivered');
    const [mail] = await smtp.waitForMessages(1);
    expect(mail!.subject).toBe('Stock Scheduler: test notification');
    expect(mail!.text).toContain('Ops mail');
    expect(mail!.html).toContain('<p>');
    expect(mail!.to && 'text' in mail!.to ? mail!.to.text : '').toBe('ops@example.com');
    expect(mail!.from?.text).toContain('scheduler@example.com');
  });

  it('fails at once on a 4xx, keeping the reason, and shows the channel failing', async () => {
    const id = await createWebhook();
    hook.script(404);
    const { body } = await api<{ delivery_id: string }>(
      base,
      'POST',
      `/scheduler/channels/${id}/test`,
    );
    const d = await deliveryOf(body.delivery_id, 'failed');
    expect(d).toMatchObject({ attempts: 1, response_status: 404 });
    expect(d.last_error).toContain('HTTP 404: receiver says 404');
    const list = await api<{ channels: { channel_id: string; health: { status: string } }[] }>(
      base,
      'GET',
      '/scheduler/channels',
    );
    expect(list.body.channels.find((c) => c.channel_id === id)!.health.status).toBe('failing');
  });

  it('retries 500s, resets and hangs, then delivers once', async () => {
    const id = await createWebhook();
    const before = hook.requests.length;
    hook.script(500, 'reset', 'hang', 429);
    const { body } = await api<{ delivery_id: string }>(
      base,
      'POST',
      `/scheduler/channels/${id}/test`,
    );
    const d = await deliveryOf(body.delivery_id, 'delivered');
    expect(d.attempts).toBe(5);
    expect(hook.requests.length - before).toBe(5);
    const ids = new Set(
      hook.requests.slice(before).map((r) => r.headers['x-stock-scheduler-delivery']),
    );
    expect(ids.size).toBe(1);
  });

  it('gives up a refused e-mail (SMTP 5xx) at once', async () => {
    const res = await api<{ channel_id: string }>(base, 'POST', '/scheduler/channels', {
      kind: 'email',
      name: 'Refused',
      to: ['nobody@example.com'],
      events: ['test'],
    });
    smtp.refuse(550);
    const sent = await api<{ delivery_id: string }>(
      base,
      'POST',
      `/scheduler/channels/${res.body.channel_id}/test`,
    );
    const d = await deliveryOf(sent.body.delivery_id, 'failed');
    expect(d).toMatchObject({ attempts: 1, response_status: 550 });
  });

  it('logged neither the webhook secret nor the SMTP password', () => {
    expect(logLines.length).toBeGreaterThan(0);
    const all = logLines.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(smtp.password);
  });
});

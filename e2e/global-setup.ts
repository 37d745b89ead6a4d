/**
 * Starts what the browser tests need, for real: a redis-server of their own, the Yahoo replay
 * server (synthetic bars for any symbol, recordings for the recorded ones), and the app from
 * server.ts on the port of playwright.config.ts, in local mode (no account).
 */
import { startReplayServer } from '../src/replay/replay-server';
import { startApp } from '../test/support/app-server';
import { startTestRedis } from '../test/support/redis-server';
import { startSmtpSink } from '../test/support/smtp-sink';

export default async function globalSetup() {
  const port = Number(new URL(process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8011').port);
  const redis = await startTestRedis();
  const replay = await startReplayServer({ synthetic: true, latencyMs: 30 });
  const smtp = await startSmtpSink();
  const app = await startApp({
    port,
    env: {
      REDIS_URL: redis.url,
      YAHOO_BASE_URL: replay.url,
      SCHEDULER_TIMEZONE: 'America/New_York',
      PROVIDER_MAX_RPS: '20',
      SMTP_URL: smtp.url,
      NOTIFY_BACKOFF_MS: '200',
    },
  });
  process.env.E2E_REDIS_URL = redis.url;
  process.env.E2E_REPLAY_URL = replay.url;
  return async () => {
    // Every page of the suite ran under the Content-Security-Policy; browsers report what it
    // blocked to /csp-report, which the server logs. Any such line fails the run.
    const violations = app.logs.filter((line) => line.includes('CSP violation'));
    await app.stop();
    await replay.close();
    await smtp.close();
    await redis.stop();
    if (violations.length > 0)
      throw new Error(`The CSP blocked something during the suite:\n${violations.join('\n')}`);
  };
}

/**
 * Makes the README's screenshots (desktop light, and a phone in dark mode) from a real run: its
 * own Redis, the replay server, the built app, a few jobs run for real, then Chromium. `node --import tsx scripts/screenshot.ts`
 * (after `npx next build`).
 */
import { chromium } from '@playwright/test';
import { startReplayServer } from '../src/replay/replay-server';
import { startApp } from '../test/support/app-server';
import { api, waitFor } from '../test/support/http';
import { startTestRedis } from '../test/support/redis-server';

const redis = await startTestRedis({ appendonly: false });
const replay = await startReplayServer({ synthetic: true, latencyMs: 40 });
const app = await startApp({
  env: {
    REDIS_URL: redis.url,
    YAHOO_BASE_URL: replay.url,
    SCHEDULER_TIMEZONE: 'America/New_York',
    PROVIDER_MAX_RPS: '20',
  },
});
try {
  const jobs = [
    {
      name: 'Daily FAANG Stocks',
      stock_ids: ['META', 'AAPL', 'AMZN', 'NFLX', 'GOOGL'],
      schedule_time: '17:00',
      timezone: 'America/New_York',
    },
    {
      name: 'US open and close',
      stock_ids: ['SPY', 'QQQ', 'DIA', 'IWM'],
      schedule: {
        kind: 'daily',
        times: ['09:30', '16:05'],
        days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      },
      timezone: 'America/New_York',
    },
    {
      name: 'London banks',
      stock_ids: ['HSBA.L', 'BARC.L', 'LLOY.L'],
      schedule_time: '17:45',
      timezone: 'Europe/London',
      lookback_days: 90,
    },
    {
      name: 'Intraday watch',
      stock_ids: [
        'NVDA',
        'AMD',
        'TSM',
        'AVGO',
        'INTC',
        'QCOM',
        'MU',
        'ARM',
        'ASML',
        'TXN',
        'ADI',
        'NXPI',
      ],
      schedule: { kind: 'cron', expression: '*/15 9-16 * * 1-5' },
      timezone: 'America/New_York',
    },
    {
      name: 'Mumbai close',
      stock_ids: ['RELIANCE.NS', 'TCS.NS', 'INFY.NS'],
      schedule_time: '15:45',
      timezone: 'Asia/Kolkata',
    },
    {
      name: 'Weekend crypto',
      stock_ids: ['BTC-USD', 'ETH-USD'],
      schedule: { kind: 'daily', times: ['12:00'], days: ['sat', 'sun'] },
      timezone: 'UTC',
      is_active: false,
    },
  ];
  const ids: string[] = [];
  for (const job of jobs)
    ids.push((await api<{ job_id: string }>(app.url, 'POST', '/scheduler/jobs', job)).body.job_id);
  replay.setFaults(
    'INTC',
    Array.from({ length: 10 }, () => ({ status: 503 })),
  );
  for (const id of ids.slice(0, 5)) await api(app.url, 'POST', `/scheduler/jobs/${id}/run`);
  await waitFor(
    'runs to finish',
    async () => {
      const { body } = await api<{ jobs: { status: string }[] }>(app.url, 'GET', '/scheduler/jobs');
      return body.jobs.slice(0, 5).every((j) => j.status !== 'pending' && j.status !== 'running');
    },
    60_000,
  );
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const page = await browser.newPage({
    viewport: { width: 1400, height: 860 },
    colorScheme: 'light',
  });
  await page.goto(app.url);
  await page.getByText('Daily FAANG Stocks').first().waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'docs/dashboard.png' });
  await page.goto(`${app.url}/jobs/${ids[0]}`);
  await page.locator('canvas').first().waitFor({ timeout: 15_000 });
  await page.waitForTimeout(800);
  await page.screenshot({ path: 'docs/job-detail.png', fullPage: true });
  // A phone in dark mode: the jobs become cards.
  const phone = await browser.newPage({
    viewport: { width: 390, height: 844 },
    colorScheme: 'dark',
    deviceScaleFactor: 2,
  });
  await phone.goto(app.url);
  await phone.getByText('Daily FAANG Stocks').first().waitFor();
  await phone.waitForTimeout(500);
  await phone.screenshot({ path: 'docs/dashboard-phone-dark.png' });
  await browser.close();
  console.log('wrote docs/dashboard.png, docs/job-detail.png and docs/dashboard-phone-dark.png');
} finally {
  await app.stop();
  await replay.close();
  await redis.stop();
}

/**
 * `npm run bench:ui`: the dashboard with 1,000 jobs, in real Chromium against the real server
 * (production build: run `npx next build` first). Measures, over several loads, the time from
 * navigation start to the first row of the jobs table on screen, and the JavaScript `/` loads:
 * as transferred, and gzip-compressed with zlib whatever the server sent.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { startApp } from '../test/support/app-server';
import { startTestRedis } from '../test/support/redis-server';

const JOBS = Number(process.env.BENCH_JOBS ?? 1000);
const LOADS = Number(process.env.BENCH_LOADS ?? 10);
const GOAL_MS = 1500;
const GOAL_KB = 250;
const POOL =
  'AAPL MSFT GOOGL AMZN META NVDA TSLA BRK-B JPM V MA UNH HD PG XOM ^GSPC EURUSD=X WSU.DE'.split(
    ' ',
  );

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: +percentile(sorted, 50).toFixed(1),
    p90: +percentile(sorted, 90).toFixed(1),
    min: +sorted[0]!.toFixed(1),
    max: +sorted.at(-1)!.toFixed(1),
  };
}

/** ms from navigation start until a row of the jobs table is laid out, read in the page. */
async function timeToTable(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    () => {
      const row = document.querySelector('table[aria-label="Jobs"] tbody tr');
      return row && row.getBoundingClientRect().height > 0 ? performance.now() : false;
    },
    null,
    { polling: 'raf', timeout: 30_000 },
  );
  return (await handle.jsonValue()) as number;
}

const redis = await startTestRedis({ appendonly: false });
const app = await startApp({
  env: { REDIS_URL: redis.url, SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'warn' },
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const post = (i: number) =>
    fetch(`${app.url}/scheduler/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `Bench job ${i}`,
        // 1 to 18 symbols, so some rows shorten theirs ("AAPL, MSFT, GOOGL +9").
        stock_ids: POOL.slice(0, 1 + (i % POOL.length)),
        schedule:
          i % 4 === 0
            ? { kind: 'cron', expression: '*/15 9-16 * * 1-5' }
            : {
                kind: 'daily',
                times: ['09:30', '16:05'],
                days: ['mon', 'tue', 'wed', 'thu', 'fri'],
              },
        timezone: ['America/New_York', 'Europe/London', 'Asia/Tokyo'][i % 3],
        is_active: i % 5 !== 0,
      }),
    }).then((r) => {
      if (r.status !== 201) throw new Error(`create answered ${r.status}`);
    });
  for (let i = 0; i < JOBS; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, JOBS - i) }, (_, k) => post(i + k)));
  }

  const url = `${app.url}/`;
  // One load to warm the server (Next's first render of a route compiles nothing in
  // production, but the first request still pays for module loading).
  {
    const context = await browser.newContext();
    await timeToTable(await context.newPage(), url);
    await context.close();
  }

  // Cold loads: a fresh browser context each time, so nothing comes from the HTTP cache.
  const cold: number[] = [];
  const scripts = new Map<string, { transferred: number; encoding: string }>();
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    if (i === 0) {
      page.on('requestfinished', (request) => {
        if (request.resourceType() !== 'script') return;
        void Promise.all([request.sizes(), request.response()]).then(async ([sizes, response]) => {
          const encoding = (await response?.headerValue('content-encoding')) ?? 'none';
          scripts.set(request.url(), { transferred: sizes.responseBodySize, encoding });
        });
      });
    }
    cold.push(await timeToTable(page, url));
    // Whatever the page loads right after (lazy chunks) counts too.
    if (i === 0) await page.waitForTimeout(1500);
    await context.close();
  }

  // Warm loads: the same context, scripts from the HTTP cache, as when a tab is reloaded.
  const warm: number[] = [];
  {
    const context = await browser.newContext();
    const page = await context.newPage();
    await timeToTable(page, url);
    for (let i = 0; i < LOADS; i++) warm.push(await timeToTable(page, url));
    await context.close();
  }

  // gzip of every script, computed here from the uncompressed bytes.
  let gzipBytes = 0;
  let rawBytes = 0;
  let transferredBytes = 0;
  const perScript: {
    script: string;
    raw: number;
    gzip: number;
    transferred: number;
    encoding: string;
  }[] = [];
  for (const [scriptUrl, info] of scripts) {
    const body = Buffer.from(
      await (await fetch(scriptUrl, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer(),
    );
    const gzip = gzipSync(body).length;
    rawBytes += body.length;
    gzipBytes += gzip;
    transferredBytes += info.transferred;
    perScript.push({
      script: new URL(scriptUrl).pathname.split('/').pop()!,
      raw: body.length,
      gzip,
      transferred: info.transferred,
      encoding: info.encoding,
    });
  }
  perScript.sort((a, b) => b.gzip - a.gzip);

  const kb = (n: number) => +(n / 1024).toFixed(1);
  const coldStats = summary(cold);
  const result = {
    machine: `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    jobs: JOBS,
    loads: LOADS,
    'time to table, cold (ms)': coldStats,
    'time to table, warm (ms)': summary(warm),
    javascript: {
      scripts: scripts.size,
      raw_kb: kb(rawBytes),
      gzip_kb: kb(gzipBytes),
      transferred_kb: kb(transferredBytes),
      served_encoding: [...new Set(perScript.map((s) => s.encoding))].join(', '),
    },
    goals: {
      'time to table p50 < 1500 ms': coldStats.p50 < GOAL_MS,
      'time to table p90 < 1500 ms': coldStats.p90 < GOAL_MS,
      'JavaScript for / < 250 KB gzip': kb(gzipBytes) < GOAL_KB,
    },
    per_script: perScript.map((s) => ({
      ...s,
      raw: kb(s.raw),
      gzip: kb(s.gzip),
      transferred: kb(s.transferred),
    })),
  };
  console.table({
    'time to table, cold (ms)': result['time to table, cold (ms)'],
    'time to table, warm (ms)': result['time to table, warm (ms)'],
  });
  console.table({ 'JavaScript for / (KB)': result.javascript });
  console.table(result.per_script);
  console.table(result.goals);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/ui.json', JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  await app.stop();
  await redis.stop();
}

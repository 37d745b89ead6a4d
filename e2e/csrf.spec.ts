/**
 * CSRF for real: a hostile page served by a second server on another port of 127.0.0.1 (the
 * same site, so the SameSite=Lax session cookie is sent along) submits forms (empty,
 * urlencoded, text/plain JSON, multipart) and no-cors fetches against stop, start, run, create
 * and a tRPC mutation, while the browser is signed in; and again against the suite's app in
 * local mode. Nothing changes in Redis.
 */
import http from 'node:http';
import { expect, test, type Page } from '@playwright/test';
import { Redis } from 'ioredis';
import { startApp, type AppProcess } from '../test/support/app-server';
import { startTestRedis, type TestRedis } from '../test/support/redis-server';

const ADMIN = { email: 'root@example.com', password: 'csrf test admin password' };

let hostile: http.Server;
let hostileUrl: string;

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Pages that attack `target` (an absolute URL) as soon as they load. */
function attackPage(kind: string, target: string): string {
  const forms: Record<string, string> = {
    empty: '',
    urlencoded: '<input name="name" value="csrf"><input name="stock_ids" value="AAPL">',
    // The classic: a text/plain form whose body reads as JSON.
    textjson: `<input name='{"name":"csrf","stock_ids":["AAPL"],"schedule_time":"17:00","job_id":"x","pad":"' value='"}'>`,
    multipart: '<input name="name" value="csrf"><input name="schedule_time" value="17:00">',
  };
  const enctype =
    kind === 'textjson'
      ? 'text/plain'
      : kind === 'multipart'
        ? 'multipart/form-data'
        : 'application/x-www-form-urlencoded';
  if (kind === 'fetch') {
    return `<!doctype html><script>
      Promise.allSettled(${JSON.stringify(target.split(' '))}.map((url) => fetch(url, {
        method: 'POST', mode: 'no-cors', credentials: 'include',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ name: 'csrf', stock_ids: ['AAPL'], schedule_time: '17:00', job_id: url.split('#')[1] }),
      }))).then(() => { document.title = 'done'; });
    </script>`;
  }
  return `<!doctype html><form method="POST" enctype="${enctype}" action="${escape(target)}">${forms[kind]}</form>
    <script>document.forms[0].submit();</script>`;
}

test.beforeAll(async () => {
  hostile = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      attackPage(url.searchParams.get('kind') ?? 'empty', url.searchParams.get('target') ?? ''),
    );
  });
  await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
  hostileUrl = `http://127.0.0.1:${(hostile.address() as { port: number }).port}`;
});
test.afterAll(() => hostile?.close());

interface Target {
  base: string;
  store: Redis;
  active: string;
  stopped: string;
}

/** What an attack would change: the index, both jobs, their runs, the run queue. */
async function snapshot({ store, active, stopped }: Target) {
  return {
    index: await store.get('scheduler:job_index'),
    active: await store.get(`scheduler:job:${active}`),
    stopped: await store.get(`scheduler:job:${stopped}`),
    runs: [
      await store.zcard(`scheduler:job_runs:${active}`),
      await store.zcard(`scheduler:job_runs:${stopped}`),
    ],
    queue: (await store.keys('scheduler:bull:*')).sort(),
  };
}

async function attack(page: Page, target: Target) {
  const { base, active, stopped } = target;
  const urls = [
    `${base}/scheduler/jobs/${active}/stop`,
    `${base}/scheduler/jobs/${stopped}/start`,
    `${base}/scheduler/jobs/${stopped}/run`,
    `${base}/scheduler/jobs`,
    `${base}/api/trpc/jobs.stop`,
    `${base}/api/trpc/jobs.delete`,
  ];
  const before = await snapshot(target);
  const origin = new URL(base).origin;
  for (const kind of ['empty', 'urlencoded', 'textjson', 'multipart']) {
    for (const url of urls) {
      const answer = page.waitForResponse((r) => r.url() === url);
      await page.goto(`${hostileUrl}/?kind=${kind}&target=${encodeURIComponent(url)}`);
      const response = await answer;
      expect(response.status(), `${kind} form to ${url}`).toBe(403);
      await expect(page).toHaveURL((u) => u.origin === origin);
    }
  }
  const targets = urls.map((u) => `${u}#${u.includes('trpc') ? active : stopped}`).join(' ');
  await page.goto(`${hostileUrl}/?kind=fetch&target=${encodeURIComponent(targets)}`);
  await expect(page).toHaveTitle('done');
  expect(await snapshot(target)).toEqual(before);
}

async function twoJobs(base: string, headers: Record<string, string> = {}) {
  const make = async (name: string) => {
    const res = await fetch(`${base}/scheduler/jobs`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name, stock_ids: ['AAPL'], schedule_time: '17:00' }),
    });
    return ((await res.json()) as { job_id: string }).job_id;
  };
  const active = await make('CSRF target (active)');
  const stopped = await make('CSRF target (stopped)');
  await fetch(`${base}/scheduler/jobs/${stopped}/stop`, { method: 'POST', headers });
  return { active, stopped };
}

test.describe('signed in, account mode', () => {
  let redis: TestRedis;
  let app: AppProcess;
  let store: Redis;
  test.beforeAll(async () => {
    redis = await startTestRedis({ appendonly: false });
    app = await startApp({
      env: {
        REDIS_URL: redis.url,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        SCHEDULER_ENABLED: 'false',
      },
    });
    store = new Redis(redis.url);
  });
  test.afterAll(async () => {
    store?.disconnect();
    await app?.stop();
    await redis?.stop();
  });

  test('forms and no-cors fetches from a hostile page change nothing', async ({ page }) => {
    await page.goto(`${app.url}/login`);
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(`${app.url}/`);
    const cookies = await page.context().cookies(app.url);
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const jobs = await twoJobs(app.url, { cookie });
    await attack(page, { base: app.url, store, ...jobs });
  });
});

test('in local mode too, the suite app refuses the hostile page', async ({ page, baseURL }) => {
  const store = new Redis(process.env.E2E_REDIS_URL!);
  try {
    const jobs = await twoJobs(baseURL!);
    await attack(page, { base: baseURL!, store, ...jobs });
    for (const id of [jobs.active, jobs.stopped])
      await fetch(`${baseURL}/scheduler/jobs/${id}`, { method: 'DELETE' });
  } finally {
    store.disconnect();
  }
});

import { seriousViolations } from './support/axe';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { Redis } from 'ioredis';
import net from 'node:net';
import { RunHistory } from '../src/server/scheduler/run-history';
import { startApp } from '../test/support/app-server';

/**
 * The dashboard in a real browser against the real server (e2e/global-setup.ts): forms,
 * actions, live updates over the events subscription, and accessibility.
 */

const SYMBOLS_12 = [
  'AAPL',
  'MSFT',
  'GOOGL',
  'AMZN',
  'META',
  'NVDA',
  'TSLA',
  'JPM',
  'V',
  'MA',
  'HD',
  'PG',
];

function unique(prefix: string) {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

async function createJob(request: APIRequestContext, body: Record<string, unknown>) {
  const res = await request.post('/scheduler/jobs', { data: body });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { job_id: string }).job_id;
}

async function jobCount(request: APIRequestContext): Promise<number> {
  const res = await request.get('/scheduler/jobs?limit=1');
  return ((await res.json()) as { total: number }).total;
}

/** The overview, with the change stream connected. */
async function openOverview(page: Page) {
  await page.goto('/');
  await expect(page.locator('[data-connection="live"]')).toBeVisible();
}

/** Narrows the table to one job by searching its name, and returns its row. */
async function rowOf(page: Page, name: string) {
  await page.getByLabel('Search', { exact: true }).fill(name);
  return page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
}

/** A flag that survives only as long as the page is not reloaded. */
async function markPage(page: Page) {
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
}
async function expectNotReloaded(page: Page) {
  expect(
    await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload),
  ).toBe(true);
}

test('creates a job through the form and shows it with its next run', async ({ page, request }) => {
  const name = unique('Form job');
  const before = await jobCount(request);
  await openOverview(page);
  await markPage(page);

  await page.getByRole('button', { name: 'New job' }).click();
  const dialog = page.getByRole('dialog', { name: 'New job' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  // A pasted list: split on commas and spaces, upper-cased.
  await dialog.getByLabel('Symbols', { exact: true }).fill('aapl, msft GOOGL');
  await dialog.getByLabel('Time 1', { exact: true }).fill('16:30');
  await dialog.getByLabel('Time zone', { exact: true }).fill('America/New_York');
  await dialog.getByLabel('Lookback days', { exact: true }).fill('10');

  // The preview lists the next five fire times before saving.
  const preview = dialog.getByRole('table', { name: 'Next five runs' });
  await expect(preview.locator('tbody tr')).toHaveCount(5);
  await expect(dialog.getByText('Weekdays at 16:30, New York')).toBeVisible();

  await dialog.getByRole('button', { name: 'Create job' }).click();
  await expect(dialog).toBeHidden();

  const row = await rowOf(page, name);
  await expect(row).toBeVisible();
  await expect(row.locator('.cell-symbols')).toHaveText('AAPL, MSFT, GOOGL');
  await expect(row.locator('.cell-schedule')).toHaveText('Weekdays at 16:30, New York');
  const next = row.locator('.cell-next time');
  await expect(next).toHaveText(/^in \d+ (s|min|h|d)$/);
  await expect(next).toHaveAttribute('title', /\d{2}:\d{2}/);
  await expectNotReloaded(page);

  expect(await jobCount(request)).toBe(before + 1);
  const list = (await (
    await request.get(`/scheduler/jobs?q=${encodeURIComponent(name)}`)
  ).json()) as {
    jobs: {
      job_id: string;
      stock_ids: string[];
      schedule_time: string;
      timezone: string;
      lookback_days: number;
    }[];
  };
  const job = list.jobs[0]!;
  expect(job.stock_ids).toEqual(['AAPL', 'MSFT', 'GOOGL']);
  expect(job.schedule_time).toBe('16:30');
  expect(job.timezone).toBe('America/New_York');
  expect(job.lookback_days).toBe(10);
  await request.delete(`/scheduler/jobs/${job.job_id}`);
});

test('bad input shows field errors and creates nothing', async ({ page, request }) => {
  const before = await jobCount(request);
  await openOverview(page);
  await page.getByRole('button', { name: 'New job' }).click();
  const dialog = page.getByRole('dialog', { name: 'New job' });

  await dialog.getByLabel('Name', { exact: true }).fill('   ');
  await dialog.getByLabel('Symbols', { exact: true }).fill('AAPL, BAD*SYM ');
  await dialog.getByLabel('Cron expression', { exact: true }).check();
  await dialog.getByRole('textbox', { name: 'Cron expression' }).fill('every day');
  await dialog.getByLabel('Lookback days', { exact: true }).fill('0');
  await dialog.getByLabel('Time zone', { exact: true }).fill('Mars/Olympus');
  await dialog.getByRole('button', { name: 'Create job' }).click();

  await expect(dialog.getByRole('alert')).toContainText('Please fix the marked fields');
  await expect(dialog.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByText('Must not be empty')).toBeVisible();
  await expect(dialog.getByText('"BAD*SYM" is not a valid symbol', { exact: false })).toBeVisible();
  await expect(dialog.locator('.tag[data-invalid="true"]')).toHaveText(/BAD\*SYM/);
  await expect(dialog.getByText(/must have 5 fields/i)).toBeVisible();
  await expect(dialog.getByText('Must be at least 1')).toBeVisible();
  await expect(dialog.getByText(/must be an IANA time zone/i)).toBeVisible();
  // The first bad field has the focus.
  await expect(dialog.getByLabel('Name', { exact: true })).toBeFocused();

  // The server's own errors land next to their field too: the request is altered on its way
  // so the real server rejects the second symbol.
  await dialog.getByLabel('Name', { exact: true }).fill(unique('Server says no'));
  await dialog.getByRole('button', { name: 'Remove BAD*SYM' }).click();
  await dialog.getByLabel('Symbols', { exact: true }).fill('MSFT');
  await dialog.getByRole('textbox', { name: 'Cron expression' }).fill('0 17 * * 1-5');
  await dialog.getByLabel('Lookback days', { exact: true }).fill('30');
  await dialog.getByLabel('Time zone', { exact: true }).fill('UTC');
  await page.route('**/api/trpc/jobs.create*', async (route) => {
    const body = JSON.parse(route.request().postData() ?? '{}') as Record<
      string,
      { stock_ids: string[] }
    >;
    body['0']!.stock_ids[1] = 'NO WAY';
    await route.continue({ postData: JSON.stringify(body) });
  });
  await dialog.getByRole('button', { name: 'Create job' }).click();
  await expect(dialog.getByRole('alert')).toContainText('stock_ids.1');
  await expect(dialog.locator('[id$="-stock_ids-error"]')).toContainText(
    '"NO WAY" is not a valid symbol',
  );
  await expect(dialog.locator('.tag[data-invalid="true"]')).toHaveText(/MSFT/);
  await page.unroute('**/api/trpc/jobs.create*');

  await page.waitForTimeout(300);
  expect(await jobCount(request)).toBe(before);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
});

test('run now shows progress live, then completed; the detail page shows outcomes and a chart', async ({
  page,
  request,
}) => {
  const name = unique('Run now');
  const jobId = await createJob(request, {
    name,
    stock_ids: SYMBOLS_12,
    schedule_time: '17:00',
    timezone: 'America/New_York',
  });
  await openOverview(page);
  await markPage(page);
  const row = await rowOf(page, name);
  await expect(row.locator('.cell-status')).toHaveText(/pending/);

  // Remember whether a progress bar ever showed in the row, however briefly.
  await page.evaluate((id) => {
    const w = window as unknown as { __sawProgress: boolean };
    w.__sawProgress = false;
    const seen = () => {
      if (document.querySelector(`tr[data-job-id="${id}"] .cell-status progress`))
        w.__sawProgress = true;
    };
    new MutationObserver(seen).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
    });
  }, jobId);

  await row.getByRole('button', { name: /^Run now/ }).click();
  await expect(row.locator('.cell-status [data-status="completed"]')).toBeVisible({
    timeout: 30_000,
  });
  await expect(row.locator('.cell-last [data-status="completed"]')).toBeVisible();
  expect(
    await page.evaluate(() => (window as unknown as { __sawProgress: boolean }).__sawProgress),
  ).toBe(true);
  await expectNotReloaded(page);

  // The detail page: per-symbol outcome and a drawn chart.
  await row.getByRole('link', { name }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}$`));
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const runs = page.getByRole('table', { name: 'Runs' });
  await expect(runs.locator('tr[data-status="completed"]')).toHaveCount(1);
  await expect(runs).toContainText('12 of 12 stored');
  await expect(page.locator('tr[data-symbol="AAPL"][data-outcome="ok"]')).toBeVisible();
  await expect(page.getByText('Success rate')).toBeVisible();
  await expect(page.getByText(/AAPL · \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/)).toBeVisible();
  await expect(page.locator('[data-testid="price-chart"] canvas').first()).toBeVisible();

  // Another symbol's chart.
  await page.getByLabel('Symbol', { exact: true }).selectOption('NVDA');
  await expect(page.getByText(/NVDA · \d{4}-\d{2}-\d{2}/)).toBeVisible();
  await expect(page.locator('[data-testid="price-chart"] canvas').first()).toBeVisible();

  // A second run shows up in the history without a reload.
  await page.getByRole('button', { name: /^Run now/ }).click();
  await expect(runs.locator('tr[data-status="completed"]')).toHaveCount(2, { timeout: 30_000 });
  await expectNotReloaded(page);
  await request.delete(`/scheduler/jobs/${jobId}`);
});

test('a backfill from the job page: the range is checked in the browser, then run as asked', async ({
  page,
  request,
}) => {
  const name = unique('Backfill');
  const jobId = await createJob(request, {
    name,
    stock_ids: ['AAPL'],
    schedule_time: '17:00',
    timezone: 'America/New_York',
  });
  const runsOverRest = async () =>
    (
      (await (await request.get(`/scheduler/jobs/${jobId}/runs`)).json()) as {
        runs: { trigger: string; start: string; end: string; status: string }[];
      }
    ).runs;
  const nextRun = (
    (await (await request.get(`/scheduler/jobs/${jobId}`)).json()) as {
      next_run: string;
    }
  ).next_run;
  await page.goto(`/jobs/${jobId}`);
  await expect(page.locator('[data-connection="live"]')).toBeVisible();

  await page.getByRole('button', { name: 'Backfill…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Backfill' });
  const from = dialog.getByLabel('From', { exact: true });
  const to = dialog.getByLabel('To', { exact: true });
  // It opens on the job's own lookback window, ending today.
  await expect(to).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
  await from.fill('2020-11-06');
  await to.fill('2020-08-31');
  await dialog.getByRole('button', { name: 'Queue backfill' }).click();
  await expect(dialog.getByText('must not be before start')).toBeVisible();
  await expect(to).toHaveAttribute('aria-invalid', 'true');
  await from.fill('');
  await dialog.getByRole('button', { name: 'Queue backfill' }).click();
  await expect(dialog.getByText('is required for a backfill')).toBeVisible();
  expect(await runsOverRest()).toEqual([]);

  await from.fill('2020-08-31');
  await to.fill('2020-11-06');
  await dialog.getByRole('button', { name: 'Queue backfill' }).click();
  await expect(dialog).toBeHidden();
  const runs = page.getByRole('table', { name: 'Runs' });
  const done = runs.locator('tr[data-status="completed"]');
  await expect(done).toHaveCount(1, { timeout: 30_000 });
  await expect(done).toContainText('Backfill');
  await expect(done).toContainText('2020-08-31 to 2020-11-06');
  await expect(done).toContainText('1 of 1 stored');
  expect(await runsOverRest()).toMatchObject([
    { trigger: 'backfill', start: '2020-08-31', end: '2020-11-06', status: 'completed' },
  ]);
  // The schedule is left as it was.
  expect(
    ((await (await request.get(`/scheduler/jobs/${jobId}`)).json()) as { next_run: string })
      .next_run,
  ).toBe(nextRun);
  await request.delete(`/scheduler/jobs/${jobId}`);
});

test('the job page shows the newest 50 runs, then older ones on request', async ({
  page,
  request,
}) => {
  expect(process.env.E2E_REDIS_URL, 'the Redis of e2e/global-setup.ts').toBeTruthy();
  const name = unique('Long history');
  const jobId = await createJob(request, { name, stock_ids: ['IBM'], schedule_time: '12:00' });
  // 60 finished runs a day apart, stored as the worker stores them.
  const redis = new Redis(process.env.E2E_REDIS_URL!);
  try {
    const history = new RunHistory(redis, 100);
    const day = 86_400_000;
    const first = Date.parse('2026-01-05T17:00:00Z');
    for (let i = 0; i < 60; i++) {
      const at = new Date(first + i * day);
      expect(
        await history.save({
          run_id: `history-${jobId}-${i}`,
          job_id: jobId,
          trigger: 'schedule',
          start: '2025-12-01',
          end: at.toISOString().slice(0, 10),
          scheduled_for: at.toISOString(),
          started_at: at.toISOString(),
          finished_at: new Date(at.getTime() + 1500).toISOString(),
          status: 'completed',
          symbols: [{ symbol: 'IBM', status: 'ok', bars: 20 }],
          error: null,
        }),
      ).toBe('stored');
    }
  } finally {
    redis.disconnect();
  }

  try {
    await page.goto(`/jobs/${jobId}`);
    const runs = page.getByRole('table', { name: 'Runs' }).locator('tbody tr[data-run-id]');
    await expect(runs).toHaveCount(50);
    await expect(runs.first()).toHaveAttribute('data-run-id', `history-${jobId}-59`);
    await expect(page.getByText('Showing the newest 50 runs.')).toBeVisible();

    await page.getByRole('button', { name: 'Show older runs' }).click();
    await expect(runs).toHaveCount(60);
    await expect(runs.last()).toHaveAttribute('data-run-id', `history-${jobId}-0`);
    // All of the history is shown: nothing more to ask for.
    await expect(page.getByRole('button', { name: 'Show older runs' })).toHaveCount(0);
    await expect(runs.first()).toHaveAttribute('data-run-id', `history-${jobId}-59`);
  } finally {
    await request.delete(`/scheduler/jobs/${jobId}`);
  }
});

test('search, filter and order are kept in the URL: a view can be linked and reloaded', async ({
  page,
  request,
}) => {
  const tag = unique('Url');
  const active = await createJob(request, {
    name: `${tag} on`,
    stock_ids: ['AAPL'],
    schedule_time: '10:00',
  });
  const stopped = await createJob(request, {
    name: `${tag} off`,
    stock_ids: ['MSFT'],
    schedule_time: '10:00',
    is_active: false,
  });
  const rows = page.locator('tbody tr[data-job-id]');

  // Opened from a link: the view it names.
  await page.goto(`/?q=${encodeURIComponent(tag)}&status=stopped`);
  await expect(page.getByLabel('Search', { exact: true })).toHaveValue(tag);
  await expect(page.getByLabel('Status', { exact: true })).toHaveValue('stopped');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-job-id', stopped);

  // Changed on the page: the URL follows, without a navigation, and a reload keeps it.
  await markPage(page);
  await page.getByLabel('Status', { exact: true }).selectOption('all');
  await page.getByLabel('Order', { exact: true }).selectOption('name');
  await expect(page).toHaveURL(
    new RegExp(`\\?q=${encodeURIComponent(tag).replace(/%20/g, '\\+')}&sort=name$`),
  );
  await expect(rows).toHaveCount(2);
  await expectNotReloaded(page);
  await page.reload();
  await expect(page.getByLabel('Order', { exact: true })).toHaveValue('name');
  await expect(rows).toHaveCount(2);
  // Sorted by name: "… off" before "… on".
  await expect(rows.nth(0)).toHaveAttribute('data-job-id', stopped);
  await expect(rows.nth(1)).toHaveAttribute('data-job-id', active);

  // Unknown values fall back to the defaults.
  await page.goto('/?status=bogus&sort=nope&page=-3');
  await expect(page.getByLabel('Status', { exact: true })).toHaveValue('all');
  await expect(page.getByLabel('Order', { exact: true })).toHaveValue('newest');
  await expect(page).toHaveURL(/\/$/);
  for (const id of [active, stopped]) await request.delete(`/scheduler/jobs/${id}`);
});

test('a job created over REST appears within a second, without a reload', async ({
  page,
  request,
}) => {
  await openOverview(page);
  await markPage(page);
  const name = unique('From outside');
  const jobId = await createJob(request, {
    name,
    stock_ids: ['IBM', 'ORCL'],
    schedule_time: '08:15',
  });
  await expect(page.getByRole('link', { name, exact: true })).toBeVisible({ timeout: 1000 });
  await expectNotReloaded(page);

  // A change over REST shows too, and deletion removes the row.
  await request.put(`/scheduler/jobs/${jobId}`, { data: { name: `${name} renamed` } });
  await expect(page.getByRole('link', { name: `${name} renamed`, exact: true })).toBeVisible({
    timeout: 1000,
  });
  await request.delete(`/scheduler/jobs/${jobId}`);
  await expect(page.getByRole('link', { name: `${name} renamed`, exact: true })).toBeHidden({
    timeout: 1000,
  });
  await expectNotReloaded(page);
});

test('stop, start, edit (the next run changes) and delete', async ({ page, request }) => {
  const name = unique('Lifecycle');
  const jobId = await createJob(request, {
    name,
    stock_ids: ['AAPL'],
    schedule_time: '17:00',
    timezone: 'America/New_York',
  });
  const job = async () =>
    (await (await request.get(`/scheduler/jobs/${jobId}`)).json()) as {
      is_active: boolean;
      schedule_time: string;
      next_run: string | null;
    };
  await openOverview(page);
  const row = await rowOf(page, name);
  const next = row.locator('.cell-next');

  await row.getByRole('button', { name: /^Stop/ }).click();
  await expect(row.locator('.cell-active')).toHaveText('stopped');
  await expect(next).toHaveText('stopped');
  expect((await job()).is_active).toBe(false);

  await row.getByRole('button', { name: /^Start/ }).click();
  await expect(row.locator('.cell-active')).toHaveText('active');
  await expect(next.locator('time')).toBeVisible();
  expect((await job()).is_active).toBe(true);
  const before = await next.locator('time').getAttribute('datetime');
  expect(before).toBe((await job()).next_run);

  await row.getByRole('button', { name: /^Edit/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit job' });
  await expect(dialog.getByLabel('Name', { exact: true })).toHaveValue(name);
  await dialog.getByLabel('Time 1', { exact: true }).fill('06:45');
  await dialog.getByRole('button', { name: 'Every day' }).click();
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();
  await expect(row.locator('.cell-schedule')).toHaveText('Every day at 06:45, New York');
  await expect(next.locator('time')).not.toHaveAttribute('datetime', before!);
  const edited = await job();
  expect(edited.schedule_time).toBe('06:45');
  await expect(next.locator('time')).toHaveAttribute('datetime', edited.next_run!);

  await row.getByRole('button', { name: /^Delete/ }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete job?' });
  await expect(confirm).toContainText(name);
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toHaveCount(0);
  expect((await request.get(`/scheduler/jobs/${jobId}`)).status()).toBe(404);
});

test('a name full of markup is shown as text', async ({ page, request }) => {
  const name = '<img src=x onerror=alert(1)>';
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  const jobId = await createJob(request, { name, stock_ids: ['AAPL'], schedule_time: '09:30' });
  await openOverview(page);
  const link = page.getByRole('link', { name, exact: true });
  await expect(link.first()).toHaveText(name);
  expect(await page.locator('main img').count()).toBe(0);

  await page.goto(`/jobs/${jobId}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  expect(await page.locator('main img').count()).toBe(0);
  await page.waitForTimeout(300);
  expect(dialogs).toBe(0);
  await request.delete(`/scheduler/jobs/${jobId}`);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds nothing serious on the overview, the forms and the detail page (${colorScheme})`, async ({
    page,
    request,
  }) => {
    await page.emulateMedia({ colorScheme });
    const name = unique('Axe');
    const jobId = await createJob(request, {
      name,
      stock_ids: ['AAPL', 'MSFT'],
      schedule: { kind: 'daily', times: ['09:30', '16:05'], days: ['mon', 'wed', 'fri'] },
      timezone: 'Europe/London',
    });
    await request.post(`/scheduler/jobs/${jobId}/run`);
    await openOverview(page);
    await rowOf(page, name);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'New job' }).click();
    const dialog = page.getByRole('dialog', { name: 'New job' });
    await expect(dialog.getByLabel('Name', { exact: true })).toBeVisible();
    expect(await seriousViolations(page, 'dialog')).toEqual([]);
    // With errors showing.
    await dialog.getByRole('button', { name: 'Create job' }).click();
    await expect(dialog.getByRole('alert')).toBeVisible();
    expect(await seriousViolations(page, 'dialog')).toEqual([]);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();

    await page.goto(`/jobs/${jobId}`);
    await expect(
      page.getByRole('table', { name: 'Runs' }).locator('tr[data-status="completed"]'),
    ).toHaveCount(1, { timeout: 30_000 });
    await expect(page.locator('[data-testid="price-chart"] canvas').first()).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);

    // The backfill dialog, with an error showing.
    await page.getByRole('button', { name: 'Backfill…' }).click();
    const backfill = page.getByRole('dialog', { name: 'Backfill' });
    await backfill.getByLabel('From', { exact: true }).fill('');
    await backfill.getByRole('button', { name: 'Queue backfill' }).click();
    await expect(backfill.getByText('is required for a backfill')).toBeVisible();
    expect(await seriousViolations(page, 'dialog')).toEqual([]);
    await request.delete(`/scheduler/jobs/${jobId}`);
  });
}

test('everything can be reached and used with the keyboard', async ({ page, request }) => {
  const name = unique('Keyboard');
  const jobId = await createJob(request, { name, stock_ids: ['AAPL'], schedule_time: '11:00' });
  await openOverview(page);
  await rowOf(page, name);

  // Tab from the search field to the row's link, then to its buttons.
  await page.getByLabel('Search', { exact: true }).focus();
  const link = page.getByRole('link', { name, exact: true });
  for (let i = 0; i < 10 && !(await link.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(link).toBeFocused();
  const outline = await link.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: `Run now ${name}` })).toBeFocused();

  // The delete dialog opens with the focus on Cancel, and Escape closes it.
  await page.getByRole('button', { name: `Delete ${name}` }).focus();
  await page.keyboard.press('Enter');
  const confirm = page.getByRole('alertdialog');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(confirm).toBeHidden();
  await expect(page.getByRole('button', { name: `Delete ${name}` })).toBeFocused();
  await request.delete(`/scheduler/jobs/${jobId}`);
});

/**
 * A TCP proxy between the browser and the app, whose connections the test can cut: a real
 * network drop of the event stream.
 */
async function startCuttableProxy(targetPort: number) {
  const sockets = new Set<net.Socket>();
  let up = true;
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      up = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      up = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const seenBefore of [true, false]) {
  test(`after a dropped connection it shows "reconnecting", then catches up (${seenBefore ? 'resuming from the last event id' : 'no change seen before the drop'})`, async ({
    page,
    request,
    baseURL,
  }) => {
    const proxy = await startCuttableProxy(Number(new URL(baseURL!).port));
    const streamRequests: (string | undefined)[] = [];
    page.on('request', (r) => {
      if (r.url().includes('events.onChange')) {
        void r
          .allHeaders()
          .then((h) =>
            streamRequests.push(
              h['last-event-id'] ?? new URL(r.url()).searchParams.get('input') ?? undefined,
            ),
          );
      }
    });
    const cleanup: string[] = [];
    try {
      await page.goto(`${proxy.url}/`);
      await expect(page.locator('[data-connection="live"]')).toBeVisible();
      await markPage(page);
      if (seenBefore) {
        const first = unique('Before the drop');
        cleanup.push(
          await createJob(request, { name: first, stock_ids: ['IBM'], schedule_time: '12:00' }),
        );
        await expect(page.getByRole('link', { name: first, exact: true })).toBeVisible();
      }

      proxy.cut();
      await expect(
        page.getByRole('status').filter({ hasText: 'Disconnected — reconnecting…' }),
      ).toBeVisible({ timeout: 10_000 });

      // Changes made while the page is cut off (straight to the app, not through the proxy).
      const name = unique('While away');
      const jobId = await createJob(request, { name, stock_ids: ['AAPL'], schedule_time: '12:00' });
      cleanup.push(jobId);
      await request.post(`/scheduler/jobs/${jobId}/stop`);

      proxy.restore();
      await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 20_000 });
      const row = page
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name, exact: true }) });
      await expect(row).toBeVisible({ timeout: 5000 });
      await expect(row.locator('.cell-active')).toHaveText('stopped');
      await expectNotReloaded(page);
      if (seenBefore) {
        // The reconnect named the last event the page had seen.
        expect(streamRequests.length).toBeGreaterThanOrEqual(2);
        expect(streamRequests.at(-1)).toMatch(/\d+-\d+/);
      }
    } finally {
      proxy.cut();
      await proxy.close();
      for (const id of cleanup) await request.delete(`/scheduler/jobs/${id}`);
    }
  });
}

test('changes made through another server process reach the page', async ({ page, request }) => {
  // e2e/global-setup.ts always provides its Redis; without it this test must fail, not skip.
  expect(process.env.E2E_REDIS_URL, 'the Redis of e2e/global-setup.ts').toBeTruthy();
  const other = await startApp({
    env: {
      REDIS_URL: process.env.E2E_REDIS_URL!,
      YAHOO_BASE_URL: process.env.E2E_REPLAY_URL ?? 'http://127.0.0.1:9',
      SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    },
  });
  try {
    await openOverview(page);
    await markPage(page);
    const name = unique('Other process');
    const res = await request.post(`${other.url}/scheduler/jobs`, {
      data: { name, stock_ids: ['AAPL', 'MSFT', 'IBM'], schedule_time: '13:00' },
    });
    expect(res.status()).toBe(201);
    const { job_id } = (await res.json()) as { job_id: string };
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name, exact: true }) });
    await expect(row).toBeVisible({ timeout: 2000 });

    // Queued through the other process, run by whichever worker takes it.
    expect((await request.post(`${other.url}/scheduler/jobs/${job_id}/run`)).status()).toBe(202);
    await expect(row.locator('.cell-status [data-status="completed"]')).toBeVisible({
      timeout: 30_000,
    });
    await expectNotReloaded(page);
    await request.delete(`/scheduler/jobs/${job_id}`);
  } finally {
    await other.stop();
  }
});

import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { seriousViolations } from './support/axe';

/**
 * Pipelines in the dashboard (CONTRACT.md section 11): a fetch -> analyze pipeline built in
 * the form, the links between the two job pages, the upstream run starting the analysis and
 * its values filling the table; an analysis job's fields, errors and edit.
 */

function unique(prefix: string) {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

interface StoredJob {
  job_id: string;
  name: string;
  task: string;
  analysis: { indicators: string[]; price: string; signals: unknown[] } | null;
  schedule: Record<string, unknown>;
}

async function createJob(request: APIRequestContext, body: Record<string, unknown>) {
  const res = await request.post('/scheduler/jobs', { data: body });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { job_id: string }).job_id;
}

async function jobNamed(request: APIRequestContext, name: string): Promise<StoredJob> {
  const res = await request.get(`/scheduler/jobs?q=${encodeURIComponent(name)}`);
  const { jobs } = (await res.json()) as { jobs: StoredJob[] };
  expect(jobs).toHaveLength(1);
  return jobs[0]!;
}

/** The new-job dialog from the overview, with the change stream connected. */
async function openNewJob(page: Page): Promise<Locator> {
  await page.goto('/');
  await expect(page.locator('[data-connection="live"]')).toBeVisible();
  await page.getByRole('button', { name: 'New job' }).click();
  const dialog = page.getByRole('dialog', { name: 'New job' });
  await expect(dialog.getByLabel('Name', { exact: true })).toBeFocused();
  return dialog;
}

test('an analysis job is built in the form: indicators, signals, their errors, and an edit', async ({
  page,
  request,
}) => {
  const name = unique('Analyze');
  const dialog = await openNewJob(page);
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('Symbols', { exact: true }).fill('AAPL MSFT');
  await dialog.getByLabel('Analyze stored series').check();
  // The defaults: RSI 14 and SMA 50; a third indicator, EMA 12, is added.
  await expect(dialog.getByLabel('Indicator 1', { exact: true })).toHaveValue('rsi');
  await expect(dialog.getByLabel('Period of indicator 1 (bars)')).toHaveValue('14');
  await dialog.getByRole('button', { name: 'Add an indicator' }).click();
  await dialog.getByLabel('Indicator 3', { exact: true }).selectOption('ema');
  await dialog.getByLabel('Period of indicator 3 (bars)').fill('');
  await dialog.getByLabel('Price', { exact: true }).selectOption('adj_close');
  // A signal against a number, one against another indicator.
  await dialog.getByRole('button', { name: 'Add a signal' }).click();
  await expect(dialog.getByLabel('Signal 1 value')).toHaveValue('70');
  await dialog.getByRole('button', { name: 'Add a signal' }).click();
  await dialog.getByLabel('Signal 2 indicator').selectOption('sma:50');
  await dialog.getByLabel('Signal 2 test').selectOption('crosses_below');
  await dialog.getByLabel('Signal 2 compared with').selectOption('indicator');
  await dialog.getByLabel('Signal 2 other indicator').selectOption('rsi:14');

  // The browser's check (the server's schema) names the empty period under the indicators.
  await dialog.getByRole('button', { name: 'Create job' }).click();
  await expect(dialog.locator('[id$="-indicators-error"]')).toContainText('Indicator 3:');
  await expect(dialog.getByLabel('Period of indicator 3 (bars)')).toHaveAttribute(
    'aria-invalid',
    'true',
  );
  await dialog.getByLabel('Period of indicator 3 (bars)').fill('12');
  await expect(dialog.locator('[id$="-indicators-error"]')).toHaveCount(0);

  // The server's own errors land under their field too: the request is altered on its way.
  await page.route('**/api/trpc/jobs.create*', async (route) => {
    const body = JSON.parse(route.request().postData() ?? '{}') as Record<
      string,
      { analysis: { signals: { value: unknown }[] } }
    >;
    body['0']!.analysis.signals[1]!.value = 'median:9';
    await route.continue({ postData: JSON.stringify(body) });
  });
  await dialog.getByRole('button', { name: 'Create job' }).click();
  await expect(dialog.locator('[id$="-signals-error"]')).toContainText('Signal 2: "median:9"');
  await expect(dialog.getByLabel('Signal 2 other indicator')).toHaveAttribute(
    'aria-invalid',
    'true',
  );
  await page.unroute('**/api/trpc/jobs.create*');

  await dialog.getByRole('button', { name: 'Create job' }).click();
  await expect(dialog).toBeHidden();
  const job = await jobNamed(request, name);
  expect(job.task).toBe('analyze');
  expect(job.analysis).toEqual({
    indicators: ['rsi:14', 'sma:50', 'ema:12'],
    price: 'adj_close',
    signals: [
      { indicator: 'rsi:14', op: '>', value: 70 },
      { indicator: 'sma:50', op: 'crosses_below', value: 'rsi:14' },
    ],
  });

  // The job page says what it does; the edit form reads every field back.
  await page.goto(`/jobs/${job.job_id}`);
  await expect(page.getByTestId('job-task')).toContainText(
    'Analyze: RSI 14, SMA 50, EMA 12 on the adjusted close',
  );
  await expect(page.getByTestId('job-task')).toContainText('SMA 50 crosses below RSI 14');
  await page.getByRole('button', { name: /^Edit/ }).click();
  const edit = page.getByRole('dialog', { name: 'Edit job' });
  await expect(edit.getByLabel('Analyze stored series')).toBeChecked();
  await expect(edit.getByLabel('Indicator 3', { exact: true })).toHaveValue('ema');
  await expect(edit.getByLabel('Period of indicator 3 (bars)')).toHaveValue('12');
  await expect(edit.getByLabel('Price', { exact: true })).toHaveValue('adj_close');
  await expect(edit.getByLabel('Signal 1 value')).toHaveValue('70');
  await expect(edit.getByLabel('Signal 2 other indicator')).toHaveValue('rsi:14');
  await edit.getByLabel('Signal 1 value').fill('75');
  await edit.getByRole('button', { name: 'Remove signal 2' }).click();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByTestId('job-task')).toContainText('RSI 14 is above 75.00');
  expect((await jobNamed(request, name)).analysis!.signals).toEqual([
    { indicator: 'rsi:14', op: '>', value: 75 },
  ]);

  // Back to a fetch job: the analysis goes.
  await page.getByRole('button', { name: /^Edit/ }).click();
  await edit.getByLabel('Fetch prices').check();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByTestId('job-task')).toHaveText('Fetch daily bars');
  expect((await jobNamed(request, name)).analysis).toBeNull();
  await request.delete(`/scheduler/jobs/${job.job_id}`);
});

test('a fetch -> analyze pipeline built in the form: links both ways, a cycle refused, values after Run now upstream', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const fetchName = unique('Pipe fetch');
  const analyzeName = unique('Pipe analyze');
  const symbol = 'PIPEX';

  // The fetch job: plain, a long enough lookback for SMA 50.
  let dialog = await openNewJob(page);
  await dialog.getByLabel('Name', { exact: true }).fill(fetchName);
  await dialog.getByLabel('Symbols', { exact: true }).fill(symbol);
  await dialog.getByLabel('Lookback days', { exact: true }).fill('200');
  await dialog.getByRole('button', { name: 'Create job' }).click();
  await expect(dialog).toBeHidden();
  const upstream = await jobNamed(request, fetchName);

  // The analysis job, after it: picked from the job list by searching its name.
  await page.getByRole('button', { name: 'New job' }).click();
  dialog = page.getByRole('dialog', { name: 'New job' });
  await dialog.getByLabel('Name', { exact: true }).fill(analyzeName);
  await dialog.getByLabel('Symbols', { exact: true }).fill(symbol);
  await dialog.getByLabel('Analyze stored series').check();
  await dialog.getByRole('button', { name: 'Add a signal' }).click();
  await dialog.getByLabel('Signal 1 value').fill('0');
  await dialog.getByLabel('After other jobs').check();
  await expect(dialog.getByText('It runs when its upstream jobs finish a run')).toBeVisible();
  // Nothing picked: the schema's rule shows under the upstream jobs.
  await dialog.getByRole('button', { name: 'Create job' }).click();
  await expect(dialog.locator('[id$="-jobs-error"]')).toContainText('at least 1 job');
  await dialog.getByLabel('Find jobs').fill(fetchName);
  const found = dialog.getByRole('list', { name: 'Jobs found' });
  await expect(found.getByRole('checkbox')).toHaveCount(1);
  await found.getByLabel(fetchName).check();
  await expect(dialog.getByRole('list', { name: 'Picked upstream jobs' })).toContainText(fetchName);
  await dialog.getByLabel('Run when an upstream run is').selectOption('not_failed');
  await dialog.getByRole('button', { name: 'Create job' }).click();
  await expect(dialog).toBeHidden();
  const downstream = await jobNamed(request, analyzeName);
  expect(downstream.schedule).toEqual({
    kind: 'after',
    jobs: [upstream.job_id],
    when: 'not_failed',
    wait: 'any',
  });

  // Links both ways: the analysis job runs after the fetch job, which triggers it.
  await page.goto(`/jobs/${downstream.job_id}`);
  await expect(page.getByTestId('runs-after').getByRole('link', { name: fetchName })).toBeVisible();
  await expect(page.getByTestId('triggers')).toContainText('no job runs after this one');
  await expect(page.getByTestId('analysis-empty')).toBeVisible();
  await page.getByTestId('runs-after').getByRole('link', { name: fetchName }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${upstream.job_id}$`));
  const triggers = page.getByTestId('triggers').getByRole('link', { name: analyzeName });
  await expect(triggers).toBeVisible();
  await expect(page.getByTestId('runs-after')).toContainText('no job');

  // The server refuses a cycle; its words land under the upstream jobs of the edit form.
  await page.getByRole('button', { name: /^Edit/ }).click();
  const edit = page.getByRole('dialog', { name: 'Edit job' });
  await edit.getByLabel('After other jobs').check();
  await edit.getByLabel('Find jobs').fill(analyzeName);
  await edit.getByRole('list', { name: 'Jobs found' }).getByLabel(analyzeName).check();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.locator('[id$="-jobs-error"]')).toContainText(
    `Would make a cycle: ${fetchName}`,
  );
  await edit.getByRole('button', { name: 'Cancel' }).click();
  await expect(edit).toBeHidden();

  // Run now upstream: its run starts the analysis job's, which fills the table.
  await page.getByRole('button', { name: /^Run now/ }).click();
  const upstreamRun = page.getByRole('table', { name: 'Runs' }).locator('tbody tr[data-run-id]');
  await expect(upstreamRun.first()).toHaveAttribute('data-status', 'completed', {
    timeout: 30_000,
  });
  const upstreamRunId = await upstreamRun.first().getAttribute('data-run-id');
  await triggers.click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${downstream.job_id}$`));
  const runs = page.getByRole('table', { name: 'Runs' });
  const downstreamRun = runs.locator('tbody tr[data-run-id]').first();
  await expect(downstreamRun).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
  await expect(downstreamRun.locator('td[data-label="Trigger"]')).toContainText(
    `After ${fetchName}`,
  );
  const values = page.getByRole('table', { name: 'Latest values' });
  const row = values.locator(`tr[data-symbol="${symbol}"]`);
  await expect(row).toBeVisible({ timeout: 30_000 });
  const answer = (await (
    await request.get(`/scheduler/jobs/${downstream.job_id}/analysis`)
  ).json()) as { symbols: { values: Record<string, number | null> }[] };
  const rsi = answer.symbols[0]!.values['rsi:14']!;
  await expect(row.locator('td[data-indicator="rsi:14"]')).toHaveText(rsi.toFixed(2));
  await expect(row).toContainText('holds RSI 14 is above 0.00');

  // The run row's link goes to the upstream run, opened on its job's page.
  await downstreamRun.getByRole('link', { name: fetchName }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${upstream.job_id}#run-${upstreamRunId}$`));
  await expect(page.locator(`tr[data-run-id="${upstreamRunId}"]`)).toHaveAttribute(
    'data-linked',
    'true',
  );

  // A job others run after cannot be deleted while they do: the page says which.
  await page.getByRole('button', { name: /^Delete/ }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete job?' });
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText(`Could not delete ${fetchName}`)).toContainText(analyzeName);
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  expect((await request.get(`/scheduler/jobs/${upstream.job_id}`)).status()).toBe(200);
  await request.delete(`/scheduler/jobs/${downstream.job_id}`);
  await request.delete(`/scheduler/jobs/${upstream.job_id}`);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds nothing serious in the pipeline fields and pages (${colorScheme})`, async ({
    page,
    request,
  }) => {
    await page.emulateMedia({ colorScheme });
    const fetchId = await createJob(request, {
      name: unique('Axe fetch'),
      stock_ids: ['AXEPIPE'],
      schedule_time: '17:00',
      lookback_days: 120,
    });
    const analyzeId = await createJob(request, {
      name: unique('Axe analyze'),
      stock_ids: ['AXEPIPE', 'NOSUCHBARS'],
      schedule: { kind: 'after', jobs: [fetchId] },
      task: 'analyze',
      analysis: {
        indicators: ['rsi:14', 'return:5'],
        signals: [{ indicator: 'rsi:14', op: '>', value: 0 }],
      },
    });
    await request.post(`/scheduler/jobs/${fetchId}/run`);
    await expect
      .poll(
        async () =>
          (await (await request.get(`/scheduler/jobs/${fetchId}`)).json()).last_run_status,
        {
          timeout: 30_000,
        },
      )
      .toBe('completed');
    await request.post(`/scheduler/jobs/${analyzeId}/run`);
    await page.goto(`/jobs/${analyzeId}`);
    const values = page.getByRole('table', { name: 'Latest values' });
    await expect(values.locator('tr[data-symbol="AXEPIPE"]')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('runs-after').getByRole('link')).toHaveCount(1);
    expect(await seriousViolations(page)).toEqual([]);

    const dialog = await openNewJob(page);
    await dialog.getByLabel('Analyze stored series').check();
    await dialog.getByRole('button', { name: 'Add a signal' }).click();
    await dialog.getByLabel('Signal 1 compared with').selectOption('indicator');
    await dialog.getByLabel('Period of indicator 1 (bars)').fill('');
    await dialog.getByLabel('After other jobs').check();
    await expect(
      dialog.getByRole('list', { name: 'Jobs found' }).getByRole('checkbox').first(),
    ).toBeVisible();
    await dialog.getByRole('button', { name: 'Create job' }).click();
    await expect(dialog.locator('[id$="-indicators-error"]')).toBeVisible();
    await expect(dialog.locator('[id$="-jobs-error"]')).toBeVisible();
    expect(await seriousViolations(page, 'dialog')).toEqual([]);
    await request.delete(`/scheduler/jobs/${analyzeId}`);
    await request.delete(`/scheduler/jobs/${fetchId}`);
  });
}

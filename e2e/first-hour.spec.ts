import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';

/**
 * The paper cuts a new user met in the dashboard (issue 10), checked in a real browser against
 * the real server: relative times, the form's errors and preview, messages over buttons,
 * 24-hour and ISO inputs, a stopped job's title.
 */

const name = (prefix: string) =>
  `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function newJob(request: APIRequestContext, body: Record<string, unknown>): Promise<string> {
  const res = await request.post('/scheduler/jobs', {
    data: { stock_ids: ['AAPL'], schedule_time: '17:00', timezone: 'America/New_York', ...body },
  });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { job_id: string }).job_id;
}

/** Runs the job over REST and waits until its run has finished. */
async function runToEnd(request: APIRequestContext, jobId: string) {
  expect((await request.post(`/scheduler/jobs/${jobId}/run`)).status()).toBe(202);
  await expect
    .poll(
      async () =>
        (
          (await (await request.get(`/scheduler/jobs/${jobId}`)).json()) as {
            last_run: string | null;
          }
        ).last_run,
      { timeout: 30_000 },
    )
    .not.toBeNull();
}

async function overviewRow(page: Page, jobName: string): Promise<Locator> {
  await page.goto('/');
  await expect(page.locator('[data-connection="live"]')).toBeVisible();
  await page.getByLabel('Search', { exact: true }).fill(jobName);
  const row = page
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: jobName, exact: true }) });
  await expect(row).toBeVisible();
  return row;
}

function overlap(a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Seconds in "12 s ago", or null for any other wording. */
function secondsAgo(text: string): number | null {
  const m = /^(\d+) s ago$/.exec(text.trim());
  return m ? Number(m[1]) : null;
}

test('a finished run reads as past, and its age ticks each second while under a minute', async ({
  page,
  request,
}) => {
  const jobName = name('Clock');
  const jobId = await newJob(request, { name: jobName });
  await runToEnd(request, jobId);

  // The browser's clock 20 s behind the server's: the run looks 20 s ahead of "now".
  await page.clock.install({ time: Date.now() - 20_000 });
  const row = await overviewRow(page, jobName);
  const last = row.locator('.cell-last time');
  await expect(last).toHaveText('just now');

  // The clocks agree again and the run is 15 s old; each second shows a new age.
  await page.clock.pauseAt(Date.now() + 15_000);
  await page.clock.runFor(1_000);
  const first = secondsAgo(await last.innerText());
  expect(first, await last.innerText()).not.toBeNull();
  await page.clock.runFor(1_000);
  await expect.poll(async () => secondsAgo(await last.innerText())).toBe(first! + 1);
  await page.clock.runFor(1_000);
  await expect.poll(async () => secondsAgo(await last.innerText())).toBe(first! + 2);
  await request.delete(`/scheduler/jobs/${jobId}`);
});

test('a fixed cron expression loses its error as it is fixed', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'New job' }).click();
  const dialog = page.getByRole('dialog', { name: 'New job' });
  await dialog.getByLabel('Name', { exact: true }).fill(name('Cron fix'));
  await dialog.getByLabel('Symbols', { exact: true }).fill('AAPL ');
  await dialog.getByLabel('Cron expression', { exact: true }).check();
  const cron = dialog.getByRole('textbox', { name: 'Cron expression' });
  await cron.fill('0 17 * *');
  await dialog.getByRole('button', { name: 'Create job' }).click();
  const error = dialog.getByText(/must have 5 fields/i);
  await expect(error).toBeVisible();
  await expect(cron).toHaveAttribute('aria-invalid', 'true');

  await cron.fill('0 17 * * 1-5');
  await expect(error).toBeHidden();
  await expect(cron).not.toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});

test.describe('wide tables stay in their cards', () => {
  // A browser in one zone, a job in another with a long name: two columns of times.
  test.use({ timezoneId: 'Asia/Kolkata' });

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    test(`the form's "Next five runs" fits its card (${viewport.width} px)`, async ({ page }) => {
      await page.setViewportSize(viewport);
      await page.goto('/');
      await page.getByRole('button', { name: 'New job' }).click();
      const dialog = page.getByRole('dialog', { name: 'New job' });
      await dialog.getByLabel('Time zone', { exact: true }).fill('America/Argentina/Buenos_Aires');
      const table = dialog.getByRole('table', { name: 'Next five runs' });
      await expect(table.getByRole('columnheader')).toHaveCount(2);
      const card = await dialog.locator('section.preview').boundingBox();
      const box = await table.boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(card!.x);
      expect(box!.x + box!.width).toBeLessThanOrEqual(card!.x + card!.width + 0.5);
      // No cell's text runs out of its cell either (a header over its neighbour).
      const spilling = await table
        .locator('th, td')
        .evaluateAll((cells) =>
          cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
        );
      expect(spilling).toEqual([]);
      const form = await dialog.boundingBox();
      expect(card!.x + card!.width).toBeLessThanOrEqual(form!.x + form!.width + 0.5);
    });
  }
});

for (const viewport of [
  { width: 1280, height: 720 },
  { width: 390, height: 844 },
]) {
  test(`a message does not cover the row buttons it came from (${viewport.width} px)`, async ({
    page,
    request,
  }) => {
    await page.setViewportSize(viewport);
    const prefix = name('Toast');
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await newJob(request, { name: `${prefix} ${i}` }));
    await page.goto('/');
    await expect(page.locator('[data-connection="live"]')).toBeVisible();
    await page.getByLabel('Search', { exact: true }).fill(prefix);
    await expect(page.locator('.jobs-table tbody tr')).toHaveCount(8);

    // The row's buttons at the very bottom of the window, where messages used to appear.
    const row = page.locator('.jobs-table tbody tr').nth(3);
    const actions = row.locator('.cell-actions');
    await actions.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    const buttons = actions.getByRole('button');
    await buttons.first().click();
    const note = page.locator('.note').filter({ hasText: 'Run queued' });
    await expect(note).toBeVisible();
    const noteBox = (await page.locator('.notifications').boundingBox())!;
    for (const button of await buttons.all()) {
      const box = (await button.boundingBox())!;
      expect(overlap(noteBox, box), `${await button.innerText()} is covered`).toBe(false);
    }
    for (const id of ids) await request.delete(`/scheduler/jobs/${id}`);
  });
}

test('times of day are typed 24-hour and dates as ISO; the form says what the API defaults to', async ({
  page,
  request,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'New job' }).click();
  const dialog = page.getByRole('dialog', { name: 'New job' });
  const time = dialog.getByLabel('Time 1', { exact: true });
  await expect(time).toHaveValue('17:00');
  // Not type="time": that shows "05:00 PM" in a US browser.
  await expect(time).toHaveAttribute('type', 'text');
  await expect(time).toHaveAttribute('placeholder', 'HH:MM');
  await expect(dialog.getByText('24-hour HH:MM', { exact: false })).toBeVisible();
  await expect(
    dialog.getByText(/created over the API with schedule_time runs every day/),
  ).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  const jobId = await newJob(request, { name: name('Dates') });
  await page.goto(`/jobs/${jobId}`);
  await page.getByRole('button', { name: 'Backfill…' }).click();
  const backfill = page.getByRole('dialog', { name: 'Backfill' });
  for (const label of ['From', 'To']) {
    const field = backfill.getByLabel(label, { exact: true });
    await expect(field).toHaveAttribute('type', 'text');
    await expect(field).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
  }
  // A range after today is refused in the browser, naming the field.
  await backfill.getByLabel('To', { exact: true }).fill(`${new Date().getUTCFullYear() + 1}-01-02`);
  await backfill.getByRole('button', { name: 'Queue backfill' }).click();
  await expect(backfill.getByText(/must not be after today/)).toBeVisible();
  await expect(backfill.getByLabel('To', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await request.delete(`/scheduler/jobs/${jobId}`);
});

test("a stopped job's title says stopped", async ({ page, request }) => {
  const jobName = name('Stopped');
  const jobId = await newJob(request, { name: jobName });
  await runToEnd(request, jobId);
  expect((await request.post(`/scheduler/jobs/${jobId}/stop`)).status()).toBe(200);
  await page.goto(`/jobs/${jobId}`);
  const head = page.locator('.page-head');
  await expect(head.getByRole('heading', { level: 1, name: jobName })).toBeVisible();
  await expect(head.locator('[data-status]').first()).toHaveText('stopped');
  await head.getByRole('button', { name: /^Start/ }).click();
  await expect(head.locator('[data-status]').first()).toHaveText('completed');
  await request.delete(`/scheduler/jobs/${jobId}`);
});

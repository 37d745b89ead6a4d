import { expect, test, type APIRequestContext } from '@playwright/test';

/**
 * Made-up bars are badged where a person sees prices: the job page's price panel says
 * "synthetic data" for a record the replay server invented, and nothing for a recorded one.
 * (The e2e replay server invents bars for any symbol; e2e/global-setup.ts.)
 */

async function jobWithRun(
  request: APIRequestContext,
  symbol: string,
  range?: { start: string; end: string },
) {
  const created = await request.post('/scheduler/jobs', {
    data: {
      name: `Badge ${symbol} ${Date.now().toString(36)}`,
      stock_ids: [symbol],
      schedule_time: '03:00',
    },
  });
  expect(created.status()).toBe(201);
  const { job_id } = (await created.json()) as { job_id: string };
  const run = await request.post(`/scheduler/jobs/${job_id}/run`, range ? { data: range } : {});
  expect(run.status()).toBe(202);
  await expect
    .poll(async () => {
      const job = (await (await request.get(`/scheduler/jobs/${job_id}`)).json()) as {
        last_run_status: string | null;
      };
      return job.last_run_status;
    })
    .toBe('completed');
  return job_id;
}

test('the price panel badges made-up bars, and only those', async ({ page, request }) => {
  const invented = await jobWithRun(request, 'NFLX');
  await page.goto(`/jobs/${invented}`);
  const meta = page.locator('.record-meta');
  await expect(meta).toContainText('NFLX');
  await expect(meta.locator('.badge-synthetic')).toHaveText('synthetic data');

  // GOOG (no other spec stores it) on its recording's date: the recorded bar, no badge.
  const recorded = await jobWithRun(request, 'GOOG', { start: '2020-01-02', end: '2020-01-02' });
  await page.goto(`/jobs/${recorded}`);
  await expect(page.locator('.record-meta')).toContainText('GOOG · 2020-01-02 to 2020-01-02');
  await expect(page.locator('.record-meta .badge-synthetic')).toHaveCount(0);

  await request.delete(`/scheduler/jobs/${invented}`);
  await request.delete(`/scheduler/jobs/${recorded}`);
});

import { expect, test } from '@playwright/test';

test('the jobs page lists jobs created over REST', async ({ page, request }) => {
  const name = `E2E list ${Date.now()}`;
  const res = await request.post('/scheduler/jobs', {
    data: { name, stock_ids: ['AAPL', 'MSFT'], schedule_time: '17:00' },
  });
  expect(res.status()).toBe(201);
  const { job_id } = (await res.json()) as { job_id: string };

  await page.goto('/');
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toBeVisible();
  await expect(row).toContainText('AAPL');
  await expect(row).toContainText('MSFT');

  await request.delete(`/scheduler/jobs/${job_id}`);
});

test('the header keeps its layout on a page opened directly, not only on the overview', async ({
  page,
  request,
}) => {
  const res = await request.post('/scheduler/jobs', {
    data: { name: `E2E header ${Date.now()}`, stock_ids: ['AAPL'], schedule_time: '17:00' },
  });
  const { job_id } = (await res.json()) as { job_id: string };
  await page.goto(`/jobs/${job_id}`);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Jobs' })).toBeVisible();
  // Its links stand apart (a flex row with a gap), not run together as "JobsNotifications".
  expect(await nav.evaluate((el) => getComputedStyle(el).display)).toBe('flex');
  expect(await nav.evaluate((el) => getComputedStyle(el).columnGap)).not.toBe('normal');

  await request.delete(`/scheduler/jobs/${job_id}`);
});

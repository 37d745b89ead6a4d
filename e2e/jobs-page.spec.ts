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

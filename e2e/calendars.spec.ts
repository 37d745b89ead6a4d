import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { Job } from '../src/domain/job-definition';

/**
 * A trading-days job made in the form: "every NYSE session, 30 minutes after the close". The
 * browser's clock is fixed to the Tuesday before Thanksgiving 2026, so the preview must skip
 * Thanksgiving and move Friday's run to 30 minutes after its 13:00 early close.
 */
test('creates an every-NYSE-session job and previews the early close', async ({
  page,
  request,
}) => {
  await page.clock.setFixedTime(new Date('2026-11-24T12:00:00Z'));
  const name = `NYSE close ${Date.now().toString(36)}`;
  await page.goto('/');
  await page.getByRole('button', { name: 'New job' }).click();
  const dialog = page.getByRole('dialog', { name: 'New job' });
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('Symbols', { exact: true }).fill('AAPL');
  await dialog.getByRole('radio', { name: 'Exchange sessions' }).check();
  await dialog.getByLabel('Exchange', { exact: true }).selectOption('XNYS');
  await dialog.getByLabel('Minutes 1', { exact: true }).fill('30');
  await expect(dialog.getByLabel('Relative to 1')).toHaveValue('after-close');

  await expect(dialog.getByText('Every XNYS session at 30 min after the close')).toBeVisible();
  const preview = dialog.getByRole('table', { name: 'Next five runs' });
  await expect(preview.locator('tbody tr')).toHaveCount(5);
  const friday = preview
    .locator('tbody tr')
    .filter({ has: page.locator('time[datetime="2026-11-27T18:30:00.000Z"]') });
  await expect(friday).toContainText('Early close 13:00 (Day after Thanksgiving)');
  await expect(preview.locator('time[datetime="2026-11-24T21:30:00.000Z"]')).toBeVisible();
  await expect(dialog.getByRole('list', { name: 'Skipped holidays' })).toContainText(
    'Skipped 2026-11-26: Thanksgiving Day',
  );

  const axe = await new AxeBuilder({ page }).include('dialog').analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => v.id)).toEqual([]);

  await dialog.getByRole('button', { name: 'Create job' }).click();
  await expect(dialog).toBeHidden();
  const list = (await (
    await request.get(`/scheduler/jobs?q=${encodeURIComponent(name)}`)
  ).json()) as {
    jobs: Job[];
  };
  expect(list.jobs).toHaveLength(1);
  expect(list.jobs[0]).toMatchObject({
    schedule: { kind: 'trading_days', calendar: 'XNYS', times: ['close+30m'] },
    timezone: 'America/New_York',
  });
});

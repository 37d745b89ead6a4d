import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { Redis } from 'ioredis';
import type { DailyBar } from '../src/server/market-data/provider';
import { SeriesStore } from '../src/server/market-data/series-store';
import { seriousViolations } from './support/axe';

const SYMBOL = 'E2EDATA';

/** Ten years of weekday bars, a 2:1 split in 2020 and yearly dividends, merged for real. */
test.beforeAll(async () => {
  const redis = new Redis(process.env.E2E_REDIS_URL!);
  const bars: DailyBar[] = [];
  let close = 100;
  for (let t = Date.UTC(2015, 0, 1); t <= Date.UTC(2024, 11, 31); t += 86_400_000) {
    const day = new Date(t).getUTCDay();
    // Two sessions left out: a gap for the quality list.
    const date = new Date(t).toISOString().slice(0, 10);
    if (day === 0 || day === 6 || date === '2019-03-05' || date === '2019-03-06') continue;
    close = Math.round(close * (1 + Math.sin(t / 9e8) * 0.01) * 100) / 100;
    bars.push({
      date,
      open: close,
      high: Math.round(close * 101) / 100,
      low: Math.round(close * 99) / 100,
      close,
      adj_close: Math.round(close * 95) / 100,
      volume: 1_000_000,
    });
  }
  await new SeriesStore(redis).merge(
    {
      symbol: SYMBOL,
      currency: 'USD',
      exchange_timezone: 'America/New_York',
      bars,
      splits: [{ date: '2020-06-15', numerator: 2, denominator: 1 }],
      dividends: [2016, 2018, 2022].map((y) => ({ date: `${y}-03-15`, amount: 0.5 })),
    },
    '2025-01-02T00:00:00.000Z',
    '2015-01-01',
  );
  await redis.quit();
});

test('the symbols page lists the series with its coverage and finds it by search', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Market data' }).click();
  await expect(page).toHaveURL(/\/data$/);
  const row = page.getByRole('row').filter({ hasText: SYMBOL });
  await expect(row).toContainText('XNYS');
  await expect(row).toContainText('stale');
  await expect(row).toContainText('2,607');
  await expect(row).toContainText('2015-01-01');
  await expect(row).toContainText('2024-12-31');
  await page.getByLabel('Search').fill('nothing-like-it');
  await expect(row).toBeHidden();
  await page.getByLabel('Search').fill(SYMBOL.toLowerCase());
  await expect(row).toBeVisible();
  await row.getByRole('link', { name: SYMBOL }).click();
  await expect(page.getByRole('heading', { level: 1, name: SYMBOL })).toBeVisible();
});

test('a symbol page: range buttons, the adjust toggle and the CSV download', async ({
  page,
  request,
}) => {
  await page.goto(`/data/${SYMBOL}`);
  const chart = page.getByTestId('series-chart');
  await expect(chart).toHaveAttribute('data-bars', '2607');
  await expect(chart.locator('canvas').first()).toBeVisible();
  await expect(chart).toHaveAttribute('aria-label', /1 splits and 3 dividends/);

  const ranges = page.getByRole('group', { name: 'Range shown' });
  await expect(ranges.getByRole('button', { name: '1Y' })).toHaveAttribute('aria-pressed', 'true');
  for (const label of ['1M', '3M', '5Y', 'All']) {
    await ranges.getByRole('button', { name: label }).click();
    await expect(ranges.getByRole('button', { name: label })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await expect(chart).toHaveAttribute('data-range', label);
  }

  await page.getByLabel('Dividends too').check();
  const download = page.getByRole('link', { name: 'Download CSV' });
  await expect(download).toHaveAttribute('href', `/scheduler/data/${SYMBOL}/bars.csv?adjust=all`);
  await expect(page.getByText(/last close/)).toContainText('on 2024-12-31');

  const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
  expect(file.suggestedFilename()).toBe(`${SYMBOL}.csv`);
  const text = readFileSync((await file.path())!, 'utf8');
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe('date,open,high,low,close,adj_close,volume');
  expect(lines).toHaveLength(2608);
  // adjust=all: the close is the adjusted close.
  const [, , , , closeAll, adj] = lines[1]!.split(',');
  expect(closeAll).toBe(adj);
  const served = await request.get(`/scheduler/data/${SYMBOL}/bars.csv?adjust=all`);
  expect(await served.text()).toBe(text);

  await expect(page.getByRole('heading', { name: 'Quality' })).toBeVisible();
  await expect(page.getByLabel(`Quality of ${SYMBOL}`)).toContainText(
    'Gap: 2 sessions with no bar, 2019-03-05 to 2019-03-06',
  );
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds nothing serious on the data pages (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto('/data');
    await expect(page.getByRole('row').filter({ hasText: SYMBOL })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`/data/${SYMBOL}`);
    await expect(page.getByTestId('series-chart').locator('canvas').first()).toBeVisible();
    await expect(page.getByLabel(`Quality of ${SYMBOL}`)).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });
}

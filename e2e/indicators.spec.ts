import { expect, test, type Page } from '@playwright/test';
import { Redis } from 'ioredis';
import type { DailyBar } from '../src/server/market-data/provider';
import { SeriesStore } from '../src/server/market-data/series-store';
import { seriousViolations } from './support/axe';

const SYMBOL = 'E2EIND';

/** Three years of weekday bars merged for real, a wave so the averages part from the price. */
test.beforeAll(async () => {
  const redis = new Redis(process.env.E2E_REDIS_URL!);
  const bars: DailyBar[] = [];
  for (let t = Date.UTC(2022, 0, 3); t <= Date.UTC(2024, 11, 31); t += 86_400_000) {
    const day = new Date(t).getUTCDay();
    if (day === 0 || day === 6) continue;
    const close = Math.round((100 + 20 * Math.sin(t / 3e9) + ((t / 1e10) % 7)) * 100) / 100;
    bars.push({
      date: new Date(t).toISOString().slice(0, 10),
      open: close,
      high: close + 1,
      low: close - 1,
      close,
      adj_close: close,
      volume: 1000,
    });
  }
  await new SeriesStore(redis).merge(
    {
      symbol: SYMBOL,
      currency: 'USD',
      exchange_timezone: 'America/New_York',
      bars,
      splits: [],
      dividends: [],
    },
    '2025-01-02T00:00:00.000Z',
    '2022-01-03',
  );
  await redis.quit();
});

/** The symbol page with its chart drawn. */
async function openChart(page: Page) {
  await page.goto(`/data/${SYMBOL}`);
  const chart = page.getByTestId('series-chart');
  await expect(chart.locator('canvas').first()).toBeVisible();
  return chart;
}

test('the symbol chart overlays SMA and EMA lines, their last values as the API gives them', async ({
  page,
  request,
}) => {
  const chart = await openChart(page);
  await expect(chart).toHaveAttribute('data-overlays', '');

  const picker = page.getByRole('group', { name: 'Moving averages' });
  await picker.getByLabel('SMA 50').check();
  await picker.getByLabel('EMA 12').check();
  await expect(chart).toHaveAttribute('data-overlays', 'sma:50,ema:12');
  await expect(chart).toHaveAttribute('aria-label', /with SMA 50, EMA 12/);

  const api = await request.get(
    `/scheduler/data/${SYMBOL}/indicators?names=sma:50,ema:12&start=2024-12-31`,
  );
  const body = (await api.json()) as {
    indicators: Record<string, { date: string; value: number }[]>;
  };
  const legend = page.getByRole('list', { name: 'Moving averages on the last bar' });
  await expect(legend).toContainText(
    `SMA 50: ${body.indicators['sma:50']![0]!.value.toFixed(2)} on 2024-12-31`,
  );
  await expect(legend).toContainText(
    `EMA 12: ${body.indicators['ema:12']![0]!.value.toFixed(2)} on 2024-12-31`,
  );

  // Off again: that line goes, the other stays.
  await picker.getByLabel('SMA 50').uncheck();
  await expect(chart).toHaveAttribute('data-overlays', 'ema:12');
  await expect(legend).not.toContainText('SMA 50');
});

test('RSI 14 shows in a lower pane with its last value as the API gives it', async ({
  page,
  request,
}) => {
  const chart = await openChart(page);
  await expect(chart).not.toHaveAttribute('data-rsi', /./);
  const heightBefore = (await chart.boundingBox())!.height;

  await page
    .getByRole('group', { name: 'Lower pane' })
    .getByLabel(/RSI 14/)
    .check();
  const api = await request.get(`/scheduler/data/${SYMBOL}/indicators?names=rsi:14`);
  const body = (await api.json()) as {
    indicators: Record<string, { date: string; value: number | null }[]>;
  };
  const points = body.indicators['rsi:14']!.filter((p) => p.value !== null);
  await expect(chart).toHaveAttribute('data-rsi', String(points.length));
  await expect(chart).toHaveAttribute('aria-label', /RSI 14 below, guides at 30 and 70/);
  const last = points.at(-1)!;
  await expect(page.getByTestId('rsi-legend')).toContainText(
    `RSI 14: ${last.value!.toFixed(2)} on ${last.date}`,
  );
  // The pane adds room below the candles instead of squeezing them.
  expect((await chart.boundingBox())!.height).toBeGreaterThan(heightBefore);

  await page
    .getByRole('group', { name: 'Lower pane' })
    .getByLabel(/RSI 14/)
    .uncheck();
  await expect(chart).not.toHaveAttribute('data-rsi', /./);
  await expect(page.getByTestId('rsi-legend')).toHaveCount(0);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds nothing serious with overlays and RSI drawn (${colorScheme})`, async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto(`/data/${SYMBOL}`);
    await expect(page.getByTestId('series-chart').locator('canvas').first()).toBeVisible();
    await page.getByLabel('SMA 200').check();
    await expect(page.getByTestId('series-chart')).toHaveAttribute('data-overlays', 'sma:200');
    await page.getByLabel(/RSI 14/).check();
    await expect(page.getByTestId('series-chart')).toHaveAttribute('data-rsi', /^\d+$/);
    expect(await seriousViolations(page)).toEqual([]);
  });
}

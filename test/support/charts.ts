/** Recorded Yahoo chart results, and altered copies of them for "before" and "after" worlds. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultFixturesDir } from '../../src/replay/replay-server';
import type { ChartResult } from '../../src/replay/served-history';

export const MSFT_FILE = 'historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.json';
export const AAPL_FILE = 'chart-AAPL-2020-08-31-to-2020-11-07.json';

export function recordedChart(file: string): ChartResult {
  const raw = JSON.parse(readFileSync(path.join(defaultFixturesDir(), file), 'utf8')) as {
    response: { bodyJson?: unknown; body?: string };
  };
  const body = (raw.response.bodyJson ?? JSON.parse(raw.response.body!)) as {
    chart: { result: ChartResult[] };
  };
  return structuredClone(body.chart.result[0]!);
}

const PRICE_COLUMNS = ['open', 'high', 'low', 'close'];

/**
 * A copy of `chart` whose prices (adjclose too) are `f(price, timestamp)` for the bars that
 * `which` selects; volumes stay.
 */
export function repriced(
  chart: ChartResult,
  which: (ts: number) => boolean,
  f: (price: number, ts: number) => number,
): ChartResult {
  const copy = structuredClone(chart);
  const ts = copy.timestamp ?? [];
  const quote = copy.indicators.quote[0]!;
  const columns = [
    ...PRICE_COLUMNS.map((name) => quote[name]),
    copy.indicators.adjclose?.[0]?.adjclose,
  ];
  for (const column of columns) {
    if (!column) continue;
    column.forEach((v, i) => {
      if (v !== null && which(ts[i]!)) column[i] = f(v, ts[i]!);
    });
  }
  return copy;
}

/** Unix seconds of a bar whose trading date (New York) is `date`. */
export function tsOf(chart: ChartResult, date: string): number {
  const ts = (chart.timestamp ?? []).find(
    (t) => new Date(t * 1000).toISOString().slice(0, 10) === date,
  );
  if (ts === undefined) throw new Error(`no bar on ${date}`);
  return ts;
}

/** Closes and adjcloses read straight from a recorded Yahoo chart answer, no app code between. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../fixtures/yahoo-chart/', import.meta.url));

export interface RecordedPrices {
  timestamps: number[];
  close: number[];
  adj_close: number[];
}

/** Every day of the recording that has both a close and an adjclose, oldest first. */
export function recordedPrices(file: string): RecordedPrices {
  const json = JSON.parse(readFileSync(`${DIR}${file}`, 'utf8'));
  const body = json.response.bodyJson ?? JSON.parse(json.response.body);
  const result = body.chart.result[0];
  const closes: (number | null)[] = result.indicators.quote[0].close;
  const adj: (number | null)[] = result.indicators.adjclose[0].adjclose;
  const out: RecordedPrices = { timestamps: [], close: [], adj_close: [] };
  result.timestamp.forEach((t: number, i: number) => {
    const c = closes[i];
    const a = adj[i];
    if (c === null || c === undefined || a === null || a === undefined) return;
    out.timestamps.push(t);
    out.close.push(c);
    out.adj_close.push(a);
  });
  return out;
}

export const AAPL_RECORDING = 'chart-AAPL-2020-08-31-to-2020-11-07.json';
export const MSFT_RECORDING =
  'historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.json';

/**
 * Indicators over a symbol's stored series (CONTRACT.md section 11). Computed over the whole
 * stored history up to `end` and only then cut to [start, end]: an EMA, an RSI and a drawdown
 * depend on every bar before, so a value at `start` is the same whatever range is asked.
 */
import { computeIndicator } from '~/domain/indicators';
import type { StoredBar } from './series-codec';
import type { IndicatorsInput, PriceField } from './series-params';
import { metaOrThrow, type SeriesReadDeps } from './series-queries';

export interface IndicatorPoint {
  date: string;
  value: number | null;
}

export interface IndicatorsAnswer {
  symbol: string;
  price: PriceField;
  start: string;
  end: string;
  indicators: Record<string, IndicatorPoint[]>;
}

/**
 * The chosen price of each bar, oldest first, with its date. A bar without it (a provider's
 * null) is no price: skipped, not a zero.
 */
export function pricesOf(
  bars: readonly StoredBar[],
  price: PriceField,
): { dates: string[]; prices: number[] } {
  const dates: string[] = [];
  const prices: number[] = [];
  for (const bar of bars) {
    const p = bar[price];
    if (p === null) continue;
    dates.push(bar.date);
    prices.push(p);
  }
  return { dates, prices };
}

export async function readIndicators(
  deps: Pick<SeriesReadDeps, 'series'>,
  input: IndicatorsInput,
): Promise<IndicatorsAnswer> {
  const meta = await metaOrThrow(deps.series, input.symbol);
  const start = input.start ?? meta.first_date!;
  const end = input.end ?? meta.last_date!;
  const stored = await deps.series.bars(meta.symbol, meta.first_date!, end, meta);
  const { dates, prices } = pricesOf(stored, input.price);
  let from = dates.findIndex((d) => d >= start);
  if (from < 0) from = dates.length;
  const indicators: Record<string, IndicatorPoint[]> = {};
  for (const spec of input.names) {
    const values = computeIndicator(spec, prices);
    const points: IndicatorPoint[] = [];
    for (let i = from; i < dates.length; i++) points.push({ date: dates[i]!, value: values[i]! });
    indicators[spec.name] = points;
  }
  return { symbol: meta.symbol, price: input.price, start, end, indicators };
}

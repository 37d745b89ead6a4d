/**
 * A history the replay server serves for one symbol in place of its recording (tests set a
 * "before" and then an "after" history of the same symbol, as Yahoo's answers change after a
 * split). It is one chart result in Yahoo's shape; each request gets the part of it inside
 * period1..period2, events included, as Yahoo cuts its answers.
 */

/** One `chart.result[0]` in Yahoo's shape. */
export interface ChartResult {
  meta: Record<string, unknown>;
  timestamp?: number[];
  indicators: {
    quote: Record<string, (number | null)[]>[];
    adjclose?: { adjclose?: (number | null)[] }[];
  };
  events?: Record<string, Record<string, { date: number } & Record<string, unknown>>>;
}

/** The answer body for [period1, period2) unix seconds. */
export function servedHistoryBody(chart: ChartResult, period1: number, period2: number): string {
  const timestamps = chart.timestamp ?? [];
  const keep = timestamps.map((ts) => ts >= period1 && ts < period2);
  const pick = <T>(column: T[] | undefined) => column?.filter((_, i) => keep[i]);
  const quote = Object.fromEntries(
    Object.entries(chart.indicators.quote[0] ?? {}).map(([name, column]) => [name, pick(column)]),
  );
  const adjclose = pick(chart.indicators.adjclose?.[0]?.adjclose);
  const events = Object.fromEntries(
    Object.entries(chart.events ?? {}).map(([kind, byTs]) => [
      kind,
      Object.fromEntries(
        Object.entries(byTs).filter(([, e]) => e.date >= period1 && e.date < period2),
      ),
    ]),
  );
  const result = {
    ...chart,
    timestamp: timestamps.filter((_, i) => keep[i]),
    indicators: { quote: [quote], adjclose: [{ adjclose }] },
    events,
  };
  return JSON.stringify({ chart: { result: [result], error: null } });
}

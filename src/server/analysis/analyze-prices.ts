/**
 * One symbol's analysis over its whole price history (CONTRACT.md section 11): every indicator
 * computed over all its bars, the values on the last bar kept, and each signal judged there.
 * Pure, so the run and the tests share it with no Redis in between.
 */
import {
  analysisIndicators,
  type Analysis,
  type Signal,
  type SignalState,
  type SymbolAnalysis,
} from '~/domain/analysis';
import { computeIndicator, parseIndicatorName, type IndicatorSpec } from '~/domain/indicators';

/** The last two values of a series: what `>` and the crossings compare. */
interface Tail {
  last: number | null;
  prev: number | null;
}

/** Bars an indicator needs before its first value (CONTRACT.md's definitions). */
export function barsNeeded(spec: IndicatorSpec): number {
  switch (spec.kind) {
    case 'sma':
    case 'ema':
      return spec.n;
    case 'rsi':
    case 'volatility':
    case 'return':
      return spec.n + 1;
    case 'drawdown':
      return 1;
  }
}

function specOf(name: string): IndicatorSpec {
  const spec = parseIndicatorName(name);
  if ('error' in spec) throw new Error(`stored analysis names a bad indicator: ${spec.error}`);
  return spec;
}

/**
 * A signal on the last bar: `>`/`<` compare the last values; `crosses_above` holds when the
 * bar before was at or below the value and the last bar is above it (`crosses_below` the
 * mirror). A missing value on either side (too few bars) never holds.
 */
export function judgeSignal(signal: Signal, tails: Map<string, Tail>): SignalState {
  const left = tails.get(signal.indicator) ?? { last: null, prev: null };
  const right =
    typeof signal.value === 'number'
      ? { last: signal.value, prev: signal.value }
      : (tails.get(signal.value) ?? { last: null, prev: null });
  let holds = false;
  if (left.last !== null && right.last !== null) {
    if (signal.op === '>') holds = left.last > right.last;
    else if (signal.op === '<') holds = left.last < right.last;
    else if (left.prev !== null && right.prev !== null) {
      holds =
        signal.op === 'crosses_above'
          ? left.prev <= right.prev && left.last > right.last
          : left.prev >= right.prev && left.last < right.last;
    }
  }
  return { ...signal, holds, observed: left.last };
}

/**
 * The analysis of one symbol's prices (oldest first, one a bar, dated by `dates`). A symbol
 * with fewer bars than an indicator needs, or whose indicator has no finite value on the last
 * bar, gets an error naming them; its other values and signals are still given.
 */
export function analyzePrices(
  symbol: string,
  dates: readonly string[],
  prices: readonly number[],
  analysis: Analysis,
): SymbolAnalysis {
  const names = analysisIndicators(analysis);
  const count = prices.length;
  const date = count > 0 ? dates[count - 1]! : null;
  const values: Record<string, number | null> = {};
  const tails = new Map<string, Tail>();
  const short: string[] = [];
  const undefinedAtEnd: string[] = [];
  for (const name of names) {
    const spec = specOf(name);
    const series = count > 0 ? computeIndicator(spec, prices) : [];
    const tail = { last: series[count - 1] ?? null, prev: series[count - 2] ?? null };
    tails.set(name, tail);
    values[name] = tail.last;
    if (count < barsNeeded(spec)) short.push(`${name} needs ${barsNeeded(spec)}`);
    else if (tail.last === null) undefinedAtEnd.push(name);
  }
  const signals = analysis.signals.map((s) => judgeSignal(s, tails));
  let error: string | null = null;
  if (count === 0) {
    error = `no bars with a ${analysis.price} price in the stored series`;
  } else if (short.length > 0) {
    error = `too few bars: ${count} stored, ${short.join(', ')}`;
  } else if (undefinedAtEnd.length > 0) {
    error = `${undefinedAtEnd.join(', ')} ${undefinedAtEnd.length === 1 ? 'has' : 'have'} no finite value on ${date} (a zero or missing price)`;
  }
  return { symbol, date, values, signals, error };
}

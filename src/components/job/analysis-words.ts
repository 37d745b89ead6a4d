/** An analysis job's values and signals in words. Pure. */
import { indicatorLabel, OP_LABELS, type SignalOp } from '~/components/job-form/analysis-draft';

/**
 * A value as people read it: prices and RSI to two decimals, the ratios (return, drawdown,
 * volatility) as percentages; "–" until enough bars exist.
 */
export function formatIndicatorValue(name: string, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const kind = name.split(':')[0];
  if (kind === 'return' || kind === 'drawdown' || kind === 'volatility') {
    return `${(value * 100).toFixed(2)}%`;
  }
  return value.toFixed(2);
}

/** "RSI 14 is above 70", "Close crosses above SMA 50". */
export function signalWords(signal: {
  indicator: string;
  op: SignalOp;
  value: number | string;
}): string {
  const against =
    typeof signal.value === 'number'
      ? formatIndicatorValue(signal.indicator, signal.value)
      : indicatorLabel(signal.value);
  return `${indicatorLabel(signal.indicator)} ${OP_LABELS[signal.op]} ${against}`;
}

/** "RSI 14, SMA 50 on the close" for a job's settings. */
export function describeAnalysis(analysis: { indicators: string[]; price: string }): string {
  const price = analysis.price === 'adj_close' ? 'the adjusted close' : 'the close';
  return `${analysis.indicators.map(indicatorLabel).join(', ')} on ${price}`;
}

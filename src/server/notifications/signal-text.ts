/**
 * The words of an analysis.signal: "AAPL RSI(14) is above 70 (72.41) on 2026-11-30", with the
 * indicator's value on that bar and, against another indicator, that one's value too.
 */
import type { SignalOp } from '~/domain/analysis';

/** What an analysis.signal event carries about its signal (the webhook body has it too). */
export interface SignalEvent {
  symbol: string;
  /** The bar the signal holds on. */
  date: string;
  indicator: string;
  op: SignalOp;
  value: number | string;
  /** The indicator's value on that bar. */
  observed: number;
  /** With `value` an indicator name: that indicator's value on the bar. */
  compared: number | null;
}

const VERBS: Record<SignalOp, string> = {
  '>': 'is above',
  '<': 'is below',
  crosses_above: 'crossed above',
  crosses_below: 'crossed below',
};

/** `rsi:14` → `RSI(14)`, `volatility:20` → `volatility(20)`, `drawdown` as it is. */
export function indicatorLabel(name: string): string {
  const [kind = name, n] = name.split(':');
  if (n === undefined) return kind;
  const upper = kind === 'sma' || kind === 'ema' || kind === 'rsi';
  return `${upper ? kind.toUpperCase() : kind}(${n})`;
}

/** Two decimals for prices and RSI, three significant digits for returns and drawdowns. */
export function formatValue(v: number): string {
  return Math.abs(v) >= 1 ? v.toFixed(2) : String(Number(v.toPrecision(3)));
}

/** "AAPL RSI(14) is above 70", the subject. */
export function signalHeadline(s: SignalEvent): string {
  const rhs = typeof s.value === 'number' ? String(s.value) : indicatorLabel(s.value);
  return `${s.symbol} ${indicatorLabel(s.indicator)} ${VERBS[s.op]} ${rhs}`;
}

/** The headline with the values and the bar: "... (72.41) on 2026-11-30". */
export function signalSentence(s: SignalEvent): string {
  const against = s.compared === null ? '' : ` against ${formatValue(s.compared)}`;
  return `${signalHeadline(s)} (${formatValue(s.observed)}${against}) on ${s.date}`;
}

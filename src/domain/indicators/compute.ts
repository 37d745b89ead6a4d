/**
 * The indicators of CONTRACT.md section 11 over one price series, oldest first. Pure and free
 * of dependencies so the browser can draw them and the server can serve them from the same
 * code. Each returns one value per price, null until enough bars exist (and where the math
 * has no finite answer, e.g. the log of a zero price).
 */
import type { IndicatorSpec } from './names';

type Values = (number | null)[];

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
const nulls = (length: number): Values => new Array<number | null>(length).fill(null);

/** Mean of the last n prices. A running sum: one add and one subtract a bar. */
export function sma(p: readonly number[], n: number): Values {
  const out = nulls(p.length);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    sum += p[i]!;
    if (i >= n) sum -= p[i - n]!;
    if (i >= n - 1) out[i] = finite(sum / n);
  }
  return out;
}

/** alpha 2/(n+1), seeded with sma:n at bar n (index n-1). */
export function ema(p: readonly number[], n: number): Values {
  const out = nulls(p.length);
  if (p.length < n) return out;
  const alpha = 2 / (n + 1);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += p[i]!;
  let prev = sum / n;
  out[n - 1] = finite(prev);
  for (let i = n; i < p.length; i++) {
    prev = alpha * p[i]! + (1 - alpha) * prev;
    out[i] = finite(prev);
  }
  return out;
}

const rsiOf = (gain: number, loss: number) => (loss === 0 ? 100 : 100 - 100 / (1 + gain / loss));

/**
 * Wilder's: average gain and loss seeded with the plain means of the first n changes (first
 * value at index n), then avg = (prev*(n-1) + current)/n. 100 when the average loss is 0.
 */
export function rsi(p: readonly number[], n: number): Values {
  const out = nulls(p.length);
  if (p.length <= n) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= n; i++) {
    const d = p[i]! - p[i - 1]!;
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= n;
  loss /= n;
  out[n] = finite(rsiOf(gain, loss));
  for (let i = n + 1; i < p.length; i++) {
    const d = p[i]! - p[i - 1]!;
    gain = (gain * (n - 1) + (d > 0 ? d : 0)) / n;
    loss = (loss * (n - 1) + (d < 0 ? -d : 0)) / n;
    out[i] = finite(rsiOf(gain, loss));
  }
  return out;
}

/**
 * Sample standard deviation of the last n log returns × √252 (first value at index n). Two
 * passes over each window rather than running sums of squares: the returns are small and close
 * to their mean, where the one-pass formula cancels away the digits that matter.
 */
export function volatility(p: readonly number[], n: number): Values {
  const out = nulls(p.length);
  const r = new Float64Array(Math.max(0, p.length - 1));
  for (let i = 1; i < p.length; i++) r[i - 1] = Math.log(p[i]! / p[i - 1]!);
  const scale = Math.sqrt(252);
  // Window of returns r[i-n .. i-1] belongs to price index i.
  for (let i = n; i < p.length; i++) {
    let mean = 0;
    for (let j = i - n; j < i; j++) mean += r[j]!;
    mean /= n;
    let ss = 0;
    for (let j = i - n; j < i; j++) ss += (r[j]! - mean) ** 2;
    out[i] = finite(Math.sqrt(ss / (n - 1)) * scale);
  }
  return out;
}

/** p / p[n bars earlier] − 1. */
export function periodReturn(p: readonly number[], n: number): Values {
  const out = nulls(p.length);
  for (let i = n; i < p.length; i++) out[i] = finite(p[i]! / p[i - n]! - 1);
  return out;
}

/** p / running max − 1, from the first bar. */
export function drawdown(p: readonly number[]): Values {
  const out = nulls(p.length);
  let max = -Infinity;
  for (let i = 0; i < p.length; i++) {
    if (p[i]! > max) max = p[i]!;
    out[i] = finite(p[i]! / max - 1);
  }
  return out;
}

export function computeIndicator(spec: IndicatorSpec, prices: readonly number[]): Values {
  switch (spec.kind) {
    case 'sma':
      return sma(prices, spec.n);
    case 'ema':
      return ema(prices, spec.n);
    case 'rsi':
      return rsi(prices, spec.n);
    case 'volatility':
      return volatility(prices, spec.n);
    case 'return':
      return periodReturn(prices, spec.n);
    case 'drawdown':
      return drawdown(prices);
  }
}

/**
 * The section-11 indicators written again, the plainest way, straight from CONTRACT.md's
 * words (every window summed afresh, no running state shared with the app's code), so tests
 * compare the app against an independent reading of the contract.
 */
type Values = (number | null)[];

export function refIndicator(name: string, p: number[]): Values {
  const [kind, nText] = name.split(':');
  const n = Number(nText);
  return p.map((_, i) => {
    switch (kind) {
      case 'sma': {
        if (i < n - 1) return null;
        let s = 0;
        for (let k = i - n + 1; k <= i; k++) s += p[k]!;
        return s / n;
      }
      case 'ema': {
        if (i < n - 1) return null;
        let s = 0;
        for (let k = 0; k < n; k++) s += p[k]!;
        let e = s / n;
        for (let k = n; k <= i; k++) e = (2 / (n + 1)) * p[k]! + (1 - 2 / (n + 1)) * e;
        return e;
      }
      case 'rsi': {
        if (i < n) return null;
        const gains: number[] = [];
        const losses: number[] = [];
        for (let k = 1; k <= i; k++) {
          const change = p[k]! - p[k - 1]!;
          gains.push(Math.max(change, 0));
          losses.push(Math.max(-change, 0));
        }
        let g = gains.slice(0, n).reduce((a, b) => a + b, 0) / n;
        let l = losses.slice(0, n).reduce((a, b) => a + b, 0) / n;
        for (let k = n; k < gains.length; k++) {
          g = (g * (n - 1) + gains[k]!) / n;
          l = (l * (n - 1) + losses[k]!) / n;
        }
        return l === 0 ? 100 : 100 - 100 / (1 + g / l);
      }
      case 'volatility': {
        if (i < n) return null;
        const r: number[] = [];
        for (let k = i - n + 1; k <= i; k++) r.push(Math.log(p[k]! / p[k - 1]!));
        const mean = r.reduce((a, b) => a + b, 0) / n;
        const variance = r.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (n - 1);
        return Math.sqrt(variance) * Math.sqrt(252);
      }
      case 'return':
        return i < n ? null : p[i]! / p[i - n]! - 1;
      case 'drawdown':
        return p[i]! / Math.max(...p.slice(0, i + 1)) - 1;
      default:
        throw new Error(`no reference for ${name}`);
    }
  });
}

/** Null where the reference is null, else within 1e-9 of it, relative (exact when it is 0). */
export function relativeMisses(actual: Values, expected: Values, tol = 1e-9): string[] {
  const misses: string[] = [];
  if (actual.length !== expected.length) {
    return [`length ${actual.length}, expected ${expected.length}`];
  }
  expected.forEach((e, i) => {
    const a = actual[i];
    if (e === null || a === null || a === undefined) {
      if (a !== e) misses.push(`[${i}] ${a} expected ${e}`);
      return;
    }
    if (Math.abs(a - e) > tol * Math.abs(e)) misses.push(`[${i}] ${a} expected ${e}`);
  });
  return misses;
}

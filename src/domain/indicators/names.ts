/**
 * Indicator names as the API and jobs spell them (`sma:20`, `rsi:14`, `drawdown`), parsed and
 * checked once here so every field that takes them (the indicators read, a job's
 * `analysis.indicators`) refuses the same names with the same words.
 */
import { z } from 'zod';

export const INDICATOR_KINDS = ['sma', 'ema', 'rsi', 'volatility', 'return', 'drawdown'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];
export const MAX_INDICATOR_N = 1000;
/** Indicators one read or one job may name. */
export const MAX_INDICATORS = 20;

export interface IndicatorSpec {
  /** The name as given, normalised (`sma:20`, `drawdown`): the key of its values. */
  name: string;
  kind: IndicatorKind;
  /** The window in bars; 0 for drawdown, which has none. */
  n: number;
}

/** The least n each kind takes: a sample standard deviation needs two returns. */
const MIN_N: Record<Exclude<IndicatorKind, 'drawdown'>, number> = {
  sma: 1,
  ema: 1,
  rsi: 1,
  volatility: 2,
  return: 1,
};

const SHAPE = 'must be sma:n, ema:n, rsi:n, volatility:n, return:n or drawdown (e.g. sma:20)';

/** `sma:20` → its spec, or the rule it breaks. */
export function parseIndicatorName(raw: string): IndicatorSpec | { error: string } {
  const text = raw.trim().toLowerCase();
  if (text === 'drawdown') return { name: 'drawdown', kind: 'drawdown', n: 0 };
  const m = /^([a-z]+):(\d+)$/.exec(text);
  const kind = m?.[1] as Exclude<IndicatorKind, 'drawdown'> | undefined;
  if (!m || kind === undefined || !(kind in MIN_N)) return { error: `"${raw}" ${SHAPE}` };
  const n = Number(m[2]);
  if (n < MIN_N[kind] || n > MAX_INDICATOR_N) {
    return { error: `"${raw}": n must be from ${MIN_N[kind]} to ${MAX_INDICATOR_N} for ${kind}` };
  }
  return { name: `${kind}:${n}`, kind, n };
}

/** One indicator name, e.g. `rsi:14`, to its spec. */
export const indicatorNameSchema = z
  .string({ error: SHAPE })
  .transform((raw, ctx): IndicatorSpec => {
    const parsed = parseIndicatorName(raw);
    if ('error' in parsed) {
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }
    return parsed;
  });

/** A list of 1..MAX_INDICATORS names (a job's `analysis.indicators`); repeats kept once. */
export const indicatorListSchema = z
  .array(indicatorNameSchema, { error: 'must be an array of indicator names, e.g. ["sma:20"]' })
  .min(1, { error: 'must name at least 1 indicator' })
  .max(MAX_INDICATORS, { error: `must name at most ${MAX_INDICATORS} indicators` })
  .transform((specs) => [...new Map(specs.map((s) => [s.name, s])).values()]);

/** The same list as a query parameter: names separated by commas, `sma:20,rsi:14`. */
export const indicatorNamesParam = z
  .string({ error: 'must list indicator names separated by commas, e.g. sma:20,rsi:14' })
  .transform((s) => s.split(',').filter((x) => x.trim() !== ''))
  .pipe(indicatorListSchema);

/**
 * An analysis job's settings (CONTRACT.md section 11): which indicators it computes over each
 * symbol's series, on which price, and the signals it watches on the last bar. Pure, so the
 * job form checks them with the rules the server enforces.
 */
import { z } from 'zod';
import { indicatorListSchema, indicatorNameSchema, parseIndicatorName } from './indicators';

export const JOB_TASKS = ['fetch', 'analyze'] as const;
export type JobTask = (typeof JOB_TASKS)[number];
export const taskSchema = z.enum(JOB_TASKS, {
  error: 'must be "fetch" (fetch daily bars) or "analyze" (indicators over the stored series)',
});

export const ANALYSIS_PRICES = ['close', 'adj_close'] as const;
export const SIGNAL_OPS = ['>', '<', 'crosses_above', 'crosses_below'] as const;
export type SignalOp = (typeof SIGNAL_OPS)[number];
export const MAX_SIGNALS = 20;

/** One indicator name to its normalised spelling (`RSI:14` → `rsi:14`). */
const indicatorName = indicatorNameSchema.transform((spec) => spec.name);

export const signalSchema = z.strictObject(
  {
    indicator: indicatorName,
    op: z.enum(SIGNAL_OPS, { error: 'must be ">", "<", "crosses_above" or "crosses_below"' }),
    value: z
      .union([z.number(), z.string()], {
        error: 'must be a number or an indicator name such as "sma:50"',
      })
      .transform((value, ctx) => {
        if (typeof value === 'number') return value;
        const parsed = parseIndicatorName(value);
        if (!('error' in parsed)) return parsed.name;
        ctx.addIssue({ code: 'custom', message: `${parsed.error}, or a number` });
        return z.NEVER;
      }),
  },
  { error: 'must be an object { indicator, op, value }' },
);
export type Signal = z.output<typeof signalSchema>;

export const analysisSchema = z.strictObject(
  {
    indicators: indicatorListSchema.transform((specs) => specs.map((s) => s.name)),
    price: z
      .enum(ANALYSIS_PRICES, {
        error: 'must be "close" (split-adjusted) or "adj_close" (dividends too)',
      })
      .default('close'),
    signals: z
      .array(signalSchema, { error: 'must be an array of signals { indicator, op, value }' })
      .max(MAX_SIGNALS, { error: `must list at most ${MAX_SIGNALS} signals` })
      .default([]),
  },
  { error: 'must be an object { indicators, price?, signals? } or null' },
);
export type Analysis = z.output<typeof analysisSchema>;

/** As stored and returned: already normalised, so plain shapes (no transforms). */
export const storedAnalysisSchema = z.object({
  indicators: z.array(z.string()),
  price: z.enum(ANALYSIS_PRICES),
  signals: z.array(
    z.object({
      indicator: z.string(),
      op: z.enum(SIGNAL_OPS),
      value: z.union([z.number(), z.string()]),
    }),
  ),
});

/**
 * Every indicator an analysis computes: the listed ones, then those its signals name that are
 * not listed (a signal's indicators are computed without being listed twice).
 */
export function analysisIndicators(analysis: Analysis): string[] {
  const names = new Set(analysis.indicators);
  for (const signal of analysis.signals) {
    names.add(signal.indicator);
    if (typeof signal.value === 'string') names.add(signal.value);
  }
  return [...names];
}

/**
 * The rule between the two fields: an analyze job needs its analysis, a fetch job has none.
 * `task` and `analysis` are the values the job will have (after an update, the merged ones).
 */
export function taskAnalysisError(
  task: JobTask,
  analysis: Analysis | null,
): { path: 'analysis'; message: string } | null {
  if (task === 'analyze' && analysis === null) {
    return {
      path: 'analysis',
      message: 'is required for task "analyze": give { indicators: ["rsi:14", ...] }',
    };
  }
  if (task === 'fetch' && analysis !== null) {
    return { path: 'analysis', message: 'is only for task "analyze": set task or give null' };
  }
  return null;
}

/** A signal as evaluated on a symbol's last bar. */
export const signalStateSchema = z.object({
  indicator: z.string(),
  op: z.enum(SIGNAL_OPS),
  value: z.union([z.number(), z.string()]),
  holds: z.boolean(),
  /** The indicator's value on the last bar. */
  observed: z.number().nullable(),
});
export type SignalState = z.infer<typeof signalStateSchema>;

/** One symbol's latest values: its last bar's date, each indicator there, each signal. */
export const symbolAnalysisSchema = z.object({
  symbol: z.string(),
  date: z.string().nullable(),
  values: z.record(z.string(), z.number().nullable()),
  signals: z.array(signalStateSchema),
  error: z.string().nullable(),
});
export type SymbolAnalysis = z.infer<typeof symbolAnalysisSchema>;

/** `jobs.analysis`: the latest values an analysis job's last run stored, per symbol. */
export const analysisAnswerSchema = z.object({
  job_id: z.string(),
  run_id: z.string().nullable(),
  computed_at: z.string().nullable(),
  symbols: z.array(symbolAnalysisSchema),
});
export type AnalysisAnswer = z.infer<typeof analysisAnswerSchema>;

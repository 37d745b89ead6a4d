/**
 * The job form's pieces that are pure: an analysis as the form edits it and back, the
 * server's issue paths sorted into the fields they belong to, and the analysis words.
 */
import { describe, expect, it } from 'vitest';
import {
  analysisDraftOf,
  analysisOf,
  indicatorLabel,
} from '../src/components/job-form/analysis-draft';
import { groupIssues } from '../src/components/job-form/form-issues';
import { formatIndicatorValue, signalWords } from '../src/components/job/analysis-words';
import { analysisSchema } from '../src/domain/analysis';

const ANALYSIS = {
  indicators: ['rsi:14', 'sma:50', 'drawdown'],
  price: 'adj_close' as const,
  signals: [
    { indicator: 'rsi:14', op: '>' as const, value: 70 },
    { indicator: 'sma:50', op: 'crosses_below' as const, value: 'rsi:14' },
  ],
};

describe('analysis drafts', () => {
  it('read a stored analysis and give the same one back', () => {
    expect(analysisOf(analysisDraftOf(ANALYSIS))).toEqual(ANALYSIS);
  });

  it('leave an empty period or number for the schema to name, never a zero', () => {
    const draft = analysisDraftOf(ANALYSIS);
    draft.indicators[0]!.period = '';
    draft.signals[0]!.number = ' ';
    const made = analysisOf(draft);
    expect(made.indicators[0]).toBe('rsi:');
    expect(made.signals[0]!.value).toBeNaN();
    const checked = analysisSchema.safeParse(made);
    expect(checked.success).toBe(false);
    const paths = checked.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['indicators.0', 'signals.0.value']));
  });
});

describe('groupIssues', () => {
  it('puts analysis and upstream issues under their fields, numbered by item', () => {
    const errors = groupIssues([
      { path: 'analysis.indicators.2', message: '"ema:" must be sma:n, …' },
      { path: 'analysis.signals.1.value', message: 'must be a number' },
      { path: 'analysis.price', message: 'must be "close" or "adj_close"' },
      { path: 'analysis', message: 'is required for task "analyze"' },
      { path: 'schedule.jobs', message: 'would make a cycle: A → B → A' },
      { path: 'schedule.when', message: 'must be success, not_failed or always' },
    ]);
    expect(errors.fields.indicators).toEqual(['Indicator 3: "ema:" must be sma:n, …']);
    expect(errors.indicators).toEqual({ 2: 'Indicator 3: "ema:" must be sma:n, …' });
    expect(errors.fields.signals).toEqual(['Signal 2: must be a number']);
    expect(errors.signals[1]).toBe('Signal 2: must be a number');
    expect(errors.fields.price).toEqual(['Must be "close" or "adj_close"']);
    expect(errors.fields.task).toEqual(['Is required for task "analyze"']);
    expect(errors.fields.jobs).toEqual(['Would make a cycle: A → B → A']);
    expect(errors.fields.when).toEqual(['Must be success, not_failed or always']);
    expect(errors.fields.form).toBeUndefined();
  });

  it('still numbers times and keeps symbol messages by index', () => {
    const errors = groupIssues([
      { path: 'schedule.times.1', message: 'must be HH:MM' },
      { path: 'stock_ids.0', message: '"A B" is not a valid symbol' },
    ]);
    expect(errors.times[1]).toBe('Time 2: must be HH:MM');
    expect(errors.symbols[0]).toBe('"A B" is not a valid symbol');
    expect(errors.fields.stock_ids).toEqual(['"A B" is not a valid symbol']);
  });
});

describe('analysis words', () => {
  it('shows prices and RSI to two decimals, ratios as percentages, nothing as a dash', () => {
    expect(formatIndicatorValue('rsi:14', 71.234)).toBe('71.23');
    expect(formatIndicatorValue('sma:50', 123.456)).toBe('123.46');
    expect(formatIndicatorValue('return:1', 0.0123)).toBe('1.23%');
    expect(formatIndicatorValue('drawdown', -0.25)).toBe('-25.00%');
    expect(formatIndicatorValue('volatility:20', 0.3)).toBe('30.00%');
    expect(formatIndicatorValue('rsi:14', null)).toBe('–');
  });

  it('says a signal as a sentence', () => {
    expect(signalWords(ANALYSIS.signals[0]!)).toBe('RSI 14 is above 70.00');
    expect(signalWords(ANALYSIS.signals[1]!)).toBe('SMA 50 crosses below RSI 14');
    expect(indicatorLabel('drawdown')).toBe('Drawdown');
  });
});

/**
 * An analysis job's settings as the form edits them (an indicator as kind and period, a
 * signal's value as a number or another indicator), and the `analysis` object they make.
 * The server's schema checks the result; the form keeps the user's text until then.
 */
import { SIGNAL_OPS, type Analysis, type SignalOp } from '~/domain/analysis';
import { INDICATOR_KINDS, type IndicatorKind } from '~/domain/indicators';

export { INDICATOR_KINDS, SIGNAL_OPS, type Analysis, type SignalOp };
type PriceField = Analysis['price'];

export interface IndicatorDraft {
  kind: IndicatorKind;
  /** Bars, as typed; unused by drawdown. */
  period: string;
}

export interface SignalDraft {
  indicator: string;
  op: SignalOp;
  against: 'number' | 'indicator';
  number: string;
  other: string;
}

export interface AnalysisDraft {
  indicators: IndicatorDraft[];
  price: PriceField;
  signals: SignalDraft[];
}

export const KIND_LABELS: Record<IndicatorKind, string> = {
  sma: 'SMA',
  ema: 'EMA',
  rsi: 'RSI',
  volatility: 'Volatility',
  return: 'Return',
  drawdown: 'Drawdown',
};
export const OP_LABELS: Record<SignalOp, string> = {
  '>': 'is above',
  '<': 'is below',
  crosses_above: 'crosses above',
  crosses_below: 'crosses below',
};
export const DEFAULT_PERIOD: Record<IndicatorKind, string> = {
  sma: '50',
  ema: '12',
  rsi: '14',
  volatility: '20',
  return: '1',
  drawdown: '',
};

export const NEW_ANALYSIS: AnalysisDraft = {
  indicators: [
    { kind: 'rsi', period: '14' },
    { kind: 'sma', period: '50' },
  ],
  price: 'close',
  signals: [],
};

/** `sma:50` for { sma, "50" }; `drawdown` has no period. */
export function indicatorName(d: IndicatorDraft): string {
  return d.kind === 'drawdown' ? 'drawdown' : `${d.kind}:${d.period.trim()}`;
}

export function indicatorDraftOf(name: string): IndicatorDraft {
  const [kind, period = ''] = name.split(':');
  const known = INDICATOR_KINDS.find((k) => k === kind);
  return known ? { kind: known, period } : { kind: 'sma', period: name };
}

/** "RSI 14" for `rsi:14`, "Drawdown" for `drawdown`. */
export function indicatorLabel(name: string): string {
  const [kind, period] = name.split(':');
  const label = KIND_LABELS[kind as IndicatorKind] ?? kind;
  return period ? `${label} ${period}` : (label ?? name);
}

/** A new signal on the first indicator: RSI above 70, anything else above 0. */
export function newSignal(names: readonly string[]): SignalDraft {
  const indicator = names[0] ?? 'rsi:14';
  const number = indicator.startsWith('rsi:') ? '70' : '0';
  return { indicator, op: '>', against: 'number', number, other: names[1] ?? indicator };
}

export function analysisOf(d: AnalysisDraft): Analysis {
  return {
    indicators: d.indicators.map(indicatorName),
    price: d.price,
    signals: d.signals.map((s) => ({
      indicator: s.indicator,
      op: s.op,
      // An empty number is no number: the schema names the field rather than reading 0.
      value: s.against === 'indicator' ? s.other : s.number.trim() === '' ? NaN : Number(s.number),
    })),
  };
}

export function analysisDraftOf(a: Analysis): AnalysisDraft {
  return {
    indicators: a.indicators.map(indicatorDraftOf),
    price: a.price,
    signals: a.signals.map((s) =>
      typeof s.value === 'number'
        ? {
            indicator: s.indicator,
            op: s.op,
            against: 'number',
            number: String(s.value),
            other: s.indicator,
          }
        : { indicator: s.indicator, op: s.op, against: 'indicator', number: '', other: s.value },
    ),
  };
}

'use client';

import { CrossButton } from '~/components/ui/icon-button';
import { FieldError } from '~/components/ui/field-error';
import {
  DEFAULT_PERIOD,
  INDICATOR_KINDS,
  indicatorLabel,
  indicatorName,
  KIND_LABELS,
  newSignal,
  OP_LABELS,
  SIGNAL_OPS,
  type AnalysisDraft,
  type IndicatorDraft,
  type SignalDraft,
} from './analysis-draft';
import type { FormErrors } from './form-issues';

type Task = 'fetch' | 'analyze';

/** Replaces item i of a list. */
function at<T>(list: readonly T[], i: number, patch: Partial<T>): T[] {
  return list.map((x, k) => (k === i ? { ...x, ...patch } : x));
}

function IndicatorRows({
  id,
  value,
  errors,
  onChange,
}: {
  id: string;
  value: IndicatorDraft[];
  errors: FormErrors;
  onChange: (next: IndicatorDraft[]) => void;
}) {
  return (
    <fieldset className="fieldset-inner">
      <legend>Indicators</legend>
      <ul className="row-list">
        {value.map((d, i) => (
          <li key={i}>
            <select
              aria-label={`Indicator ${i + 1}`}
              value={d.kind}
              aria-invalid={errors.indicators[i] ? true : undefined}
              onChange={(e) => {
                const kind = e.target.value as IndicatorDraft['kind'];
                onChange(at(value, i, { kind, period: DEFAULT_PERIOD[kind] }));
              }}
            >
              {INDICATOR_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </select>
            {d.kind !== 'drawdown' && (
              <input
                type="number"
                inputMode="numeric"
                min={1}
                max={1000}
                aria-label={`Period of indicator ${i + 1} (bars)`}
                value={d.period}
                aria-invalid={errors.indicators[i] ? true : undefined}
                onChange={(e) => onChange(at(value, i, { period: e.target.value }))}
              />
            )}
            {value.length > 1 && (
              <CrossButton
                label={`Remove indicator ${i + 1}`}
                onClick={() => onChange(value.filter((_, k) => k !== i))}
              />
            )}
          </li>
        ))}
      </ul>
      {value.length < 20 && (
        <button
          type="button"
          className="small"
          onClick={() => onChange([...value, { kind: 'sma', period: '20' }])}
        >
          Add an indicator
        </button>
      )}
      <p className="hint">Periods are in daily bars (RSI 14, SMA 50); drawdown takes none.</p>
      <FieldError id={`${id}-indicators-error`} messages={errors.fields.indicators} />
    </fieldset>
  );
}

/** One of the analysis's indicators; one the list no longer has is still offered, so it shows. */
function IndicatorSelect({
  label,
  value,
  names,
  invalid,
  onChange,
}: {
  label: string;
  value: string;
  names: readonly string[];
  invalid: true | undefined;
  onChange: (name: string) => void;
}) {
  return (
    <select
      aria-label={label}
      value={value}
      aria-invalid={invalid}
      onChange={(e) => onChange(e.target.value)}
    >
      {(names.includes(value) ? names : [value, ...names]).map((n) => (
        <option key={n} value={n}>
          {indicatorLabel(n)}
        </option>
      ))}
    </select>
  );
}

function SignalRows({
  id,
  value,
  names,
  errors,
  onChange,
}: {
  id: string;
  value: SignalDraft[];
  names: string[];
  errors: FormErrors;
  onChange: (next: SignalDraft[]) => void;
}) {
  return (
    <fieldset className="fieldset-inner">
      <legend>Signals</legend>
      {value.length === 0 && <p className="muted">No signals: the run only stores values.</p>}
      <ul className="row-list">
        {value.map((s, i) => {
          const invalid = errors.signals[i] ? true : undefined;
          return (
            <li key={i}>
              <IndicatorSelect
                label={`Signal ${i + 1} indicator`}
                value={s.indicator}
                names={names}
                invalid={invalid}
                onChange={(indicator) => onChange(at(value, i, { indicator }))}
              />
              <select
                aria-label={`Signal ${i + 1} test`}
                value={s.op}
                onChange={(e) =>
                  onChange(at(value, i, { op: e.target.value as SignalDraft['op'] }))
                }
              >
                {SIGNAL_OPS.map((op) => (
                  <option key={op} value={op}>
                    {OP_LABELS[op]}
                  </option>
                ))}
              </select>
              <select
                aria-label={`Signal ${i + 1} compared with`}
                value={s.against}
                onChange={(e) =>
                  onChange(at(value, i, { against: e.target.value as SignalDraft['against'] }))
                }
              >
                <option value="number">a number</option>
                <option value="indicator">an indicator</option>
              </select>
              {s.against === 'number' ? (
                <input
                  type="number"
                  step="any"
                  aria-label={`Signal ${i + 1} value`}
                  value={s.number}
                  aria-invalid={invalid}
                  onChange={(e) => onChange(at(value, i, { number: e.target.value }))}
                />
              ) : (
                <IndicatorSelect
                  label={`Signal ${i + 1} other indicator`}
                  value={s.other}
                  names={names}
                  invalid={invalid}
                  onChange={(other) => onChange(at(value, i, { other }))}
                />
              )}
              <CrossButton
                label={`Remove signal ${i + 1}`}
                onClick={() => onChange(value.filter((_, k) => k !== i))}
              />
            </li>
          );
        })}
      </ul>
      <button
        type="button"
        className="small"
        onClick={() => onChange([...value, newSignal(names)])}
      >
        Add a signal
      </button>
      <p className="hint">
        A signal that holds on the last bar is sent through the notification channels, once per
        symbol and bar.
      </p>
      <FieldError id={`${id}-signals-error`} messages={errors.fields.signals} />
    </fieldset>
  );
}

/** Fetch prices, or analyze the stored series: indicators, the price they use, signals. */
export function TaskFields({
  id,
  task,
  analysis,
  errors,
  onChange,
}: {
  id: string;
  task: Task;
  analysis: AnalysisDraft;
  errors: FormErrors;
  onChange: (next: { task?: Task; analysis?: AnalysisDraft }) => void;
}) {
  const set = (patch: Partial<AnalysisDraft>) => onChange({ analysis: { ...analysis, ...patch } });
  const { fields } = errors;
  return (
    <fieldset className="fieldset">
      <legend>Task</legend>
      <div className="segmented" role="radiogroup" aria-label="Task">
        <label>
          <input
            type="radio"
            name={`${id}-task`}
            checked={task === 'fetch'}
            onChange={() => onChange({ task: 'fetch' })}
          />
          Fetch prices
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-task`}
            checked={task === 'analyze'}
            onChange={() => onChange({ task: 'analyze' })}
          />
          Analyze stored series
        </label>
      </div>
      <FieldError id={`${id}-task-error`} messages={fields.task} />
      {task === 'analyze' && (
        <>
          <IndicatorRows
            id={id}
            value={analysis.indicators}
            errors={errors}
            onChange={(indicators) => set({ indicators })}
          />
          <div className="field">
            <label htmlFor={`${id}-price`}>Price</label>
            <select
              id={`${id}-price`}
              value={analysis.price}
              onChange={(e) => set({ price: e.target.value as AnalysisDraft['price'] })}
            >
              <option value="close">Close (split-adjusted)</option>
              <option value="adj_close">Adjusted close (dividends too)</option>
            </select>
            <FieldError id={`${id}-price-error`} messages={fields.price} />
          </div>
          <SignalRows
            id={id}
            value={analysis.signals}
            names={[...new Set(analysis.indicators.map(indicatorName))]}
            errors={errors}
            onChange={(signals) => set({ signals })}
          />
        </>
      )}
    </fieldset>
  );
}

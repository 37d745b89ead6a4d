'use client';

import { CrossButton } from '~/components/ui/icon-button';
import { FieldError } from '~/components/ui/field-error';
import { TimeOfDayInput } from '~/components/ui/time-of-day-input';
import { listCalendars } from '~/domain/calendars';
import type { FormErrors } from './form-issues';

/** One fire time of a trading day, as the form edits it. */
export interface TradingTimeDraft {
  anchor: 'after-close' | 'before-close' | 'after-open' | 'before-open' | 'at';
  /** Minutes for the offsets, "HH:MM" for `at`. */
  value: string;
}

const ANCHORS: [TradingTimeDraft['anchor'], string][] = [
  ['after-close', 'minutes after the close'],
  ['before-close', 'minutes before the close'],
  ['after-open', 'minutes after the open'],
  ['before-open', 'minutes before the open'],
  ['at', 'at exchange time'],
];

/** "close+30m" for { after-close, 30 }; the schema reports what is wrong with the rest. */
export function tradingTimeOf(t: TradingTimeDraft): string {
  if (t.anchor === 'at') return t.value;
  const [anchor, sign] = {
    'after-close': ['close', '+'],
    'before-close': ['close', '-'],
    'after-open': ['open', '+'],
    'before-open': ['open', '-'],
  }[t.anchor];
  return `${anchor}${sign}${t.value.trim()}m`;
}

export function tradingDraftOf(time: string): TradingTimeDraft {
  const m = /^(open|close)([+-])(\d+)m$/.exec(time);
  if (!m) return { anchor: 'at', value: time };
  const anchor = `${m[2] === '+' ? 'after' : 'before'}-${m[1]}` as TradingTimeDraft['anchor'];
  return { anchor, value: m[3]! };
}

const CALENDARS = listCalendars();

/** An exchange picker and the times of each of its sessions. */
export function TradingFields({
  id,
  calendar,
  times,
  errors,
  onChange,
}: {
  id: string;
  calendar: string;
  times: TradingTimeDraft[];
  errors: FormErrors;
  onChange: (next: { calendar?: string; tradingTimes?: TradingTimeDraft[] }) => void;
}) {
  const setTime = (i: number, patch: Partial<TradingTimeDraft>) =>
    onChange({ tradingTimes: times.map((t, k) => (k === i ? { ...t, ...patch } : t)) });
  const { fields } = errors;
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-calendar`}>Exchange</label>
        <select
          id={`${id}-calendar`}
          value={calendar}
          onChange={(e) => onChange({ calendar: e.target.value })}
        >
          {CALENDARS.map((c) => (
            <option key={c.code} value={c.code}>
              {c.code} · {c.name}
            </option>
          ))}
        </select>
        <p className="hint">
          Runs only on this exchange&apos;s sessions, in its time zone; early closes move the times
          that follow the close.
        </p>
        <FieldError id={`${id}-calendar-error`} messages={fields.calendar} />
      </div>
      <fieldset className="fieldset-inner">
        <legend>Times of each session</legend>
        <ul className="time-list">
          {times.map((t, i) => (
            <li key={i}>
              {t.anchor === 'at' ? (
                <TimeOfDayInput
                  aria-label={`Session time ${i + 1}`}
                  value={t.value}
                  onChange={(e) => setTime(i, { value: e.target.value })}
                />
              ) : (
                <input
                  type="number"
                  min={0}
                  max={720}
                  className="minutes"
                  aria-label={`Minutes ${i + 1}`}
                  value={t.value}
                  onChange={(e) => setTime(i, { value: e.target.value })}
                />
              )}
              <select
                aria-label={`Relative to ${i + 1}`}
                value={t.anchor}
                onChange={(e) => {
                  const anchor = e.target.value as TradingTimeDraft['anchor'];
                  const value = anchor === 'at' ? '17:00' : t.anchor === 'at' ? '30' : t.value;
                  setTime(i, { anchor, value });
                }}
              >
                {ANCHORS.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
              {times.length > 1 && (
                <CrossButton
                  label={`Remove session time ${i + 1}`}
                  onClick={() => onChange({ tradingTimes: times.filter((_, k) => k !== i) })}
                />
              )}
            </li>
          ))}
        </ul>
        {times.length < 24 && (
          <button
            type="button"
            className="small"
            onClick={() =>
              onChange({ tradingTimes: [...times, { anchor: 'after-close', value: '30' }] })
            }
          >
            Add a time
          </button>
        )}
        <FieldError id={`${id}-times-error`} messages={fields.times} />
      </fieldset>
    </>
  );
}

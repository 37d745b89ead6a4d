'use client';

import { CrossButton } from '~/components/ui/icon-button';
import { describedBy, FieldError } from '~/components/ui/field-error';
import { TimeOfDayInput } from '~/components/ui/time-of-day-input';
import { WEEKDAYS, type AfterSchedule, type Weekday } from '~/domain/job-definition';
import { WEEKDAY_LABELS } from '~/domain/schedule-words';
import { AfterFields } from './after-fields';
import type { FormErrors } from './form-issues';
import { TradingFields, type TradingTimeDraft } from './trading-fields';

export interface ScheduleDraft {
  mode: 'daily' | 'cron' | 'trading' | 'after';
  times: string[];
  days: Weekday[];
  expression: string;
  calendar: string;
  tradingTimes: TradingTimeDraft[];
  upstream: string[];
  when: AfterSchedule['when'];
  wait: AfterSchedule['wait'];
}

const PRESETS: [string, Weekday[]][] = [
  ['Every day', [...WEEKDAYS]],
  ['Weekdays', ['mon', 'tue', 'wed', 'thu', 'fri']],
  ['Weekends', ['sat', 'sun']],
];

const MODES: [ScheduleDraft['mode'], string][] = [
  ['daily', 'At set times'],
  ['cron', 'Cron expression'],
  ['trading', 'Exchange sessions'],
  ['after', 'After other jobs'],
];

/**
 * Daily times on chosen weekdays, a cron expression, times of an exchange's sessions, or
 * after the runs of other jobs.
 */
export function ScheduleFields({
  id,
  selfId,
  value,
  errors,
  onChange,
}: {
  id: string;
  /** The edited job's id, if any: never offered as its own upstream job. */
  selfId: string | undefined;
  value: ScheduleDraft;
  errors: FormErrors;
  onChange: (next: ScheduleDraft) => void;
}) {
  const set = (patch: Partial<ScheduleDraft>) => onChange({ ...value, ...patch });
  const err = (key: string) => `${id}-${key}-error`;
  const { fields } = errors;
  return (
    <fieldset className="fieldset">
      <legend>Schedule</legend>
      <div className="segmented" role="radiogroup" aria-label="Kind of schedule">
        {MODES.map(([mode, label]) => (
          <label key={mode}>
            <input
              type="radio"
              name={`${id}-mode`}
              value={mode}
              checked={value.mode === mode}
              onChange={() => set({ mode })}
            />
            {label}
          </label>
        ))}
      </div>
      <FieldError id={err('schedule')} messages={fields.schedule} />

      {value.mode === 'after' ? (
        <AfterFields
          id={id}
          selfId={selfId}
          upstream={value.upstream}
          when={value.when}
          wait={value.wait}
          errors={errors}
          onChange={set}
        />
      ) : value.mode === 'trading' ? (
        <TradingFields
          id={id}
          calendar={value.calendar}
          times={value.tradingTimes}
          errors={errors}
          onChange={set}
        />
      ) : value.mode === 'daily' ? (
        <>
          <fieldset
            className="fieldset-inner"
            aria-describedby={fields.times ? err('times') : undefined}
          >
            <legend>Times of day</legend>
            <ul className="time-list">
              {value.times.map((time, i) => (
                <li key={i}>
                  <TimeOfDayInput
                    aria-label={`Time ${i + 1}`}
                    aria-describedby={`${id}-times-hint`}
                    value={time}
                    required
                    aria-invalid={errors.times[i] ? true : undefined}
                    onChange={(e) =>
                      set({ times: value.times.map((t, k) => (k === i ? e.target.value : t)) })
                    }
                  />
                  {value.times.length > 1 && (
                    <CrossButton
                      label={`Remove time ${i + 1}`}
                      onClick={() => set({ times: value.times.filter((_, k) => k !== i) })}
                    />
                  )}
                </li>
              ))}
            </ul>
            {value.times.length < 24 && (
              <button
                type="button"
                className="small"
                onClick={() => set({ times: [...value.times, ''] })}
              >
                Add a time
              </button>
            )}
            <p id={`${id}-times-hint`} className="hint">
              24-hour HH:MM, e.g. 09:30 or 17:00, in the job&apos;s time zone.
            </p>
            <FieldError id={err('times')} messages={fields.times} />
          </fieldset>
          <fieldset
            className="fieldset-inner"
            aria-describedby={fields.days ? err('days') : undefined}
          >
            <legend>Days</legend>
            <div className="day-list">
              {WEEKDAYS.map((day) => (
                <label key={day} className="day">
                  <input
                    type="checkbox"
                    checked={value.days.includes(day)}
                    onChange={(e) =>
                      set({
                        days: e.target.checked
                          ? WEEKDAYS.filter((d) => d === day || value.days.includes(d))
                          : value.days.filter((d) => d !== day),
                      })
                    }
                  />
                  {WEEKDAY_LABELS[day]}
                </label>
              ))}
            </div>
            <div className="presets">
              {PRESETS.map(([label, days]) => (
                <button key={label} type="button" className="small" onClick={() => set({ days })}>
                  {label}
                </button>
              ))}
            </div>
            <p className="hint">
              This form starts a new job on weekdays. A job created over the API with{' '}
              <code>schedule_time</code> runs every day.
            </p>
            <FieldError id={err('days')} messages={fields.days} />
          </fieldset>
        </>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-cron`}>Cron expression</label>
          <input
            id={`${id}-cron`}
            type="text"
            className="mono"
            spellCheck={false}
            autoComplete="off"
            placeholder="*/15 9-16 * * 1-5"
            value={value.expression}
            aria-invalid={fields.expression ? true : undefined}
            aria-describedby={describedBy(
              `${id}-cron-hint`,
              err('expression'),
              !!fields.expression,
            )}
            onChange={(e) => set({ expression: e.target.value })}
          />
          <p id={`${id}-cron-hint`} className="hint">
            Five fields: minute hour day-of-month month weekday (or six, seconds first), in the
            job&apos;s time zone.
          </p>
          <FieldError id={err('expression')} messages={fields.expression} />
        </div>
      )}
    </fieldset>
  );
}

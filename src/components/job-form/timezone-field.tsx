'use client';

import { useMemo } from 'react';
import { describedBy, FieldError } from '~/components/ui/field-error';
import { localTimeZone } from '~/components/ui/format';

function allZones(): string[] {
  try {
    const zones = Intl.supportedValuesOf('timeZone');
    return zones.includes('UTC') ? zones : ['UTC', ...zones];
  } catch {
    return ['UTC'];
  }
}

/** An IANA zone, typed with suggestions from every zone the browser knows. */
export function TimezoneField({
  id,
  value,
  errors,
  onChange,
}: {
  id: string;
  value: string;
  errors: readonly string[] | undefined;
  onChange: (zone: string) => void;
}) {
  const zones = useMemo(allZones, []);
  const local = useMemo(localTimeZone, []);
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>Time zone</label>
      <div className="inline">
        <input
          id={id}
          type="text"
          list={`${id}-zones`}
          autoComplete="off"
          spellCheck={false}
          value={value}
          aria-invalid={errors ? true : undefined}
          aria-describedby={describedBy(`${id}-hint`, errorId, !!errors)}
          onChange={(e) => onChange(e.target.value)}
        />
        {value !== local && (
          <button type="button" className="small" onClick={() => onChange(local)}>
            Use mine ({local})
          </button>
        )}
      </div>
      <datalist id={`${id}-zones`}>
        {zones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      <p id={`${id}-hint`} className="hint">
        Times of day are wall-clock times in this zone, e.g. America/New_York.
      </p>
      <FieldError id={errorId} messages={errors} />
    </div>
  );
}

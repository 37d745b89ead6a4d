'use client';

import { useMemo } from 'react';
import { formatShort, localTimeZone } from '~/components/ui/format';
import type { Schedule } from '~/domain/job-definition';
import { nextFireTimes } from '~/domain/schedule';
import { sessionNotes } from './session-notes';

export const AFTER_NOTE = 'It runs when its upstream jobs finish a run, not on a clock.';

/** The next fire times of a valid schedule, in its zone and in the browser's. */
export function FireTimesTable({
  schedule,
  timezone,
  count = 5,
  label,
}: {
  schedule: Schedule;
  timezone: string;
  count?: number;
  label: string;
}) {
  const local = useMemo(localTimeZone, []);
  const { times, notes } = useMemo(() => {
    const now = new Date();
    const times = nextFireTimes(schedule, timezone, now, count);
    return { times, notes: sessionNotes(schedule, times, now) };
  }, [schedule, timezone, count]);
  if (schedule.kind === 'after') {
    return <p className="muted">{AFTER_NOTE}</p>;
  }
  if (times.length === 0) return <p className="muted">This schedule never fires.</p>;
  return (
    <>
      <table className="compact-table fire-times" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">In {timezone}</th>
            {local !== timezone && <th scope="col">Your time ({local})</th>}
            {notes && <th scope="col">Session</th>}
          </tr>
        </thead>
        <tbody>
          {times.map((t) => (
            <tr key={t.toISOString()}>
              <td>
                <time dateTime={t.toISOString()}>{formatShort(t, timezone)}</time>
              </td>
              {local !== timezone && <td>{formatShort(t, local)}</td>}
              {notes && <td>{notes.early.get(t.toISOString()) ?? 'Regular'}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {notes && notes.skipped.length > 0 && (
        <ul className="session-notes" aria-label="Skipped holidays">
          {notes.skipped.map((h) => (
            <li key={h.date}>
              Skipped {h.date}: {h.name}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

'use client';

import { useMemo } from 'react';
import { formatShort, localTimeZone } from '~/components/ui/format';
import type { Schedule } from '~/domain/job-definition';
import { nextFireTimes } from '~/domain/schedule';

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
  const times = useMemo(
    () => nextFireTimes(schedule, timezone, new Date(), count),
    [schedule, timezone, count],
  );
  if (times.length === 0) return <p className="muted">This schedule never fires.</p>;
  return (
    <table className="compact-table fire-times" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">In {timezone}</th>
          {local !== timezone && <th scope="col">Your time ({local})</th>}
        </tr>
      </thead>
      <tbody>
        {times.map((t) => (
          <tr key={t.toISOString()}>
            <td>
              <time dateTime={t.toISOString()}>{formatShort(t, timezone)}</time>
            </td>
            {local !== timezone && <td>{formatShort(t, local)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

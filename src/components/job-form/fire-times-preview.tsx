'use client';

import { useId, useMemo } from 'react';
import { isValidTimeZone, scheduleSchema } from '~/domain/job-definition';
import { describeSchedule } from '~/domain/schedule-words';
import { AFTER_NOTE, FireTimesTable } from './fire-times-table';

/** The form's preview: the schedule in words and its next five fire times, before saving. */
export function FireTimesPreview({
  schedule,
  timezone,
  active,
}: {
  schedule: unknown;
  timezone: string;
  active: boolean;
}) {
  const parsed = useMemo(() => {
    const result = scheduleSchema.safeParse(schedule);
    return result.success && isValidTimeZone(timezone.trim()) ? result.data : null;
  }, [schedule, timezone]);
  const zone = timezone.trim();
  const headingId = useId();

  return (
    <section className="preview" aria-labelledby={headingId}>
      <h3 id={headingId}>Next five runs</h3>
      {(schedule as { kind?: string } | null)?.kind === 'after' ? (
        <p className="muted">{AFTER_NOTE}</p>
      ) : !parsed ? (
        <p className="muted">Complete the schedule and time zone to see when it runs.</p>
      ) : (
        <>
          <p>{describeSchedule(parsed, zone)}</p>
          {!active && <p className="muted">Stopped: it runs on this schedule once started.</p>}
          <FireTimesTable schedule={parsed} timezone={zone} label="Next five runs" />
        </>
      )}
    </section>
  );
}

import { earlyCloses, getCalendar, holidays } from '~/domain/calendars';
import type { Schedule } from '~/domain/job-definition';
import { zonedDateString } from '~/domain/time-zone';

export interface SessionNotes {
  /** Early-close wording by fire instant (ISO), for the fires on an early-close session. */
  early: Map<string, string>;
  /** Holidays between now and the last fire, which the schedule skipped. */
  skipped: { date: string; name: string }[];
}

/**
 * What the exchange calendar did to a preview: the holidays it skipped and the early closes
 * that moved a fire. Only schedules that follow a calendar have notes.
 */
export function sessionNotes(
  schedule: Schedule,
  times: readonly Date[],
  now: Date,
): SessionNotes | null {
  const code = schedule.kind === 'after' ? undefined : schedule.calendar;
  const calendar = code ? getCalendar(code) : undefined;
  if (!calendar || times.length === 0) return null;
  const zone = calendar.timezone;
  const start = zonedDateString(now, zone);
  const end = zonedDateString(times[times.length - 1]!, zone);
  if (start < calendar.first_date || end > calendar.last_date) return null;
  const closes = new Map(earlyCloses(calendar.code, start, end).map((e) => [e.date, e]));
  const early = new Map<string, string>();
  for (const t of times) {
    const e = closes.get(zonedDateString(t, zone));
    if (!e) continue;
    const at = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeStyle: 'short' }).format(
      e.close,
    );
    early.set(t.toISOString(), `Early close ${at} (${e.name})`);
  }
  return { early, skipped: holidays(calendar.code, start, end) };
}

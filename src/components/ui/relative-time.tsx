'use client';

import { tickFor, useNow, type Tick } from '~/components/live/use-now';
import { formatExact, relativeTime } from './format';

/**
 * "in 3 h" or "12 s ago", with the exact time (local, and in `timeZone` when given) on hover.
 * `past` marks an event that has happened (a start, a finish, a fetch): it never reads as
 * future, even when the server's clock is a little ahead of the browser's.
 */
export function RelativeTime({
  value,
  timeZone,
  empty = '—',
  past = false,
}: {
  value: string | null;
  timeZone?: string;
  empty?: string;
  past?: boolean;
}) {
  // The cadence follows the distance, re-chosen at each render: "in 2 min" ticks every 10 s
  // until it is under a minute away, then every second.
  const at = value ? Date.parse(value) : NaN;
  const tick: Tick = Number.isNaN(at) ? 60_000 : tickFor(at - Date.now());
  const now = useNow(tick);
  if (!value) return <span className="muted">{empty}</span>;
  const local = formatExact(value);
  const zoned = timeZone ? formatExact(value, timeZone) : null;
  const title = zoned && zoned !== local ? `${local} (${zoned})` : local;
  return (
    <time dateTime={value} title={title}>
      {now === 0 ? formatExact(value, timeZone) : relativeTime(value, now, past)}
    </time>
  );
}

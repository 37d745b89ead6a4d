'use client';

import { useNow } from '~/components/live/use-now';
import { formatExact, relativeTime } from './format';

/** "in 3 h", with the exact time (local, and in `timeZone` when given) on hover. */
export function RelativeTime({
  value,
  timeZone,
  empty = '—',
}: {
  value: string | null;
  timeZone?: string;
  empty?: string;
}) {
  const now = useNow();
  if (!value) return <span className="muted">{empty}</span>;
  const local = formatExact(value);
  const zoned = timeZone ? formatExact(value, timeZone) : null;
  const title = zoned && zoned !== local ? `${local} (${zoned})` : local;
  return (
    <time dateTime={value} title={title}>
      {now === 0 ? formatExact(value, timeZone) : relativeTime(value, now)}
    </time>
  );
}

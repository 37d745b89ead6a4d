/** Schedules in words, for the dashboard and for messages: "Weekdays at 09:30, New York". */
import { WEEKDAYS, type AfterSchedule, type Schedule, type Weekday } from './job-definition';
import { dayMask } from './schedule';

/** The city of an IANA zone: "America/New_York" is "New York"; "UTC" stays "UTC". */
export function zoneCity(timezone: string): string {
  return (timezone.split('/').pop() ?? timezone).replace(/_/g, ' ');
}

/** Short English names of the weekdays, for words and for the form's day toggles. */
export const WEEKDAY_LABELS: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

function describeDays(days: readonly Weekday[]): string {
  const mask = dayMask(days);
  if (mask === 0b1111111) return 'Every day';
  if (mask === 0b0011111) return 'Weekdays';
  if (mask === 0b1100000) return 'Weekends';
  return WEEKDAYS.filter((_, i) => mask & (1 << i))
    .map((d) => WEEKDAY_LABELS[d])
    .join(', ');
}

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function every(step: string, unit: string): string {
  return step === '1' ? `Every ${unit}` : `Every ${step} ${unit}s`;
}

/** "*" or "*\/N": the step N ("1" for "*"), else null. */
function stepOf(field: string): string | null {
  if (field === '*') return '1';
  const m = /^\*\/(\d+)$/.exec(field);
  return m ? m[1]! : null;
}

const WEEKDAY_DOW = new Set(['1-5', 'mon-fri', 'MON-FRI']);
const WEEKEND_DOW = new Set(['0,6', '6,0', 'sat,sun', 'SAT,SUN', 'sun,sat', 'SUN,SAT']);

/** The few common cron shapes in words; anything else as "Cron <expression>". */
function describeCron(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  const wildcards = (list: readonly (string | undefined)[]) => list.every((f) => f === '*');
  if (fields.length === 6) {
    const seconds = stepOf(fields[0]!);
    if (seconds && wildcards(fields.slice(1))) return every(seconds, 'second');
    if (fields[0] !== '0') return `Cron ${fields.join(' ')}`;
  }
  const [min = '', hour = '', dom, month, dow = ''] =
    fields.length === 6 ? fields.slice(1) : fields;
  const minuteStep = stepOf(min);
  if (minuteStep && wildcards([hour, dom, month, dow])) return every(minuteStep, 'minute');
  const hourStep = stepOf(hour);
  if (min === '0' && hourStep && wildcards([dom, month, dow])) return every(hourStep, 'hour');
  if (/^\d{1,2}$/.test(min) && /^\d{1,2}$/.test(hour) && wildcards([dom, month])) {
    const at = `${hour.padStart(2, '0')}:${min.padStart(2, '0')}`;
    if (dow === '*') return `Every day at ${at}`;
    if (WEEKDAY_DOW.has(dow)) return `Weekdays at ${at}`;
    if (WEEKEND_DOW.has(dow)) return `Weekends at ${at}`;
  }
  return `Cron ${fields.join(' ')}`;
}

/** "close+30m" as "30 min after the close", "open-15m" as "15 min before the open". */
export function tradingTimeWords(time: string): string {
  const m = /^(open|close)([+-])(\d+)m$/.exec(time);
  if (!m) return time;
  if (m[3] === '0') return `the ${m[1]}`;
  return `${m[3]} min ${m[2] === '+' ? 'after' : 'before'} the ${m[1]}`;
}

const WHEN_WORDS: Record<AfterSchedule['when'], string> = {
  success: 'on success',
  not_failed: 'unless failed',
  always: 'whatever the outcome',
};

/**
 * "After Daily FAANG (on success)"; several upstream jobs are joined by "or" (wait any: each
 * one's run triggers) or "and" (wait all). A job whose name is not known is named by its id.
 */
export function describeAfter(
  schedule: AfterSchedule,
  names?: (jobId: string) => string | undefined,
): string {
  const named = schedule.jobs.map((id) => names?.(id) ?? id);
  const joined =
    named.length <= 1
      ? (named[0] ?? '')
      : `${named.slice(0, -1).join(', ')} ${schedule.wait === 'all' ? 'and' : 'or'} ${named.at(-1)}`;
  return `After ${joined} (${WHEN_WORDS[schedule.when]})`;
}

/** Human words for a schedule: "Weekdays at 09:30 and 16:05, New York". */
export function describeSchedule(
  schedule: Schedule,
  timezone: string,
  /** The names of upstream jobs, for an `after` schedule. */
  names?: (jobId: string) => string | undefined,
): string {
  if (schedule.kind === 'after') return describeAfter(schedule, names);
  const city = zoneCity(timezone);
  if (schedule.kind === 'trading_days') {
    return `Every ${schedule.calendar} session at ${listWords(schedule.times.map(tradingTimeWords))}`;
  }
  const sessions = schedule.calendar ? ` (${schedule.calendar} sessions only)` : '';
  if (schedule.kind === 'cron') return `${describeCron(schedule.expression)}, ${city}${sessions}`;
  const times = [...schedule.times].sort();
  return `${describeDays(schedule.days)} at ${listWords(times)}, ${city}${sessions}`;
}

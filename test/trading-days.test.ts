import { describe, expect, it } from 'vitest';
import { scheduleSchema, type Schedule } from '../src/domain/job-definition';
import { nextFireTime, nextFireTimes } from '../src/domain/schedule';
import { describeSchedule } from '../src/domain/schedule-words';

function trading(calendar: string, times: string[]): Schedule {
  return scheduleSchema.parse({ kind: 'trading_days', calendar, times });
}

/** Fire times as ISO strings; the zone argument must not matter for trading days. */
function fires(schedule: Schedule, after: string, count: number, zone = 'Asia/Kolkata'): string[] {
  return nextFireTimes(schedule, zone, new Date(after), count).map((d) => d.toISOString());
}

describe('trading_days schedules', () => {
  const nyClose30 = trading('XNYS', ['close+30m']);

  it('skips Thanksgiving and follows the early close of the day after', () => {
    // Tuesday 2024-11-26 17:00 New York, the day before the day before Thanksgiving.
    expect(fires(nyClose30, '2024-11-26T22:00:00Z', 3)).toEqual([
      '2024-11-27T21:30:00.000Z', // Wednesday 16:30
      '2024-11-29T18:30:00.000Z', // Friday 13:30: 30 minutes after the 13:00 close
      '2024-12-02T21:30:00.000Z',
    ]);
    // From inside Thanksgiving the next fire is the early-close Friday's.
    expect(fires(nyClose30, '2024-11-28T17:00:00Z', 1)).toEqual(['2024-11-29T18:30:00.000Z']);
  });

  it('passes over a Monday holiday after a Friday', () => {
    // Friday 2025-01-17 after the close; Monday 2025-01-20 is Martin Luther King Jr. Day.
    expect(fires(nyClose30, '2025-01-17T22:00:00Z', 1)).toEqual(['2025-01-21T21:30:00.000Z']);
  });

  it('keeps the exchange time across New York and London DST changes', () => {
    // New York springs forward on Sunday 2024-03-10.
    expect(fires(nyClose30, '2024-03-08T12:00:00Z', 2)).toEqual([
      '2024-03-08T21:30:00.000Z',
      '2024-03-11T20:30:00.000Z',
    ]);
    // London: Good Friday 03-29 and Easter Monday 04-01 closed, clocks change on 03-31.
    const beforeOpen = trading('XLON', ['open-15m']);
    expect(fires(beforeOpen, '2024-03-28T06:00:00Z', 2)).toEqual([
      '2024-03-28T07:45:00.000Z',
      '2024-04-02T06:45:00.000Z',
    ]);
    // New York falls back on Sunday 2024-11-03: an exchange-time entry moves with it.
    const at0935 = trading('XNYS', ['09:35']);
    expect(fires(at0935, '2024-11-01T12:00:00Z', 2)).toEqual([
      '2024-11-01T13:35:00.000Z',
      '2024-11-04T14:35:00.000Z',
    ]);
  });

  it('fires several times a session in order, lunch break or not', () => {
    const tokyo = trading('XTKS', ['close+10m', '08:50', 'open+150m']);
    expect(fires(tokyo, '2024-12-30T00:00:00Z', 4)).toEqual([
      '2024-12-30T02:30:00.000Z', // 11:30 Tokyo
      '2024-12-30T06:40:00.000Z', // 15:40 (15:30 close from 2024-11-05)
      '2025-01-05T23:50:00.000Z', // 08:50 on Monday 2025-01-06, after the year-end closure
      '2025-01-06T02:30:00.000Z',
    ]);
  });

  it('never fires past the calendar’s coverage', () => {
    expect(
      nextFireTime(trading('XBOM', ['close+30m']), 'UTC', new Date('2027-01-05T00:00:00Z')),
    ).toBeNull();
  });

  it('rejects bad times and unknown calendars, naming the field', () => {
    const bad = scheduleSchema.safeParse({
      kind: 'trading_days',
      calendar: 'XXXX',
      times: ['close+721m', 'noon'],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['calendar', 'times.0', 'times.1']));
    expect(
      trading('24-7', ['00:05']).kind === 'trading_days' && trading('24-7', ['00:05']),
    ).toMatchObject({
      calendar: '24/7',
    });
    expect(describeSchedule(nyClose30, 'America/New_York')).toBe(
      'Every XNYS session at 30 min after the close',
    );
  });
});

describe('daily and cron schedules with a calendar', () => {
  it('skip the days without a session', () => {
    const daily = scheduleSchema.parse({ kind: 'daily', times: ['17:00'], calendar: 'XNYS' });
    // Wednesday 2024-11-27 18:00 New York: Thanksgiving is skipped, Friday fires.
    expect(fires(daily, '2024-11-27T23:00:00Z', 2, 'America/New_York')).toEqual([
      '2024-11-29T22:00:00.000Z',
      '2024-12-02T22:00:00.000Z', // weekends too
    ]);
    const cron = scheduleSchema.parse({ kind: 'cron', expression: '* * * * *', calendar: 'XNYS' });
    expect(fires(cron, '2024-11-27T23:59:30-05:00', 1, 'America/New_York')).toEqual([
      '2024-11-29T05:00:00.000Z', // midnight Friday: all of Thanksgiving skipped at once
    ]);
    const plain = scheduleSchema.parse({ kind: 'daily', times: ['17:00'] });
    expect(fires(plain, '2024-11-27T23:00:00Z', 1, 'America/New_York')).toEqual([
      '2024-11-28T22:00:00.000Z',
    ]);
  });
});

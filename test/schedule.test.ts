import { describe, it, expect } from 'vitest';
import type { Schedule, Weekday } from '../src/domain/job-definition';
import { addDays, zonedDateString } from '../src/domain/time-zone';
import { describeSchedule } from '../src/domain/schedule-words';
import { nextFireTime, nextFireTimes } from '../src/domain/schedule';

const ALL: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const NY = 'America/New_York';
const LONDON = 'Europe/London';
const KOLKATA = 'Asia/Kolkata';

function daily(times: string[], days: Weekday[] = ALL): Schedule {
  return { kind: 'daily', times, days };
}

function cron(expression: string): Schedule {
  return { kind: 'cron', expression };
}

/** nextFireTime as an ISO string, or null. */
function next(schedule: Schedule, zone: string, after: string): string | null {
  return nextFireTime(schedule, zone, new Date(after))?.toISOString() ?? null;
}

/** nextFireTimes as ISO strings. */
function nexts(schedule: Schedule, zone: string, after: string, count: number): string[] {
  return nextFireTimes(schedule, zone, new Date(after), count).map((d) => d.toISOString());
}

describe('nextFireTime: daily schedules', () => {
  it('fires at a single time each day, strictly after `after`', () => {
    const s = daily(['17:00']);
    expect(next(s, NY, '2026-11-26T18:00:00.000Z')).toBe('2026-11-26T22:00:00.000Z');
    expect(next(s, NY, '2026-11-26T22:00:00.000Z')).toBe('2026-11-27T22:00:00.000Z');
    expect(next(s, NY, '2026-11-26T21:59:59.999Z')).toBe('2026-11-26T22:00:00.000Z');
  });

  it('fires at each of several times', () => {
    const s = daily(['09:30', '16:05']);
    expect(nexts(s, NY, '2026-11-26T15:00:00.000Z', 3)).toEqual([
      '2026-11-26T21:05:00.000Z',
      '2026-11-27T14:30:00.000Z',
      '2026-11-27T21:05:00.000Z',
    ]);
  });

  it('skips from Friday evening to Monday for a weekdays-only job', () => {
    const s = daily(['17:00'], WEEKDAYS);
    expect(next(s, NY, '2026-11-27T23:00:00.000Z')).toBe('2026-11-30T22:00:00.000Z');
  });

  it('fires only on the chosen weekdays', () => {
    const s = daily(['08:00'], ['mon', 'wed', 'fri']);
    expect(nexts(s, LONDON, '2026-11-26T12:00:00.000Z', 4)).toEqual([
      '2026-11-27T08:00:00.000Z',
      '2026-11-30T08:00:00.000Z',
      '2026-12-02T08:00:00.000Z',
      '2026-12-04T08:00:00.000Z',
    ]);
  });

  it('reads wall times in a +05:30 zone (Asia/Kolkata)', () => {
    expect(next(daily(['09:15']), KOLKATA, '2026-11-26T00:00:00.000Z')).toBe(
      '2026-11-26T03:45:00.000Z',
    );
    expect(next(daily(['00:10']), KOLKATA, '2026-11-26T18:00:00.000Z')).toBe(
      '2026-11-26T18:40:00.000Z',
    );
  });

  it('crosses a month end and a year end from 23:59 to 00:00', () => {
    const s = daily(['00:00', '23:59']);
    expect(nexts(s, 'Asia/Tokyo', '2026-12-31T14:58:00.000Z', 3)).toEqual([
      '2026-12-31T14:59:00.000Z',
      '2026-12-31T15:00:00.000Z',
      '2027-01-01T14:59:00.000Z',
    ]);
    expect(nexts(s, 'America/Los_Angeles', '2026-02-01T07:58:00.000Z', 2)).toEqual([
      '2026-02-01T07:59:00.000Z',
      '2026-02-01T08:00:00.000Z',
    ]);
  });
});

describe('nextFireTime: cron schedules', () => {
  it('runs a 5-field expression in the zone', () => {
    const s = cron('*/15 9-16 * * 1-5');
    expect(next(s, NY, '2026-11-27T21:40:00.000Z')).toBe('2026-11-27T21:45:00.000Z');
    expect(next(s, NY, '2026-11-27T21:50:00.000Z')).toBe('2026-11-30T14:00:00.000Z');
    expect(next(cron('0 18 * * *'), KOLKATA, '2026-11-26T00:00:00.000Z')).toBe(
      '2026-11-26T12:30:00.000Z',
    );
  });

  it('runs a 6-field expression with seconds first', () => {
    const s = cron('*/2 * * * * *');
    expect(nexts(s, 'UTC', '2026-11-26T12:00:00.500Z', 3)).toEqual([
      '2026-11-26T12:00:02.000Z',
      '2026-11-26T12:00:04.000Z',
      '2026-11-26T12:00:06.000Z',
    ]);
    expect(next(s, NY, '2026-11-26T12:00:59.000Z')).toBe('2026-11-26T12:01:00.000Z');
    expect(next(cron('30 0 17 * * *'), NY, '2026-11-26T12:00:00.000Z')).toBe(
      '2026-11-26T22:00:30.000Z',
    );
  });

  it('fires on Feb 29 only in leap years', () => {
    expect(next(cron('0 12 29 2 *'), NY, '2026-01-01T00:00:00.000Z')).toBe(
      '2028-02-29T17:00:00.000Z',
    );
  });

  it('crosses a year end', () => {
    expect(nexts(cron('59 23 31 12 *'), NY, '2026-06-01T00:00:00.000Z', 2)).toEqual([
      '2027-01-01T04:59:00.000Z',
      '2028-01-01T04:59:00.000Z',
    ]);
  });

  it('returns null for an impossible expression, every time', () => {
    expect(next(cron('0 0 31 2 *'), NY, '2026-01-01T00:00:00.000Z')).toBeNull();
    expect(next(cron('0 0 31 2 *'), 'UTC', '2030-01-01T00:00:00.000Z')).toBeNull();
    expect(next(cron('0 0 30 2 *'), 'UTC', '2026-01-01T00:00:00.000Z')).toBeNull();
    expect(nextFireTimes(cron('0 0 31 2 *'), NY, new Date('2026-01-01T00:00:00Z'), 5)).toEqual([]);
  });

  it('ORs day-of-month and day-of-week when both are restricted (Vixie)', () => {
    expect(nexts(cron('0 0 13 * 5'), 'UTC', '2026-01-01T00:00:00.000Z', 4)).toEqual([
      '2026-01-02T00:00:00.000Z',
      '2026-01-09T00:00:00.000Z',
      '2026-01-13T00:00:00.000Z',
      '2026-01-16T00:00:00.000Z',
    ]);
  });

  it('ANDs them when either field starts with * (Vixie)', () => {
    // Odd days of the month that are Mondays.
    expect(nexts(cron('0 0 */2 * 1'), 'UTC', '2026-01-01T00:00:00.000Z', 4)).toEqual([
      '2026-01-05T00:00:00.000Z',
      '2026-01-19T00:00:00.000Z',
      '2026-02-09T00:00:00.000Z',
      '2026-02-23T00:00:00.000Z',
    ]);
    expect(nexts(cron('0 0 1 * *'), 'UTC', '2026-01-01T00:00:00.000Z', 2)).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
    expect(nexts(cron('0 0 * * 1'), 'UTC', '2026-01-01T00:00:00.000Z', 2)).toEqual([
      '2026-01-05T00:00:00.000Z',
      '2026-01-12T00:00:00.000Z',
    ]);
  });
});

describe('DST in New York', () => {
  it('daily: a nonexistent 02:30 runs once at 03:00 EDT on spring-forward day', () => {
    expect(nexts(daily(['02:30']), NY, '2026-03-07T12:00:00.000Z', 2)).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T06:30:00.000Z',
    ]);
  });

  it('daily: a repeated 01:30 runs once, at its first (EDT) occurrence', () => {
    expect(nexts(daily(['01:30']), NY, '2026-10-31T12:00:00.000Z', 2)).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
    // Started during the second (EST) pass of 01:xx: the first pass already counted.
    expect(next(daily(['01:30']), NY, '2026-11-01T06:00:00.000Z')).toBe('2026-11-02T06:30:00.000Z');
  });

  it('cron: the same two wall times', () => {
    expect(nexts(cron('30 2 * * *'), NY, '2026-03-07T12:00:00.000Z', 2)).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T06:30:00.000Z',
    ]);
    expect(nexts(cron('30 1 * * *'), NY, '2026-10-31T12:00:00.000Z', 2)).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('cron: */15 in the repeated hour fires in the first (EDT) pass only', () => {
    expect(nexts(cron('*/15 1 * * *'), NY, '2026-11-01T00:00:00.000Z', 5)).toEqual([
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T05:15:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T05:45:00.000Z',
      '2026-11-02T06:00:00.000Z',
    ]);
  });

  it('cron: */15 in the skipped hour fires once at 03:00 EDT', () => {
    expect(nexts(cron('*/15 2 * * *'), NY, '2026-03-08T00:00:00.000Z', 3)).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T06:00:00.000Z',
      '2026-03-09T06:15:00.000Z',
    ]);
  });

  it('cron: hourly runs across both changes', () => {
    expect(nexts(cron('0 * * * *'), NY, '2026-03-08T05:30:00.000Z', 3)).toEqual([
      '2026-03-08T06:00:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-03-08T08:00:00.000Z',
    ]);
    expect(nexts(cron('0 * * * *'), NY, '2026-11-01T04:30:00.000Z', 3)).toEqual([
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T07:00:00.000Z',
      '2026-11-01T08:00:00.000Z',
    ]);
  });

  it('cron: per-second job started in the second pass resumes at 02:00 EST', () => {
    expect(next(cron('* * * * * *'), NY, '2026-11-01T06:00:00.000Z')).toBe(
      '2026-11-01T07:00:00.000Z',
    );
    expect(next(cron('* * * * * *'), NY, '2026-11-01T05:59:59.000Z')).toBe(
      '2026-11-01T07:00:00.000Z',
    );
  });
});

describe('DST in Europe/London', () => {
  it('keeps 09:00 local across both changes', () => {
    expect(nexts(daily(['09:00']), LONDON, '2026-03-27T12:00:00.000Z', 3)).toEqual([
      '2026-03-28T09:00:00.000Z',
      '2026-03-29T08:00:00.000Z',
      '2026-03-30T08:00:00.000Z',
    ]);
    expect(nexts(daily(['09:00']), LONDON, '2026-10-23T12:00:00.000Z', 3)).toEqual([
      '2026-10-24T08:00:00.000Z',
      '2026-10-25T09:00:00.000Z',
      '2026-10-26T09:00:00.000Z',
    ]);
  });

  it('runs a skipped 01:30 at 02:00 BST and a repeated 01:30 once, in BST', () => {
    expect(next(daily(['01:30']), LONDON, '2026-03-28T12:00:00.000Z')).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    expect(nexts(daily(['01:30']), LONDON, '2026-10-24T12:00:00.000Z', 2)).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
    expect(nexts(cron('30 1 * * *'), LONDON, '2026-10-24T12:00:00.000Z', 2)).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });
});

describe('nextFireTimes', () => {
  const cases: [string, Schedule, string][] = [
    ['daily', daily(['09:30', '16:05'], WEEKDAYS), NY],
    ['cron', cron('*/15 9-16 * * 1-5'), NY],
    ['seconds cron', cron('*/2 * * * * *'), LONDON],
    ['spring-forward day', daily(['02:30']), NY],
  ];
  for (const [name, schedule, zone] of cases) {
    it(`returns 5 strictly increasing instants (${name})`, () => {
      const after = new Date('2026-03-06T12:00:00Z');
      const times = nextFireTimes(schedule, zone, after, 5).map((d) => d.getTime());
      expect(times).toHaveLength(5);
      expect(times[0]!).toBeGreaterThan(after.getTime());
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
    });
  }

  it('returns nothing for a count of 0', () => {
    expect(nextFireTimes(daily(['17:00']), NY, new Date(), 0)).toEqual([]);
  });
});

describe('describeSchedule', () => {
  it('puts daily schedules in words', () => {
    expect(describeSchedule(daily(['17:00']), NY)).toBe('Every day at 17:00, New York');
    expect(describeSchedule(daily(['09:30', '16:05'], WEEKDAYS), NY)).toBe(
      'Weekdays at 09:30 and 16:05, New York',
    );
    expect(describeSchedule(daily(['08:00'], ['mon', 'wed', 'fri']), LONDON)).toBe(
      'Mon, Wed, Fri at 08:00, London',
    );
    expect(describeSchedule(daily(['10:00'], ['sat', 'sun']), 'UTC')).toBe(
      'Weekends at 10:00, UTC',
    );
    expect(
      describeSchedule(daily(['08:00', '12:00', '16:00']), 'America/Argentina/Buenos_Aires'),
    ).toBe('Every day at 08:00, 12:00 and 16:00, Buenos Aires');
  });

  it('puts common cron shapes in words, others as the expression', () => {
    expect(describeSchedule(cron('*/15 9-16 * * 1-5'), NY)).toBe(
      'Cron */15 9-16 * * 1-5, New York',
    );
    expect(describeSchedule(cron('*/15 * * * *'), 'UTC')).toBe('Every 15 minutes, UTC');
    expect(describeSchedule(cron('*/2 * * * * *'), KOLKATA)).toBe('Every 2 seconds, Kolkata');
    expect(describeSchedule(cron('* * * * *'), 'UTC')).toBe('Every minute, UTC');
    expect(describeSchedule(cron('0 * * * *'), 'UTC')).toBe('Every hour, UTC');
    expect(describeSchedule(cron('0 17 * * 1-5'), NY)).toBe('Weekdays at 17:00, New York');
    expect(describeSchedule(cron('5 9 * * *'), LONDON)).toBe('Every day at 09:05, London');
  });
});

describe('zonedDateString and addDays', () => {
  it('takes the date in the zone', () => {
    expect(zonedDateString(new Date('2026-12-31T23:30:00Z'), 'Asia/Tokyo')).toBe('2027-01-01');
    expect(zonedDateString(new Date('2027-01-01T03:00:00Z'), NY)).toBe('2026-12-31');
    expect(zonedDateString(new Date('2026-11-26T18:45:00Z'), KOLKATA)).toBe('2026-11-27');
    expect(zonedDateString(new Date('2028-02-29T23:00:00Z'), KOLKATA)).toBe('2028-03-01');
    expect(zonedDateString(new Date('2028-03-01T04:00:00Z'), NY)).toBe('2028-02-29');
    expect(zonedDateString(new Date('2026-11-01T05:30:00Z'), NY)).toBe('2026-11-01');
  });

  it('does calendar arithmetic across month, year and leap boundaries', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(addDays('2026-11-26', -30)).toBe('2026-10-27');
    expect(addDays('2026-11-26', -3650)).toBe('2016-11-28');
    expect(addDays('2024-02-28', 366)).toBe('2025-02-28');
    expect(addDays('2026-03-08', 0)).toBe('2026-03-08');
  });

  it('rejects a string that is not a date', () => {
    expect(() => addDays('not-a-date', 1)).toThrow(RangeError);
  });
});

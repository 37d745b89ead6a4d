/**
 * Exchange calendars: the cold time to compute every session 1990-2030 of each calendar, and
 * the fire-time math behind schedules.preview (100 fire times) for a trading_days schedule
 * against a plain daily one, p50/p99 over many runs in the same process.
 */
import os from 'node:os';
import { clearSessionCache, listCalendars, sessions } from '../src/domain/calendars';
import { scheduleSchema } from '../src/domain/job-definition';
import { nextFireTimes } from '../src/domain/schedule';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

console.log(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, load ${os.loadavg()[0]!.toFixed(2)}`,
);
console.log('cold sessions 1990-2030 (or the calendar coverage):');
for (const calendar of listCalendars()) {
  clearSessionCache();
  const start = calendar.first_date > '1990-01-01' ? calendar.first_date : '1990-01-01';
  const end = calendar.last_date < '2030-12-31' ? calendar.last_date : '2030-12-31';
  const t0 = performance.now();
  const n = sessions(calendar.code, start, end).length;
  console.log(
    `  ${calendar.code.padEnd(5)} ${String(n).padStart(6)} sessions ${(performance.now() - t0).toFixed(1)} ms`,
  );
}

const trading = scheduleSchema.parse({
  kind: 'trading_days',
  calendar: 'XNYS',
  times: ['close+30m'],
});
const daily = scheduleSchema.parse({ kind: 'daily', times: ['16:30'] });
const RUNS = 300;
for (const [label, schedule] of [
  ['trading_days XNYS close+30m', trading],
  ['daily 16:30', daily],
] as const) {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // A different start each run (a day apart) so no run repeats the one before.
    const after = new Date(Date.UTC(2026, 0, 1) + i * 86_400_000);
    const t0 = performance.now();
    const times = nextFireTimes(schedule, 'America/New_York', after, 100);
    samples.push(performance.now() - t0);
    if (times.length !== 100) throw new Error(`${label}: ${times.length} fire times`);
  }
  samples.sort((a, b) => a - b);
  console.log(
    `preview of 100 fire times, ${label}: p50 ${percentile(samples, 50).toFixed(3)} ms, p99 ${percentile(samples, 99).toFixed(3)} ms`,
  );
}

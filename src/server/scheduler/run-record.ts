/** Builds a run record: the one place that knows a run's fields and their defaults. */
import type { Job, Run } from '~/domain/job-definition';
import { addDays, zonedDateString } from '~/domain/time-zone';
import type { RunData } from './run-queue';

/** What a run is of: a queued run's data, or the same fields for a run never queued. */
export type RunOrigin = Pick<
  RunData,
  'run_id' | 'trigger' | 'fire_ms' | 'start' | 'end' | 'late' | 'coalesced' | 'upstream'
>;

/**
 * The run record of `origin` at `at` (its started_at), built on `existing` when the run was
 * stored before (a queued run-now, a retry), with `state` (status and what goes with it) laid
 * over it. Its window is the origin's range if it has one, else the job's lookback window
 * ending on the fire time's date (or `at`'s, for an unscheduled run).
 */
export function buildRun(
  job: Pick<Job, 'job_id' | 'timezone' | 'lookback_days'>,
  origin: RunOrigin,
  at: Date,
  state: Partial<Run> & Pick<Run, 'status'>,
  existing?: Run | null,
): Run {
  if (existing) return { ...existing, ...state };
  const { status: _status, ...rest } = state;
  const scheduledFor = origin.fire_ms !== undefined ? new Date(origin.fire_ms) : null;
  const window =
    origin.start !== undefined && origin.end !== undefined
      ? { start: origin.start, end: origin.end }
      : runWindow(job, scheduledFor ?? at);
  return {
    run_id: origin.run_id,
    job_id: job.job_id,
    trigger: origin.trigger,
    start: window.start,
    end: window.end,
    scheduled_for: scheduledFor ? scheduledFor.toISOString() : null,
    started_at: at.toISOString(),
    finished_at: null,
    status: state.status,
    symbols: [],
    error: null,
    ...(origin.upstream && { upstream: origin.upstream }),
    ...(origin.late && {
      late: true,
      note: `late run${(origin.coalesced ?? 1) > 1 ? ` coalescing ${origin.coalesced} missed fire times` : ''}`,
    }),
    ...rest,
  };
}

/** `[run date - lookback_days, run date]`, dates in the job's zone. */
export function runWindow(
  job: Pick<Job, 'timezone' | 'lookback_days'>,
  at: Date,
): { start: string; end: string } {
  const end = zonedDateString(at, job.timezone);
  return { start: addDays(end, -job.lookback_days), end };
}

/**
 * How one change event (a job or a run, from any server process) is written into the
 * react-query cache, so every open view updates without refetching. Pure functions over the
 * cached shapes, plus `applyChange`, which finds the affected queries by the keys tRPC builds.
 */
import type { Query, QueryClient } from '@tanstack/react-query';
import type { ChangeEvent } from '~/domain/change-events';
import type { Dashboard, Job, Run } from '~/trpc/shapes';
import { isQueryOf, liveKeys, RUNS_LIMIT, runsLimitOf } from './live-queries';

/** The events of `events.onChange`: a job created, updated or deleted, or a run's step. */
export type { ChangeEvent };

/** The job an event carries, when it carries the job's new state. */
function jobOf(event: ChangeEvent): Job | null {
  if (event.type === 'job') return event.action === 'deleted' ? null : event.job;
  return event.job ?? null;
}

function summarise(jobs: readonly Job[], previous: Dashboard['summary']): Dashboard['summary'] {
  return {
    ...previous,
    total: jobs.length,
    active: jobs.filter((j) => j.is_active).length,
    running: jobs.filter((j) => j.status === 'running').length,
  };
}

/** The dashboard after an event: jobs replaced, appended or removed, counts kept in step. */
export function patchDashboard(
  data: Dashboard | undefined,
  event: ChangeEvent,
): Dashboard | undefined {
  if (!data) return data;
  let jobs = data.jobs;
  if (event.type === 'job' && event.action === 'deleted') {
    jobs = jobs.filter((j) => j.job_id !== event.job_id);
    if (jobs.length === data.jobs.length) return data;
  } else {
    const job = jobOf(event);
    if (!job) return data;
    const index = jobs.findIndex((j) => j.job_id === job.job_id);
    if (index >= 0) {
      jobs = jobs.slice();
      jobs[index] = job;
    } else if (event.type === 'job' && event.action === 'created') {
      jobs = [...jobs, job];
    } else {
      // A run of a job this list does not hold (deleted meanwhile): nothing to show.
      return data;
    }
  }
  return { ...data, jobs, summary: summarise(jobs, data.summary) };
}

/** One job after an event about it. */
export function patchJob(job: Job | undefined, event: ChangeEvent): Job | undefined {
  if (!job || job.job_id !== event.job_id) return job;
  return jobOf(event) ?? job;
}

/** A job's runs, newest first, after a run event: the run replaced or put on top. */
export function patchRuns(
  data: { runs: Run[] } | undefined,
  event: ChangeEvent,
  limit = RUNS_LIMIT,
): { runs: Run[] } | undefined {
  if (!data || event.type !== 'run') return data;
  const { run } = event;
  const index = data.runs.findIndex((r) => r.run_id === run.run_id);
  if (index >= 0) {
    // Progress is published asynchronously and may arrive after the run finished.
    if (data.runs[index]!.finished_at && !run.finished_at) return data;
    const runs = data.runs.slice();
    runs[index] = run;
    return { runs };
  }
  return { runs: [run, ...data.runs].slice(0, limit) };
}

/**
 * Writes `event` into every cached query it affects, or only into `only` (used to replay the
 * events that arrived while that query was being fetched).
 */
export function applyChange(client: QueryClient, event: ChangeEvent, only?: Query): void {
  const queries = only ? [only] : client.getQueryCache().getAll();
  const dashboard = liveKeys.dashboard();
  const job = liveKeys.job(event.job_id);
  const runs = liveKeys.runs(event.job_id);
  for (const query of queries) {
    if (query.state.data === undefined) continue;
    if (isQueryOf(query, dashboard)) {
      client.setQueryData<Dashboard>(query.queryKey, (d) => patchDashboard(d, event));
    } else if (isQueryOf(query, job)) {
      if (event.type === 'job' && event.action === 'deleted') continue;
      client.setQueryData<Job>(query.queryKey, (j) => patchJob(j, event));
    } else if (isQueryOf(query, runs)) {
      const limit = runsLimitOf(query);
      client.setQueryData<{ runs: Run[] }>(query.queryKey, (r) => patchRuns(r, event, limit));
    }
  }
}

/** What an event leaves stale that the event itself cannot patch. */
export function staleAfter(event: ChangeEvent): {
  dashboard: boolean;
  job: boolean;
  list: boolean;
  symbols: readonly string[];
  /** The job whose stored analysis a finished run replaced. */
  analysis: string | null;
  /** Which jobs run after which: any job change may move it. */
  dependents: boolean;
} {
  const finished = event.type === 'run' && event.action === 'finished';
  const deleted = event.type === 'job' && event.action === 'deleted';
  return {
    // Today's completed and failed counts are counted by the server in its own zone.
    dashboard: finished || deleted,
    // A deleted job's page refetches to learn it is gone.
    job: deleted,
    // A job's status is in the list; run events that change it carry the job.
    list: event.type === 'job' || (event.type === 'run' && event.job != null),
    symbols: finished && event.type === 'run' ? event.run.symbols.map((s) => s.symbol) : [],
    analysis: finished ? event.job_id : null,
    dependents: event.type === 'job',
  };
}

/** Search, status filter and sort of the jobs table. Pure. */
import type { Job } from './live-cache';

export const STATUS_FILTERS = {
  all: 'All jobs',
  active: 'Active',
  stopped: 'Stopped',
  running: 'Running now',
  failed: 'Last run failed or partial',
  completed: 'Last run completed',
  never: 'Never ran',
} as const;
export type StatusFilter = keyof typeof STATUS_FILTERS;

export const SORTS = {
  newest: 'Newest first',
  oldest: 'Oldest first',
  name: 'Name',
  next: 'Next run',
} as const;
export type Sort = keyof typeof SORTS;

export interface Filters {
  q: string;
  status: StatusFilter;
  sort: Sort;
}

export const NO_FILTERS: Filters = { q: '', status: 'all', sort: 'newest' };

function statusMatches(job: Job, status: StatusFilter): boolean {
  switch (status) {
    case 'all':
      return true;
    case 'active':
      return job.is_active;
    case 'stopped':
      return !job.is_active;
    case 'running':
      return job.status === 'running';
    case 'failed':
      return job.last_run_status === 'failed' || job.last_run_status === 'partial';
    case 'completed':
      return job.last_run_status === 'completed';
    case 'never':
      return job.last_run_status === null;
  }
}

/** Jobs matching `q` (name or symbol, any case) and the status, in the chosen order. */
export function filterJobs(jobs: readonly Job[], { q, status, sort }: Filters): Job[] {
  const needle = q.trim().toLowerCase();
  const symbolNeedle = needle.toUpperCase();
  const out = jobs.filter(
    (job) =>
      statusMatches(job, status) &&
      (!needle ||
        job.name.toLowerCase().includes(needle) ||
        job.stock_ids.some((s) => s.includes(symbolNeedle))),
  );
  switch (sort) {
    case 'newest':
      return out.reverse();
    case 'oldest':
      return out;
    case 'name':
      return out.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
    case 'next':
      return out.sort(
        (a, b) =>
          (a.next_run ? Date.parse(a.next_run) : Infinity) -
            (b.next_run ? Date.parse(b.next_run) : Infinity) || 0,
      );
  }
}

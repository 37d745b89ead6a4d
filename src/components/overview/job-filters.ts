/** Search, status filter and sort of the jobs table. Pure. */
import type { Job } from '~/trpc/shapes';

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

/** Filters and page as read from a query string (`?q=&status=&sort=&page=`); unknown values ignored. */
export function viewFromQuery(search: string): { filters: Filters; page: number } {
  const params = new URLSearchParams(search);
  const status = params.get('status');
  const sort = params.get('sort');
  const page = Number(params.get('page'));
  return {
    filters: {
      q: params.get('q') ?? '',
      status: status !== null && status in STATUS_FILTERS ? (status as StatusFilter) : 'all',
      sort: sort !== null && sort in SORTS ? (sort as Sort) : 'newest',
    },
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** The query string of a view (`''` for the default one), so it can be linked and reloaded. */
export function queryOfView(filters: Filters, page: number): string {
  const params = new URLSearchParams();
  if (filters.q !== '') params.set('q', filters.q);
  if (filters.status !== NO_FILTERS.status) params.set('status', filters.status);
  if (filters.sort !== NO_FILTERS.sort) params.set('sort', filters.sort);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `?${query}` : '';
}

/**
 * The cached queries the change events touch, named by the keys tRPC itself builds
 * (`getQueryKey`, the classic client's `queryKey()`/`pathKey()`), so renaming a procedure
 * breaks the type check here instead of silently leaving the page stale.
 */
import { matchQuery, type Query, type QueryKey } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { api, type RouterInputs } from '~/trpc/react';

/** The number of runs the detail page asks for at first; its query key includes it. */
export const RUNS_LIMIT = 50;

/** Keys matching a procedure's queries, or only those asked about one job or symbol. */
export const liveKeys = {
  dashboard: () => getQueryKey(api.scheduler.dashboard),
  list: () => getQueryKey(api.jobs.list),
  job: (jobId?: string) => getQueryKey(api.jobs.get, jobId ? { job_id: jobId } : undefined),
  runs: (jobId?: string) => getQueryKey(api.jobs.runs, jobId ? { job_id: jobId } : undefined),
  data: (symbol?: string) => getQueryKey(api.data.get, symbol ? { symbol } : undefined),
  analysis: (jobId?: string) =>
    getQueryKey(api.jobs.analysis, jobId ? { job_id: jobId } : undefined),
  dependents: () => getQueryKey(api.jobs.dependents),
};

/** Whether `query` is one of those `key` names (a prefix match on tRPC's `[path, { input }]`). */
export function isQueryOf(query: Query, key: QueryKey): boolean {
  return matchQuery({ queryKey: key }, query);
}

/** The queries an event is written into directly (the others are refetched). */
export function isLiveQuery(query: Query): boolean {
  return (
    isQueryOf(query, liveKeys.dashboard()) ||
    isQueryOf(query, liveKeys.job()) ||
    isQueryOf(query, liveKeys.runs())
  );
}

/** How many runs a cached `jobs.runs` query asked for. */
export function runsLimitOf(query: Query): number {
  const [, meta] = query.queryKey as ReturnType<typeof getQueryKey>;
  const input = meta?.input as RouterInputs['jobs']['runs'] | undefined;
  // The schema coerces the limit (REST sends it as text), so its input type is loose.
  return Number(input?.limit ?? RUNS_LIMIT);
}

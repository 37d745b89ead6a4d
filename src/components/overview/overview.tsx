'use client';

import Link from 'next/link';
import { ChannelAlerts } from '~/components/settings/channel-alerts';
import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { JobFormDialog, preloadJobForm } from '~/components/job-form/job-form-dialog';
import { useCan } from '~/components/auth/use-actor';
import { useJobActions } from '~/components/job/use-job-actions';
import { ConfirmDelete } from '~/components/ui/confirm-delete';
import { Pagination } from '~/components/ui/pagination';
import { api } from '~/trpc/react';
import type { Job } from '~/trpc/shapes';
import { JobFilterBar } from './job-filter-bar';
import { filterJobs, NO_FILTERS, queryOfView, viewFromQuery, type Filters } from './job-filters';
import { JobsTable } from './jobs-table';
import { SchedulerLine } from './scheduler-line';
import { SummaryCards } from './summary-cards';

const PAGE_SIZE = 50;

/** The dashboard's front page: counts, the jobs table, and the dialogs to change them. */
export function Overview() {
  const dashboard = api.scheduler.dashboard.useQuery(undefined, { staleTime: Infinity });
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Job | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Job | null>(null);
  const actions = useJobActions();
  const mayChange = useCan('editor');

  // The search, filter, order and page live in the URL too, so a view can be linked or reloaded.
  // Read once on mount (the jobs arrive after it, so nothing shows unfiltered first), then
  // written back with replaceState: no history entry per keystroke, no navigation.
  const [urlRead, setUrlRead] = useState(false);
  useEffect(() => {
    const view = viewFromQuery(window.location.search);
    setFilters(view.filters);
    setPage(view.page);
    setUrlRead(true);
  }, []);
  useEffect(() => {
    if (!urlRead) return;
    const url = `${window.location.pathname}${queryOfView(filters, page)}`;
    if (url !== `${window.location.pathname}${window.location.search}`)
      window.history.replaceState(window.history.state, '', url);
  }, [filters, page, urlRead]);

  const deferred = useDeferredValue(filters);
  const all = dashboard.data?.jobs;
  const matching = useMemo(() => (all ? filterJobs(all, deferred) : []), [all, deferred]);
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const shown = useMemo(
    () => matching.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE),
    [matching, current],
  );

  const onEdit = useCallback((job: Job) => setEditing(job), []);
  const onDelete = useCallback((job: Job) => setDeleting(job), []);
  const filtered = filters.q.trim() !== '' || filters.status !== 'all';

  return (
    <>
      <ChannelAlerts />
      <div className="page-head">
        <h1>Jobs</h1>
        <Link href="/data" className="button">
          Market data
        </Link>
        {mayChange && (
          <button
            type="button"
            className="primary"
            onClick={() => setEditing('new')}
            onMouseEnter={preloadJobForm}
            onFocus={preloadJobForm}
          >
            New job
          </button>
        )}
      </div>
      <SummaryCards summary={dashboard.data?.summary} />
      <SchedulerLine status={dashboard.data?.scheduler_status} />

      {dashboard.isPending && (
        <p className="placeholder" role="status">
          Loading jobs…
        </p>
      )}
      {dashboard.isError && !dashboard.data && (
        <div className="placeholder error" role="alert">
          <p>Could not load the jobs: {dashboard.error.message}</p>
          <button type="button" onClick={() => void dashboard.refetch()}>
            Try again
          </button>
        </div>
      )}
      {all && all.length === 0 && (
        <div className="placeholder">
          <p>No jobs yet.</p>
          <p className="muted">
            A job fetches daily prices for its symbols on a schedule and keeps them in Redis.
          </p>
          {mayChange && (
            <button type="button" className="primary" onClick={() => setEditing('new')}>
              Create the first job
            </button>
          )}
        </div>
      )}
      {all && all.length > 0 && (
        <section aria-label="Job list">
          <JobFilterBar
            filters={filters}
            onChange={(next) => {
              setFilters(next);
              setPage(1);
            }}
          />
          {matching.length === 0 ? (
            <div className="placeholder">
              <p>No job matches {filters.q ? `“${filters.q}”` : 'this filter'}.</p>
              {filtered && (
                <button type="button" onClick={() => setFilters(NO_FILTERS)}>
                  Clear the search
                </button>
              )}
            </div>
          ) : (
            <>
              <JobsTable
                jobs={shown}
                caption={`Jobs, page ${current} of ${pages}`}
                onEdit={onEdit}
                onDelete={onDelete}
              />
              <Pagination
                page={current}
                pageSize={PAGE_SIZE}
                total={matching.length}
                onPage={setPage}
              />
            </>
          )}
        </section>
      )}

      {editing && (
        <JobFormDialog
          job={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
        />
      )}
      {deleting && (
        <ConfirmDelete
          job={deleting}
          busy={actions.pending}
          onCancel={() => setDeleting(null)}
          onConfirm={() => actions.remove(deleting, () => setDeleting(null))}
        />
      )}
    </>
  );
}

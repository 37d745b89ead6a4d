'use client';

import { keepPreviousData } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { FireTimesTable } from '~/components/job-form/fire-times-table';
import { JobFormDialog } from '~/components/job-form/job-form-dialog';
import { RUNS_LIMIT } from '~/components/live/live-queries';
import { ConfirmDelete } from '~/components/ui/confirm-delete';
import { api } from '~/trpc/react';
import type { Job } from '~/trpc/shapes';
import { AnalysisPanel } from './analysis-panel';
import { BackfillDialog } from './backfill-dialog';
import { useCan } from '~/components/auth/use-actor';
import { JobActions } from './job-actions';
import { JobSettings } from './job-settings';
import { JobState } from './job-state';
import { PipelineLinks } from './pipeline-links';
import { PricePanel } from './price-panel';
import { RunHistory } from './run-history';
import { useJobActions } from './use-job-actions';

/** One job: its settings, next fire times, run history and stored prices, all live. */
export function JobDetail({ jobId }: { jobId: string }) {
  const utils = api.useUtils();
  const router = useRouter();
  const job = api.jobs.get.useQuery(
    { job_id: jobId },
    {
      staleTime: Infinity,
      retry: (count, error) => error.data?.code !== 'NOT_FOUND' && count < 2,
      // Coming from the overview, the job is already known.
      initialData: () => utils.scheduler.dashboard.getData()?.jobs.find((j) => j.job_id === jobId),
    },
  );
  // The newest runs first; older ones a page at a time, as far as the kept history goes.
  const [runLimit, setRunLimit] = useState(RUNS_LIMIT);
  const runs = api.jobs.runs.useQuery(
    { job_id: jobId, limit: runLimit },
    { staleTime: Infinity, enabled: job.isSuccess, placeholderData: keepPreviousData },
  );
  const [editing, setEditing] = useState(false);
  const [backfilling, setBackfilling] = useState(false);
  const [deleting, setDeleting] = useState<Job | null>(null);
  const actions = useJobActions();
  const mayChange = useCan('editor');
  const onEdit = useCallback(() => setEditing(true), []);
  const onDelete = useCallback((j: Job) => setDeleting(j), []);
  const title = job.data?.name;
  useEffect(() => {
    if (title !== undefined) document.title = `${title} · Stock Scheduler`;
  }, [title]);

  const back = (
    <p>
      <Link href="/">← All jobs</Link>
    </p>
  );

  if (job.isPending) {
    return (
      <>
        {back}
        <p className="placeholder" role="status">
          Loading the job…
        </p>
      </>
    );
  }
  if (job.isError) {
    const gone = job.error.data?.code === 'NOT_FOUND';
    return (
      <>
        {back}
        <div className="placeholder" role="alert">
          <h1>{gone ? 'No such job' : 'Could not load the job'}</h1>
          <p>{gone ? 'It does not exist, or it was deleted.' : job.error.message}</p>
          {!gone && (
            <button type="button" onClick={() => void job.refetch()}>
              Try again
            </button>
          )}
        </div>
      </>
    );
  }

  const data = job.data;
  return (
    <>
      {back}
      <div className="page-head">
        <div>
          <h1 className="job-title">{data.name}</h1>
          <JobState job={data} headline />
        </div>
        <div className="page-actions" data-notify-anchor>
          <JobActions job={data} onEdit={onEdit} onDelete={onDelete} />
          {mayChange && (
            <button type="button" onClick={() => setBackfilling(true)}>
              Backfill…
            </button>
          )}
        </div>
      </div>

      <div className="detail-grid">
        <section className="card" aria-labelledby="settings-heading">
          <h2 id="settings-heading">Settings</h2>
          <JobSettings job={data} />
        </section>

        <section className="card" aria-labelledby="next-heading">
          <h2 id="next-heading">Next fire times</h2>
          {data.is_active ? (
            <FireTimesTable
              schedule={data.schedule}
              timezone={data.timezone}
              label="Next fire times"
            />
          ) : (
            <p className="muted">Stopped: it runs on its schedule again once started.</p>
          )}
        </section>

        <section className="card card-wide" aria-labelledby="pipeline-heading">
          <h2 id="pipeline-heading">Pipeline</h2>
          <PipelineLinks job={data} />
        </section>

        {data.task === 'analyze' && (
          <section className="card card-wide" aria-labelledby="analysis-heading">
            <h2 id="analysis-heading">Latest values and signals</h2>
            <AnalysisPanel job={data} />
          </section>
        )}

        <section className="card card-wide" aria-labelledby="prices-heading">
          <h2 id="prices-heading">Stored prices</h2>
          <PricePanel symbols={data.stock_ids} />
        </section>

        <section className="card card-wide" aria-labelledby="runs-heading">
          <h2 id="runs-heading">Run history</h2>
          {runs.isPending && (
            <p className="muted" role="status">
              Loading runs…
            </p>
          )}
          {runs.isError && (
            <p className="error-text" role="alert">
              Could not load the runs: {runs.error.message}
            </p>
          )}
          {runs.data && <RunHistory runs={runs.data.runs} />}
          {runs.isPlaceholderData ? (
            <p className="muted" role="status">
              Loading older runs…
            </p>
          ) : (
            runs.data &&
            runs.data.runs.length >= runLimit && (
              <p className="more-runs">
                <span className="muted">Showing the newest {runs.data.runs.length} runs. </span>
                <button type="button" onClick={() => setRunLimit((n) => n + RUNS_LIMIT)}>
                  Show older runs
                </button>
              </p>
            )
          )}
        </section>
      </div>

      {editing && <JobFormDialog job={data} onClose={() => setEditing(false)} />}
      {backfilling && <BackfillDialog job={data} onClose={() => setBackfilling(false)} />}
      {deleting && (
        <ConfirmDelete
          job={deleting}
          busy={actions.pending}
          onCancel={() => setDeleting(null)}
          onConfirm={() =>
            actions.remove(deleting, () => {
              setDeleting(null);
              router.push('/');
            })
          }
        />
      )}
    </>
  );
}

'use client';

import { Fragment } from 'react';
import { api } from '~/trpc/react';
import type { Job } from '~/trpc/shapes';
import { JobLink } from './job-link';
import { waitWords, whenWords } from './run-words';

/** Links joined with commas, in a definition list's value. */
function Links({ children }: { children: React.ReactNode[] }) {
  return (
    <>
      {children.map((c, i) => (
        <Fragment key={i}>
          {i > 0 && ', '}
          {c}
        </Fragment>
      ))}
    </>
  );
}

/** Where the job sits in pipelines: the jobs it runs after, and the jobs its runs start. */
export function PipelineLinks({ job }: { job: Job }) {
  const dependents = api.jobs.dependents.useQuery({ job_id: job.job_id }, { staleTime: 30_000 });
  const after = job.schedule.kind === 'after' ? job.schedule : null;
  const downstream = dependents.data?.jobs ?? [];
  return (
    <dl className="settings" aria-label="Pipeline">
      <div>
        <dt>Runs after</dt>
        <dd data-testid="runs-after">
          {after ? (
            <>
              <Links>
                {after.jobs.map((id) => (
                  <JobLink key={id} jobId={id} />
                ))}
              </Links>
              <span className="muted">
                {' '}
                ({whenWords(after.when)}, {waitWords(after.wait, after.jobs.length)})
              </span>
            </>
          ) : (
            <span className="muted">no job: it runs on its own schedule</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Triggers</dt>
        <dd data-testid="triggers">
          {dependents.isPending ? (
            <span className="muted">Loading…</span>
          ) : dependents.isError ? (
            <span className="error-text">Could not read: {dependents.error.message}</span>
          ) : downstream.length === 0 ? (
            <span className="muted">no job runs after this one</span>
          ) : (
            <Links>
              {downstream.map((d) => (
                <JobLink key={d.job_id} jobId={d.job_id} name={d.name} />
              ))}
            </Links>
          )}
        </dd>
      </div>
    </dl>
  );
}

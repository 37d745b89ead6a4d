'use client';

import Link from 'next/link';
import { api } from '~/trpc/react';

/**
 * A link to another job's page, named by the job once it is read (its id until then, and
 * marked when the job is gone). `run` points at one of its runs, which that page opens.
 */
export function JobLink({ jobId, run, name }: { jobId: string; run?: string; name?: string }) {
  const job = api.jobs.get.useQuery(
    { job_id: jobId },
    { staleTime: 60_000, retry: false, enabled: name === undefined },
  );
  const label = name ?? job.data?.name ?? jobId;
  if (job.error?.data?.code === 'NOT_FOUND') {
    return <span className="muted">{label} (deleted)</span>;
  }
  return <Link href={`/jobs/${jobId}${run ? `#run-${run}` : ''}`}>{label}</Link>;
}

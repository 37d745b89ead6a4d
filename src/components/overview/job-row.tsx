'use client';

import Link from 'next/link';
import { memo } from 'react';
import { JobActions, type JobActionsProps } from '~/components/job/job-actions';
import { JobState } from '~/components/job/job-state';
import { shortenSymbols } from '~/components/ui/format';
import { RelativeTime } from '~/components/ui/relative-time';
import { StatusBadge } from '~/components/ui/status-badge';
import { describeSchedule } from '~/domain/schedule-words';
import { api } from '~/trpc/react';

/** One job in the overview table. */
export const JobRow = memo(function JobRow({ job, onEdit, onDelete }: JobActionsProps) {
  const utils = api.useUtils();
  // An after-schedule names its upstream jobs, known from the overview's own list.
  const nameOf = (id: string) =>
    utils.scheduler.dashboard.getData()?.jobs.find((j) => j.job_id === id)?.name;
  return (
    <tr data-job-id={job.job_id}>
      <th scope="row" className="cell-name">
        <Link href={`/jobs/${job.job_id}`} className="job-name" prefetch={false}>
          {job.name}
        </Link>
      </th>
      <td data-label="Symbols" className="cell-symbols" title={job.stock_ids.join(', ')}>
        {shortenSymbols(job.stock_ids)}
      </td>
      <td data-label="Schedule" className="cell-schedule">
        {describeSchedule(job.schedule, job.timezone, nameOf)}
      </td>
      <td data-label="Next run" className="cell-next">
        <RelativeTime
          value={job.next_run}
          timeZone={job.timezone}
          empty={
            !job.is_active ? 'stopped' : job.schedule.kind === 'after' ? 'after upstream' : 'none'
          }
        />
      </td>
      <td data-label="Last run" className="cell-last">
        {job.last_run && job.last_run_status ? (
          <span className="last-run">
            <StatusBadge status={job.last_run_status} />
            <RelativeTime value={job.last_run} past />
          </span>
        ) : (
          <span className="muted">never</span>
        )}
      </td>
      <td data-label="Status" className="cell-status">
        <JobState job={job} />
      </td>
      <td data-label="Active" className="cell-active">
        <StatusBadge status={job.is_active ? 'active' : 'stopped'} />
      </td>
      <td data-label="Actions" className="cell-actions">
        <JobActions job={job} onEdit={onEdit} onDelete={onDelete} />
      </td>
    </tr>
  );
});

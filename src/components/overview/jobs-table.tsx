'use client';

import type { Job } from '~/trpc/shapes';
import { JobRow } from './job-row';

/** The page of jobs as a table (a list of cards on narrow screens). */
export function JobsTable({
  jobs,
  caption,
  onEdit,
  onDelete,
}: {
  jobs: readonly Job[];
  caption: string;
  onEdit: (job: Job) => void;
  onDelete: (job: Job) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="jobs-table" aria-label="Jobs">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Symbols</th>
            <th scope="col">Schedule</th>
            <th scope="col">Next run</th>
            <th scope="col">Last run</th>
            <th scope="col">Status</th>
            <th scope="col">Active</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <JobRow key={job.job_id} job={job} onEdit={onEdit} onDelete={onDelete} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

'use client';

import { api } from '~/trpc/react';

export default function JobsPage() {
  const jobs = api.jobs.list.useQuery();
  return (
    <main>
      <h1>Stock Scheduler</h1>
      {jobs.isPending && <p className="muted">Loading jobs…</p>}
      {jobs.error && <p role="alert">Could not load jobs: {jobs.error.message}</p>}
      {jobs.data && jobs.data.total === 0 && (
        <p>No jobs yet. Create one with POST /scheduler/jobs.</p>
      )}
      {jobs.data && jobs.data.total > 0 && (
        <table aria-label="Jobs">
          <thead>
            <tr>
              <th>Name</th>
              <th>Symbols</th>
              <th>Schedule</th>
              <th>Active</th>
            </tr>
          </thead>
          <tbody>
            {jobs.data.jobs.map((job) => (
              <tr key={job.job_id}>
                <td>{job.name}</td>
                <td>{job.stock_ids.join(', ')}</td>
                <td>
                  {job.schedule_time ??
                    (job.schedule.kind === 'cron' ? job.schedule.expression : '')}{' '}
                  {job.timezone}
                </td>
                <td>{job.is_active ? 'Active' : 'Stopped'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

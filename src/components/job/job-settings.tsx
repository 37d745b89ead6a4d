import Link from 'next/link';
import { formatExact, plural } from '~/components/ui/format';
import { RelativeTime } from '~/components/ui/relative-time';
import { StatusBadge } from '~/components/ui/status-badge';
import { describeSchedule } from '~/domain/schedule-words';
import type { Job } from '~/trpc/shapes';
import { describeAnalysis, signalWords } from './analysis-words';
import { whenWords } from './run-words';

/** Every setting of a job, as a definition list. */
export function JobSettings({ job }: { job: Job }) {
  const schedule = job.schedule;
  return (
    <dl className="settings">
      <div>
        <dt>Symbols ({job.stock_ids.length})</dt>
        <dd>
          <ul className="symbol-chips">
            {job.stock_ids.map((s) => (
              <li key={s}>
                <Link href={`/data/${encodeURIComponent(s)}`}>{s}</Link>
              </li>
            ))}
          </ul>
        </dd>
      </div>
      <div>
        <dt>Task</dt>
        <dd data-testid="job-task">
          {job.analysis ? (
            <>
              Analyze: {describeAnalysis(job.analysis)}
              {job.analysis.signals.length > 0 && (
                <ul className="signal-list">
                  {job.analysis.signals.map((s, i) => (
                    <li key={i}>Signal: {signalWords(s)}</li>
                  ))}
                </ul>
              )}
            </>
          ) : (
            'Fetch daily bars'
          )}
        </dd>
      </div>
      <div>
        <dt>Schedule</dt>
        <dd>
          {schedule.kind === 'after'
            ? `After ${plural(schedule.jobs.length, 'upstream job')}, ${whenWords(schedule.when)}`
            : describeSchedule(schedule, job.timezone)}
          {schedule.kind === 'cron' &&
            !describeSchedule(schedule, job.timezone).startsWith('Cron') && (
              <>
                {' '}
                <code>{schedule.expression}</code>
              </>
            )}
        </dd>
      </div>
      <div>
        <dt>Time zone</dt>
        <dd>{job.timezone}</dd>
      </div>
      <div>
        <dt>Lookback</dt>
        <dd>
          {job.lookback_days} day{job.lookback_days === 1 ? '' : 's'}
        </dd>
      </div>
      <div>
        <dt>Active</dt>
        <dd>
          <StatusBadge status={job.is_active ? 'active' : 'stopped'} />
        </dd>
      </div>
      <div>
        <dt>Next run</dt>
        <dd>
          <RelativeTime
            value={job.next_run}
            timeZone={job.timezone}
            empty={
              !job.is_active
                ? 'none (stopped)'
                : schedule.kind === 'after'
                  ? 'when an upstream job finishes a run'
                  : 'none'
            }
          />
        </dd>
      </div>
      <div>
        <dt>Last run</dt>
        <dd>
          {job.last_run ? (
            <>
              {job.last_run_status && <StatusBadge status={job.last_run_status} />}{' '}
              <RelativeTime value={job.last_run} past />
            </>
          ) : (
            'never'
          )}
        </dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>{formatExact(job.created_at)}</dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>{formatExact(job.updated_at)}</dd>
      </div>
      <div>
        <dt>Job id</dt>
        <dd>
          <code>{job.job_id}</code>
        </dd>
      </div>
    </dl>
  );
}

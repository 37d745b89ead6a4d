'use client';

import { Fragment, useEffect, useState } from 'react';
import { formatDuration, formatExact, runDuration } from '~/components/ui/format';
import { RelativeTime } from '~/components/ui/relative-time';
import { StatusBadge } from '~/components/ui/status-badge';
import type { Run } from '~/trpc/shapes';
import { JobLink } from './job-link';
import { RunOutcome } from './run-outcome';
import { RunProgress } from './run-progress';
import { describeRunCounts } from './run-words';
import { runStats } from './run-stats';

const TRIGGERS = {
  schedule: 'Scheduled',
  manual: 'Run now',
  backfill: 'Backfill',
  upstream: 'After',
} as const;

/** The run a `#run-<id>` link points at (another job's page linking to one of its runs). */
function useLinkedRun(): string | null {
  const [linked, setLinked] = useState<string | null>(null);
  useEffect(() => {
    const read = () => {
      const m = /^#run-(.+)$/.exec(window.location.hash);
      setLinked(m ? decodeURIComponent(m[1]!) : null);
    };
    read();
    window.addEventListener('hashchange', read);
    return () => window.removeEventListener('hashchange', read);
  }, []);
  return linked;
}

/** A job's runs, newest first, with success rate and durations; each opens to its symbols. */
export function RunHistory({ runs }: { runs: readonly Run[] }) {
  // Until the user picks one, the newest run is open.
  const [picked, setOpen] = useState<string | null | undefined>(undefined);
  const linked = useLinkedRun();
  const isListed = linked !== null && runs.some((r) => r.run_id === linked);
  // A linked run is open (and in view) until the user picks another.
  useEffect(() => {
    if (!linked || !isListed) return;
    setOpen(linked);
    document.getElementById(`run-${linked}`)?.scrollIntoView({ block: 'center' });
  }, [linked, isListed]);
  const open = picked === undefined ? (runs[0]?.run_id ?? null) : picked;
  const stats = runStats(runs);
  if (runs.length === 0) {
    return <p className="muted">No runs yet. Use “Run now” or wait for the next scheduled time.</p>;
  }
  return (
    <>
      <dl className="stats">
        <div>
          <dt>Success rate</dt>
          <dd>
            {stats.successRate === null ? '–' : `${Math.round(stats.successRate * 100)}%`}
            <span className="muted"> ({describeRunCounts(stats)})</span>
          </dd>
        </div>
        <div>
          <dt>Median duration</dt>
          <dd>{stats.median === null ? '–' : formatDuration(stats.median)}</dd>
        </div>
        <div>
          <dt>Longest</dt>
          <dd>{stats.longest === null ? '–' : formatDuration(stats.longest)}</dd>
        </div>
      </dl>
      <div className="table-wrap">
        <table className="runs-table" aria-label="Runs">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Trigger</th>
              <th scope="col">Outcome</th>
              <th scope="col">Duration</th>
              <th scope="col">Symbols</th>
              <th scope="col">Data range</th>
              <th scope="col">
                <span className="sr-only">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => {
              const ok = run.symbols.filter((s) => s.status !== 'error').length;
              const cached = run.symbols.filter((s) => s.status === 'cached').length;
              const duration = runDuration(run);
              const expanded = open === run.run_id;
              const detailsId = `run-${run.run_id}-symbols`;
              return (
                <Fragment key={run.run_id}>
                  <tr
                    id={`run-${run.run_id}`}
                    data-run-id={run.run_id}
                    data-status={run.status}
                    data-linked={run.run_id === linked || undefined}
                  >
                    <td data-label="Started">
                      <RelativeTime value={run.started_at} past />
                    </td>
                    <td data-label="Trigger">
                      {TRIGGERS[run.trigger]}
                      {run.upstream?.map((u, i) => (
                        <Fragment key={u.run_id}>
                          {i > 0 ? ' and ' : ' '}
                          <JobLink jobId={u.job_id} run={u.run_id} />
                        </Fragment>
                      ))}
                      {run.late && <span className="muted"> (late)</span>}
                    </td>
                    <td data-label="Outcome">
                      <StatusBadge status={run.status} />
                      {run.status === 'running' && (
                        <RunProgress progress={run.progress} label="Progress of this run" />
                      )}
                    </td>
                    <td
                      data-label="Duration"
                      title={run.finished_at ? formatExact(run.finished_at) : undefined}
                    >
                      {duration === null ? '–' : formatDuration(duration)}
                    </td>
                    <td data-label="Symbols">
                      {run.symbols.length ? `${ok} of ${run.symbols.length} stored` : '–'}
                      {cached > 0 && <span className="muted"> ({cached} from series)</span>}
                      {(run.data_issues_new ?? 0) > 0 && (
                        <span className="badge badge-partial" data-issues-new={run.data_issues_new}>
                          {run.data_issues_new} new data{' '}
                          {run.data_issues_new === 1 ? 'issue' : 'issues'}
                        </span>
                      )}
                    </td>
                    <td data-label="Data range">
                      {run.start} to {run.end}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="small"
                        aria-expanded={expanded}
                        aria-controls={detailsId}
                        onClick={() => setOpen(expanded ? null : run.run_id)}
                      >
                        {expanded ? 'Hide' : 'Show'} symbols
                      </button>
                    </td>
                  </tr>
                  {expanded && (
                    <tr className="run-details" id={detailsId}>
                      <td colSpan={7}>
                        <RunOutcome run={run} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

'use client';

import { useDeferredValue, useState } from 'react';
import { describedBy, FieldError } from '~/components/ui/field-error';
import { shortenSymbols } from '~/components/ui/format';
import { api } from '~/trpc/react';
import type { FormErrors } from './form-issues';
import type { AfterSchedule } from '~/domain/job-definition';

type AfterWhen = AfterSchedule['when'];
type AfterWait = AfterSchedule['wait'];

/** Matches the search shows at once; a longer list is narrowed by typing. */
const SHOWN = 12;

export const WHEN_LABELS: Record<AfterWhen, string> = {
  success: 'completed',
  not_failed: 'completed or partial',
  always: 'finished, even failed',
};

/** One picked upstream job, named once its job is read. */
function Picked({ jobId, onRemove }: { jobId: string; onRemove: () => void }) {
  const job = api.jobs.get.useQuery({ job_id: jobId }, { staleTime: 60_000, retry: false });
  const name = job.data?.name ?? (job.isError ? `${jobId} (not found)` : jobId);
  return (
    <li className="tag">
      <span>{name}</span>
      <button type="button" className="tag-remove" aria-label={`Remove ${name}`} onClick={onRemove}>
        ×
      </button>
    </li>
  );
}

/** The upstream jobs (found by name or symbol), and when and how their runs start this one. */
export function AfterFields({
  id,
  selfId,
  upstream,
  when,
  wait,
  errors,
  onChange,
}: {
  id: string;
  /** The edited job, never offered as its own upstream. */
  selfId: string | undefined;
  upstream: string[];
  when: AfterWhen;
  wait: AfterWait;
  errors: FormErrors;
  onChange: (next: { upstream?: string[]; when?: AfterWhen; wait?: AfterWait }) => void;
}) {
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  const found = api.jobs.list.useQuery(
    { q: q || undefined, limit: SHOWN + 1 + upstream.length },
    { staleTime: 10_000 },
  );
  const offered = (found.data?.jobs ?? []).filter((j) => j.job_id !== selfId).slice(0, SHOWN);
  const { fields } = errors;
  const err = (key: string) => `${id}-${key}-error`;
  const toggle = (jobId: string, on: boolean) =>
    onChange({ upstream: on ? [...upstream, jobId] : upstream.filter((u) => u !== jobId) });

  return (
    <>
      <fieldset
        className="fieldset-inner"
        aria-describedby={describedBy(`${id}-jobs-hint`, err('jobs'), !!fields.jobs)}
      >
        <legend>Upstream jobs</legend>
        {upstream.length > 0 ? (
          <ul className="tags" aria-label="Picked upstream jobs">
            {upstream.map((u) => (
              <Picked key={u} jobId={u} onRemove={() => toggle(u, false)} />
            ))}
          </ul>
        ) : (
          <p className="muted">None picked yet.</p>
        )}
        <label htmlFor={`${id}-jobs-search`}>Find jobs</label>
        <input
          id={`${id}-jobs-search`}
          type="search"
          autoComplete="off"
          placeholder="Name or symbol"
          value={search}
          aria-invalid={fields.jobs ? true : undefined}
          onChange={(e) => setSearch(e.target.value)}
        />
        {found.isError && (
          <p className="error-text">Could not list the jobs: {found.error.message}</p>
        )}
        <ul className="job-pick-list" aria-label="Jobs found">
          {offered.map((j) => (
            <li key={j.job_id}>
              <label>
                <input
                  type="checkbox"
                  checked={upstream.includes(j.job_id)}
                  onChange={(e) => toggle(j.job_id, e.target.checked)}
                />
                {j.name} <span className="muted">{shortenSymbols(j.stock_ids)}</span>
              </label>
            </li>
          ))}
        </ul>
        {found.data && offered.length === 0 && (
          <p className="muted">No {q ? `job matches “${q}”` : 'other job yet'}.</p>
        )}
        <p id={`${id}-jobs-hint`} className="hint">
          This job runs when these finish a run; it has no times of its own.
        </p>
        <FieldError id={err('jobs')} messages={fields.jobs} />
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-when`}>Run when an upstream run is</label>
        <select
          id={`${id}-when`}
          value={when}
          aria-invalid={fields.when ? true : undefined}
          aria-describedby={describedBy(null, err('when'), !!fields.when)}
          onChange={(e) => onChange({ when: e.target.value as AfterWhen })}
        >
          {Object.entries(WHEN_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <FieldError id={err('when')} messages={fields.when} />
      </div>
      <fieldset
        className="fieldset-inner"
        aria-describedby={describedBy(null, err('wait'), !!fields.wait)}
      >
        <legend>With several upstream jobs</legend>
        <div className="segmented">
          <label>
            <input
              type="radio"
              name={`${id}-wait`}
              checked={wait === 'any'}
              onChange={() => onChange({ wait: 'any' })}
            />
            Run after each of them
          </label>
          <label>
            <input
              type="radio"
              name={`${id}-wait`}
              checked={wait === 'all'}
              onChange={() => onChange({ wait: 'all' })}
            />
            Wait for all of them
          </label>
        </div>
        <FieldError id={err('wait')} messages={fields.wait} />
      </fieldset>
    </>
  );
}

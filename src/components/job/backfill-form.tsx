'use client';

import { TRPCClientError } from '@trpc/client';
import { useId, useState, type FormEvent } from 'react';
import type { Issue } from '~/components/job-form/form-issues';
import { useLive } from '~/components/live/live-updates';
import { describedBy, FieldError } from '~/components/ui/field-error';
import { useNotify } from '~/components/ui/notifications';
import { runRangeSchema } from '~/domain/job-definition';
import { api } from '~/trpc/react';
import type { Job } from '~/trpc/shapes';

type Field = 'start' | 'end' | 'form';
type Errors = Partial<Record<Field, string[]>>;

/** Today in the job's timezone, and `days` before it, as YYYY-MM-DD. */
function defaultRange(job: Job): { start: string; end: string } {
  const end = new Intl.DateTimeFormat('en-CA', { timeZone: job.timezone }).format(new Date());
  const start = new Date(Date.parse(`${end}T00:00:00Z`) - job.lookback_days * 86_400_000);
  return { start: start.toISOString().slice(0, 10), end };
}

function sortIssues(issues: readonly Issue[]): Errors {
  const errors: Errors = {};
  for (const issue of issues) {
    const field: Field = issue.path === 'start' || issue.path === 'end' ? issue.path : 'form';
    (errors[field] ??= []).push(issue.message);
  }
  return errors;
}

/**
 * A backfill: one run of the job over a chosen date range, leaving its schedule alone. Checked
 * in the browser with the server's own schema; the server's field errors show the same way.
 */
export function BackfillForm({ job, onDone }: { job: Job; onDone: () => void }) {
  const id = useId();
  const notify = useNotify();
  const { afterMutation } = useLive();
  const [range, setRange] = useState(() => defaultRange(job));
  const [errors, setErrors] = useState<Errors>({});
  const runNow = api.jobs.runNow.useMutation({ onSettled: afterMutation });
  const err = (field: Field) => `${id}-${field}-error`;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const missing: Issue[] = (['start', 'end'] as const)
      .filter((f) => range[f] === '')
      .map((f) => ({ path: f, message: 'is required for a backfill' }));
    const checked = runRangeSchema.safeParse({
      start: range.start || undefined,
      end: range.end || undefined,
    });
    const issues = missing.length
      ? missing
      : checked.success
        ? []
        : checked.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    setErrors(sortIssues(issues));
    if (issues.length > 0) return;
    try {
      await runNow.mutateAsync({ job_id: job.job_id, start: range.start, end: range.end });
      notify(`Backfill queued: ${job.name}, ${range.start} to ${range.end}`);
      onDone();
    } catch (error) {
      const data =
        error instanceof TRPCClientError
          ? (error.data as { issues?: Issue[] | null } | undefined)
          : undefined;
      setErrors(
        data?.issues?.length
          ? sortIssues(data.issues)
          : { form: [`Could not queue the backfill: ${(error as Error).message}`] },
      );
    }
  };

  const dateField = (field: 'start' | 'end', label: string) => (
    <div className="field">
      <label htmlFor={`${id}-${field}`}>{label}</label>
      {/* Text, not type="date": that shows mm/dd/yyyy in a US browser; dates here are ISO. */}
      <input
        id={`${id}-${field}`}
        type="text"
        className="mono"
        inputMode="numeric"
        autoComplete="off"
        pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}"
        placeholder="YYYY-MM-DD"
        maxLength={10}
        value={range[field]}
        data-autofocus={field === 'start' ? true : undefined}
        aria-invalid={errors[field] ? true : undefined}
        aria-describedby={describedBy(`${id}-dates-hint`, err(field), !!errors[field])}
        onChange={(e) => setRange((r) => ({ ...r, [field]: e.target.value }))}
      />
      <FieldError id={err(field)} messages={errors[field]} />
    </div>
  );

  return (
    <form className="backfill-form" noValidate onSubmit={onSubmit} aria-busy={runNow.isPending}>
      <p className="muted">
        Fetches the daily bars of {job.stock_ids.length === 1 ? 'its symbol' : 'its symbols'} from
        the first date to the last, once. The schedule is not changed.
      </p>
      {errors.form && (
        <div className="form-summary" role="alert">
          <FieldError id={err('form')} messages={errors.form} />
        </div>
      )}
      <div className="backfill-range">
        {dateField('start', 'From')}
        {dateField('end', 'To')}
      </div>
      <p id={`${id}-dates-hint`} className="hint">
        Dates as YYYY-MM-DD, up to today.
      </p>
      <div className="modal-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={runNow.isPending}>
          {runNow.isPending ? 'Queuing…' : 'Queue backfill'}
        </button>
      </div>
    </form>
  );
}

'use client';

import { useQueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import {
  useDeferredValue,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type FormEvent,
} from 'react';
import { applyChange } from '~/components/live/live-cache';
import { useLive } from '~/components/live/live-updates';
import { describedBy, FieldError } from '~/components/ui/field-error';
import { useNotify } from '~/components/ui/notifications';
import { TagInput } from '~/components/ui/tag-input';
import { scheduleTimezone } from '~/domain/job-definition';
import { api } from '~/trpc/react';
import type { Job } from '~/trpc/shapes';
import { FireTimesPreview } from './fire-times-preview';
import { groupIssues, hasErrors, NO_ERRORS, type FormErrors, type Issue } from './form-issues';
import {
  changesOf,
  completed,
  draftOf,
  inputOf,
  issuesOfDraft,
  scheduleOf,
  type Draft,
} from './job-draft';
import { ScheduleFields } from './schedule-fields';
import { TaskFields } from './task-fields';
import { TimezoneField } from './timezone-field';

/**
 * Every field of a job, checked with the server's own schema before it is sent. Once a submit
 * found errors, the marks follow the edits: a fixed field loses its error as it is fixed.
 */
export function JobForm({
  job,
  onCancel,
  onSaved,
}: {
  job?: Job;
  onCancel: () => void;
  onSaved: (jobId: string) => void;
}) {
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState<Draft>(() => draftOf(job));
  const [shownErrors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [shownSummary, setSummary] = useState<string | null>(null);
  // Set when the browser's check refused a submit; cleared when the server is asked.
  const [recheck, setRecheck] = useState(false);
  const rechecked = useMemo(
    () => (recheck ? groupIssues(issuesOfDraft(job, draft)) : null),
    [recheck, job, draft],
  );
  const errors = rechecked ?? shownErrors;
  const summary = rechecked
    ? hasErrors(rechecked)
      ? 'Please fix the marked fields.'
      : null
    : shownSummary;
  const client = useQueryClient();
  const notify = useNotify();
  const { afterMutation } = useLive();
  const create = api.jobs.create.useMutation({ onSettled: afterMutation });
  const update = api.jobs.update.useMutation({ onSettled: afterMutation });
  const busy = create.isPending || update.isPending;
  const preview = useDeferredValue(draft);
  const previewSchedule = useMemo(() => scheduleOf(preview.schedule), [preview.schedule]);

  // The form loads after its dialog opened: take the focus to its first field.
  useEffect(() => {
    form.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, []);

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const err = (key: string) => `${id}-${key}-error`;
  const { fields } = errors;

  const show = (issues: readonly Issue[], message?: string, fromBrowser = false) => {
    setRecheck(fromBrowser);
    const grouped = groupIssues(issues);
    setErrors(grouped);
    setSummary(message ?? (hasErrors(grouped) ? 'Please fix the marked fields.' : null));
    // Focus the first field marked invalid, after React has rendered the marks.
    requestAnimationFrame(() => {
      const bad = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
      (bad ?? form.current?.querySelector<HTMLElement>('.form-summary'))?.focus();
    });
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const complete = completed(draft);
    setDraft(complete);
    const input = inputOf(complete);
    const issues = issuesOfDraft(job, complete);
    if (issues.length > 0) return show(issues, undefined, true);
    setRecheck(false);
    setErrors(NO_ERRORS);
    setSummary(null);

    try {
      if (job) {
        const patch = changesOf(job, input);
        if (Object.keys(patch).length === 0) {
          notify('Nothing changed');
          return onSaved(job.job_id);
        }
        const result = await update.mutateAsync({ job_id: job.job_id, ...patch });
        applyChange(client, {
          type: 'job',
          action: 'updated',
          job_id: job.job_id,
          job: result.job,
        });
        notify(`Saved: ${result.job.name}`);
        onSaved(job.job_id);
      } else {
        const result = await create.mutateAsync(input);
        notify(`Created: ${input.name.trim()}`);
        onSaved(result.job_id);
      }
    } catch (error) {
      if (error instanceof TRPCClientError) {
        const data = error.data as { issues?: Issue[] | null } | undefined;
        if (data?.issues?.length) return show(data.issues, error.message);
        return show([], error.message);
      }
      show([], `Could not save: ${(error as Error).message}`);
    }
  };

  return (
    <form ref={form} className="job-form" noValidate onSubmit={onSubmit} aria-busy={busy}>
      {summary && (
        <div className="form-summary" role="alert" tabIndex={-1}>
          <p>{summary}</p>
          <FieldError id={err('form')} messages={fields.form} />
        </div>
      )}
      <div className="form-grid">
        <div className="form-main">
          <div className="field">
            <label htmlFor={`${id}-name`}>Name</label>
            <input
              id={`${id}-name`}
              type="text"
              autoComplete="off"
              value={draft.name}
              aria-invalid={fields.name ? true : undefined}
              aria-describedby={describedBy(null, err('name'), !!fields.name)}
              onChange={(e) => set({ name: e.target.value })}
            />
            <FieldError id={err('name')} messages={fields.name} />
          </div>

          <div className="field">
            <label htmlFor={`${id}-symbols`}>Symbols</label>
            <TagInput
              id={`${id}-symbols`}
              tags={draft.symbols}
              text={draft.symbolText}
              invalid={errors.symbols}
              hasError={!!fields.stock_ids}
              describedBy={describedBy(`${id}-symbols-hint`, err('stock_ids'), !!fields.stock_ids)}
              onChange={(symbols, symbolText) => set({ symbols, symbolText })}
            />
            <p id={`${id}-symbols-hint`} className="hint">
              Type or paste tickers separated by commas or spaces (AAPL, BRK-B, ^GSPC, EURUSD=X).
              {draft.symbols.length > 0 && ` ${draft.symbols.length} added.`}
            </p>
            <FieldError id={err('stock_ids')} messages={fields.stock_ids} />
          </div>

          <TaskFields
            id={`${id}-task`}
            task={draft.task}
            analysis={draft.analysis}
            errors={errors}
            onChange={set}
          />

          <ScheduleFields
            id={`${id}-schedule`}
            selfId={job?.job_id}
            value={draft.schedule}
            errors={errors}
            onChange={(schedule) => set({ schedule })}
          />

          {draft.schedule.mode !== 'trading' && (
            <TimezoneField
              id={`${id}-timezone`}
              value={draft.timezone}
              errors={fields.timezone}
              onChange={(timezone) => set({ timezone })}
            />
          )}

          <div className="field">
            <label htmlFor={`${id}-lookback`}>Lookback days</label>
            <input
              id={`${id}-lookback`}
              type="number"
              inputMode="numeric"
              min={1}
              max={3650}
              step={1}
              value={draft.lookback}
              aria-invalid={fields.lookback_days ? true : undefined}
              aria-describedby={describedBy(
                `${id}-lookback-hint`,
                err('lookback_days'),
                !!fields.lookback_days,
              )}
              onChange={(e) => set({ lookback: e.target.value })}
            />
            <p id={`${id}-lookback-hint`} className="hint">
              {draft.task === 'analyze'
                ? 'The run’s date range (1 to 3650 days); an analysis reads the whole stored series.'
                : 'Each run fetches the daily bars of this many days up to the run date (1 to 3650).'}
            </p>
            <FieldError id={err('lookback_days')} messages={fields.lookback_days} />
          </div>

          <div className="field field-check">
            <label>
              <input
                type="checkbox"
                checked={draft.active}
                aria-describedby={fields.is_active ? err('is_active') : undefined}
                onChange={(e) => set({ active: e.target.checked })}
              />
              Active: run on schedule
            </label>
            <FieldError id={err('is_active')} messages={fields.is_active} />
          </div>
        </div>

        <FireTimesPreview
          schedule={previewSchedule}
          timezone={scheduleTimezone(previewSchedule) ?? preview.timezone}
          active={preview.active}
        />
      </div>

      <div className="modal-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : job ? 'Save changes' : 'Create job'}
        </button>
      </div>
    </form>
  );
}

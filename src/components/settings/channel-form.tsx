'use client';

import { TRPCClientError } from '@trpc/client';
import { useId, useRef, useState, type FormEvent } from 'react';
import { describedBy, FieldError } from '~/components/ui/field-error';
import { useNotify } from '~/components/ui/notifications';
import {
  channelCreateSchema,
  EVENT_LABELS,
  NOTIFY_EVENTS,
  type Channel,
  type NotifyEventName,
} from '~/domain/notifications';
import { api } from '~/trpc/react';

type Field = 'kind' | 'name' | 'url' | 'secret' | 'format' | 'to' | 'events' | 'job_ids' | 'form';
type Errors = Partial<Record<Field, string[]>>;
interface Issue {
  path: string;
  message: string;
}

function group(issues: readonly Issue[]): Errors {
  const out: Errors = {};
  for (const { path, message } of issues) {
    const head = path.split('.')[0] as Field;
    const field: Field = [
      'kind',
      'name',
      'url',
      'secret',
      'format',
      'to',
      'events',
      'job_ids',
    ].includes(head)
      ? head
      : 'form';
    const [, index] = path.split('.');
    const text = `${index !== undefined && field !== 'events' ? `${field === 'to' ? 'Address' : 'Job'} ${Number(index) + 1}: ` : ''}${message.charAt(0).toUpperCase()}${message.slice(1)}`;
    const list = (out[field] ??= []);
    if (!list.includes(text)) list.push(text);
  }
  return out;
}

interface Draft {
  kind: 'webhook' | 'email';
  name: string;
  url: string;
  format: 'json' | 'slack';
  secret: string;
  to: string;
  events: NotifyEventName[];
  allJobs: boolean;
  jobIds: string[];
}

function draftOf(channel?: Channel): Draft {
  return {
    kind: channel?.kind ?? 'webhook',
    name: channel?.name ?? '',
    url: channel?.url ?? '',
    format: channel?.format ?? 'json',
    secret: '',
    to: channel?.to?.join(', ') ?? '',
    events: channel?.events ?? ['run.failed', 'run.partial', 'run.recovered', 'run.missed'],
    allJobs: channel ? channel.job_ids === null : true,
    jobIds: channel?.job_ids ?? [],
  };
}

function inputOf(d: Draft) {
  const common = {
    name: d.name,
    events: d.events,
    job_ids: d.allJobs ? null : d.jobIds,
  };
  if (d.kind === 'webhook') {
    return {
      kind: 'webhook' as const,
      ...common,
      url: d.url.trim(),
      format: d.format,
      ...(d.secret !== '' && { secret: d.secret }),
    };
  }
  const to = d.to
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);
  return { kind: 'email' as const, ...common, to };
}

/** A channel's fields, checked with the server's own schema before they are sent. */
export function ChannelForm({ channel, onDone }: { channel?: Channel; onDone: () => void }) {
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState<Draft>(() => draftOf(channel));
  const [errors, setErrors] = useState<Errors>({});
  const notify = useNotify();
  const utils = api.useUtils();
  const jobs = api.jobs.list.useQuery(undefined);
  const create = api.channels.create.useMutation();
  const update = api.channels.update.useMutation();
  const busy = create.isPending || update.isPending;
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const err = (f: Field) => `${id}-${f}-error`;
  const invalid = (f: Field) => (errors[f]?.length ?? 0) > 0;

  const show = (issues: readonly Issue[]) => {
    setErrors(group(issues));
    requestAnimationFrame(() =>
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
    );
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const input = inputOf(draft);
    const checked = channelCreateSchema.safeParse(input);
    if (!checked.success) {
      return show(
        checked.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
    try {
      if (channel) {
        const { kind: _kind, ...patch } = input;
        await update.mutateAsync({ channel_id: channel.channel_id, ...patch });
        notify(`Saved channel ${input.name.trim()}`);
      } else {
        await create.mutateAsync(input);
        notify(`Created channel ${input.name.trim()}`);
      }
      await utils.channels.list.invalidate();
      onDone();
    } catch (error) {
      const data =
        error instanceof TRPCClientError ? (error.data as { issues?: Issue[] | null }) : null;
      if (data?.issues?.length) return show(data.issues);
      setErrors({ form: [(error as Error).message] });
    }
  };

  const toggleEvent = (e: NotifyEventName) =>
    set({
      events: draft.events.includes(e) ? draft.events.filter((x) => x !== e) : [...draft.events, e],
    });
  const toggleJob = (j: string) =>
    set({
      jobIds: draft.jobIds.includes(j) ? draft.jobIds.filter((x) => x !== j) : [...draft.jobIds, j],
    });

  return (
    <form
      ref={form}
      className="channel-form"
      onSubmit={onSubmit}
      noValidate
      aria-label={channel ? `Edit channel ${channel.name}` : 'New channel'}
    >
      {!channel && (
        <fieldset className="fieldset">
          <legend>Kind</legend>
          <div className="inline">
            {(['webhook', 'email'] as const).map((k) => (
              <label key={k} className="field-check">
                <input
                  type="radio"
                  name={`${id}-kind`}
                  checked={draft.kind === k}
                  onChange={() => set({ kind: k })}
                />{' '}
                {k === 'webhook' ? 'Webhook (JSON or Slack)' : 'E-mail'}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          type="text"
          value={draft.name}
          onChange={(e) => set({ name: e.target.value })}
          aria-invalid={invalid('name')}
          aria-describedby={describedBy(null, err('name'), invalid('name'))}
        />
        <FieldError id={err('name')} messages={errors.name} />
      </div>
      {draft.kind === 'webhook' ? (
        <>
          <div className="field">
            <label htmlFor={`${id}-url`}>URL</label>
            <input
              id={`${id}-url`}
              type="text"
              inputMode="url"
              value={draft.url}
              placeholder="https://hooks.slack.com/services/..."
              onChange={(e) => set({ url: e.target.value })}
              aria-invalid={invalid('url')}
              aria-describedby={describedBy(null, err('url'), invalid('url'))}
            />
            <FieldError id={err('url')} messages={errors.url} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-format`}>Format</label>
            <select
              id={`${id}-format`}
              value={draft.format}
              onChange={(e) => set({ format: e.target.value as Draft['format'] })}
            >
              <option value="json">JSON (event, text, job, run, symbols)</option>
              <option value="slack">Slack or Mattermost ({'{ text }'})</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-secret`}>Signing secret (optional)</label>
            <input
              id={`${id}-secret`}
              type="password"
              autoComplete="new-password"
              value={draft.secret}
              onChange={(e) => set({ secret: e.target.value })}
              aria-invalid={invalid('secret')}
              aria-describedby={describedBy(`${id}-secret-hint`, err('secret'), invalid('secret'))}
            />
            <p id={`${id}-secret-hint`} className="hint">
              {channel?.has_secret ? 'A secret is set; leave empty to keep it. ' : ''}Requests carry
              X-Stock-Scheduler-Signature: sha256=HMAC of the body. It is never shown again.
            </p>
            <FieldError id={err('secret')} messages={errors.secret} />
          </div>
        </>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-to`}>To (addresses, comma-separated)</label>
          <input
            id={`${id}-to`}
            type="text"
            value={draft.to}
            onChange={(e) => set({ to: e.target.value })}
            aria-invalid={invalid('to')}
            aria-describedby={describedBy(null, err('to'), invalid('to'))}
          />
          <FieldError id={err('to')} messages={errors.to} />
        </div>
      )}
      <fieldset
        className="fieldset"
        aria-invalid={invalid('events')}
        aria-describedby={invalid('events') ? err('events') : undefined}
      >
        <legend>Events</legend>
        {NOTIFY_EVENTS.map((e) => (
          <label key={e} className="field-check">
            <input
              type="checkbox"
              checked={draft.events.includes(e)}
              onChange={() => toggleEvent(e)}
            />{' '}
            {EVENT_LABELS[e]} <code>{e}</code>
          </label>
        ))}
        <FieldError id={err('events')} messages={errors.events} />
      </fieldset>
      <fieldset
        className="fieldset"
        aria-describedby={invalid('job_ids') ? err('job_ids') : undefined}
      >
        <legend>Jobs</legend>
        <label className="field-check">
          <input
            type="radio"
            name={`${id}-jobs`}
            checked={draft.allJobs}
            onChange={() => set({ allJobs: true })}
          />{' '}
          All jobs
        </label>
        <label className="field-check">
          <input
            type="radio"
            name={`${id}-jobs`}
            checked={!draft.allJobs}
            onChange={() => set({ allJobs: false })}
          />{' '}
          Only these jobs
        </label>
        {!draft.allJobs && (
          <div className="job-picks">
            {(jobs.data?.jobs ?? []).map((j) => (
              <label key={j.job_id} className="field-check">
                <input
                  type="checkbox"
                  checked={draft.jobIds.includes(j.job_id)}
                  onChange={() => toggleJob(j.job_id)}
                />{' '}
                {j.name}
              </label>
            ))}
            {jobs.data?.jobs.length === 0 && <p className="muted">No jobs yet.</p>}
          </div>
        )}
        <FieldError id={err('job_ids')} messages={errors.job_ids} />
      </fieldset>
      <FieldError id={err('form')} messages={errors.form} />
      <div className="modal-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : channel ? 'Save channel' : 'Create channel'}
        </button>
      </div>
    </form>
  );
}

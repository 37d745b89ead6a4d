/**
 * The words of each notification: one plain paragraph a person can act on (which job, which
 * symbols, what the provider said, when it last succeeded, where to look), the same text in
 * every channel, and an HTML rendering of it for e-mail.
 */
import type { Job, Run } from '~/domain/job-definition';
import type { NotifyEventName } from '~/domain/notifications';
import { signalHeadline, signalSentence, type SignalEvent } from './signal-text';

export interface SummaryCounts {
  runs: number;
  completed: number;
  failed: number;
  partial: number;
  missed: number;
  stale_symbols: number;
  /** Start and end of the 24 hours counted. */
  from: string;
  to: string;
}

/** A domain event as it travels through the stream; what a message is built from. */
export interface NotifyEvent {
  event_id: string;
  event: NotifyEventName;
  occurred_at: string;
  job_id: string | null;
  run_id?: string | null;
  /** A test goes to this channel only. */
  channel_id?: string;
  channel_name?: string;
  /** run.missed: the fire time that did not start (ISO, or ms), how many fires it stands for. */
  fire_at?: string;
  fire_ms?: number;
  coalesced?: number;
  /**
   * run.missed: found late at its claim (no instance was up), given up beyond the misfire
   * grace period, or claimed and not begun (a stuck queue, a crash between claim and start).
   */
  reason?: 'late' | 'given_up' | 'not_started';
  /** data.stale: every job holding the symbol (a channel of any of them is told). */
  job_ids?: string[];
  /** data.stale: the symbols and the session they lack. */
  symbols?: string[];
  session?: string;
  summary?: SummaryCounts;
  /** analysis.signal: the signal that holds, on which symbol and bar. */
  signal?: SignalEvent;
}

/** What every adapter sends: the contract's webhook body plus subject and link. */
export interface Notification {
  event: NotifyEventName;
  event_id: string;
  occurred_at: string;
  subject: string;
  text: string;
  link: string | null;
  job: Job | null;
  run: Run | null;
  symbols: Run['symbols'] | string[] | null;
  /** analysis.signal only: the signal, its symbol, bar and values. */
  signal?: SignalEvent;
}

export interface MessageContext {
  job: Job | null;
  run: Run | null;
  /** Finish time of the job's last completed run, ISO, or null. */
  lastSuccess: string | null;
  publicUrl: string;
  zone: string;
}

/** "2026-12-01 17:02 America/New_York": a reader's own wall clock, with its zone named. */
export function wallClock(iso: string, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${zone}`;
}

const MISSED_WHY: Record<NonNullable<NotifyEvent['reason']> | 'none', string> = {
  late: 'no instance was running to start it in time (all instances down); it runs late now.',
  given_up:
    'no instance was running to start it within the misfire grace period, so it was given up.',
  not_started:
    'it was claimed but its run did not begin (a stuck or paused queue, or the instance holding it crashed).',
  none: 'no instance started it in time (all instances down, a stuck queue or a crash).',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function failures(run: Run): string {
  const bad = run.symbols.filter((s) => s.status === 'error');
  const shown = bad.slice(0, 10).map((s) => `${s.symbol}: ${s.error ?? 'failed'}`);
  if (bad.length > shown.length) shown.push(`and ${bad.length - shown.length} more`);
  return shown.join('; ');
}

function lastSuccessLine(ctx: MessageContext): string {
  return ctx.lastSuccess
    ? `It last succeeded at ${wallClock(ctx.lastSuccess, ctx.zone)}.`
    : 'It has not succeeded yet.';
}

function runLine(run: Run, ctx: MessageContext): string {
  const ok = run.symbols.filter((s) => s.status !== 'error').length;
  const done = ctx.job?.task === 'analyze' ? 'analysed' : 'fetched';
  const total = run.symbols.length;
  const when = wallClock(run.finished_at ?? run.started_at, ctx.zone);
  if (run.status === 'failed') {
    const why = total > 0 ? `all ${plural(total, 'symbol')} failed: ${failures(run)}` : run.error;
    return `Its run of ${when} failed (${why ?? 'no reason given'}).`;
  }
  if (run.status === 'partial') {
    return `Its run of ${when} was partial: ${total - ok} of ${plural(total, 'symbol')} failed (${failures(run)}); ${ok} ${done}.`;
  }
  return `Its run of ${when} completed: ${plural(ok, 'symbol')} ${done}.`;
}

/** The subject and text of `event`, with the job's link when there is a job. */
export function buildMessage(
  event: NotifyEvent,
  ctx: MessageContext,
): Pick<Notification, 'subject' | 'text' | 'link'> {
  const { job, run } = ctx;
  const name = job ? `"${job.name}"` : 'A job';
  const link = job ? `${ctx.publicUrl.replace(/\/$/, '')}/jobs/${job.job_id}` : null;
  const open = link ? ` Open the job: ${link}` : '';
  const symbols = job
    ? ` (${job.stock_ids.slice(0, 10).join(', ')}${job.stock_ids.length > 10 ? ', ...' : ''})`
    : '';
  switch (event.event) {
    case 'run.failed':
    case 'run.partial': {
      const verb = event.event === 'run.failed' ? 'failed' : 'partly failed';
      return {
        subject: `Job ${name} ${verb}`,
        text: `Job ${name}${symbols} ${verb}. ${run ? runLine(run, ctx) : ''} ${lastSuccessLine(ctx)} You are told once; the next alert comes when its outcome changes.${open}`,
        link,
      };
    }
    case 'run.recovered':
      return {
        subject: `Job ${name} recovered`,
        text: `Job ${name}${symbols} recovered. ${run ? runLine(run, ctx) : ''}${open}`,
        link,
      };
    case 'run.missed': {
      const fireAt =
        event.fire_at ??
        (event.fire_ms !== undefined ? new Date(event.fire_ms).toISOString() : null);
      const at = fireAt ? wallClock(fireAt, ctx.zone) : 'its fire time';
      const more = (event.coalesced ?? 1) > 1 ? ` (${event.coalesced} fire times in a row)` : '';
      return {
        subject: `Job ${name} missed its run at ${at}`,
        text: `Job ${name}${symbols} did not start at ${at}${more}: ${MISSED_WHY[event.reason ?? 'none']} ${lastSuccessLine(ctx)}${open}`,
        link,
      };
    }
    case 'data.stale': {
      const list = (event.symbols ?? []).join(', ');
      return {
        subject: `Stale data: ${list}`,
        text: `No data yet for ${list} of the session of ${event.session ?? 'the last closed session'}. ${job ? `Job ${name} fetches them. ` : ''}${lastSuccessLine(ctx)}${open}`,
        link,
      };
    }
    case 'summary.daily': {
      const s = event.summary;
      const text = s
        ? `In the 24 hours to ${wallClock(s.to, ctx.zone)}: ${plural(s.runs, 'run')}, ${s.completed} completed, ${s.failed} failed, ${s.partial} partial, ${plural(s.missed, 'missed fire')}, ${plural(s.stale_symbols, 'stale symbol')}.`
        : 'No summary figures.';
      return { subject: 'Stock Scheduler: the last 24 hours', text, link: null };
    }
    case 'analysis.signal': {
      const s = event.signal;
      return {
        subject: s ? signalHeadline(s) : `Signal in job ${name}`,
        text: s
          ? `${signalSentence(s)} (job ${name}).${open}`
          : `An analysis signal in job ${name}.${open}`,
        link,
      };
    }
    case 'test':
      return {
        subject: 'Stock Scheduler: test notification',
        text: `This is a test notification from Stock Scheduler for the channel "${event.channel_name ?? ''}". If you can read it, the channel works.`,
        link: null,
      };
  }
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** The text as a small HTML e-mail: the link made clickable. */
export function htmlOf(n: Pick<Notification, 'subject' | 'text' | 'link'>): string {
  const body = escapeHtml(n.text);
  const linked = n.link
    ? body.replace(escapeHtml(n.link), `<a href="${escapeHtml(n.link)}">${escapeHtml(n.link)}</a>`)
    : body;
  return `<!doctype html><html><body style="font-family: sans-serif"><h2>${escapeHtml(n.subject)}</h2><p>${linked}</p></body></html>`;
}

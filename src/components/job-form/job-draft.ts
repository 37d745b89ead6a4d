/**
 * The job form's draft: what the user has typed, turned into the create input the server's
 * schema checks, and into only the changed fields for an edit. Pure, no React.
 */
import { splitSymbols, localTimeZone } from '~/components/ui/format';
import {
  jobCreateSchema,
  jobUpdateSchema,
  scheduleSchema,
  scheduleTimezone,
  WEEKDAYS,
  type Schedule,
} from '~/domain/job-definition';
import type { Job } from '~/trpc/shapes';
import {
  analysisDraftOf,
  analysisOf,
  NEW_ANALYSIS,
  type Analysis,
  type AnalysisDraft,
} from './analysis-draft';
import { issuesOf, type Issue } from './form-issues';
import type { ScheduleDraft } from './schedule-fields';
import { tradingDraftOf, tradingTimeOf } from './trading-fields';

export interface Draft {
  name: string;
  symbols: string[];
  symbolText: string;
  schedule: ScheduleDraft;
  timezone: string;
  lookback: string;
  active: boolean;
  task: 'fetch' | 'analyze';
  analysis: AnalysisDraft;
}

export const NEW_SCHEDULE: ScheduleDraft = {
  mode: 'daily',
  times: ['17:00'],
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  expression: '',
  calendar: 'XNYS',
  tradingTimes: [{ anchor: 'after-close', value: '30' }],
  upstream: [],
  when: 'success',
  wait: 'any',
};

function scheduleDraftOf(s: Job['schedule']): ScheduleDraft {
  switch (s.kind) {
    case 'daily':
      return { ...NEW_SCHEDULE, mode: 'daily', times: [...s.times], days: [...s.days] };
    case 'cron':
      return { ...NEW_SCHEDULE, mode: 'cron', days: [...WEEKDAYS], expression: s.expression };
    case 'trading_days':
      return {
        ...NEW_SCHEDULE,
        mode: 'trading',
        calendar: s.calendar,
        tradingTimes: s.times.map(tradingDraftOf),
      };
    case 'after':
      return { ...NEW_SCHEDULE, mode: 'after', upstream: [...s.jobs], when: s.when, wait: s.wait };
  }
}

export function draftOf(job: Job | undefined): Draft {
  if (!job) {
    return {
      name: '',
      symbols: [],
      symbolText: '',
      schedule: { ...NEW_SCHEDULE },
      timezone: localTimeZone(),
      lookback: '30',
      active: true,
      task: 'fetch',
      analysis: NEW_ANALYSIS,
    };
  }
  return {
    name: job.name,
    symbols: [...job.stock_ids],
    symbolText: '',
    schedule: scheduleDraftOf(job.schedule),
    timezone: job.timezone,
    lookback: String(job.lookback_days),
    active: job.is_active,
    task: job.task,
    analysis: job.analysis ? analysisDraftOf(job.analysis) : NEW_ANALYSIS,
  };
}

export function scheduleOf(d: ScheduleDraft): Schedule {
  switch (d.mode) {
    case 'trading':
      return {
        kind: 'trading_days',
        calendar: d.calendar,
        times: d.tradingTimes.map(tradingTimeOf),
      };
    case 'after':
      return { kind: 'after', jobs: d.upstream, when: d.when, wait: d.wait };
    case 'daily':
      return { kind: 'daily', times: d.times, days: d.days };
    case 'cron':
      return { kind: 'cron', expression: d.expression };
  }
}

/** The create input as the user gave it; the schema (browser and server) normalises it. */
export function inputOf(d: Draft) {
  const schedule = scheduleOf(d.schedule);
  return {
    name: d.name,
    stock_ids: d.symbols,
    schedule,
    // A trading-days schedule runs in its exchange's zone (the server says so too).
    timezone: scheduleTimezone(schedule) ?? d.timezone.trim(),
    lookback_days: d.lookback.trim() === '' ? Number.NaN : Number(d.lookback),
    is_active: d.active,
    task: d.task,
    analysis: d.task === 'analyze' ? analysisOf(d.analysis) : null,
  };
}

export type CreateInput = ReturnType<typeof inputOf>;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The analysis in the order the form builds it, so an unchanged one compares equal. */
function ordered(a: Analysis | null): Analysis | null {
  if (!a) return null;
  return {
    indicators: [...a.indicators],
    price: a.price,
    signals: a.signals.map((s) => ({ indicator: s.indicator, op: s.op, value: s.value })),
  };
}

/** Only the fields an edit changed, so it does not overwrite what someone else changed. */
export function changesOf(job: Job, input: CreateInput): Partial<CreateInput> {
  const patch: Partial<CreateInput> = {};
  if (input.name !== job.name) patch.name = input.name;
  if (!same(input.stock_ids, job.stock_ids)) patch.stock_ids = input.stock_ids;
  if (!same(scheduleSchema.safeParse(input.schedule).data, job.schedule))
    patch.schedule = input.schedule;
  if (input.timezone !== job.timezone) patch.timezone = input.timezone;
  if (input.lookback_days !== job.lookback_days) patch.lookback_days = input.lookback_days;
  if (input.is_active !== job.is_active) patch.is_active = input.is_active;
  if (input.task !== job.task) patch.task = input.task;
  if (!same(ordered(input.analysis), ordered(job.analysis))) patch.analysis = input.analysis;
  return patch;
}

/** The draft with the text still in the symbol field counted, as if Enter had been pressed. */
export function completed(d: Draft): Draft {
  return {
    ...d,
    symbols: [...new Set([...d.symbols, ...splitSymbols(d.symbolText)])],
    symbolText: '',
  };
}

/** What the server's own schema says of the draft: the create input, or an edit's changes. */
export function issuesOfDraft(job: Job | undefined, d: Draft): Issue[] {
  const input = inputOf(completed(d));
  const checked = job
    ? jobUpdateSchema.safeParse(changesOf(job, input))
    : jobCreateSchema.safeParse(input);
  return checked.success ? [] : issuesOf(checked.error);
}

/**
 * The job model of CONTRACT.md section 2 as zod schemas. Pure (zod, croner and the calendars
 * module only), so the
 * browser's forms validate with exactly the rules the server enforces.
 */
import { z } from 'zod';
import { analysisSchema, storedAnalysisSchema, taskAnalysisError, taskSchema } from './analysis';
import { getCalendar } from './calendars';
import { afterScheduleSchema, storedAfterScheduleSchema } from './after-schedule';
import { cronError } from './cron-rules';
import { nameCharacterError, quoteInput } from './text-rules';

export * from './after-schedule';
export * from './run-range';

/**
 * CONTRACT.md's pattern, `^[A-Z0-9][A-Z0-9.\-=^]{0,19}$`, with one widening its own examples
 * need: a leading `^` for indices (^GSPC). Never `:`, `*`, space or a control character.
 */
export const SYMBOL_PATTERN = /^(?=.{1,20}$)\^?[A-Z0-9][A-Z0-9.\-=^]*$/;
export const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const symbolSchema = z
  .string({ error: 'must be a ticker symbol string' })
  .trim()
  .toUpperCase()
  .regex(SYMBOL_PATTERN, {
    error: (issue) =>
      `${quoteInput(issue.input)} is not a valid symbol: 1 to 20 of A-Z 0-9 . - = ^, starting with a letter, a digit or ^ and a letter or digit`,
  });

export const stockIdsSchema = z
  .array(symbolSchema, { error: 'must be an array of ticker symbols' })
  .min(1, { error: 'must list at least 1 symbol' })
  .max(500, { error: 'must list at most 500 symbols' })
  .transform((symbols) => [...new Set(symbols)]);

export const timeOfDaySchema = z
  .string({ error: 'must be a time string "HH:MM"' })
  .regex(TIME_PATTERN, { error: 'must be a 24-hour time "HH:MM" from 00:00 to 23:59' });

/** A calendar code, upper-cased and canonical (`24-7` becomes `24/7`). */
export const calendarCodeSchema = z
  .string({ error: 'must be a calendar code such as XNYS' })
  .trim()
  .transform((code, ctx) => {
    const calendar = getCalendar(code);
    if (!calendar) {
      ctx.addIssue({
        code: 'custom',
        message: `"${code}" is not a known calendar: XNYS, XNAS, XLON, XETR, XTSE, XASX, XTKS, XHKG, XBOM, XNSE, 24/7 or 24/5`,
      });
      return z.NEVER;
    }
    return calendar.code;
  });

/** A time of a trading day: "HH:MM" local, or "open+Nm"/"open-Nm"/"close+Nm"/"close-Nm". */
export const TRADING_TIME_PATTERN = /^(?:([01]\d|2[0-3]):([0-5]\d)|(open|close)([+-])(\d{1,3})m)$/;
export const MAX_TRADING_OFFSET_MINUTES = 720;

export const tradingTimeSchema = z
  .string({ error: 'must be a time string' })
  .trim()
  .superRefine((time, ctx) => {
    const m = TRADING_TIME_PATTERN.exec(time);
    if (!m) {
      ctx.addIssue({
        code: 'custom',
        message: `"${time}" must be "HH:MM" (exchange time) or open/close plus or minus minutes, e.g. "close+30m", "open-15m"`,
      });
    } else if (m[5] !== undefined && Number(m[5]) > MAX_TRADING_OFFSET_MINUTES) {
      ctx.addIssue({
        code: 'custom',
        message: `"${time}": the offset must be 0 to ${MAX_TRADING_OFFSET_MINUTES} minutes`,
      });
    }
  });

export const weekdaySchema = z.enum(WEEKDAYS, {
  error: 'must be one of mon, tue, wed, thu, fri, sat, sun',
});

export const dailyScheduleSchema = z.object({
  kind: z.literal('daily'),
  times: z
    .array(timeOfDaySchema, { error: 'must be an array of "HH:MM" times' })
    .min(1, { error: 'must list at least 1 time' })
    .max(24, { error: 'must list at most 24 times' })
    .refine((times) => new Set(times).size === times.length, {
      error: 'must not list the same time twice',
    })
    .transform((times) => [...times].sort()),
  days: z
    .array(weekdaySchema, { error: 'must be an array of weekdays' })
    .min(1, { error: 'must list at least 1 day' })
    .max(7)
    .transform((days) => WEEKDAYS.filter((d) => days.includes(d)))
    .default([...WEEKDAYS]),
  /** Skips the days on which this calendar has no session (dates in the job's timezone). */
  calendar: calendarCodeSchema.optional(),
});

export const cronScheduleSchema = z.object({
  kind: z.literal('cron'),
  expression: z
    .string({ error: 'must be a cron expression string' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(200, { error: 'must be at most 200 characters' })
    .superRefine((expression, ctx) => {
      const error = cronError(expression);
      if (error) ctx.addIssue({ code: 'custom', message: error });
    }),
  calendar: calendarCodeSchema.optional(),
});

export const tradingDaysScheduleSchema = z.object({
  kind: z.literal('trading_days'),
  calendar: calendarCodeSchema,
  times: z
    .array(tradingTimeSchema, { error: 'must be an array of times such as "close+30m"' })
    .min(1, { error: 'must list at least 1 time' })
    .max(24, { error: 'must list at most 24 times' })
    .refine((times) => new Set(times).size === times.length, {
      error: 'must not list the same time twice',
    }),
});

export const scheduleSchema = z.discriminatedUnion(
  'kind',
  [dailyScheduleSchema, cronScheduleSchema, tradingDaysScheduleSchema, afterScheduleSchema],
  {
    error:
      'must be { kind: "daily", times, days? }, { kind: "cron", expression }, { kind: "trading_days", calendar, times } or { kind: "after", jobs, when?, wait? }',
  },
);

export type DailySchedule = z.infer<typeof dailyScheduleSchema>;
export type CronSchedule = z.infer<typeof cronScheduleSchema>;
export type TradingDaysSchedule = z.infer<typeof tradingDaysScheduleSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;

export const timezoneSchema = z
  .string({ error: 'must be an IANA time zone string' })
  .trim()
  .refine(isValidTimeZone, { error: 'must be an IANA time zone such as America/New_York' });

export const jobNameSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(200, { error: 'must be at most 200 characters' })
  .superRefine((name, ctx) => {
    const error = nameCharacterError(name);
    if (error) ctx.addIssue({ code: 'custom', message: error });
  });

/**
 * trpc-to-openapi switches on zod's coercion for number and boolean fields of REST inputs
 * (so `"is_active": "no"` would become true). A pipe is not coerced: wrapping the strict
 * schema in one keeps wrong types a 400 on REST as they are over tRPC.
 */
function noCoerce<T extends z.ZodType>(schema: T) {
  return schema.transform((value) => value);
}

export const lookbackDaysSchema = noCoerce(
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(3650, { error: 'must be at most 3650' }),
);
/** A boolean that stays one on REST too (no coercion of `"no"` to true). */
export const strictBooleanSchema = noCoerce(z.boolean({ error: 'must be true or false' }));
export const isActiveSchema = strictBooleanSchema;

export const jobIdSchema = z
  .string({ error: 'must be a job id string' })
  .min(1, { error: 'must not be empty' })
  .max(64, { error: 'must be at most 64 characters' });

const jobFields = {
  name: jobNameSchema,
  stock_ids: stockIdsSchema,
  schedule_time: timeOfDaySchema.optional(),
  schedule: scheduleSchema.optional(),
  timezone: timezoneSchema.optional(),
  lookback_days: lookbackDaysSchema.optional(),
  is_active: isActiveSchema.optional(),
  task: taskSchema.optional(),
  analysis: analysisSchema.nullable().optional(),
};

function exactlyOneScheduleForm(
  value: { schedule_time?: string | undefined; schedule?: Schedule | undefined },
  ctx: z.RefinementCtx,
  required: boolean,
) {
  const both = value.schedule_time !== undefined && value.schedule !== undefined;
  const neither = value.schedule_time === undefined && value.schedule === undefined;
  if (both) {
    ctx.addIssue({
      code: 'custom',
      path: ['schedule'],
      message: 'give either schedule_time or schedule, not both',
    });
  } else if (neither && required) {
    ctx.addIssue({
      code: 'custom',
      path: ['schedule_time'],
      message: 'is required: give schedule_time "HH:MM" or a schedule object',
    });
  }
}

/** What `jobs.create` and `POST /scheduler/jobs` accept. */
export const jobCreateSchema = z
  .strictObject(jobFields, { error: 'must be a JSON object' })
  .superRefine((value, ctx) => {
    exactlyOneScheduleForm(value, ctx, true);
    const error = taskAnalysisError(value.task ?? 'fetch', value.analysis ?? null);
    if (error) ctx.addIssue({ code: 'custom', path: [error.path], message: error.message });
  });
export type JobCreateInput = z.input<typeof jobCreateSchema>;
export type JobCreate = z.output<typeof jobCreateSchema>;

/** What `jobs.update` accepts: any subset of the create fields. */
export const jobUpdateFields = z.strictObject({
  name: jobFields.name.optional(),
  stock_ids: jobFields.stock_ids.optional(),
  schedule_time: jobFields.schedule_time,
  schedule: jobFields.schedule,
  timezone: jobFields.timezone,
  lookback_days: jobFields.lookback_days,
  is_active: jobFields.is_active,
  task: jobFields.task,
  analysis: jobFields.analysis,
});
export const jobUpdateSchema = jobUpdateFields.superRefine((value, ctx) =>
  exactlyOneScheduleForm(value, ctx, false),
);
export type JobUpdate = z.output<typeof jobUpdateSchema>;

export const JOB_STATUSES = ['pending', 'running', 'completed', 'partial', 'failed'] as const;
export const jobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof jobStatusSchema>;
export const RUN_STATUSES = ['running', 'completed', 'partial', 'failed'] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;

const isoDateTime = z.string();

/** A schedule as stored and returned: already normalised, so plain shapes (no transforms). */
export const storedScheduleSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('daily'),
    times: z.array(z.string()),
    days: z.array(weekdaySchema),
    calendar: z.string().optional(),
  }),
  z.object({ kind: z.literal('cron'), expression: z.string(), calendar: z.string().optional() }),
  z.object({ kind: z.literal('trading_days'), calendar: z.string(), times: z.array(z.string()) }),
  storedAfterScheduleSchema,
]);

/** The zone a schedule's times are in when it fixes one: a trading-day schedule's calendar's. */
export function scheduleTimezone(schedule: Schedule): string | null {
  return schedule.kind === 'trading_days'
    ? (getCalendar(schedule.calendar)?.timezone ?? null)
    : null;
}

/** A stored job, exactly the object of CONTRACT.md section 2. */
export const jobSchema = z.object({
  job_id: z.string(),
  name: z.string(),
  stock_ids: z.array(z.string()),
  schedule_time: z.string().nullable(),
  schedule: storedScheduleSchema,
  timezone: z.string(),
  lookback_days: z.number(),
  is_active: z.boolean(),
  status: jobStatusSchema,
  created_at: isoDateTime,
  updated_at: isoDateTime,
  last_run: isoDateTime.nullable(),
  next_run: isoDateTime.nullable(),
  last_run_status: runStatusSchema.nullable(),
  /** Section 11; a job stored before these fields existed reads as a fetch job. */
  task: taskSchema.default('fetch'),
  analysis: storedAnalysisSchema.nullable().default(null),
});
export type Job = z.infer<typeof jobSchema>;

/** Turns the two input forms into the stored pair: `schedule` always, `schedule_time` derived. */
export function normaliseSchedule(input: {
  schedule_time?: string | undefined;
  schedule?: Schedule | undefined;
}): { schedule: Schedule; schedule_time: string | null } | null {
  if (input.schedule_time !== undefined) {
    return {
      schedule: { kind: 'daily', times: [input.schedule_time], days: [...WEEKDAYS] },
      schedule_time: input.schedule_time,
    };
  }
  if (input.schedule !== undefined) {
    return {
      schedule: input.schedule,
      schedule_time: input.schedule.kind === 'daily' ? (input.schedule.times[0] ?? null) : null,
    };
  }
  return null;
}

/**
 * A symbol's outcome in a run: `ok` fetched and stored, `cached` its record written from the
 * symbol's series, already fresh, without asking the provider (an additive value), `error`.
 */
export const symbolOutcomeSchema = z.object({
  symbol: z.string(),
  status: z.enum(['ok', 'cached', 'error']),
  bars: z.number().optional(),
  key: z.string().optional(),
  error: z.string().optional(),
});
export type SymbolOutcome = z.infer<typeof symbolOutcomeSchema>;

export const RUN_TRIGGERS = ['schedule', 'manual', 'backfill', 'upstream'] as const;

/** The upstream run that triggered an `upstream` run (one per upstream job for wait "all"). */
export const upstreamRunSchema = z.object({ job_id: z.string(), run_id: z.string() });
export type UpstreamRun = z.infer<typeof upstreamRunSchema>;

/**
 * A run, CONTRACT.md section 5. `progress`, `note`, `data_issues_new` (suspicious bars the
 * run stored that were not known before), `resumed_at` (when a run started before, handed back
 * at a shutdown or left by an instance that died, resumed; `started_at` stays its first start)
 * and `handed_back_at` (when it last went back to the queue) are additive fields.
 */
export const runSchema = z.object({
  run_id: z.string(),
  job_id: z.string(),
  trigger: z.enum(RUN_TRIGGERS),
  start: z.string(),
  end: z.string(),
  scheduled_for: isoDateTime.nullable(),
  started_at: isoDateTime,
  finished_at: isoDateTime.nullable(),
  status: z.union([runStatusSchema, z.enum(['queued', 'skipped', 'missed'])]),
  symbols: z.array(symbolOutcomeSchema),
  error: z.string().nullable(),
  progress: z.object({ done: z.number(), total: z.number() }).optional(),
  late: z.boolean().optional(),
  note: z.string().nullable().optional(),
  /** On `upstream` runs: the upstream runs that triggered this one. */
  upstream: z.array(upstreamRunSchema).optional(),
  data_issues_new: z.number().optional(),
  resumed_at: isoDateTime.optional(),
  handed_back_at: isoDateTime.optional(),
});
export type Run = z.infer<typeof runSchema>;

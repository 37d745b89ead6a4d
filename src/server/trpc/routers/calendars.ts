import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import {
  calendarForSymbol,
  earlyCloses,
  getCalendar,
  holidays,
  listCalendars,
  rangeError,
  sessions,
  sessionToJson,
} from '~/domain/calendars';
import { dateStringSchema, symbolSchema } from '~/domain/job-definition';
import { viewerProcedure, router } from '../trpc';

const calendarSchema = z.object({
  code: z.string(),
  name: z.string(),
  timezone: z.string(),
  suffixes: z.array(z.string()),
  first_date: z.string(),
  last_date: z.string(),
});

const sessionSchema = z.object({
  date: z.string(),
  open: z.string(),
  close: z.string(),
  break_start: z.string().nullable(),
  break_end: z.string().nullable(),
});

/** Without a range: the current year, clipped to the calendar's coverage. */
function defaultRange(code: string, start?: string, end?: string): { start: string; end: string } {
  const calendar = getCalendar(code);
  const year = new Date().getUTCFullYear();
  const clip = (date: string) =>
    !calendar
      ? date
      : date < calendar.first_date
        ? calendar.first_date
        : date > calendar.last_date
          ? calendar.last_date
          : date;
  return { start: start ?? clip(`${year}-01-01`), end: end ?? clip(`${year}-12-31`) };
}

/**
 * A range outside the coverage or over 50 years is a 400 naming `start` or `end`; an unknown
 * code passes here and is the handler's 404.
 */
const rangeInput = z
  .object({
    code: z.string().min(1, { error: 'must not be empty' }).max(20),
    start: dateStringSchema.optional(),
    end: dateStringSchema.optional(),
  })
  .superRefine((value, ctx) => {
    if (!getCalendar(value.code)) return;
    const { start, end } = defaultRange(value.code, value.start, value.end);
    const error = rangeError(value.code, start, end);
    if (error) ctx.addIssue({ code: 'custom', path: [error.field], message: error.message });
  });

function lookup<T>(
  input: z.infer<typeof rangeInput>,
  work: (code: string, start: string, end: string) => T,
): T {
  const calendar = getCalendar(input.code);
  if (!calendar) {
    const known = listCalendars()
      .map((c) => c.code)
      .join(', ');
    throw new TRPCError({
      code: 'NOT_FOUND',
      message: `Unknown calendar "${input.code}": one of ${known}`,
    });
  }
  const { start, end } = defaultRange(calendar.code, input.start, input.end);
  return work(calendar.code, start, end);
}

export const calendarsRouter = router({
  list: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/calendars',
        tags: ['calendars'],
        summary: 'Every exchange calendar, its zone, symbol suffixes and coverage',
      },
    })
    .input(z.object({}).optional())
    .output(z.object({ calendars: z.array(calendarSchema) }))
    .query(() => ({ calendars: listCalendars() })),

  sessions: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/calendars/{code}/sessions',
        tags: ['calendars'],
        summary: 'Sessions from start to end (dates in the exchange zone, instants in UTC)',
      },
    })
    .input(rangeInput)
    .output(z.object({ code: z.string(), sessions: z.array(sessionSchema) }))
    .query(({ input }) =>
      lookup(input, (code, start, end) => ({
        code,
        sessions: sessions(code, start, end).map(sessionToJson),
      })),
    ),

  holidays: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/calendars/{code}/holidays',
        tags: ['calendars'],
        summary: 'Weekdays without a session and sessions that close early, with their names',
      },
    })
    .input(rangeInput)
    .output(
      z.object({
        code: z.string(),
        holidays: z.array(z.object({ date: z.string(), name: z.string() })),
        early_closes: z.array(z.object({ date: z.string(), close: z.string(), name: z.string() })),
      }),
    )
    .query(({ input }) =>
      lookup(input, (code, start, end) => ({
        code,
        holidays: holidays(code, start, end),
        early_closes: earlyCloses(code, start, end).map((e) => ({
          date: e.date,
          close: new Date(e.close).toISOString(),
          name: e.name,
        })),
      })),
    ),

  forSymbol: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/calendars/for/{symbol}',
        tags: ['calendars'],
        summary: 'The calendar a symbol trades on, by its suffix',
      },
    })
    .input(z.object({ symbol: symbolSchema }))
    .output(z.object({ symbol: z.string(), code: z.string() }))
    .query(({ input }) => ({ symbol: input.symbol, code: calendarForSymbol(input.symbol) })),
});

/**
 * Notification channels and deliveries (CONTRACT.md section 9): the schemas the server checks
 * and the Settings page runs before sending, so both report the same rule under a field.
 */
import { z } from 'zod';
import { jobIdSchema } from './job-definition';

export const NOTIFY_EVENTS = [
  'run.failed',
  'run.partial',
  'run.recovered',
  'run.missed',
  'data.stale',
  'analysis.signal',
  'summary.daily',
  'test',
] as const;
export type NotifyEventName = (typeof NOTIFY_EVENTS)[number];

export const CHANNEL_KINDS = ['webhook', 'email'] as const;
export const WEBHOOK_FORMATS = ['json', 'slack'] as const;

const channelName = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(200, { error: 'must be at most 200 characters' });

const webhookUrl = z
  .string({ error: 'must be a URL string' })
  .trim()
  .max(2000, { error: 'must be at most 2000 characters' })
  .refine(
    (v) => {
      try {
        const url = new URL(v);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
      } catch {
        return false;
      }
    },
    { error: 'must be an http:// or https:// URL' },
  );

const secret = z
  .string({ error: 'must be a string' })
  .min(8, { error: 'must be at least 8 characters' })
  .max(500, { error: 'must be at most 500 characters' });

const address = z
  .string({ error: 'must be an e-mail address string' })
  .trim()
  .pipe(z.email({ error: 'must be an e-mail address such as ops@example.com' }));

const events = z
  .array(z.enum(NOTIFY_EVENTS, { error: `must be one of ${NOTIFY_EVENTS.join(', ')}` }), {
    error: 'must be a list of events',
  })
  .min(1, { error: 'choose at least one event' })
  .transform((list) => NOTIFY_EVENTS.filter((e) => list.includes(e)));

const jobIds = z
  .array(jobIdSchema, { error: 'must be null (all jobs) or a list of job ids' })
  .min(1, { error: 'give at least one job id, or null for all jobs' })
  .max(1000, { error: 'must be at most 1000 job ids' })
  .transform((ids) => [...new Set(ids)])
  .nullable();

/** The fields of a channel as given; which apply depends on `kind` (checked below). */
const channelFields = {
  name: channelName,
  url: webhookUrl,
  secret,
  format: z.enum(WEBHOOK_FORMATS, { error: 'must be "json" or "slack"' }),
  to: z
    .array(address, { error: 'must be a list of e-mail addresses' })
    .min(1, { error: 'give at least one address' })
    .max(20, { error: 'must be at most 20 addresses' })
    .transform((list) => [...new Set(list.map((a) => a.toLowerCase()))]),
  events,
  job_ids: jobIds,
};

const WEBHOOK_ONLY = ['url', 'secret', 'format'] as const;

function checkKind(
  value: { kind: 'webhook' | 'email'; url?: unknown; to?: unknown } & Record<string, unknown>,
  ctx: z.RefinementCtx,
) {
  if (value.kind === 'webhook') {
    if (value.url === undefined)
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'a webhook needs a url' });
    if (value.to !== undefined)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'only e-mail channels have to' });
  } else {
    if (value.to === undefined)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'an e-mail channel needs to' });
    for (const field of WEBHOOK_ONLY) {
      if (value[field] !== undefined && value[field] !== null)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `only webhook channels have ${field}`,
        });
    }
  }
}

/** What `channels.create` accepts (POST /scheduler/channels). */
export const channelCreateSchema = z
  .strictObject({
    kind: z.enum(CHANNEL_KINDS, { error: 'must be "webhook" or "email"' }),
    name: channelFields.name,
    url: channelFields.url.optional(),
    secret: channelFields.secret.optional(),
    format: channelFields.format.optional(),
    to: channelFields.to.optional(),
    events: channelFields.events,
    job_ids: channelFields.job_ids.default(null),
  })
  .superRefine(checkKind);
export type ChannelCreateInput = z.input<typeof channelCreateSchema>;
export type ChannelCreate = z.output<typeof channelCreateSchema>;

/** What `channels.update` accepts besides the id: any subset; `secret: null` removes it. */
export const channelUpdateFields = z.strictObject({
  name: channelFields.name.optional(),
  url: channelFields.url.optional(),
  secret: channelFields.secret.nullable().optional(),
  format: channelFields.format.optional(),
  to: channelFields.to.optional(),
  events: channelFields.events.optional(),
  job_ids: channelFields.job_ids.optional(),
});
export type ChannelUpdate = z.output<typeof channelUpdateFields>;

export const channelIdSchema = z
  .string({ error: 'must be a channel id string' })
  .min(1, { error: 'must not be empty' })
  .max(64, { error: 'must be at most 64 characters' });

/** A channel that keeps failing (this many failed attempts in a row) is shown as failing. */
export const FAILING_AFTER_ATTEMPTS = 3;

export const channelHealthSchema = z.object({
  status: z.enum(['new', 'ok', 'failing']),
  consecutive_failures: z.number(),
  last_error: z.string().nullable(),
  last_success_at: z.string().nullable(),
  last_failure_at: z.string().nullable(),
});
export type ChannelHealth = z.infer<typeof channelHealthSchema>;

/** A channel as the API returns it: never its secret, only whether it has one. */
export const channelSchema = z.object({
  channel_id: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  name: z.string(),
  url: z.string().nullable(),
  format: z.enum(WEBHOOK_FORMATS).nullable(),
  to: z.array(z.string()).nullable(),
  has_secret: z.boolean(),
  events: z.array(z.enum(NOTIFY_EVENTS)),
  job_ids: z.array(z.string()).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  health: channelHealthSchema,
});
export type Channel = z.infer<typeof channelSchema>;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const deliverySchema = z.object({
  delivery_id: z.string(),
  channel_id: z.string(),
  event: z.enum(NOTIFY_EVENTS),
  event_id: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number(),
  last_error: z.string().nullable(),
  response_status: z.number().nullable(),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
});
export type Delivery = z.infer<typeof deliverySchema>;

/** Words for each event, for the Settings page's checkboxes and the messages. */
export const EVENT_LABELS: Record<NotifyEventName, string> = {
  'run.failed': 'A run failed',
  'run.partial': 'A run was partial (some symbols failed)',
  'run.recovered': 'A job recovered (completed after failing)',
  'run.missed': 'A fire time was missed',
  'data.stale': 'A symbol went stale',
  'analysis.signal': 'An analysis signal',
  'summary.daily': 'The daily summary',
  test: 'Test notifications',
};

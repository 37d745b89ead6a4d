import { z } from 'zod';
import { isValidTimeZone } from '~/domain/job-definition';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], {
    error: 'must be true or false',
  })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

const timeZone = z
  .string()
  .refine(isValidTimeZone, { error: 'must be an IANA time zone such as America/New_York' });

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

/** Every setting of the service: one environment variable each, validated at start. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(8001),
  HOST: z.string().min(1).default('0.0.0.0'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  REDIS_AUTOSTART: bool.default(true),
  REDIS_AUTOSTART_DIR: z.string().min(1).default('.data'),
  SCHEDULER_ENABLED: bool.default(true),
  SCHEDULER_TIMEZONE: timeZone.default(Intl.DateTimeFormat().resolvedOptions().timeZone),
  MAX_CONCURRENT_RUNS: int(1, 1000).default(3),
  MISFIRE_GRACE_SECONDS: int(0, 31 * 86400).default(3600),
  RUN_HISTORY_LIMIT: int(1, 100000).default(100),
  SHUTDOWN_TIMEOUT_SECONDS: int(0, 3600).default(30),
  RUN_LOCK_SECONDS: int(2, 3600).default(30),
  RUN_ATTEMPTS: int(1, 100).default(3),
  YAHOO_BASE_URL: url(['http:', 'https:']).default('https://query2.finance.yahoo.com'),
  PROVIDER_MAX_RPS: int(1, 10000).default(5),
  PROVIDER_CONCURRENCY: int(1, 1000).default(4),
  PROVIDER_MAX_ATTEMPTS: int(1, 20).default(4),
  PROVIDER_TIMEOUT_MS: int(100, 600000).default(10000),
  PROVIDER_BACKOFF_MS: int(1, 600000).default(500),
  DATA_RECORDS_KEEP: int(1, 100000).default(20),
  DATA_SETTLE_MINUTES: int(0, 1440).default(30),
  TRPC_MAX_BATCH: int(1, 1000).default(10),
  SUBSCRIPTIONS_MAX: int(1, 1_000_000).default(2000),
  HTTP_HEADERS_TIMEOUT_MS: int(1000, 600000).default(10000),
  HTTP_REQUEST_TIMEOUT_MS: int(1000, 3600000).default(30000),
  HTTP_KEEPALIVE_TIMEOUT_MS: int(100, 600000).default(5000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  SMTP_FROM: z.string().min(3).default('Stock Scheduler <stock-scheduler@localhost>'),
  NOTIFY_RETRY_HOURS: z.coerce
    .number({ error: 'must be a number' })
    .positive({ error: 'must be more than 0' })
    .max(720, { error: 'must be at most 720' })
    .default(24),
  NOTIFY_BACKOFF_MS: int(1, 3600000).default(30000),
  NOTIFY_TIMEOUT_MS: int(100, 600000).default(10000),
  NOTIFY_CONCURRENCY: int(1, 1000).default(10),
  MISSED_AFTER_SECONDS: int(1, 31 * 86400).default(300),
  STALE_AFTER_MINUTES: int(0, 7 * 1440).default(120),
  SUMMARY_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$|^off$/, { error: 'must be "HH:MM" (24-hour) or "off"' })
    .default('08:00'),
  ALLOWED_HOSTS: z
    .string()
    .regex(/^[A-Za-z0-9.[\]:-]+(\s*,\s*[A-Za-z0-9.[\]:-]+)*$/, {
      error: 'must be host names separated by commas, e.g. scheduler.example.com,10.0.0.5',
    })
    .optional(),
  TRUST_PROXY: bool.default(false),
  ADMIN_EMAIL: z.email({ error: 'must be an e-mail address' }).optional(),
  ADMIN_PASSWORD: z.string().min(12, { error: 'must be at least 12 characters' }).optional(),
  ADMIN_NAME: z.string().max(100).default('Admin'),
  SESSION_TTL_SECONDS: int(1, 31 * 86400).default(43200),
  AUDIT_LOG_LIMIT: int(1, 1_000_000).default(10000),
});

/** Settings whose value may hold a password: an error names them but never echoes them. */
const SECRET_SETTINGS = new Set(['SMTP_URL', 'ADMIN_PASSWORD']);

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the settings from `env`. Empty strings count as unset, so `PORT=` in a .env file
 * falls back to the default. Throws a ConfigError whose message is one line naming the variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') raw[key] = value.trim();
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const given =
      raw[name] === undefined || SECRET_SETTINGS.has(name) ? '' : ` (got "${raw[name]}")`;
    throw new ConfigError(`Invalid setting ${name}${given}: ${issue.message}`);
  }
  if (parsed.data.ADMIN_EMAIL !== undefined && parsed.data.ADMIN_PASSWORD === undefined)
    throw new ConfigError('Invalid setting ADMIN_PASSWORD: must be set when ADMIN_EMAIL is');
  if (parsed.data.ADMIN_PASSWORD !== undefined && parsed.data.ADMIN_EMAIL === undefined)
    throw new ConfigError('Invalid setting ADMIN_EMAIL: must be set when ADMIN_PASSWORD is');
  return parsed.data;
}

/**
 * The service's logger: pino, behind the small `logger.info(msg, fields)` interface the code
 * uses. JSON lines (what log shippers read) when stdout is not a terminal or LOG_FORMAT=json;
 * pino-pretty's readable lines in a terminal. Both write synchronously on this thread, so the
 * line a process logs just before `process.exit(1)` is not lost in a transport worker.
 *
 * Secrets never reach a line: fields named like a credential are censored by pino's redact,
 * and a password inside a URL (smtp://user:pass@host, redis://:pass@host) is masked wherever
 * it appears in the message or a field.
 */
import { pino, type Logger as Pino } from 'pino';
import pretty from 'pino-pretty';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'json' | 'pretty';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export const REDACTED = '[REDACTED]';
/** Fields censored: at the top, one level down (`{ channel: { secret } }`), in headers. */
const REDACT_PATHS = ['password', 'token', 'secret', 'authorization', 'cookie'].flatMap((key) => [
  key,
  `*.${key}`,
  `headers.${key}`,
  `*.headers.${key}`,
]);
/** `scheme://user:password@` with the password masked; the user may be empty (redis://:pw@). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s/@]+@/gi;

/** `text` with any password inside a URL replaced by [REDACTED]. */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1:${REDACTED}@`);
}

function clean(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskUrlCredentials(value);
  if (value instanceof Error) return maskUrlCredentials(value.message);
  if (depth > 2 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = clean(v, depth + 1);
  return out;
}

/** JSON when asked, else pretty exactly when stdout is a terminal. */
export function defaultLogFormat(
  format: LogFormat | undefined,
  isTTY = Boolean(process.stdout.isTTY),
): LogFormat {
  return format ?? (isTTY ? 'pretty' : 'json');
}

function wrap(log: Pino): Logger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (msg: string, fields?: Record<string, unknown>) => {
      if (!log.isLevelEnabled(level)) return;
      const text = maskUrlCredentials(msg);
      if (fields) log[level](clean(fields) as object, text);
      else log[level](text);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => wrap(log.child(clean(fields) as Record<string, unknown>)),
  };
}

export function createLogger(
  options: {
    level?: LogLevel;
    format?: LogFormat;
    base?: Record<string, unknown>;
    /** Where lines go (a test's stream); default stdout. */
    destination?: NodeJS.WritableStream;
  } = {},
): Logger {
  const format = defaultLogFormat(options.format);
  const common = {
    level: options.level ?? 'info',
    base: options.base ?? {},
    redact: { paths: REDACT_PATHS, censor: REDACTED },
  };
  if (format === 'pretty') {
    const stream = pretty({
      sync: true,
      colorize: options.destination === undefined && Boolean(process.stdout.isTTY),
      translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
      ignore: 'pid,hostname',
      singleLine: true,
      ...(options.destination && { destination: options.destination }),
    });
    return wrap(pino(common, stream));
  }
  return wrap(
    pino(
      {
        ...common,
        timestamp: pino.stdTimeFunctions.isoTime,
        // "level":"warn", not 40: readable by people and by `jq 'select(.level=="error")'`.
        formatters: { level: (label) => ({ level: label }) },
      },
      options.destination ?? pino.destination({ dest: 1, sync: true }),
    ),
  );
}

/**
 * A small structured logger: one JSON object a line in production (for log shippers), one
 * readable line in development. No dependency, no transport threads.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level | 'silent', number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function createLogger(
  options: {
    level?: Level | 'silent';
    format?: 'json' | 'pretty';
    base?: Record<string, unknown>;
  } = {},
): Logger {
  const min = order[options.level ?? 'info'];
  const format = options.format ?? (process.env.NODE_ENV === 'production' ? 'json' : 'pretty');
  const base = options.base ?? {};
  const write = (level: Level, msg: string, fields: Record<string, unknown> = {}) => {
    if (order[level] < min) return;
    const all = { ...base, ...fields };
    for (const [k, v] of Object.entries(all)) {
      if (v instanceof Error) all[k] = v.message;
    }
    const stream = level === 'error' || level === 'warn' ? process.stderr : process.stdout;
    if (format === 'json') {
      stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...all })}\n`);
    } else {
      const extra = Object.entries(all)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      stream.write(
        `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? ` ${extra}` : ''}\n`,
      );
    }
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ ...options, format, base: { ...base, ...fields } }),
  };
}

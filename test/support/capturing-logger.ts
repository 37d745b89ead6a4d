import type { Logger } from '../../src/server/logger';

/** A logger that keeps every line (as the JSON a shipper would get) in `lines`, for secret checks. */
export function capturingLogger(lines: string[], fields: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (msg: string, f?: Record<string, unknown>) =>
    void lines.push(JSON.stringify({ level, msg, ...fields, ...f }));
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => capturingLogger(lines, { ...fields, ...more }),
  };
}

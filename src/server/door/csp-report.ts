import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import { readBody } from '../http/body';

/**
 * What the page policy blocked, as browsers report it (report-uri). Logged as one warning a
 * report, a few fields only and cut short, since anyone can post here.
 */
export async function receiveCspReport(
  req: IncomingMessage,
  res: ServerResponse,
  logger: Logger,
): Promise<void> {
  let report: Record<string, unknown> = {};
  try {
    const body = JSON.parse(await readBody(req, 16 * 1024)) as {
      'csp-report'?: Record<string, unknown>;
    };
    report = body['csp-report'] ?? {};
  } catch {
    // A malformed report is still worth a line: something posted here.
  }
  const field = (name: string) => String(report[name] ?? '').slice(0, 200);
  logger.warn('CSP violation', {
    directive: field('violated-directive') || field('effective-directive'),
    blocked: field('blocked-uri'),
    page: field('document-uri'),
    source: `${field('source-file')}:${field('line-number')}`,
  });
  res.writeHead(204);
  res.end();
}

/**
 * The recorded Yahoo chart answers the replay server serves (test/fixtures/yahoo-chart/, both
 * recording formats): each file read once at start, its symbol and period taken from the
 * recorded URL (or the file name), its headers kept except those the new answer sets itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
const DROPPED_HEADERS = new Set([
  'content-length',
  'content-encoding',
  'connection',
  'transfer-encoding',
]);

/** The fixtures the server reads: YAHOO_FIXTURES_DIR, else the repository's test/fixtures/yahoo-chart. */
export function defaultFixturesDir(): string {
  return process.env.YAHOO_FIXTURES_DIR ?? path.resolve(PROJECT_ROOT, 'test/fixtures/yahoo-chart');
}

export interface Recording {
  file: string;
  symbol: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Recorded period1..period2 in unix seconds, when the URL had them. */
  period?: { from: number; to: number };
}

const recordingSchemaHint =
  'expected { request: { url }, response: { status, headers, body | bodyJson } }';

function loadRecording(dir: string, file: string): Recording {
  const raw = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
    request?: { url?: string };
    response?: {
      status?: number;
      headers?: Record<string, string | string[]>;
      body?: string;
      bodyJson?: unknown;
    };
  };
  const response = raw.response;
  if (!response || typeof response.status !== 'number') {
    throw new Error(`recording ${file} is not a chart recording: ${recordingSchemaHint}`);
  }
  let symbol: string | undefined;
  let period: Recording['period'];
  if (raw.request?.url) {
    const url = new URL(raw.request.url);
    const match = /\/v8\/finance\/chart\/([^/]+)$/.exec(url.pathname);
    if (match?.[1]) symbol = decodeURIComponent(match[1]).toUpperCase();
    const from = Number(url.searchParams.get('period1'));
    const to = Number(url.searchParams.get('period2'));
    if (from > 0 && to > 0) period = { from, to };
  }
  // Fall back to the file name: chart-AAPL-2020-..., historical-via-chart-SI-2020-...
  symbol ??= /^(?:historical-via-)?chart-(.+?)-(?:[a-z]+-)*\d{4}-\d{2}-\d{2}/
    .exec(file)?.[1]
    ?.toUpperCase();
  if (!symbol) throw new Error(`recording ${file}: cannot tell its symbol from its URL or name`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (DROPPED_HEADERS.has(name.toLowerCase())) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const body =
    response.bodyJson !== undefined ? JSON.stringify(response.bodyJson) : (response.body ?? '');
  return { file, symbol, status: response.status, headers, body, ...(period && { period }) };
}

export function loadRecordings(dir: string): Recording[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadRecording(dir, f));
}

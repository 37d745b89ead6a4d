/**
 * The CSV downloads of the series (CONTRACT.md section 8), served beside trpc-to-openapi
 * because they stream: `GET /scheduler/data/{symbol}/bars.csv` and `GET /scheduler/export.csv`.
 * An export writes one year string of one symbol at a time and waits for the socket to drain,
 * so its memory stays flat however many rows it sends.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { DailyBar } from '../market-data/provider';
import { barsInput, exportInput } from '../market-data/series-params';
import { metaOrThrow, presentBar, UnknownSeriesError } from '../market-data/series-queries';
import type { SeriesMeta } from '../market-data/series-store';
import type { Services } from '../services';
import { issuesOf, summariseIssues } from '../trpc/trpc';
import { sendJson } from './send';

const BARS_CSV = /^\/scheduler\/data\/([^/]+)\/bars\.csv$/;
const EXPORT_CSV = '/scheduler/export.csv';
const HEADER = 'date,open,high,low,close,adj_close,volume';

const cell = (v: number | null) => (v === null ? '' : String(v));

/** One CSV line of a bar (no symbol column), newline included. */
export function csvLine(bar: DailyBar): string {
  return `${bar.date},${cell(bar.open)},${cell(bar.high)},${cell(bar.low)},${cell(bar.close)},${cell(bar.adj_close)},${cell(bar.volume)}\n`;
}

function parse<S extends z.ZodType>(schema: S, input: unknown, res: ServerResponse) {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data as z.infer<S>;
  const issues = issuesOf(parsed.error) ?? [];
  sendJson(res, 400, { message: summariseIssues(issues), code: 'BAD_REQUEST', issues });
  return undefined;
}

/** Writes `chunk`, waiting for the socket to take it when its buffer is full (or it closes). */
async function write(res: ServerResponse, chunk: string): Promise<void> {
  if (res.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Answers the request when it is one of the CSV routes; false otherwise. */
export async function serveCsv(
  services: Services,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://rest');
  const path = url.pathname.replace(/\/$/, '');
  const query = Object.fromEntries(url.searchParams);
  const bars = BARS_CSV.exec(path);
  if (!bars && path !== EXPORT_CSV) return false;

  const input = bars
    ? parse(barsInput, { ...query, symbol: decodeURIComponent(bars[1]!) }, res)
    : parse(exportInput, query, res);
  if (!input) return true;
  const symbols = 'symbols' in input ? input.symbols : [input.symbol];

  // Every symbol is checked before the first byte, so an unknown one is a 404, not a cut file.
  const metas: SeriesMeta[] = [];
  try {
    for (const s of symbols) metas.push(await metaOrThrow(services.series, s));
  } catch (error) {
    if (!(error instanceof UnknownSeriesError)) throw error;
    sendJson(res, 404, {
      message: error.message,
      code: 'NOT_FOUND',
      issues: [{ path: bars ? 'symbol' : 'symbols', message: error.message }],
    });
    return true;
  }

  const many = !bars;
  const filename = many ? 'export.csv' : `${metas[0]!.symbol}.csv`;
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
  });
  await write(res, many ? `symbol,${HEADER}\n` : `${HEADER}\n`);
  for (const meta of metas) {
    const start = input.start ?? meta.first_date!;
    const end = input.end ?? meta.last_date!;
    for await (const year of services.series.barsByYear(meta.symbol, start, end, meta)) {
      if (res.destroyed) return true;
      const prefix = many ? `${meta.symbol},` : '';
      let chunk = '';
      for (const bar of year) chunk += prefix + csvLine(presentBar(bar, input.adjust));
      await write(res, chunk);
    }
  }
  res.end();
  return true;
}

/**
 * An analyze job's run (CONTRACT.md section 11): reads each symbol's stored series, computes
 * the indicators over its whole history, and stores the latest values of every symbol with
 * the signals that hold on its last bar raised as analysis.signal events, in one step
 * (analysis-save-4.lua). It fetches nothing; each symbol has an outcome like a fetch run's.
 */
import type { Redis } from 'ioredis';
import type { Analysis, AnalysisAnswer, SymbolAnalysis } from '~/domain/analysis';
import type { SymbolOutcome } from '~/domain/job-definition';
import type { Logger } from '../logger';
import { messageOf } from '../market-data/fetch-with-retries';
import { pricesOf } from '../market-data/series-indicators';
import type { SeriesStore } from '../market-data/series-store';
import type { NotifyEvent } from '../notifications/messages';
import { RedisScripts } from '../redis/scripts';
import { runOutcome, type ExecutionResult } from '../scheduler/run-outcome';
import { analyzePrices } from './analyze-prices';

/** Symbols read and computed at once: each is a round trip and a CPU burst. */
const CONCURRENCY = 8;

export interface AnalysisRequest {
  run_id: string;
  job_id: string;
  symbols: string[];
  analysis: Analysis;
}

/** The hash field a signal is deduplicated under, per symbol: `rsi:14|>|70|AAPL`. */
export function signalField(
  signal: { indicator: string; op: string; value: number | string },
  symbol: string,
): string {
  return `${signal.indicator}|${signal.op}|${signal.value}|${symbol}`;
}

/** The analysis.signal events of one symbol's holding signals, each with its dedupe field. */
function signalEvents(
  req: AnalysisRequest,
  result: SymbolAnalysis,
  occurredAt: string,
): { field: string; date: string; event: string }[] {
  const date = result.date;
  if (date === null) return [];
  return result.signals.flatMap((s) => {
    if (!s.holds || s.observed === null) return [];
    const field = signalField(s, result.symbol);
    const compared = typeof s.value === 'string' ? (result.values[s.value] ?? null) : null;
    const event: NotifyEvent = {
      event_id: `analysis.signal:${req.job_id}:${field}:${date}`,
      event: 'analysis.signal',
      occurred_at: occurredAt,
      job_id: req.job_id,
      run_id: req.run_id,
      symbols: [result.symbol],
      signal: {
        symbol: result.symbol,
        date,
        indicator: s.indicator,
        op: s.op,
        value: s.value,
        observed: s.observed,
        compared,
      },
    };
    return [{ field, date, event: JSON.stringify(event) }];
  });
}

export class AnalysisExecutor {
  private readonly scripts: RedisScripts;
  private readonly series: SeriesStore;
  private readonly logger: Logger | undefined;

  constructor(opts: { redis: Redis; series: SeriesStore; logger?: Logger | undefined }) {
    this.scripts = new RedisScripts(opts.redis);
    this.series = opts.series;
    this.logger = opts.logger;
  }

  /**
   * Analyses every symbol of `req` (never rejects for a symbol's fault: a symbol without a
   * series or with too few bars is an error outcome) and stores the latest values. A run
   * stopped before the end stores nothing and is failed, as a stopped fetch run.
   */
  async execute(
    req: AnalysisRequest,
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<ExecutionResult> {
    const symbols = req.symbols.map((s) => s.trim().toUpperCase());
    const results = new Array<SymbolAnalysis & { bars: number }>(symbols.length);
    const outcomes: SymbolOutcome[] = new Array<SymbolOutcome>(symbols.length);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < symbols.length && !opts.signal?.aborted) {
        const i = next++;
        const symbol = symbols[i]!;
        const result = await this.analyzeSymbol(symbol, req);
        results[i] = result;
        outcomes[i] = result.error
          ? { symbol, status: 'error', error: result.error }
          : { symbol, status: 'ok', bars: result.bars };
        opts.onProgress?.(++done, symbols.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, symbols.length) }, worker));
    if (opts.signal?.aborted) return runOutcome(outcomes.filter(Boolean), true);

    const computedAt = new Date().toISOString();
    const answer: AnalysisAnswer = {
      job_id: req.job_id,
      run_id: req.run_id,
      computed_at: computedAt,
      symbols: results.map(({ bars: _bars, ...r }) => r),
    };
    try {
      const raised = await this.scripts.saveAnalysis({
        jobId: req.job_id,
        json: JSON.stringify(answer),
        signals: results.flatMap((r) => signalEvents(req, r, computedAt)),
      });
      if (raised === null) {
        return { status: 'failed', symbols: outcomes, error: 'the job was deleted during its run' };
      }
    } catch (error) {
      return {
        status: 'failed',
        symbols: outcomes,
        error: `could not store the analysis: ${messageOf(error)}`,
      };
    }
    return runOutcome(outcomes);
  }

  /** One symbol over its whole stored series; a read that fails is that symbol's error. */
  private async analyzeSymbol(
    symbol: string,
    req: AnalysisRequest,
  ): Promise<SymbolAnalysis & { bars: number }> {
    // A symbol with nothing to analyse still lists every indicator (null) and signal (not holding).
    const empty = { ...analyzePrices(symbol, [], [], req.analysis), bars: 0 };
    try {
      const meta = await this.series.meta(symbol);
      if (!meta?.first_date || !meta.last_date) {
        return {
          ...empty,
          error: `no stored series for ${symbol}: a fetch job with this symbol must run first`,
        };
      }
      const bars = await this.series.bars(symbol, meta.first_date, meta.last_date, meta);
      const { dates, prices } = pricesOf(bars, req.analysis.price);
      return { ...analyzePrices(symbol, dates, prices, req.analysis), bars: prices.length };
    } catch (error) {
      this.logger?.error('Symbol analysis failed unexpectedly', {
        symbol,
        run_id: req.run_id,
        error,
      });
      return { ...empty, error: `internal error: ${messageOf(error)}` };
    }
  }
}

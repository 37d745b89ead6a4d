/**
 * One run: fetch each symbol of a job over a date range, store each record, report each
 * symbol's outcome (the seed's job_executor).
 */
import type { Redis } from 'ioredis';
import type { Config } from '../../config';
import type { Logger } from '../logger';
import { fetchWithRetries, messageOf } from '../market-data/fetch-with-retries';
import type { MarketDataProvider } from '../market-data/provider';
import { RateLimiter } from '../market-data/rate-limiter';
import { SharedFetch, type SharingStats } from '../market-data/shared-fetch';
import { cachedHistory } from '../market-data/series-cache';
import { storeNewIssues } from '../market-data/series-issues';
import { SeriesStore } from '../market-data/series-store';
import { syncSeries } from '../market-data/series-sync';
import { StockDataStore, toRecord } from '../market-data/stock-data-store';
import type { Analysis } from '~/domain/analysis';
import type { SymbolOutcome } from '~/domain/job-definition';
import { AnalysisExecutor } from '../analysis/analysis-executor';
import { runOutcome, type ExecutionResult } from './run-outcome';

export interface RunRequest {
  run_id: string;
  job_id: string;
  symbols: string[];
  start: string;
  end: string;
  /** An analyze job's settings: the run analyses the stored series instead of fetching. */
  analysis?: Analysis | null | undefined;
  /** Ask the provider even where the series could serve the window (backfills, `force`). */
  force?: boolean;
}

export type { ExecutionResult } from './run-outcome';

export type ExecutorConfig = Pick<
  Config,
  'PROVIDER_MAX_RPS' | 'PROVIDER_CONCURRENCY' | 'PROVIDER_MAX_ATTEMPTS' | 'PROVIDER_BACKOFF_MS'
> &
  Partial<Pick<Config, 'DATA_SETTLE_MINUTES'>>;

export interface JobExecutorOptions {
  redis: Redis;
  provider: MarketDataProvider;
  config: ExecutorConfig;
  logger?: Logger;
  /** Where records go; by default a StockDataStore on `redis`. */
  store?: StockDataStore;
  /** The per-symbol series each fetch is merged into; by default a SeriesStore on `redis`. */
  series?: SeriesStore;
  /** The clock freshness is judged by and records are stamped with; Date.now by default. */
  now?: () => number;
}

/** What this executor did, for benchmarks and tests. */
export interface ExecutorStats extends SharingStats {
  /** Requests sent to the provider, retries included. */
  providerRequests: number;
  /** Symbols whose record was written from a fresh series, without asking the provider. */
  cached: number;
}

/**
 * Fetches a run's symbols concurrently, within PROVIDER_CONCURRENCY requests in flight per
 * executor (one per process in the service) and PROVIDER_MAX_RPS shared by every process,
 * retrying what a second try can fix (market-data/fetch-with-retries.ts). One symbol failing
 * never fails the others. Runs asking for the same (symbol, start, end) at the same time share
 * one fetch, in this process and across processes (market-data/shared-fetch.ts).
 */
export class JobExecutor {
  readonly stats: ExecutorStats = {
    providerRequests: 0,
    cached: 0,
    sharedInProcess: 0,
    sharedAcrossProcesses: 0,
  };
  private readonly provider: MarketDataProvider;
  private readonly config: ExecutorConfig;
  private readonly logger: Logger | undefined;
  private readonly store: StockDataStore;
  private readonly series: SeriesStore;
  private readonly limiter: RateLimiter;
  private readonly shared: SharedFetch<RunRequest>;
  private readonly analysis: AnalysisExecutor;
  private readonly redis: Redis;
  private readonly now: () => number;
  /** New suspicious bars stored by each run in progress, by run_id. */
  private readonly newIssues = new Map<string, number>();

  constructor(opts: JobExecutorOptions) {
    const { PROVIDER_MAX_ATTEMPTS: attempts, PROVIDER_BACKOFF_MS: backoff } = opts.config;
    if (!Number.isInteger(attempts) || attempts < 1) {
      throw new Error(`PROVIDER_MAX_ATTEMPTS must be a whole number >= 1, got ${attempts}`);
    }
    if (!(backoff >= 0)) throw new Error(`PROVIDER_BACKOFF_MS must be >= 0, got ${backoff}`);
    this.provider = opts.provider;
    this.redis = opts.redis;
    this.now = opts.now ?? Date.now;
    this.config = opts.config;
    this.logger = opts.logger;
    this.store = opts.store ?? new StockDataStore(opts.redis);
    this.series = opts.series ?? new SeriesStore(opts.redis);
    this.limiter = new RateLimiter({
      redis: opts.redis,
      provider: opts.provider.name,
      maxRps: opts.config.PROVIDER_MAX_RPS,
      concurrency: opts.config.PROVIDER_CONCURRENCY,
    });
    this.shared = new SharedFetch<RunRequest>(
      opts.redis,
      (symbol, req, signal) => this.fetchAndStore(symbol, req, signal),
      this.stats,
    );
    this.analysis = new AnalysisExecutor({
      redis: opts.redis,
      series: this.series,
      logger: opts.logger,
    });
  }

  /**
   * Fetches and stores every symbol of `req`. Resolves (never rejects for a provider's fault)
   * with one outcome per symbol in the order asked: completed when all are ok, partial when
   * some are, failed when none is. `onProgress` is called as each symbol finishes. When
   * `signal` aborts, it resolves promptly as failed; fetches other runs share go on. A request
   * with an analysis is an analyze job's run: it fetches nothing (analysis/analysis-executor.ts).
   */
  async execute(
    req: RunRequest,
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<ExecutionResult> {
    if (req.analysis) return this.analysis.execute({ ...req, analysis: req.analysis }, opts);
    const { signal, onProgress } = opts;
    const total = req.symbols.length;
    let done = 0;
    const symbols = await Promise.all(
      req.symbols.map(async (raw): Promise<SymbolOutcome> => {
        const symbol = raw.trim().toUpperCase();
        let outcome: SymbolOutcome;
        try {
          outcome =
            (await this.fromSeries(symbol, req)) ??
            (await this.shared.outcome(symbol, req, signal));
        } catch (error) {
          outcome = signal?.aborted
            ? {
                symbol,
                status: 'error',
                error: 'cancelled: the run was stopped before this symbol finished',
              }
            : { symbol, status: 'error', error: `internal error: ${messageOf(error)}` };
          if (!signal?.aborted) {
            this.logger?.error('Symbol fetch failed unexpectedly', {
              symbol,
              run_id: req.run_id,
              error,
            });
          }
        }
        done++;
        try {
          onProgress?.(done, total);
        } catch (error) {
          this.logger?.warn('Progress callback threw', { run_id: req.run_id, error });
        }
        return outcome;
      }),
    );

    const data_issues_new = this.newIssues.get(req.run_id) ?? 0;
    this.newIssues.delete(req.run_id);
    return { ...runOutcome(symbols, signal?.aborted), data_issues_new };
  }

  private async fetchAndStore(
    symbol: string,
    req: RunRequest,
    signal: AbortSignal,
  ): Promise<SymbolOutcome> {
    const result = await this.fetch(symbol, req.start, req.end, signal);
    if ('error' in result) return { symbol, status: 'error', error: result.error };
    const record = toRecord(
      { ...result.history, symbol },
      {
        start: req.start,
        end: req.end,
        source: result.history.source ?? this.provider.name,
        job_id: req.job_id,
        run_id: req.run_id,
        fetched_at: new Date(this.now()).toISOString(),
      },
    );
    let key: string;
    try {
      key = await this.store.save(record);
    } catch (error) {
      return { symbol, status: 'error', error: `could not store the data: ${messageOf(error)}` };
    }
    await this.mergeIntoSeries(symbol, result.history, record.fetched_at, req, signal);
    return { symbol, status: 'ok', bars: record.bars.length, key };
  }

  /**
   * The symbol's per-run record written from its series when that is fresh and holds every
   * settled session of the window from a fetch made after it settled (series-cache.ts), so
   * the provider is not asked; null when the provider must be. A failure here is logged and
   * the symbol is fetched as usual.
   */
  private async fromSeries(symbol: string, req: RunRequest): Promise<SymbolOutcome | null> {
    try {
      const cached = await cachedHistory(this.series, {
        symbol,
        start: req.start,
        end: req.end,
        force: req.force === true,
        now: this.now(),
        settleMinutes: this.config.DATA_SETTLE_MINUTES ?? 30,
      });
      if (!cached) return null;
      const { fetched_at, source, ...data } = cached;
      const record = toRecord(
        { symbol, ...data },
        {
          start: req.start,
          end: req.end,
          source: source ?? this.provider.name,
          job_id: req.job_id,
          run_id: req.run_id,
          fetched_at,
        },
      );
      const key = await this.store.save(record);
      this.stats.cached++;
      return { symbol, status: 'cached', bars: record.bars.length, key };
    } catch (error) {
      this.logger?.warn('Series not used, fetching', { symbol, run_id: req.run_id, error });
      return null;
    }
  }

  /** One symbol over [start, end], within the shared rate limit, retried where that helps. */
  private fetch(symbol: string, start: string, end: string, signal: AbortSignal) {
    return fetchWithRetries(
      {
        provider: this.provider,
        limiter: this.limiter,
        maxAttempts: this.config.PROVIDER_MAX_ATTEMPTS,
        backoffMs: this.config.PROVIDER_BACKOFF_MS,
        logger: this.logger,
        onRequest: () => this.stats.providerRequests++,
      },
      symbol,
      start,
      end,
      signal,
    );
  }

  /**
   * Merges a stored fetch into the symbol's series (CONTRACT section 8). The per-run record is
   * already written, so the symbol's outcome stays ok whatever happens here: a series that
   * cannot take the fetch (Redis full, the whole-history fetch after a new split failing) stays
   * as it was, consistent, and the next fetch merges again; that is logged, not hidden.
   */
  private async mergeIntoSeries(
    symbol: string,
    history: Parameters<typeof syncSeries>[1],
    fetchedAt: string,
    req: RunRequest,
    signal: AbortSignal,
  ): Promise<void> {
    try {
      const synced = await syncSeries(
        this.series,
        { ...history, symbol },
        fetchedAt,
        req.start,
        req.end,
        (start, end) => this.fetch(symbol, start, end, signal),
        this.now,
      );
      if (synced.status === 'failed') {
        this.logger?.warn('Series not updated', {
          symbol,
          run_id: req.run_id,
          error: synced.error,
        });
        return;
      }
      const found = await storeNewIssues(this.redis, this.series, symbol, req.start, req.end);
      if (found > 0) {
        this.newIssues.set(req.run_id, (this.newIssues.get(req.run_id) ?? 0) + found);
      }
    } catch (error) {
      this.logger?.warn('Series not updated', { symbol, run_id: req.run_id, error });
    }
  }
}

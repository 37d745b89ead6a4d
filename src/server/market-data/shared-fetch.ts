/**
 * Runs that ask for the same (symbol, start, end) at the same time share one fetch:
 * - in this process, through a map of in-flight promises;
 * - across processes, through a Redis lock per (symbol, start, end): the first process fetches
 *   and stores, then publishes the outcome under its lock token as it frees the lock
 *   (fetch-lock-finish-2.lua); the others wait for the lock to go and take that outcome. The
 *   lock has a short TTL renewed while the fetch runs, so a holder that dies frees it within
 *   seconds and a waiter fetches itself.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { keys } from '../keys';
import { MarketDataScripts, type FetchKey } from '../redis/market-data-scripts';
import { abortable } from './rate-limiter';
import type { SymbolOutcome } from '~/domain/job-definition';

/** The fetch lock lives this long unless renewed; a dead holder frees it within this. */
const LOCK_TTL_MS = 10_000;
const LOCK_RENEW_MS = 3_000;
/** How long waiters can still read a finished fetch's outcome. */
const RESULT_TTL_MS = 60_000;
const POLL_MIN_MS = 20;
const POLL_MAX_MS = 200;

export interface SharingStats {
  /** Symbol fetches served by a fetch already in flight in this process. */
  sharedInProcess: number;
  /** Symbol fetches served by a fetch another process (or executor) made. */
  sharedAcrossProcesses: number;
}

interface InFlight {
  promise: Promise<SymbolOutcome>;
  controller: AbortController;
  subscribers: number;
}

/** Resolves as `promise` does, or rejects as soon as `signal` aborts (the promise runs on). */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * `fetch` does the work (ask the provider, store the record) for the one caller that gets to;
 * a shared record carries the job_id and run_id of the run that fetched it.
 */
export class SharedFetch<R extends { start: string; end: string }> {
  private readonly scripts: MarketDataScripts;
  private readonly inFlight = new Map<string, InFlight>();
  /** Fetch locks held here: lock key -> lock, renewed together by one timer. */
  private readonly held = new Map<string, FetchKey & { token: string }>();
  private renewTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly fetch: (symbol: string, req: R, signal: AbortSignal) => Promise<SymbolOutcome>,
    private readonly stats: SharingStats,
  ) {
    this.scripts = new MarketDataScripts(redis);
  }

  /**
   * Joins the fetch of (symbol, start, end) in flight in this process, or starts one. The shared
   * fetch has its own AbortController, aborted only when every run waiting on it has aborted:
   * one run being stopped never cancels data another run is waiting for.
   */
  async outcome(symbol: string, req: R, signal?: AbortSignal): Promise<SymbolOutcome> {
    const key = `${symbol}\n${req.start}\n${req.end}`;
    let shared = this.inFlight.get(key);
    if (shared) {
      this.stats.sharedInProcess++;
    } else {
      const controller = new AbortController();
      const entry: InFlight = {
        controller,
        subscribers: 0,
        promise: this.fetchOnce(symbol, req, controller.signal).finally(() => {
          if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
        }),
      };
      // Nobody may be left awaiting it once every subscriber aborted: not an unhandled rejection.
      entry.promise.catch(() => undefined);
      this.inFlight.set(key, entry);
      shared = entry;
    }
    const entry = shared;
    entry.subscribers++;
    try {
      return await untilAborted(entry.promise, signal);
    } catch (error) {
      if (signal?.aborted && entry.subscribers === 1) {
        // Forget it at once, so a run arriving now starts afresh instead of joining the abort.
        if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
        entry.controller.abort(signal.reason);
      }
      throw error;
    } finally {
      entry.subscribers--;
    }
  }

  /** The cross-process half of sharing: see the file's comment. */
  private async fetchOnce(symbol: string, req: R, signal: AbortSignal): Promise<SymbolOutcome> {
    const lock = { symbol, start: req.start, end: req.end, token: randomUUID() };
    const lockKey = keys.fetchLock(symbol, req.start, req.end);
    for (;;) {
      signal.throwIfAborted();
      const { taken, holder } = await this.scripts.acquireFetchLock({
        ...lock,
        ttlMs: LOCK_TTL_MS,
      });
      if (taken) {
        this.hold(lockKey, lock);
        let outcome: SymbolOutcome;
        try {
          outcome = await this.fetch(symbol, req, signal);
        } catch (error) {
          this.held.delete(lockKey);
          // Waiters see the lock gone with no outcome and fetch themselves; an error freeing it
          // only makes them wait for its TTL.
          await this.scripts.releaseFetchLock(lock).catch(() => undefined);
          throw error;
        }
        this.held.delete(lockKey);
        await this.scripts.finishFetch({
          ...lock,
          outcomeJson: JSON.stringify({ token: lock.token, outcome }),
          ttlMs: RESULT_TTL_MS,
        });
        return outcome;
      }

      // Another process fetches it: wait until its lock goes, then take its outcome.
      let poll = POLL_MIN_MS;
      while ((await this.redis.get(lockKey)) === holder) {
        await abortable(poll, signal);
        poll = Math.min(POLL_MAX_MS, poll * 2);
      }
      const raw = await this.redis.get(keys.fetchResult(symbol, req.start, req.end));
      const published =
        raw === null ? null : (JSON.parse(raw) as { token: string; outcome: SymbolOutcome });
      if (published?.token === holder) {
        this.stats.sharedAcrossProcesses++;
        return { ...published.outcome, symbol };
      }
      // The holder stopped without an outcome (it died or its runs were cancelled): try again.
    }
  }

  private hold(lockKey: string, lock: FetchKey & { token: string }): void {
    this.held.set(lockKey, lock);
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => {
      if (this.held.size === 0) {
        clearInterval(this.renewTimer!);
        this.renewTimer = null;
        return;
      }
      // A lost renewal is not fatal: the worst case is a second process fetching the same
      // data once the lock expires, and both store the same record.
      this.scripts.renewFetchLocks([...this.held.values()], LOCK_TTL_MS).catch(() => undefined);
    }, LOCK_RENEW_MS);
    this.renewTimer.unref();
  }
}

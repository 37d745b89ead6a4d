/**
 * The provider's request budget: at most `maxRps` requests started in any one second by all
 * processes sharing Redis, and at most `concurrency` in flight from this process.
 */
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { MarketDataScripts } from '../redis/market-data-scripts';

/*
 * Pacing is GCRA without burst, as a reservation in Redis (provider-pace-1.lua): every process
 * books its slot through that one script, so slots are handed out one interval apart in a
 * single global order: no polling, no thundering herd when a second turns over, and no burst of
 * 2 x maxRps across a window edge as per-second counters allow. A process that dies after
 * reserving only wastes its slots.
 */

/** A request woken late takes a fresh slot at most this many times, then goes anyway. */
const MAX_SLOT_ATTEMPTS = 3;

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortable(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A FIFO counting semaphore; a waiter whose signal aborts leaves the queue. */
class Semaphore {
  private active = 0;
  private readonly waiters: { resolve: () => void }[] = [];

  constructor(private readonly size: number) {}

  get inUse(): number {
    return this.active;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < this.size) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason);
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    // The slot was handed over by release() without decrementing: nothing to count here.
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next.resolve();
    else this.active--;
  }
}

export interface RateLimiterOptions {
  redis: Redis;
  /** The provider's name: processes limit themselves together per provider. */
  provider: string;
  maxRps: number;
  concurrency: number;
  /**
   * Slack added to each second (default 50 ms), so that requests reaching the provider a little
   * late (timers, network, a busy CPU) still never put maxRps + 1 starts into any one second as
   * it measures them. A request woken more than half of this after its slot takes a new one.
   */
  jitterMarginMs?: number;
}

export class RateLimiter {
  private readonly scripts: MarketDataScripts;
  private readonly intervalMs: number;
  private readonly marginMs: number;
  private readonly slots: Semaphore;

  constructor(private readonly opts: RateLimiterOptions) {
    if (!Number.isInteger(opts.maxRps) || opts.maxRps < 1) {
      throw new Error(`PROVIDER_MAX_RPS must be a whole number >= 1, got ${opts.maxRps}`);
    }
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) {
      throw new Error(`PROVIDER_CONCURRENCY must be a whole number >= 1, got ${opts.concurrency}`);
    }
    this.scripts = new MarketDataScripts(opts.redis);
    this.marginMs = opts.jitterMarginMs ?? 50;
    this.intervalMs = (1000 + this.marginMs) / opts.maxRps;
    this.slots = new Semaphore(opts.concurrency);
  }

  /** Requests of this process in flight or waiting for their slot's time. */
  get inFlight(): number {
    return this.slots.inUse;
  }

  /**
   * Waits for a local concurrency slot, then for a shared rate slot, and returns the function
   * that gives the concurrency slot back. The concurrency slot is taken first so that a process
   * never holds more than `concurrency` reservations: slots are not booked far ahead by
   * requests that could not be sent yet anyway.
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    await this.slots.acquire(signal);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.slots.release();
    };
    try {
      for (let attempt = 1; ; attempt++) {
        // Measured from before the call, `due` is never later than the slot: lateness is
        // overestimated by one round trip at most, never missed.
        const asked = performance.now();
        const waitMs = await this.scripts.takeProviderSlot({
          provider: this.opts.provider,
          intervalMs: this.intervalMs,
        });
        const due = asked + waitMs;
        const sleepMs = due - performance.now();
        if (sleepMs > 0) await abortable(sleepMs, signal);
        const lateMs = performance.now() - due;
        if (lateMs <= this.marginMs / 2 || attempt >= MAX_SLOT_ATTEMPTS) return release;
        // The event loop kept us past our slot (a busy process or CPU): sent now, this request
        // would crowd the slots after it, which are on time. Give the slot up, take a new one.
        signal?.throwIfAborted();
      }
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Runs `fn` inside a slot. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * Moves every process's next slot at least `ms` into the future: when the provider answers
   * 429 with Retry-After, the whole fleet backs off, not only the request that was refused.
   */
  async pause(ms: number): Promise<void> {
    if (ms <= 0) return;
    await this.scripts.pauseProvider({
      provider: this.opts.provider,
      intervalMs: this.intervalMs,
      pauseMs: ms,
    });
  }
}

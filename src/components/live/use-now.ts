'use client';

import { useSyncExternalStore } from 'react';

/**
 * The current time for relative times ("12 s ago", "in 3 h"), re-read as often as what is
 * shown needs: every second while something under a minute away is on screen, less often for
 * the rest. Each cadence has one shared timer and its own snapshot, so a page of rows that
 * read "in 3 h" is not re-rendered every second because one row reads "5 s ago".
 */
export type Tick = 1_000 | 10_000 | 60_000;

interface Clock {
  now: number;
  listeners: Set<() => void>;
  timer: ReturnType<typeof setInterval> | null;
  subscribe: (listener: () => void) => () => void;
  read: () => number;
}

const clocks = new Map<Tick, Clock>();

function clockOf(tick: Tick): Clock {
  const known = clocks.get(tick);
  if (known) return known;
  const c: Clock = {
    now: Date.now(),
    listeners: new Set(),
    timer: null,
    subscribe(listener) {
      c.listeners.add(listener);
      if (!c.timer) {
        // A component moving here from a slower clock must not read that clock's older time.
        c.now = Date.now();
        c.timer = setInterval(() => {
          c.now = Date.now();
          for (const l of c.listeners) l();
        }, tick);
      }
      return () => {
        c.listeners.delete(listener);
        if (c.listeners.size === 0 && c.timer) {
          clearInterval(c.timer);
          c.timer = null;
        }
      };
    },
    read: () => c.now,
  };
  clocks.set(tick, c);
  return c;
}

/** How often a relative time `diffMs` away from now must be re-read to stay true. */
export function tickFor(diffMs: number): Tick {
  const abs = Math.abs(diffMs);
  if (abs < 60_000) return 1_000;
  if (abs < 3_600_000) return 10_000;
  return 60_000;
}

/** The current time in ms, re-read every `tick` ms; 0 while rendering on the server. */
export function useNow(tick: Tick = 10_000): number {
  const clock = clockOf(tick);
  return useSyncExternalStore(clock.subscribe, clock.read, () => 0);
}

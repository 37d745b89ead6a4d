'use client';

import { useEffect, useState, type DependencyList, type RefObject } from 'react';
import type * as LightweightCharts from 'lightweight-charts';

/**
 * Draws a chart into `container` once lightweight-charts has loaded: the library is imported
 * when the chart mounts, so it is never part of a page's first JavaScript. `draw` returns what
 * removes the chart; it is drawn again when `deps` change. Answers the error message when the
 * chart could not be drawn, else null.
 */
export function useLazyChart(
  container: RefObject<HTMLDivElement | null>,
  draw: (lib: typeof LightweightCharts, element: HTMLDivElement) => () => void,
  deps: DependencyList,
): string | null {
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let disposed = false;
    let cleanup = () => {};
    void import('lightweight-charts')
      .then((lib) => {
        if (!disposed) cleanup = draw(lib, element);
      })
      .catch((error: unknown) => setFailed((error as Error).message));
    return () => {
      disposed = true;
      cleanup();
    };
  }, deps); // the caller names what the drawing depends on
  return failed;
}

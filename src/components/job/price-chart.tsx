'use client';

import { useEffect, useRef, useState } from 'react';
import type { StockRecord } from '~/trpc/shapes';

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

function themeOptions() {
  const fg = cssVar('--fg', '#15171a');
  const border = cssVar('--border', '#dde1e7');
  return {
    layout: { background: { color: 'transparent' }, textColor: fg, attributionLogo: false },
    grid: { vertLines: { color: border }, horzLines: { color: border } },
    rightPriceScale: { borderColor: border },
    timeScale: { borderColor: border },
  };
}

/**
 * Daily candles and volume of one stored record, drawn by lightweight-charts. The library is
 * imported here, when the chart mounts, so it is never part of the overview's JavaScript.
 */
export function PriceChart({ record }: { record: StockRecord }) {
  const container = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let disposed = false;
    let cleanup = () => {};
    void import('lightweight-charts')
      .then(({ createChart, CandlestickSeries, HistogramSeries }) => {
        if (disposed) return;
        const up = cssVar('--up', '#1a7f4b');
        const down = cssVar('--down', '#c62f3b');
        const chart = createChart(element, {
          autoSize: true,
          ...themeOptions(),
          crosshair: { mode: 0 },
          localization: { priceFormatter: (p: number) => p.toFixed(2) },
        });
        const bars = record.bars.filter(
          (b) => b.open !== null && b.high !== null && b.low !== null && b.close !== null,
        );
        const candles = chart.addSeries(CandlestickSeries, {
          upColor: up,
          downColor: down,
          borderVisible: false,
          wickUpColor: up,
          wickDownColor: down,
        });
        candles.setData(
          bars.map((b) => ({
            time: b.date,
            open: b.open!,
            high: b.high!,
            low: b.low!,
            close: b.close!,
          })),
        );
        const volume = chart.addSeries(HistogramSeries, {
          priceScaleId: 'volume',
          priceFormat: { type: 'volume' },
          lastValueVisible: false,
          priceLineVisible: false,
        });
        chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
        volume.setData(
          bars
            .filter((b) => b.volume !== null)
            .map((b) => ({
              time: b.date,
              value: b.volume!,
              color: `${b.close! >= b.open! ? up : down}66`,
            })),
        );
        chart.timeScale().fitContent();

        const scheme = window.matchMedia('(prefers-color-scheme: dark)');
        const onScheme = () => chart.applyOptions(themeOptions());
        scheme.addEventListener('change', onScheme);
        cleanup = () => {
          scheme.removeEventListener('change', onScheme);
          chart.remove();
        };
      })
      .catch((error: unknown) => setFailed((error as Error).message));
    return () => {
      disposed = true;
      cleanup();
    };
  }, [record]);

  const first = record.bars[0]?.date ?? record.start;
  const last = record.bars.at(-1)?.date ?? record.end;
  return (
    <>
      <div
        ref={container}
        className="chart"
        data-testid="price-chart"
        role="img"
        aria-label={`Daily prices of ${record.symbol} from ${first} to ${last}`}
      />
      {failed && <p className="error-text">The chart could not be drawn: {failed}</p>}
    </>
  );
}

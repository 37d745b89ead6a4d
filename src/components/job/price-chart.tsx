'use client';

import { useRef } from 'react';
import { createCandleChart } from '~/components/ui/chart-theme';
import { useLazyChart } from '~/components/ui/use-lazy-chart';
import type { StockRecord } from '~/trpc/shapes';

/**
 * Daily candles and volume of one stored record, drawn by lightweight-charts. The library is
 * imported here, when the chart mounts, so it is never part of the overview's JavaScript.
 */
export function PriceChart({ record }: { record: StockRecord }) {
  const container = useRef<HTMLDivElement>(null);
  const failed = useLazyChart(
    container,
    (lib, element) => {
      const bars = record.bars.filter(
        (b) => b.open !== null && b.high !== null && b.low !== null && b.close !== null,
      );
      const { chart, up, down, remove } = createCandleChart(lib, element, bars);
      const volume = chart.addSeries(lib.HistogramSeries, {
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
      return remove;
    },
    [record],
  );

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

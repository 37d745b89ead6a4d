'use client';

import { useEffect, useRef, useState } from 'react';
import { addGuidedPane, createCandleChart, cssVar } from '~/components/ui/chart-theme';
import { useLazyChart } from '~/components/ui/use-lazy-chart';
import type * as LightweightCharts from 'lightweight-charts';
import type { IChartApi, ISeriesApi } from 'lightweight-charts';
import type { SeriesBars } from '~/trpc/shapes';
import type { OverlayLine } from './overlays';
import { RSI, type RsiLine } from './rsi';

export const RANGES = [
  { label: '1M', months: 1 },
  { label: '3M', months: 3 },
  { label: '1Y', months: 12 },
  { label: '5Y', months: 60 },
  { label: 'All', months: null },
] as const;
export type RangeLabel = (typeof RANGES)[number]['label'];

function monthsBefore(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}

/** Shows `range` of the chart's whole series: the data stays, only the visible window moves. */
function showRange(chart: IChartApi, first: string, last: string, range: RangeLabel) {
  const months = RANGES.find((r) => r.label === range)?.months ?? null;
  if (months === null) return chart.timeScale().fitContent();
  const from = monthsBefore(last, months);
  chart.timeScale().setVisibleRange({ from: from < first ? first : from, to: last });
}

/**
 * The whole series as daily candles, with its splits and dividends marked. It is drawn once
 * per answer; the range buttons only move the visible window, so switching is instant even
 * over ten years of bars.
 */
export function SeriesChart({
  data,
  range,
  overlays = [],
  rsi = null,
}: {
  data: SeriesBars;
  range: RangeLabel;
  overlays?: OverlayLine[];
  /** RSI in a lower pane, or null for none. */
  rsi?: RsiLine | null;
}) {
  const container = useRef<HTMLDivElement>(null);
  const chartRef = useRef<IChartApi | null>(null);
  const libRef = useRef<typeof LightweightCharts | null>(null);
  const linesRef = useRef<ISeriesApi<'Line'>[]>([]);
  // Bumped when a chart is made, so the overlay effect draws on a chart that mounts late.
  const [chartVersion, setChartVersion] = useState(0);
  const [drawn, setDrawn] = useState('');
  const [rsiDrawn, setRsiDrawn] = useState(0);
  const rangeRef = useRef(range);
  const first = data.bars[0]?.date ?? data.start;
  const last = data.bars.at(-1)?.date ?? data.end;

  const failed = useLazyChart(
    container,
    (lib, element) => {
      const { chart, candles, remove } = createCandleChart(lib, element, data.bars);
      const markers = [
        ...data.splits.map((s) => ({
          time: s.date,
          position: 'aboveBar' as const,
          shape: 'arrowDown' as const,
          color: cssVar('--accent', '#2557d6'),
          text: `Split ${s.numerator}:${s.denominator}`,
        })),
        ...data.dividends.map((d) => ({
          time: d.date,
          position: 'belowBar' as const,
          shape: 'circle' as const,
          color: cssVar('--muted', '#5b6470'),
          text: `Div ${d.amount}`,
        })),
      ].sort((a, b) => a.time.localeCompare(b.time));
      lib.createSeriesMarkers(candles, markers);
      chartRef.current = chart;
      libRef.current = lib;
      linesRef.current = [];
      showRange(chart, first, last, rangeRef.current);
      setChartVersion((v) => v + 1);

      return () => {
        chartRef.current = null;
        linesRef.current = [];
        remove();
      };
    },
    [data, first, last],
  );

  useEffect(() => {
    rangeRef.current = range;
    if (chartRef.current) showRange(chartRef.current, first, last, range);
  }, [range, first, last]);

  // Lines are swapped on the existing chart: the candles and the visible range stay.
  useEffect(() => {
    const chart = chartRef.current;
    const lib = libRef.current;
    if (!chart || !lib) return;
    for (const line of linesRef.current) chart.removeSeries(line);
    // What the chart holds, named in data-overlays once drawn (tests wait on it).
    const drawnNames: string[] = [];
    linesRef.current = overlays.map((overlay) => {
      const line = chart.addSeries(lib.LineSeries, {
        color: overlay.color,
        lineWidth: 2,
        priceLineVisible: false,
        lastValueVisible: false,
        crosshairMarkerVisible: false,
      });
      line.setData(overlay.points);
      if (line.data().length > 0) drawnNames.push(overlay.name);
      return line;
    });
    setDrawn(drawnNames.join(','));
  }, [overlays, chartVersion]);

  useEffect(() => {
    const chart = chartRef.current;
    const lib = libRef.current;
    if (!chart || !lib || !rsi) return setRsiDrawn(0);
    const pane = addGuidedPane(lib, chart, rsi.points, {
      guides: RSI.guides,
      height: 120,
      title: RSI.label,
    });
    // What the pane holds, in data-rsi (tests wait on it): the number of points drawn.
    setRsiDrawn(pane.line.data().length);
    return () => {
      // The chart itself may have gone first (a new answer); then the pane went with it.
      if (chartRef.current === chart) pane.remove();
    };
  }, [rsi, chartVersion]);

  return (
    <>
      <div
        ref={container}
        className={`chart chart-tall${rsi ? ' chart-with-pane' : ''}`}
        data-testid="series-chart"
        data-range={range}
        data-bars={data.bars.length}
        data-overlays={drawn}
        data-rsi={rsiDrawn || undefined}
        role="img"
        aria-label={`Daily prices of ${data.symbol} from ${first} to ${last}, ${data.splits.length} splits and ${data.dividends.length} dividends marked${overlays.length ? `, with ${overlays.map((o) => o.label).join(', ')}` : ''}${rsi ? `; ${RSI.label} below, guides at ${RSI.guides.join(' and ')}` : ''}`}
      />
      {failed && <p className="error-text">The chart could not be drawn: {failed}</p>}
    </>
  );
}

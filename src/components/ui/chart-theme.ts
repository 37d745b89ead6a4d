/** The dashboard's colours for lightweight-charts, read from the page's CSS variables. */
// Types only: the library itself is imported by the charts when they mount.
import type * as LightweightCharts from 'lightweight-charts';

export function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** Chart options that follow the light or dark theme; applied again when the scheme changes. */
export function themeOptions() {
  const fg = cssVar('--fg', '#15171a');
  const border = cssVar('--border', '#dde1e7');
  return {
    layout: { background: { color: 'transparent' }, textColor: fg, attributionLogo: false },
    grid: { vertLines: { color: border }, horzLines: { color: border } },
    rightPriceScale: { borderColor: border },
    timeScale: { borderColor: border },
  };
}

type ChartLibrary = typeof LightweightCharts;

/** Daily candles of bars with all four prices, in the theme's up and down colours. */
export function createCandleChart(
  lib: ChartLibrary,
  element: HTMLElement,
  bars: readonly {
    date: string;
    open: number | null;
    high: number | null;
    low: number | null;
    close: number | null;
  }[],
) {
  const up = cssVar('--up', '#1a7f4b');
  const down = cssVar('--down', '#c62f3b');
  const chart = lib.createChart(element, {
    autoSize: true,
    ...themeOptions(),
    crosshair: { mode: 0 },
    localization: { priceFormatter: (p: number) => p.toFixed(2) },
  });
  const candles = chart.addSeries(lib.CandlestickSeries, {
    upColor: up,
    downColor: down,
    borderVisible: false,
    wickUpColor: up,
    wickDownColor: down,
  });
  candles.setData(
    bars
      .filter((b) => b.open !== null && b.high !== null && b.low !== null && b.close !== null)
      .map((b) => ({ time: b.date, open: b.open!, high: b.high!, low: b.low!, close: b.close! })),
  );
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  const onScheme = () => chart.applyOptions(themeOptions());
  scheme.addEventListener('change', onScheme);
  const remove = () => {
    scheme.removeEventListener('change', onScheme);
    chart.remove();
  };
  return { chart, candles, up, down, remove };
}

/**
 * A line in a pane of its own below the candles, on a fixed 0..100 scale with dashed guide
 * lines (RSI's 30 and 70). The guides and the line take the theme's colours again when the
 * scheme changes; `remove` takes the line off, and the library drops its emptied pane.
 */
export function addGuidedPane(
  lib: ChartLibrary,
  chart: LightweightCharts.IChartApi,
  points: readonly { time: string; value: number }[],
  { guides, height, title }: { guides: readonly number[]; height: number; title: string },
) {
  const line = chart.addSeries(
    lib.LineSeries,
    {
      lineWidth: 2,
      priceLineVisible: false,
      lastValueVisible: true,
      title,
      autoscaleInfoProvider: () => ({ priceRange: { minValue: 0, maxValue: 100 } }),
    },
    1,
  );
  line.setData(points.map((p) => ({ time: p.time, value: p.value })));
  line.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.08 } });
  const lines = guides.map((price) =>
    line.createPriceLine({ price, lineWidth: 1, lineStyle: 2, axisLabelVisible: true, title: '' }),
  );
  const paint = () => {
    line.applyOptions({ color: cssVar('--accent', '#2459d6') });
    for (const guide of lines) guide.applyOptions({ color: cssVar('--muted', '#545b68') });
  };
  paint();
  chart.panes()[1]?.setHeight(height);
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  scheme.addEventListener('change', paint);
  return {
    line,
    remove: () => {
      scheme.removeEventListener('change', paint);
      chart.removeSeries(line);
    },
  };
}

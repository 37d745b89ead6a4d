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

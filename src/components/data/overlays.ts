/**
 * Moving averages drawn over the symbol chart, computed in the browser by the same module the
 * indicators endpoint uses, over the bars the chart already has (the whole series, so an
 * average is warmed up from the first bar, as the endpoint's are).
 */
import { computeIndicator, parseIndicatorName } from '~/domain/indicators';

export const OVERLAYS = [
  { name: 'sma:20', label: 'SMA 20', color: '#d97706' },
  { name: 'sma:50', label: 'SMA 50', color: '#7c3aed' },
  { name: 'sma:200', label: 'SMA 200', color: '#0891b2' },
  { name: 'ema:12', label: 'EMA 12', color: '#db2777' },
  { name: 'ema:26', label: 'EMA 26', color: '#65a30d' },
] as const;
export type OverlayName = (typeof OVERLAYS)[number]['name'];

export interface OverlayLine {
  name: OverlayName;
  label: string;
  color: string;
  points: { time: string; value: number }[];
}

/** The line of `name` over the closes of `bars` (bars without a close are skipped). */
export function overlayLine(
  bars: readonly { date: string; close: number | null }[],
  name: OverlayName,
): OverlayLine {
  const overlay = OVERLAYS.find((o) => o.name === name)!;
  const spec = parseIndicatorName(name);
  if ('error' in spec) throw new Error(spec.error);
  const priced = bars.filter((b) => b.close !== null);
  const values = computeIndicator(
    spec,
    priced.map((b) => b.close!),
  );
  const points: OverlayLine['points'] = [];
  values.forEach((value, i) => {
    if (value !== null) points.push({ time: priced[i]!.date, value });
  });
  return { ...overlay, points };
}

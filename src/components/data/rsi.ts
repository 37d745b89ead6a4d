/**
 * RSI in the symbol chart's lower pane: read from `data.indicators` (the server's definition,
 * Wilder's smoothing over the whole stored series), with the usual 30 and 70 guides.
 */
export const RSI = { name: 'rsi:14', label: 'RSI 14', guides: [30, 70] } as const;

export interface RsiLine {
  points: { time: string; value: number }[];
}

/** The answer's points that have a value (null until 15 bars exist). */
export function rsiLine(points: readonly { date: string; value: number | null }[]): RsiLine {
  const out: RsiLine['points'] = [];
  for (const p of points) if (p.value !== null) out.push({ time: p.date, value: p.value });
  return { points: out };
}

/** "RSI 14: 71.20 on 2024-12-31, above 70" for the legend under the chart. */
export function rsiWords(line: RsiLine): string {
  const last = line.points.at(-1);
  if (!last) return `${RSI.label}: not enough bars`;
  const [low, high] = RSI.guides;
  const zone = last.value > high ? `, above ${high}` : last.value < low ? `, below ${low}` : '';
  return `${RSI.label}: ${last.value.toFixed(2)} on ${last.time}${zone}`;
}
